import Evaluation
import Foundation
import LogInput
import RuleRuntime
import Testing
import WardenCore
import TestSupport

@Suite("Evaluation")
struct EvaluationTests {
    @Test("Precision, recall and F1 from a confusion matrix; zero denominators give 0")
    func scores() {
        var confusion = Confusion()
        for _ in 0..<8 { confusion.add(predicted: true, actual: true) }
        for _ in 0..<2 { confusion.add(predicted: true, actual: false) }
        for _ in 0..<4 { confusion.add(predicted: false, actual: true) }
        confusion.add(predicted: false, actual: false)
        #expect(confusion.precision == 0.8)
        #expect(abs(confusion.recall - 8.0 / 12.0) < 1e-12)
        #expect(abs(confusion.f1 - 2 * 0.8 * (8.0 / 12.0) / (0.8 + 8.0 / 12.0)) < 1e-12)
        #expect(Confusion().precision == 0 && Confusion().f1 == 0)
    }

    @Test("The chronological split is 6:1:3 and partitions the windows")
    func split() {
        for count in [1, 7, 10, 100, 1001] {
            let train = (0..<count).filter { Split.train.contains($0, of: count) }
            let val = (0..<count).filter { Split.val.contains($0, of: count) }
            let test = (0..<count).filter { Split.test.contains($0, of: count) }
            #expect(train + val + test == Array(0..<count))
            if count == 100 { #expect((train.count, val.count, test.count) == (60, 10, 30)) }
        }
    }

    @Test("BGL sample: truth matches the dataset's published counts; every rule is credited")
    func bglReport() throws {
        let rules = try ruleSet(String(decoding: try Data(contentsOf: URL(fileURLWithPath: Repository.path("GeneratedRules/Packs/bgl.warden"))), as: UTF8.self))
        let run = try detectFile(InputTests.bglSample, rules: rules, format: .bgl)
        let engine = DetectionEngine(rules: rules)
        let context = engine.makeContext()
        let records = zip(run.windows, run.detections).map { window, detection in
            WindowRecord(truth: run.pipeline.truth(of: window), detection: detection, lineNumbers: window.numbers,
                         outcomes: engine.outcomes(window, in: context))
        }
        let report = EvaluationReport(records: records, rules: rules.rules.map(\.metadata), split: .all,
                                      lineTruth: run.pipeline.truth(ofLine:))
        // Published facts of the sample: 100 windows of 20 lines, 28 abnormal; 143 abnormal lines.
        #expect(report.windows == 100)
        #expect(report.window.truePositives + report.window.falseNegatives == 28)
        #expect(report.message.truePositives + report.message.falseNegatives == 143)
        #expect(report.message.total == 2000)
        #expect(report.decidedBy.values.reduce(0, +) == 100)
        // A rule's hits are the windows on which it holds.
        for (index, rule) in rules.rules.enumerated() {
            let hits = run.windows.filter { window in
                context.reset(to: window)
                return (try? rule.holds(in: context)) == true
            }.count
            #expect(report.rules[index].hits == hits)
        }
        // A rule decides the windows on which it holds and no rule tried before it does: every
        // window decided by a rule is credited to exactly that rule, with the verdict's precision.
        let decidedByRules = records.filter { $0.detection.rule != nil }
        #expect(report.rules.map(\.decided).reduce(0, +) == decidedByRules.count)
        for (index, rule) in rules.rules.enumerated() {
            let decided = decidedByRules.filter { $0.detection.rule == rule.metadata.name }
            let correct = decided.filter { ($0.truth == .abnormal) == (rule.metadata.kind == .abnormal) }
            #expect(report.rules[index].decided == decided.count && report.rules[index].decidedCorrect == correct.count)
            #expect(report.rules[index].decided <= report.rules[index].hits)
        }
        // In this pack a window with a Lustre failure often holds another failure tried first.
        let lustre = try #require(report.rules.first { $0.rule == "lustre_mount_failed" })
        #expect(lustre.decided < lustre.hits, "\(lustre)")
        let test = EvaluationReport(records: records, rules: rules.rules.map(\.metadata), split: .test,
                                    lineTruth: run.pipeline.truth(ofLine:))
        #expect(test.windows == 30)
    }

    @Test("Mistakes: the first false alarms and misses of the split, each with what decided it and the line to read")
    func mistakes() {
        // Windows of 3 lines (numbered from 1): truth from the abnormal lines, verdicts as given.
        let abnormalLines: Set<Int> = [5, 9, 12, 17]
        func record(_ index: Int, _ verdict: Verdict, rule: String?, evidence: [Int] = []) -> WindowRecord {
            let numbers = Array((index * 3 + 1)...(index * 3 + 3))
            let truth: Truth = numbers.contains(where: abnormalLines.contains) ? .abnormal : .normal
            let stage: Stage = rule == nil ? .fallback : verdict == .abnormal ? .abnormalRules : .normalRules
            return WindowRecord(truth: truth, detection: Detection(windowID: index, verdict: verdict, stage: stage, rule: rule, evidence: evidence),
                                lineNumbers: numbers, outcomes: [])
        }
        let records = [
            record(0, .abnormal, rule: "alarm", evidence: [2]),  // lines 1–3, normal: a false alarm on line 3
            record(1, .normal, rule: "quiet"),                    // lines 4–6, abnormal at 5: missed
            record(2, .abnormal, rule: "alarm", evidence: [0]),  // lines 7–9, abnormal: found
            record(3, .normal, rule: nil),                        // lines 10–12, abnormal at 12: missed, undecided
            record(4, .abnormal, rule: nil, evidence: [1]),      // lines 13–15, normal: a false alarm of the fallback
            record(5, .normal, rule: nil),                        // lines 16–18, abnormal at 17: missed
        ]
        let truth = { (line: Int) -> Truth? in abnormalLines.contains(line) ? .abnormal : .normal }
        let report = EvaluationReport(records: records, rules: [], split: .all, mistakeLimit: 2, lineTruth: truth)
        #expect(report.mistakes.map(\.window) == [0, 1, 3, 4])
        #expect(report.mistakes.map(\.abnormal) == [false, true, true, false])
        #expect(report.mistakes.map(\.decidedBy) == ["alarm", "quiet", "fallback", "fallback"])
        #expect(report.mistakes.map(\.line) == [3, 5, 12, 14])
        #expect(report.mistakes.map(\.firstLine) == [1, 4, 10, 13] && report.mistakes.map(\.lastLine) == [3, 6, 12, 15])
        #expect(report.window.falseNegatives == 3 && report.window.falsePositives == 2)
        // Only the split's windows; none without a limit.
        let test = EvaluationReport(records: records, rules: [], split: .test, mistakeLimit: 5, lineTruth: truth)
        #expect(test.mistakes.map(\.window) == records.indices.filter { Split.test.contains($0, of: records.count) && $0 != 2 })
        #expect(EvaluationReport(records: records, rules: [], split: .all, lineTruth: truth).mistakes.isEmpty)
    }
}
