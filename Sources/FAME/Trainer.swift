import LogParsing
import WardenCore

/// Settings of `fame train`.
public struct FAMESettings: Sendable {
    /// Labeled messages per template (K).
    public var k = 100
    public var drain = DrainSettings()
    public var header = MessageHeader.none
    /// How messages become features (hashed n-grams unless another extractor is given).
    public var features: any FeatureExtractor = HashedNGrams()
    public var certification = CertificationSettings()
    public var training = TrainingSettings()
    /// Score at or above which a message is abnormal, unless calibrated.
    public var threshold = 0.5
    /// Pick the threshold that maximises F1 on the validation messages (when they hold both labels).
    public var calibrate = true
    /// Then train again on the training and validation messages together, keeping that threshold:
    /// the validation split is the data nearest to what the model will score, and on a chronological
    /// split it holds message types the training split lacks.
    public var refit = true
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
/// train the router, one expert per domain and a global expert. With validation
/// messages, the threshold is calibrated on them, and then (``FAMESettings/refit``)
/// the whole model is trained again on the training and validation messages.
public enum FAMETrainer {
    ///
    /// `windowDecision`, when given, is called with the model trained on the training split
    /// (threshold calibrated, not yet trained again): the window decision it returns, chosen on
    /// validation windows that model never saw, goes into the model's metadata.
    public static func train(
        _ messages: [LabeledMessage], validation: [LabeledMessage] = [], settings: FAMESettings, partition given: DomainPartition? = nil,
        proposer: (any DomainProposer)? = nil, windowDecision: ((FAMEModel) throws -> ChosenWindowDecision?)? = nil,
        log: (String) -> Void = { _ in }
    ) async throws -> FAMETrainingResult {
        try await train(messages, validation: validation, settings: settings, partition: given, extending: false, proposer: proposer,
                        windowDecision: windowDecision, log: log)
    }

