import ArgumentParser
import Bundles
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
    @Option(name: .customLong("format"),
            help: "Input format (default: lines, or a bundle's).")
    var formatChoice: LogFormat?

    @Option(name: .customLong("window"), help: ArgumentHelp("""
        Windowing: N (N lines, step N), N/STEP (sliding), a duration like 5m (time windows), \
        or session (one window per --session-key) (default: 20, or a bundle's).
        """, valueName: "spec"))
    var windowChoice: String?

    /// `--format`, else the default.
    var format: LogFormat { formatChoice ?? .lines }
    /// `--window`, else the default.
    var window: String { windowChoice ?? "20" }

    @Option(help: "Session key regex (default for hdfs: blk_-?\\d+); capture group 1 when present.")
    var sessionKey: String?

    @Option(help: "Close a session after this much log time without a line (e.g. 30s, 5m).")
    var idle: String?

    @Option(name: [.customLong("max-window-lines"), .customLong("max-session-lines")],
            help: "Close a session or time window when it reaches this many lines (the next line starts another; default: 100000).")
    var maxWindowLinesChoice: Int?

    var maxWindowLines: Int { maxWindowLinesChoice ?? 100_000 }

    @Option(name: .customLong("message-field"), help: "JSON Lines: the field holding the message (default: message, or a bundle's).")
    var messageFieldChoice: String?

    /// `--message-field`, else the default.
    var messageField: String { messageFieldChoice ?? "message" }

    @Option(help: "JSON Lines: the field holding the label (normal: -, 0, false, normal).")
    var labelField: String?

    @Option(help: "JSON Lines: the field holding the timestamp (epoch seconds/ms or ISO-8601).")
    var timestampField: String?

    @Option(help: ArgumentHelp("""
        JSON Lines: fields written before the message, comma-separated, so that rules and the \
        learner see them as header fields: `level,logger` makes `ERROR db.pool connection refused`.
        """, valueName: "fields"))
    var headerFields: String?

    /// `--header-fields`, split at commas.
    var headerFieldNames: [String] {
        headerFields.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
    }

    @Option(help: "Skip (and count) lines longer than this many bytes.")
    var maxLineLength: Int = 4 << 20

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    /// `--threads`, or every core.
    var workerThreads: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    /// These options with a bundle's settings wherever the command line gave none.
    func adopting(_ settings: DetectionSettings) throws -> InputOptions {
        var adopted = self
        guard let format = LogFormat(rawValue: settings.format) else { throw CommandFailure("the bundle's format `\(settings.format)` is unknown here") }
        adopted.formatChoice = formatChoice ?? format
        adopted.windowChoice = windowChoice ?? settings.window
        adopted.sessionKey = sessionKey ?? settings.sessionKey
        adopted.idle = idle ?? settings.idle
        adopted.maxWindowLinesChoice = maxWindowLinesChoice ?? settings.maximumWindowLines
        adopted.messageFieldChoice = messageFieldChoice ?? settings.messageField
        adopted.timestampField = timestampField ?? settings.timestampField
        adopted.headerFields = headerFields ?? settings.headerFields?.joined(separator: ",")
        return adopted
    }

    /// The detection settings these options spell (what a bundle records; the JSON fields
    /// only for JSON Lines).
    var settings: DetectionSettings {
        let json = format == .jsonl
        return DetectionSettings(format: format.rawValue, window: window, sessionKey: sessionKey, idle: idle, maximumWindowLines: maxWindowLinesChoice,
                                 messageField: json ? messageFieldChoice : nil, timestampField: json ? timestampField : nil,
                                 headerFields: json && headerFields != nil ? headerFieldNames : nil)
    }

    func validate() throws {
        _ = try windowPolicy()
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard maxLineLength >= 1 else { throw ValidationError("--max-line-length must be positive") }
        if headerFields != nil {
            guard !headerFieldNames.contains(where: \.isEmpty) else { throw ValidationError("--header-fields: a field name is empty (expected names separated by commas)") }
            if let labelField, headerFieldNames.contains(labelField) {
                throw ValidationError("--header-fields: `\(labelField)` is the label field, which no rule, learner or model may see")
            }
        }
    }

    var decoder: LineDecoder {
        LineDecoder(format: format, fields: JSONFields(message: messageField, label: labelField, timestamp: timestampField, header: headerFieldNames))
    }

    /// The windowing the options spell.
    var windowSpec: WindowSpec { WindowSpec(window, sessionKey: sessionKey, idle: idle, maximumLines: maxWindowLines) }

    func windowPolicy() throws -> WindowPolicy {
        do { return try windowSpec.policy(for: format) } catch { throw ValidationError(error.description) }
    }

    /// A reader for one input.
    func reader(path: String, labels: String?) throws -> LogReader {
        let key: Pattern?
        do { key = sessionKey == nil ? nil : try windowSpec.sessionKeyPattern(for: format) } catch { throw ValidationError(error.description) }
        let labeling = try Labeling.forFormat(format, labelFile: labels, sessionKey: key)
        return try LogReader(path: path, decoder: decoder, labeling: labeling, maximumLineLength: maxLineLength)
    }
}

/// `--labels FILE`: labels for formats whose lines carry none (HDFS blocks, Hadoop applications, one 0/1 per line).
struct LabelOptions: ParsableArguments {
    @Option(help: "Label file: HDFS block labels, Hadoop application labels, or one 0/1 per line.")
    var labels: String?
}

extension InputOptions {
    /// A reader for a log that must carry labels, in its lines or from `--labels`.
    func labeledReader(path: String, labels: LabelOptions) throws -> LogReader {
        let reader = try reader(path: path, labels: labels.labels)
        do throws(MissingLabels) { try reader.requireLabels() } catch { throw ValidationError(error.description) }
        return reader
    }
}

/// Prints the reader's label warning, if any, to standard error (after the log was read).
func warnAboutLabels(_ reader: LogReader) {
    if let warning = reader.labelWarning { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
}

/// Prints the reader's timestamp warning for `policy`, if any, to standard error (after the log was read).
func warnAboutTimestamps(_ reader: LogReader, policy: WindowPolicy) {
    if let warning = reader.timestampWarning(for: policy) { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
}
