import LogInput
import RuleRuntime
import WardenCore

/// Two engines over the same windows: which windows change verdict or deciding rule
/// ("what will change if I ship this?").
public struct VerdictComparison: Sendable, Encodable {
    /// One window whose outcome differs.
    public struct Change: Sendable, Encodable {
        public var window: Int
        /// The first and last input line numbers.
        public var lines: [Int]?
        public var key: String?
        public var before: Outcome
        public var after: Outcome
    }

    /// A verdict and who decided it.
    public struct Outcome: Sendable, Encodable, Hashable {
        public var verdict: Verdict
        public var stage: Stage
        public var rule: String?

        /// `abnormal by disk_failure`, `normal by fallback`.
        public var summary: String { "\(verdict.rawValue) by \(rule ?? stage.rawValue)" }
    }

    public var windows = 0
    /// Windows whose verdict or deciding rule changes, and of those, whose verdict changes.
    public var changed = 0
    public var verdictChanged = 0
    /// How many windows went from one outcome to another (`normal by fallback → abnormal by disk_failure`).
    public var transitions: [String: Int] = [:]
    /// Changed windows, up to the limit `compare` was given: verdict changes first, each kind in input order.
    public var examples: [Change] { verdictExamples + ruleExamples.prefix(max(0, exampleLimit - verdictExamples.count)) }
    private var verdictExamples: [Change] = []
    private var ruleExamples: [Change] = []
    private var exampleLimit = 0

    private enum CodingKeys: String, CodingKey {
        case windows, changed, verdictChanged, transitions, examples
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(windows, forKey: .windows)
        try container.encode(changed, forKey: .changed)
        try container.encode(verdictChanged, forKey: .verdictChanged)
        try container.encode(transitions, forKey: .transitions)
        try container.encode(examples, forKey: .examples)
    }

    public init() {}

    /// Runs both engines over every window of `reader`'s log.
    public static func compare(_ before: DetectionEngine, _ after: DetectionEngine, reader: LogReader, policy: WindowPolicy,
                               threads: Int, exampleLimit: Int = 20) throws -> VerdictComparison {
        var comparison = VerdictComparison()
        comparison.exampleLimit = exampleLimit
        let pipeline = WindowPipeline(reader: reader, policy: policy, threads: threads)
        try pipeline.run(worker: { (before.makeContext(), after.makeContext()) }, process: { window, contexts in
            (outcome(before.detect(window, in: contexts.0)), outcome(after.detect(window, in: contexts.1)))
        }, sink: { window, outcomes in
            comparison.windows += 1
            guard outcomes.0 != outcomes.1 else { return }
            comparison.changed += 1
            comparison.transitions["\(outcomes.0.summary) → \(outcomes.1.summary)", default: 0] += 1
            let change = Change(window: comparison.windows - 1, lines: window.lineNumbers.map { [$0.lowerBound, $0.upperBound] },
                                key: window.key, before: outcomes.0, after: outcomes.1)
            if outcomes.0.verdict != outcomes.1.verdict {
                comparison.verdictChanged += 1
                if comparison.verdictExamples.count < exampleLimit { comparison.verdictExamples.append(change) }
            } else if comparison.ruleExamples.count < exampleLimit {
                comparison.ruleExamples.append(change)
            }
        })
        return comparison
    }

    private static func outcome(_ detection: Detection) -> Outcome {
        Outcome(verdict: detection.verdict, stage: detection.stage, rule: detection.rule)
    }
}
