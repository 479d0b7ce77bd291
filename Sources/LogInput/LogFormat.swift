import Foundation
import WardenCore
import RuleRuntime

/// Input formats `warden detect` and `warden eval` read.
public enum LogFormat: String, CaseIterable, Sendable {
    /// Plain lines, no label; a leading ISO-8601 timestamp is read when present.
    case lines
    /// Loghub BGL: the first field is the label (`-` normal, else an alert
    /// category), the second the epoch seconds. The label is stripped.
    case bgl
    /// Loghub Thunderbird: the same layout as BGL.
    case thunderbird
    /// Loghub HDFS: `yyMMdd HHmmss ...`, labeled per block (`blk_` id) by a label file.
    case hdfs
    /// Loghub Hadoop: `yyyy-MM-dd HH:mm:ss,SSS ...`, labeled per application by a label file.
    case hadoop
    /// JSON Lines: one object per line with a message field (and optional label and timestamp fields).
    case jsonl

    /// The regex that names a line's session (and label key) by default.
    public var defaultSessionKey: String? {
        switch self {
        case .hdfs: #"blk_-?\d+"#
        case .hadoop: #"(?:application|appattempt|container|attempt|job)_(\d+_\d+)"#
        default: nil
        }
    }

    /// Whether the format carries labels inside each line (which are stripped).
    public var hasInlineLabels: Bool { self == .bgl || self == .thunderbird }
}

/// Field names for JSON Lines input.
public struct JSONFields: Sendable {
    public var message: String
    public var label: String?
    public var timestamp: String?
    /// Fields written before the message, in this order and separated by spaces, so that rules
    /// and the learner see them as header fields (`level` makes `ERROR connection refused`).
    /// A value's whitespace becomes `_`; a missing, empty, null or nested value is written `-`.
    public var header: [String]

    public init(message: String = "message", label: String? = nil, timestamp: String? = nil, header: [String] = []) {
        self.message = message
        self.label = label
        self.timestamp = timestamp
        self.header = header
    }

    /// Field names that hold a record's level in common JSON loggers.
    static let levelKeys = ["level", "severity", "lvl", "loglevel", "log_level", "log.level", "levelname"]

    /// The text a header field's value is written as: one whitespace-free word.
    static func headerWord(_ value: Any?) -> String {
        let text: String
        switch value {
        case let number as NSNumber:
            // JSON `true` and `false` arrive as numbers of type `c`.
            text = number.objCType.pointee == CChar(UInt8(ascii: "c")) ? (number.boolValue ? "true" : "false") : number.stringValue
        case let string as String: text = string
        default: text = ""
        }
        guard !text.isEmpty else { return "-" }
        guard text.unicodeScalars.contains(where: \.properties.isWhitespace) else { return text }
        return String(text.unicodeScalars.map { $0.properties.isWhitespace ? "_" : Character($0) })
    }
}

/// One input line split into what rules may see and what only evaluation may see.
public struct DecodedLine {
    /// The message with any label field removed: the only bytes a rule sees.
    public var message: UnsafeBufferPointer<UInt8>
    public var timestamp: Int64
    /// The inline label (BGL, Thunderbird, JSON Lines label field).
    public var inlineTruth: Truth?
    /// BGL and Thunderbird: the label field, when it does not look like one (`-` or an
    /// alert category such as `KERNDTLB`), which suggests the wrong `--format`.
    public var implausibleLabel: Substring? = nil
    /// JSON Lines: a field that holds the record's level (`level`, `severity`, …) but is not
    /// among the header fields, so no rule sees it (a hint for `--header-fields`).
    public var unheadedLevelField: String? = nil
}

/// Splits raw lines of one format.
public struct LineDecoder: Sendable {
    public let format: LogFormat
    public let fields: JSONFields
    /// JSON Lines: whether no header field is a level field, so that records are looked at for one.
    private let seeksLevelField: Bool

    public init(format: LogFormat, fields: JSONFields = JSONFields()) {
        self.format = format
        self.fields = fields
        seeksLevelField = !fields.header.contains(where: JSONFields.levelKeys.contains)
    }

    /// Decodes `raw` and passes the result to `body`; returns why not when the
    /// line cannot be decoded in this format (only JSON Lines can fail), `nil` otherwise.
    public func decode(_ raw: UnsafeBufferPointer<UInt8>, _ body: (DecodedLine) throws -> Void) rethrows -> SkipReason? {
        if let line = decodeInPlace(raw) {
            try body(line)
            return nil
        }
        return try decodeJSON(raw, body)
    }

