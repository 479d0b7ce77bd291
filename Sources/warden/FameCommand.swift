import ArgumentParser
import ChatCompletions
import Evaluation
import FAME
import Foundation
import LogInput
import LogParsing
import RuleRuntime
import WardenCore

/// `warden fame`: the message-level fallback (FAME).
struct FameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fame",
        abstract: "Train and evaluate FAME, the message-level fallback for windows no rule decides.",
        subcommands: [FameTrainCommand.self, FameEvalCommand.self]
    )
}

/// Where the failure-domain partition comes from.
enum DomainSource: String, ExpressibleByArgument, CaseIterable {
    case builtin, llm
}

/// Labeled messages of one split, content only (labels stay beside them).
struct MessageSet {
    var messages: [LabeledMessage] = []
    var unlabeled = 0
    /// Every line of the file: read, and skipped by reason.
    var accounting = LineAccounting()

    /// `lines: N read, M skipped (reason)`.
    var linesSummary: String {
        var text = "lines: \(accounting.read) read"
        let skipped = accounting.skipped.sorted { $0.key.rawValue < $1.key.rawValue }
        text += skipped.isEmpty ? ", 0 skipped" : skipped.map { ", \($0.value) skipped (\($0.key.rawValue))" }.joined()
        return text
    }
}

/// Reads the labeled messages of `split` (chronological 6:1:3 over lines).
func readMessages(_ input: InputOptions, file: String, labels: String?, split: Split, header: MessageHeader) throws -> MessageSet {
    let reader = try input.reader(path: file, labels: labels)
    if reader.labeling.isNone {
        throw ValidationError("format \(input.format.rawValue) has no labels in the log; pass --labels FILE")
    }
    var all: [(content: [UInt8], truth: Truth?, line: Int)] = []
    try reader.forEach { record in
        all.append((Array(header.content(UnsafeRawBufferPointer(record.message))), record.truth, record.number))
    }
    var set = MessageSet(accounting: reader.accounting)
    for (index, line) in all.enumerated() where split.contains(index, of: all.count) {
        guard let truth = line.truth else { set.unlabeled += 1; continue }
        set.messages.append(LabeledMessage(content: line.content, abnormal: truth == .abnormal, line: line.line))
    }
    return set
}

/// `--fallback MODEL`: what decides the windows no rule decides.
struct FallbackOptions: ParsableArguments {
    @Option(help: "A FAME model (from `warden fame train`) to decide the windows no rule decides; without it they are normal.")
    var fallback: String?

    @Option(help: "With --fallback: a window is abnormal when at least --fallback-min-messages messages score this or more (default: the model's threshold; eval calibrates both on the validation split unless given).")
    var fallbackThreshold: Double?

    @Option(help: "With --fallback: how many messages must reach the threshold (default 1).")
    var fallbackMinMessages: Int?

    /// The window decision the options give, if any.
    var explicitDecision: WindowDecision? {
        guard fallbackThreshold != nil || fallbackMinMessages != nil else { return nil }
        return WindowDecision(threshold: fallbackThreshold ?? 0.5, minimumMessages: fallbackMinMessages ?? 1)
    }

    func validate() throws {
        if let threshold = fallbackThreshold, !(0...1).contains(threshold) { throw ValidationError("--fallback-threshold takes a score between 0 and 1") }
        if let minimum = fallbackMinMessages, minimum < 1 { throw ValidationError("--fallback-min-messages must be at least 1") }
    }

    /// The FAME fallback for input of `format`, or `nil` without `--fallback`; a
    /// model trained on another format's messages is refused.
    func fame(for format: LogFormat) throws -> FAMEFallback? {
        guard let fallback else { return nil }
        let model = try loadFAMEModel(fallback)
        let header = model.metadata.header
        guard header == .none || header == format.messageHeader else {
            throw CommandFailure("\(fallback) was trained on \(header.rawValue) messages; the input format is \(format.rawValue) (train a model on this format)")
        }
        let decision = explicitDecision.map { explicit in
            WindowDecision(threshold: fallbackThreshold ?? model.threshold, minimumMessages: explicit.minimumMessages)
        }
        return FAMEFallback(model: model, decision: decision)
    }

    /// The fallback for input of `format`: FAME, or undecided windows are normal.
    func make(for format: LogFormat) throws -> any Fallback {
        try fame(for: format) ?? UndecidedIsNormal()
    }
}

/// Loads a model file with a clear error.
func loadFAMEModel(_ path: String) throws -> FAMEModel {
    let data = try readFile(path)
    do { return try FAMEModel(fileData: data) } catch let error as FAMEError {
        throw CommandFailure("\(path): \(error.description)")
    }
}

