/// A builtin function's identity. Typed calls name their builtin by it, so
/// every switch over builtins (the interpreter's, the code generator's) is
/// exhaustive, and the compiler lists each place a new builtin must be handled.
public enum Builtin: String, Sendable, Hashable, CaseIterable {
    case count, sum, min, max, mean, percentile, numbers, captures, capture, sequence, unpaired
    case distinct, lower, upper, length, int, float, abs, div, span

    /// The builtin's signature, documentation, type rule and examples (one file each, in `Builtins/`).
    public var definition: BuiltinDefinition {
        switch self {
        case .count: .count
        case .sum: .sum
        case .min: .min
        case .max: .max
        case .mean: .mean
        case .percentile: .percentile
        case .numbers: .numbers
        case .captures: .captures
        case .capture: .capture
        case .sequence: .sequence
        case .unpaired: .unpaired
        case .distinct: .distinct
        case .lower: .lower
        case .upper: .upper
        case .length: .length
        case .int: .int
        case .float: .float
        case .abs: .abs
        case .div: .div
        case .span: .span
        }
    }

    /// The name a rule calls it by.
    public var name: String { rawValue }
}

/// Everything the language knows about one builtin: its signatures and
/// documented behaviour (the reference, docs/builtins.md, and the synthesis
/// prompt are generated from these), how its calls are type-checked, and
/// runnable examples that a test runs through the interpreter and the compiled
/// Swift alike.
public struct BuiltinDefinition: Sendable {
    public let builtin: Builtin
    /// Every accepted form, e.g. `sum(xs: List<Int>) -> Int`.
    public let signatures: [String]
    /// One line saying what it computes.
    public let summary: String
    /// What it returns on empty input, division by zero, failed parses, etc.
    public let edgeCases: String
    /// Cost on a window of n lines.
    public let cost: String
    /// Conditions that hold, each on the window of its lines.
    public let examples: [BuiltinExample]
    /// Accepted argument counts.
    let arity: ClosedRange<Int>
    /// Labels accepted for trailing parameters (`group`, `key`).
    let labels: [String]
    /// The result type of a call whose arguments already have errors (so one mistake is reported once).
    let typeWithErroneousArguments: ValueType
    /// Checks a call's arguments (positional, then labeled in ``labels`` order) and returns the typed call.
    let typeRule: @Sendable (inout Checker, BuiltinCall) -> TypedExpression

    public var name: String { builtin.name }

    /// Every builtin, in the order the reference lists them.
    public static var all: [BuiltinDefinition] { Builtin.allCases.map(\.definition) }

    /// Looks a builtin up by the name a rule calls it by.
    public static func named(_ name: String) -> BuiltinDefinition? { Builtin(rawValue: name)?.definition }
}

/// A condition that holds on the window of `lines`, showing one builtin at work.
public struct BuiltinExample: Sendable, Hashable {
    /// A Bool expression of the rule language.
    public let condition: String
    /// The window's lines (none: an empty window).
    public let lines: [String]

    public init(_ condition: String, lines: [String] = []) {
        self.condition = condition
        self.lines = lines
    }
}

/// A call being type-checked: its builtin, its arguments in parameter order, and where it was written.
struct BuiltinCall {
    let definition: BuiltinDefinition
    let arguments: [TypedExpression]
    let range: SourceRange

    var first: TypedExpression { arguments[0] }

    /// The typed call with result `type` and `arguments` (the call's own, unless rewritten).
    func typed(_ type: ValueType, _ arguments: [TypedExpression]? = nil) -> TypedExpression {
        TypedExpression(kind: .call(definition.builtin, arguments ?? self.arguments), type: type, range: range)
    }
}
