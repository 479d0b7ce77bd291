import Foundation

/// Renders diagnostics as JSON: one array of objects with codes, severities,
/// ranges (line, column and byte offset), labels, notes, help and fix-its. The
/// synthesis repair loop and editors read this form.
public struct JSONRenderer: Sendable {
    public var prettyPrinted: Bool

    public init(prettyPrinted: Bool = true) {
        self.prettyPrinted = prettyPrinted
    }

    public func render(_ files: [DiagnosedFile]) -> String {
        let records = files.flatMap { file in file.diagnostics.map { DiagnosticRecord($0, in: file.file) } }
        return encode(records, pretty: prettyPrinted)
    }

    struct Position: Encodable {
        let line: Int
        let column: Int
        let offset: Int
    }

    struct RangeRecord: Encodable {
        let start: Position
        let end: Position

        init(_ range: SourceRange, in file: SourceFile) {
            let start = file.location(of: range.start), end = file.location(of: range.end)
            self.start = Position(line: start.line, column: start.column, offset: start.offset)
            self.end = Position(line: end.line, column: end.column, offset: end.offset)
        }
    }

    struct LabelRecord: Encodable {
        let range: RangeRecord
        let message: String
    }

    struct EditRecord: Encodable {
        let range: RangeRecord
        let replacement: String
    }

    struct FixItRecord: Encodable {
        let message: String
        let edits: [EditRecord]
    }

    struct DiagnosticRecord: Encodable {
        let file: String
        let code: String
        let severity: String
        let message: String
        let range: RangeRecord
        let label: String?
        let secondary: [LabelRecord]
        let notes: [String]
        let help: [String]
        let fixIts: [FixItRecord]

        init(_ diagnostic: Diagnostic, in file: SourceFile) {
            self.file = file.path
            self.code = diagnostic.code.rawValue
            self.severity = diagnostic.severity.rawValue
            self.message = diagnostic.message
            self.range = RangeRecord(diagnostic.range, in: file)
            self.label = diagnostic.label
            self.secondary = diagnostic.secondary.map { LabelRecord(range: RangeRecord($0.range, in: file), message: $0.message) }
            self.notes = diagnostic.notes
            self.help = diagnostic.help
            self.fixIts = diagnostic.fixIts.map { fixIt in
                FixItRecord(message: fixIt.message,
                            edits: fixIt.edits.map { EditRecord(range: RangeRecord($0.range, in: file), replacement: $0.replacement) })
            }
        }
    }
}

/// Renders diagnostics as a SARIF 2.1.0 log for code-scanning services. Columns
/// are counted in Unicode code points (`columnKind: unicodeCodePoints`).
public struct SARIFRenderer: Sendable {
    public var toolVersion: String
    /// Where the descriptions in `tool.driver.rules` come from.
    public var registry: DiagnosticRegistry
    /// What the rules' `helpUri`s start with; by default they are relative to Warden's repository (`docs/…`).
    public var helpBase: String

    public init(toolVersion: String, registry: DiagnosticRegistry = .frontEnd, helpBase: String = "") {
        self.toolVersion = toolVersion
        self.registry = registry
        self.helpBase = helpBase
    }

    public func render(_ files: [DiagnosedFile]) -> String {
        let usedCodes = Set(files.flatMap { $0.diagnostics.map(\.code) })
        let rules = usedCodes.sorted().map { code in
            guard let entry = registry[code] else {
                return Rule(id: code.rawValue, name: code.rawValue, shortDescription: Text(text: code.rawValue), fullDescription: nil,
                            help: nil, defaultConfiguration: Configuration(level: Self.level(code.severity)), helpUri: nil, properties: nil)
            }
            return Rule(id: code.rawValue, name: entry.title, shortDescription: Text(text: entry.title),
                        fullDescription: Text(text: entry.explanation),
                        help: Help(text: entry.explanation, markdown: entry.explanation),
                        defaultConfiguration: Configuration(level: Self.level(entry.severity)),
                        helpUri: helpBase + entry.pagePath,
                        properties: entry.category.map { Properties(tags: [$0]) })
        }
        let results = files.flatMap { file in
            file.diagnostics.map { diagnostic in
                Result(ruleId: diagnostic.code.rawValue,
                       level: Self.level(diagnostic.severity),
                       message: Text(text: ([diagnostic.message] + diagnostic.notes + diagnostic.help).joined(separator: "\n")),
                       locations: [Location(file.file, diagnostic.range, message: diagnostic.label)],
                       relatedLocations: diagnostic.secondary.map { Location(file.file, $0.range, message: $0.message) },
                       fixes: diagnostic.fixIts.map { fixIt in
                           Fix(description: Text(text: fixIt.message), artifactChanges: [ArtifactChange(
                               artifactLocation: ArtifactLocation(uri: file.file.path),
                               replacements: fixIt.edits.map {
                                   Replacement(deletedRegion: Region(file.file, $0.range), insertedContent: Text(text: $0.replacement))
                               })])
                       })
            }
        }
        let log = Log(runs: [Run(tool: Tool(driver: Driver(name: "warden", version: toolVersion, rules: rules)),
                                 results: results)])
        return encode(log, pretty: true)
    }

    private static func level(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        let runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema", version, runs
        }
    }

    struct Run: Encodable {
        let tool: Tool
        let results: [Result]
        let columnKind = "unicodeCodePoints"
    }

    struct Tool: Encodable { let driver: Driver }

    struct Driver: Encodable {
        let name: String
        let version: String
        let rules: [Rule]
    }

    struct Rule: Encodable {
        let id: String
        let name: String
        let shortDescription: Text
        let fullDescription: Text?
        let help: Help?
        let defaultConfiguration: Configuration
        let helpUri: String?
        let properties: Properties?
    }

    struct Configuration: Encodable { let level: String }
    struct Help: Encodable { let text: String; let markdown: String }
    struct Properties: Encodable { let tags: [String] }
    struct Text: Encodable { let text: String }

    struct Result: Encodable {
        let ruleId: String
        let level: String
        let message: Text
        let locations: [Location]
        let relatedLocations: [Location]
        let fixes: [Fix]
    }

    struct Location: Encodable {
        let physicalLocation: PhysicalLocation
        let message: Text?

        init(_ file: SourceFile, _ range: SourceRange, message: String?) {
            physicalLocation = PhysicalLocation(artifactLocation: ArtifactLocation(uri: file.path), region: Region(file, range))
            self.message = message.map(Text.init)
        }
    }

    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        let region: Region
    }

    struct ArtifactLocation: Encodable { let uri: String }

    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int
        let endLine: Int
        let endColumn: Int

        init(_ file: SourceFile, _ range: SourceRange) {
            let start = file.location(of: range.start), end = file.location(of: range.end)
            startLine = start.line
            endLine = end.line
            startColumn = Self.codePointColumn(file, start)
            endColumn = Self.codePointColumn(file, end)
        }

        private static func codePointColumn(_ file: SourceFile, _ location: SourceLocation) -> Int {
            let lineStart = location.offset - (location.column - 1)
            return String(decoding: file.bytes[lineStart..<location.offset], as: UTF8.self).unicodeScalars.count + 1
        }
    }

    struct Fix: Encodable {
        let description: Text
        let artifactChanges: [ArtifactChange]
    }

    struct ArtifactChange: Encodable {
        let artifactLocation: ArtifactLocation
        let replacements: [Replacement]
    }

    struct Replacement: Encodable {
        let deletedRegion: Region
        let insertedContent: Text
    }
}

private func encode(_ value: some Encodable, pretty: Bool) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "[]" }
    return String(decoding: data, as: UTF8.self)
}
