import RuleInterpreter
import RuleLanguage
import RuleLint
import RuleRuntime
import WardenCore

/// Where the rules of a synthesized pack came from.
public struct SynthesisProvenance: Sendable {
    public var backend: String
    public var model: String

    public init(backend: String, model: String) {
        self.backend = backend
        self.model = model
    }
}

/// Writes accepted rules as a formatted pack, with the windows they were
/// learned from as the pack's tests, a severity and a failure domain for each
/// abnormal rule, and without the rules the linter shows add nothing.
public enum PackAssembler {
    /// A pack test: a window with the verdict (and evidence) the pack gives it.
    public struct PackTest: Sendable {
        public var name: String
        public var expected: Verdict
        public var evidence: [Int]?
        public var lines: [String]
    }

    /// An abnormal rule's `@severity` and `@domain`, guessed from the lines it was learned from.
    public struct Attribution: Sendable, Hashable {
        public var severity: Severity
        public var domain: String
    }

    /// The pack's text (formatted when it parses). The normal rules named in `swallowing` carry
    /// ``decisionListSuppression``.
    public static func packText(
        name: String, description: String? = nil, rules: [AcceptedRule], provenance: SynthesisProvenance?, tests: [PackTest],
        attributions: [String: Attribution] = [:], swallowing: Set<String> = []
    ) -> String {
        var text = "pack \(name) version \"0.1.0\""
        if let description { text += " description \(quote(description))" }
        text += "\n"
        for rule in rules {
            text += "\n"
            for line in rule.doc { text += "/// \(line)\n" }
            if let attribution = attributions[rule.name] {
                text += "@severity(\(attribution.severity.rawValue))\n@domain(\(quote(attribution.domain)))\n"
            }
            if let provenance {
                text += "@provenance(backend: \(quote(provenance.backend)), model: \(quote(provenance.model)), "
                    + "epoch: \(rule.epoch), coverage: \(String(format: "%.4f", rule.coverage)))\n"
            }
            text += "\(rule.kind.rawValue) rule \(rule.name) {\n"
            if swallowing.contains(rule.name) { text += "    \(decisionListSuppression)\n" }
            text += "\(rule.body)\n}\n"
        }
        for test in tests {
            text += "\ntest \(quote(test.name)) expect \(test.expected.rawValue)"
            if let evidence = test.evidence { text += " evidence [\(evidence.map(String.init).joined(separator: ", "))]" }
            text += " {\n" + test.lines.map { "    \(quote($0))\n" }.joined() + "}\n"
        }
        return Formatter().format(SourceFile(path: "\(name).warden", text: text)) ?? text
    }

    /// The final pack: rules, then for each rule its anchor window and one
    /// contrastive window as tests, kept only where the pack's verdict agrees
    /// with the window's class, so `warden test` passes on a fresh pack. Where the
    /// whole anchor cannot be the test (too long, or decided otherwise by the
    /// pack), the lines that make the rule hold on it are. Rules the linter shows
    /// never decide a window (a duplicate, or one shadowed by a rule tried before
    /// it) are left out.
    ///
    /// A normal rule that holds on the lines an abnormal rule fires on (W1105; see
    /// ``swallowingNormalRules(_:)``) stays, with the finding suppressed and the reason given:
    /// the synthesizer kept it because the pack does better with it on the windows it learned from.
    public static func finalPack(
        name: String, description: String?, rules: [AcceptedRule], provenance: SynthesisProvenance, maximumTestLines: Int = 30
    ) throws -> String {
        try settled(name: name, description: description, rules: rules, provenance: provenance, maximumTestLines: maximumTestLines).text
    }

    /// The normal rules of the final pack that hold on the lines an abnormal rule fires on
    /// (W1105): each hides that rule's failures in the windows they share, unless the abnormal
    /// rule's lines are normal on their own (a routine message whose number is out of range).
    public static func swallowingNormalRules(_ rules: [AcceptedRule]) throws -> Set<String> {
        try settled(name: "candidate", description: nil, rules: rules, provenance: SynthesisProvenance(backend: "", model: ""),
                    maximumTestLines: 30).swallowing
    }

