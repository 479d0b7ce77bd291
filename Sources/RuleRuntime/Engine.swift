import PCRE2
import WardenCore

/// Decides the windows that no rule decided (the FAME experts, for example).
public protocol Fallback: Sendable {
    /// A short name for reports.
    var name: String { get }
    /// The verdict for a window no rule decided. Must be safe to call from many threads.
    func decide(_ window: Window) -> FallbackDecision
}

/// A fallback's verdict with the messages that support it.
public struct FallbackDecision: Sendable, Hashable {
    public var verdict: Verdict
    public var evidence: [Int]
    public var findings: [MessageFinding]

    public init(verdict: Verdict, evidence: [Int] = [], findings: [MessageFinding] = []) {
        self.verdict = verdict
        self.evidence = evidence
        self.findings = findings
    }
}

/// The default fallback: a window no rule decided is normal.
public struct UndecidedIsNormal: Fallback {
    public init() {}
    public var name: String { "undecided-is-normal" }
    public func decide(_ window: Window) -> FallbackDecision { FallbackDecision(verdict: .normal) }
}

/// How one rule fared on one window.
public enum RuleOutcome: Sendable, Hashable {
    case held
    case failed
    case inconclusive
}

/// Runs a rule set over windows in the CodeAD order: normal rules (any match →
/// normal), abnormal rules (any match → abnormal, with evidence), then the fallback.
public struct DetectionEngine: Sendable {
    public let rules: RuleSet
    /// `nil` leaves undecided windows undecided (what pack tests expect).
    public let fallback: (any Fallback)?

    public init(rules: RuleSet, fallback: (any Fallback)? = UndecidedIsNormal()) {
        self.rules = rules
        self.fallback = fallback
    }

    /// A context for one thread; each window is scanned at most once per stage of the rule set's ``Prefilter``.
    public func makeContext() -> EvaluationContext { makeContext(prefiltered: true) }

    /// A context for one thread, with or without the prefilter (the same verdicts either way).
    public func makeContext(prefiltered: Bool) -> EvaluationContext {
        prefiltered ? EvaluationContext(lineTests: rules.lineTests, prefilter: rules.prefilter)
            : EvaluationContext(lineTests: rules.lineTests)
    }

    /// The verdict for one window.
    public func detect(_ window: Window, in context: EvaluationContext) -> Detection {
        context.reset(to: window)
        var inconclusive: [String] = []
        // The first rule of the list that holds; rules a PCRE2 limit stopped are noted as inconclusive.
        // Only the rules whose triggers the scan did not rule out are evaluated (the others would fail):
        // normal rules after the scan of the first stage, abnormal rules after the scan of every stage.
        func firstHolding(_ selection: RuleSelection, _ list: [any WindowRule], throughStage stage: Int) -> (any WindowRule)? {
            let passing = context.passingTests(throughStage: stage)
            var holding: (any WindowRule)?
            selection.forEachCandidate(passing: passing, scratch: &context.ruleScratch) { index in
                do {
                    guard try list[index].holds(in: context) else { return false }
                    holding = list[index]
                    return true
                } catch {
                    inconclusive.append(list[index].metadata.name)
                    return false
                }
            }
            return holding
        }
        if let rule = firstHolding(rules.normalSelection, rules.normalRules, throughStage: 0) {
            return Detection(windowID: window.id, verdict: .normal, stage: .normalRules,
                             rule: rule.metadata.name, inconclusive: inconclusive)
        }
        if let rule = firstHolding(rules.abnormalSelection, rules.abnormalRules, throughStage: context.lastStage) {
            let evidence = (try? rule.evidence(in: context)) ?? Array(0..<window.count)
            return Detection(windowID: window.id, verdict: .abnormal, stage: .abnormalRules,
                             rule: rule.metadata.name, evidence: evidence, inconclusive: inconclusive)
        }
        guard let fallback else {
            return Detection(windowID: window.id, verdict: .undecided, stage: .fallback, inconclusive: inconclusive)
        }
        let decision = fallback.decide(window)
        return Detection(windowID: window.id, verdict: decision.verdict, stage: .fallback, evidence: decision.evidence,
                         inconclusive: inconclusive, findings: decision.findings)
    }

    /// Every rule's outcome on one window, in ``RuleSet/rules`` order (for per-rule statistics).
    public func outcomes(_ window: Window, in context: EvaluationContext) -> [RuleOutcome] {
        context.reset(to: window)
        return rules.rules.map { rule in
            do { return try rule.holds(in: context) ? .held : .failed } catch { return .inconclusive }
        }
    }
}
