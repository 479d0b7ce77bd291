import RuleLanguage

/// W1202: an unanchored regex that starts (or ends) with `.*`.
struct LeadingWildcard: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1202"), name: "leading-wildcard", category: .regex,
        summary: "an unanchored regex starts or ends with `.*`, which matches nothing more",
        rationale: """
            `matches` searches the whole line, so a leading `.*` adds nothing to what matches, and a
            trailing `.*` neither. The leading one costs: PCRE2 tries it at every position, and it hides
            the literal the search could start from. LLM-written rules often carry it over from
            anchored-match languages.

            Remove it. The fix-it does, when the regex has no capture group (whose text the `.*` could
            change); what is left is often plain text, which `--fix` then turns into `contains` (W1203).
            """,
        examples: [
            .triggering("""
                abnormal rule timeout {
                    any line in window: line matches /.*connection timed out.*/
                }
                """, fixed: """
                abnormal rule timeout {
                    any line in window: line contains "connection timed out"
                }
                """),
            .nonTriggering("""
                abnormal rule timeout {
                    any line in window: line matches /^.*timed out after (\\d+)s$/
                }
                """),
        ])

    private static let wildcard = Array(".*".utf8)

    func check(_ subject: LintSubject) -> [LintFinding] {
        RegexSite.all(in: subject).compactMap { site in
            let pattern = site.literal.pattern
            guard let shape = site.shape, shape.alternatives.count == 1, !site.literal.flags.contains("m") else { return nil }
            let nodes = shape.alternatives[0].nodes
            guard nodes.count > 1 else { return nil }
            var edits: [Diagnostic.Edit] = []
            if pattern.starts(with: Self.wildcard), case .repeated(.set, 0, nil, _) = nodes[0] {
                let length = pattern.count > 2 && pattern[2] == UInt8(ascii: "?") ? 3 : 2
                edits.append(.init(range: site.source(0..<length), replacement: ""))
            }
            if pattern.count > 2, pattern.suffix(2).elementsEqual(Self.wildcard), pattern[pattern.count - 3] != UInt8(ascii: "\\"),
               case .repeated(.set, 0, nil, _) = nodes[nodes.count - 1] {
                edits.append(.init(range: site.source((pattern.count - 2)..<pattern.count), replacement: ""))
            }
            guard !edits.isEmpty, edits.count < nodes.count else { return nil }
            let capturing = shape.hasCapturingGroup
            return LintFinding("`.*` at the \(edits.count == 2 ? "start and end" : edits[0].range.start == site.literal.patternOffset ? "start" : "end") of an unanchored regex matches nothing more",
                               at: site.range, subject: site.rule.name.name, label: "redundant `.*`",
                               help: capturing ? ["remove the `.*`, and check what the capture groups hold"] : ["remove the `.*`"],
                               fixIt: capturing ? nil : .init("remove the redundant `.*`", edits: edits))
        }
    }
}
