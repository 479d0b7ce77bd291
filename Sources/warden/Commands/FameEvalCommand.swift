import ArgumentParser
import FAME
import Foundation
import WardenCore

/// `warden fame eval`.
struct FameEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a FAME model on labeled logs, message by message.",
        discussion: """
            Reports message-level precision, recall and F1 overall and per failure domain (the \
            domain the router chose), and recall on anomalies whose template never appeared in \
            the training data. --split defaults to test, the last 30% of lines (of sessions \
            with --window session, as `warden eval` splits them).
            """
    )

    @Option(help: "The model file from `warden fame train`.")
    var model: String

    @Argument(help: "The labeled log file.")
    var file: String

    @OptionGroup var input: InputOptions

    @OptionGroup var labels: LabelOptions

    @Option(help: "Lines to score: all, train, val, test (chronological 6:1:3 over lines, or over sessions with --window session).")
    var split: Split = .test

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "List up to this many false alarms and this many missed anomalies, with line, score and domain.")
    var mistakes = 0

    func validate() throws {
        guard mistakes >= 0 else { throw ValidationError("--mistakes must not be negative") }
    }

    func run() throws {
        let model = try loadFAMEModel(model)
        let set = try readMessages(input, file: file, labels: labels, splits: [split], header: model.metadata.header)[0]
        if model.metadata.learnedFromEveryLine == true {
            noteInSample(model, name: "the model")
        } else if model.learnedFromValidation, split != .test {
            FileHandle.standardError.write(Data("note: the model learned from the training and validation splits; on --split \(split.rawValue) its figures are in sample\n".utf8))
        }
        let clock = ContinuousClock()
        let started = clock.now
        let result = FAMEEvaluation.evaluate(model, on: set.messages, mistakeLimit: mistakes)
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let falseAlarms = result.mistakes.filter { !$0.abnormal }
        let misses = result.mistakes.filter(\.abnormal)
        if json {
            struct Report: Encodable {
                let messages: Int; let overall: Confusion; let perDomain: [String: Confusion]; let unseen: Confusion; let seen: Confusion
                let falseAlarms: [FAMEEvaluation.Mistake]; let misses: [FAMEEvaluation.Mistake]
                let lines: LineAccounting
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(messages: set.messages.count, overall: result.overall, perDomain: result.perDomain, unseen: result.unseen, seen: result.seen,
                                falseAlarms: falseAlarms, misses: misses, lines: set.accounting)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        func pct(_ value: Double) -> String { String(format: "%6.2f", value * 100) }
        func row(_ name: String, _ c: Confusion, width: Int) -> String {
            // Precision needs a flagged message, recall an abnormal one; otherwise they are undefined.
            let flagged = c.truePositives + c.falsePositives, abnormal = c.truePositives + c.falseNegatives
            let precision = flagged == 0 ? "     -" : pct(c.precision), recall = abnormal == 0 ? "     -" : pct(c.recall)
            let f1 = flagged == 0 || abnormal == 0 ? "     -" : pct(c.f1)
            return "\(name.padding(toLength: width, withPad: " ", startingAt: 0)) \(precision)  \(recall)  \(f1)   TP \(c.truePositives)  FP \(c.falsePositives)  FN \(c.falseNegatives)  TN \(c.trueNegatives)"
        }
        let width = max(12, (result.perDomain.keys.map(\.count).max() ?? 0) + 2)
        print("FAME model \(model.metadata.proposer) partition, K = \(model.metadata.k), on \(file) (\(input.format.rawValue), split \(split.rawValue))")
        print("messages scored: \(set.messages.count)" + (set.unlabeled > 0 ? " (\(set.unlabeled) without labels left out)" : ""))
        print(set.linesSummary)
        print("")
        print("".padding(toLength: width, withPad: " ", startingAt: 0) + " precision recall     F1")
        print(row("all", result.overall, width: width))
        for name in result.perDomain.keys.sorted() { print(row("  " + name, result.perDomain[name]!, width: width)) }
        print("")
        let unseenAnomalies = result.unseen.truePositives + result.unseen.falseNegatives
        print("templates not seen in training: \(result.unseen.total) messages, \(unseenAnomalies) abnormal; recall on them \(unseenAnomalies == 0 ? "-" : pct(result.unseen.recall).trimmingCharacters(in: .whitespaces) + "%")")
        print("templates seen in training:     \(result.seen.total) messages; F1 \(pct(result.seen.f1).trimmingCharacters(in: .whitespaces))")
        print(String(format: "%.0f messages/s (one thread, including template matching)", Double(set.messages.count) / max(seconds, 1e-9)))
        for (title, list) in [("false alarms", falseAlarms), ("missed anomalies", misses)] where mistakes > 0 {
            print("\n\(title) (\(list.count) shown):")
            for mistake in list {
                print(String(format: "  line %d  score %.3f  %@%@  %@", mistake.line, mistake.score, mistake.domain ?? "no domain",
                             mistake.seenTemplate ? "" : " (unseen template)", mistake.content))
            }
        }
    }
}
