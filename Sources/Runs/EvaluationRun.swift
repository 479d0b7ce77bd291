import Evaluation
import FAME
import LogInput
import RuleRuntime
import WardenCore

/// What the commands run, as libraries: an evaluation of a pack (and its
/// fallback) on labeled logs, a detection record per window, and labeled
/// message sets for FAME. Commands parse options, call these and render.
///
/// Scores a rule set on a labeled log. With a FAME fallback, the rules run
/// alone first; the fallback's window decision is then the given one, the
/// one chosen on the validation windows the rules left undecided (when the
/// test split is scored), or the model's own.
public struct EvaluationRun {
    public var rules: RuleSet
    public var fallback: FAMEFallback?
    /// Keep the fallback's decision as given instead of calibrating it.
    public var decisionIsGiven: Bool
    public var split: Split
    public var keepTruncated: Bool
    /// How many false alarms and how many missed anomalies the report keeps (``EvaluationReport/mistakes``).
    public var mistakeLimit: Int

    public init(rules: RuleSet, fallback: FAMEFallback? = nil, decisionIsGiven: Bool = false, split: Split = .all, keepTruncated: Bool = false,
                mistakeLimit: Int = 0) {
        self.rules = rules
        self.fallback = fallback
        self.decisionIsGiven = decisionIsGiven
        self.split = split
        self.keepTruncated = keepTruncated
        self.mistakeLimit = mistakeLimit
    }

    /// Every window's record, and the message assessments of those the rules left undecided (by record index).
    private func windows(reader: LogReader, policy: WindowPolicy, threads: Int, progress: ((Int) -> Void)?) throws
        -> (records: [WindowRecord], assessments: [Int: [Assessment]], pipeline: WindowPipeline) {
        try reader.requireLabels()
        let fame = fallback
        let engine = DetectionEngine(rules: rules, fallback: fame == nil ? UndecidedIsNormal() : nil)
        let pipeline = WindowPipeline(reader: reader, policy: policy, threads: threads, recordTruth: true)
        var records: [WindowRecord] = []
        var assessments: [Int: [Assessment]] = [:]
        try pipeline.run(worker: engine.makeContext, process: { window, context in
            let detection = engine.detect(window, in: context)
            let assessed = detection.stage == .fallback ? fame?.assess(window) : nil
            return (detection, engine.outcomes(window, in: context), assessed)
        }, sink: { window, result in
            if let assessed = result.2 { assessments[records.count] = assessed }
            records.append(WindowRecord(truth: pipeline.truth(of: window), detection: result.0,
                                        lineNumbers: window.numbers, outcomes: result.1, truncated: window.isTruncated))
        }, progress: progress)
        return (records, assessments, pipeline)
    }

    /// The window decision the fallback should make behind the rules, chosen on the validation
    /// windows of `reader`'s log that they leave undecided (see ``FAMEFallback/calibrate(decided:undecided:above:loosest:)``),
    /// with the validation window F1 without and with it and how many validation windows were undecided.
    /// `learning` says which windows are the validation windows.
    public func chooseDecision(reader: LogReader, policy: WindowPolicy, threads: Int, learning: Learning = .train) throws
        -> (decision: WindowDecision, without: Double, with: Double, undecided: Int) {
        guard let fame = fallback else { preconditionFailure("a decision is chosen for a fallback") }
        let (records, assessments, _) = try windows(reader: reader, policy: policy, threads: threads, progress: nil)
        return calibrate(records, assessments: assessments, floor: fame.model.noEvidenceScore, loosest: nil, learning: learning)
    }

