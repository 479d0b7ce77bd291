import Synchronization
import Vectorscan
import WardenCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compiled prefilter databases kept on disk between runs, so that a large pack
/// is compiled by Vectorscan once (0.3 s for 200 regexes) rather than at every
/// start. Rule sets use ``shared``, off unless set (`warden` sets it from
/// `$WARDEN_CACHE_DIR`, else `$XDG_CACHE_HOME/warden`, else `~/.cache/warden`).
///
/// A file holds one stage of a prefilter (``Prefilter/Stage``). It is named by a hash of
/// Vectorscan's version and each of the stage's tests with its form, and holds their
/// roles and the serialized database, then a checksum of both. A file that
/// does not read back whole (corrupt, truncated, from another CPU) is ignored and
/// written again; a directory that cannot be written only costs the compile.
public struct DatabaseCache: Sendable {
    /// The directory files are kept in.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    private static let current = Mutex<DatabaseCache?>(nil)

    /// The cache rule sets use, or `nil` (the default) for none.
    public static var shared: DatabaseCache? {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    /// Sets ``shared`` from the environment: `WARDEN_CACHE_DIR` (empty or `off`: no cache),
    /// else `$XDG_CACHE_HOME/warden`, else `$HOME/.cache/warden`.
    public static func useEnvironment() {
        func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
        if let chosen = variable("WARDEN_CACHE_DIR") {
            shared = chosen.isEmpty || chosen == "off" ? nil : DatabaseCache(directory: chosen)
        } else if let xdg = variable("XDG_CACHE_HOME"), !xdg.isEmpty {
            shared = DatabaseCache(directory: xdg + "/warden")
        } else if let home = variable("HOME"), !home.isEmpty {
            shared = DatabaseCache(directory: home + "/.cache/warden")
        }
    }

    private static let magic = "warden-prefilter 2\n"

    /// The roles and database stored under `key` (a stage's: its tests' roles, in order), when the file reads back whole.
    func load(key: String, tests: Int) -> (roles: [Prefilter.Role], database: Database?)? {
        guard let file = Self.readFile(path(key)), file.count > 17,
              let checksum = UInt64(String(decoding: file[(file.count - 16)...], as: UTF8.self), radix: 16),
              checksum == Fingerprint(file[..<(file.count - 16)]).value else { return nil }
        let bytes = file[..<(file.count - 17)]
        guard let separator = bytes.firstRange(of: Array("\n--\n".utf8)) else { return nil }
        let lines = String(decoding: bytes[..<separator.lowerBound], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == tests + 2, lines[0] + "\n" == Self.magic, let count = Int(lines[tests + 1]) else { return nil }
        var roles: [Prefilter.Role] = []
        for line in lines[1..<tests + 1] {
            switch line.first {
            case "e": roles.append(.exact)
            case "c": roles.append(.candidate(reason: String(line.dropFirst(2))))
            case "f": roles.append(.fallback(reason: String(line.dropFirst(2))))
            default: return nil
            }
        }
        let body = Array(bytes[separator.upperBound...])
        if count == 0 { return body.isEmpty ? (roles, nil) : nil }
        guard let database = try? Database(serialized: body, count: count) else { return nil }
        return (roles, database)
    }

    /// Keeps `roles` and `database` under `key`: the roles, the database's expression count,
    /// the serialized database, and a checksum of all of it.
    func store(key: String, roles: [Prefilter.Role], database: Database?) {
        var text = Self.magic
        for role in roles {
            switch role {
            case .exact: text += "e\n"
            case .candidate(let reason): text += "c " + reason.replacing("\n", with: " ") + "\n"
            case .fallback(let reason): text += "f " + reason.replacing("\n", with: " ") + "\n"
            }
        }
        text += "\(database?.count ?? 0)\n--\n"
        var bytes = Array(text.utf8)
        if let database {
            guard let serialized = database.serialized() else { return }
            bytes += serialized
        }
        bytes.append(0x0A)
        bytes += Array(Fingerprint(bytes).hex.utf8)
        Self.writeFile(bytes, to: path(key), directory: directory)
    }

    private func path(_ key: String) -> String { directory + "/prefilter-" + key + ".hsdb" }

    private static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it into place, so a reader
    /// never sees half a file; failures are ignored (the cache only saves time).
    private static func writeFile(_ bytes: [UInt8], to path: String, directory: String) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            _ = mkdir(prefix, 0o755)
        }
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written == bytes.count, rename(temporary, path) == 0 { return }
        unlink(temporary)
    }
}
