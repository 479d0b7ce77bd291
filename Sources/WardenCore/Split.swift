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

/// Which windows (or lines) a learner reads: `synthesize` and `fame train`.
public enum Learning: String, Sendable, CaseIterable {
    /// The chronological training split (60 %) learns, the validation split (10 %) selects or
    /// calibrates, and the test split (30 %) is held out for `eval --split test`.
    case train
    /// Every window: the first six sevenths learn and the last seventh selects or calibrates
    /// (the same 6:1 proportion), nothing held out. For a pack or model to ship rather than to
    /// score on the same file.
    case all

    /// Whether window `index` of `count` learns (training), selects (validation), or is held out (test).
    public func split(of index: Int, count: Int) -> Split {
        switch self {
        case .train: Split.train.contains(index, of: count) ? .train : Split.val.contains(index, of: count) ? .val : .test
        case .all: index < count * 6 / 7 ? .train : .val
        }
    }
}
