import PCRE2
import RuleRuntime
import WardenCore

/// One line ready for windowing: the message (label stripped), its number,
/// timestamp and ground truth (for evaluation only).
public struct InputRecord {
    public var message: UnsafeBufferPointer<UInt8>
    public var number: Int
    public var timestamp: Int64
    public var truth: Truth?
}

/// Reads a log file in a format: bytes → lines → decoded records with truth.
public final class LogReader {
    public let source: ByteSource
    public let decoder: LineDecoder
    public let labeling: Labeling
    public let maximumLineLength: Int
    @exclusivity(unchecked) public private(set) var accounting = LineAccounting()
    /// Lines decoded without a timestamp (time windows put them in the window open at the time).
    public var untimedLines: Int { decoding.untimedLines }
    /// BGL/Thunderbird lines whose label field does not look like a label, and the first such field.
    public var implausibleLabels: Int { decoding.implausibleLabels }
    public var implausibleLabelExample: String? { decoding.implausibleLabelExample }
    /// JSON Lines: the first level field (`level`, `severity`, …) seen in a record that the header fields leave out.
    public var unheadedLevelField: String? { decoding.unheadedLevelField }
    @exclusivity(unchecked) private var decoding = DecodingStatistics()

    /// With time windows, a warning when lines had no timestamp: they joined whatever window
    /// was open, and with none at all, windows only closed at `maximumLines`.
    public func timestampWarning(for policy: WindowPolicy) -> String? {
        guard case .time(_, let maximumLines) = policy, untimedLines > 0 else { return nil }
        let format = decoder.format.rawValue
        if untimedLines == accounting.read {
            return "warning: none of the \(accounting.read) lines has a timestamp that format \(format) reads, so time windows closed only at "
                + "\(maximumLines) lines (--max-window-lines): use count windows, or the log's format"
        }
        return "warning: \(untimedLines) of \(accounting.read) lines have no timestamp that format \(format) reads; they joined the time window open at the time"
    }

    /// A warning when the labels look wrong: a key label file none of whose keys occurs in
    /// the log, or that lacks keys the log has, or most lines' label field not looking like a label (`-` or an alert
    /// category), so that every such line would count as abnormal (the format is probably wrong).
    public var labelWarning: String? {
        if case .byKey(_, _, _, let table) = labeling, seenKeys.isEmpty, !table.labels.isEmpty, accounting.read > 0 {
            let theirs = table.labels.keys.min().map { " (its keys look like `\($0)`" + (unknownKeyExample.map { ", the log's like `\($0)`)" } ?? ")") } ?? ""
            return "warning: none of the \(table.labels.count) keys of label file \(table.path) occurs in the log\(theirs), so no line has a label: is it this log's label file?"
        }
        if case .byKey(_, _, _, let table) = labeling, !unknownKeys.isEmpty, let example = unknownKeyExample {
            return "warning: \(unknownKeyLines) lines have one of \(unknownKeys.count) keys that label file \(table.path) lacks (such as `\(example)`), "
                + "so they have no label and their windows are left out of scoring"
        }
        guard implausibleLabels * 2 > accounting.read, let example = implausibleLabelExample else { return nil }
        return "warning: \(implausibleLabels) of \(accounting.read) lines have a first field that does not look like a \(decoder.format.rawValue) label (such as `\(example)`), "
            + "so they count as abnormal: is --format right?"
    }
    /// Label-table ids that occurred in the input (to report ids the input never mentions).
    public private(set) var seenKeys = Set<String>()
    /// Keys found in the log that the label file does not have, the lines that carry one, and the first such key.
    public private(set) var unknownKeys = Set<String>()
    public private(set) var unknownKeyLines = 0
    public private(set) var unknownKeyExample: String?
    private var inheritedKey: String?
    private let scratch = MatchScratch()

    public init(path: String, decoder: LineDecoder, labeling: Labeling = .none,
                maximumLineLength: Int = 4 << 20) throws(InputError) {
        self.source = try ByteSource(path: path)
        self.decoder = decoder
        self.labeling = labeling
        self.maximumLineLength = maximumLineLength
    }

    /// Calls `body` for every line that decodes; lines too long or not decodable are
    /// counted as skipped. Throws after the last good line when the input is corrupt.
    public func forEach(_ body: (InputRecord) throws -> Void) throws {
        var splitter = LineSplitter(maximumLineLength: maximumLineLength)
        do {
            try source.forEachChunk { chunk in
                try splitter.feed(chunk, line: { raw, number in try handle(raw, number: number, body) },
                                  tooLong: { _ in tooLong() })
            }
        } catch let fault as InputError {
            // Every complete line before a fault in the input was delivered; the cut-off piece after the last newline is not a line.
            throw fault.stopped(path: source.path, lines: accounting.read)
        }
        try splitter.finish(line: { raw, number in try handle(raw, number: number, body) }, tooLong: { _ in tooLong() })
        try checkLabelCount()
    }

