import RuleRuntime

/// FAME as the engine's fallback: every message of an undecided window is
/// scored; the window is abnormal when any message reaches the threshold, and
/// the evidence names those messages with their scores and failure domains.
public struct FAMEFallback: Fallback {
    public let model: FAMEModel

    public init(model: FAMEModel) { self.model = model }

    public var name: String { "fame" }

    public func decide(_ window: Window) -> FallbackDecision {
        var evidence: [Int] = []
        var findings: [MessageFinding] = []
        var scratch = SparseVector()
        for position in 0..<window.count {
            let assessment = window.withLine(position) { model.assess(message: UnsafeRawBufferPointer($0), scratch: &scratch) }
            if assessment.score >= model.threshold {
                evidence.append(position)
                findings.append(MessageFinding(position: position, score: assessment.score, domain: assessment.domain))
            }
        }
        return FallbackDecision(verdict: evidence.isEmpty ? .normal : .abnormal, evidence: evidence, findings: findings)
    }
}
