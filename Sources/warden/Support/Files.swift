import Foundation
import RuleLanguage
import LogInput

/// Reads a whole file, with the path in the error.
func readFile(_ path: String) throws -> Data {
    guard let data = FileContents.read(path) else { throw CommandFailure("cannot read \(path): \(FileContents.reason(path))") }
    return data
}

/// A one-line reason for a JSON decoding failure.
func describeDecodingError(_ error: any Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context),
         DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    default:
        return "\(error)"
    }
}

/// Reads a pack from disk (or standard input for `-`) as raw bytes.
func readSource(_ path: String) throws -> SourceFile {
    if path == "-" {
        return SourceFile(path: "<stdin>", bytes: Array(FileHandle.standardInput.readDataToEndOfFile()))
    }
    guard let data = FileContents.read(path) else {
        throw CommandFailure("cannot read \(path): \(FileContents.reason(path))")
    }
    return SourceFile(path: path, bytes: Array(data))
}

/// A command that cannot go on: printed as `Error: message`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
