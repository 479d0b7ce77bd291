import RuleInterpreter
import RuleLanguage
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
/// learned from as the pack's tests.
public enum PackAssembler {
    /// A pack test: a window with the verdict (and evidence) the pack gives it.
    public struct PackTest: Sendable {
        public var name: String
        public var expected: Verdict
        public var evidence: [Int]?
        public var lines: [String]
    }

    /// The pack's text (formatted when it parses).
    public static func packText(
        name: String, description: String? = nil, rules: [AcceptedRule], provenance: SynthesisProvenance?, tests: [PackTest]
    ) -> String {
        var text = "pack \(name) version \"0.1.0\""
        if let description { text += " description \(quote(description))" }
        text += "\n"
        for rule in rules {
            text += "\n"
            for line in rule.doc { text += "/// \(line)\n" }
            if let provenance {
                text += "@provenance(backend: \(quote(provenance.backend)), model: \(quote(provenance.model)), "
                    + "epoch: \(rule.epoch), coverage: \(String(format: "%.4f", rule.coverage)))\n"
            }
            text += "\(rule.kind.rawValue) rule \(rule.name) {\n\(rule.body)\n}\n"
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
    /// with the window's class, so `warden test` passes on a fresh pack.
    public static func finalPack(
        name: String, description: String?, rules: [AcceptedRule], provenance: SynthesisProvenance, maximumTestLines: Int = 30
    ) throws -> String {
        let ordered = rules.filter { $0.kind == .normal } + rules.filter { $0.kind == .abnormal }
        let bare = packText(name: name, description: description, rules: ordered, provenance: provenance, tests: [])
        let pack = try check(SourceFile(path: "\(name).warden", text: bare))
        let engine = DetectionEngine(rules: Interpreter.ruleSet(for: pack), fallback: nil)
        let context = engine.makeContext()
        var tests: [PackTest] = []
        for rule in ordered {
            let windows: [(String, Window?, Bool)] = [
                ("\(rule.name): learned from", rule.anchor, rule.kind == .abnormal),
                ("\(rule.name): contrast", rule.opposite, rule.kind != .abnormal),
            ]
            for (testName, window, isAbnormal) in windows {
                guard let window, !window.isEmpty, window.count <= maximumTestLines else { continue }
                let texts = (0..<window.count).map { window.text($0) }
                let detection = engine.detect(Window(texts: texts), in: context)
                let agrees = isAbnormal ? detection.verdict == .abnormal : detection.verdict != .abnormal
                guard agrees, detection.inconclusive.isEmpty else { continue }
                tests.append(PackTest(name: testName, expected: detection.verdict,
                                      evidence: detection.verdict == .abnormal ? detection.evidence.map { $0 + 1 } : nil, lines: texts))
            }
        }
        return packText(name: name, description: description, rules: ordered, provenance: provenance, tests: tests)
    }

    /// Accepted rules from an existing pack (to resume a synthesis), with the
    /// windows they were learned from read back from the pack's tests.
    public static func acceptedRules(fromPack text: String, path: String) throws -> [AcceptedRule] {
        let result = Frontend.check(SourceFile(path: path, text: text))
        let pack = try invalidRules { () throws(PackErrors) in try result.checkedPack() }
        let syntaxRules = result.syntax.items.compactMap { item -> RuleSyntax? in if case .rule(let rule) = item { rule } else { nil } }
        let tests = Dictionary(pack.tests.map { ($0.name, Window(texts: $0.lines)) }, uniquingKeysWith: { first, _ in first })
        return zip(pack.rules, syntaxRules).map { checked, syntax in
            AcceptedRule(kind: checked.kind, name: checked.name, doc: syntax.doc, body: Synthesizer.body(of: syntax, in: result.file),
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
