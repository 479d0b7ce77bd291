import WardenCore

/// Message-level scores of a FAME model on labeled messages.
public struct FAMEEvaluation: Sendable {
    /// A message FAME got wrong: a false alarm or a missed anomaly.
    public struct Mistake: Sendable, Encodable {
        public var line: Int
        public var abnormal: Bool
        public var score: Double
        public var domain: String?
        public var seenTemplate: Bool
        public var content: String
    }

    public var overall = Confusion()
    /// By the domain the router chose (``noDomain`` where the gate found none).
    public var perDomain: [String: Confusion] = [:]
    /// Messages whose template the training data never showed.
    public var unseen = Confusion()
    public var seen = Confusion()
    /// False alarms and missed anomalies in input order, up to the limit `evaluate` was given of each.
    public var mistakes: [Mistake] = []

    /// The row of messages the router could not place in any domain (new templates unlike every domain).
    public static let noDomain = "(no domain: new template)"

    public init() {}

    /// Scores every message, keeping at most `mistakeLimit` false alarms and as many misses.
    public static func evaluate(_ model: FAMEModel, on messages: [LabeledMessage], mistakeLimit: Int = .max) -> FAMEEvaluation {
        var kept = (falseAlarms: 0, misses: 0)
        var result = FAMEEvaluation()
        var scratch = SparseVector()
        for message in messages {
            let assessment = message.content.withUnsafeBytes { model.assess(content: $0, scratch: &scratch) }
            let predicted = assessment.score >= model.threshold
            result.overall.add(predicted: predicted, actual: message.abnormal)
            result.perDomain[assessment.domain ?? Self.noDomain, default: Confusion()].add(predicted: predicted, actual: message.abnormal)
            if assessment.template == nil {
                result.unseen.add(predicted: predicted, actual: message.abnormal)
            } else {
                result.seen.add(predicted: predicted, actual: message.abnormal)
            }
            if predicted != message.abnormal, (message.abnormal ? kept.misses : kept.falseAlarms) < mistakeLimit {
                if message.abnormal { kept.misses += 1 } else { kept.falseAlarms += 1 }
                result.mistakes.append(Mistake(line: message.line, abnormal: message.abnormal, score: assessment.score, domain: assessment.domain,
                                               seenTemplate: assessment.template != nil, content: String(decoding: message.content, as: UTF8.self)))
            }
        }
        return result
    }
}
