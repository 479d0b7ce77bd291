import RuleLanguage

/// W1205: an alternation that lists the same alternative twice.
struct DuplicateAlternative: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1205"), name: "duplicate-alternative", category: .regex,
        summary: "an alternation lists the same alternative twice",
        rationale: """
            In `(ERROR|FATAL|ERROR)` the second `ERROR` can never be the one that matches: it is a
            copy, often left by merging two rules or by a generator listing what it saw. Under a
            repetition it also makes the regex ambiguous. Remove the copy.
            """,
        examples: [
            .triggering("""
                abnormal rule severe {
                    any line in window: line matches /\\b(ERROR|FATAL|ERROR)\\b/
                }
                """),
            .nonTriggering("""
                abnormal rule severe {
                    any line in window: line matches /\\b(ERROR|FATAL|PANIC)\\b/
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for site in RegexSite.all(in: subject) {
            guard let shape = site.shape else { continue }
            var reported = false
            func visit(_ alternatives: [RegexSequence]) {
                var seen: [ArraySlice<UInt8>: Range<Int>] = [:]
                for alternative in alternatives {
                    let text = site.literal.pattern[alternative.source]
                    if let first = seen[text], !reported {
                        reported = true
                        findings.append(LintFinding("the alternative `\(String(decoding: text, as: UTF8.self))` is listed twice",
                                                    at: site.source(alternative.source), subject: site.rule.name.name, label: "duplicate",
                                                    secondary: [.init(site.source(first), "first listed here")],
                                                    help: ["remove the copy"]))
                    }
                    seen[text] = seen[text] ?? alternative.source
                    for node in alternative.nodes { visitNode(node) }
                }
            }
            func visitNode(_ node: RegexNode) {
                switch node {
                case .group(_, let alternatives): visit(alternatives)
                case .repeated(let inner, _, _, _): visitNode(inner)
                default: break
                }
            }
            visit(shape.alternatives)
        }
        return findings
    }
}
