/// The bundle's container: a POSIX ustar archive, written in one canonical form
/// and read back only in that form.
///
/// Why ustar: `tar -tvf app.wbundle` lists a bundle and `tar -xf` unpacks it for
/// review with no Warden at hand, and the format is small enough to read
/// strictly: every header is re-rendered from its name and size and must equal
/// the stored one byte for byte, padding and the end-of-archive blocks must be
/// zero, and nothing may follow them. So no byte of a bundle is without meaning,
/// and none can change without the bundle being refused.
public enum BundleArchive {
    static let block = 512
    /// The longest entry name (ustar's name field; no prefix field is used).
    static let maximumNameLength = 100

    /// A file in the archive.
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var bytes: [UInt8]

        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// The archive of `entries`, in their order.
    public static func write(_ entries: [Entry]) -> [UInt8] {
        var archive: [UInt8] = []
        for entry in entries {
            archive += header(name: entry.name, size: entry.bytes.count)
            archive += entry.bytes
            archive += [UInt8](repeating: 0, count: padding(entry.bytes.count))
        }
        archive += [UInt8](repeating: 0, count: 2 * block)
        return archive
    }

    /// The entries of an archive in canonical form; anything else is refused with where and why.
    public static func read(_ archive: [UInt8]) throws(BundleError) -> [Entry] {
        guard archive.count >= 2 * block, archive.count % block == 0 else {
            throw .malformed("\(archive.count) bytes is not a whole number of 512-byte tar blocks (truncated, or not a bundle)")
        }
        var entries: [Entry] = []
        var offset = 0
        while true {
            guard offset + block <= archive.count else { throw .malformed("the archive ends without its two end blocks (truncated)") }
            let stored = archive[offset..<(offset + block)]
            if stored.allSatisfy({ $0 == 0 }) {
                let rest = archive[(offset + block)...]
                guard rest.count == block, rest.allSatisfy({ $0 == 0 }) else {
                    throw .malformed("bytes after the end of the archive at offset \(offset + block)")
                }
                return entries
            }
            guard let name = cString(stored.prefix(maximumNameLength)), !name.isEmpty else {
                throw .malformed("entry \(entries.count + 1) has no readable name (offset \(offset))")
            }
            guard let size = octal(stored[(stored.startIndex + 124)..<(stored.startIndex + 136)]) else {
                throw .malformed("entry \(name) has no readable size (offset \(offset))")
            }
            guard Array(stored) == header(name: name, size: size) else {
                throw .malformed("entry \(name)'s header is not in the form Warden writes (changed, or not a Warden bundle)")
            }
            let start = offset + block
            guard size <= archive.count - start else { throw .malformed("entry \(name) runs past the end of the archive (truncated)") }
            let end = start + size
            let padded = end + padding(size)
            guard padded <= archive.count, archive[end..<padded].allSatisfy({ $0 == 0 }) else {
                throw .malformed("entry \(name)'s padding is not zero (changed)")
            }
            entries.append(Entry(name: name, bytes: Array(archive[start..<end])))
            offset = padded
        }
    }

    /// Whether `bytes` start like a bundle (a ustar header for `manifest.json`), to tell bundles from packs.
    public static func looksLikeBundle(_ bytes: some Collection<UInt8>) -> Bool {
        let head = Array(bytes.prefix(block))
        return head.count == block && head.starts(with: Array("manifest.json".utf8) + [0]) && head[257..<263].elementsEqual(Array("ustar".utf8) + [0])
    }

    private static func padding(_ size: Int) -> Int { (block - size % block) % block }

    /// A regular file's header: mode 0644, owner 0, mtime 0, no user or group names.
    static func header(name: String, size: Int) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: block)
        func put(_ bytes: [UInt8], at offset: Int) { header.replaceSubrange(offset..<(offset + bytes.count), with: bytes) }
        func field(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(Array(name.utf8.prefix(maximumNameLength)), at: 0)
        put(field(0o644, width: 8), at: 100)
        put(field(0, width: 8), at: 108)
        put(field(0, width: 8), at: 116)
        put(field(size, width: 12), at: 124)
        put(field(0, width: 12), at: 136)
        header[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put([UInt8](repeating: 0x20, count: 8), at: 148)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(field(sum, width: 7) + [0x20], at: 148)
        return header
    }

    private static func cString(_ bytes: ArraySlice<UInt8>) -> String? {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(validating: bytes[..<end], as: UTF8.self)
    }

    private static func octal(_ bytes: ArraySlice<UInt8>) -> Int? {
        let digits = bytes.prefix { $0 != 0 && $0 != 0x20 }
        guard !digits.isEmpty, digits.count <= 11, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) else { return nil }
        return digits.reduce(0) { $0 * 8 + Int($1 - 0x30) }
    }
}
