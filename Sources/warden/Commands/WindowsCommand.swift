import ArgumentParser
import Foundation
import Synthesis

/// `warden windows`: the labeled windows and splits that `synthesize` and
/// `eval` use, as JSON Lines, so other tools (the baselines) score exactly them.
struct WindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows",
        _superCommandName: "warden",
        abstract: "Write the labeled windows and their chronological split as JSON Lines.",
        discussion: """
            One object per labeled window: {"window": N, "split": "train|val|test", "abnormal": BOOL, \
            "lines": [...]}. Lines are as rules see them (the label field stripped); labels come \
            only in `abnormal`. Windows without a label are left out, as in `synthesize`.
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var labels: LabelOptions

    @Option(name: [.short, .customLong("output")], help: "Where to write the windows (default: standard output).")
    var output: String?

    @Flag(help: "Keep sessions the end of input cut off (left out by default; see --idle).")
    var keepTruncated = false

    @Argument(help: "The labeled log file.")
    var file: String

    func run() throws {
        let reader = try input.labeledReader(path: file, labels: labels)
        let policy = try input.windowPolicy()
        let data = try TrainingData.load(reader: reader, policy: policy, keepTruncated: keepTruncated)
        warnAboutLabels(reader)
        warnAboutTimestamps(reader, policy: policy)
        var out = Data()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var number = 0
        for (split, windows) in [("train", data.train), ("val", data.validation), ("test", data.test)] {
            for labeled in windows {
                let lines = (0..<labeled.window.count).map { labeled.window.text($0) }
                out.append(try encoder.encode(ExportedWindow(window: number, split: split, abnormal: labeled.isAbnormal, lines: lines)))
                out.append(0x0A)
                number += 1
            }
        }
        if let output {
            try OutputFile.write(out, to: output)
        } else {
            try StandardOutput.write(out)
        }
    }
}

private struct ExportedWindow: Encodable {
    var window: Int
    var split: String
    var abnormal: Bool
    var lines: [String]
}
