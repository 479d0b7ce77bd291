import PCRE2
import WardenCore

/// The result of checking one source file.
public struct CheckResult: Sendable {
    public let file: SourceFile
    public let syntax: PackSyntax
    /// The checked pack, when there were no errors.
    public let pack: CheckedPack?
    public let diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var diagnosed: DiagnosedFile { DiagnosedFile(file: file, diagnostics: diagnostics) }

    /// The checked pack, or the diagnostics as the error.
    public func checkedPack() throws(PackErrors) -> CheckedPack {
        guard let pack else { throw PackErrors(diagnosed: diagnosed) }
        return pack
    }
}

/// The front end's entry point: parse, resolve, type-check and validate.
public enum Frontend {
    /// Checks one pack. Never throws and never crashes: every problem is a diagnostic.
    public static func check(_ file: SourceFile) -> CheckResult {
        if let reason = binaryReason(file.bytes) {
            let diagnostic = Diagnostic(.notText, "this is not a rule pack: \(reason)", at: SourceRange(start: 0, end: min(1, file.bytes.count)),
                                        help: ["pass a rule pack (UTF-8 text, `pack NAME version \"...\"` first)"])
            return CheckResult(file: file, syntax: Parser.parse(SourceFile(path: file.path, bytes: [])).syntax, pack: nil, diagnostics: [diagnostic])
        }
        let (syntax, syntaxDiagnostics) = Parser.parse(file)
        var checker = Checker(file: file)
        let pack = checker.checkPack(syntax)
        var diagnostics = DiagnosedFile(file: file, diagnostics: syntaxDiagnostics + checker.diagnostics).diagnostics
        let hasErrors = diagnostics.contains { $0.severity == .error }
        if diagnostics.count > diagnosticLimit {
            // Like a compiler's error limit: the first ones, and how many more there were.
            let more = diagnostics.count - diagnosticLimit
            diagnostics.removeLast(more)
            diagnostics[diagnosticLimit - 1].notes.append("\(more) more diagnostic\(more == 1 ? "" : "s") in this file not shown (at most \(diagnosticLimit) are)")
        }
        return CheckResult(file: file, syntax: syntax, pack: hasErrors ? nil : Lowering.lower(pack), diagnostics: diagnostics)
    }

    /// The checked pack, or its diagnostics as the error: the one way a tool
    /// loads a pack it cannot use with errors.
    public static func pack(_ file: SourceFile) throws(PackErrors) -> CheckedPack {
        try check(file).checkedPack()
    }

    /// Most diagnostics reported for one file.
    public static let diagnosticLimit = 100

    /// Why `bytes` are a binary file rather than text (a NUL byte in them), naming Warden's own binary files; `nil` for text.
    static func binaryReason(_ bytes: [UInt8]) -> String? {
        guard bytes.contains(0) else { return nil }
        func starts(_ prefix: String) -> Bool { bytes.starts(with: Array(prefix.utf8)) }
        if starts("warden-fame ") { return "it looks like a FAME model (from `warden fame train`)" }
        if bytes.starts(with: [0x1F, 0x8B]) { return "it looks like a gzip file" }
        if bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "it looks like an executable (ELF)" }
        return "it holds NUL bytes, so it is a binary file"
    }
}

/// A pack that has errors: its diagnostics. The description renders them
/// as `warden check` does, without colour.
public struct PackErrors: Error, Sendable, CustomStringConvertible {
    public let diagnosed: DiagnosedFile

    public var description: String { HumanRenderer(colored: false).render(diagnosed) }
}

/// Name resolution, type checking and validation of a parsed pack.
struct Checker {
    /// The file being checked (for trimming operator ranges).
    let file: SourceFile
    private(set) var diagnostics: [Diagnostic] = []
    private var regexes: [CheckedRegex] = []
    private var regexIndices: [RegexLiteral: Int] = [:]

