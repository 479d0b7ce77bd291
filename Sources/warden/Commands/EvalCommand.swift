import ArgumentParser
import Evaluation
import FAME
import Foundation
import LogInput
import RuleInterpreter
import RuleRuntime
import Runs
import WardenCore

extension Split: ExpressibleByArgument {}
extension Learning: ExpressibleByArgument {}

/// `warden eval`: score a pack on labeled logs.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        _superCommandName: "warden",
        abstract: "Score a rule pack on labeled logs.",
        discussion: """
            Reports precision, recall and F1 at window (or session) level and at message level \
            (evidence lines as message predictions), the confusion matrix, how many windows each \
            stage decided, and each rule's hits and precision: on every window it holds on, and on \
            the windows it decides (no rule tried before it holds). A window is abnormal when any of \
            its lines is labeled abnormal. --split takes the chronological 6:1:3 \
            train/validation/test split of the CodeAD protocol. Labels: BGL and Thunderbird carry \
            them in the first field; HDFS (per block) and Hadoop (per application) need --labels; \
            plain lines take a file of one 0/1 per line.
            """
    )

    @OptionGroup var pack: PackOptions

    @OptionGroup var input: InputOptions

    @OptionGroup var fallback: FallbackOptions

    @OptionGroup var labels: LabelOptions

    @Option(help: "Which windows to score: all, train, val, test (chronological 6:1:3).")
    var split: Split = .all

    @Flag(help: "Score sessions the end of input cut off (left out by default; see --idle).")
    var keepTruncated = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "List up to this many false alarms and this many missed anomalies: the window, what decided it, and a line to read (a false alarm's evidence, a missed anomaly's first abnormal line).")
    var mistakes = 0

    @Argument(help: "The labeled log file (`-` for standard input).")
    var file: String

    func validate() throws {
        guard mistakes >= 0 else { throw ValidationError("--mistakes must not be negative") }
    }

    func run() throws {
        let rules = try pack.load()
        let input = try rules.bundle.map { try self.input.adopting($0.manifest.settings) } ?? self.input
        let fame = try fallback.fame(for: input.format, bundle: rules.bundle)
        if let model = fame?.model { noteInSample(model, name: "the FAME model") }
        let run = EvaluationRun(rules: rules.ruleSet, fallback: fame,
                                decisionIsGiven: fallback.decisionIsGiven, split: split, keepTruncated: keepTruncated,
                                mistakeLimit: mistakes)
        let reader = try input.labeledReader(path: file, labels: labels)
        var progress = ProgressBar(total: file == "-" ? nil : reader.source.totalBytes)
        let policy = try input.windowPolicy()
        var report = try run.run(reader: reader, policy: policy, threads: input.workerThreads, progress: { progress.update($0) })
        progress.finish()
        // Standard input cannot be read twice: its mistakes keep their line numbers only.
        if !report.mistakes.isEmpty, file != "-" { try report.readMistakeLines(from: try input.labeledReader(path: file, labels: labels)) }
        warnAboutLabels(reader)
        warnAboutTimestamps(reader, policy: policy)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(render(report, pack: rules.label, input: input, accounting: reader.accounting, unseenIDs: reader.unseenLabelIDs))
        }
    }

    private func render(_ report: EvaluationReport, pack: String, input: InputOptions, accounting: LineAccounting, unseenIDs: Int) -> String {
        func pct(_ value: Double) -> String { String(format: "%6.2f", value * 100) }
        func row(_ name: String, _ c: Confusion) -> String {
            "\(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(pct(c.precision))  \(pct(c.recall))  \(pct(c.f1))   TP \(c.truePositives)  FP \(c.falsePositives)  FN \(c.falseNegatives)  TN \(c.trueNegatives)"
        }
        var lines = ["\(pack) on \(file) (\(input.format.rawValue), window \(input.window), split \(report.split.rawValue))"]
        var left: [String] = []
        if report.unlabeledWindows > 0 { left.append("\(report.unlabeledWindows) without labels left out") }
        if report.truncatedWindows > 0 {
            left.append(report.keptTruncated ? "\(report.truncatedWindows) truncated sessions scored"
                : "\(report.truncatedWindows) truncated sessions (cut off by the end of input) left out; --keep-truncated scores them")
        }
        lines.append("windows scored: \(report.windows - report.unlabeledWindows)" + (left.isEmpty ? "" : " (" + left.joined(separator: "; ") + ")"))
        lines.append("")
        lines.append("level     precision recall     F1")
        lines.append(row("window", report.window))
        lines.append(row("message", report.message))
        lines.append("")
        lines.append("decided by: " + Stage.allCases.map { "\($0.rawValue) \(report.decidedBy[$0.rawValue] ?? 0)" }.joined(separator: ", "))
        if let comparison = report.fallback {
            func f(_ value: Double) -> String { pct(value).trimmingCharacters(in: .whitespaces) }
            lines.append("fallback \(comparison.name): \(comparison.undecided) windows no rule decided; it called \(comparison.abnormal) abnormal and left \(comparison.undecided - comparison.abnormal) undecided")
            if let decision = comparison.decision { lines.append("  decision: \(decision)") }
            if let without = comparison.validationWithout, let with = comparison.validationWith {
                lines.append("  validation split: window F1 \(f(without)) without it → \(f(with)) with it")
            }
            lines.append("  \(report.split.rawValue) split: window F1 \(f(comparison.windowWithout.f1)) without it (undecided = normal) → \(f(report.window.f1)) with it; message F1 \(f(comparison.messageWithout.f1)) → \(f(report.message.f1))")
        }
        if report.inconclusiveWindows > 0 {
            lines.append("windows with inconclusive rules (a regex hit a PCRE2 limit): \(report.inconclusiveWindows)")
        }
        lines.append("")
        let width = max(4, report.rules.map(\.rule.count).max() ?? 4)
        lines.append("rule".padding(toLength: width, withPad: " ", startingAt: 0) + "  kind      hits  precision  decided  precision")
        for score in report.rules {
            var line = score.rule.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            line += score.kind.padding(toLength: 8, withPad: " ", startingAt: 0)
            line += String(format: "%6d", score.hits) + "     " + (score.hits == 0 ? "     -" : pct(score.precision))
            line += String(format: "  %7d", score.decided) + "     " + (score.decided == 0 ? "     -" : pct(score.decidedPrecision))
            if score.inconclusive > 0 { line += "  (\(score.inconclusive) inconclusive)" }
            lines.append(line)
        }
        lines.append("")
        var input = "lines: \(accounting.read) read, \(accounting.windowed) in windows"
        for (reason, count) in accounting.skipped.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { input += ", \(count) skipped (\(reason.rawValue))" }
        lines.append(input)
        lines += skipHints(accounting.skipped).map { "  " + $0 }
        if unseenIDs > 0 { lines.append("label file: \(unseenIDs) ids never occur in the input (ignored)") }
        for abnormal in [false, true] where mistakes > 0 {
            let shown = report.mistakes.filter { $0.abnormal == abnormal }
            let total = abnormal ? report.window.falseNegatives : report.window.falsePositives
            lines.append("")
            lines.append("\(abnormal ? "missed anomalies" : "false alarms") (\(shown.count) of \(total) shown):")
            for mistake in shown {
                let decided = mistake.decidedBy != Stage.fallback.rawValue ? "decided by \(mistake.decidedBy)"
                    : abnormal ? "no rule decided it" : "no rule decided it; the fallback called it abnormal"
                lines.append("  window \(mistake.window) (lines \(mistake.firstLine)–\(mistake.lastLine)), \(decided)")
                lines.append("    line \(mistake.line): \(mistake.text ?? "(standard input is not read again)")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
