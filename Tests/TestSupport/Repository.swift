import Foundation

/// Paths into the repository for tests, found from this file's location, and
/// whether golden files are being re-recorded (`WARDEN_RECORD=1`).
public enum Repository {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The URL of a repository-relative path.
    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// The file-system path of a repository-relative path.
    public static func path(_ relative: String) -> String { url(relative).path }

    /// The files of `folder` whose names end in `.ext`, sorted by name.
    public static func files(in folder: String, withExtension ext: String) -> [URL] {
        let directory = url(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Whether golden files should be rewritten instead of compared.
    public static var recording: Bool { ProcessInfo.processInfo.environment["WARDEN_RECORD"] == "1" }
}
