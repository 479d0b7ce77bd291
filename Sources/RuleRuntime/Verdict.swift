import WardenCore

/// A message the fallback singled out: its position, score and failure domain.
public struct MessageFinding: Sendable, Hashable, Codable {
    /// 0-based position in the window.
    public var position: Int
    public var score: Double
    public var domain: String?

    public init(position: Int, score: Double, domain: String?) {
        self.position = position
        self.score = score
        self.domain = domain
    }
}

/// What the engine concluded about one window, and why.
public struct Detection: Sendable, Hashable {
    public var windowID: Int
    public var verdict: Verdict
    public var stage: Stage
    /// The rule that decided, when a rule did.
    public var rule: String?
    /// 0-based positions of the lines that made the deciding rule (or the fallback) fire.
    public var evidence: [Int]
    /// Rules that could not be evaluated on this window (a regex hit a PCRE2 limit).
    public var inconclusive: [String]
    /// Messages scored by the fallback, when it ran.
    public var findings: [MessageFinding]

    public init(windowID: Int, verdict: Verdict, stage: Stage, rule: String? = nil, evidence: [Int] = [],
                inconclusive: [String] = [], findings: [MessageFinding] = []) {
        self.windowID = windowID
        self.verdict = verdict
        self.stage = stage
        self.rule = rule
        self.evidence = evidence
        self.inconclusive = inconclusive
        self.findings = findings
    }
}
