import Evaluation

/// Message-level scores of a FAME model on labeled messages.
public struct FAMEEvaluation: Sendable {
    public var overall = Confusion()
    /// By the domain the router chose (`unknown` where the gate found none).
    public var perDomain: [String: Confusion] = [:]
    /// Messages whose template the training data never showed.
    public var unseen = Confusion()
    public var seen = Confusion()

    public init() {}

    /// Scores every message.
    public static func evaluate(_ model: FAMEModel, on messages: [LabeledMessage]) -> FAMEEvaluation {
        var result = FAMEEvaluation()
        for message in messages {
            let assessment = message.content.withUnsafeBytes { model.assess(content: $0) }
            let predicted = assessment.score >= model.threshold
            result.overall.add(predicted: predicted, actual: message.anomalous)
            result.perDomain[assessment.domain ?? "unknown", default: Confusion()].add(predicted: predicted, actual: message.anomalous)
            if assessment.template == nil {
                result.unseen.add(predicted: predicted, actual: message.anomalous)
            } else {
                result.seen.add(predicted: predicted, actual: message.anomalous)
            }
        }
        return result
    }
}
