/// Why a line is in no window.
public enum SkipReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Session windowing: the key pattern did not match the line.
    case noSessionKey = "no-session-key"
    /// Count windowing with a step larger than the size: the line falls between windows.
    case betweenWindows = "between-windows"
    /// The line is longer than the reader's limit.
    case tooLong = "too-long"
    /// JSON Lines: the line is not a JSON object.
    case notJSON = "not-json"
    /// JSON Lines: the line holds bytes that are not UTF-8 (JSON text is UTF-8).
    case invalidUTF8 = "invalid-utf8"
    /// JSON Lines: a number in the record does not fit a 64-bit float (such as `1e400`).
    case numberOutOfRange = "number-out-of-range"
    /// JSON Lines: the object has no string under the message field (`--message-field`).
    case noMessageField = "no-message-field"
    /// Session windowing: the key pattern reached a PCRE2 resource limit on the line.
    case keyLimit = "key-limit"
}

/// Counts that account for every input line.
public struct LineAccounting: Sendable, Hashable, Codable {
    /// Lines read from the input.
    public var read = 0
    /// Lines that reached a window.
    public var windowed = 0
    /// Lines in no window, by reason.
    public var skipped: [SkipReason: Int] = [:]

    public init() {}

    public var skippedTotal: Int { skipped.values.reduce(0, +) }
    /// Whether every line read is in a window or reported as skipped.
    public var balances: Bool { read == windowed + skippedTotal }

    private enum CodingKeys: String, CodingKey { case read, windowed, skipped }

    /// `{"read": N, "windowed": N, "skipped": {"too-long": N, ...}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(read, forKey: .read)
        try container.encode(windowed, forKey: .windowed)
        try container.encode(Dictionary(uniqueKeysWithValues: skipped.map { ($0.key.rawValue, $0.value) }), forKey: .skipped)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        read = try container.decode(Int.self, forKey: .read)
        windowed = try container.decode(Int.self, forKey: .windowed)
        var skipped: [SkipReason: Int] = [:]
        for (name, count) in try container.decode([String: Int].self, forKey: .skipped) {
            guard let reason = SkipReason(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .skipped, in: container, debugDescription: "unknown skip reason \(name)")
            }
            skipped[reason] = count
        }
        self.skipped = skipped
    }
}