    /// The report for the windows `policy` makes of `reader`'s log, read with `threads` workers.
    public func run(reader: LogReader, policy: WindowPolicy, threads: Int, progress: ((Int) -> Void)? = nil) throws -> EvaluationReport {
        let scanned = try windows(reader: reader, policy: policy, threads: threads, progress: progress)
        var records = scanned.records
        let (assessments, pipeline, fame) = (scanned.assessments, scanned.pipeline, fallback)
        let metadata = rules.rules.map(\.metadata)
        var report: EvaluationReport
        if let fame {
            var rulesOnly = records
            for index in rulesOnly.indices where rulesOnly[index].detection.stage == .fallback { rulesOnly[index].detection.verdict = .normal }
            // The decision is chosen on the validation windows only when they are not among the
            // windows scored (the test split); a model that learned from the validation split
            // scores it in sample, so there its own decision may only be made stricter or vetoed.
            let inSample = fame.model.learnedFromValidation
            let chosenOnValidation = !decisionIsGiven && split == .test
            let calibrated = chosenOnValidation
                ? calibrate(records, assessments: assessments, floor: fame.model.noEvidenceScore, loosest: inSample ? fame.decision : nil).decision
                : nil
            let decision = calibrated ?? fame.decision
            let chosen = FAMEFallback(model: fame.model, decision: decision)
            for (index, assessed) in assessments {
                let verdict = chosen.decide(assessed)
                records[index].detection.verdict = verdict.verdict
                records[index].detection.evidence = verdict.evidence
                records[index].detection.findings = verdict.findings
            }
            report = EvaluationReport(records: records, rules: metadata, split: split, keepTruncated: keepTruncated, mistakeLimit: mistakeLimit,
                                      lineTruth: pipeline.truth(ofLine:))
            report.compareFallback(name: fame.name, records: records, rules: metadata, lineTruth: pipeline.truth(ofLine:))
            let own = fame.model.metadata.windowDecision == nil ? "the model's own" : "the model's own, chosen behind a pack when it was trained"
            report.fallback?.decision = decision.description + (decisionIsGiven ? " (as given)"
                : !chosenOnValidation ? " (\(own): the windows scored include the validation split a decision would be chosen on)"
                : inSample ? " (\(fame.model.metadata.windowDecision == nil ? "the model's own or stricter" : own + ", or a stricter one"), "
                    + "chosen on the validation split, which it learned from: its figures there are in sample)"
                : " (chosen on the validation split)")
            let validation = { (records: [WindowRecord]) in
                EvaluationReport(records: records, rules: metadata, split: .val, keepTruncated: keepTruncated, lineTruth: { _ in nil }).window.f1
            }
            report.fallback?.validationWithout = validation(rulesOnly)
            report.fallback?.validationWith = validation(records)
        } else {
            report = EvaluationReport(records: records, rules: metadata, split: split, keepTruncated: keepTruncated, mistakeLimit: mistakeLimit,
                                      lineTruth: pipeline.truth(ofLine:))
        }
        report.lines = reader.accounting
        return report
    }

    /// FAME's window decision chosen on the validation windows the rules left undecided.
    private func calibrate(_ records: [WindowRecord], assessments: [Int: [Assessment]], floor: Double, loosest: WindowDecision?,
                           learning: Learning = .train) -> (decision: WindowDecision, without: Double, with: Double, undecided: Int) {
        var decided = Confusion()
        var undecided: [(scores: [Double], abnormal: Bool)] = []
        for (index, record) in records.enumerated() where learning.split(of: index, count: records.count) == .val {
            guard let truth = record.truth, !record.truncated || keepTruncated else { continue }
            if let assessed = assessments[index] {
                undecided.append((assessed.map(\.score), truth == .abnormal))
            } else {
                decided.add(predicted: record.detection.verdict == .abnormal, actual: truth == .abnormal)
            }
        }
        let chosen = FAMEFallback.calibrate(decided: decided, undecided: undecided, above: floor, loosest: loosest)
        return (chosen.decision, chosen.without, chosen.with, undecided.count)
    }
}

extension EvaluationReport {
    /// Gives each mistake the message of its line, read from `reader`: a second pass over the
    /// input, stopped after the last line wanted.
    public mutating func readMistakeLines(from reader: LogReader) throws {
        guard let lastWanted = mistakes.map(\.line).max() else { return }
        let wanted = Set(mistakes.map(\.line))
        var texts: [Int: String] = [:]
        struct Done: Error {}
        do {
            try reader.forEach { record in
                if wanted.contains(record.number) { texts[record.number] = String(decoding: record.message, as: UTF8.self) }
                if record.number >= lastWanted { throw Done() }
            }
        } catch is Done {}
        for index in mistakes.indices { mistakes[index].text = texts[mistakes[index].line] }
    }
}
