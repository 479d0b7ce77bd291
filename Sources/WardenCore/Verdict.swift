/// The words every Warden module shares, so no two modules map between look-alike
/// types by `rawValue`. `WardenCore` depends on nothing; the rule language, the
/// runtime, input, evaluation, FAME and the tools all speak it.
///
/// The outcome of judging one window: what a pack decided, or what a pack test expects.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    case normal, abnormal, undecided
}

/// Whether a rule's match makes a window normal or abnormal.
public enum RuleKind: String, Sendable, Hashable, CaseIterable, Codable {
    case normal, abnormal
}

/// Rule severities, from `@severity(...)`, least severe first.
public enum Severity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case info, low, medium, high, critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Which part of the detection engine decided a window.
public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
    /// A normal rule matched.
    case normalRules = "normal-rules"
    /// An abnormal rule matched.
    case abnormalRules = "abnormal-rules"
    /// No rule matched; the fallback decided.
    case fallback
}