    /// The decoded line when it lies within `raw` (every format but JSON Lines, whose
    /// message is unescaped into new bytes, and never fails): what ``decode(_:_:)``
    /// passes on, without a closure.
    @inline(__always)
    public func decodeInPlace(_ raw: UnsafeBufferPointer<UInt8>) -> DecodedLine? {
        switch format {
        case .lines, .hdfs, .hadoop: return DecodedLine(message: raw, timestamp: timestamp(ofWhole: raw), inlineTruth: nil)
        case .bgl, .thunderbird:
            // Label, one run of spaces, then the message. The label never reaches `message`.
            let labelEnd = raw.firstIndex(of: 0x20) ?? raw.count
            var messageStart = labelEnd
            while messageStart < raw.count, raw[messageStart] == 0x20 { messageStart += 1 }
            let message = UnsafeBufferPointer(rebasing: raw[messageStart...])
            let secondsEnd = message.firstIndex(of: 0x20) ?? message.count
            let timestamp = Timestamps.epochSeconds(UnsafeBufferPointer(rebasing: message[0..<secondsEnd])) ?? noTimestamp
            // `-` (normal) is most lines' label: read without making a string.
            if labelEnd == 1, raw[0] == UInt8(ascii: "-") {
                return DecodedLine(message: message, timestamp: timestamp, inlineTruth: .normal)
            }
            // An alert category (`KERNDTLB`) is the other lines' label: read without making a string either.
            let bytes = UnsafeBufferPointer(rebasing: raw[0..<labelEnd])
            if Self.isPlausibleLabel(bytes) {
                return DecodedLine(message: message, timestamp: timestamp, inlineTruth: Truth(asciiLabel: bytes))
            }
            let label = String(decoding: bytes, as: UTF8.self)
            return DecodedLine(message: message, timestamp: timestamp,
                               inlineTruth: raw.isEmpty ? nil : Truth(labelText: Substring(label)),
                               implausibleLabel: raw.isEmpty ? nil : Substring(label))
        case .jsonl: return nil
        }
    }

    private var noTimestamp: Int64 { Int64.min }

    /// Whether each line is its own message, with no label field (`lines`, `hdfs`, `hadoop`).
    public var keepsLinesWhole: Bool {
        switch format {
        case .lines, .hdfs, .hadoop: true
        case .bgl, .thunderbird, .jsonl: false
        }
    }

    /// The timestamp of a line in a format that keeps lines whole (``keepsLinesWhole``);
    /// `Int64.min` when it has none.
    @inline(__always)
    public func timestamp(ofWhole raw: UnsafeBufferPointer<UInt8>) -> Int64 {
        (format == .hdfs ? Timestamps.hdfs(raw) : Timestamps.iso(raw)) ?? noTimestamp
    }

    /// `-`, or an alert category: capital letters, digits and `_`, with a letter (`KERNDTLB`, `R_VAPI`).
    static func isPlausibleLabel(_ label: UnsafeBufferPointer<UInt8>) -> Bool {
        (label.count == 1 && label[0] == UInt8(ascii: "-")) || (label.contains { $0 >= 0x41 && $0 <= 0x5A }
            && label.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
    }

    /// Why a line did not parse as JSON: bytes that are not UTF-8, a number no
    /// float holds, or anything else (named by the parser's own complaint, which
    /// is the only place Foundation says so).
    private static func reason(_ raw: UnsafeBufferPointer<UInt8>, _ error: any Error) -> SkipReason {
        if String(validating: raw, as: UTF8.self) == nil { return .invalidUTF8 }
        let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        return detail.contains("not representable") ? .numberOutOfRange : .notJSON
    }

    private func decodeJSON(_ raw: UnsafeBufferPointer<UInt8>, _ body: (DecodedLine) throws -> Void) rethrows -> SkipReason? {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(buffer: raw)) } catch { return Self.reason(raw, error) }
        guard let object = parsed as? [String: Any] else { return .notJSON }
        guard let message = object[fields.message] as? String else { return .noMessageField }
        var truth: Truth?
        if let labelField = fields.label {
            switch object[labelField] {
            case let flag as Bool: truth = flag ? .abnormal : .normal
            case let number as NSNumber: truth = number.doubleValue != 0 ? .abnormal : .normal
            case let text as String: truth = Truth(labelText: Substring(text))
            default: truth = nil
            }
        }
        var timestamp = noTimestamp
        if let timestampField = fields.timestamp {
            switch object[timestampField] {
            case let number as NSNumber:
                let value = number.doubleValue
                // Seconds unless the value is clearly milliseconds.
                // A value no Int64 of milliseconds holds (1e300, NaN) is no timestamp.
                timestamp = Int64(exactly: (value < 1e11 ? value * 1000 : value).rounded(.towardZero)) ?? noTimestamp
            case let text as String:
                timestamp = Array(text.utf8).withUnsafeBufferPointer { Timestamps.iso($0) } ?? noTimestamp
            default: break
            }
        }
        let unheadedLevelField = seeksLevelField ? JSONFields.levelKeys.first { object[$0] is String } : nil
        var bytes: [UInt8] = []
        for field in fields.header {
            bytes += JSONFields.headerWord(object[field]).utf8
            bytes.append(0x20)
        }
        bytes += message.utf8
        try bytes.withUnsafeMutableBufferPointer { buffer in
            try body(DecodedLine(message: UnsafeBufferPointer(buffer), timestamp: timestamp, inlineTruth: truth,
                                 unheadedLevelField: unheadedLevelField))
        }
        return nil
    }
}

extension LogFormat {
    /// The header fields before a message's free text, for template mining.
    public var messageHeader: MessageHeader {
        switch self {
        case .bgl, .thunderbird: .bgl
        case .hdfs: .hdfs
        case .hadoop: .hadoop
        case .lines, .jsonl: .none
        }
    }
}
