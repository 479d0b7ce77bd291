import RuleLanguage

/// W1204: the `i` flag on a regex with no letters.
struct CaseInsensitiveWithoutLetters: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1204"), name: "case-insensitive-without-letters", category: .regex,
        summary: "a regex has the case-insensitive flag but no letters for it to act on",
        rationale: """
            `/\\d+\\.\\d+/i` matches exactly what `/\\d+\\.\\d+/` matches: the flag changes only letters,
            and the pattern has none (class escapes such as `\\d` and `\\w` already hold both cases).
            The flag misleads a reader into looking for words, and it keeps the regex from counting as
            a literal elsewhere. The fix-it drops it.
            """,
        examples: [
            .triggering("""
                abnormal rule slow {
                    any line in window: line matches /^\\d+(\\.\\d+)?\\s*%$/i
                }
                """, fixed: """
                abnormal rule slow {
                    any line in window: line matches /^\\d+(\\.\\d+)?\\s*%$/
                }
                """),
            .nonTriggering("""
                abnormal rule slow {
                    any line in window: line matches /\\d{4,}ms/i
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        RegexSite.all(in: subject).compactMap { site in
            guard site.literal.flags.contains("i"), let shape = site.shape, !shape.hasLetters else { return nil }
            return LintFinding("the `i` flag does nothing: this regex has no letters", at: site.flagsRange, subject: site.rule.name.name,
                               label: "no effect", fixIt: .init("drop the `i` flag", edits: [
                                   .init(range: site.flagsRange, replacement: site.literal.flags.filter { $0 != "i" })]))
        }
    }
}
