import ArgumentParser
import ChatCompletions
import FAME
import Foundation
import RuleInterpreter
import Runs
import WardenCore

/// Where the failure-domain partition comes from.
enum DomainSource: String, ExpressibleByArgument, CaseIterable {
    case builtin, llm
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
            reasons. The partition is written next to the model (MODEL.domains.json). With \
            --split train, the threshold is calibrated on the validation split, and then the \
            model is trained again on the training and validation splits together (--no-refit \
            keeps the first model). --split all does the same over every line: the first six \
            sevenths train, the last seventh calibrates, and the model is trained again on all \
            of them (for a model to ship, not to score on the same file). With --pack, the \
            window decision FAME makes behind that pack (a window is abnormal when enough \
            messages score high enough) is chosen on the \
            validation windows the pack leaves undecided, scored by the first model (which never \
            saw them), and kept in the model: eval, detect and run use it.
            """
    )

    @Argument(help: "The labeled log file.")
    var file: String

    @OptionGroup var input: InputOptions

    @OptionGroup var labels: LabelOptions

    @Option(help: "Lines to learn from: train, all, val, test (chronological 6:1:3 over lines, or over sessions with --window session). With all, the first six sevenths train and the last seventh calibrates, unless --no-calibration.")
    var split: Split = .train

    @Option(help: "The rule pack FAME will stand behind: its window decision is chosen on the validation windows the pack leaves undecided (--split train or all).")
    var pack: String?

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

    @Option(help: "Score at or above which a message is abnormal (when not calibrated).")
    var threshold = 0.5

    @Flag(help: "Print no training log (templates, sample, certification); the result is still printed.")
    var quiet = false

    @Flag(help: "Keep --threshold instead of picking the best-F1 threshold on the validation split (--split train or all).")
    var noCalibration = false

    @Flag(help: "Keep the model trained on the training split alone; by default, after calibrating the threshold, training runs again on the training and validation splits together (--split train or all, calibrated).")
    var noRefit = false

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
        if pack != nil {
            guard split == .train || split == .all, !noCalibration else {
                throw ValidationError("--pack chooses the window decision on the validation split: use --split train or all, with calibration")
            }
            guard file != "-" else { throw ValidationError("--pack reads the log a second time, in windows: give a file, not standard input") }
        }
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
        // Training on the training split calibrates the threshold on the validation split that follows it;
        // learning from every line, the first six sevenths train and the last seventh calibrates.
        let learning: Learning? = noCalibration ? nil : split == .train ? .train : split == .all ? .all : nil
        let calibrates = learning != nil
        let parts: [(Int, Int) -> Bool] = learning.map { learning in [Split.train, .val].map { part in { learning.split(of: $0, count: $1) == part } } }
            ?? [{ [split] in split.contains($0, of: $1) }]
        let sets = try readMessages(input, file: file, labels: labels, parts: parts, header: settings.header, quiet: quiet)
        let set = sets[0]
        let validation = calibrates ? sets[1].messages : []
        settings.calibrate = !noCalibration
        settings.refit = !noRefit
        let partition = try domains.map { try DomainPartition.load(try readFile($0), source: $0) }
        let proposer: any DomainProposer = propose == .llm ? LLMDomainProposer(client: ChatClient(endpoint: try endpoint.endpoint())) : BuiltinDomainProposer()
        let clock = ContinuousClock()
        let started = clock.now
        var result: FAMETrainingResult
        do {
            result = try await FAMETrainer.train(set.messages, validation: validation, settings: settings, partition: partition, proposer: proposer,
                                                 windowDecision: try windowDecision(learning: learning ?? .train)) { [quiet] in
                if !quiet { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            }
        } catch let error as FAMEError {
            throw CommandFailure(error.description)
        }
        let elapsed = clock.now - started
        if split == .all { result.model.metadata.learnedFromEveryLine = true }
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
        if let chosen = result.model.metadata.windowDecision {
            print("window decision: \(chosen.decision.description) (\(chosen.source))")
        }
        print(set.linesSummary)
        print(String(format: "model: %@ (%d messages, %d labeled, %d templates, %d domains) trained in %.2f s; partition: %@",
                     output, result.model.metadata.trainingMessages, result.model.metadata.labeledMessages, result.model.drain.clusters.count,
                     result.partition.domains.count, seconds, partitionPath))
    }

    /// With `--pack`: chooses, for the model trained on the training split, the window decision
    /// behind the pack on the validation windows it leaves undecided.
    private func windowDecision(learning: Learning) throws -> ((FAMEModel) throws -> ChosenWindowDecision?)? {
        guard let pack else { return nil }
        let checked = try loadPack(pack)
        let rules = Interpreter.ruleSet(for: checked)
        let policy = try input.windowPolicy()
        return { model in
            let run = EvaluationRun(rules: rules, fallback: FAMEFallback(model: model))
            let chosen = try run.chooseDecision(reader: try input.labeledReader(path: file, labels: labels), policy: policy,
                                                threads: input.workerThreads, learning: learning)
            guard chosen.undecided > 0 else {
                return ChosenWindowDecision(decision: chosen.decision, source:
                    "pack \(checked.name) leaves no validation window undecided, so nothing shows the model deciding well behind it")
            }
            return ChosenWindowDecision(decision: chosen.decision, source: String(
                format: "chosen behind pack %@ on the %d validation windows it leaves undecided: validation window F1 %.2f without FAME, %.2f with it",
                checked.name, chosen.undecided, chosen.without * 100, chosen.with * 100))
        }
    }
}

extension FeatureKind: ExpressibleByArgument {}
