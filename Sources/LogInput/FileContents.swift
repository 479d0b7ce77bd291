import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole small files (packs, label files, models, state): read in one go,
/// and when that fails, the reason in words — missing, a directory,
/// permission denied — rather than a Foundation error code.
public enum FileContents {
    /// The bytes of the file at `path`, or `nil` with ``reason(_:)`` to say why.
    public static func read(_ path: String) -> Data? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFDIR else { return nil }
        return FileManager.default.contents(atPath: path)
    }

    /// Why the file at `path` cannot be read.
    public static func reason(_ path: String) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { return String(cString: strerror(errno)).lowercased() }
        if status.st_mode & S_IFMT == S_IFDIR { return "it is a directory" }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return String(cString: strerror(errno)).lowercased() }
        close(descriptor)
        return "reading it failed"
    }
}