    private static func settled(
        name: String, description: String?, rules: [AcceptedRule], provenance: SynthesisProvenance, maximumTestLines: Int
    ) throws -> (text: String, swallowing: Set<String>) {
        var ordered = rules.filter { $0.kind == .normal } + rules.filter { $0.kind == .abnormal }
        var swallowing: Set<String> = []
        while true {
            let text = try assemble(name: name, description: description, rules: ordered, swallowing: swallowing,
                                    provenance: provenance, maximumTestLines: maximumTestLines)
            let findings = redundancyLinter.lint(SourceFile(path: "\(name).warden", text: text)).findings
            let swallows = Set(findings.filter { $0.diagnostic.code == swallowsCode }.map(\.subject))
            let redundant = Set(findings.filter { $0.diagnostic.code != swallowsCode }.map(\.subject))
            guard ordered.contains(where: { redundant.contains($0.name) }) || !swallows.isSubset(of: swallowing) else {
                return (text, swallowing)
            }
            ordered.removeAll { redundant.contains($0.name) }
            swallowing.formUnion(swallows)
        }
    }

    /// The lints whose findings mean a rule of the pack never decides a window (a duplicate, a shadowed
    /// rule), or that a normal rule holds on an abnormal rule's lines.
    private static let redundancyLinter: Linter = {
        var configuration = LintConfiguration.only([.correctness])
        for descriptor in Linter.descriptors
            where descriptor.category == .correctness && !["duplicate-rule", "shadowed-rule", swallowsName].contains(descriptor.name) {
            configuration.disabled.insert(descriptor.code)
        }
        return Linter(configuration: configuration)
    }()

    private static let swallowsName = "normal-swallows-abnormal"
    private static let swallowsCode = Linter.descriptor(named: swallowsName)!.code

    /// The suppression a normal rule that holds on an abnormal rule's lines carries.
    static let decisionListSuppression = "// warden-lint: disable \(swallowsName) -- learned as one decision list: "
        + "the abnormal rules were learned on the windows the normal rules leave"

    private static func assemble(
        name: String, description: String?, rules ordered: [AcceptedRule], swallowing: Set<String>, provenance: SynthesisProvenance,
        maximumTestLines: Int
    ) throws -> String {
        let bare = packText(name: name, description: description, rules: ordered, provenance: provenance, tests: [], swallowing: swallowing)
        let pack = try check(SourceFile(path: "\(name).warden", text: bare))
        let ruleSet = Interpreter.ruleSet(for: pack)
        let engine = DetectionEngine(rules: ruleSet, fallback: nil)
        let context = engine.makeContext()
        var packTests: [PackTest] = []
        var attributions: [String: Attribution] = [:]
        for rule in ordered {
            let compiled = ruleSet.rules.first { $0.metadata.name == rule.name }
            // The lines that make the rule hold on its anchor: what its test and its attribution come from.
            var evidence: [String] = []
            if let anchor = rule.anchor, let compiled {
                context.reset(to: anchor)
                if (try? compiled.holds(in: context)) == true, let lines = try? compiled.evidence(in: context) {
                    evidence = lines.map { anchor.text($0) }
                }
            }
            if rule.kind == .abnormal {
                let contrast = rule.opposite.map { window in (0..<window.count).map { window.text($0) } } ?? []
                attributions[rule.name] = attribution(evidence: evidence, contrast: contrast)
            }
            // Each test: the first of its candidate windows on which the pack's verdict agrees with the window's class.
            var tests: [(String, [[String]], Bool)] = []
            if let anchor = rule.anchor, !anchor.isEmpty {
                tests.append(("\(rule.name): learned from", [(0..<anchor.count).map { anchor.text($0) }, evidence], rule.kind == .abnormal))
            }
            if let opposite = rule.opposite, !opposite.isEmpty {
                tests.append(("\(rule.name): contrast", [(0..<opposite.count).map { opposite.text($0) }], rule.kind != .abnormal))
            }
            for (testName, windows, isAbnormal) in tests {
                let usable = windows.filter { !$0.isEmpty && $0.count <= maximumTestLines }
                var written = false
                for texts in usable {
                    let detection = engine.detect(Window(texts: texts), in: context)
                    let agrees = isAbnormal ? detection.verdict == .abnormal : detection.verdict != .abnormal
                    guard agrees, detection.inconclusive.isEmpty else { continue }
                    packTests.append(PackTest(name: testName, expected: detection.verdict,
                                              evidence: detection.verdict == .abnormal ? detection.evidence.map { $0 + 1 } : nil, lines: texts))
                    written = true
                    break
                }
                // A rule whose own lines another rule decides first still gets a test that it holds on them, named for
                // what the pack does there, so the shadowing shows in review instead of leaving the rule untested.
                if !written, testName.hasSuffix("learned from"), let texts = usable.last {
                    let detection = engine.detect(Window(texts: texts), in: context)
                    guard detection.inconclusive.isEmpty, let decider = detection.rule, decider != rule.name else { continue }
                    packTests.append(PackTest(name: "\(testName), decided \(detection.verdict.rawValue) by \(decider)", expected: detection.verdict,
                                              evidence: detection.verdict == .abnormal ? detection.evidence.map { $0 + 1 } : nil, lines: texts))
                }
            }
        }
        return packText(name: name, description: description, rules: ordered, provenance: provenance, tests: packTests,
                        attributions: attributions, swallowing: swallowing)
    }

