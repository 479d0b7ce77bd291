import Foundation
import LogParsing
import WardenCore

/// What FAME says about one message.
public struct Assessment: Sendable, Hashable {
    /// Probability that the message is abnormal.
    public var score: Double
    /// The failure domain the router chose; `nil` when the gate found no known domain.
    public var domain: String?
    /// The training template the message belongs to (the one Drain would add it
    /// to); `nil` for a message unlike every template seen in training.
    public var template: Int?
}

/// The trained FAME model: the Drain state of the training messages, the
/// template → domain map, the router (gate and domain selector), one expert
/// per domain and a global expert, with the settings they were trained with.
public struct FAMEModel: Sendable {
    public struct Metadata: Sendable, Codable, Hashable {
        public var header: MessageHeader
        public var features: String
        public var dimension: Int
        public var domains: [FailureDomain]
        public var proposer: String
        /// Score at or above which a message is abnormal.
        public var threshold: Double
        /// Where the threshold comes from (`default`, or the validation set it was calibrated on).
        public var thresholdSource: String
        /// The router's lowest confidence for an unseen template to join a domain.
        public var gate: Double
        /// Which domains have their own expert (single-label domains use the global one).
        public var hasExpert: [Bool]
        public var k: Int
        public var trainingMessages: Int
        public var labeledMessages: Int
        /// How many of the training messages are the validation messages the threshold was
        /// calibrated on (the model was trained again with them); `nil` when none are.
        public var validationMessages: Int?
        public var certification: CertificationReport
        public var training: TrainingSettings
        /// The window decision chosen behind a pack when the model was trained (`fame train
        /// --pack`); `nil`: the message threshold, one message.
        public var windowDecision: ChosenWindowDecision?
        /// Whether the model learned from every line of its file (`fame train --split all`): scored on
        /// that file, whatever the split, its figures are in sample.
        public var learnedFromEveryLine: Bool?
    }

    public var metadata: Metadata
    public var drain: Drain
    public let router: SoftmaxModel?
    public var experts: [LogisticModel?]
    public var global: LogisticModel
    public let extractor: any FeatureExtractor
    /// Domain index by template id (`-1`: none).
    private let domainOfTemplate: [Int]
    private let routing: RouterScorer?

    public init(metadata: Metadata, extractor: any FeatureExtractor, drain: Drain, router: SoftmaxModel?, experts: [LogisticModel?], global: LogisticModel) {
        precondition(extractor.identity == metadata.features, "the extractor must be the one the model was trained with")
        self.metadata = metadata
        self.extractor = extractor
        self.drain = drain
        self.router = router
        self.experts = experts
        self.global = global
        var domainOfTemplate = [Int](repeating: -1, count: drain.clusters.count + 1)
        for (template, domain) in DomainPartition(domains: metadata.domains).domainOfTemplate where template >= 0 && template < domainOfTemplate.count {
            domainOfTemplate[template] = domain
        }
        self.domainOfTemplate = domainOfTemplate
        routing = router.map(RouterScorer.init)
    }

    public var threshold: Double { metadata.threshold }

    /// Whether the model learned from the validation split too (``FAMESettings/refit``): its
    /// scores there are no longer out of sample, so nothing should be calibrated on them.
    public var learnedFromValidation: Bool { (metadata.validationMessages ?? 0) > 0 }

    /// The score of a message with no feature the global expert knows: its
    /// bias alone. Thresholds are kept above it, so novelty alone is never an alarm.
    public var noEvidenceScore: Double { global.score(SparseVector()) }

    /// Whether the model reads messages whose header is `header` (the input
    /// format's): a model trained on another format's messages would score
    /// their header fields as content.
    public func reads(_ header: MessageHeader) -> Bool {
        metadata.header == .none || metadata.header == header
    }

    /// Scores one message (the whole message; the header is skipped here).
    public func assess(message: UnsafeRawBufferPointer, scratch: inout SparseVector) -> Assessment {
        assess(content: metadata.header.content(message), scratch: &scratch)
    }

    /// Scores one message's content.
    public func assess(content: UnsafeRawBufferPointer) -> Assessment {
        var features = SparseVector()
        return assess(content: content, scratch: &features)
    }

    /// Scores one message's content, reusing `scratch` for its features.
    public func assess(content: UnsafeRawBufferPointer, scratch features: inout SparseVector) -> Assessment {
        extractor.extract(content, into: &features)
        // An exact match (every literal token equal) is a template seen in training; otherwise the
        // template the message would join, for its domain.
        let (template, exact) = drain.classify(content)
        var domain: Int?
        if let template, domainOfTemplate[template] >= 0 {
            domain = domainOfTemplate[template]
        } else if let routing {
            let best = routing.mostProbable(features)
            if best.probability >= metadata.gate { domain = best.class }
        } else if metadata.domains.count == 1 {
            domain = 0
        }
        // A domain expert knows the templates it was trained on; a message of a template never seen
        // in training (no exact match) goes to the global expert, which learned from every labeled
        // message. The domain is still named for the report. (On the BGL sample, letting domain
        // experts score unseen templates cost 17 points of message F1.)
        let expert = exact ? domain.flatMap { experts[$0] } ?? global : global
        return Assessment(score: expert.score(features), domain: domain.map { metadata.domains[$0].name }, template: template)
    }
}