    /// Bindings of the rule being checked, visible so far.
    private var bindings: [(name: String, type: ValueType, range: SourceRange, value: TypedExpression.Kind)] = []
    private var usedBindings: Set<Int> = []
    /// Quantifier variables in scope, outermost first.
    private var variables: [(name: String, type: ValueType)] = []

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

    private mutating func checkVersion(_ version: StringLiteral) {
        let semver = #"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"#
        let valid = (try? Pattern(semver).matches(version.value)) ?? false
        if !valid {
            report(.invalidVersion, "\"\(version.value)\" is not a semantic version", at: version.range,
                   help: ["write MAJOR.MINOR.PATCH, e.g. \"1.0.0\""])
        }
    }

    private mutating func checkTest(_ test: TestSyntax) -> CheckedTest {
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

    private mutating func checkRule(_ rule: RuleSyntax) -> CheckedRule? {
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

    private struct DecodedAttributes {
        var severity: Severity?
        var domain: String?
        var tags: [String] = []
        var provenance: Provenance?
    }

    private mutating func checkAttributes(_ attributes: [AttributeSyntax]) -> DecodedAttributes {
        var decoded = DecodedAttributes()
        var seen: [String: SourceRange] = [:]
        let known = ["severity", "domain", "tags", "provenance"]
        for attribute in attributes {
            let name = attribute.name.name
            guard known.contains(name) else {
                let suggestion = didYouMean(name, among: known, at: attribute.name.range, shownWith: "@")
                report(.unknownAttribute, "unknown attribute `@\(name)`", at: attribute.name.range,
                       help: suggestion?.help ?? ["rules take @severity, @domain, @tags and @provenance"],
                       fixIts: suggestion?.fixIts ?? [])
                continue
            }
            if let first = seen[name] {
                report(.duplicateAttribute, "`@\(name)` appears more than once", at: attribute.range,
                       secondary: [.init(first, "first given here")])
                continue
            }
            seen[name] = attribute.range
            switch name {
            case "severity":
                let levels = Severity.allCases.map(\.rawValue)
                if attribute.arguments.count == 1, attribute.arguments[0].label == nil,
                   case .name(let level) = attribute.arguments[0].value.kind, let severity = Severity(rawValue: level) {
                    decoded.severity = severity
                } else {
                    report(.invalidAttributeArgument, "`@severity` takes one of \(levels.joined(separator: ", "))",
                           at: attribute.range)
                }
            case "domain":
                if attribute.arguments.count == 1, attribute.arguments[0].label == nil,
                   case .string(let domain) = attribute.arguments[0].value.kind, !domain.isEmpty {
                    decoded.domain = domain
                } else {
                    report(.invalidAttributeArgument, "`@domain` takes one non-empty string, e.g. `@domain(\"network\")`",
                           at: attribute.range)
                }
            case "tags":
                var tags: [String] = []
                for argument in attribute.arguments {
                    if argument.label == nil, case .string(let tag) = argument.value.kind, !tag.isEmpty {
                        tags.append(tag)
                    } else {
                        report(.invalidAttributeArgument, "`@tags` takes non-empty strings, e.g. `@tags(\"kernel\", \"memory\")`",
                               at: argument.value.range)
                    }
                }
                if attribute.arguments.isEmpty {
                    report(.invalidAttributeArgument, "`@tags` needs at least one tag", at: attribute.range)
                }
                decoded.tags = tags
            default:
                decoded.provenance = checkProvenance(attribute)
            }
        }
        return decoded
    }

    private mutating func checkProvenance(_ attribute: AttributeSyntax) -> Provenance {
        var provenance = Provenance()
        var seenLabels: Set<String> = []
        for argument in attribute.arguments {
            guard let label = argument.label else {
                report(.invalidAttributeArgument, "`@provenance` arguments are labeled: backend, model, epoch, coverage",
                       at: argument.value.range)
                continue
            }
            guard seenLabels.insert(label.name).inserted else {
                report(.invalidAttributeArgument, "`\(label.name)` is given twice", at: label.range)
                continue
            }
            switch (label.name, argument.value.kind) {
            case ("backend", .string(let value)): provenance.backend = value
            case ("model", .string(let value)): provenance.model = value
            case ("epoch", .integer(let value)) where value >= 0: provenance.epoch = value
            case ("coverage", .float(let value, _)) where (0...1).contains(value): provenance.coverage = value
            case ("coverage", .integer(let value)) where value == 0 || value == 1: provenance.coverage = Double(value)
            case ("backend", _), ("model", _):
                report(.invalidAttributeArgument, "`\(label.name)` takes a string", at: argument.value.range)
            case ("epoch", _):
                report(.invalidAttributeArgument, "`epoch` takes a non-negative integer", at: argument.value.range)
            case ("coverage", _):
                report(.invalidAttributeArgument, "`coverage` takes a number between 0 and 1", at: argument.value.range)
            default:
                let suggestion = closest(to: label.name, among: ["backend", "model", "epoch", "coverage"])
                report(.invalidAttributeArgument, "`@provenance` has no argument `\(label.name)`", at: label.range,
                       help: suggestion.map { ["did you mean `\($0)`?"] } ?? [])
            }
        }
        return provenance
    }

    // MARK: - Expressions

    private mutating func check(_ expression: ExpressionSyntax) -> TypedExpression {
        let range = expression.range
        func typed(_ kind: TypedExpression.Kind, _ type: ValueType) -> TypedExpression {
            TypedExpression(kind: kind, type: type, range: range)
        }
        switch expression.kind {
        case .boolean(let value): return typed(.boolean(value), .bool)
        case .integer(let value): return typed(.integer(value), .int)
        case .float(let value, _): return typed(.float(value), .float)
        case .duration(let milliseconds, _): return typed(.duration(milliseconds: milliseconds), .duration)
        case .string(let value): return typed(.string(value), .string)
        case .regex(let literal):
            guard let index = compileRegex(literal, range: range) else { return typed(.boolean(false), .error) }
            return typed(.regex(index), .regex)
        case .invalid: return typed(.boolean(false), .error)
        case .list(let elements): return checkList(elements, range: range)
        case .name(let name): return resolve(name, range: range)
        case .unary(.not, let operand):
            let checked = check(operand)
            requireBool(checked, "the operand of `not`")
            return typed(.not(checked), .bool)
        case .unary(.negate, let operand):
            let checked = check(operand)
            guard [.int, .float, .duration, .error].contains(checked.type) else {
                report(.invalidOperand, "cannot negate a `\(checked.type)`", at: range,
                       secondary: [.init(checked.range, "this is \(article(checked.type))")])
                return typed(.negate(checked), .error)
            }
            return typed(.negate(checked), checked.type)
        case .binary(let op, let left, let right):
            return checkBinary(op, check(left), check(right), range: range)
        case .member(let base, let member):
            let checked = check(base)
            guard checked.type == .line || checked.type == .error else {
                report(.noSuchMember, "`\(checked.type)` has no member `\(member.name)`", at: member.range,
                       secondary: [.init(checked.range, "this is \(article(checked.type))")],
                       notes: ["only `Line` has members: text, index, number, timestamp"])
                return typed(.boolean(false), .error)
            }
            guard let lineMember = LineMember(rawValue: member.name) else {
                let suggestion = didYouMean(member.name, among: LineMember.allCases.map(\.rawValue), at: member.range)
                report(.noSuchMember, "`Line` has no member `\(member.name)`", at: member.range,
                       help: suggestion?.help ?? ["members of `Line`: text, index, number, timestamp"],
                       fixIts: suggestion?.fixIts ?? [])
                return typed(.boolean(false), .error)
            }
            return typed(.member(lineMember, checked), lineMember.type)
        case .call(let name, let arguments):
            return checkCall(name, arguments, range: range)
        case .quantifier(let quantifier, let variable, let source, let predicate):
            return checkQuantifier(quantifier, variable: variable, source: source, predicate: predicate, range: range)
        }
    }

    private mutating func compileRegex(_ literal: RegexLiteral, range: SourceRange) -> Int? {
        if let index = regexIndices[literal] { return index }
        do {
            let pattern = try Pattern(bytes: literal.pattern, options: Pattern.Options(flags: literal.flags))
            regexes.append(CheckedRegex(literal: literal, pattern: pattern))
            regexIndices[literal] = regexes.count - 1
            return regexes.count - 1
        } catch {
            // Point at the character PCRE2 stopped at (the closing slash when at the end).
            let offset = literal.patternOffset + min(error.offset, literal.pattern.count)
            report(.invalidRegex, "invalid regex: \(error.message)", at: SourceRange(start: offset, end: offset + 1),
                   label: error.message, secondary: [.init(range, "in this regex")],
                   notes: ["PCRE2 error \(error.code) at byte \(error.offset) of the pattern"])
            return nil
        }
    }

    private mutating func checkList(_ elements: [ExpressionSyntax], range: SourceRange) -> TypedExpression {
        var checked = elements.map { check($0) }
        let known = checked.map(\.type).filter { !$0.isError }
        var elementType: ValueType = known.first ?? .error
        if known.contains(.float), known.allSatisfy({ $0 == .int || $0 == .float }) { elementType = .float }
        for (index, element) in checked.enumerated() {
            if elementType == .float, element.type == .int {
                checked[index] = TypedExpression(kind: .intToFloat(element), type: .float, range: element.range)
            } else if !element.type.conforms(to: elementType) {
                report(.mixedListElements, "list elements have different types: `\(elementType)` and `\(element.type)`",
                       at: element.range, label: "this is \(article(element.type))",
                       secondary: [.init(checked[0].range, "this is \(article(elementType))")])
                elementType = .error
                break
            }
        }
        return TypedExpression(kind: .list(checked), type: .list(elementType), range: range)
    }

    private mutating func resolve(_ name: String, range: SourceRange) -> TypedExpression {
        if let slot = variables.lastIndex(where: { $0.name == name }) {
            return TypedExpression(kind: .variable(slot: slot), type: variables[slot].type, range: range)
        }
        if let index = bindings.lastIndex(where: { $0.name == name }) {
            usedBindings.insert(index)
            return TypedExpression(kind: .binding(index), type: bindings[index].type, range: range)
        }
        if name == "window" { return TypedExpression(kind: .window, type: .window, range: range) }
        let candidates = variables.map(\.name) + bindings.map(\.name) + ["window"]
        var help: [String] = []
        var fixIts: [Diagnostic.FixIt] = []
        if let suggestion = didYouMean(name, among: candidates, at: range) {
            help = suggestion.help
            fixIts = suggestion.fixIts
        } else if BuiltinDefinition.named(name) != nil {
            help.append("`\(name)` is a function: call it, e.g. `\(name)(...)`")
        } else if name == "line" || name == "l" {
            help.append("`\(name)` is only bound inside a quantifier, e.g. `any \(name) in window: ...`")
        }
        report(.unknownName, "cannot find `\(name)` in scope", at: range, help: help, fixIts: fixIts)
        return TypedExpression(kind: .boolean(false), type: .error, range: range)
    }

    private mutating func checkQuantifier(
        _ quantifier: Quantifier, variable: Identifier, source: ExpressionSyntax, predicate: ExpressionSyntax, range: SourceRange
    ) -> TypedExpression {
        let checkedSource = check(source)
        var elementType = checkedSource.type.elementType ?? .error
        if checkedSource.type.elementType == nil {
            report(.typeMismatch, "`\(quantifier.rawValue)` ranges over a list or the window, not a `\(checkedSource.type)`",
                   at: checkedSource.range, label: "this is \(article(checkedSource.type))")
            elementType = .error
        }
        if variables.contains(where: { $0.name == variable.name }) || bindings.contains(where: { $0.name == variable.name }) || variable.name == "window" {
            report(.duplicateBinding, "`\(variable.name)` is already bound here; pick another name for the quantifier's variable",
                   at: variable.range)
        }
        variables.append((variable.name, elementType))
        let slot = variables.count - 1
        let checkedPredicate = check(predicate)
        variables.removeLast()
        requireBool(checkedPredicate, "the predicate of `\(quantifier.rawValue)`")
        let type: ValueType
        switch quantifier {
        case .any, .all: type = .bool
        case .count: type = .int
        case .filter: type = .list(elementType)
        case .first: type = elementType
        }
        return TypedExpression(kind: .quantifier(quantifier, slot: slot, source: checkedSource, predicate: checkedPredicate),
                               type: type, range: range)
    }

    // MARK: - Operators

    private mutating func checkBinary(
        _ op: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression, range: SourceRange
    ) -> TypedExpression {
        func result(_ type: ValueType, _ l: TypedExpression = left, _ r: TypedExpression = right) -> TypedExpression {
            TypedExpression(kind: .binary(op, l, r), type: type, range: range)
        }
        if left.type == .error || right.type == .error {
            let type: ValueType = [.and, .or, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
                                   .contains, .startswith, .endswith, .matches, .in].contains(op) ? .bool : .error
            return result(type)
        }
        switch op {
        case .and, .or:
            requireBool(left, "the left operand of `\(op.rawValue)`")
            requireBool(right, "the right operand of `\(op.rawValue)`")
            return result(.bool)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let ordered = op != .equal && op != .notEqual
            if left.type.isNumeric, right.type.isNumeric {
                let (l, r) = promote(left, right)
                return result(.bool, l, r)
            }
            let comparable: [ValueType] = ordered ? [.string, .duration] : [.string, .duration, .bool]
            if left.type == right.type, comparable.contains(left.type) { return result(.bool) }
            var help: [String] = []
            var fixIts: [Diagnostic.FixIt] = []
            if case .string(let text) = right.kind, left.type.isNumeric, Double(text) != nil {
                help.append("remove the quotes to compare with the number \(text)")
                fixIts.append(Diagnostic.FixIt("remove the quotes", edits: [.init(range: right.range, replacement: text)]))
            } else if left.type == .line, right.type == .string {
                help.append("compare the line's text: `\(lineVariableName(left)).text`, or use `contains`")
            }
            report(.incomparableTypes, "cannot compare `\(left.type)` with `\(right.type)`",
                   at: operatorRange(left, right, range), label: nil,
                   secondary: [.init(left.range, "this is \(article(left.type))"), .init(right.range, "this is \(article(right.type))")],
                   help: help, fixIts: fixIts)
            return result(.bool)
        case .contains, .startswith, .endswith:
            let l = requireText(left, op)
            guard right.type.isText else {
                report(.typeMismatch, "`\(op.rawValue)` expects a `String` on its right, found `\(right.type)`",
                       at: right.range, label: "expected `String`, found `\(right.type)`",
                       help: right.type == .regex ? ["to search with a regex, use `matches`"] : [])
                return result(.bool)
            }
            return result(.bool, l, asText(right))
        case .matches:
            let l = requireText(left, op)
            guard right.type == .regex || right.type == .list(.regex) else {
                var help: [String] = []
                if right.type == .string { help.append("write a regex literal between slashes, or use `contains` for a plain substring") }
                report(.typeMismatch, "`matches` expects a `Regex` or `List<Regex>` on its right, found `\(right.type)`",
                       at: right.range, label: "expected `Regex`", help: help)
                return result(.bool)
            }
            return result(.bool, l, right)
        case .in:
            guard case .list(let element) = right.type else {
                report(.invalidOperand, "`in` expects a list on its right, found `\(right.type)`", at: right.range)
                return result(.bool)
            }
            if left.type == .int, element == .float {
                return result(.bool, TypedExpression(kind: .intToFloat(left), type: .float, range: left.range), right)
            }
            let leftType = left.type == .line ? ValueType.string : left.type
            guard leftType.conforms(to: element), [.int, .float, .string, .bool, .duration, .error].contains(element) else {
                report(.typeMismatch, "cannot look for a `\(left.type)` in a `\(right.type)`", at: range,
                       secondary: [.init(left.range, "this is \(article(left.type))"), .init(right.range, "this is \(article(right.type))")])
                return result(.bool)
            }
            return result(.bool, asText(left), right)
        case .add, .subtract, .multiply, .divide, .remainder:
            return checkArithmetic(op, left, right, range: range)
        }
    }

    private mutating func checkArithmetic(
        _ op: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression, range: SourceRange
    ) -> TypedExpression {
        func result(_ type: ValueType, _ l: TypedExpression, _ r: TypedExpression) -> TypedExpression {
            TypedExpression(kind: .binary(op, l, r), type: type, range: range)
        }
        if left.type.isNumeric, right.type.isNumeric {
            switch op {
            case .remainder:
                if left.type == .int, right.type == .int { return result(.int, left, right) }
            case .divide:
                return result(.float, toFloat(left), toFloat(right))
            default:
                if left.type == .int, right.type == .int { return result(.int, left, right) }
                let (l, r) = promote(left, right)
                return result(.float, l, r)
            }
        }
        if (op == .add || op == .subtract), left.type == .duration, right.type == .duration {
            return result(.duration, left, right)
        }
        if op == .add, left.type == .string, right.type == .string { return result(.string, left, right) }
        var help: [String] = []
        if op == .remainder { help.append("`%` takes two `Int`s") }
        if left.type == .string || right.type == .string, left.type.isNumeric || right.type.isNumeric {
            help.append("convert text with `int(...)` or `float(...)`")
        }
        report(.invalidOperand, "cannot apply `\(op.rawValue)` to `\(left.type)` and `\(right.type)`",
               at: operatorRange(left, right, range),
               secondary: [.init(left.range, "this is \(article(left.type))"), .init(right.range, "this is \(article(right.type))")],
               help: help)
        return result(.error, left, right)
    }

    /// The range between two operands, where the operator is written.
    private func operatorRange(_ left: TypedExpression, _ right: TypedExpression, _ whole: SourceRange) -> SourceRange {
        var start = left.range.end, end = right.range.start
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        while start < end, start < file.bytes.count, isSpace(file.bytes[start]) || file.bytes[start] == UInt8(ascii: ")") { start += 1 }
        while end > start, end - 1 < file.bytes.count, isSpace(file.bytes[end - 1]) || file.bytes[end - 1] == UInt8(ascii: "(") { end -= 1 }
        return end > start ? SourceRange(start: start, end: end) : whole
    }

    private func lineVariableName(_ expression: TypedExpression) -> String {
        if case .variable(let slot) = expression.kind, slot < variables.count { return variables[slot].name }
        return "line"
    }

    private func promote(_ left: TypedExpression, _ right: TypedExpression) -> (TypedExpression, TypedExpression) {
        if left.type == right.type { return (left, right) }
        return (toFloat(left), toFloat(right))
    }

    private func toFloat(_ expression: TypedExpression) -> TypedExpression {
        expression.type == .int
            ? TypedExpression(kind: .intToFloat(expression), type: .float, range: expression.range)
            : expression
    }

    /// A `Line` read as its text; anything else unchanged.
    func asText(_ expression: TypedExpression) -> TypedExpression {
        expression.type == .line
            ? TypedExpression(kind: .member(.text, expression), type: .string, range: expression.range)
            : expression
    }

    private mutating func requireText(_ expression: TypedExpression, _ op: BinaryOperator) -> TypedExpression {
        if !expression.type.isText {
            var help: [String] = []
            if expression.type == .window || expression.type == .list(.line) {
                help.append("test each line with a quantifier: `any line in \(expression.type == .window ? "window" : "...")`: line \(op.rawValue) ...`")
            }
            report(.typeMismatch, "`\(op.rawValue)` expects a `Line` or `String` on its left, found `\(expression.type)`",
                   at: expression.range, label: "this is \(article(expression.type))", help: help)
        }
        return asText(expression)
    }

    private mutating func requireBool(_ expression: TypedExpression, _ role: String) {
        guard expression.type != .bool, expression.type != .error else { return }
        var help: [String] = []
        if expression.type == .int { help.append("compare it with a number, e.g. `... > 0`") }
        if expression.type == .list(.line) { help.append("test whether it is empty with `count(...) > 0`") }
        report(.conditionNotBool, "\(role) must be a `Bool`, found `\(expression.type)`", at: expression.range,
               label: "this is \(article(expression.type))", help: help)
    }

    // MARK: - Calls

    private mutating func checkCall(_ name: Identifier, _ arguments: [ArgumentSyntax], range: SourceRange) -> TypedExpression {
        guard let builtin = BuiltinDefinition.named(name.name) else {
            let suggestion = didYouMean(name.name, among: BuiltinDefinition.all.map(\.name), at: name.range)
            var help = suggestion?.help ?? []
            if Quantifier(rawValue: name.name) != nil {
                help.append("`\(name.name)` is a quantifier: `\(name.name) line in window\(Quantifier(rawValue: name.name)!.usesWhere ? " where" : ":") ...`")
            }
            report(.unknownFunction, "cannot find function `\(name.name)`", at: name.range, help: help,
                   fixIts: suggestion?.fixIts ?? [])
            _ = arguments.map { check($0.value) }
            return TypedExpression(kind: .boolean(false), type: .error, range: range)
        }
        // Positional arguments first, then labeled ones in the builtin's label order.
        var checked: [TypedExpression] = []
        var labeled: [String: (TypedExpression, ArgumentSyntax)] = [:]
        for argument in arguments {
            let value = check(argument.value)
            if let label = argument.label {
                guard builtin.labels.contains(label.name) else {
                    report(.unknownArgumentLabel, "`\(builtin.name)` has no parameter labeled `\(label.name)`", at: label.range,
                           help: builtin.labels.isEmpty ? ["`\(builtin.name)` takes no labeled arguments"] : ["labels of `\(builtin.name)`: \(builtin.labels.joined(separator: ", "))"])
                    continue
                }
                labeled[label.name] = (value, argument)
            } else {
                if !labeled.isEmpty {
                    report(.unknownArgumentLabel, "positional arguments come before labeled ones", at: argument.value.range)
                }
                checked.append(value)
            }
        }
        let total = checked.count + labeled.count
        guard builtin.arity.contains(total) else {
            let expected = builtin.arity.count == 1 ? "\(builtin.arity.lowerBound)" : "\(builtin.arity.lowerBound) to \(builtin.arity.upperBound)"
            report(.wrongArgumentCount, "`\(builtin.name)` takes \(expected) argument\(builtin.arity.upperBound == 1 ? "" : "s"), found \(total)",
                   at: range, notes: builtin.signatures.map { "signature: \($0)" })
            return TypedExpression(kind: .boolean(false), type: .error, range: range)
        }
        for label in builtin.labels {
            if let (value, _) = labeled[label] { checked.append(value) }
        }
        return typeBuiltin(BuiltinCall(definition: builtin, arguments: checked, range: range))
    }

    /// The compiled regex behind an expression, when it is known at check time.
    func staticRegex(_ expression: TypedExpression) -> CheckedRegex? {
        switch expression.kind {
        case .regex(let index): return regexes[index]
        case .binding(let index):
            if case .regex(let regexIndex) = bindings[index].value { return regexes[regexIndex] }
            return nil
        default: return nil
        }
    }

    /// Resolves a capture-group selector (an Int or a group name) against a regex.
    mutating func checkGroup(_ selector: TypedExpression?, of regexExpression: TypedExpression, role: String) -> TypedExpression {
        let defaultGroup = TypedExpression(kind: .group(1), type: .int, range: selector?.range ?? regexExpression.range)
        guard regexExpression.type == .regex else { return defaultGroup }
        guard let regex = staticRegex(regexExpression) else {
            report(.regexNotStatic, "the regex for \(role) must be a literal or a `let` bound to one", at: regexExpression.range)
            return defaultGroup
        }
        let count = regex.pattern.captureCount
        let names = regex.pattern.namedGroups.map(\.name)
        switch selector?.kind {
        case nil:
            if count == 0 {
                report(.noSuchCaptureGroup, "\(role) reads capture group 1, but the regex has no capture groups",
                       at: regexExpression.range, help: ["wrap the part to capture in parentheses, e.g. `(\\d+)`"])
            }
            return defaultGroup
        case .integer(let group):
            if group < 0 || group > count {
                report(.noSuchCaptureGroup, "capture group \(group) does not exist: the regex has \(count) group\(count == 1 ? "" : "s")",
                       at: selector!.range, label: "no group \(group)", secondary: [.init(regexExpression.range, "this regex")])
            }
            return TypedExpression(kind: .group(group), type: .int, range: selector!.range)
        case .string(let name):
            guard let index = regex.pattern.groupIndex(named: name) else {
                let suggestion = closest(to: name, among: names)
                report(.noSuchCaptureGroup, "the regex has no capture group named \"\(name)\"", at: selector!.range,
                       secondary: [.init(regexExpression.range, "this regex")],
                       help: suggestion.map { ["did you mean \"\($0)\"?"] } ?? (names.isEmpty ? [] : ["its named groups: \(names.joined(separator: ", "))"]))
                return defaultGroup
            }
            return TypedExpression(kind: .group(index), type: .int, range: selector!.range)
        default:
            if selector!.type != .error {
                report(.typeMismatch, "a capture group is selected by an integer or a name literal, found `\(selector!.type)`",
                       at: selector!.range)
            }
            return defaultGroup
        }
    }

    // MARK: - Helpers

    mutating func report(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange, label: String? = nil,
        secondary: [Diagnostic.Label] = [], notes: [String] = [], help: [String] = [], fixIts: [Diagnostic.FixIt] = []
    ) {
        diagnostics.append(Diagnostic(code, message, at: range, label: label, secondary: secondary,
                                      notes: notes, help: help, fixIts: fixIts))
    }
}

/// "a `Line`" or "an `Int`", for labels.
func article(_ type: ValueType) -> String {
    let name = type.description
    return ("AEIOU".contains(name.first ?? "x") ? "an" : "a") + " `\(name)`"
}

/// "Did you mean" advice for a misspelt name: a help line and a fix-it that
/// replaces the name, or `nil` when no candidate is close. `prefix` is shown
/// before the candidate (e.g. `@` for attributes) but not inserted.
func didYouMean(
    _ name: String, among candidates: [String], at range: SourceRange, shownWith prefix: String = ""
) -> (help: [String], fixIts: [Diagnostic.FixIt])? {
    guard let candidate = closest(to: name, among: candidates) else { return nil }
    return (["did you mean `\(prefix)\(candidate)`?"],
            [Diagnostic.FixIt("replace with `\(prefix)\(candidate)`", edits: [.init(range: range, replacement: candidate)])])
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
func closest(to name: String, among candidates: [String]) -> String? {
    let threshold = max(1, name.count / 3)
    return candidates
        .filter { $0 != name }
        .map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        .filter { $0.1 <= threshold }
        .min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
}

/// Levenshtein distance between two strings (by Unicode scalars).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
