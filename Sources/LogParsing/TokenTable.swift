import Foundation

/// Interns byte-string tokens as dense `Int32` ids, so the template miner
/// compares integers instead of strings. Id 0 is always the wildcard `<*>`.
public struct TokenTable: Sendable {
    private var storage: [UInt8] = []
    private var starts: [Int] = [0]
    private var hasDigit: [Bool] = []
    private var next: [Int32] = []
    private var firstByHash: [UInt64: Int32] = [:]

    /// The wildcard's id.
    public static let wildcard: Int32 = 0
    /// The id `lookup` gives a token the table has never seen.
    public static let unknown: Int32 = -1

    public init() {
        _ = intern(UnsafeRawBufferPointer(start: nil, count: 0), wildcard: true)
    }

    /// Number of distinct tokens, the wildcard included.
    public var count: Int { hasDigit.count }

    /// The bytes of token `id`.
    public func bytes(_ id: Int32) -> ArraySlice<UInt8> {
        id == Self.wildcard ? ArraySlice("<*>".utf8) : storage[starts[Int(id)]..<starts[Int(id) + 1]]
    }

    /// The token as text (invalid UTF-8 shown with replacement characters).
    public func text(_ id: Int32) -> String { String(decoding: bytes(id), as: UTF8.self) }

    /// Whether token `id` holds an ASCII digit.
    public func containsDigit(_ id: Int32) -> Bool { hasDigit[Int(id)] }

    @inline(__always)
    private static func hash(_ token: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in token { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    private func equals(_ id: Int32, _ token: UnsafeRawBufferPointer) -> Bool {
        let start = starts[Int(id)], end = starts[Int(id) + 1]
        guard end - start == token.count else { return false }
        return storage.withUnsafeBufferPointer { buffer in
            for offset in 0..<token.count where buffer[start + offset] != token[offset] { return false }
            return true
        }
    }

    /// The id of `token`, or `unknown`.
    public func lookup(_ token: UnsafeRawBufferPointer) -> Int32 {
        if token.count == 3, token[0] == 0x3C, token[1] == 0x2A, token[2] == 0x3E { return Self.wildcard }
        var id = firstByHash[Self.hash(token)] ?? Self.unknown
        while id != Self.unknown {
            if equals(id, token) { return id }
            id = next[Int(id)]
        }
        return Self.unknown
    }

    /// The id of `token`, adding it when new. The text `<*>` is the wildcard.
    public mutating func intern(_ token: UnsafeRawBufferPointer) -> Int32 {
        intern(token, wildcard: false)
    }

    private mutating func intern(_ token: UnsafeRawBufferPointer, wildcard: Bool) -> Int32 {
        if !wildcard {
            let found = lookup(token)
            if found != Self.unknown { return found }
        }
        let id = Int32(hasDigit.count)
        storage.append(contentsOf: token)
        starts.append(storage.count)
        hasDigit.append(token.contains { $0 >= 0x30 && $0 <= 0x39 })
        if wildcard {
            next.append(Self.unknown)
        } else {
            let h = Self.hash(token)
            next.append(firstByHash[h] ?? Self.unknown)
            firstByHash[h] = id
        }
        return id
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
