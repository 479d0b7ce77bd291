import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why input could not be read.
public enum InputError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    /// The gzip stream ended early; every line before the cut was processed.
    case truncatedGzip(path: String)
    case corruptGzip(path: String, reason: String)
    case invalidLabels(path: String, reason: String)
    /// Reading stopped at a fault (`reason`): the `lines` complete lines before it were read and processed.
    case stopped(path: String, reason: String, lines: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .readFailed(let path, let reason): "cannot read \(path): \(reason)"
        case .truncatedGzip(let path): "\(path): the gzip stream is truncated; the lines before the cut were processed"
        case .corruptGzip(let path, let reason): "\(path): corrupt gzip data (\(reason)); the lines before it were processed"
        case .invalidLabels(let path, let reason): "label file \(path): \(reason)"
        case .stopped(let path, let reason, let lines):
            "\(path): \(reason); the \(lines) complete line\(lines == 1 ? "" : "s") before it were read and processed"
        }
    }

    /// A fault in the input (a failed read, bad gzip) as reported after the `lines` lines read
    /// before it were delivered; any other error as it is.
    func stopped(path: String, lines: Int) -> InputError {
        switch self {
        case .readFailed, .truncatedGzip, .corruptGzip: .stopped(path: path, reason: reason, lines: lines)
        default: self
        }
    }

    /// What went wrong, without the path (for ``stopped(path:reason:lines:)``).
    var reason: String {
        switch self {
        case .cannotOpen(_, let reason): "cannot open it: \(reason)"
        case .readFailed(_, let reason): "cannot read it: \(reason)"
        case .truncatedGzip: "the gzip stream is truncated"
        case .corruptGzip(_, let reason): "corrupt gzip data (\(reason))"
        case .invalidLabels(_, let reason): reason
        case .stopped(_, let reason, _): reason
        }
    }
}

/// A stream of bytes from a file or standard input (`-`), gunzipped when it
/// starts with the gzip magic bytes (concatenated gzip members included).
public final class ByteSource {
    public let path: String
    private let descriptor: Int32
    /// The read buffer of ``forEachChunk(_:)``, made on its first call (the block pipeline reads into buffers of its own).
    private var raw: [UInt8] = []
    private var inflater: Inflater?
    private var pending: ArraySlice<UInt8> = []
    private var sniffed = false
    /// Bytes read from the file so far (compressed bytes for gzip input).
    public private(set) var bytesRead = 0
    /// The file's size when known (regular files), for progress bars.
    public let totalBytes: Int?

    public init(path: String) throws(InputError) {
        self.path = path
        if path == "-" {
            descriptor = STDIN_FILENO
            totalBytes = nil
        } else {
            descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            var info = stat()
            if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                totalBytes = Int(info.st_size)
            } else {
                totalBytes = nil
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                close(descriptor)
                throw .cannotOpen(path: path, reason: "is a directory")
            }
        }
    }

    deinit {
        if descriptor != STDIN_FILENO { close(descriptor) }
    }

    /// Whether the source is an uncompressed regular file not yet read: what
    /// the block pipeline reads directly, in chunks of its own, through ``positional``.
    var isPlainFileAtStart: Bool {
        guard totalBytes != nil, bytesRead == 0, !sniffed else { return false }
        var magic: (UInt8, UInt8) = (0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        return !(count == 2 && magic.0 == 0x1F && magic.1 == 0x8B)
    }

    /// Reads raw bytes into `buffer` (retrying on EINTR); 0 at the end of input.
    func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                bytesRead += count
                return count
            }
            if errno == EINTR { continue }
            throw .readFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// The file for reads at given offsets, which the block pipeline's workers make
    /// at once; valid while the source is.
    var positional: PositionalFile { PositionalFile(descriptor: descriptor, path: path) }

    /// Records that the bytes up to `offset` were read through ``positional``.
    func recordRead(upTo offset: Int) {
        bytesRead = max(bytesRead, offset)
    }

    /// Whether the input is gzip-compressed (known after the first read).
    public var isCompressed: Bool { inflater != nil }

    /// Calls `body` with each chunk of decoded bytes until the end of input.
    public func forEachChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if raw.isEmpty { raw = [UInt8](repeating: 0, count: 1 << 20) }
        while true {
            let count = try raw.withUnsafeMutableBytes { buffer throws(InputError) in try readRaw(into: buffer) }
            if count == 0 { break }
            var chunk = raw[0..<count]
            if !sniffed {
                // Sniff the gzip magic bytes (1f 8b) on the first two bytes.
                pending += chunk
                guard pending.count >= 2 else { continue }
                sniffed = true
                if pending[pending.startIndex] == 0x1F, pending[pending.startIndex + 1] == 0x8B { inflater = try Inflater(path: path) }
                chunk = pending
                pending = []
            }
            if let inflater {
                try inflater.inflate(chunk, body)
            } else {
                try chunk.withUnsafeBufferPointer { try body($0) }
            }
        }
        if !sniffed, !pending.isEmpty {
            try pending.withUnsafeBufferPointer { try body($0) }
        }
        if let inflater, !inflater.atStreamEnd { throw InputError.truncatedGzip(path: path) }
    }
}

