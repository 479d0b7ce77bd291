import RuleLanguage

/// Where each regex literal of a pack is written, for the regex lints.
struct RegexSite {
    let literal: RegexLiteral
    /// The whole literal, slashes and flags included.
    let range: SourceRange
    let rule: RuleSyntax
    let shape: RegexShape?

    /// Byte range of the flags after the closing slash.
    var flagsRange: SourceRange {
        let start = literal.patternOffset + literal.pattern.count + 1
        return SourceRange(start: start, end: start + literal.flags.utf8.count)
    }

    /// A range of pattern bytes as a source range.
    func source(_ range: Range<Int>) -> SourceRange {
        SourceRange(start: literal.patternOffset + range.lowerBound, end: literal.patternOffset + range.upperBound)
    }

    /// Every regex literal of every rule, in source order (each written occurrence once).
    static func all(in subject: LintSubject) -> [RegexSite] {
        var sites: [RegexSite] = []
        for rule in subject.ruleSyntax {
            rule.walk { node in
                if case .regex(let literal) = node.kind {
                    sites.append(RegexSite(literal: literal, range: node.range, rule: rule,
                                           shape: RegexShape(pattern: literal.pattern, flags: literal.flags)))
                }
            }
        }
        return sites
    }
}
