/// Ground truth for one line or window, from a label; `nil` where unknown.
public enum Truth: Int8, Sendable, Hashable {
    case normal = 0
    case abnormal = 1

    /// Reads a label value: `-`, `0`, `normal`, `false` are normal; empty and
    /// `unknown` are unknown; anything else (an alert category, `1`, `Anomaly`) is abnormal.
    public init?(labelText text: Substring) {
        switch text.lowercased() {
        case "", "unknown", "?": return nil
        case "-", "0", "normal", "false", "no": self = .normal
        default: self = .abnormal
        }
    }
}
