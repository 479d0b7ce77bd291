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
}
