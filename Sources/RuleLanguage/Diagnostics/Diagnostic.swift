/// A message from the front end about a source range: an error, a warning or
/// a note, with a stable code, labeled ranges, notes and fix-its.
public struct Diagnostic: Sendable, Hashable {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning, note

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    /// A range with a short explanation drawn under it.
    public struct Label: Sendable, Hashable {
        public let range: SourceRange
        public let message: String

        public init(_ range: SourceRange, _ message: String) {
            self.range = range
            self.message = message
        }
    }

    /// One textual replacement.
    public struct Edit: Sendable, Hashable {
        public let range: SourceRange
        public let replacement: String

        public init(range: SourceRange, replacement: String) {
            self.range = range
            self.replacement = replacement
        }
    }

    /// A machine-applicable change that resolves the diagnostic.
    public struct FixIt: Sendable, Hashable {
        public let message: String
        public let edits: [Edit]

        public init(_ message: String, edits: [Edit]) {
            self.message = message
            self.edits = edits
        }
    }

    public let code: DiagnosticCode
    public let severity: Severity
    public let message: String
    /// The range the diagnostic is about.
    public let range: SourceRange
    /// Text drawn under the primary range, if any.
    public let label: String?
    /// Other ranges that explain the diagnostic.
    public var secondary: [Label]
    /// Extra facts ("note: ...").
    public var notes: [String]
    /// Advice ("help: ..."), often paired with a fix-it.
    public var help: [String]
    public var fixIts: [FixIt]

    public init(
        _ code: DiagnosticCode,
        _ message: String,
        at range: SourceRange,
        label: String? = nil,
        secondary: [Label] = [],
        notes: [String] = [],
        help: [String] = [],
        fixIts: [FixIt] = [],
        severity: Severity? = nil
    ) {
        self.code = code
        self.severity = severity ?? code.severity
        self.message = message
        self.range = range
        self.label = label
        self.secondary = secondary
        self.notes = notes
        self.help = help
        self.fixIts = fixIts
    }
}

/// Diagnostics of one source file, in the order they were found.
public struct DiagnosedFile: Sendable {
    public let file: SourceFile
    public let diagnostics: [Diagnostic]

    public init(file: SourceFile, diagnostics: [Diagnostic]) {
        self.file = file
        self.diagnostics = diagnostics.sorted { ($0.range.start, $0.code.rawValue) < ($1.range.start, $1.code.rawValue) }
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
