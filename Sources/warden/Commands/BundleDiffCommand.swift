import ArgumentParser
import Bundles
import Foundation
import RuleRuntime
import Runs

/// `warden bundle diff`: what changes between two bundles, in rules and, on a log sample, in verdicts.
struct BundleDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two verified bundles: rules added, removed or changed, and, with --data, every window whose verdict or deciding rule changes.",
        discussion: """
            Rules are compared by canonical form (formatting and comments do not count). With \
            --data, both bundles run over the log with their own fallback, windowed by the new \
            bundle's settings unless --format and --window say otherwise.
            """
    )

    @Argument(help: "The bundle in use.")
    var old: String

    @Argument(help: "The bundle to ship.")
    var new: String

    @OptionGroup var keyOptions: BundleKeyOptions

    @Option(help: "A log sample to run both bundles over.")
    var data: String?

    @Option(help: "With --data: how many changed windows to list (all are counted).")
    var examples = 20

    @OptionGroup var input: InputOptions

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    func run() throws {
        let before = try keyOptions.open(old, data: try readFile(old))
        let after = try keyOptions.open(new, data: try readFile(new))
        let changes = after.ruleChanges(since: before)
        var comparison: VerdictComparison?
        if let data {
            let input = try self.input.adopting(after.manifest.settings)
            let reader = try input.reader(path: data, labels: nil)
            let fallback = try FallbackOptions.parse([])
            comparison = try VerdictComparison.compare(
                DetectionEngine(rules: before.ruleSet, fallback: try fallback.make(for: input.format, bundle: before)),
                DetectionEngine(rules: after.ruleSet, fallback: try fallback.make(for: input.format, bundle: after)),
                reader: reader, policy: try input.windowPolicy(), threads: input.workerThreads, exampleLimit: examples)
        }
        if json {
            struct Report: Encodable { let rules: [RuleChange]; let windows: VerdictComparison? }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Report(rules: changes, windows: comparison)), as: UTF8.self))
            return
        }
        var lines = ["\(before.manifest.name) \(before.manifest.version) (revision \(before.manifest.revision)) → \(after.manifest.name) \(after.manifest.version) (revision \(after.manifest.revision))"]
        let counts = [RuleChange.Kind.added, .removed, .changed].map { kind in "\(changes.filter { $0.kind == kind }.count) \(kind.rawValue)" }
        lines.append("rules: " + counts.joined(separator: ", "))
        for change in changes {
            lines.append("  \(change.kind == .added ? "+" : change.kind == .removed ? "-" : "~") \(change.rule)  [\(change.pack)]")
            if change.kind == .changed, let was = change.before, let now = change.after { lines += lineDiff(was, now) }
        }
        if let comparison {
            lines.append("")
            lines.append("windows on \(data ?? ""): \(comparison.changed) of \(comparison.windows) change: \(comparison.verdictChanged) in verdict, "
                         + "\(comparison.changed - comparison.verdictChanged) only in the deciding rule")
            for (transition, count) in comparison.transitions.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                lines.append("  \(String(format: "%6d", count))  \(transition)")
            }
            for change in comparison.examples {
                let place = change.lines.map { "lines \($0[0])–\($0[1])" } ?? "window \(change.window)"
                lines.append("  \(place)\(change.key.map { " (\($0))" } ?? ""): \(change.before.summary) → \(change.after.summary)")
            }
            if comparison.changed > comparison.examples.count { lines.append("  … \(comparison.changed - comparison.examples.count) more (--examples)") }
        }
        print(lines.joined(separator: "\n"))
    }

    /// The lines of a changed rule: what both forms share, then what was removed and added.
    private func lineDiff(_ before: String, _ after: String) -> [String] {
        let old = before.split(separator: "\n", omittingEmptySubsequences: false), new = after.split(separator: "\n", omittingEmptySubsequences: false)
        let prefix = zip(old, new).prefix { $0 == $1 }.count
        let suffix = zip(old.dropFirst(prefix).reversed(), new.dropFirst(prefix).reversed()).prefix { $0 == $1 }.count
        return old.prefix(prefix).map { "        \($0)" }
            + old.dropFirst(prefix).dropLast(suffix).map { "      - \($0)" }
            + new.dropFirst(prefix).dropLast(suffix).map { "      + \($0)" }
            + old.suffix(suffix).map { "        \($0)" }
    }
}
