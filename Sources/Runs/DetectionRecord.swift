import Foundation
import LogInput
import RuleRuntime
import WardenCore

/// One line of `warden detect`'s JSON Lines output: a window's verdict, who
/// decided it, and the input line numbers of its evidence and findings.
/// Fields that do not apply are left out.
public struct DetectionRecord: Encodable {
    /// A message the fallback singled out, by input line number.
    public struct Finding: Encodable {
        public var line: Int
        /// The score, to four decimals.
        public var score: Double
        public var domain: String?
    }

    public var input: String
    public var window: Int
    /// The first and last input line numbers.
    public var lines: [Int]?
    public var key: String?
    public var truncated: Bool
    public var verdict: Verdict
    public var stage: Stage
    public var rule: String?
    public var severity: Severity?
    public var domain: String?
    public var evidence: [Int]
    public var findings: [Finding]
    public var inconclusive: [String]

    /// The record of `detection` on `window` of input `path`; `metadata` is the deciding rule's.
    public init(input path: String, window: Window, detection: Detection, metadata: RuleMetadata?) {
        input = path
        self.window = detection.windowID
        lines = window.lineNumbers.map { [$0.lowerBound, $0.upperBound] }
        key = window.key
        truncated = window.isTruncated
        verdict = detection.verdict
        stage = detection.stage
        rule = detection.rule
        severity = metadata?.severity
        domain = metadata?.domain
        evidence = detection.evidence.map { window.number(at: $0) }
        findings = detection.findings.map {
            Finding(line: window.number(at: $0.position), score: ($0.score * 10_000).rounded() / 10_000, domain: $0.domain)
        }
        inconclusive = detection.inconclusive
    }

    private enum CodingKeys: String, CodingKey {
        case input, window, lines, key, truncated, verdict, stage, rule, severity, domain, evidence, findings, inconclusive
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(input, forKey: .input)
        try container.encode(window, forKey: .window)
        try container.encodeIfPresent(lines, forKey: .lines)
        try container.encodeIfPresent(key, forKey: .key)
        if truncated { try container.encode(true, forKey: .truncated) }
        try container.encode(verdict, forKey: .verdict)
        try container.encode(stage, forKey: .stage)
        try container.encodeIfPresent(rule, forKey: .rule)
        try container.encodeIfPresent(severity, forKey: .severity)
        try container.encodeIfPresent(domain, forKey: .domain)
        if !evidence.isEmpty { try container.encode(evidence, forKey: .evidence) }
        if !findings.isEmpty { try container.encode(findings, forKey: .findings) }
        if !inconclusive.isEmpty { try container.encode(inconclusive, forKey: .inconclusive) }
    }
}

/// Writes detection records as JSON Lines (keys sorted, so output is byte-for-byte reproducible), one encoder for the whole run.
public struct DetectionRecordEncoder {
    private let encoder: JSONEncoder

    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// The record as one line of JSON (no newline).
    public func line(_ record: DetectionRecord) throws -> [UInt8] {
        Array(try encoder.encode(record))
    }
}
