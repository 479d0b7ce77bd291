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
