import RuleRuntime
import WardenCore

/// How FAME turns the message scores of an undecided window into a verdict:
/// abnormal when at least `minimumMessages` messages score at least
/// `threshold`; otherwise the window stays undecided (FAME is not confident
/// enough to call it abnormal, and it never vouches for a window as normal).
/// `abstains` leaves every window undecided.
public struct WindowDecision: Sendable, Hashable, Codable {
    public var threshold: Double
    public var minimumMessages: Int
    public var abstains: Bool

    public init(threshold: Double, minimumMessages: Int = 1, abstains: Bool = false) {
        self.threshold = threshold
        self.minimumMessages = minimumMessages
        self.abstains = abstains
    }

    public static let abstain = WindowDecision(threshold: 1, minimumMessages: 1, abstains: true)

    /// Whether a window whose messages scored `scores` is abnormal.
    public func isAbnormal(_ scores: [Double]) -> Bool {
        !abstains && scores.lazy.filter { $0 >= threshold }.count >= minimumMessages
    }

    public var description: String {
        abstains ? "abstains (leaves every window undecided)"
            : "abnormal when at least \(minimumMessages) message\(minimumMessages == 1 ? "" : "s") score\(minimumMessages == 1 ? "s" : "") \(threshold) or more"
    }
}

/// A window decision chosen when the model was trained, and where: on the validation
/// windows a pack leaves undecided, scored by the model trained on the training split alone
/// (so out of sample), before it was trained again with the validation split.
public struct ChosenWindowDecision: Sendable, Codable, Hashable {
    public var decision: WindowDecision
    /// Where it was chosen, with the validation window F1 without and with it.
    public var source: String

    public init(decision: WindowDecision, source: String) {
        self.decision = decision
        self.source = source
    }
}

/// FAME as the engine's fallback: every message of an undecided window is
/// scored, the ``WindowDecision`` gives the verdict, and the evidence names
/// the messages at or above its threshold with their scores and failure domains.
public struct FAMEFallback: Fallback {
    public let model: FAMEModel
    public let decision: WindowDecision

    /// `decision` defaults to the one the model was trained with behind a pack
    /// (``FAMEModel/Metadata/windowDecision``), else the model's message threshold, one message.
    public init(model: FAMEModel, decision: WindowDecision? = nil) {
        self.model = model
        self.decision = decision ?? model.defaultWindowDecision
    }

    public var name: String { "fame" }

    /// Every message's assessment, in window order.
    public func assess(_ window: Window) -> [Assessment] {
        var scratch = SparseVector()
        return (0..<window.count).map { position in
            window.withLine(position) { model.assess(message: UnsafeRawBufferPointer($0), scratch: &scratch) }
        }
    }

    public func decide(_ window: Window) -> FallbackDecision {
        decide(assess(window))
    }

    /// The verdict for a window whose messages were assessed as `assessments`.
    public func decide(_ assessments: [Assessment]) -> FallbackDecision {
        guard decision.isAbnormal(assessments.map(\.score)) else { return FallbackDecision(verdict: .undecided) }
        var evidence: [Int] = []
        var findings: [MessageFinding] = []
        for (position, assessment) in assessments.enumerated() where assessment.score >= decision.threshold {
            evidence.append(position)
            findings.append(MessageFinding(position: position, score: assessment.score, domain: assessment.domain))
        }
        return FallbackDecision(verdict: .abnormal, evidence: evidence, findings: findings)
    }

    /// The window decision with the best window F1 on validation windows, or
    /// ``WindowDecision/abstain`` unless one beats the rules alone.
    ///
    /// - Parameters:
    ///   - decided: the confusion of the validation windows the rules decided.
    ///   - undecided: each undecided validation window's message scores and truth.
    ///   - floor: thresholds at or below it are not tried (the model's
    ///     ``FAMEModel/noEvidenceScore``: a message FAME knows nothing about never counts).
    ///   - loosest: when given, it stands unless abstaining or a stricter decision
    ///     (its threshold or higher, its number of messages or more) does better.
    ///     For a model that learned from the validation windows: its scores there
    ///     are in sample and overstate what it knows, so they may make its own
    ///     decision stricter or veto it, never looser.
    /// With no undecided validation window, nothing shows how the model decides the windows
    /// the rules leave, and it abstains: behind a pack learned from HDFS_2pct_dev's sessions
    /// that decided every validation session, its own decision flagged all four normal test
    /// sessions the pack left undecided.
    /// Thresholds 0.05…0.95 and 1…5 messages are tried; among equal F1 the
    /// stricter decision wins (higher threshold, then more messages), so the
    /// fallback never lowers the validation F1 it was calibrated on.
    public static func calibrate(decided: Confusion, undecided: [(scores: [Double], abnormal: Bool)], above floor: Double = 0,
                                 loosest: WindowDecision? = nil)
        -> (decision: WindowDecision, without: Double, with: Double) {
        func f1(_ decision: WindowDecision) -> Double {
            var confusion = decided
            for window in undecided { confusion.add(predicted: decision.isAbnormal(window.scores), actual: window.abnormal) }
            return confusion.f1
        }
        let without = f1(.abstain)
        guard !undecided.isEmpty else { return (.abstain, without, without) }
        var best = (decision: WindowDecision.abstain, f1: without)
        if let loosest {
            let score = f1(loosest)
            if score >= without { best = (loosest, score) }
        }
        let lowest = loosest.map { max(1, Int(($0.threshold * 20 - 1e-9).rounded(.up))) } ?? 1
        let fewest = loosest?.minimumMessages ?? 1
        for step in stride(from: 19, through: lowest, by: -1) where Double(step) / 20 > floor {
            for minimum in stride(from: 5, through: fewest, by: -1) {
                let candidate = WindowDecision(threshold: Double(step) / 20, minimumMessages: minimum)
                let score = f1(candidate)
                if score > best.f1 + 1e-12 { best = (candidate, score) }
            }
        }
        return (best.decision, without, best.f1)
    }
}

extension FAMEModel {
    /// The window decision the model makes unless told otherwise: the one chosen behind a pack
    /// when it was trained, else a window is abnormal when one message reaches its threshold.
    public var defaultWindowDecision: WindowDecision {
        metadata.windowDecision?.decision ?? WindowDecision(threshold: threshold)
    }

    /// The default decision with its threshold and minimum number of messages replaced where
    /// given. An abstaining default has neither: the model's threshold and one message stand in.
    public func windowDecision(threshold: Double?, minimumMessages: Int?) -> WindowDecision {
        let base = defaultWindowDecision
        guard threshold != nil || minimumMessages != nil else { return base }
        let own = base.abstains ? WindowDecision(threshold: self.threshold) : base
        return WindowDecision(threshold: threshold ?? own.threshold, minimumMessages: minimumMessages ?? own.minimumMessages)
    }
}
