import PCRE2
import WardenCore

/// Name resolution, type checking and validation of a parsed pack.
struct Checker {
    /// The file being checked (for trimming operator ranges).
    let file: SourceFile
    private(set) var diagnostics: [Diagnostic] = []
    var regexes: [CheckedRegex] = []
    var regexIndices: [RegexLiteral: Int] = [:]

    /// Bindings of the rule being checked, visible so far.
    var bindings: [(name: String, type: ValueType, range: SourceRange, value: TypedExpression.Kind)] = []
    var usedBindings: Set<Int> = []
    /// Quantifier variables in scope, outermost first.
    var variables: [(name: String, type: ValueType)] = []

    init(file: SourceFile) {
        self.file = file
    }

    // MARK: - Pack

    mutating func checkPack(_ syntax: PackSyntax) -> CheckedPack {
        if let header = syntax.header { checkVersion(header.version) }
        var rules: [CheckedRule] = []
        var tests: [CheckedTest] = []
        var ruleNames: [String: SourceRange] = [:]
        var testNames: [String: SourceRange] = [:]
        for item in syntax.items {
            switch item {
            case .rule(let rule):
                if let first = ruleNames[rule.name.name] {
                    report(.duplicateRule, "a rule named `\(rule.name.name)` already exists", at: rule.name.range,
                           label: "duplicate", secondary: [.init(first, "first defined here")])
                } else {
                    ruleNames[rule.name.name] = rule.name.range
                }
                if let checked = checkRule(rule) { rules.append(checked) }
            case .test(let test):
                if let first = testNames[test.name.value] {
                    report(.duplicateTest, "a test named \"\(test.name.value)\" already exists", at: test.name.range,
                           secondary: [.init(first, "first defined here")])
                } else {
                    testNames[test.name.value] = test.name.range
                }
                tests.append(checkTest(test))
            }
        }
        if syntax.header != nil, !syntax.items.contains(where: { if case .rule = $0 { true } else { false } }) {
            report(.noRules, "pack has no rules", at: syntax.header!.name.range)
        }
        return CheckedPack(name: syntax.header?.name.name ?? "", version: syntax.header?.version.value ?? "",
                           description: syntax.header?.description?.value, rules: rules, tests: tests, regexes: regexes, lineTests: [])
    }

    mutating func checkVersion(_ version: StringLiteral) {
        let semver = #"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"#
        let valid = (try? Pattern(semver).matches(version.value)) ?? false
        if !valid {
            report(.invalidVersion, "\"\(version.value)\" is not a semantic version", at: version.range,
                   help: ["write MAJOR.MINOR.PATCH, e.g. \"1.0.0\""])
        }
    }

    mutating func checkTest(_ test: TestSyntax) -> CheckedTest {
        if test.lines.isEmpty {
            report(.emptyTest, "test \"\(test.name.value)\" has no lines", at: test.name.range)
        }
        if let evidence = test.evidence, let range = test.evidenceRange {
            for position in evidence where !(1...max(1, test.lines.count)).contains(position) || test.lines.isEmpty {
                report(.evidenceOutOfRange, "evidence line \(position) is out of range: the test has \(test.lines.count) line\(test.lines.count == 1 ? "" : "s")",
                       at: range)
            }
        }
        return CheckedTest(name: test.name.value, expected: test.expected, evidence: test.evidence,
                           lines: test.lines.map(\.value), range: test.range)
    }

    // MARK: - Rules

    mutating func checkRule(_ rule: RuleSyntax) -> CheckedRule? {
        bindings = []
        usedBindings = []
        variables = []
        let attributes = checkAttributes(rule.attributes)
        var typedBindings: [TypedBinding] = []
        for binding in rule.bindings {
            let value = check(binding.value)
            if let existing = bindings.first(where: { $0.name == binding.name.name }) {
                report(.duplicateBinding, "`\(binding.name.name)` is already bound in this rule", at: binding.name.range,
                       secondary: [.init(existing.range, "first bound here")])
            } else if binding.name.name == "window" {
                report(.duplicateBinding, "`window` is the rule's input and cannot be rebound", at: binding.name.range)
            }
            bindings.append((binding.name.name, value.type, binding.name.range, value.kind))
            typedBindings.append(TypedBinding(name: binding.name.name, value: value))
        }
        guard let conditionSyntax = rule.condition else { return nil }
        let condition = check(conditionSyntax)
        requireBool(condition, "a rule's condition")
        for (index, binding) in rule.bindings.enumerated() where !usedBindings.contains(index) {
            report(.unusedBinding, "binding `\(binding.name.name)` is never used", at: binding.name.range,
                   fixIts: [Diagnostic.FixIt("remove the binding", edits: [.init(range: binding.range, replacement: "")])])
        }
        return CheckedRule(name: rule.name.name, kind: rule.kind, doc: rule.doc, severity: attributes.severity,
                           domain: attributes.domain, tags: attributes.tags, provenance: attributes.provenance,
                           bindings: typedBindings, condition: condition, range: rule.range)
    }

    mutating func report(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange, label: String? = nil,
        secondary: [Diagnostic.Label] = [], notes: [String] = [], help: [String] = [], fixIts: [Diagnostic.FixIt] = []
    ) {
        diagnostics.append(Diagnostic(code, message, at: range, label: label, secondary: secondary,
                                      notes: notes, help: help, fixIts: fixIts))
    }
}
