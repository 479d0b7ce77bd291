import RuleLanguage

/// Swift names and types for rule-language names and types.
enum Naming {
    /// Names the generated code uses itself, plus Swift keywords: never given to a user's name.
    static let reserved: Set<String> = [
        "context", "value", "Quantify", "Logic", "Functions", "Text", "LineTest", "RuleSet", "RuleMetadata",
        "RuleFailure", "WindowRule", "EvaluationContext", "Int", "Int64", "Double", "String", "Bool", "Swift",
        "UInt8", "Array",
        // Swift keywords and contextual keywords that cannot be plain identifiers.
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true",
        "try", "async", "some", "any", "consume", "copy", "discard", "each", "borrowing", "consuming", "_",
    ]

    /// A rule-language identifier as a Swift identifier (they share the ASCII subset).
    static func identifier(_ name: String) -> String {
        let cleaned = String(name.unicodeScalars.map { scalar -> Character in
            (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar) || scalar == "_" ? Character(scalar) : "_"
        })
        return cleaned.isEmpty || cleaned.first!.isNumber ? "_" + cleaned : cleaned
    }

    /// `bgl_kernel` → `BglKernel` + suffix.
    static func typeName(_ name: String, suffix: String) -> String {
        let words = identifier(name).split(separator: "_")
        let camel = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return (camel.first?.isLetter == true ? camel : "P" + camel) + suffix
    }

    static func swiftType(_ type: ValueType) -> String {
        switch type {
        case .bool: "Bool"
        case .int, .line, .regex, .error: "Int"
        case .float: "Double"
        case .duration: "Int64"
        case .string: "String"
        case .window: "[Int]"
        case .list(let element): "[\(swiftType(element))]"
        }
    }

    /// What `first` gives when nothing matches, for non-line elements.
    static func emptyValue(_ type: ValueType) -> SwiftExpression {
        switch type {
        case .bool: .bool(false)
        case .float: .double(0)
        case .duration: .int64(0)
        case .string: .string("")
        case .list(let element): .array([], elementType: swiftType(element))
        default: .int(0)
        }
    }
}
