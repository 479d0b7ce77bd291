import RuleLanguage

/// Lints rule packs: checks each with the front end, runs every enabled lint on
/// a pack that checked, re-grades findings as configured, and applies inline
/// suppressions.
public struct Linter: Sendable {
    /// Every lint, in code order.
    public static let lints: [any Lint.Type] = [
        PinnedIdentifier.self,
        ConstantCondition.self, DuplicateRule.self, ShadowedRule.self, AllInsteadOfAny.self, NormalSwallowsAbnormal.self,
        CatastrophicBacktracking.self, LeadingWildcard.self, RegexIsLiteral.self, CaseInsensitiveWithoutLetters.self,
        DuplicateAlternative.self, SubsumedPattern.self,
        UntestedRule.self, FallbackOnlyTest.self,
        MissingDocComment.self, MissingSeverity.self, MissingDomain.self,
        LiteralAlternation.self, CountForExistence.self,
        NeverFires.self, LowPrecision.self, FiresTogether.self,
    ]

    /// The lints about suppression directives, which the linter reports itself (a directive cannot silence them).
    public static let directiveLints: [any DescribedLint.Type] = [
        SuppressionWithoutReason.self, UnknownSuppressedCode.self, UnusedSuppression.self,
    ]

    /// Every lint's descriptor, in code order.
    public static let descriptors: [LintDescriptor] = (lints.map { $0.descriptor } + directiveLints.map { $0.descriptor })
        .sorted { $0.code < $1.code }

    /// The front end's codes and the lints' codes: what `warden explain` and SARIF read.
    public static let registry: DiagnosticRegistry = .frontEnd.adding(descriptors.map { descriptor in
        DiagnosticEntry(code: descriptor.code, severity: descriptor.severity, title: descriptor.summary,
                        explanation: descriptor.rationale, category: descriptor.category.rawValue,
                        pagePath: "docs/lints/\(descriptor.code.rawValue).md", page: { LintPage.markdown(for: descriptor) })
    })

    /// The descriptor a code or a lint name names.
    public static func descriptor(named name: String) -> LintDescriptor? {
        descriptors.first { $0.code.rawValue == name.uppercased() || $0.name == name.lowercased() }
    }

    public var configuration: LintConfiguration

    public init(configuration: LintConfiguration = LintConfiguration()) {
        self.configuration = configuration
    }

    /// Lints one pack. A pack with front-end errors gets those errors and no lints.
    public func lint(_ file: SourceFile, sample: SampleEvidence? = nil) -> LintResult {
        let checked = Frontend.check(file)
        guard let pack = checked.pack else {
            return LintResult(file: file, findings: checked.diagnostics.map { LintedFinding(diagnostic: $0, subject: "") }, checked: false)
        }
        let subject = LintSubject(file: file, syntax: checked.syntax, pack: pack, sample: sample, settings: configuration.settings)
        var findings: [(LintDescriptor, LintFinding)] = []
        for lint in Self.lints {
            let descriptor = lint.descriptor
            guard configuration.severity(of: descriptor) != nil, !descriptor.needsData || sample != nil else { continue }
            findings += lint.init().check(subject).map { (descriptor, $0) }
        }
        var suppressions = Suppressions(syntax: checked.syntax)
        var kept: [LintedFinding] = checked.diagnostics.map { LintedFinding(diagnostic: $0, subject: "") }
        for (descriptor, finding) in findings where !suppressions.suppress(descriptor.code, at: finding.range.start) {
            kept.append(LintedFinding(diagnostic: diagnostic(descriptor, finding), subject: finding.subject))
        }
        for (descriptor, finding) in suppressions.problems() where configuration.severity(of: descriptor) != nil {
            kept.append(LintedFinding(diagnostic: diagnostic(descriptor, finding), subject: finding.subject))
        }
        return LintResult(file: file, findings: kept, checked: true, suppressed: suppressions.appliedCount)
    }

    private func diagnostic(_ descriptor: LintDescriptor, _ finding: LintFinding) -> Diagnostic {
        Diagnostic(descriptor.code, finding.message, at: finding.range, label: finding.label, secondary: finding.secondary,
                   notes: finding.notes, help: finding.help, fixIts: finding.fixIt.map { [$0] } ?? [],
                   severity: configuration.severity(of: descriptor) ?? descriptor.severity)
    }
}

/// A diagnostic and the rule or test it is about (empty for the front end's).
public struct LintedFinding: Sendable {
    public let diagnostic: Diagnostic
    public let subject: String
}

/// The findings for one pack.
public struct LintResult: Sendable {
    public let file: SourceFile
    public var findings: [LintedFinding]
    /// Whether the pack passed the front end (lints ran).
    public let checked: Bool
    /// Findings an inline suppression silenced.
    public var suppressed = 0

    public var diagnosed: DiagnosedFile { DiagnosedFile(file: file, diagnostics: findings.map(\.diagnostic)) }
}
