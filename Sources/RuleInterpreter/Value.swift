import RuleRuntime

/// A run-time value of the rule language. Lines are positions in the current
/// window (`-1` is the empty line that `first` returns when nothing matches).
enum Value: Sendable {
    case bool(Bool)
    case int(Int)
    case float(Double)
    case duration(Int64)
    case string(String)
    /// An index into the pack's regexes.
    case regex(Int)
    case line(Int)
    case list([Value])

    var bool: Bool { if case .bool(let value) = self { value } else { false } }
    var int: Int { if case .int(let value) = self { value } else { 0 } }
    var float: Double {
        switch self {
        case .float(let value): value
        case .int(let value): Double(value)
        default: 0
        }
    }
    var duration: Int64 { if case .duration(let value) = self { value } else { 0 } }
    var string: String { if case .string(let value) = self { value } else { "" } }
    var list: [Value] { if case .list(let value) = self { value } else { [] } }
    var linePosition: Int { if case .line(let value) = self { value } else { -1 } }

    /// Equality as `==` and `in` define it: numbers by value, text by bytes.
    func equals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.float, _), (_, .float): float == other.float
        case (.duration(let a), .duration(let b)): a == b
        case (.string(let a), .string(let b)): Text.equal(a, b)
        case (.regex(let a), .regex(let b)): a == b
        case (.line(let a), .line(let b)): a == b
        default: false
        }
    }
}

/// The state of one rule evaluation: the context, quantifier variables and
/// the rule's bindings, each computed at most once per window.
final class Frame {
    let context: EvaluationContext
    let window: Window
    var slots: [Value]
    private var bindingValues: [Value?]
    private let bindingCode: [ValueCode]

    init(context: EvaluationContext, bindings: [ValueCode], slotCount: Int) {
        self.context = context
        self.window = context.window
        self.slots = Array(repeating: .bool(false), count: slotCount)
        self.bindingValues = Array(repeating: nil, count: bindings.count)
        self.bindingCode = bindings
    }

    func binding(_ index: Int) throws(RuleFailure) -> Value {
        if let value = bindingValues[index] { return value }
        let value = try bindingCode[index](self)
        bindingValues[index] = value
        return value
    }

    /// The window positions of a `List<Line>` value.
    func positions(_ value: Value) -> [Int] { value.list.map(\.linePosition) }
}

typealias ValueCode = @Sendable (Frame) throws(RuleFailure) -> Value
typealias BoolCode = @Sendable (Frame) throws(RuleFailure) -> Bool
