import ArgumentParser
import WardenCore
import Dispatch
import Foundation
import Synchronization
import LogInput
import RuleInterpreter
import RuleLanguage
import RuleLint
import RuleRuntime
import Synthesis

/// `warden synthesize`: learn a rule pack from labeled logs (the CodeAD method).
struct SynthesizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        _superCommandName: "warden",
        abstract: "Synthesize a rule pack from labeled logs.",
        discussion: """
            Windows are split chronologically 6:1:3; rules are learned on the training windows and \
            selected on the validation windows, so `warden eval --split test` scores the pack on \
            windows it never saw. With --split all, every window is learned from (6:1, nothing held \
            out): for a pack to ship, not to score on the same file. \
            Normal rules come first, then abnormal rules on what they leave. \
            The pack is written after every epoch; Ctrl-C stops after the current candidate and \
            leaves a valid partial pack; --resume continues from it.
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var labels: LabelOptions

    @Option(help: "Windows to learn from: train (the chronological training split; validation selects; the test split is held out) or all (every window: the first six sevenths learn, the last seventh selects).")
    var split: Learning = .train

    @Option(name: [.short, .customLong("output")], help: "Where to write the pack.")
    var output: String

    @Option(help: "The pack's name (default: the output file's name).")
    var name: String?

    @Option(help: "Rule proposer: builtin (deterministic, no network) or openai (any OpenAI-compatible endpoint).")
    var backend: String = "builtin"

    @OptionGroup var llm: LLMOptions

    @Option(help: "Rollouts per epoch.")
    var rollouts: Int = 2

    @Option(help: "Most rules per kind.")
    var capacity: Int = 200

    @Option(help: "Validation precision a normal rule needs to be kept (noisy labels: below 1).")
    var normalPrecision: Double = SynthesisSettings().normalPrecision

    @Option(help: "Validation precision an abnormal rule needs to be kept (0.5: a rule at least that precise never lowers window F1).")
    var abnormalPrecision: Double = SynthesisSettings().abnormalPrecision

    @Option(help: "Training windows a normal rule must hold on to be kept, for each condition it joins with `and` (normal rules decide first: one learned from a window or two adds little and can hide anomalies).")
    var normalSupport: Int = SynthesisSettings().normalSupport

    @Option(help: "Training windows an abnormal rule must hold on to be kept (one window is an example, not yet a pattern).")
    var abnormalSupport: Int = SynthesisSettings().abnormalSupport

    @Flag(help: "Print no progress lines (epochs, accepted and rejected rules); the result is still printed.")
    var quiet = false

    @Flag(help: "Continue from the pack already at --output.")
    var resume = false

    @Flag(help: "Keep sessions the end of input cut off (left out by default; see --idle).")
    var keepTruncated = false

    @Argument(help: "The labeled log file.")
    var file: String

    func validate() throws {
        guard ["builtin", "openai"].contains(backend) else { throw ValidationError("--backend: builtin or openai") }
        guard (0...1).contains(normalPrecision), (0...1).contains(abnormalPrecision) else {
            throw ValidationError("--normal-precision and --abnormal-precision take a share between 0 and 1")
        }
        guard normalSupport >= 1, abnormalSupport >= 1 else {
            throw ValidationError("--normal-support and --abnormal-support take a number of windows, 1 or more")
        }
    }

    func run() async throws {
        let reader = try input.labeledReader(path: file, labels: labels)
        let policy = try input.windowPolicy()
        var reading = ProgressBar(total: quiet || file == "-" ? nil : reader.source.totalBytes)
        let data = try TrainingData.load(reader: reader, policy: policy, keepTruncated: keepTruncated,
                                          learning: split) { reading.update($0) }
        reading.finish()
        warnAboutLabels(reader)
        warnAboutTimestamps(reader, policy: policy)
        if let field = reader.unheadedLevelField, !quiet {
            FileHandle.standardError.write(Data("""
                hint: the records have a `\(field)` field that no rule sees: --header-fields \(field) writes it before each message, \
                where the learner can use it (give detect, eval and bundle build the same option)

                """.utf8))
        }
        guard data.train.contains(where: \.isAbnormal), data.train.contains(where: { !$0.isAbnormal }) else {
            throw CommandFailure("the training split needs both normal and abnormal windows (\(data.train.count) training windows)")
        }
        let packName = name ?? Self.identifier(URL(fileURLWithPath: output).deletingPathExtension().lastPathComponent)
        var layout = LineLayout(format: input.format)
        if let (field, share) = layout.findLevelField(in: data.train.map(\.window)) {
            if !quiet {
                FileHandle.standardError.write(Data(String(format: "level field: field %d (a level word there on %.1f %% of the first training lines); messages start after it\n",
                                                           field + 1, share * 100).utf8))
            }
        }
        let proposer: any RuleProposer = backend == "builtin" ? BuiltinProposer(layout: layout) : try llm.proposer(layout: layout)
        var resumed: [AcceptedRule] = []
        if resume {
            if FileManager.default.fileExists(atPath: output) {
                guard let existing = String(data: try readFile(output), encoding: .utf8) else {
                    throw CommandFailure("cannot resume from \(output): it is not valid UTF-8 (not a pack); move it away or drop --resume")
                }
                resumed = try PackAssembler.acceptedRules(fromPack: existing, path: output)
            } else {
                FileHandle.standardError.write(Data("warden: nothing to resume at \(output); starting afresh\n".utf8))
            }
        }
        var settings = SynthesisSettings()
        settings.rollouts = rollouts
        settings.normalCapacity = capacity
        settings.abnormalCapacity = capacity
        settings.normalPrecision = normalPrecision
        settings.abnormalPrecision = abnormalPrecision
        settings.normalSupport = normalSupport
        settings.abnormalSupport = abnormalSupport
        let interrupt = InterruptFlag()
        let progress = ProgressPrinter(usage: proposer as? UsageReporting)
        let synthesizer = Synthesizer(data: data, proposer: proposer, settings: settings, packName: packName, resume: resumed,
                                      isInterrupted: { interrupt.isSet }, onEvent: { [quiet] in if !quiet { progress.event($0) } })
        let provenance = SynthesisProvenance(backend: proposer.backend, model: proposer.model)
        let description = "Synthesized by warden \(WardenVersion.current) from \(URL(fileURLWithPath: file).lastPathComponent)"
        let trainAbnormal = data.train.filter(\.isAbnormal).count
        FileHandle.standardError.write(Data("""
            training windows: \(data.train.count) (\(trainAbnormal) abnormal), validation: \(data.validation.count), \
            held out: \(data.test.count)\(data.unlabeled > 0 ? ", unlabeled: \(data.unlabeled)" : "")\
            \(data.truncated > 0 ? ", truncated sessions \(keepTruncated ? "kept" : "left out"): \(data.truncated)" : "")\n
            """.utf8))
        // Every checkpoint is a whole pack, tests included, so a resumed run loses nothing. Assembling
        // one (its tests, its lint) costs more as the pack grows, so a checkpoint is skipped while less
        // than four times the last one's cost has passed since it: checkpoints then take at most a
        // fifth of the run. The final pack is written whatever happens.
        let clock = ContinuousClock()
        var nextCheckpoint = clock.now
        try await synthesizer.run { rules in
            let started = clock.now
            guard started >= nextCheckpoint else { return }
            let text = try PackAssembler.finalPack(name: packName, description: description, rules: rules, provenance: provenance)
            try OutputFile.write(Data(text.utf8), to: output)
            nextCheckpoint = clock.now + (clock.now - started) * 4
        }
        let text = try PackAssembler.finalPack(name: packName, description: description, rules: synthesizer.accepted, provenance: provenance)
        try OutputFile.write(Data(text.utf8), to: output)
        let file = SourceFile(path: output, text: text)
        let written = Frontend.check(file).pack
        let rules = written?.rules ?? []
        var report = "\(interrupt.isSet ? "interrupted; partial pack" : "pack") \(packName): \(rules.filter { $0.kind == .normal }.count) normal and \(rules.filter { $0.kind == .abnormal }.count) abnormal rules -> \(output)"
        let left = Set(synthesizer.accepted.map(\.name)).subtracting(rules.map(\.name))
        if !left.isEmpty { report += "\nleft out after lint (duplicate or shadowed): " + left.sorted().joined(separator: ", ") }
        if !synthesizer.swallowingLeftOut.isEmpty {
            report += "\nleft out (holding on an abnormal rule's lines, and no help on the training and validation windows): "
                + synthesizer.swallowingLeftOut.joined(separator: ", ")
        }
        if let usage = (proposer as? UsageReporting)?.usageSummary { report += "\n" + usage }
        let findings = Linter().lint(file).findings
        report += "\nlint: " + (findings.isEmpty ? "clean" : "\(findings.count) finding\(findings.count == 1 ? "" : "s") (`warden lint \(output)` lists them)")
        if let written {
            report += "\n\n" + SynthesisReport(pack: written, data: data).render()
            if synthesizer.relearnedWithValidation {
                report += "\n(val figures are in sample: the routine templates were learned again with the validation windows)"
            }
        }
        print(report)
        if interrupt.isSet { throw ExitCode(130) }
    }

    static func identifier(_ text: String) -> String {
        let cleaned = String(text.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        return cleaned.first?.isLetter == true ? cleaned : "pack_" + cleaned
    }
}

/// Set when the user presses Ctrl-C; the loop stops after the current candidate.
///
/// `@unchecked Sendable` only for `source` (Dispatch's signal source is not
/// marked Sendable): it is set up in `init` and never touched again; the flag itself is atomic.
final class InterruptFlag: @unchecked Sendable {
    private let flag = Atomic(false)
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            self?.set()
            FileHandle.standardError.write(Data("\nwarden: interrupted; finishing the current candidate and writing the partial pack\n".utf8))
        }
        source.resume()
    }

    private func set() { flag.store(true, ordering: .relaxed) }

    var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Progress lines on standard error.
final class ProgressPrinter: Sendable {
    private let usage: UsageReporting?
    private let lock = NSLock()

    init(usage: UsageReporting?) {
        self.usage = usage
    }

    func event(_ event: SynthesisEvent) {
        let line: String?
        switch event {
        case .epochStarted(let kind, let epoch, let remaining, let total):
            line = "epoch \(epoch) [\(kind.rawValue)]: \(total - remaining)/\(total) training windows covered" + (usage?.usageSummary.map { " · " + $0 } ?? "")
        case .accepted(let rule, let covered, let total):
            line = "  + \(rule.name): covers \(String(format: "%.1f", rule.coverage * 100))% (\(covered)/\(total) covered so far)"
        case .rejected(_, let epoch, let reason):
            line = "  - epoch \(epoch): \(reason)"
        case .phaseFinished(let kind, let rules, let coverage):
            line = "\(kind.rawValue) rules: \(rules), covering \(String(format: "%.1f", coverage * 100))% of the \(kind.rawValue) training windows"
        case .relearned(let kept, let f1):
            let figures = String(format: "validation F1 %.1f -> %.1f, in sample", f1.before * 100, f1.after * 100)
            line = kept ? "routine templates learned again with the validation windows (\(figures))"
                : "routine templates kept from the training windows: learned again with the validation windows, they lowered the pack's \(figures)"
        case .droppedAfterRelearning(let rule, let wrong, let hits):
            line = "\(rule) left out: with the routine templates learned again it decides \(hits) validation window\(hits == 1 ? "" : "s"), "
                + "\(wrong) of them normal: its precision there is below --abnormal-precision with 95% confidence"
        case .swallowing(let rule, let kept, let f1):
            let figures = String(format: "training and validation F1 %.1f with it, %.1f without", f1.with * 100, f1.without * 100)
            line = kept ? "\(rule) holds on an abnormal rule's lines but stays: the pack does better with it (\(figures))"
                : "\(rule) left out: it holds on an abnormal rule's lines and the pack does no worse without it (\(figures))"
        case .candidate:
            line = nil
        }
        guard let line else { return }
        lock.lock()
        FileHandle.standardError.write(Data((line + "\n").utf8))
        lock.unlock()
    }
}
