import WardenCore

/// The syntax tree of a rule pack, as written. Every node carries its source
/// range; comments are kept on the declarations they precede so the formatter
/// can print them back.
public struct PackSyntax: Sendable, Hashable {
    public var header: PackHeader?
    public var items: [ItemSyntax]
    /// Comments after the last item.
    public var trailingComments: [String]
}

/// `pack NAME version "X.Y.Z" [description "..."]`.
public struct PackHeader: Sendable, Hashable {
    public var comments: [String]
    public var doc: [String]
    public var name: Identifier
    public var version: StringLiteral
    public var description: StringLiteral?
    public var range: SourceRange
}

/// An identifier and where it was written.
public struct Identifier: Sendable, Hashable {
    public var name: String
    public var range: SourceRange

    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// A string literal's decoded value and where it was written.
public struct StringLiteral: Sendable, Hashable {
    public var value: String
    public var range: SourceRange
}

/// A top-level item: a rule or a test.
public enum ItemSyntax: Sendable, Hashable {
    case rule(RuleSyntax)
    case test(TestSyntax)

    public var range: SourceRange {
        switch self {
        case .rule(let rule): rule.range
        case .test(let test): test.range
        }
    }
}

/// A rule: doc comment, attributes, kind, name, `let` bindings and one condition.
public struct RuleSyntax: Sendable, Hashable {
    public var comments: [String]
    public var doc: [String]
    public var attributes: [AttributeSyntax]
    public var kind: RuleKind
    public var name: Identifier
    public var bindings: [BindingSyntax]
    /// Comments before (and inside) the condition.
    public var conditionComments: [String]
    public var condition: ExpressionSyntax?
    /// Comments inside the body after the condition.
    public var trailingComments: [String]
    public var range: SourceRange
}

/// `@name(arguments)`.
public struct AttributeSyntax: Sendable, Hashable {
    public var name: Identifier
    public var arguments: [ArgumentSyntax]
    public var range: SourceRange
}

/// A call or attribute argument, optionally labeled (`group: 1`).
public struct ArgumentSyntax: Sendable, Hashable {
    public var label: Identifier?
    public var value: ExpressionSyntax
}

/// `let NAME = EXPRESSION`.
public struct BindingSyntax: Sendable, Hashable {
    public var comments: [String]
    public var name: Identifier
    public var value: ExpressionSyntax
    public var range: SourceRange
}

/// `test "name" expect VERDICT [evidence [1, 2]] { "line" ... }`.
public struct TestSyntax: Sendable, Hashable {
    public var comments: [String]
    public var name: StringLiteral
    public var expected: Verdict
    public var evidence: [Int]?
    public var evidenceRange: SourceRange?
    public var lines: [StringLiteral]
    public var range: SourceRange
}

/// An expression node.
public struct ExpressionSyntax: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case boolean(Bool)
        case integer(Int)
        case float(Double, spelling: String)
        case duration(milliseconds: Int64, spelling: String)
        case string(String)
        case regex(RegexLiteral)
        case list([ExpressionSyntax])
        case name(String)
        case unary(UnaryOperator, ExpressionSyntax)
        case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax)
        case call(Identifier, [ArgumentSyntax])
        case member(ExpressionSyntax, Identifier)
        case quantifier(Quantifier, variable: Identifier, source: ExpressionSyntax, predicate: ExpressionSyntax)
        /// Stands in for an expression that failed to parse (already diagnosed).
        case invalid
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable, Hashable {
    case not, negate = "-"
}

/// Infix operators, from loosest to tightest binding: `or`; `and`;
/// comparisons and text operators; `+ -`; `* / %`.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case contains, startswith, endswith, matches, `in`
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    /// Binding strength: higher binds tighter.
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
             .contains, .startswith, .endswith, .matches, .in: 4
        case .add, .subtract: 5
        case .multiply, .divide, .remainder: 6
        }
    }
}

/// Quantifiers over a window or list.
public enum Quantifier: String, Sendable, Hashable, CaseIterable {
    /// `any x in S: P` — Bool.
    case any
    /// `all x in S: P` — Bool (true on an empty source).
    case all
    /// `count x in S where P` — Int.
    case count
    /// `filter x in S where P` — the list of elements satisfying P.
    case filter
    /// `first x in S where P` — the first element satisfying P.
    case first

    /// The word between the source and the predicate: `:` or `where`.
    public var usesWhere: Bool { self == .count || self == .filter || self == .first }
}

/// Precedence of `not` (between `and` and comparisons).
let notPrecedence = 3
