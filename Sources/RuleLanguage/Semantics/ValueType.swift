/// The static types of the rule language.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case bool, int, float, string, regex, line, window, duration
    case list(ValueType)
    /// The type of an expression that already has an error; compatible with
    /// everything so one mistake is reported once.
    case error

    public var description: String {
        switch self {
        case .bool: "Bool"
        case .int: "Int"
        case .float: "Float"
        case .string: "String"
        case .regex: "Regex"
        case .line: "Line"
        case .window: "Window"
        case .duration: "Duration"
        case .list(let element): "List<\(element)>"
        case .error: "<error>"
        }
    }

    /// The element type when this is a list or the window.
    public var elementType: ValueType? {
        switch self {
        case .list(let element): element
        case .window: .line
        case .error: .error
        default: nil
        }
    }

    var isNumeric: Bool { self == .int || self == .float || self == .error }
    var isText: Bool { self == .string || self == .line || self == .error }
    var isError: Bool {
        if case .error = self { return true }
        if case .list(let element) = self { return element.isError }
        return false
    }

    /// Whether a value of this type may be used where `expected` is required:
    /// equal types, the window as a `List<Line>`, and anything involving `error`.
    func conforms(to expected: ValueType) -> Bool {
        if self == expected || isError || expected.isError { return true }
        switch (self, expected) {
        case (.window, .list(.line)): return true
        case (.list(let element), .list(let expectedElement)): return element.conforms(to: expectedElement)
        default: return false
        }
    }
}

/// Members of `Line` values.
public enum LineMember: String, Sendable, Hashable, CaseIterable {
    /// The line's text, label stripped.
    case text
    /// 0-based position in the window.
    case index
    /// 1-based line number in the input.
    case number
    /// Time since the Unix epoch; `0s` when the line has no timestamp.
    case timestamp

    public var type: ValueType {
        switch self {
        case .text: .string
        case .index, .number: .int
        case .timestamp: .duration
        }
    }
}
