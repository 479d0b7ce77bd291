/// A small structured representation of the Swift that Warden generates.
/// The translator builds it; ``SwiftRenderer`` turns it into text. Literals
/// carry values, never pre-escaped text, so escaping happens in one place.
indirect enum SwiftExpression {
    /// A name the generator chose (never text from a rule file).
    case name(String)
    case bool(Bool)
    case int(Int)
    case int64(Int64)
    case double(Double)
    case string(String)
    case array([SwiftExpression], elementType: String)
    case member(SwiftExpression, String)
    case call(SwiftExpression, [SwiftArgument], trailingClosure: SwiftClosure? = nil)
    case binary(SwiftExpression, String, SwiftExpression)
    case prefix(String, SwiftExpression)
    case tryExpression(SwiftExpression)
    case parenthesized(SwiftExpression)
    case closure(SwiftClosure)
}

/// A call argument, optionally labeled.
struct SwiftArgument {
    var label: String?
    var value: SwiftExpression

    init(_ label: String? = nil, _ value: SwiftExpression) {
        self.label = label
        self.value = value
    }
}

/// A closure with typed parameters and a single-expression or statement body.
struct SwiftClosure {
    var parameters: [(name: String, type: String)]
    var returnType: String
    var body: [SwiftStatement]
}

/// Statements inside function and closure bodies.
indirect enum SwiftStatement {
    case expression(SwiftExpression)
    case returnValue(SwiftExpression)
    case constant(String, type: String?, SwiftExpression)
    case variable(String, type: String, SwiftExpression?)
    case assign(String, SwiftExpression)
    case ifLet(String, [SwiftStatement])
    case function(SwiftFunction)
}

/// A function or method.
struct SwiftFunction {
    var documentation: [String] = []
    var modifiers: [String] = []
    var name: String
    var parameters: [String] = []
    var throwsType: String?
    var returnType: String
    var body: [SwiftStatement]
}

/// A stored property, computed once.
struct SwiftProperty {
    var documentation: [String] = []
    var modifiers: [String]
    var name: String
    var type: String
    var value: SwiftExpression
    /// Comments rendered after each element of an array value, one per element.
    var elementComments: [String] = []
}

/// A type declaration: struct or enum with properties and methods.
struct SwiftType {
    var documentation: [String]
    var modifiers: [String]
    var kind: String
    var name: String
    var conformances: [String]
    var properties: [SwiftProperty]
    var functions: [SwiftFunction]
    var nested: [SwiftType] = []
}

/// A whole generated file.
struct SwiftFile {
    var header: [String]
    var imports: [String]
    var types: [SwiftType]
}
