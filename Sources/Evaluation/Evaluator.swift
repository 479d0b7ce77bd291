import WardenCore
import RuleRuntime

/// What evaluation keeps of one window: enough to score it at window and
/// message level and to credit each rule.
public struct WindowRecord: Sendable {
    public var truth: Truth?
    public var detection: Detection
    /// Input line numbers of the window's lines.
    public var lineNumbers: [Int]
    /// Each rule's outcome, in ``RuleSet/rules`` order.
    public var outcomes: [RuleOutcome]
    /// A session the end of input cut off (see ``Window/isTruncated``).
    public var truncated: Bool

    public init(truth: Truth?, detection: Detection, lineNumbers: [Int], outcomes: [RuleOutcome], truncated: Bool = false) {
        self.truth = truth
        self.detection = detection
        self.lineNumbers = lineNumbers
        self.outcomes = outcomes
        self.truncated = truncated
    }
}

/// Hits and precision of one rule.
public struct RuleScore: Sendable, Codable, Hashable {
    public var rule: String
    public var kind: String
    /// Windows on which the rule held.
    public var hits = 0
    /// Hits on windows whose truth agrees with the rule's kind.
    public var correct = 0
    /// Windows on which a regex of the rule hit a PCRE2 limit.
    public var inconclusive = 0
    /// Windows the rule decided: it held and no rule tried before it did (normal rules first, in
    /// pack order, then abnormal rules). On the others an earlier rule's verdict stands.
    public var decided = 0
    /// Decided windows whose truth agrees with the rule's kind.
    public var decidedCorrect = 0

    public var precision: Double { hits == 0 ? 0 : Double(correct) / Double(hits) }
    /// Precision on the windows the rule decided: what it contributes to the pack's verdicts.
    public var decidedPrecision: Double { decided == 0 ? 0 : Double(decidedCorrect) / Double(decided) }
}

/// What a fallback added: how many undecided windows it decided, and the
/// scores the same pack gets when undecided windows are simply normal.
public struct FallbackComparison: Sendable, Codable, Hashable {
    public var name: String
    /// Windows of the split that no rule decided.
    public var undecided: Int
    /// Of those, the ones the fallback called abnormal.
    public var abnormal: Int
    public var windowWithout: Confusion
    public var messageWithout: Confusion
    /// How message scores became window verdicts, and where that was chosen.
    public var decision: String? = nil
    /// Window F1 on the validation split without and with the fallback, when it was calibrated there.
    public var validationWithout: Double? = nil
    public var validationWith: Double? = nil
}

/// A window the pack (with its fallback) got wrong, kept for a user to read: a false
/// alarm or a missed anomaly, what decided it, and the line that shows why.
public struct WindowMistake: Sendable, Codable, Hashable {
    /// The window's position among all the input's windows, from 0.
    public var window: Int
    /// Labeled abnormal (a missed anomaly) or normal (a false alarm).
    public var abnormal: Bool
    /// The rule that decided the window, or the stage that did when no rule did.
    public var decidedBy: String
    /// The window's first and last input line numbers.
    public var firstLine: Int
    public var lastLine: Int
    /// The line to read: a false alarm's first evidence line, a missed anomaly's first line labeled abnormal.
    public var line: Int
    /// That line's message, when the command could read the input again.
    public var text: String?
}

/// The scores of a pack on labeled input.
public struct EvaluationReport: Sendable, Codable {
    public var split: Split
    public var windows = 0
    /// Windows left out because no line of them has a known label.
    public var unlabeledWindows = 0
    /// The input's lines: read, in windows, and skipped by reason (set by the command that read them).
    public var lines: LineAccounting?
    /// Sessions of the split the end of input cut off; scored only when `keptTruncated`.
    public var truncatedWindows = 0
    public var keptTruncated = false
    public var window = Confusion()
    public var message = Confusion()
    public var decidedBy: [String: Int] = [:]
    public var inconclusiveWindows = 0
    public var rules: [RuleScore] = []
    /// With a fallback: what it decided and the scores without it.
    public var fallback: FallbackComparison?
    /// The first false alarms and missed anomalies of the split, in window order (up to the limit of each).
    public var mistakes: [WindowMistake] = []