    private func tooLong() {
        accounting.read += 1
        skip(.tooLong)
    }

    /// Decodes one raw line and hands it on, or counts it as skipped.
    @inline(__always)
    private func handle(_ raw: UnsafeBufferPointer<UInt8>, number: Int, _ body: (InputRecord) throws -> Void) throws {
        accounting.read += 1
        if let line = decoder.decodeInPlace(raw) {
            try deliver(line, number: number, body)
        } else if let failure = try decoder.decode(raw, { line in try deliver(line, number: number, body) }) {
            skip(failure)
        }
    }

    @inline(__always)
    private func deliver(_ line: DecodedLine, number: Int, _ body: (InputRecord) throws -> Void) throws {
        decoding.record(line)
        let truth: Truth? = if case .none = labeling { nil } else { self.truth(for: line, number: number) }
        try body(InputRecord(message: line.message, number: number, timestamp: line.timestamp, truth: truth))
    }

    /// What decoding learned about the lines (the block pipeline's workers keep their own, merged in input order).
    struct DecodingStatistics {
        var untimedLines = 0
        var implausibleLabels = 0
        var implausibleLabelExample: String?
        var unheadedLevelField: String?

        mutating func record(_ line: DecodedLine) {
            if unheadedLevelField == nil { unheadedLevelField = line.unheadedLevelField }
            if line.timestamp == Window.noTimestamp { untimedLines += 1 }
            if let label = line.implausibleLabel {
                implausibleLabels += 1
                if implausibleLabelExample == nil { implausibleLabelExample = String(label.prefix(40)) }
            }
        }
    }

    /// Adds what the block pipeline read and decoded (in input order).
    func merge(read: Int, tooLong: Int, windowed: Int, statistics: DecodingStatistics) {
        accounting.read += read
        accounting.windowed += windowed
        if tooLong > 0 { accounting.skipped[.tooLong, default: 0] += tooLong }
        decoding.untimedLines += statistics.untimedLines
        decoding.implausibleLabels += statistics.implausibleLabels
        if decoding.implausibleLabelExample == nil { decoding.implausibleLabelExample = statistics.implausibleLabelExample }
        if decoding.unheadedLevelField == nil { decoding.unheadedLevelField = statistics.unheadedLevelField }
    }

    /// The check ``forEach(_:)`` makes at the end: a per-line label file has a label for every line.
    func checkLabelCount() throws(InputError) {
        if case .perLine(let file) = labeling, file.labels.count != accounting.read {
            throw InputError.invalidLabels(path: file.path, reason: "it has \(file.labels.count) labels for \(accounting.read) lines of the log: one label per line is needed")
        }
    }

    /// Records lines that reached no window.
    public func skip(_ reason: SkipReason, count: Int = 1) {
        accounting.skipped[reason, default: 0] += count
    }

    /// Records lines that reached a window.
    public func windowed(_ count: Int = 1) {
        accounting.windowed += count
    }

    /// Label-table ids never seen in the input (after reading).
    public var unseenLabelIDs: Int {
        guard case .byKey(_, _, _, let table) = labeling else { return 0 }
        return table.labels.keys.filter { !seenKeys.contains($0) }.count
    }

    private func truth(for line: DecodedLine, number: Int) -> Truth? {
        switch labeling {
        case .none: return nil
        case .inline: return line.inlineTruth
        case .perLine(let file): return number <= file.labels.count ? file.labels[number - 1] : nil
        case .byKey(let pattern, let prefix, let inherit, let table):
            var key: String?
            if let match = try? pattern.firstMatch(in: line.message, scratch: scratch) {
                let range = (pattern.captureCount > 0 ? match[group: 1] : nil) ?? match.range
                key = prefix + String(decoding: UnsafeBufferPointer(rebasing: line.message[range]), as: UTF8.self)
            }
            if inherit { key = key ?? inheritedKey; inheritedKey = key }
            guard let key else { return nil }
            guard let label = table.labels[key] else {
                if unknownKeyExample == nil { unknownKeyExample = String(key.prefix(60)) }
                unknownKeys.insert(key)
                unknownKeyLines += 1
                return nil
            }
            seenKeys.insert(key)
            return label
        }
    }
}
