/// Why a pattern did not compile.
public struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    /// PCRE2's error code.
    public let code: Int32
    /// PCRE2's message, e.g. "missing closing parenthesis".
    public let message: String
    /// Byte offset in the pattern's UTF-8 where PCRE2 stopped.
    public let offset: Int

    public var description: String {
        "\(message) at byte \(offset) (PCRE2 error \(code))"
    }
}

/// Why a match attempt ended without an answer.
///
/// Hitting a resource limit is reported here, never as "no match": a rule
/// engine must be able to call such a line inconclusive.
public enum MatchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The match limit (backtracking steps) was reached.
    case matchLimit
    /// The depth limit was reached (interpreter only).
    case depthLimit
    /// The heap limit was reached (interpreter only).
    case heapLimit
    /// The JIT stack reached its maximum size.
    case jitStackLimit
    /// Another PCRE2 error, with its code and message.
    case other(code: Int32, message: String)

    /// Whether this failure is a resource limit rather than an internal error.
    public var isResourceLimit: Bool {
        if case .other = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .matchLimit: "match limit exceeded"
        case .depthLimit: "depth limit exceeded"
        case .heapLimit: "heap limit exceeded"
        case .jitStackLimit: "JIT stack limit exceeded"
        case .other(let code, let message): "\(message) (PCRE2 error \(code))"
        }
    }
}
