import ArgumentParser
import Foundation
import LogInput
import RuleInterpreter
import RuleLanguage
import RuleRuntime
import Runs
import WardenCore

/// `warden detect`: run a pack over logs and stream verdicts.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        _superCommandName: "warden",
        abstract: "Run a rule pack over logs and stream one verdict per window.",
        discussion: """
            Windows go to normal rules (any match: normal), then abnormal rules (any match: \
            abnormal, with evidence lines), then the fallback, which calls what no rule decided \
            normal. Output is JSON Lines, one object per window, in input order; a summary goes \
            to standard error. Labels in the input (BGL's first field, for example) are stripped \
            before any rule sees a line. Reads standard input for `-`; .gz input is decompressed.
            """
    )

    @OptionGroup var pack: PackOptions

    @OptionGroup var input: InputOptions

    @OptionGroup var fallback: FallbackOptions

    @Option(help: "Output: jsonl (one object per window) or summary (counts only).")
    var output: DetectOutput = .jsonl

    @Flag(help: "Print only abnormal windows.")
    var abnormalOnly = false

    @Argument(help: "Log files (`-` for standard input).")
    var inputs: [String] = ["-"]

    func run() throws {
        let rules = try pack.load()
        let input = try rules.bundle.map { try self.input.adopting($0.manifest.settings) } ?? self.input
        let engine = DetectionEngine(rules: rules.ruleSet, fallback: try fallback.make(for: input.format, bundle: rules.bundle))
        let policy = try input.windowPolicy()
        let out = BufferedOutput()
        let run = DetectionRun(engine: engine, records: output != .jsonl ? .none : abnormalOnly ? .abnormal : .all)
        var summary = DetectionSummary()
        var failures: [String] = []
        for path in inputs {
            let reader = try input.reader(path: path, labels: nil)
            var progress = ProgressBar(total: path == "-" ? nil : reader.source.totalBytes)
            do {
                try run.run(reader, path: path, policy: policy, threads: input.workerThreads, sink: { window, detection, record in
                    summary.add(detection, truncated: window.isTruncated)
                    if let record { try out.write(record) }
                }, progress: { progress.update($0) })
            } catch let error as StandardOutputError {
                throw error
            } catch {
                failures.append("\(error)")
            }
            progress.finish()
            summary.accounting.append((path, reader.accounting))
            warnAboutTimestamps(reader, policy: policy)
        }
        try out.flush()
        FileHandle.standardError.write(Data(summary.render().utf8))
        for failure in failures { FileHandle.standardError.write(Data("error: \(failure)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

enum DetectOutput: String, ExpressibleByArgument, CaseIterable {
    case jsonl, summary
}

/// Counts over every window of a detect run.
struct DetectionSummary {
    var windows = 0
    /// Windows per verdict and per stage (counted without hashing: this runs once per window).
    var abnormal = 0, normal = 0, undecided = 0
    var byNormalRules = 0, byAbnormalRules = 0, byFallback = 0
    var inconclusive = 0
    var truncated = 0
    var accounting: [(String, LineAccounting)] = []

    mutating func add(_ detection: Detection, truncated isTruncated: Bool) {
        windows += 1
        if isTruncated { truncated += 1 }
        switch detection.verdict {
        case .abnormal: abnormal += 1
        case .normal: normal += 1
        case .undecided: undecided += 1
        }
        switch detection.stage {
        case .normalRules: byNormalRules += 1
        case .abnormalRules: byAbnormalRules += 1
        case .fallback: byFallback += 1
        }
        if !detection.inconclusive.isEmpty { inconclusive += 1 }
    }

    func render() -> String {
        var text = "windows: \(windows)  abnormal: \(abnormal)  normal: \(normal)"
        if undecided > 0 { text += "  undecided: \(undecided)" }
        let stages = [(Stage.normalRules, byNormalRules), (.abnormalRules, byAbnormalRules), (.fallback, byFallback)]
        text += "\ndecided by: " + stages.map { "\($0.rawValue) \($1)" }.joined(separator: ", ")
        if inconclusive > 0 { text += "\nwindows with inconclusive rules (a regex hit a PCRE2 limit): \(inconclusive)" }
        if truncated > 0 { text += "\ntruncated sessions (cut off by the end of input, marked \"truncated\"): \(truncated)" }
        for (path, lines) in accounting {
            text += "\n\(path): \(lines.read) line\(lines.read == 1 ? "" : "s") read, \(lines.windowed) in windows"
            let skipped = lines.skipped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
            text += skipped.isEmpty ? ", 0 skipped" : ", skipped: " + skipped.joined(separator: ", ")
            for hint in skipHints(lines.skipped) { text += "\n  " + hint }
        }
        return text + "\n"
    }
}
