import Foundation

/// Interns byte-string tokens as dense `Int32` ids, so the template miner
/// compares integers instead of strings. Id 0 is always the wildcard `<*>`.
public struct TokenTable: Sendable {
    private var storage: [UInt8] = []
    private var starts: [Int] = [0]
    private var hasDigit: [Bool] = []
    private var hashes: [UInt64] = []
    /// Open addressing over token ids (see `find`); 0 is empty; capacity is a power of two.
    private var slots = [UInt64](repeating: 0, count: 1024)

    /// The wildcard's id.
    public static let wildcard: Int32 = 0
    /// The id `lookup` gives a token the table has never seen.
    public static let unknown: Int32 = -1

    public init() {
        storage = Array("<*>".utf8)
        starts = [0, 3]
        hasDigit = [false]
        hashes = [0]
    }

    /// Number of distinct tokens, the wildcard included.
    public var count: Int { hasDigit.count }

    /// The bytes of token `id`.
    public func bytes(_ id: Int32) -> ArraySlice<UInt8> {
        storage[starts[Int(id)]..<starts[Int(id) + 1]]
    }

    /// The token as text (invalid UTF-8 shown with replacement characters).
    public func text(_ id: Int32) -> String { String(decoding: bytes(id), as: UTF8.self) }

    /// Whether token `id` holds an ASCII digit.
    public func containsDigit(_ id: Int32) -> Bool { hasDigit[Int(id)] }

    /// A fast 64-bit hash of a byte string, eight bytes at a time.
    @inline(__always)
    static func hash(_ token: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(token.count)
        var offset = 0
        let count = token.count
        while offset + 8 <= count {
            let word = token.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            offset += 8
        }
        // The last 1–7 bytes in at most two (overlapping) loads.
        let rest = count - offset
        var tail: UInt64 = 0
        if rest >= 4 {
            tail = UInt64(token.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) << 32
                | UInt64(token.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        } else if rest >= 2 {
            tail = UInt64(token.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) << 16
                | UInt64(token.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self))
        } else if rest == 1 {
            tail = UInt64(token[offset])
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h | 1  // never 0, the wildcard's placeholder hash
    }

    @inline(__always)
    private func equals(_ id: Int32, _ token: UnsafeRawBufferPointer) -> Bool {
        let start = starts[Int(id)], end = starts[Int(id) + 1]
        let count = token.count
        guard end - start == count else { return false }
        return storage.withUnsafeBytes { stored in
            var offset = 0
            while offset + 8 <= count {
                if stored.loadUnaligned(fromByteOffset: start + offset, as: UInt64.self)
                    != token.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                offset += 8
            }
            while offset < count {
                if stored[start + offset] != token[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    private static func isWildcard(_ token: UnsafeRawBufferPointer) -> Bool {
        token.count == 3 && token[0] == 0x3C && token[1] == 0x2A && token[2] == 0x3E
    }

    /// A slot holds the token's id plus one in its low 32 bits and the hash's
    /// high 32 bits above them, so most misses are decided without touching the token.
    @inline(__always)
    private func find(_ token: UnsafeRawBufferPointer, hash h: UInt64) -> (slot: Int, id: Int32) {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            let tag = h & 0xFFFF_FFFF_0000_0000
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return (slot, Self.unknown) }
                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                    let id = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    if equals(id, token) { return (slot, id) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of `token`, or `unknown`.
    public func lookup(_ token: UnsafeRawBufferPointer) -> Int32 {
        if Self.isWildcard(token) { return Self.wildcard }
        return find(token, hash: Self.hash(token)).id
    }

    /// The id of `token`, adding it when new. The text `<*>` is the wildcard.
    public mutating func intern(_ token: UnsafeRawBufferPointer) -> Int32 {
        if Self.isWildcard(token) { return Self.wildcard }
        let h = Self.hash(token)
        let (slot, found) = find(token, hash: h)
        if found != Self.unknown { return found }
        let id = Int32(hasDigit.count)
        storage.append(contentsOf: token)
        starts.append(storage.count)
        hasDigit.append(token.contains { $0 >= 0x30 && $0 <= 0x39 })
        hashes.append(h)
        slots[slot] = Self.entry(id: id, hash: h)
        if hasDigit.count * 2 > slots.count { grow() }
        return id
    }

    private static func entry(id: Int32, hash: UInt64) -> UInt64 {
        (hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(id) + 1)
    }

    private mutating func grow() {
        var bigger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for id in 1..<Int32(hasDigit.count) {
            var slot = Int(truncatingIfNeeded: hashes[Int(id)]) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = Self.entry(id: id, hash: hashes[Int(id)])
        }
        slots = bigger
    }
}

extension TokenTable: Codable {
    private enum CodingKeys: String, CodingKey { case tokens }

    /// Tokens are stored as base64 of their bytes, so invalid UTF-8 survives a round trip.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode((1..<count).map { Data(bytes(Int32($0))).base64EncodedString() }, forKey: .tokens)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        for encoded in try container.decode([String].self, forKey: .tokens) {
            guard let raw = Data(base64Encoded: encoded) else {
                throw DecodingError.dataCorruptedError(forKey: .tokens, in: container, debugDescription: "a token is not valid base64")
            }
            let id = raw.withUnsafeBytes { intern($0) }
            guard id == Int32(count - 1) else {
                throw DecodingError.dataCorruptedError(forKey: .tokens, in: container, debugDescription: "a token appears twice")
            }
        }
    }
}
