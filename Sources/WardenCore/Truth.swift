/// Ground truth for one line or window, from a label; `nil` where unknown.
public enum Truth: Int8, Sendable, Hashable {
    case normal = 0
    case abnormal = 1

    /// Reads a label value: `-`, `0`, `normal`, `false` are normal; empty and
    /// `unknown` are unknown; anything else (an alert category, `1`, `Anomaly`) is abnormal.
    public init?(labelText text: Substring) {
        let word = text.lowercased()
        if Self.unknownLabels.contains(word) { return nil }
        self = Self.normalLabels.contains(word) ? .normal : .abnormal
    }

    /// The label words that mean unknown, and those that mean normal (lowercase).
    private static let unknownLabels = ["", "unknown", "?"]
    private static let normalLabels = ["-", "0", "normal", "false", "no"]

    /// Reads a label of ASCII bytes as ``init(labelText:)`` does, without making a string
    /// (BGL's alert categories, a few bytes on every anomalous line).
    public init?(asciiLabel bytes: UnsafeBufferPointer<UInt8>) {
        // Every word that is not abnormal fits in 7 bytes; packed lowercase into one integer each.
        guard bytes.count <= 7 else { self = .abnormal; return }
        var packed: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            precondition(byte < 0x80, "asciiLabel takes ASCII bytes")
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            packed |= UInt64(lower) << (8 * UInt64(index))
        }
        if Self.unknownWords.contains(packed) { return nil }
        self = Self.normalWords.contains(packed) ? .normal : .abnormal
    }

    private static func packed(_ word: String) -> UInt64 {
        word.utf8.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    private static let unknownWords = unknownLabels.map(packed)
    private static let normalWords = normalLabels.map(packed)
}
