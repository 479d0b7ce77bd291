import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A log file followed like `tail -F`: what is appended is read as it comes; when
/// the path is renamed away and a new file takes its place (rotation), the old
/// file is read to its end first; when the file shrinks (truncation, copytruncate),
/// reading starts again from its beginning. A missing file is waited for.
/// `-` is standard input, read until it ends.
final class FollowedFile {
    let path: String
    /// Standard input reached its end (a file never ends: it may grow).
    private(set) var ended = false
    private var descriptor: Int32 = -1
    private var identity: (device: UInt64, inode: UInt64)?
    private var offset: Int64 = 0
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    /// Rotations and truncations seen so far.
    private(set) var rotations = 0
    private(set) var truncations = 0

    /// Follows `path`; with `fromEnd`, what the file already holds is skipped.
    init(path: String, fromEnd: Bool) {
        self.path = path
        if path == "-" {
            descriptor = STDIN_FILENO
            _ = fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK)
        } else if openCurrent(), fromEnd {
            offset = Int64(lseek(descriptor, 0, SEEK_END))
        }
    }

    deinit { if descriptor >= 0, descriptor != STDIN_FILENO { close(descriptor) } }

    /// Reads what is there now, in chunks to `body`; returns the bytes read.
    /// `restarted` is called before bytes of a new file (after a rotation or truncation).
    func poll(restarted: () -> Void, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Int {
        var total = 0
        if path == "-" { return ended ? 0 : drain(body) }
        if descriptor < 0 {
            guard openCurrent() else { return 0 }
            restarted()
        }
        total += drain(body)
        // At the end of what this descriptor holds: has the path moved on, or the file shrunk?
        var atPath = stat()
        if stat(path, &atPath) == 0 {
            if let identity, (UInt64(atPath.st_dev), UInt64(atPath.st_ino)) != identity {
                total += drain(body)
                close(descriptor)
                descriptor = -1
                rotations += 1
                if openCurrent() {
                    restarted()
                    total += drain(body)
                }
            } else if Int64(atPath.st_size) < offset {
                truncations += 1
                offset = 0
                restarted()
                total += drain(body)
            }
        }
        return total
    }

    private func openCurrent() -> Bool {
        let opened = open(path, O_RDONLY)
        guard opened >= 0 else { return false }
        var info = stat()
        fstat(opened, &info)
        descriptor = opened
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        offset = 0
        return true
    }

    private func drain(_ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Int {
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { bytes in
                path == "-" ? read(descriptor, bytes.baseAddress, bytes.count) : pread(descriptor, bytes.baseAddress, bytes.count, off_t(offset))
            }
            if count < 0, errno == EINTR { continue }
            if count == 0, path == "-" { ended = true }
            guard count > 0 else { return total }
            offset += Int64(count)
            total += count
            buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
    }
}