    /// With `extending`, templates the given partition lacks join the domains sharing most words
    /// with them (training again with validation messages, whose new templates no partition named).
    private static func train(
        _ messages: [LabeledMessage], validation: [LabeledMessage], settings: FAMESettings, partition given: DomainPartition?,
        extending: Bool, proposer: (any DomainProposer)?, windowDecision: ((FAMEModel) throws -> ChosenWindowDecision?)? = nil,
        log: (String) -> Void
    ) async throws -> FAMETrainingResult {
        guard !messages.isEmpty else { throw FAMEError.noTrainingData("no labeled messages to train on") }
        var drain = Drain(settings: settings.drain)
        let templates = messages.map { drain.add($0.content).cluster }
        let sample = KShotSample(messages: messages, templates: templates, drain: drain, k: settings.k, seed: settings.seed)
        let extractor = settings.features
        let dimension = extractor.dimension
        let examples = sample.indices.map { index -> (template: Int, features: SparseVector, abnormal: Bool) in
            var vector = SparseVector()
            messages[index].content.withUnsafeBytes { extractor.extract($0, into: &vector) }
            return (templates[index], vector, messages[index].abnormal)
        }
        let anomalies = examples.filter(\.abnormal).count
        log("templates: \(drain.clusters.count) from \(messages.count) messages; K-shot sample: \(examples.count) labeled (\(anomalies) abnormal, K = \(settings.k))")
        if anomalies == 0 { log("warning: no labeled message is abnormal, so the model will score every message as normal") }

        var partition: DomainPartition
        var repairable = false
        if let given, extending {
            let added: Int
            (partition, added) = BuiltinDomainProposer.extended(given, with: sample.summaries)
            if added > 0 { log("\(added) templates new in the validation split joined the domains sharing most words with them") }
        } else if let given {
            partition = given
        } else {
            let proposer = proposer ?? BuiltinDomainProposer()
            partition = try await proposer.propose(sample.summaries)
            partition.proposer = proposer.name
            repairable = proposer.repairable
        }
        log("partition from \(partition.proposer ?? "file"): \(partition.domains.count) domains")

        func certify(_ partition: DomainPartition) -> CertificationReport {
            Certification.certify(partition, summaries: sample.summaries, examples: examples, dimension: dimension,
                                  settings: settings.certification, training: settings.training)
        }
        var report = certify(partition)
        var repairs: [String] = []
        let summaries = Dictionary(uniqueKeysWithValues: sample.summaries.map { ($0.id, $0) })
        // Empty and small domains first, all of them before certifying again.
        if repairable {
            var labeled: [Int: Int] = [:]
            for example in examples { labeled[example.template, default: 0] += 1 }
            (partition, repairs) = BuiltinDomainProposer.mergingSmall(
                partition, minimum: settings.certification.minimumExamples, maximum: settings.certification.maximumDomains,
                labeled: labeled, summaries: summaries)
            if !repairs.isEmpty { report = certify(partition) }
        }
        while repairable, !report.passed, partition.domains.count > 1 {
            let domainOf = partition.domainOfTemplate
            var counts = [Int](repeating: 0, count: partition.domains.count)
            for example in examples { if let domain = domainOf[example.template] { counts[domain] += 1 } }
            if let empty = partition.domains.firstIndex(where: { $0.templates.isEmpty }) {
                repairs.append("removed the empty domain \(partition.domains[empty].name)")
                partition.domains.remove(at: empty)
            } else {
                // The domain with the fewest labeled messages, or the first failing one when sizes are fine.
                let failing = Set(report.checks.filter { !$0.passed }.flatMap(\.domains))
                let index = counts.indices.filter { counts[$0] < settings.certification.minimumExamples }.min { counts[$0] < counts[$1] }
                    ?? partition.domains.indices.first { failing.contains(partition.domains[$0].name) }
                    ?? counts.indices.min { counts[$0] < counts[$1] }!
                let name = partition.domains[index].name
                partition = BuiltinDomainProposer.merge(index, in: partition, summaries: summaries)
                repairs.append("merged \(name) (\(counts[index]) labeled messages) into the domain sharing most words")
            }
            report = certify(partition)
        }
        if !repairs.isEmpty {
            // Merged domains are named and described after what they hold now.
            partition = BuiltinDomainProposer.renamed(partition, summaries: summaries)
            report = certify(partition)
        }
        report.repairs = repairs
        guard report.passed else { throw FAMEError.certificationFailed(report.failures) }

        // The router learns which domain a message's features point to; experts learn anomalies within a domain.
        let domainOf = partition.domainOfTemplate
        let router: SoftmaxModel? = partition.domains.count > 1
            ? SoftmaxModel.train(examples.map { ($0.features, domainOf[$0.template]!) }, classes: partition.domains.count,
                                 dimension: dimension, settings: settings.training)
            : nil
        var experts: [LogisticModel?] = []
        for index in partition.domains.indices {
            let members = examples.filter { domainOf[$0.template] == index }
            let labels = Set(members.map(\.abnormal))
            experts.append(labels.count == 2
                ? LogisticModel.train(members.map { ($0.features, $0.abnormal) }, dimension: dimension, settings: settings.training)
                : nil)
        }
        let global = LogisticModel.train(examples.map { ($0.features, $0.abnormal) }, dimension: dimension, settings: settings.training)
        var metadata = FAMEModel.Metadata(
            header: settings.header, features: extractor.identity, dimension: dimension, domains: partition.domains,
            proposer: partition.proposer ?? "file", threshold: settings.threshold, thresholdSource: "default", gate: settings.gate,
            hasExpert: experts.map { $0 != nil }, k: settings.k, trainingMessages: messages.count, labeledMessages: examples.count,
            certification: report, training: settings.training)
        var model = FAMEModel(metadata: metadata, extractor: extractor, drain: drain, router: router, experts: experts, global: global)
        if settings.calibrate, let (threshold, f1) = calibrate(model, on: validation) {
            metadata.threshold = threshold
            metadata.thresholdSource = "validation (\(validation.count) messages, F1 \(Certification.percent(f1)))"
            model = FAMEModel(metadata: metadata, extractor: extractor, drain: drain, router: router, experts: experts, global: global)
            log("threshold \(threshold) from \(metadata.thresholdSource)")
        }
        if let windowDecision, let chosen = try windowDecision(model) {
            metadata.windowDecision = chosen
            model = FAMEModel(metadata: metadata, extractor: extractor, drain: drain, router: router, experts: experts, global: global)
            log("window decision: \(chosen.decision.description) (\(chosen.source))")
        }
        let result = FAMETrainingResult(model: model, partition: partition, summaries: sample.summaries, report: report)
        if settings.refit, !validation.isEmpty {
            return try await refit(messages, validation: validation, settings: settings, first: result,
                                   partition: given ?? (repairable ? nil : partition), proposer: proposer, log: log)
        }
        return result
    }
}

extension FAMETrainer {
    /// Trains again on `messages` and `validation` together, with the threshold (and its source) of
    /// the `first` model. The partition is proposed again by the builtin proposer, which then sees the
    /// validation templates too; a given or LLM partition is kept (template ids of the training
    /// messages do not change, as Drain reads them first in the same order), and the templates new
    /// in validation join its domains. The threshold stays above the new model's
    /// ``FAMEModel/noEvidenceScore``. When that partition no longer certifies, `first` is kept.
    private static func refit(
        _ messages: [LabeledMessage], validation: [LabeledMessage], settings: FAMESettings, first: FAMETrainingResult,
        partition: DomainPartition?, proposer: (any DomainProposer)?, log: (String) -> Void
    ) async throws -> FAMETrainingResult {
        log("training again on the \(messages.count) training and \(validation.count) validation messages")
        var settings = settings
        settings.calibrate = false
        settings.refit = false
        settings.threshold = first.model.threshold
        var result: FAMETrainingResult
        do {
            result = try await train(messages + validation, validation: [], settings: settings, partition: partition, extending: true,
                                     proposer: proposer, log: log)
        } catch FAMEError.certificationFailed(let reasons) {
            log("kept the model trained on the training split: with the validation templates the partition does not certify ("
                + reasons.joined(separator: "; ") + ")")
            return first
        }
        var metadata = result.model.metadata
        let floor = result.model.noEvidenceScore
        if metadata.threshold <= floor { metadata.threshold = min(0.95, ((floor / 0.05).rounded(.down) + 1) * 0.05) }
        metadata.thresholdSource = first.model.metadata.thresholdSource + "; then trained again with the validation messages"
        metadata.windowDecision = first.model.metadata.windowDecision
        metadata.validationMessages = validation.count
        result.model = FAMEModel(metadata: metadata, extractor: result.model.extractor, drain: result.model.drain, router: result.model.router,
                                 experts: result.model.experts, global: result.model.global)
        return result
    }

