import ArgumentParser
import Bundles
import FAME
import Foundation
import LogInput
import RuleRuntime
import Runs
import WardenCore

extension MessageSet {
    /// `lines: N read, M skipped (reason)`.
    var linesSummary: String {
        var text = "lines: \(accounting.read) read"
        let skipped = accounting.skipped.sorted { $0.key.rawValue < $1.key.rawValue }
        text += skipped.isEmpty ? ", 0 skipped" : skipped.map { ", \($0.value) skipped (\($0.key.rawValue))" }.joined()
        return text
    }
}

/// Reads the file once and returns the labeled messages of each split (chronological 6:1:3 over
/// lines, or over sessions with `--window session`, as `warden eval` splits them).
func readMessages(_ input: InputOptions, file: String, labels: LabelOptions, splits: [Split], header: MessageHeader,
                  quiet: Bool = false) throws -> [MessageSet] {
    try readMessages(input, file: file, labels: labels, parts: splits.map { split in { split.contains($0, of: $1) } }, header: header, quiet: quiet)
}

/// The labeled messages of each of `parts` (see ``MessageSet/read(_:parts:header:sessions:progress:)``).
func readMessages(_ input: InputOptions, file: String, labels: LabelOptions, parts: [(Int, Int) -> Bool], header: MessageHeader,
                  quiet: Bool = false) throws -> [MessageSet] {
    let reader = try input.labeledReader(path: file, labels: labels)
    defer { warnAboutLabels(reader) }
    var progress = ProgressBar(total: quiet || file == "-" ? nil : reader.source.totalBytes)
    defer { progress.finish() }
    let policy = try input.windowPolicy()
    let sessions: WindowPolicy? = if case .session = policy { policy } else { nil }
    return try MessageSet.read(reader, parts: parts, header: header, sessions: sessions) { progress.update($0) }
}

/// Notes on standard error that `model` (called `name`) learned from every line of its file (`fame train --split all`).
func noteInSample(_ model: FAMEModel, name: String) {
    guard model.metadata.learnedFromEveryLine == true else { return }
    FileHandle.standardError.write(Data("note: \(name) learned from every line of its file (--split all); on that file its figures are in sample\n".utf8))
}

/// `--fallback MODEL`: what decides the windows no rule decides.
struct FallbackOptions: ParsableArguments {
    @Option(help: "A FAME model (from `warden fame train`) to decide the windows no rule decides; without it they are normal.")
    var fallback: String?

    @Option(help: "With --fallback: a window is abnormal when at least --fallback-min-messages messages score this or more (default: the model's window decision, chosen behind a pack by fame train --pack, else its threshold and one message; eval --split test chooses both on the validation split unless given).")
    var fallbackThreshold: Double?

    @Option(help: "With --fallback: how many messages must reach the threshold (default: as in the model's window decision, else 1).")
    var fallbackMinMessages: Int?

    /// Whether the options give (part of) the window decision.
    var decisionIsGiven: Bool { fallbackThreshold != nil || fallbackMinMessages != nil }

    func validate() throws {
        if let threshold = fallbackThreshold, !(0...1).contains(threshold) { throw ValidationError("--fallback-threshold takes a score between 0 and 1") }
        if let minimum = fallbackMinMessages, minimum < 1 { throw ValidationError("--fallback-min-messages must be at least 1") }
    }

    /// The FAME fallback for input of `format`: `--fallback`'s model, else the bundle's, or `nil`
    /// without either; a model trained on another format's messages is refused.
    func fame(for format: LogFormat, bundle: LoadedBundle? = nil) throws -> FAMEFallback? {
        let model: FAMEModel, source: String, bundledThreshold: Double?
        if let fallback {
            (model, source, bundledThreshold) = (try loadFAMEModel(fallback), fallback, nil)
        } else if let bundle, let bundled = bundle.fameModel {
            (model, source, bundledThreshold) = (bundled, "the bundle's FAME model", bundle.manifest.settings.fameThreshold)
        } else {
            return nil
        }
        guard model.reads(format.messageHeader) else {
            throw CommandFailure("\(source) was trained on \(model.metadata.header.rawValue) messages; the input format is \(format.rawValue) (train a model on this format)")
        }
        // A part not given keeps the bundle's threshold, else the model's own decision.
        let decision: WindowDecision? = if let bundledThreshold {
            WindowDecision(threshold: fallbackThreshold ?? bundledThreshold, minimumMessages: fallbackMinMessages ?? 1)
        } else if decisionIsGiven {
            model.windowDecision(threshold: fallbackThreshold, minimumMessages: fallbackMinMessages)
        } else {
            nil
        }
        return FAMEFallback(model: model, decision: decision)
    }

    /// The fallback for input of `format`: FAME, or undecided windows are normal. A model with no
    /// window decision chosen behind a pack, and none given, gets a note on standard error: its
    /// message threshold then decides windows, which flags whatever unusual windows a pack leaves.
    func make(for format: LogFormat, bundle: LoadedBundle? = nil) throws -> any Fallback {
        guard let fame = try fame(for: format, bundle: bundle) else { return UndecidedIsNormal() }
        if fame.model.metadata.windowDecision == nil, !decisionIsGiven, bundle?.manifest.settings.fameThreshold == nil {
            FileHandle.standardError.write(Data("""
                note: the FAME model has no window decision chosen behind a pack, so a window is abnormal when one \
                message scores \(fame.model.threshold) or more; `warden fame train --pack PACK` chooses one on validation windows

                """.utf8))
        }
        return fame
    }
}

/// Loads a model file with a clear error.
func loadFAMEModel(_ path: String) throws -> FAMEModel {
    let data = try readFile(path)
    do { return try FAMEModel(fileData: data) } catch let error as FAMEError {
        throw CommandFailure("\(path): \(error.description)")
    }
}
