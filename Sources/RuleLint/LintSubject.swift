import RuleInterpreter
import RuleLanguage
import RuleRuntime
import WardenCore

/// A checked pack as the lints see it: the syntax tree (ranges, comments,
/// how things were written), the checked pack (types, regexes, line tests),
/// the outcome of every rule on every pack test, and labeled sample data when given.
public final class LintSubject: @unchecked Sendable {
    public let file: SourceFile
    public let syntax: PackSyntax
    public let pack: CheckedPack
    /// Firing figures on labeled sample data, for the data-aware lints.
    public let sample: SampleEvidence?
    public let settings: LintSettings

    /// The rules as written, in pack order (the same order as ``CheckedPack/rules``).
    public let ruleSyntax: [RuleSyntax]
    public let testSyntax: [TestSyntax]
    let analysis: ConditionAnalysis
    private let ruleSet: RuleSet
    private let compiledRules: [String: any WindowRule]
    private let context: EvaluationContext

    init(file: SourceFile, syntax: PackSyntax, pack: CheckedPack, sample: SampleEvidence?, settings: LintSettings) {
        self.file = file
        self.syntax = syntax
        self.pack = pack
        self.sample = sample
        self.settings = settings
        ruleSyntax = syntax.items.compactMap { if case .rule(let rule) = $0 { rule } else { nil } }
        testSyntax = syntax.items.compactMap { if case .test(let test) = $0 { test } else { nil } }
        analysis = ConditionAnalysis(pack: pack)
        ruleSet = Interpreter.ruleSet(for: pack)
        compiledRules = Dictionary(ruleSet.rules.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        // Many line tests over many test lines (a synthesized pack's list of routine templates):
        // the prefilter detection uses answers them with one scan per test window, not a PCRE2
        // match per test and line; its answers are PCRE2's.
        let testLines = pack.tests.reduce(0) { $0 + $1.lines.count }
        context = testLines * ruleSet.lineTests.count >= Prefilter.testRunsToPayForCompiling
            ? EvaluationContext(lineTests: ruleSet.lineTests, prefilter: Prefilter(lineTests: ruleSet.lineTests, cache: nil))
            : EvaluationContext(lineTests: ruleSet.lineTests)
    }

    /// The rules in the order the engine tries them: normal rules, then abnormal rules, each in pack order.
    public var rulesInEngineOrder: [(rule: CheckedRule, syntax: RuleSyntax)] {
        let pairs = Array(zip(pack.rules, ruleSyntax))
        return pairs.filter { $0.0.kind == .normal } + pairs.filter { $0.0.kind == .abnormal }
    }

    /// Whether `rule` holds on a window of `lines` (`nil` when a regex reached a PCRE2 limit).
    public func holds(_ rule: CheckedRule, on lines: [String]) -> Bool? {
        guard let compiled = compiled(rule) else { return nil }
        context.reset(to: Window(texts: lines))
        return try? compiled.holds(in: context)
    }

    /// The 0-based lines that make `rule` hold on a window of `lines`; empty when it does not hold.
    public func evidence(_ rule: CheckedRule, on lines: [String]) -> [Int] {
        guard let compiled = compiled(rule), holds(rule, on: lines) == true else { return [] }
        return (try? compiled.evidence(in: context)) ?? []
    }

    /// Whether `line` passes at least one of the pack's line tests (`contains`, `matches`, …).
    public func passesSomeLineTest(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            ruleSet.lineTests.contains { (try? $0.run(buffer, scratch: context.scratch)) == true }
        }
    }

    private func compiled(_ rule: CheckedRule) -> (any WindowRule)? {
        compiledRules[rule.name]
    }

    /// For each rule (by name), the indices of the pack tests whose window it holds on.
    public private(set) lazy var testsHeld: [String: [Int]] = {
        var held: [String: [Int]] = [:]
        for rule in pack.rules {
            held[rule.name] = pack.tests.indices.filter { holds(rule, on: pack.tests[$0].lines) == true }
        }
        return held
    }()

    /// Each rule's condition fingerprint (see ``ConditionAnalysis/fingerprint(_:in:)``), by name.
    private(set) lazy var conditionFingerprints: [String: String] = Dictionary(
        pack.rules.map { ($0.name, analysis.fingerprint($0.condition, in: $0)) }, uniquingKeysWith: { first, _ in first })

    /// The syntax of the rule named `name`.
    public func syntax(ofRule name: String) -> RuleSyntax? {
        ruleSyntax.first { $0.name.name == name }
    }
}

/// Bounds and switches the lints read, set by the configuration file or options.
public struct LintSettings: Sendable, Hashable {
    /// Below this precision on labeled data a rule is reported (``LowPrecision``).
    public var minimumPrecision: Double
    /// A rule must fire at least this often on the sample before its precision is judged.
    public var minimumFirings: Int

    public init(minimumPrecision: Double = 0.5, minimumFirings: Int = 5) {
        self.minimumPrecision = minimumPrecision
        self.minimumFirings = minimumFirings
    }
}

/// How each rule of a pack fired on labeled sample windows.
public struct SampleEvidence: Sendable {
    /// Where the sample came from, for messages.
    public let source: String
    public let windows: Int
    /// Windows with a known truth.
    public let labeledWindows: Int
    public let rules: [String: RuleFirings]

    /// One rule's firings.
    public struct RuleFirings: Sendable, Hashable {
        /// Windows it held on, by position in the sample.
        public var windows: [Int32] = []
        public var onAbnormal = 0
        public var onNormal = 0
        public var inconclusive = 0
    }

    public init(source: String, windows: Int, labeledWindows: Int, rules: [String: RuleFirings]) {
        self.source = source
        self.windows = windows
        self.labeledWindows = labeledWindows
        self.rules = rules
    }
}

/// Builds ``SampleEvidence`` window by window: every rule of the pack is run on
/// every window (not only until one decides), so the cost is rules × windows.
public final class SampleRecorder {
    private let source: String
    private let ruleSet: RuleSet
    private let context: EvaluationContext
    private var firings: [SampleEvidence.RuleFirings]
    private var count = 0
    private var labeled = 0

    public init(pack: CheckedPack, source: String) {
        self.source = source
        ruleSet = Interpreter.ruleSet(for: pack)
        context = EvaluationContext(lineTests: ruleSet.lineTests)
        firings = [SampleEvidence.RuleFirings](repeating: SampleEvidence.RuleFirings(), count: ruleSet.rules.count)
    }

    /// Judges every rule on one window with its truth (`nil` when unlabeled).
    public func record(_ window: Window, truth: Truth?) {
        context.reset(to: window)
        if truth != nil { labeled += 1 }
        for (index, rule) in ruleSet.rules.enumerated() {
            do {
                guard try rule.holds(in: context) else { continue }
                firings[index].windows.append(Int32(truncatingIfNeeded: count))
                if truth == .abnormal { firings[index].onAbnormal += 1 }
                if truth == .normal { firings[index].onNormal += 1 }
            } catch {
                firings[index].inconclusive += 1
            }
        }
        count += 1
    }

    /// What was recorded.
    public var evidence: SampleEvidence {
        SampleEvidence(source: source, windows: count, labeledWindows: labeled,
                       rules: Dictionary(uniqueKeysWithValues: zip(ruleSet.rules.map(\.metadata.name), firings)))
    }
}
