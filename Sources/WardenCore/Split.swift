/// Chronological splits of the CodeAD protocol: the first 60 % of windows
/// train, the next 10 % validate, the last 30 % test.
public enum Split: String, Sendable, CaseIterable, Codable {
    case all, train, val, test

    /// Whether window `index` of `count` (in input order) belongs to this split.
    public func contains(_ index: Int, of count: Int) -> Bool {
        let trainEnd = count * 6 / 10, valEnd = count * 7 / 10
        switch self {
        case .all: return true
        case .train: return index < trainEnd
        case .val: return index >= trainEnd && index < valEnd
        case .test: return index >= valEnd
        }
    }
}
