import RuleLanguage

/// W1206: a pattern in a list that another pattern of the list subsumes.
struct SubsumedPattern: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1206"), name: "subsumed-pattern", category: .regex,
        summary: "a pattern in a list matches only lines that another pattern of the list already matches",
        rationale: """
            `line matches [/timeout/, /read timeout/]` holds exactly when `line matches /timeout/` does:
            every line the second regex matches, the first matches too. The longer pattern adds
            nothing but cost and the impression of a distinction the rule does not make; a repeated
            value in an `in` list is the same mistake. The fix-it removes the subsumed entry.
            """,
        examples: [
            .triggering("""
                abnormal rule timeouts {
                    any line in window: line matches [/timeout/, /read timeout/, /refused/]
                }
                """, fixed: """
                abnormal rule timeouts {
                    any line in window: line matches [/timeout/, /refused/]
                }
                """),
            .triggering("""
                abnormal rule bad_status {
                    any line in window: capture(line, /status=(\\w+)/) in ["FAILED", "KILLED", "FAILED"]
                }
                """, fixed: """
                abnormal rule bad_status {
                    any line in window: capture(line, /status=(\\w+)/) in ["FAILED", "KILLED"]
                }
                """),
            .nonTriggering("""
                abnormal rule timeouts {
                    any line in window: line matches [/read timeout/, /write timeout/]
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for rule in subject.ruleSyntax {
            rule.walk { node in
                guard case .binary(let op, _, let right) = node.kind, op == .matches || op == .in,
                      case .list(let elements) = right.kind, elements.count > 1 else { return }
                for (index, element) in elements.enumerated() {
                    guard let coverer = elements.indices.first(where: { other in
                        other != index && covers(elements[other], element) && (!covers(element, elements[other]) || other < index)
                    }) else { continue }
                    var remaining = elements
                    remaining.remove(at: index)
                    let replacement = Formatter().expression(ExpressionSyntax(.list(remaining), range: right.range))
                    let (text, other) = (Formatter().expression(element), Formatter().expression(elements[coverer]))
                    findings.append(LintFinding(
                        text == other ? "`\(text)` is listed twice" : "`\(text)` matches only what `\(other)` already matches",
                        at: element.range, subject: rule.name.name, label: "subsumed",
                        secondary: [.init(elements[coverer].range, "this entry covers it")],
                        fixIt: .init("remove the subsumed entry", edits: [.init(range: right.range, replacement: replacement)])))
                    // One fix per list at a time: the edits of two would overlap.
                    return
                }
            }
        }
        return findings
    }

    /// Whether every value `b` accepts, `a` accepts too.
    private func covers(_ a: ExpressionSyntax, _ b: ExpressionSyntax) -> Bool {
        switch (a.kind, b.kind) {
        case (.string(let x), .string(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.regex(let x), .regex(let y)):
            if x.pattern == y.pattern && x.flags == y.flags { return true }
            guard let plain = RegexShape(pattern: x.pattern, flags: x.flags)?.plainLiteral, !plain.anchoredStart, !plain.anchoredEnd,
                  x.flags.isEmpty, let shape = RegexShape(pattern: y.pattern, flags: y.flags), !shape.caseInsensitive else { return false }
            if let other = shape.plainLiteral { return other.text.contains(subsequence: plain.text) }
            return shape.requiredLiteralRuns.contains { $0.map(\.byte).contains(subsequence: plain.text) }
        default: return false
        }
    }
}
