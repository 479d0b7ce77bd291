import Foundation
import RuleLanguage

/// Loads and checks a pack; prints its diagnostics and fails when it has errors.
func loadPack(_ path: String) throws -> CheckedPack {
    let file = try readSource(path)
    do throws(PackErrors) { return try Frontend.pack(file) } catch {
        FileHandle.standardError.write(Data(error.description.utf8))
        throw CommandFailure("\(path) has errors; fix them (see `warden check \(path)`)")
    }
}