/// zlib's inflate over a sequence of gzip members.
private final class Inflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 1 << 20)
    private let path: String
    private(set) var atStreamEnd = false

    init(path: String) throws(InputError) {
        self.path = path
        guard warden_inflate_init(&stream) == Z_OK else { throw .corruptGzip(path: path, reason: "zlib failed to start") }
    }

    deinit { inflateEnd(&stream) }

    func inflate(_ input: ArraySlice<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var input = Array(input)
        let count = input.count
        try input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(count)
            while stream.avail_in > 0 {
                if atStreamEnd {
                    // Another gzip member follows.
                    guard inflateReset(&stream) == Z_OK else { throw InputError.corruptGzip(path: path, reason: "cannot reset") }
                    atStreamEnd = false
                }
                var failure: InputError?
                let produced: Int = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    switch status {
                    case Z_OK, Z_BUF_ERROR: break
                    case Z_STREAM_END: atStreamEnd = true
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                        failure = InputError.corruptGzip(path: path, reason: message)
                    }
                    return out.count - Int(stream.avail_out)
                }
                // What decoded before a fault (all of it, when only the CRC is wrong) is delivered first.
                if produced > 0 {
                    try output.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
                }
                if let failure { throw failure }
                if produced == 0, !atStreamEnd, stream.avail_in > 0, stream.avail_out > 0 {
                    throw InputError.corruptGzip(path: path, reason: "no progress")
                }
            }
        }
    }
}

/// Splits a byte stream into lines (LF, with a trailing CR removed); the last
/// line needs no newline. Lines longer than the limit are skipped and counted.
public struct LineSplitter {
    public let maximumLineLength: Int
    private var carry: [UInt8] = []
    private var carryTooLong = false
    /// 1-based number of the next line.
    public private(set) var nextNumber = 1

    public init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    /// Splits `chunk`; calls `line` for each complete line and `tooLong` for each over the limit.
    public mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>,
        line: (UnsafeBufferPointer<UInt8>, Int) throws -> Void,
        tooLong: (Int) throws -> Void
    ) rethrows {
        var start = 0
        let base = chunk.baseAddress
        while start < chunk.count {
            let rest = chunk.count - start
            guard let hit = memchr(base! + start, 0x0A, rest) else {
                append(UnsafeBufferPointer(rebasing: chunk[start...]))
                return
            }
            let end = base!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            let piece = UnsafeBufferPointer(rebasing: chunk[start..<end])
            if carry.isEmpty, !carryTooLong {
                if piece.count > maximumLineLength { try tooLong(nextNumber) } else { try line(trimCR(piece), nextNumber) }
            } else {
                append(piece)
                if carryTooLong {
                    try tooLong(nextNumber)
                } else {
                    try carry.withUnsafeBufferPointer { try line(trimCR($0), nextNumber) }
                }
                carry.removeAll(keepingCapacity: true)
                carryTooLong = false
            }
            nextNumber += 1
            start = end + 1
        }
    }

    /// Delivers a final line that had no newline.
    public mutating func finish(line: (UnsafeBufferPointer<UInt8>, Int) throws -> Void, tooLong: (Int) throws -> Void) rethrows {
        guard !carry.isEmpty || carryTooLong else { return }
        if carryTooLong { try tooLong(nextNumber) } else { try carry.withUnsafeBufferPointer { try line(trimCR($0), nextNumber) } }
        carry.removeAll()
        carryTooLong = false
        nextNumber += 1
    }

    private mutating func append(_ piece: UnsafeBufferPointer<UInt8>) {
        guard !carryTooLong else { return }
        if carry.count + piece.count > maximumLineLength {
            carryTooLong = true
            carry.removeAll()
        } else {
            carry.append(contentsOf: piece)
        }
    }

    private func trimCR(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let last = line.last, last == 0x0D { return UnsafeBufferPointer(rebasing: line.dropLast()) }
        return line
    }
}

/// An open regular file read at given offsets (`pread`), from any number of threads at
/// once: the reads change no shared state. It does not own its descriptor.
struct PositionalFile: Sendable {
    let descriptor: Int32
    let path: String

    /// Reads up to `buffer.count` bytes at `offset` (retrying on EINTR and short reads):
    /// how many it read, fewer only at the end of the file or at a fault, which it
    /// returns with the bytes read before it.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> (count: Int, fault: InputError?) {
        var filled = 0
        while filled < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
            if count > 0 {
                filled += count
            } else if count == 0 {
                break
            } else if errno != EINTR {
                return (filled, .readFailed(path: path, reason: String(cString: strerror(errno))))
            }
        }
        return (filled, nil)
    }
}
