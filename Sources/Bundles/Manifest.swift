import Crypto
import Foundation
import LogInput

/// What a bundle is and holds, signed as its exact bytes. Version 1 of the format
/// is described in docs/bundles.md.
public struct BundleManifest: Codable, Sendable, Equatable {
    public static let formatName = "warden-bundle"
    /// The newest manifest format this Warden reads.
    public static let currentFormatVersion = 1

    public var format = formatName
    public var formatVersion = currentFormatVersion
    public var name: String
    /// Semantic version of what the bundle ships (`1.4.0`).
    public var version: String
    /// Increases with every bundle of this name; detectors refuse a lower one than they run.
    public var revision: Int
    /// When it was built (ISO 8601, UTC; `SOURCE_DATE_EPOCH` when set, for reproducible builds).
    public var created: String
    public var wardenVersion: String
    public var languageVersion: Int
    /// The key id of the signer (informational: the signature decides).
    public var signer: String
    public var settings: DetectionSettings
    /// Every payload file, in archive order.
    public var files: [BundleFile]

    /// The bytes that are signed: JSON with sorted keys and no insignificant whitespace.
    func canonicalBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(self))
    }
}

/// How the bundle's packs are meant to run. Commands use these unless told otherwise.
public struct DetectionSettings: Codable, Sendable, Equatable {
    /// A `--format` name (`bgl`, `hdfs`, ...).
    public var format: String
    /// A `--window` spec (`20`, `100/10`, `5m`, `session`).
    public var window: String
    public var sessionKey: String?
    public var idle: String?
    public var maximumWindowLines: Int?
    /// The FAME fallback's decision threshold, when the bundle carries a model.
    public var fameThreshold: Double?
    /// JSON Lines: the message field, when not `message`.
    public var messageField: String?
    /// JSON Lines: the timestamp field, if any.
    public var timestampField: String?
    /// JSON Lines: the fields written before the message (``JSONFields/header``), if any.
    public var headerFields: [String]?

    public init(format: String, window: String, sessionKey: String? = nil, idle: String? = nil,
                maximumWindowLines: Int? = nil, fameThreshold: Double? = nil,
                messageField: String? = nil, timestampField: String? = nil, headerFields: [String]? = nil) {
        self.format = format
        self.window = window
        self.sessionKey = sessionKey
        self.idle = idle
        self.maximumWindowLines = maximumWindowLines
        self.fameThreshold = fameThreshold
        self.messageField = messageField
        self.timestampField = timestampField
        self.headerFields = headerFields
    }
}

extension DetectionSettings {
    /// The input format and windowing the settings name; refused when this Warden does not know them.
    public func windowing() throws(BundleError) -> (format: LogFormat, policy: WindowPolicy) {
        guard let format = LogFormat(rawValue: self.format) else { throw .content("format `\(self.format)` is not one this Warden reads") }
        let spec = maximumWindowLines.map { WindowSpec(window, sessionKey: sessionKey, idle: idle, maximumLines: $0) }
            ?? WindowSpec(window, sessionKey: sessionKey, idle: idle)
        do { return (format, try spec.policy(for: format)) } catch { throw .content("window settings: \(error)") }
    }

    /// How lines of the settings' format are decoded (JSON Lines by the recorded fields; a
    /// detector reads no labels).
    public func decoder(for format: LogFormat) -> LineDecoder {
        LineDecoder(format: format, fields: JSONFields(message: messageField ?? "message", timestamp: timestampField, header: headerFields ?? []))
    }
}

/// One payload file: where it sits in the archive, what it is, and its SHA-256.
public struct BundleFile: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable {
        case pack
        case fameModel = "fame-model"
        case drainState = "drain-state"
    }

    public var path: String
    public var role: Role
    public var size: Int
    public var sha256: String

    /// The SHA-256 of `bytes` in lower-case hex, as a manifest records it.
    public static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
