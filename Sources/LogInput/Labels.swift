import Foundation
import PCRE2
import WardenCore

/// Labels keyed by an id (HDFS block, Hadoop application), read from a CSV
/// file with a header: the first column is the id; the label is the `Abnormal`
/// column when present (0/1), else the `Label` column (`Normal`, `Anomaly`,
/// `Unknown`, a failure category…).
public struct LabelTable: Sendable {
    public let path: String
    public let labels: [String: Truth?]

    public init(path: String, labels: [String: Truth?]) {
        self.path = path
        self.labels = labels
    }

    public static func load(path: String) throws(InputError) -> LabelTable {
        guard let data = FileContents.read(path) else {
            throw .invalidLabels(path: path, reason: "cannot read the file: \(FileContents.reason(path))")
        }
        return try parse(data, path: path)
    }

    /// Reads a label file's contents; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws(InputError) -> LabelTable {
        let text = String(decoding: data, as: UTF8.self)
        var rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard !rows.isEmpty else { throw .invalidLabels(path: path, reason: "the file is empty") }
        let header = rows.removeFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let column = header.firstIndex(of: "abnormal") ?? header.firstIndex(of: "label"), header.count >= 2 else {
            throw .invalidLabels(path: path, reason: "the header needs an id column and a `Label` or `Abnormal` column (found: \(header.joined(separator: ",")))")
        }
        var labels: [String: Truth?] = [:]
        for (offset, row) in rows.enumerated() {
            guard row.count > column else {
                throw .invalidLabels(path: path, reason: "line \(offset + 2) has \(row.count) fields, expected at least \(column + 1)")
            }
            let id = row[0].trimmingCharacters(in: .whitespaces)
            labels[id] = Truth(labelText: Substring(row[column].trimmingCharacters(in: .whitespaces)))
        }
        return LabelTable(path: path, labels: labels)
    }
}

/// One label per input line, aligned with the log: `0`/`1`, `normal`/`anomaly`
/// (also `-`, `abnormal`, `abnormal`, `true`/`false`, `yes`/`no`), or empty,
/// `unknown` or `?` for a line without a label. Anything else is refused, and
/// the reader refuses a file whose count differs from the log's lines.
public struct LineLabels: Sendable {
    public let path: String
    public let labels: [Truth?]

    static let vocabulary: [String: Truth?] = [
        "": nil, "unknown": nil, "?": nil,
        "0": .normal, "-": .normal, "normal": .normal, "false": .normal, "no": .normal,
        "1": .abnormal, "anomaly": .abnormal, "anomalous": .abnormal, "abnormal": .abnormal, "true": .abnormal, "yes": .abnormal,
    ]

    public static func load(path: String) throws(InputError) -> LineLabels {
        guard let data = FileContents.read(path) else {
            throw .invalidLabels(path: path, reason: "cannot read the file: \(FileContents.reason(path))")
        }
        return try parse(data, path: path)
    }

    /// Reads a label file's contents; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws(InputError) -> LineLabels {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = lines.last == "" ? lines.dropLast() : lines[...]
        var labels: [Truth?] = []
        labels.reserveCapacity(trimmed.count)
        for (offset, line) in trimmed.enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let truth = vocabulary[text.lowercased()] else {
                throw .invalidLabels(path: path, reason: "line \(offset + 1): `\(text.prefix(40))` is not a label (expected 0 or 1, normal or anomaly)")
            }
            labels.append(truth)
        }
        return LineLabels(path: path, labels: labels)
    }
}

/// How lines get their ground truth. Truth is kept apart from what rules see.
public enum Labeling: Sendable {
    case none
    /// The format's label field (BGL, Thunderbird, JSON Lines).
    case inline
    /// A per-line label file.
    case perLine(LineLabels)
    /// A label per key: the key is capture group 1 of `pattern` (else the whole
    /// match), prefixed with `prefix`. With `inherit`, a line without a key
    /// takes the last key seen (Hadoop: a log file belongs to one application).
    case byKey(pattern: Pattern, prefix: String, inherit: Bool, table: LabelTable)

    /// The labeling a format uses with an optional label file.
    public static func forFormat(_ format: LogFormat, labelFile: String?, sessionKey: Pattern?) throws(InputError) -> Labeling {
        switch format {
        case .bgl, .thunderbird: return .inline
        case .jsonl: return labelFile.map { _ in .none } ?? .inline
        case .lines:
            guard let labelFile else { return .none }
            return .perLine(try LineLabels.load(path: labelFile))
        case .hdfs, .hadoop:
            guard let labelFile else { return .none }
            let table = try LabelTable.load(path: labelFile)
            guard let pattern = sessionKey ?? (try? Pattern(format.defaultSessionKey!)) else {
                throw .invalidLabels(path: labelFile, reason: "the default key pattern does not compile")
            }
            let prefix = format == .hadoop && sessionKey == nil ? "application_" : ""
            return .byKey(pattern: pattern, prefix: prefix, inherit: format == .hadoop, table: table)
        }
    }
}

extension Labeling {
    /// Whether the input carries no labels at all.
    public var isNone: Bool { if case .none = self { true } else { false } }
}

/// A log read for scoring or training that carries no labels.
public struct MissingLabels: Error, Sendable, CustomStringConvertible {
    public let format: LogFormat
    public var description: String { "format \(format.rawValue) has no labels in the log; pass --labels FILE" }
}

extension LogReader {
    /// Throws when the log has no labels (in its lines or from a label file).
    public func requireLabels() throws(MissingLabels) {
        if labeling.isNone { throw MissingLabels(format: decoder.format) }
    }
}
