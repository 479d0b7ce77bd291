import PCRE2
import WardenCore

/// Regex literals compiled once per pack, and capture groups resolved against them.
extension Checker {
    mutating func compileRegex(_ literal: RegexLiteral, range: SourceRange) -> Int? {
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
}
