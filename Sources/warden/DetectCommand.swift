import ArgumentParser
import Foundation
import LogInput
import RuleInterpreter
import RuleLanguage
import RuleRuntime
import WardenCore

/// `warden detect`: run a pack over logs and stream verdicts.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run a rule pack over logs and stream one verdict per window.",
        discussion: """
            Windows go to normal rules (any match: normal), then abnormal rules (any match: \
            abnormal, with evidence lines), then the fallback, which calls what no rule decided \
            normal. Output is JSON Lines, one object per window, in input order; a summary goes \
            to standard error. Labels in the input (BGL's first field, for example) are stripped \
            before any rule sees a line. Reads standard input for `-`; .gz input is decompressed.
            """
    )

    @Option(help: "The rule pack to run.")
    var pack: String

    @OptionGroup var input: InputOptions

    @OptionGroup var fallback: FallbackOptions

    @Option(help: "Output: jsonl (one object per window) or summary (counts only).")
    var output: DetectOutput = .jsonl

    @Flag(help: "Print only abnormal windows.")
    var abnormalOnly = false

    @Argument(help: "Log files (`-` for standard input).")
    var inputs: [String] = ["-"]

    func run() throws {
        let checked = try loadPack(pack)
        let engine = DetectionEngine(rules: Interpreter.ruleSet(for: checked), fallback: try fallback.make(for: input.format))
        let policy = try input.windowPolicy()
        let out = BufferedOutput()
        var summary = DetectionSummary()
        var failures: [String] = []
        for path in inputs {
            let reader = try input.reader(path: path, labels: nil)
            let pipeline = WindowPipeline(reader: reader, policy: policy, threads: input.workerThreads)
            var progress = ProgressBar(total: path == "-" ? nil : reader.source.totalBytes)
            do {
                try pipeline.run(engine: engine, process: { window, context in engine.detect(window, in: context) }, sink: { window, detection in
                    summary.add(detection, truncated: window.isTruncated)
                    guard output == .jsonl, !abnormalOnly || detection.verdict == .abnormal else { return }
                    try out.write(jsonLine(path: path, window: window, detection: detection, rules: engine.rules))
                }, progress: { progress.update($0) })
            } catch let error as StandardOutputError {
                throw error
            } catch {
                failures.append("\(error)")
            }
            progress.finish()
            summary.accounting.append((path, reader.accounting))
        }
        try out.flush()
        FileHandle.standardError.write(Data(summary.render().utf8))
        for failure in failures { FileHandle.standardError.write(Data("error: \(failure)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    private func jsonLine(path: String, window: Window, detection: Detection, rules: RuleSet) -> String {
        var object = JSONObject()
        object.add("input", path)
        object.add("window", detection.windowID)
        if let range = window.lineNumbers { object.addRaw("lines", "[\(range.lowerBound),\(range.upperBound)]") }
        if let key = window.key { object.add("key", key) }
        if window.isTruncated { object.addRaw("truncated", "true") }
        object.add("verdict", detection.verdict.rawValue)
        object.add("stage", detection.stage.rawValue)
        if let name = detection.rule {
            object.add("rule", name)
            if let metadata = rules.rules.first(where: { $0.metadata.name == name })?.metadata {
                if let severity = metadata.severity { object.add("severity", severity.rawValue) }
                if let domain = metadata.domain { object.add("domain", domain) }
            }
        }
        if !detection.evidence.isEmpty {
            object.addRaw("evidence", "[" + detection.evidence.map { String(window.numbers[$0]) }.joined(separator: ",") + "]")
        }
        if !detection.findings.isEmpty {
            let findings = detection.findings.map { finding in
                var item = JSONObject()
                item.addRaw("line", String(window.numbers[finding.position]))
                item.addRaw("score", String(format: "%.4f", finding.score))
                if let domain = finding.domain { item.add("domain", domain) }
                return item.rendered
            }
            object.addRaw("findings", "[" + findings.joined(separator: ",") + "]")
        }
        if !detection.inconclusive.isEmpty {
            object.addRaw("inconclusive", "[" + detection.inconclusive.map(JSONObject.quote).joined(separator: ",") + "]")
        }
        return object.rendered
    }
}

enum DetectOutput: String, ExpressibleByArgument, CaseIterable {
    case jsonl, summary
}

/// Counts over every window of a detect run.
struct DetectionSummary {
    var windows = 0
    var verdicts: [Verdict: Int] = [:]
    var stages: [Stage: Int] = [:]
    var inconclusive = 0
    var truncated = 0
    var accounting: [(String, LineAccounting)] = []

    mutating func add(_ detection: Detection, truncated isTruncated: Bool) {
        windows += 1
        if isTruncated { truncated += 1 }
        verdicts[detection.verdict, default: 0] += 1
        stages[detection.stage, default: 0] += 1
        if !detection.inconclusive.isEmpty { inconclusive += 1 }
    }

    func render() -> String {
        var text = "windows: \(windows)  abnormal: \(verdicts[.abnormal] ?? 0)  normal: \(verdicts[.normal] ?? 0)"
        if let undecided = verdicts[.undecided] { text += "  undecided: \(undecided)" }
        text += "\ndecided by: " + Stage.allCases.map { "\($0.rawValue) \(stages[$0] ?? 0)" }.joined(separator: ", ")
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

/// A JSON object written field by field in a fixed order.
struct JSONObject {
    private var fields: [String] = []

    mutating func add(_ key: String, _ value: String) { fields.append("\(Self.quote(key)):\(Self.quote(value))") }
    mutating func add(_ key: String, _ value: Int) { fields.append("\(Self.quote(key)):\(value)") }
    mutating func add(_ key: String, _ value: Double) {
        fields.append("\(Self.quote(key)):\(value.isFinite ? String(value) : "null")")
    }
    mutating func addRaw(_ key: String, _ json: String) { fields.append("\(Self.quote(key)):\(json)") }

    var rendered: String { "{" + fields.joined(separator: ",") + "}" }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Standard output with a large buffer, written in big chunks.
final class BufferedOutput {
    private var buffer: [UInt8] = []

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try StandardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
