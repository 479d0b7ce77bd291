import ChatCompletions
import ChatTestSupport
@testable import FAME
import Foundation
import LogInput
import LogParsing
import RuleRuntime
import Synchronization
import Testing
import WardenCore
import TestSupport

/// Labeled messages of the BGL sample, split chronologically like `fame train`/`fame eval`.
enum BGL {
    static let root = Repository.root

    static func messages(_ split: Split) throws -> [LabeledMessage] {
        let reader = try LogReader(path: root.appendingPathComponent("Samples/BGL_2k/BGL_2k.log").path, decoder: LineDecoder(format: .bgl),
                                   labeling: try Labeling.forFormat(.bgl, labelFile: nil, sessionKey: nil))
        var all: [LabeledMessage] = []
        try reader.forEach { record in
            all.append(LabeledMessage(content: Array(MessageHeader.bgl.content(UnsafeRawBufferPointer(record.message))),
                                      abnormal: record.truth == .abnormal, line: record.number))
        }
        return all.enumerated().filter { split.contains($0.offset, of: all.count) }.map(\.element)
    }

    static var settings: FAMESettings {
        var settings = FAMESettings()
        settings.header = .bgl
        settings.features = HashedNGrams(dimension: 1 << 12)
        return settings
    }
}

/// A small labeled corpus with two clear failure domains.
enum Toy {
    static func messages() -> [LabeledMessage] {
        var messages: [LabeledMessage] = []
        for i in 0..<30 {
            messages.append(LabeledMessage(content: Array("disk sda\(i % 3) read ok in \(i) ms".utf8), abnormal: false))
            messages.append(LabeledMessage(content: Array("disk sdb\(i % 4) read error sector \(i * 7)".utf8), abnormal: true))
            messages.append(LabeledMessage(content: Array("network link eth\(i % 2) up speed 1000".utf8), abnormal: false))
            messages.append(LabeledMessage(content: Array("network link eth\(i % 2) down carrier lost after \(i) s".utf8), abnormal: true))
        }
        return messages
    }
}

@Suite("FAME")
struct FAMETests {
    func trainedToy() async throws -> FAMEModel {
        var settings = FAMESettings()
        settings.features = HashedNGrams(dimension: 1 << 12)
        settings.certification.minimumExamples = 5
        return try await FAMETrainer.train(Toy.messages(), settings: settings).model
    }

    @Test("K-shot: at most K labels per template, with indicators and examples")
    func kShot() {
        var drain = Drain()
        let messages = Toy.messages()
        let templates = messages.map { drain.add($0.content).cluster }
        let sample = KShotSample(messages: messages, templates: templates, drain: drain, k: 7, seed: 1)
        let perTemplate = Dictionary(grouping: sample.indices, by: { templates[$0] })
        #expect(perTemplate.values.allSatisfy { $0.count <= 7 })
        #expect(sample.summaries.count == drain.clusters.count)
        #expect(sample.summaries.allSatisfy { !$0.examples.isEmpty && $0.labeled <= 7 })
        #expect(sample.summaries.contains { $0.indicator == .alwaysAbnormal })
        #expect(sample.summaries.contains { $0.indicator == .alwaysNormal })
        // Same seed, same sample.
        #expect(KShotSample(messages: messages, templates: templates, drain: drain, k: 7, seed: 1).indices == sample.indices)
    }

    @Test("Training is deterministic and the builtin partition certifies")
    func deterministic() async throws {
        let a = try await FAMETrainer.train(Toy.messages(), settings: { var s = FAMESettings(); s.features = HashedNGrams(dimension: 1 << 12); return s }())
        let b = try await FAMETrainer.train(Toy.messages(), settings: { var s = FAMESettings(); s.features = HashedNGrams(dimension: 1 << 12); return s }())
        #expect(try a.model.fileData() == b.model.fileData())
        #expect(a.report.passed)
        #expect(a.partition.domains.count >= 2)
        let disk = Array("disk sdb9 read error sector 4242".utf8).withUnsafeBytes { a.model.assess(content: $0) }
        let fine = Array("network link eth1 up speed 1000".utf8).withUnsafeBytes { a.model.assess(content: $0) }
        #expect(disk.score >= a.model.threshold)
        #expect(fine.score < a.model.threshold)
        #expect(disk.domain != nil && disk.template != nil)
    }

