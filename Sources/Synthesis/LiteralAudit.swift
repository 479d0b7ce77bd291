import Foundation
import PCRE2
import RuleLanguage

/// Finds the literals of a candidate rule that name one thing (an id, an
/// address, a path, a node or a long number) instead of a kind of message:
/// such a rule matches the training windows it was written from and nothing
/// that recurs. Refinement sends them back to be abstracted or removed.
public enum LiteralAudit {
    /// Shapes of text that identify one thing.
    static let specific: [(name: String, pattern: Pattern)] = [
        ("an IP address", #"\d{1,3}(?:\.\d{1,3}){3}"#),
        ("a block id", #"blk_-?\d"#),
        ("a hex value", #"0x[0-9a-fA-F]{2,}|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b"#),
        ("a path", #"/[A-Za-z0-9_.~-]+/[A-Za-z0-9_.~-]+"#),
        ("a node name", #"\b[A-Za-z]+\d+-[A-Za-z]+\d+"#),
        ("a number of three or more digits", #"(?<![{,])\d{3,}"#),
    ].map { ($0.0, try! Pattern($0.1)) }

    /// Each literal of `rule` (regex sources unescaped, strings as written)
    /// that holds an id-like token, with what it looks like.
    public static func findings(in rule: CheckedRule, of pack: CheckedPack) -> [String] {
        var literals: [String] = []
        func regex(_ index: Int) -> String { unescaped(String(decoding: pack.regexes[index].literal.pattern, as: UTF8.self)) }
        func visit(_ e: TypedExpression) {
            switch e.kind {
            case .string(let text): literals.append(text)
            case .regex(let index): literals.append(regex(index))
            case .lineTest(let test, let line):
                switch pack.lineTests[test] {
                case .regex(let index): literals.append(regex(index))
                case .contains(let bytes), .startsWith(let bytes), .endsWith(let bytes): literals.append(String(decoding: bytes, as: UTF8.self))
                }
                visit(line)
            case .list(let items): items.forEach(visit)
            case .not(let inner), .negate(let inner), .intToFloat(let inner), .member(_, let inner): visit(inner)
            case .binary(_, let a, let b): visit(a); visit(b)
            case .call(_, let arguments): arguments.forEach(visit)
            case .quantifier(_, _, let source, let predicate): visit(source); visit(predicate)
            default: break
            }
        }
        rule.bindings.forEach { visit($0.value) }
        visit(rule.condition)
        var found: [String] = []
        for literal in literals {
            for (name, pattern) in specific {
                if let match = try? pattern.firstMatch(in: literal) {
                    let bytes = Array(literal.utf8)[match.range]
                    found.append("`\(String(decoding: bytes, as: UTF8.self))` (\(name))")
                    break
                }
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// A regex source with escapes of punctuation removed (`\/` → `/`, `\.` → `.`).
    static func unescaped(_ source: String) -> String {
        var out = ""
        var escaping = false
        for character in source {
            if escaping {
                if character.isPunctuation || character.isSymbol { out.append(character) } else { out.append("\\"); out.append(character) }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
