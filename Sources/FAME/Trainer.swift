import LogParsing

/// Settings of `fame train`.
public struct FAMESettings: Sendable {
    /// Labeled messages per template (K).
    public var k = 100
    public var drain = DrainSettings()
    public var header = MessageHeader.none
    /// Hashed feature dimension (a power of two).
    public var dimension = 1 << 16
    public var certification = CertificationSettings()
    public var training = TrainingSettings()
    public var threshold = 0.5
    public var gate = 0.5
    public var seed: UInt64 = 42

    public init() {}
}

/// What training produced, with what a user needs to judge it.
public struct FAMETrainingResult: Sendable {
    public var model: FAMEModel
    public var partition: DomainPartition
    public var summaries: [TemplateSummary]
    public var report: CertificationReport
}

/// Trains FAME from labeled messages: mine templates, draw at most K labels
/// per template, get a partition (given, or proposed once), certify it, then
/// train the router, one expert per domain and a global expert.
public enum FAMETrainer {
    public static func train(
        _ messages: [LabeledMessage], settings: FAMESettings, partition given: DomainPartition? = nil,
        proposer: (any DomainProposer)? = nil, log: (String) -> Void = { _ in }
    ) async throws -> FAMETrainingResult {
        guard !messages.isEmpty else { throw FAMEError.noTrainingData("no labeled messages to train on") }
        var drain = Drain(settings: settings.drain)
        let templates = messages.map { drain.add($0.content).cluster }
        let sample = KShotSample(messages: messages, templates: templates, drain: drain, k: settings.k, seed: settings.seed)
        let extractor = HashedNGrams(dimension: settings.dimension)
        let examples = sample.indices.map { index -> (template: Int, features: SparseVector, anomalous: Bool) in
            var vector = SparseVector()
            messages[index].content.withUnsafeBytes { extractor.extract($0, into: &vector) }
            return (templates[index], vector, messages[index].anomalous)
        }
        let anomalies = examples.filter(\.anomalous).count
        log("templates: \(drain.clusters.count) from \(messages.count) messages; K-shot sample: \(examples.count) labeled (\(anomalies) anomalous, K = \(settings.k))")

        var partition: DomainPartition
        var repairable = false
        if let given {
            partition = given
        } else {
            let proposer = proposer ?? BuiltinDomainProposer()
            partition = try await proposer.propose(sample.summaries)
            partition.proposer = proposer.name
            repairable = proposer.repairable
        }
        log("partition from \(partition.proposer ?? "file"): \(partition.domains.count) domains")

        func certify(_ partition: DomainPartition) -> CertificationReport {
            Certification.certify(partition, summaries: sample.summaries, examples: examples, dimension: settings.dimension,
                                  settings: settings.certification, training: settings.training)
        }
        var report = certify(partition)
        var repairs: [String] = []
        let summaries = Dictionary(uniqueKeysWithValues: sample.summaries.map { ($0.id, $0) })
        while repairable, !report.passed, partition.domains.count > 1 {
            let domainOf = partition.domainOfTemplate
            var counts = [Int](repeating: 0, count: partition.domains.count)
            for example in examples { if let domain = domainOf[example.template] { counts[domain] += 1 } }
            if let empty = partition.domains.firstIndex(where: { $0.templates.isEmpty }) {
                repairs.append("removed the empty domain \(partition.domains[empty].name)")
                partition.domains.remove(at: empty)
            } else {
                // The domain with the fewest labeled messages, or the first failing one when sizes are fine.
                let failing = report.failures.joined(separator: " ")
                let index = counts.indices.filter { counts[$0] < settings.certification.minimumExamples }.min { counts[$0] < counts[$1] }
                    ?? partition.domains.indices.first { failing.contains(partition.domains[$0].name + " ") }
                    ?? counts.indices.min { counts[$0] < counts[$1] }!
                let name = partition.domains[index].name
                partition = BuiltinDomainProposer.merge(index, in: partition, summaries: summaries)
                repairs.append("merged \(name) (\(counts[index]) labeled messages) into the domain sharing most words")
            }
            report = certify(partition)
        }
        report.repairs = repairs
        guard report.passed else { throw FAMEError.certificationFailed(report.failures) }

        // The router learns which domain a message's features point to; experts learn anomalies within a domain.
        let domainOf = partition.domainOfTemplate
        let router: SoftmaxModel? = partition.domains.count > 1
            ? SoftmaxModel.train(examples.map { ($0.features, domainOf[$0.template]!) }, classes: partition.domains.count,
                                 dimension: settings.dimension, settings: settings.training)
            : nil
        var experts: [LogisticModel?] = []
        for index in partition.domains.indices {
            let members = examples.filter { domainOf[$0.template] == index }
            let labels = Set(members.map(\.anomalous))
            experts.append(labels.count == 2
                ? LogisticModel.train(members.map { ($0.features, $0.anomalous) }, dimension: settings.dimension, settings: settings.training)
                : nil)
        }
        let global = LogisticModel.train(examples.map { ($0.features, $0.anomalous) }, dimension: settings.dimension, settings: settings.training)
        let metadata = FAMEModel.Metadata(
            header: settings.header, features: extractor.identity, dimension: settings.dimension, domains: partition.domains,
            proposer: partition.proposer ?? "file", threshold: settings.threshold, gate: settings.gate,
            hasExpert: experts.map { $0 != nil }, k: settings.k, trainingMessages: messages.count, labeledMessages: examples.count,
            certification: report, training: settings.training)
        let model = FAMEModel(metadata: metadata, drain: drain, router: router, experts: experts, global: global)
        return FAMETrainingResult(model: model, partition: partition, summaries: sample.summaries, report: report)
    }
}
