import RuleLanguage
import RuleRuntime
import WardenCore

/// What a proposer is asked for: one rule of `kind` named `name`, learned from
/// contrastive windows.
public struct RuleRequest: Sendable {
    public var kind: RuleKind
    public var name: String
    /// Windows the rule must recognise (`targets`) and must not (`opposites`).
    public var targets: [Window]
    public var opposites: [Window]
    /// 0-based rollout number; proposers may vary their answer by rollout.
    public var rollout: Int
    /// Repairs asked for so far in this rollout.
    public var repairs: Int
    /// The remaining training windows of both classes (the builtin proposer ranks
    /// candidates on them; a language model does not see them).
    public var trainingTargets: [Window]
    public var trainingOpposites: [Window]
    /// Positions of `trainingTargets` and `trainingOpposites` in the corpus given
    /// to ``RuleProposer/prepare(corpus:)`` (empty when they do not come from it).
    public var trainingTargetIndices: [Int] = []
    public var trainingOppositeIndices: [Int] = []
    /// Whether the rule may rest on the messages that only anomalous training lines showed (the
    /// builtin learner's alert templates). Such a rule catches no failure of a new kind, so the
    /// loop asks for one in a rollout of its own, and it loses ties to a rule that may.
    public var knownAlerts = false
}

/// Why the previous candidate was not accepted.
public enum Feedback: Sendable {
    /// It did not check, or misclassified contrastive windows: the checker's JSON
    /// diagnostics (empty when it checked) and the windows it got wrong.
    case repair(diagnostics: String, misclassified: [Window], previous: String)
    /// It checked and passed, but covers too little of the target class, or
    /// keys on literals that name one thing (`specific`, described).
    case refine(coverage: Double, previous: String, specific: [String] = [])
}

/// A source of candidate rules: the builtin synthesizer, a language model, or a replayed transcript.
public protocol RuleProposer: Sendable {
    /// Backend name for provenance (`builtin`, `openai`).
    var backend: String { get }
    /// Model name for provenance.
    var model: String { get }
    /// Whether the proposer names its rules by what they test. The loop then keeps a
    /// candidate's own name (made unique in the pack); otherwise it names the rule as the
    /// request does (`abnormal_3`).
    var namesRules: Bool { get }
    /// Whether the proposer can rest a rule on known alerts (``RuleRequest/knownAlerts``); the
    /// loop then asks it for such a rule too in every abnormal epoch.
    var offersKnownAlerts: Bool { get }
    /// Whether the answer to a request depends on that request alone, not on the requests
    /// before it (a recorded transcript replays in order), so that the loop may send an
    /// epoch's requests at once.
    var answersConcurrently: Bool { get }
    /// A rule declaration in the rule language (doc comment, kind, name, body),
    /// or `nil` when the proposer has nothing (more) to offer.
    func propose(_ request: RuleRequest, feedback: Feedback?) async throws -> String?
    /// Called once with the training windows and their labels before any
    /// request, so a proposer can precompute what it needs about them.
    func prepare(corpus: [LabeledWindow])
    /// Called once after selection with the accepted rules and the training and validation
    /// windows together: a proposer whose rules carry what it learned from the training
    /// windows alone (the builtin learner's routine templates) may learn it again from both.
    func relearned(_ rules: [AcceptedRule], corpus: [LabeledWindow]) -> [AcceptedRule]
}

extension RuleProposer {
    public var namesRules: Bool { false }
    public var offersKnownAlerts: Bool { false }
    public var answersConcurrently: Bool { false }
    public func prepare(corpus: [LabeledWindow]) {}
    public func relearned(_ rules: [AcceptedRule], corpus: [LabeledWindow]) -> [AcceptedRule] { rules }
}
