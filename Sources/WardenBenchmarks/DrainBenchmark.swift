import ArgumentParser
import Foundation
import LogParsing

/// Drain mining throughput on lines held in memory (the reference is timed the same way).
struct DrainBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Drain template mining (lines/s) on content lines held in memory, one thread."
    )

    @Argument(help: "A file of content lines (e.g. from `warden templates --content-only`).")
    var file: String

    @Option(help: "Passes; the best is reported.")
    var passes = 3

    func run() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        var lines: [[UInt8]] = []
        data.withUnsafeBytes { bytes in
            var start = 0
            for index in 0..<bytes.count where bytes[index] == 0x0A {
                lines.append(Array(bytes[start..<index]))
                start = index + 1
            }
            if start < bytes.count { lines.append(Array(bytes[start...])) }
        }
        guard !lines.isEmpty else { throw ValidationError("\(file) has no lines") }
        var best = Duration.seconds(1_000_000)
        var templates = 0
        let clock = ContinuousClock()
        for _ in 0..<max(1, passes) {
            var drain = Drain()
            let start = clock.now
            for line in lines { drain.add(line) }
            let elapsed = clock.now - start
            best = min(best, elapsed)
            templates = drain.clusters.count
        }
        let seconds = best.seconds
        print("drain: \(lines.count) lines, \(templates) templates, \(String(format: "%.3f", seconds)) s, \(Int(Double(lines.count) / seconds)) lines/s")
    }
}