    /// Scores the records of `split` (records in window order), keeping the first `mistakeLimit`
    /// false alarms and as many missed anomalies.
    public init(records: [WindowRecord], rules: [RuleMetadata], split: Split, keepTruncated: Bool = false, mistakeLimit: Int = 0,
                lineTruth: (Int) -> Truth?) {
        self.split = split
        keptTruncated = keepTruncated
        self.rules = rules.map { RuleScore(rule: $0.name, kind: $0.kind.rawValue) }
        var flagged = Set<Int>()
        var covered = Set<Int>()
        var kept = (falseAlarms: 0, misses: 0)
        for (index, record) in records.enumerated() where split.contains(index, of: records.count) {
            if record.truncated {
                truncatedWindows += 1
                if !keepTruncated { continue }
            }
            windows += 1
            decidedBy[record.detection.stage.rawValue, default: 0] += 1
            if !record.detection.inconclusive.isEmpty { inconclusiveWindows += 1 }
            covered.formUnion(record.lineNumbers)
            if record.detection.verdict == .abnormal {
                flagged.formUnion(record.detection.evidence.map { record.lineNumbers[$0] })
            }
            guard let truth = record.truth else { unlabeledWindows += 1; continue }
            let predicted = record.detection.verdict == .abnormal
            window.add(predicted: predicted, actual: truth == .abnormal)
            if predicted != (truth == .abnormal), let first = record.lineNumbers.first, let last = record.lineNumbers.last,
               (predicted ? kept.falseAlarms : kept.misses) < mistakeLimit {
                if predicted { kept.falseAlarms += 1 } else { kept.misses += 1 }
                let line = predicted ? record.detection.evidence.first.map { record.lineNumbers[$0] }
                    : record.lineNumbers.first { lineTruth($0) == .abnormal }
                mistakes.append(WindowMistake(window: index, abnormal: !predicted,
                                              decidedBy: record.detection.rule ?? record.detection.stage.rawValue,
                                              firstLine: first, lastLine: last, line: line ?? first))
            }
            for (ruleIndex, outcome) in record.outcomes.enumerated() {
                switch outcome {
                case .held:
                    self.rules[ruleIndex].hits += 1
                    let agrees = (rules[ruleIndex].kind == .abnormal) == (truth == .abnormal)
                    if agrees { self.rules[ruleIndex].correct += 1 }
                    if record.detection.rule == rules[ruleIndex].name {
                        self.rules[ruleIndex].decided += 1
                        if agrees { self.rules[ruleIndex].decidedCorrect += 1 }
                    }
                case .inconclusive: self.rules[ruleIndex].inconclusive += 1
                case .failed: break
                }
            }
        }
        for number in covered.sorted() {
            guard let truth = lineTruth(number) else { continue }
            message.add(predicted: flagged.contains(number), actual: truth == .abnormal)
        }
    }
}

extension EvaluationReport {
    /// Adds the comparison with "undecided is normal" for the fallback that decided `records`' fallback windows.
    public mutating func compareFallback(name: String, records: [WindowRecord], rules: [RuleMetadata], lineTruth: (Int) -> Truth?) {
        var undecided = 0, abnormal = 0
        let without = records.enumerated().map { index, record -> WindowRecord in
            guard record.detection.stage == .fallback else { return record }
            if split.contains(index, of: records.count) {
                undecided += 1
                if record.detection.verdict == .abnormal { abnormal += 1 }
            }
            var plain = record
            plain.detection.verdict = .normal
            plain.detection.evidence = []
            plain.detection.findings = []
            return plain
        }
        let baseline = EvaluationReport(records: without, rules: rules, split: split, keepTruncated: keptTruncated, lineTruth: lineTruth)
        fallback = FallbackComparison(name: name, undecided: undecided, abnormal: abnormal,
                                      windowWithout: baseline.window, messageWithout: baseline.message)
    }
}
