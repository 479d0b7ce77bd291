import PCRE2
import WardenCore

/// A pack that parsed, resolved and type-checked with no errors: what the
/// interpreter, the code generator and the tools consume.
public struct CheckedPack: Sendable {
    public let name: String
    public let version: String
    public let description: String?
    public let rules: [CheckedRule]
    public let tests: [CheckedTest]
    /// Every distinct regex of the pack, compiled; typed expressions refer to them by index.
    public let regexes: [CheckedRegex]
    /// The line tests the rules share (regexes first, then literals); `.lineTest` nodes refer to them by index.
    public let lineTests: [LineTestPlan]
}

/// A compiled regex literal.
public struct CheckedRegex: Sendable {
    public let literal: RegexLiteral
    public let pattern: Pattern
}

/// A checked rule with its attributes decoded.
public struct CheckedRule: Sendable {
    public let name: String
    public let kind: RuleKind
    public let doc: [String]
    public let severity: Severity?
    public let domain: String?
    public let tags: [String]
    public let provenance: Provenance?
    public let bindings: [TypedBinding]
    public let condition: TypedExpression
    public let range: SourceRange

    /// The rule with other bindings and condition (what lowering rewrites).
    func with(bindings: [TypedBinding], condition: TypedExpression) -> CheckedRule {
        CheckedRule(name: name, kind: kind, doc: doc, severity: severity, domain: domain, tags: tags, provenance: provenance,
                    bindings: bindings, condition: condition, range: range)
    }
}

/// Where a synthesized rule came from (`@provenance(...)`).
public struct Provenance: Sendable, Hashable, Codable {
    public var backend: String?
    public var model: String?
    public var epoch: Int?
    public var coverage: Double?

    public init(backend: String? = nil, model: String? = nil, epoch: Int? = nil, coverage: Double? = nil) {
        self.backend = backend
        self.model = model
        self.epoch = epoch
        self.coverage = coverage
    }
}

/// A `let` binding with its typed value; bindings are numbered in order.
public struct TypedBinding: Sendable {
    public let name: String
    public let value: TypedExpression
}

/// A test inside a pack.
public struct CheckedTest: Sendable {
    public let name: String
    public let expected: Verdict
    /// 1-based positions of the lines expected as evidence, when given.
    public let evidence: [Int]?
    public let lines: [String]
    public let range: SourceRange
}

/// An expression after name resolution and type checking. Promotions are
/// explicit (`intToFloat`), text operators read `Line`s through `.text`, and
/// names are resolved to binding indices and quantifier slots.
public struct TypedExpression: Sendable {
    public indirect enum Kind: Sendable {
        case boolean(Bool)
        case integer(Int)
        case float(Double)
        case duration(milliseconds: Int64)
        case string(String)
        /// An index into ``CheckedPack/regexes``.
        case regex(Int)
        case list([TypedExpression])
        /// The value of the rule's binding with this index.
        case binding(Int)
        /// The element bound by an enclosing quantifier, by nesting slot (0 = outermost).
        case variable(slot: Int)
        case window
        case not(TypedExpression)
        case negate(TypedExpression)
        case intToFloat(TypedExpression)
        case binary(BinaryOperator, TypedExpression, TypedExpression)
        case call(Builtin, [TypedExpression])
        case member(LineMember, TypedExpression)
        case quantifier(Quantifier, slot: Int, source: TypedExpression, predicate: TypedExpression)
        /// A capture group selected statically: the group's number in the regex.
        case group(Int)
        /// Whether line test `index` of ``CheckedPack/lineTests`` passes on `line` (a `Line`); made by lowering.
        case lineTest(Int, line: TypedExpression)
    }

    public let kind: Kind
    public let type: ValueType
    public let range: SourceRange

    public init(kind: Kind, type: ValueType, range: SourceRange) {
        self.kind = kind
        self.type = type
        self.range = range
    }
}
