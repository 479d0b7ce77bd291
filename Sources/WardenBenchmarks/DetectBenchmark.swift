import ArgumentParser
import Foundation
import GeneratedRules
import LogInput
import RuleInterpreter
import RuleRuntime
import WardenCore

/// Measures `warden detect`'s path (read, split, window, evaluate) on a large file.
struct DetectBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detection throughput (lines/s, MB/s) with a pack on a replicated, label-stripped log, next to `wc -l`."
    )

    @Option(help: "The rule pack.")
    var pack: String = "GeneratedRules/Packs/bgl.warden"

    @Option(help: "A BGL-format log to replicate (labels are stripped first).")
    var sample: String = "Samples/BGL_2k/BGL_2k.log"

    @Option(help: "Replicate the sample to at least this many lines.")
    var lines: Int = 500_000

    @Option(help: "Timed runs per configuration (the best is reported).")
    var runs: Int = 3

    func run() throws {
        let file = try replicatedLog(sample: sample, lines: lines)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let checked = try checkedPack(at: pack)
        let engine = DetectionEngine(rules: Interpreter.ruleSet(for: checked))
        let megabytes = Double(file.bytes) / 1e6
        print("\(pack) (\(checked.rules.count) rules) on \(file.lines) lines, \(String(format: "%.1f", megabytes)) MB (labels stripped), windows of 20")
        print("configuration".padding(toLength: 28, withPad: " ", startingAt: 0) + "seconds     lines/s      MB/s")
        func report(_ name: String, _ seconds: Double) {
            print(name.padding(toLength: 28, withPad: " ", startingAt: 0)
                  + String(format: "%7.3f  %10.0f  %8.1f", seconds, Double(file.lines) / seconds, megabytes / seconds))
        }
        report("wc -l (reference)", try best { try wordCount(file.path) })
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for threads in Array(Set([1, cores])).sorted() {
            var abnormal = 0
            let seconds = try best {
                let reader = try LogReader(path: file.path, decoder: LineDecoder(format: .lines))
                let pipeline = WindowPipeline(reader: reader, policy: .codeAD, threads: threads)
                abnormal = 0
                try pipeline.run(worker: engine.makeContext, process: { engine.detect($0, in: $1) }, sink: { _, detection in
                    if detection.verdict == .abnormal { abnormal += 1 }
                })
            }
            report("warden detect, \(threads) thread\(threads == 1 ? "" : "s")", seconds)
            if threads == cores { print("(\(abnormal) abnormal windows)") }
        }
    }

    private func best(_ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<max(1, runs) {
            let start = clock.now
            try body()
            let elapsed = clock.now - start
            times.append(elapsed.seconds)
        }
        return times.min()!
    }
}

/// Compiled (generated Swift) against interpreted rules on the same windows.
struct CompiledBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compiled",
        abstract: "Throughput of the compiled BGL pack (GeneratedRules) against the interpreter, same windows, one thread."
    )

    @Option(help: "A BGL-format log; windows of 20 lines are built in memory first.")
    var sample: String = "Samples/BGL_2k/BGL_2k.log"

    @Option(help: "Replicate the sample's windows to at least this many lines.")
    var lines: Int = 500_000

    @Option(help: "Timed runs per engine (the best is reported).")
    var runs: Int = 5

    func run() throws {
        let reader = try LogReader(path: sample, decoder: LineDecoder(format: .bgl))
        var windower = Windower(policy: .codeAD)
        var base: [Window] = []
        try reader.forEach { record in
            _ = windower.add(record.message, number: record.number, timestamp: record.timestamp) { base.append($0) }
        }
        windower.finish { base.append($0) }
        let perCopy = base.reduce(0) { $0 + $1.count }
        var windows: [Window] = []
        while windows.count * 20 < lines { windows += base }
        let lineCount = windows.count / base.count * perCopy
        let pack = try checkedPack(at: "GeneratedRules/Packs/bgl.warden")
        guard let compiled = GeneratedPacks.named("bgl") else { throw ValidationError("the bgl pack is not compiled in") }
        let engines = [("interpreted", DetectionEngine(rules: Interpreter.ruleSet(for: pack))), ("compiled", DetectionEngine(rules: compiled))]
        print("bgl pack on \(windows.count) windows (\(lineCount) lines), one thread")
        var verdicts: [[Verdict]] = []
        for (name, engine) in engines {
            let context = engine.makeContext()
            var best = Double.infinity
            var last: [Verdict] = []
            for _ in 0..<max(1, runs) {
                let clock = ContinuousClock(), start = clock.now
                last = windows.map { engine.detect($0, in: context).verdict }
                let elapsed = clock.now - start
                best = min(best, elapsed.seconds)
            }
            verdicts.append(last)
            print(name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%8.3f s  %11.0f lines/s", best, Double(lineCount) / best))
        }
        print(verdicts[0] == verdicts[1] ? "verdicts identical" : "VERDICTS DIFFER")
    }
}