/// `warden fame train`.
struct FameTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a FAME model from labeled logs.",
        discussion: """
            Mines templates with Drain from the training split, labels at most K messages per \
            template, gets a failure-domain partition (--domains FILE, or proposed once by \
            --propose builtin|llm), certifies it, and trains a router and one expert per \
            domain. The built-in proposer's partition is repaired (tiny domains merged) when \
            certification fails; a given or LLM partition that fails stops training with the \
            reasons. The partition is written next to the model (MODEL.domains.json).
            """
    )

    @Argument(help: "The labeled log file.")
    var file: String

    @OptionGroup var input: InputOptions

    @Option(help: "Label file: HDFS block labels, Hadoop application labels, or one 0/1 per line.")
    var labels: String?

    @Option(help: "Lines to learn from: all, train, val, test (chronological 6:1:3).")
    var split: Split = .train

    @Option(help: "Most labeled messages per template.")
    var k = 100

    @Option(help: "A failure-domain partition file (JSON) to use instead of proposing one.")
    var domains: String?

    @Option(help: "Who proposes the partition: builtin (no network) or llm.")
    var propose: DomainSource = .builtin

    @Option(name: [.short, .long], help: "Where to write the model.")
    var output: String

    @OptionGroup(title: "Drain") var drain: DrainOptions

    @Option(help: "Features: hashed (n-grams), dense (MiniLM embedding of the template text + hashed variable tokens) or both (embedding + n-grams). dense and both need the encoder weights: scripts/install-encoder.sh.")
    var features: FeatureKind = .hashed

    @Option(help: "Hashed feature dimension (a power of two).")
    var dimension = 1 << 16

    @Option(help: "Score at or above which a message is anomalous (when not calibrated).")
    var threshold = 0.5

    @Flag(help: "Keep --threshold instead of picking the best-F1 threshold on the validation split (--split train only).")
    var noCalibration = false

    @Option(help: "Seed of the K-shot sample and the optimiser.")
    var seed: UInt64 = 42

    @Option(help: "Certification: labeled messages each domain needs.")
    var minExamples = 5

    @Option(help: "Certification: share of a domain's labels agreeing with their template's majority.")
    var minConsistency = 0.9

    @Option(help: "Certification: accuracy a domain's expert needs on held-out templates.")
    var minTransfer = 0.6

    @OptionGroup(title: "LLM proposer") var endpoint: EndpointOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard dimension >= 16, dimension & (dimension - 1) == 0, dimension <= 1 << 22 else {
            throw ValidationError("--dimension must be a power of two between 16 and 4194304")
        }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must lie in 0…1") }
    }

    func run() async throws {
        var settings = FAMESettings()
        settings.k = k
        settings.drain = try drain.settings()
        settings.header = drain.header(for: input.format)
        do { settings.features = try features.extractor(dimension: dimension) } catch let error as FAMEError {
            throw CommandFailure(error.description)
        }
        settings.threshold = threshold
        settings.seed = seed
        settings.training.seed = seed
        settings.certification.minimumExamples = minExamples
        settings.certification.minimumConsistency = minConsistency
        settings.certification.minimumTransfer = minTransfer
        let set = try readMessages(input, file: file, labels: labels, split: split, header: settings.header)
        // Training on the training split calibrates the threshold on the validation split that follows it.
        let validation = split == .train && !noCalibration
            ? try readMessages(input, file: file, labels: labels, split: .val, header: settings.header).messages : []
        settings.calibrate = !noCalibration
        let partition = try domains.map { try DomainPartition.load(try readFile($0), source: $0) }
        let proposer: any DomainProposer = propose == .llm ? LLMDomainProposer(client: ChatClient(endpoint: try endpoint.endpoint())) : BuiltinDomainProposer()
        let clock = ContinuousClock()
        let started = clock.now
        let result: FAMETrainingResult
        do {
            result = try await FAMETrainer.train(set.messages, validation: validation, settings: settings, partition: partition, proposer: proposer) {
                FileHandle.standardError.write(Data(($0 + "\n").utf8))
            }
        } catch let error as FAMEError {
            throw CommandFailure(error.description)
        }
        let elapsed = clock.now - started
        try OutputFile.write(result.model.fileData(), to: output)
        let partitionPath = output + ".domains.json"
        try OutputFile.write(result.partition.encoded(), to: partitionPath)
        print("certification:")
        print(result.report.text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        print("domains:")
        let domainOf = result.partition.domainOfTemplate
        for (index, domain) in result.partition.domains.enumerated() {
            let members = result.summaries.filter { domainOf[$0.id] == index }
            let abnormal = members.filter { $0.indicator != .alwaysNormal }.count
            let expert = result.model.metadata.hasExpert[index] ? "own expert" : "global expert (one label in its sample)"
            print("  \(domain.name): \(members.count) templates (\(abnormal) with anomalies), \(expert)")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("threshold: \(result.model.metadata.threshold) (\(result.model.metadata.thresholdSource))")
        print(set.linesSummary)
        print(String(format: "model: %@ (%d messages, %d labeled, %d templates, %d domains) trained in %.2f s; partition: %@",
                     output, set.messages.count, result.model.metadata.labeledMessages, result.model.drain.clusters.count,
                     result.partition.domains.count, seconds, partitionPath))
    }
}

extension FeatureKind: ExpressibleByArgument {}

/// `warden fame eval`.
struct FameEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a FAME model on labeled logs, message by message.",
        discussion: """
            Reports message-level precision, recall and F1 overall and per failure domain (the \
            domain the router chose), and recall on anomalies whose template never appeared in \
            the training data. --split defaults to test, the last 30% of lines.
            """
    )

    @Option(help: "The model file from `warden fame train`.")
    var model: String

    @Argument(help: "The labeled log file.")
    var file: String

    @OptionGroup var input: InputOptions

    @Option(help: "Label file: HDFS block labels, Hadoop application labels, or one 0/1 per line.")
    var labels: String?

    @Option(help: "Lines to score: all, train, val, test (chronological 6:1:3).")
    var split: Split = .test

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "List up to this many false alarms and this many missed anomalies, with line, score and domain.")
    var mistakes = 0

    func validate() throws {
        guard mistakes >= 0 else { throw ValidationError("--mistakes must not be negative") }
    }

    func run() throws {
        let model = try loadFAMEModel(model)
        let set = try readMessages(input, file: file, labels: labels, split: split, header: model.metadata.header)
        let clock = ContinuousClock()
        let started = clock.now
        let result = FAMEEvaluation.evaluate(model, on: set.messages, mistakeLimit: mistakes)
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let falseAlarms = result.mistakes.filter { !$0.abnormal }
        let misses = result.mistakes.filter(\.abnormal)
        if json {
            struct Report: Encodable {
                let messages: Int; let overall: Confusion; let perDomain: [String: Confusion]; let unseen: Confusion; let seen: Confusion
                let falseAlarms: [FAMEEvaluation.Mistake]; let misses: [FAMEEvaluation.Mistake]
                let lines: LineAccounting
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(messages: set.messages.count, overall: result.overall, perDomain: result.perDomain, unseen: result.unseen, seen: result.seen,
                                falseAlarms: falseAlarms, misses: misses, lines: set.accounting)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        func pct(_ value: Double) -> String { String(format: "%6.2f", value * 100) }
        func row(_ name: String, _ c: Confusion, width: Int) -> String {
            // Precision needs a flagged message, recall an abnormal one; otherwise they are undefined.
            let flagged = c.truePositives + c.falsePositives, abnormal = c.truePositives + c.falseNegatives
            let precision = flagged == 0 ? "     -" : pct(c.precision), recall = abnormal == 0 ? "     -" : pct(c.recall)
            let f1 = flagged == 0 || abnormal == 0 ? "     -" : pct(c.f1)
            return "\(name.padding(toLength: width, withPad: " ", startingAt: 0)) \(precision)  \(recall)  \(f1)   TP \(c.truePositives)  FP \(c.falsePositives)  FN \(c.falseNegatives)  TN \(c.trueNegatives)"
        }
        let width = max(12, (result.perDomain.keys.map(\.count).max() ?? 0) + 2)
        print("FAME model \(model.metadata.proposer) partition, K = \(model.metadata.k), on \(file) (\(input.format.rawValue), split \(split.rawValue))")
        print("messages scored: \(set.messages.count)" + (set.unlabeled > 0 ? " (\(set.unlabeled) without labels left out)" : ""))
        print(set.linesSummary)
        print("")
        print("".padding(toLength: width, withPad: " ", startingAt: 0) + " precision recall     F1")
        print(row("all", result.overall, width: width))
        for name in result.perDomain.keys.sorted() { print(row("  " + name, result.perDomain[name]!, width: width)) }
        print("")
        let unseenAnomalies = result.unseen.truePositives + result.unseen.falseNegatives
        print("templates not seen in training: \(result.unseen.total) messages, \(unseenAnomalies) anomalous; recall on them \(unseenAnomalies == 0 ? "-" : pct(result.unseen.recall).trimmingCharacters(in: .whitespaces) + "%")")
        print("templates seen in training:     \(result.seen.total) messages; F1 \(pct(result.seen.f1).trimmingCharacters(in: .whitespaces))")
        print(String(format: "%.0f messages/s (one thread, including template matching)", Double(set.messages.count) / max(seconds, 1e-9)))
        for (title, list) in [("false alarms", falseAlarms), ("missed anomalies", misses)] where mistakes > 0 {
            print("\n\(title) (\(list.count) shown):")
            for mistake in list {
                print(String(format: "  line %d  score %.3f  %@%@  %@", mistake.line, mistake.score, mistake.domain ?? "no domain",
                             mistake.seenTemplate ? "" : " (unseen template)", mistake.content))
            }
        }
    }
}
