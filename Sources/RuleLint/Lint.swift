import RuleLanguage
import WardenCore

/// The groups lints fall in, as `docs/lint.md` lists them.
public enum LintCategory: String, Sendable, CaseIterable, Codable {
    /// A rule pinned to one id, address or name where a class of values was meant.
    case overfitting
    /// A condition that cannot do what it seems to: constant, shadowed, duplicated.
    case correctness
    /// A regex that is slow, redundant or could be simpler.
    case regex
    /// Rules and tests that do not exercise each other.
    case testing
    /// A rule without the doc comment and attributes reviewers and alerts need.
    case documentation
    /// A rule that costs more per line than it needs to.
    case performance
    /// Findings from labeled sample data (`warden lint --data`).
    case data
    /// Problems with the inline suppression comments themselves.
    case suppression
}

/// One example of a lint: a pack (the `pack …` header may be left out) that
/// does or does not trigger it. The examples are the lint's tests and appear on its page.
public struct LintExample: Sendable {
    public let source: String
    public let triggers: Bool
    /// For a triggering example with a fix-it: the pack after `warden lint --fix`.
    public let fixed: String?
    /// For a data-aware lint: the labeled windows the example is linted against.
    public let sample: [SampleWindow]

    public static func triggering(_ source: String, fixed: String? = nil, sample: [SampleWindow] = []) -> LintExample {
        LintExample(source: source, triggers: true, fixed: fixed, sample: sample)
    }

    public static func nonTriggering(_ source: String, sample: [SampleWindow] = []) -> LintExample {
        LintExample(source: source, triggers: false, fixed: nil, sample: sample)
    }

    /// The example as a whole pack.
    public var pack: String {
        source.hasPrefix("pack ") ? source + "\n" : "pack example version \"1.0.0\"\n\n" + source + "\n"
    }
}

/// One labeled window of an example's sample.
public struct SampleWindow: Sendable {
    public let lines: [String]
    public let truth: Truth

    public static func normal(_ lines: String...) -> SampleWindow { SampleWindow(lines: lines, truth: .normal) }
    public static func abnormal(_ lines: String...) -> SampleWindow { SampleWindow(lines: lines, truth: .abnormal) }
}

/// What a lint is: its stable code, name, category, default severity, summary,
/// rationale and examples.
public struct LintDescriptor: Sendable {
    public let code: DiagnosticCode
    /// A kebab-case name that configuration files and suppressions may use instead of the code.
    public let name: String
    public let category: LintCategory
    public let severity: Diagnostic.Severity
    /// One line.
    public let summary: String
    /// Why it matters and what to do instead, in Markdown.
    public let rationale: String
    public let examples: [LintExample]
    /// Whether it needs labeled sample data (`--data`), so that its examples come with a sample.
    public let needsData: Bool

    public init(code: DiagnosticCode, name: String, category: LintCategory, severity: Diagnostic.Severity = .warning,
                summary: String, rationale: String, examples: [LintExample], needsData: Bool = false) {
        self.code = code
        self.name = name
        self.category = category
        self.severity = severity
        self.summary = summary
        self.rationale = rationale
        self.examples = examples
        self.needsData = needsData
    }
}

/// One problem a lint found.
public struct LintFinding: Sendable {
    public var message: String
    public var range: SourceRange
    public var label: String?
    public var secondary: [Diagnostic.Label]
    public var notes: [String]
    public var help: [String]
    /// A machine-applicable fix (`warden lint --fix` applies it).
    public var fixIt: Diagnostic.FixIt?
    /// The rule or test the finding is about: what a baseline remembers instead of a line number.
    public var subject: String

    public init(_ message: String, at range: SourceRange, subject: String, label: String? = nil, secondary: [Diagnostic.Label] = [],
                notes: [String] = [], help: [String] = [], fixIt: Diagnostic.FixIt? = nil) {
        self.message = message
        self.range = range
        self.subject = subject
        self.label = label
        self.secondary = secondary
        self.notes = notes
        self.help = help
        self.fixIt = fixIt
    }
}

/// Anything with a lint's descriptor.
public protocol DescribedLint: Sendable {
    static var descriptor: LintDescriptor { get }
}

/// A lint: one file in `Lints/`, with its descriptor and its check.
public protocol Lint: DescribedLint {
    init()
    /// The problems in a pack.
    func check(_ subject: LintSubject) -> [LintFinding]
}
