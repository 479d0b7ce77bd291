import ArgumentParser
import Foundation
import LogInput
import PCRE2
import RuleInterpreter
import RuleLanguage
import RuleRuntime
import WardenCore

extension LogFormat: ExpressibleByArgument {}

/// Options shared by the commands that read logs.
struct InputOptions: ParsableArguments {
    @Option(help: "Input format: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: LogFormat = .lines

    @Option(help: ArgumentHelp("""
        Windowing: N (N lines, step N), N/STEP (sliding), a duration like 5m (time windows), \
        or session (one window per --session-key).
        """, valueName: "spec"))
    var window: String = "20"

    @Option(help: "Session key regex (default for hdfs: blk_-?\\d+); capture group 1 when present.")
    var sessionKey: String?

    @Option(help: "Close a session after this much log time without a line (e.g. 30s, 5m).")
    var idle: String?

    @Option(name: [.customLong("max-window-lines"), .customLong("max-session-lines")],
            help: "Close a session or time window when it reaches this many lines (the next line starts another).")
    var maxWindowLines: Int = 100_000

    @Option(help: "JSON Lines: the field holding the message.")
    var messageField: String = "message"

    @Option(help: "JSON Lines: the field holding the label (normal: -, 0, false, normal).")
    var labelField: String?

    @Option(help: "JSON Lines: the field holding the timestamp (epoch seconds/ms or ISO-8601).")
    var timestampField: String?

    @Option(help: "Skip (and count) lines longer than this many bytes.")
    var maxLineLength: Int = 4 << 20

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    /// `--threads`, or every core.
    var workerThreads: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        _ = try windowPolicy()
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard maxLineLength >= 1 else { throw ValidationError("--max-line-length must be positive") }
    }

    var decoder: LineDecoder {
        LineDecoder(format: format, fields: JSONFields(message: messageField, label: labelField, timestamp: timestampField))
    }

    /// The session key pattern from `--session-key` or the format's default.
    func sessionKeyPattern() throws -> Pattern? {
        guard let source = sessionKey ?? format.defaultSessionKey else { return nil }
        do { return try Pattern(source) } catch { throw ValidationError("--session-key: \(error)") }
    }

    func windowPolicy() throws -> WindowPolicy {
        let spec = window.trimmingCharacters(in: .whitespaces)
        if spec == "session" {
            guard let key = try sessionKeyPattern() else {
                throw ValidationError("--window session needs --session-key for format \(format.rawValue)")
            }
            let idleMilliseconds = try idle.map { text -> Int64 in
                guard let value = DurationText.milliseconds(text), value > 0 else { throw ValidationError("--idle: expected a duration like 30s, got \(text)") }
                return value
            }
            guard maxWindowLines >= 1 else { throw ValidationError("--max-window-lines must be positive") }
            return .session(key: key, idleMilliseconds: idleMilliseconds, maximumLines: maxWindowLines)
        }
        if let milliseconds = DurationText.milliseconds(spec), spec.last?.isLetter == true {
            guard milliseconds > 0 else { throw ValidationError("--window: a time window must be longer than 0") }
            guard maxWindowLines >= 1 else { throw ValidationError("--max-window-lines must be positive") }
            return .time(milliseconds: milliseconds, maximumLines: maxWindowLines)
        }
        let parts = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let size = Int(parts[0]), size >= 1,
              let step = parts.count == 2 ? Int(parts[1]) : size, step >= 1 else {
            throw ValidationError("--window: expected N, N/STEP, a duration like 5m, or session; got \(window)")
        }
        return .count(size: size, step: step)
    }

    /// A reader for one input.
    func reader(path: String, labels: String?) throws -> LogReader {
        let labeling = try Labeling.forFormat(format, labelFile: labels, sessionKey: sessionKey == nil ? nil : try sessionKeyPattern())
        return try LogReader(path: path, decoder: decoder, labeling: labeling, maximumLineLength: maxLineLength)
    }
}

/// Durations written as in the rule language: 250ms, 5s, 2m, 1h, 7d.
enum DurationText {
    static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let value = Int64(number), value >= 0 { return value.multipliedReportingOverflow(by: scale).overflow ? nil : value * scale }
        }
        return nil
    }
}

/// Loads and checks a pack; prints its diagnostics and fails when it has errors.
func loadPack(_ path: String) throws -> CheckedPack {
    let result = Frontend.check(try readSource(path))
    guard let pack = result.pack else {
        FileHandle.standardError.write(Data(HumanRenderer(colored: false).render(result.diagnosed).utf8))
        throw CommandFailure("\(path) has errors; fix them (see `warden check \(path)`)")
    }
    return pack
}

/// A progress bar on standard error, drawn only when it is a terminal and the size is known.
struct ProgressBar {
    let total: Int?
    let enabled: Bool
    private var lastDrawn = -1

    init(total: Int?) {
        self.total = total
        enabled = total != nil && isatty(STDERR_FILENO) == 1
    }

    mutating func update(_ done: Int) {
        guard enabled, let total, total > 0 else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)%".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Advice for skip reasons a user can fix with an option.
func skipHints(_ skipped: [SkipReason: Int]) -> [String] {
    var hints: [String] = []
    if let count = skipped[.noMessageField] {
        hints.append("hint: \(count) JSON Lines record\(count == 1 ? " has" : "s have") no string under the message field: name it with --message-field")
    }
    if let count = skipped[.tooLong] {
        hints.append("hint: \(count) line\(count == 1 ? " is" : "s are") longer than --max-line-length")
    }
    return hints
}