    /// Severity from the strongest log level among the evidence lines (`FATAL` → critical, `ERROR` → high,
    /// `WARN` → medium, none → medium); the domain from the two most frequent words of the evidence lines
    /// that the contrastive window lacks (`general` when there are none). A guess to review, like the rule.
    static func attribution(evidence: [String], contrast: [String]) -> Attribution {
        func words(_ line: String) -> [String] {
            line.split { !$0.isLetter }.map { $0.lowercased() }.filter { $0.count >= 3 }
        }
        let levels: [(Set<String>, Severity)] = [
            (["fatal", "panic", "emerg", "emergency", "crit", "critical", "alert"], .critical),
            (["error", "err", "severe", "failure", "failed", "exception"], .high),
            (["warn", "warning"], .medium),
        ]
        let evidenceWords = evidence.flatMap(words)
        let severity = levels.first { level, _ in evidenceWords.contains(where: level.contains) }?.1 ?? .medium
        let common = Set(contrast.flatMap(words)).union(levels.flatMap(\.0))
        var counts: [String: Int] = [:], order: [String] = []
        for word in evidenceWords where !common.contains(word) && !stopWords.contains(word) {
            if counts[word] == nil { order.append(word) }
            counts[word, default: 0] += 1
        }
        let ranked = order.enumerated().sorted { (-counts[$0.element]!, $0.offset) < (-counts[$1.element]!, $1.offset) }.map(\.element)
        let domain = ranked.prefix(2).joined(separator: "-")
        return Attribution(severity: severity, domain: domain.isEmpty ? "general" : domain)
    }

    private static let stopWords: Set<String> = ["the", "and", "for", "from", "with", "not", "was", "are", "has", "had", "this", "that", "into", "onto", "info"]

    /// Accepted rules from an existing pack (to resume a synthesis), with the
    /// windows they were learned from read back from the pack's tests.
    public static func acceptedRules(fromPack text: String, path: String) throws -> [AcceptedRule] {
        let result = Frontend.check(SourceFile(path: path, text: text))
        let pack = try invalidRules { () throws(PackErrors) in try result.checkedPack() }
        let syntaxRules = result.syntax.items.compactMap { item -> RuleSyntax? in if case .rule(let rule) = item { rule } else { nil } }
        // "NAME: learned from, decided normal by OTHER" is a learned-from test too.
        let tests = Dictionary(pack.tests.map { test in
            (test.name.hasSuffix(": contrast") ? test.name : test.name.components(separatedBy: ", decided ")[0], Window(texts: test.lines))
        }, uniquingKeysWith: { first, _ in first })
        return zip(pack.rules, syntaxRules).map { checked, syntax in
            // The decision-list suppression is the assembler's, written again with the final pack.
            let body = Synthesizer.body(of: syntax, in: result.file).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.trimmingCharacters(in: .whitespaces) != decisionListSuppression }.joined(separator: "\n")
            return AcceptedRule(kind: checked.kind, name: checked.name, doc: syntax.doc, body: body.trimmingCharacters(in: .whitespacesAndNewlines),
                         epoch: checked.provenance?.epoch ?? 0, coverage: checked.provenance?.coverage ?? 0,
                         anchor: tests["\(checked.name): learned from"], opposite: tests["\(checked.name): contrast"])
        }
    }

    /// Checks pack text the synthesizer wrote; errors become ``SynthesisError/invalidRules(_:)``.
    static func check(_ file: SourceFile) throws -> CheckedPack {
        try invalidRules { () throws(PackErrors) in try Frontend.pack(file) }
    }

    private static func invalidRules(_ body: () throws(PackErrors) -> CheckedPack) throws -> CheckedPack {
        do { return try body() } catch { throw SynthesisError.invalidRules(error.description) }
    }
}
