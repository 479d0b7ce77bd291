import RuleLanguage

/// W1203: a regex that is a plain literal.
struct RegexIsLiteral: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1203"), name: "regex-is-literal", category: .regex,
        summary: "a regex is a plain literal: `contains`, `startswith` or `endswith` says it better",
        rationale: """
            `line matches /disk full/` is `line contains "disk full"`, and `/^RAS KERNEL/` is
            `startswith "RAS KERNEL"`. The literal forms read as what they mean, need no escaping, and
            run as a byte search that the pack's line tests share instead of a regex match.

            The fix-it rewrites the comparison.
            """,
        examples: [
            .triggering("""
                abnormal rule full {
                    any line in window: line matches /No space left on device/
                }
                """, fixed: """
                abnormal rule full {
                    any line in window: line contains "No space left on device"
                }
                """),
            .triggering("""
                normal rule info {
                    all line in window: line matches /^RAS KERNEL INFO/
                }
                """, fixed: """
                normal rule info {
                    all line in window: line startswith "RAS KERNEL INFO"
                }
                """),
            .nonTriggering("""
                abnormal rule full {
                    any line in window: line matches /No space left on device/i
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for rule in subject.ruleSyntax {
            rule.walk { node in
                guard case .binary(.matches, let left, let right) = node.kind, case .regex(let literal) = right.kind,
                      literal.flags.isEmpty || literal.flags == "s",
                      let plain = RegexShape(pattern: literal.pattern, flags: literal.flags)?.plainLiteral,
                      !(plain.anchoredStart && plain.anchoredEnd) else { return }
                let op = plain.anchoredStart ? "startswith" : plain.anchoredEnd ? "endswith" : "contains"
                let text = String(decoding: plain.text, as: UTF8.self)
                let replacement = Formatter().expression(left) + " \(op) " + SyntaxText.string(text)
                findings.append(LintFinding("this regex is the plain text \(SyntaxText.string(text))", at: right.range,
                                            subject: rule.name.name, label: "no regex needed",
                                            help: ["write `\(replacement)`"],
                                            fixIt: .init("use `\(op)`", edits: [.init(range: node.range, replacement: replacement)])))
            }
        }
        return findings
    }
}
