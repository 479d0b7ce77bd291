import RuleLanguage

/// W1602: a rule whose verdicts on the labeled sample are too often wrong.
struct LowPrecision: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1602"), name: "low-precision", category: .data,
        summary: "a rule's precision on the labeled sample is below the bound",
        rationale: """
            An abnormal rule that holds on normal windows pages people for nothing; a normal rule that
            holds on abnormal windows hides failures. On the labeled sample given with `--data`, the
            linter computes each rule's precision: the share of the labeled windows it holds on whose
            label agrees with its kind. Below the bound (`minimum-precision` in `[data]` of the
            configuration, 0.5 by default), and with at least `minimum-firings` (5) labeled windows,
            the rule is reported. Narrow it, or split it into the part that is right.
            """,
        examples: [
            .triggering("""
                abnormal rule any_warning {
                    any line in window: line contains "WARNING"
                }
                """, sample: [
                    .normal("WARNING fan speed high"), .normal("WARNING fan speed high"), .normal("WARNING fan speed high"),
                    .normal("WARNING fan speed high"), .abnormal("WARNING ECC error uncorrectable"),
                ]),
            .nonTriggering("""
                abnormal rule ecc {
                    any line in window: line contains "ECC error uncorrectable"
                }
                """, sample: [
                    .normal("WARNING fan speed high"), .abnormal("WARNING ECC error uncorrectable"),
                    .abnormal("WARNING ECC error uncorrectable"), .abnormal("WARNING ECC error uncorrectable"),
                    .abnormal("WARNING ECC error uncorrectable"), .abnormal("WARNING ECC error uncorrectable"),
                ]),
        ],
        needsData: true)

    func check(_ subject: LintSubject) -> [LintFinding] {
        guard let sample = subject.sample else { return [] }
        let settings = subject.settings
        return zip(subject.pack.rules, subject.ruleSyntax).compactMap { rule, syntax in
            guard let firings = sample.rules[rule.name] else { return nil }
            let labeled = firings.onAbnormal + firings.onNormal
            guard labeled >= settings.minimumFirings else { return nil }
            let right = rule.kind == .abnormal ? firings.onAbnormal : firings.onNormal
            let precision = Double(right) / Double(labeled)
            guard precision < settings.minimumPrecision else { return nil }
            let wrong = labeled - right
            return LintFinding(
                "rule `\(rule.name)` has precision \(Self.percent(precision)) on \(sample.source): \(wrong) of the \(labeled) labeled windows it holds on are \(rule.kind == .abnormal ? "normal" : "abnormal")",
                at: syntax.name.range, subject: rule.name, label: "precision \(Self.percent(precision))",
                notes: ["the bound is \(Self.percent(settings.minimumPrecision)) (`minimum-precision` in `[data]`)"],
                help: ["narrow the rule to the windows it is right about"])
        }
    }

    private static func percent(_ value: Double) -> String {
        "\(Int((value * 1000).rounded()) / 10).\(Int((value * 1000).rounded()) % 10)%"
    }
}