    /// The threshold in 0.05…0.95 (steps of 0.05) with the best F1 on `validation`,
    /// ties going to the one nearest 0.5, above the model's ``FAMEModel/noEvidenceScore``
    /// (a message the model knows nothing about is never flagged); `nil` unless
    /// `validation` holds both labels and the best threshold beats flagging every
    /// message (otherwise the scores carry no signal there and the default stays).
    static func calibrate(_ model: FAMEModel, on validation: [LabeledMessage]) -> (Double, Double)? {
        guard validation.contains(where: \.abnormal), validation.contains(where: { !$0.abnormal }) else { return nil }
        var scratch = SparseVector()
        let scored = validation.map { message in
            (message.content.withUnsafeBytes { model.assess(content: $0, scratch: &scratch).score }, message.abnormal)
        }
        var best: (threshold: Double, f1: Double)?
        let floor = model.noEvidenceScore
        for step in 1...19 where Double(step) / 20 > floor {
            let threshold = Double(step) / 20
            var tp = 0, fp = 0, fn = 0
            for (score, abnormal) in scored {
                let flagged = score >= threshold
                if flagged && abnormal { tp += 1 } else if flagged { fp += 1 } else if abnormal { fn += 1 }
            }
            let f1 = tp == 0 ? 0 : 2.0 * Double(tp) / Double(2 * tp + fp + fn)
            if best == nil || f1 > best!.f1 || (f1 == best!.f1 && abs(threshold - 0.5) < abs(best!.threshold - 0.5)) {
                best = (threshold, f1)
            }
        }
        let positives = scored.filter(\.1).count
        let flagEverything = 2.0 * Double(positives) / Double(positives + scored.count)
        guard let best, best.f1 > flagEverything else { return nil }
        return (best.threshold, best.f1)
    }
}
