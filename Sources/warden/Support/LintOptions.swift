import ArgumentParser
import Foundation
import LogInput
import RuleLanguage
import RuleLint
import WardenCore

/// The packs `warden lint` was given: files as they are, directories as the `*.warden` files under them.
enum LintInputs {
    static func expand(_ paths: [String]) throws -> [String] {
        var expanded: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                expanded.append(path)
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: path) else {
                _ = try failing { throw CommandFailure("cannot list \(path)") }
                continue
            }
            let found = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".warden") && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            expanded += found.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
        return expanded
    }
}

/// `--data FILE` and how to read it, for the data-aware lints.
struct LintDataOptions: ParsableArguments {
    @Option(help: "Labeled sample log: run the data-aware lints (never-fires, low-precision, fires-together) on it.")
    var data: String?

    @Option(help: "The sample's format (as `warden eval --format`; default: lines).")
    var dataFormat: String?

    @Option(help: "The sample's windowing (as `warden eval --window`; default: 20).")
    var dataWindow: String?

    @Option(help: "Session key regex for the sample (as `warden eval --session-key`).")
    var dataSessionKey: String?

    @Option(help: "Label file for the sample (as `warden eval --labels`).")
    var dataLabels: String?

    /// The firing figures of the pack in `file` on the sample; `nil` without --data or when the pack does not check.
    func sample(for file: SourceFile) throws -> SampleEvidence? {
        guard let data, let pack = Frontend.check(file).pack else { return nil }
        var arguments: [String] = []
        if let dataFormat { arguments += ["--format", dataFormat] }
        if let dataWindow { arguments += ["--window", dataWindow] }
        if let dataSessionKey { arguments += ["--session-key", dataSessionKey] }
        return try failing {
            let input = try InputOptions.parse(arguments)
            let reader = try input.labeledReader(path: data, labels: try LabelOptions.parse(dataLabels.map { ["--labels", $0] } ?? []))
            let pipeline = WindowPipeline(reader: reader, policy: try input.windowPolicy(), threads: 1, recordTruth: true)
            let recorder = SampleRecorder(pack: pack, source: data)
            try pipeline.windows { recorder.record($0, truth: pipeline.truth(of: $0)) }
            return recorder.evidence
        }
    }
}
