import RuleLanguage

/// W1001: a literal or regex that pins one concrete id, address or name.
struct PinnedIdentifier: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1001"), name: "pinned-identifier", category: .overfitting,
        summary: "a literal pins one id, address or name where a class of values was meant",
        rationale: """
            A rule learned from a sample (by a person, a learner or an LLM) often copies a value that
            happened to be in the sample: a block id, an IP address, a hex address, a node or host name,
            a user or job name, a long number. Such a rule fires on that one value and misses the same
            failure everywhere else, so it scores well on the sample and badly in production.

            Match the class instead. The fix-it replaces the pinned value by a regex for its class
            (`blk_-?\\d+`, `\\d{1,3}(?:\\.\\d{1,3}){3}`, `0x[0-9a-fA-F]+`, …); a `contains`, `startswith` or
            `endswith` with a pinned literal becomes a `matches`. When the value really is the point
            (one known faulty disk), suppress the finding with a reason.
            """,
        examples: [
            .triggering("""
                abnormal rule block_lost {
                    any line in window: line contains "blk_-1608999687919862906 terminating"
                }
                """, fixed: """
                abnormal rule block_lost {
                    any line in window: line matches /blk_-?\\d+ terminating/
                }
                """),
            .triggering("""
                abnormal rule node_down {
                    any line in window: line matches /link lost to 10\\.251\\.43\\.21:50010/
                }
                """, fixed: """
                abnormal rule node_down {
                    any line in window: line matches /link lost to \\d{1,3}(?:\\.\\d{1,3}){3}:\\d+/
                }
                """),
            .nonTriggering("""
                abnormal rule block_lost {
                    any line in window: line matches /blk_-?\\d+ terminating/ and line contains "HTTP/1.1 500"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for rule in subject.ruleSyntax {
            var handled: Set<SourceRange> = []
            rule.walk { node in
                switch node.kind {
                case .binary(let op, let left, let right) where [.contains, .startswith, .endswith].contains(op):
                    guard case .string(let text) = right.kind else { return }
                    handled.insert(right.range)
                    let bytes = Array(text.utf8)
                    let values = PinnedValues.find(in: bytes)
                    guard !values.isEmpty else { return }
                    var pattern = PinnedValues.abstracted(bytes, values: values)
                    if op == .startswith { pattern = "^" + pattern }
                    if op == .endswith { pattern += "$" }
                    let replacement = Formatter().expression(left) + " matches " + SyntaxText.regex(pattern)
                    findings.append(finding(values, in: bytes, at: right.range, rule: rule,
                                            fixIt: .init("match the class of values", edits: [.init(range: node.range, replacement: replacement)])))
                case .string(let text) where !handled.contains(node.range):
                    let bytes = Array(text.utf8)
                    let values = PinnedValues.find(in: bytes)
                    guard !values.isEmpty else { return }
                    findings.append(finding(values, in: bytes, at: node.range, rule: rule, fixIt: nil))
                case .regex(let literal):
                    if let finding = regexFinding(literal, at: node.range, rule: rule) { findings.append(finding) }
                default: break
                }
            }
        }
        return findings
    }

    private func finding(_ values: [PinnedValue], in bytes: [UInt8], at range: SourceRange, rule: RuleSyntax,
                         fixIt: Diagnostic.FixIt?) -> LintFinding {
        let described = values.map { "\($0.kind) (`\(String(decoding: bytes[$0.range], as: UTF8.self))`)" }
        return LintFinding("this literal pins \(described.joined(separator: ", ")); the rule fires on that value only",
                           at: range, subject: rule.name.name, label: "pinned",
                           help: ["match the class: `\(PinnedValues.abstracted(bytes, values: values))`"], fixIt: fixIt)
    }

    private func regexFinding(_ literal: RegexLiteral, at range: SourceRange, rule: RuleSyntax) -> LintFinding? {
        guard let shape = RegexShape(pattern: literal.pattern, flags: literal.flags) else { return nil }
        var edits: [Diagnostic.Edit] = []
        var described: [String] = []
        for run in shape.literalRuns {
            let text = run.map(\.byte)
            for value in PinnedValues.find(in: text) {
                let start = run[value.range.lowerBound].source.lowerBound, end = run[value.range.upperBound - 1].source.upperBound
                edits.append(.init(range: SourceRange(start: literal.patternOffset + start, end: literal.patternOffset + end),
                                   replacement: value.abstraction))
                described.append("\(value.kind) (`\(String(decoding: literal.pattern[start..<end], as: UTF8.self))`)")
            }
        }
        guard !edits.isEmpty else { return nil }
        return LintFinding("this regex pins \(described.joined(separator: ", ")); the rule fires on that value only",
                           at: range, subject: rule.name.name, label: "pinned",
                           fixIt: .init("match the class of values", edits: edits))
    }
}
