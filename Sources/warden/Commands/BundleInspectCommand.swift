import ArgumentParser
import Bundles
import FAME
import Foundation

/// `warden bundle inspect`: what a verified bundle holds.
struct BundleInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a verified bundle's manifest, files with their SHA-256, and rules."
    )

    @Argument(help: "The bundle file.")
    var bundle: String

    @OptionGroup var keyOptions: BundleKeyOptions

    @Flag(help: "Print the manifest as JSON.")
    var json = false

    func run() throws {
        let loaded = try keyOptions.open(bundle, data: try readFile(bundle))
        let manifest = loaded.manifest
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(manifest), as: UTF8.self))
            return
        }
        let settings = manifest.settings
        var lines = [
            "bundle \(manifest.name) \(manifest.version), revision \(manifest.revision) (format \(manifest.formatVersion))",
            "created \(manifest.created) by warden \(manifest.wardenVersion) (rule language \(manifest.languageVersion)); signed by key \(manifest.signer)",
            "settings: --format \(settings.format) --window \(settings.window)"
                + (settings.sessionKey.map { " --session-key '\($0)'" } ?? "") + (settings.idle.map { " --idle \($0)" } ?? "")
                + (settings.maximumWindowLines.map { " --max-window-lines \($0)" } ?? "")
                + (settings.messageField.map { " --message-field \($0)" } ?? "") + (settings.timestampField.map { " --timestamp-field \($0)" } ?? "")
                + (settings.headerFields.map { " --header-fields \($0.joined(separator: ","))" } ?? "")
                + (settings.fameThreshold.map { ", FAME threshold \($0)" } ?? ""),
        ]
        if let model = loaded.fameModel {
            // The decision detect, eval and run use behind the bundle's rules.
            let decision = FAMEFallback(model: model, decision: settings.fameThreshold.map { WindowDecision(threshold: $0) }).decision
            let origin = settings.fameThreshold != nil ? "the bundle's --fame-threshold"
                : model.metadata.windowDecision?.source ?? "the model's message threshold: no window decision chosen behind a pack"
            lines.append("FAME window decision: \(decision.description) (\(origin))")
        }
        lines += ["", "files:"]
        for file in manifest.files { lines.append("  \(file.sha256)  \(String(format: "%8d", file.size))  \(file.path) (\(file.role.rawValue))") }
        lines.append("")
        lines.append("rules:")
        for (pack, source) in zip(loaded.packs, loaded.packSources) {
            for rule in pack.rules {
                lines.append("  \(rule.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(rule.name)"
                             + (rule.severity.map { " (\($0.rawValue))" } ?? "") + "  [\(source.path)]")
            }
        }
        print(lines.joined(separator: "\n"))
    }
}
