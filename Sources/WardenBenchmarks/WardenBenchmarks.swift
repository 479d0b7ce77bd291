import ArgumentParser
import Foundation
import LogInput
import PCRE2
import RuleLanguage

/// `warden-bench`: prints throughput figures. Not part of the test suite;
/// figures depend on the machine, so nothing here asserts a time.
@main
struct WardenBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden-bench",
        abstract: "Warden's throughput benchmarks (build with -c release).",
        subcommands: [RegexBenchmark.self, CheckBenchmark.self, CompileBenchmark.self, DetectBenchmark.self, CompiledBenchmark.self, DrainBenchmark.self, FAMEBenchmark.self, SynthesisBenchmark.self, RunBenchmark.self, LintBenchmark.self, CompareBenchmark.self]
    )

    /// The in-process figures run with the allocator settings `warden` itself uses.
    static func main() async {
        AllocatorTuning.forDetection()
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
        } catch {
            exit(withError: error)
        }
    }
}

/// Measures PCRE2 matching throughput over the lines of a log file.
struct RegexBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regex",
        abstract: "PCRE2 throughput (MB/s) on a log file: literal and complex patterns, JIT and interpreter."
    )

    @Argument(help: "A log file; each line is matched separately.")
    var file: String

    @Option(help: "Minimum seconds to run each measurement.")
    var seconds: Double = 1.0

    @Option(help: "Repeat the file's lines until at least this many lines are matched per pass.")
    var minimumLines: Int = 200_000

    func run() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw ValidationError("\(file) has no lines") }
        let original = lines.count
        while lines.count < minimumLines { lines += lines.prefix(minimumLines - lines.count) }
        let bytesPerPass = lines.reduce(0) { $0 + $1.count + 1 }

        let patterns: [(name: String, source: String)] = [
            ("literal", "KERNEL FATAL"),
            ("complex", #"(?i)\b(?:error|fail(?:ed|ure)?|fatal|exception)\b.*?(\d+(?:\.\d+)?)\s*(?:ms|s|bytes)?$"#),
        ]
        print("PCRE2 \(PCRE2Library.version); \(file): \(original) lines, \(lines.count) lines per pass (\(bytesPerPass) bytes)")
        print(pad("pattern", 10) + pad("engine", 13) + pad("matches", 10) + pad("MB/s", 10) + "lines/s")
        for (name, source) in patterns {
            for policy in [Pattern.JITPolicy.automatic, .disabled] {
                let pattern = try Pattern(source, jit: policy)
                let scratch = MatchScratch()
                var passes = 0
                var matched = 0
                let clock = ContinuousClock()
                let start = clock.now
                var elapsed = Duration.zero
                repeat {
                    matched = 0
                    for line in lines where (try? pattern.matches(line, scratch: scratch)) == true { matched += 1 }
                    passes += 1
                    elapsed = clock.now - start
                } while elapsed < .seconds(seconds)
                let secondsTaken = elapsed.seconds
                let megabytesPerSecond = Double(bytesPerPass * passes) / secondsTaken / 1e6
                let linesPerSecond = Double(lines.count * passes) / secondsTaken
                print(pad(name, 10) + pad(pattern.engine.rawValue, 13) + pad("\(matched)", 10)
                      + pad(String(format: "%.1f", megabytesPerSecond), 10) + String(format: "%.0f", linesPerSecond))
            }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

extension Duration {
    /// The duration in seconds, as every benchmark reports it.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The rule pack in the file at `path`, read and checked.
func checkedPack(at path: String) throws -> CheckedPack {
    try Frontend.pack(SourceFile(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
}