    @Test("A model file round-trips; corrupt, truncated, foreign and other-version files are refused with the reason")
    func modelFile() async throws {
        let result = try await FAMETrainer.train(try BGL.messages(.train), settings: BGL.settings)
        // Repairs merged domains; each is described after what it holds now (its largest template's text first), with unique names.
        #expect(!result.report.repairs.isEmpty)
        let summaries = Dictionary(uniqueKeysWithValues: result.summaries.map { ($0.id, $0) })
        for domain in result.partition.domains {
            let largest = try #require(domain.templates.compactMap { summaries[$0] }.max { ($0.count, -$0.id) < ($1.count, -$1.id) })
            let description = domain.description ?? ""
            #expect(description.hasPrefix("“" + largest.template.prefix(57)), "\(domain.name): \(description)")
            #expect(description.contains("; \(domain.templates.count) template"), "\(domain.name): \(description)")
        }
        #expect(Set(result.partition.domains.map(\.name)).count == result.partition.domains.count)
        let data = try result.model.fileData()
        let restored = try FAMEModel(fileData: data)
        for message in try BGL.messages(.test) {
            let before = message.content.withUnsafeBytes { result.model.assess(content: $0) }
            let after = message.content.withUnsafeBytes { restored.assess(content: $0) }
            #expect(before == after)
        }
        var corrupt = data
        corrupt[corrupt.count - 10] ^= 0x01
        #expect(throws: FAMEError.modelFile("checksum mismatch: the model file is corrupt or truncated")) { try FAMEModel(fileData: corrupt) }
        #expect(throws: FAMEError.modelFile("checksum mismatch: the model file is corrupt or truncated")) { try FAMEModel(fileData: data.prefix(data.count - 100)) }
        #expect(throws: FAMEError.modelFile("not a FAME model file (no `warden-fame` header)")) { try FAMEModel(fileData: Data("hello\nworld\n".utf8)) }
        #expect(throws: FAMEError.modelFile("not a FAME model file (no `warden-fame` header)")) { try FAMEModel(fileData: Data()) }
        var other = data
        other.replaceSubrange(0..<13, with: Data("warden-fame 9".utf8))
        #expect(throws: FAMEError.modelFile("model file version 9; this warden reads version 1 — retrain with `warden fame train`")) { try FAMEModel(fileData: other) }
        var crlf = data
        crlf.insert(0x0D, at: crlf.firstIndex(of: 0x0A)!)
        #expect(throws: FAMEError.modelFile("the model file's header ends in CRLF: a text tool converted its line endings and so damaged it; copy the file in binary mode or retrain")) {
            try FAMEModel(fileData: crlf)
        }
        // Values out of range are refused even when the checksum fits: a threshold that is no probability, a NaN weight, Drain depth 1.
        var wild = result.model.metadata
        wild.threshold = 5
        let wildModel = FAMEModel(metadata: wild, extractor: result.model.extractor, drain: result.model.drain, router: result.model.router,
                                  experts: result.model.experts, global: result.model.global)
        #expect(throws: FAMEError.modelFile("model threshold 5.0 is not a probability (0…1)")) { try FAMEModel(fileData: try wildModel.fileData()) }
        var poisoned = result.model.global
        poisoned.weights[7] = .nan
        let nanModel = FAMEModel(metadata: result.model.metadata, extractor: result.model.extractor, drain: result.model.drain,
                                 router: result.model.router, experts: result.model.experts, global: poisoned)
        #expect(throws: FAMEError.modelFile("model weights hold NaN or infinite values")) { try FAMEModel(fileData: try nanModel.fileData()) }
        var shallow = result.model.drain.settings
        shallow.depth = 1
        let state = String(decoding: try JSONEncoder().encode(result.model.drain), as: UTF8.self)
            .replacingOccurrences(of: "\"depth\":\(result.model.drain.settings.depth)", with: "\"depth\":\(shallow.depth)")
        #expect(state.contains("\"depth\":1"))
        do {
            _ = try JSONDecoder().decode(Drain.self, from: Data(state.utf8))
            Issue.record("a Drain state with depth 1 was accepted")
        } catch {
            #expect("\(error)".contains("depth must be at least 3 (got 1)"))
        }
    }

    @Test("Certification names every failure; a given partition that fails stops training")
    func certificationFailures() async throws {
        let messages = Toy.messages()
        var drain = Drain()
        let templates = messages.map { drain.add($0.content).cluster }
        let ids = Set(templates).sorted()
        #expect(ids.count == 4)
        var bad = DomainPartition(domains: [
            FailureDomain(name: "disk", templates: [ids[0], ids[1], 999]),
            FailureDomain(name: "disk", templates: [ids[1]]),
            FailureDomain(name: "empty", templates: []),
        ])
        var settings = FAMESettings()
        settings.features = HashedNGrams(dimension: 1 << 10)
        do {
            _ = try await FAMETrainer.train(messages, settings: settings, partition: bad)
            Issue.record("training went on with a failing partition")
        } catch let FAMEError.certificationFailed(reasons) {
            let text = reasons.joined(separator: "\n")
            #expect(text.contains("templates in no domain: T\(ids[2]), T\(ids[3])"))
            #expect(text.contains("templates in more than one domain: T\(ids[1])"))
            #expect(text.contains("ids that are no template: T999"))
            #expect(text.contains("repeated: disk"))
            #expect(text.contains("empty: empty"))
        }
        // Too few labeled messages, and labels that disagree within a template.
        bad = DomainPartition(domains: [FailureDomain(name: "all", templates: ids)])
        settings.k = 2
        settings.certification.minimumExamples = 20
        do {
            _ = try await FAMETrainer.train(messages, settings: settings, partition: bad)
            Issue.record("a domain with too few labels certified")
        } catch let FAMEError.certificationFailed(reasons) {
            #expect(reasons.first == "at least 20 labeled messages per domain: all has 8")
            // Disk errors and a link going up do not teach an expert that a link going down is abnormal.
            #expect(reasons.contains { $0.hasPrefix("experts transfer to held-out templates (≥ 60.0%): all 0.0% on 1 held-out templates") })
        }
        let noisy = messages.enumerated().map { LabeledMessage(content: $0.element.content, abnormal: $0.offset % 8 < 4) }
        settings.k = 100
        settings.certification.minimumExamples = 5
        do {
            _ = try await FAMETrainer.train(noisy, settings: settings, partition: bad)
            Issue.record("noisy labels certified")
        } catch let FAMEError.certificationFailed(reasons) {
            #expect(reasons.contains { $0.hasPrefix("labels consistent within domains") })
        }
    }

    @Test("The builtin partition is repaired (tiny domains merged) and says so")
    func repair() async throws {
        var settings = BGL.settings
        settings.certification.minimumExamples = 5
        let result = try await FAMETrainer.train(try BGL.messages(.train), settings: settings)
        #expect(result.report.passed)
        #expect(!result.report.repairs.isEmpty)
        #expect(result.report.repairs.allSatisfy { $0.hasPrefix("merged ") || $0.hasPrefix("removed ") })
        let covered = result.partition.domains.flatMap(\.templates)
        #expect(Set(covered).count == covered.count && covered.count == result.model.drain.clusters.count)
    }

    @Test("LLM proposer: invalid answers go back with the reason; the valid partition is used")
    func llmProposer() async throws {
        var drain = Drain()
        for message in Toy.messages() { drain.add(message.content) }
        let ids = drain.clusters.map(\.id)
        let partition = "{\"domains\": [{\"name\": \"disk\", \"description\": \"storage\", \"templates\": [\(ids[0]), \(ids[1])]}, {\"name\": \"network\", \"templates\": [\(ids[2]), \(ids[3])]}]}"
        let server = try ScriptedServer(script: [
            ScriptedServer.completion("I think disks and networks."),
            ScriptedServer.completion("{\"domains\": [{\"name\": \"disk\", \"templates\": [\"one\"]}]}"),
            ScriptedServer.completion("```json\n" + partition + "\n```"),
        ])
        defer { server.stop() }
        let client = ChatClient(endpoint: ChatEndpoint(baseURL: server.baseURL, model: "scripted", timeout: 5, maximumRetries: 0))
        var settings = FAMESettings()
        settings.features = HashedNGrams(dimension: 1 << 10)
        let result = try await FAMETrainer.train(Toy.messages(), settings: settings, proposer: LLMDomainProposer(client: client))
        #expect(result.partition.domains.map(\.name) == ["disk", "network"])
        #expect(result.partition.proposer == "llm:scripted")
        #expect(server.requests.count == 3)
        #expect(server.requests[1].contains("not a JSON object"))
        #expect(server.requests[2].contains("templates must be an array of template ids"))
        #expect(server.requests[0].contains("Partition all 4 templates"))
    }

    @Test("As the engine's fallback, FAME decides undecided windows and names the messages and domains")
    func fallback() async throws {
        let model = try await trainedToy()
        let engine = DetectionEngine(rules: RuleSet(name: "empty", version: "0", lineTests: [], rules: []), fallback: FAMEFallback(model: model))
        let abnormal = engine.detect(Window(texts: ["network link eth0 up speed 1000", "disk sdb1 read error sector 77", "disk sda0 read ok in 3 ms"]), in: engine.makeContext())
        #expect(abnormal.verdict == .abnormal && abnormal.stage == .fallback)
        #expect(abnormal.evidence == [1])
        #expect(abnormal.findings.count == 1 && abnormal.findings[0].domain != nil && abnormal.findings[0].score >= 0.5)
        // FAME does not vouch for a window it finds nothing in: it stays undecided.
        let quiet = engine.detect(Window(texts: ["network link eth1 up speed 1000", "disk sda2 read ok in 9 ms"]), in: engine.makeContext())
        #expect(quiet.verdict == .undecided && quiet.evidence.isEmpty)
    }

    @Test("Templates a given partition lacks join the domain whose templates share most words with them")
    func extendedPartition() {
        func summary(_ id: Int, _ template: String) -> TemplateSummary {
            TemplateSummary(id: id, template: template, count: 1, labeled: 1, abnormal: 0, indicator: .alwaysNormal, examples: [template],
                            words: Set(template.split(separator: " ").map(String.init)))
        }
        let partition = DomainPartition(domains: [FailureDomain(name: "disk", templates: [0, 1]), FailureDomain(name: "network", templates: [2])])
        let summaries = [summary(0, "disk read ok"), summary(1, "disk read error sector"), summary(2, "network link down carrier"),
                         summary(3, "network link flapping"), summary(4, "disk write error sector")]
        let (extended, added) = BuiltinDomainProposer.extended(partition, with: summaries)
        #expect(added == 2)
        #expect(extended.domains.map(\.templates) == [[0, 1, 4], [2, 3]])
        #expect(BuiltinDomainProposer.extended(extended, with: summaries).1 == 0)
    }

    @Test("Grouping by shared words and merging small domains in one pass give what comparing every group and merging one at a time gave")
    func scalableDomains() {
        var random = SeededGenerator(seed: 11)
        let vocabulary: [String] = (0..<120).map { "word\($0)" }
        let indicators: [TemplateIndicator] = [.alwaysNormal, .alwaysAbnormal, .mixed]
        let summaries = (0..<300).map { id in
            // Some templates without words: they share the empty word.
            let words = Set((0..<Int(random.next() % 3)).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] })
            return TemplateSummary(id: id, template: words.sorted().joined(separator: " "), count: 1 + Int(random.next() % 50), labeled: Int(random.next() % 9),
                                   abnormal: 0, indicator: indicators[Int(random.next() % 3)], examples: [], words: words)
        }
        // Grouping as it was: every template against every group.
        let ordered = summaries.sorted { ($0.count, -$0.id) > ($1.count, -$1.id) }
        var groups: [[TemplateSummary]] = []
        for template in ordered {
            var best: (index: Int, score: Double)?
            for (index, group) in groups.enumerated() {
                let needed = group[0].indicator == template.indicator || template.indicator == .mixed || group[0].indicator == .mixed ? 0.3 : 0.6
                let score = group.map { BuiltinDomainProposer.jaccard($0.words, template.words) }.max() ?? 0
                if score >= needed, score > (best?.score ?? -1) { best = (index, score) }
            }
            if let best { groups[best.index].append(template) } else { groups.append([template]) }
        }
        let grouped = BuiltinDomainProposer.group(summaries, similarity: 0.3)
        #expect(grouped.domains.map(\.templates) == groups.map { $0.map(\.id).sorted() })
        #expect(grouped.domains.count > 20)
        // Merging as it was: the smallest domain under the minimum, one at a time, into the domain
        // whose templates come closest, every domain scored (the first on ties).
        let byID = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0) })
        let labeled = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0.labeled) })
        var partition = grouped
        var repairs: [String] = []
        while partition.domains.count > 1 {
            let counts = partition.domains.map { $0.templates.reduce(0) { $0 + labeled[$1]! } }
            guard let index = counts.indices.filter({ counts[$0] < 12 }).min(by: { counts[$0] < counts[$1] }) else { break }
            repairs.append("merged \(partition.domains[index].name) (\(counts[index]) labeled messages) into the domain sharing most words")
            var domains = partition.domains
            let moving = domains.remove(at: index)
            let words = moving.templates.map { byID[$0]!.words }
            let scores = domains.map { domain in
                domain.templates.flatMap { a in words.map { BuiltinDomainProposer.jaccard(byID[a]!.words, $0) } }.max() ?? 0
            }
            let best = scores.indices.first { scores[$0] == scores.max()! }!
            domains[best].templates = (domains[best].templates + moving.templates).sorted()
            let merged = DomainPartition(domains: domains, proposer: partition.proposer)
            #expect(BuiltinDomainProposer.merge(index, in: partition, summaries: byID) == merged)
            partition = merged
        }
        let merged = BuiltinDomainProposer.mergingSmall(grouped, minimum: 12, maximum: 1000, labeled: labeled, summaries: byID)
        #expect(merged.partition == partition && merged.repairs == repairs)
        #expect(!repairs.isEmpty && partition.domains.count > 1)
        // With a maximum, the smallest merge on until no more domains than that are left.
        let capped = BuiltinDomainProposer.mergingSmall(grouped, minimum: 12, maximum: 3, labeled: labeled, summaries: byID)
        #expect(capped.partition.domains.count == 3)
        #expect(capped.partition.domains.flatMap(\.templates).sorted() == Array(0..<300))
    }

    @Test("The window decision is chosen on validation: it helps when scores separate, abstains when they would hurt")
    func windowDecision() {
        var decided = Confusion()
        decided.add(predicted: true, actual: true)
        // Anomalous windows have two high-scoring messages; a routine one has one.
        let separable: [(scores: [Double], abnormal: Bool)] = [([0.9, 0.8, 0.1], true), ([0.95, 0.7], true), ([0.9, 0.1, 0.1], false)]
        let helped = FAMEFallback.calibrate(decided: decided, undecided: separable)
        #expect(helped.with > helped.without && helped.decision.minimumMessages == 2 && !helped.decision.abstains)
        #expect(helped.decision.isAbnormal([0.9, 0.8]) && !helped.decision.isAbnormal([0.9]))
        // Scores that rank routine windows above anomalies: any decision would lower F1.
        let misleading: [(scores: [Double], abnormal: Bool)] = [([0.2], true), ([0.9], false), ([0.8], false)]
        let kept = FAMEFallback.calibrate(decided: decided, undecided: misleading)
        #expect(kept.decision.abstains && kept.with == kept.without)
        #expect(!WindowDecision.abstain.isAbnormal([1, 1, 1]))
        // No undecided validation window: nothing shows the model deciding well, even its own decision.
        let own = WindowDecision(threshold: 0.35)
        #expect(FAMEFallback.calibrate(decided: decided, undecided: [], loosest: own).decision.abstains)
        #expect(FAMEFallback.calibrate(decided: decided, undecided: separable, loosest: own).decision.abstains == false)
    }

    @Test("A model's own decision, checked on validation windows it learned from, may be made stricter or vetoed, never looser")
    func inSampleDecision() {
        var decided = Confusion()
        decided.add(predicted: true, actual: true)
        let own = WindowDecision(threshold: 0.5)
        // Undecided validation windows that are routine but score high (their messages also occur in
        // anomalies the rules already caught): the own decision lowers F1, so it is vetoed.
        let routine: [(scores: [Double], abnormal: Bool)] = [([0.84, 0.1], false), ([0.83], false)]
        #expect(FAMEFallback.calibrate(decided: decided, undecided: routine, loosest: own).decision.abstains)
        // Nothing to tell them apart on: the own decision stands (an unconstrained calibration would abstain).
        let silent: [(scores: [Double], abnormal: Bool)] = [([0.1], false)]
        #expect(FAMEFallback.calibrate(decided: decided, undecided: silent, loosest: own).decision == own)
        #expect(FAMEFallback.calibrate(decided: decided, undecided: silent).decision.abstains)
        // Only a stricter decision separates: it is chosen.
        let stricter: [(scores: [Double], abnormal: Bool)] = [([0.9, 0.1], true), ([0.6], false)]
        let chosen = FAMEFallback.calibrate(decided: decided, undecided: stricter, loosest: own).decision
        #expect(!chosen.abstains && chosen.threshold > 0.6 && chosen.isAbnormal([0.9]) && !chosen.isAbnormal([0.6]))
        // Only a looser one would help: it is not tried.
        let looser: [(scores: [Double], abnormal: Bool)] = [([0.3], true), ([0.2], true), ([0.1], false)]
        let kept = FAMEFallback.calibrate(decided: decided, undecided: looser, loosest: own).decision
        #expect(kept == own)
        #expect(FAMEFallback.calibrate(decided: decided, undecided: looser).decision.threshold < 0.5)
    }

    @Test("fame eval scores the BGL test split, with recall on templates unseen in training")
    func evaluation() async throws {
        let result = try await FAMETrainer.train(try BGL.messages(.train), settings: BGL.settings)
        let scores = FAMEEvaluation.evaluate(result.model, on: try BGL.messages(.test))
        #expect(scores.overall.total == 600)
        #expect(scores.overall.truePositives + scores.overall.falseNegatives == 34)
        #expect(scores.unseen.total + scores.seen.total == 600)
        #expect(scores.perDomain.values.reduce(0) { $0 + $1.total } == 600)
        // It catches anomalies it never saw a template of: better than chance, not perfect.
        #expect(scores.overall.recall > 0.3)
        #expect(scores.unseen.truePositives > 0)
        // Every mistake is listed, with the line it came from.
        #expect(scores.mistakes.count == scores.overall.falsePositives + scores.overall.falseNegatives)
        #expect(scores.mistakes.allSatisfy { $0.line > 1400 && $0.line <= 2000 })
        // Novelty alone is never an alarm: a message of nothing the model learned scores its bias, below the threshold.
        #expect(result.model.noEvidenceScore < result.model.threshold)
        let novel = Array("qqqx vvvz wwwy".utf8).withUnsafeBytes { result.model.assess(content: $0) }
        #expect(novel.template == nil && novel.score < result.model.threshold)
    }

    @Test("After calibrating on the validation split, the model trains again with it and catches a message type only validation held")
    func refit() async throws {
        let (train, validation, test) = (try BGL.messages(.train), try BGL.messages(.val), try BGL.messages(.test))
        var settings = BGL.settings
        settings.refit = false
        let firstResult = try await FAMETrainer.train(train, validation: validation, settings: settings)
        let first = firstResult.model
        settings.refit = true
        let refit = try await FAMETrainer.train(train, validation: validation, settings: settings).model
        #expect(!first.learnedFromValidation && first.metadata.validationMessages == nil && first.metadata.trainingMessages == train.count)
        #expect(refit.learnedFromValidation && refit.metadata.validationMessages == validation.count)
        #expect(refit.metadata.trainingMessages == train.count + validation.count)
        // The threshold is the one calibrated on validation before the second training.
        #expect(refit.threshold == first.threshold && refit.metadata.thresholdSource.hasPrefix(first.metadata.thresholdSource))
        // Lustre mount failures appear in the validation split and again in the test split, never in training.
        func isLustre(_ message: LabeledMessage) -> Bool { String(decoding: message.content, as: UTF8.self).contains("Lustre mount FAILED") }
        #expect(!train.contains(where: isLustre) && validation.contains(where: isLustre))
        let failures = test.filter(isLustre)
        #expect(!failures.isEmpty && failures.allSatisfy(\.abnormal))
        for message in failures {
            let (before, after) = message.content.withUnsafeBytes { (first.assess(content: $0).score, refit.assess(content: $0).score) }
            #expect(before < first.threshold && after >= refit.threshold, "line \(message.line): \(before) → \(after)")
        }
        // A given partition names the training templates only: those new in validation join the domains sharing
        // most words, and when the partition then fails certification the first model is kept, with the reason.
        let given = firstResult.partition
        var lines: [String] = []
        let kept = try await FAMETrainer.train(train, validation: validation, settings: settings, partition: given, log: { lines.append($0) })
        #expect(lines.contains { $0.hasPrefix("18 templates new in the validation split joined the domains sharing most words") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("kept the model trained on the training split: with the validation templates the partition does not certify") })
        #expect(!kept.model.learnedFromValidation && kept.model.threshold == first.threshold && kept.partition == given)
        // The model file keeps what it learned from, and refuses a count that cannot be.
        let read = try FAMEModel(fileData: try refit.fileData())
        #expect(read.metadata.validationMessages == validation.count)
        var wild = refit
        wild.metadata.validationMessages = refit.metadata.trainingMessages + 1
        #expect(throws: FAMEError.self) { try FAMEModel(fileData: try wild.fileData()) }
    }

    @Test("A window decision chosen at training sees the model trained on the training split, survives the second training and the model file, and is the fallback's default, with any part given replaced")
    func windowDecisionChosenAtTraining() async throws {
        let (train, validation) = (try BGL.messages(.train), try BGL.messages(.val))
        let chosen = ChosenWindowDecision(decision: WindowDecision(threshold: 0.85, minimumMessages: 2), source: "chosen in a test")
        let seen = Mutex<[Bool]>([])
        let result = try await FAMETrainer.train(train, validation: validation, settings: BGL.settings, windowDecision: { model in
            seen.withLock { $0.append(model.learnedFromValidation) }
            return chosen
        })
        // Called once, with the model that has not learned from the validation split.
        #expect(seen.withLock { $0 } == [false])
        let model = result.model
        #expect(model.learnedFromValidation && model.metadata.windowDecision == chosen)
        let read = try FAMEModel(fileData: try model.fileData())
        #expect(read.metadata.windowDecision == chosen)
        #expect(FAMEFallback(model: read).decision == chosen.decision)
        #expect(FAMEFallback(model: read, decision: .abstain).decision == .abstain)
        // Without one, the fallback decides on the message threshold, one message; an impossible decision is refused.
        var plain = model
        plain.metadata.windowDecision = nil
        #expect(FAMEFallback(model: plain).decision == WindowDecision(threshold: model.threshold))
        // A part given replaces that part of the model's own decision and keeps the other.
        #expect(read.windowDecision(threshold: nil, minimumMessages: 3) == WindowDecision(threshold: 0.85, minimumMessages: 3))
        #expect(read.windowDecision(threshold: 0.6, minimumMessages: nil) == WindowDecision(threshold: 0.6, minimumMessages: 2))
        #expect(read.windowDecision(threshold: nil, minimumMessages: nil) == chosen.decision)
        #expect(plain.windowDecision(threshold: nil, minimumMessages: 2) == WindowDecision(threshold: model.threshold, minimumMessages: 2))
        var abstaining = model
        abstaining.metadata.windowDecision = ChosenWindowDecision(decision: .abstain, source: "")
        #expect(abstaining.windowDecision(threshold: nil, minimumMessages: 2) == WindowDecision(threshold: model.threshold, minimumMessages: 2))
        var wild = model
        wild.metadata.windowDecision = ChosenWindowDecision(decision: WindowDecision(threshold: 0.5, minimumMessages: 0), source: "")
        #expect(throws: FAMEError.modelFile("model window decision (threshold 0.5, 0 messages) is out of range")) {
            try FAMEModel(fileData: try wild.fileData())
        }
    }
}
