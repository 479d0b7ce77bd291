import Foundation

/// Writes a command's output file. A regular file (or a new one) is replaced
/// atomically, so a crash never leaves half a file; a symbolic link is
/// written through to its target the same way; anything else (a device, a
/// pipe) is opened and written in place, never replaced. Errors name the path
/// and what went wrong.
enum OutputFile {
    static func write(_ data: Data, to path: String) throws {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { link in
            link.hasPrefix("/") ? link : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(link).path
        } ?? path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue { throw CommandFailure("\(path): cannot write: it is a directory") }
        let type = exists ? (try? FileManager.default.attributesOfItem(atPath: target)[.type] as? FileAttributeType) ?? nil : nil
        do {
            if !exists || type == .typeRegular {
                try data.write(to: URL(fileURLWithPath: target), options: .atomic)
            } else {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
                defer { try? handle.close() }
                try handle.write(contentsOf: data)
            }
        } catch {
            throw CommandFailure("\(path): cannot write (\(reason(error)))")
        }
    }

    /// The system's reason for a file error, without Foundation's domain and code.
    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        return error.localizedDescription
    }
}

/// Standard output as a checked stream: writes that fail are errors, never lost silently.
enum StandardOutput {
    /// Writes bytes straight to standard output (after what `print` buffered).
    static func write(_ data: Data) throws {
        fflush(nil)
        do { try FileHandle.standardOutput.write(contentsOf: data) } catch {
            throw StandardOutputError(reason: OutputFile.reason(error))
        }
    }

    /// Flushes what `print` buffered; on a write error, says so and exits 1.
    static func finish() {
        if fflush(nil) != 0 {
            FileHandle.standardError.write(Data("Error: cannot write to standard output (\(String(cString: strerror(errno))))\n".utf8))
            exit(1)
        }
    }
}

/// Standard output could not be written.
struct StandardOutputError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "cannot write to standard output (\(reason))" }
}

/// Standard output with a large buffer, written in big chunks.
final class BufferedOutput {
    private var buffer: [UInt8] = []

    func write(_ line: [UInt8]) throws {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try StandardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
