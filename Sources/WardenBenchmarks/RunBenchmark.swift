import ArgumentParser
import Bundles
import Foundation
import LiveDetection
import LogInput
import Logging
import RuleRuntime
import ServiceLifecycle

/// Measures `warden run`: sustained throughput while following a file, and the time to activate a new bundle.
struct RunBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The long-running detector: lines/s while following a file (next to `wc -l` and one-thread `detect` on it), and bundle activation times."
    )

    @Option(help: "The rule pack to bundle.")
    var pack: String = "GeneratedRules/Packs/bgl.warden"

    @Option(help: "A BGL-format log to replicate (labels are stripped first).")
    var sample: String = "Samples/BGL_2k/BGL_2k.log"

    @Option(help: "Replicate the sample to at least this many lines.")
    var lines: Int = 300_000

    @Option(help: "New revisions to publish and time.")
    var activations: Int = 5

    func run() async throws {
        let file = try replicatedLog(sample: sample, lines: lines)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-run-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: file.path)
            try? FileManager.default.removeItem(at: directory)
        }
        let key = SigningKey()
        let source = [UInt8](try Data(contentsOf: URL(fileURLWithPath: pack)))
        func bundle(_ revision: Int) throws -> [UInt8] {
            try RuleBundle.build(BundleSource(name: "bench", version: "1.0.\(revision)", revision: revision,
                                              settings: DetectionSettings(format: "lines", window: "20"), packs: [(pack, source)]), key: key).bytes
        }
        let bundlePath = directory.appendingPathComponent("app.wbundle")
        try Data(try bundle(1)).write(to: bundlePath)
        print("\(pack) as a bundle on \(file.lines) lines, \(String(format: "%.1f", Double(file.bytes) / 1e6)) MB (labels stripped), windows of 20")
        print("configuration".padding(toLength: 34, withPad: " ", startingAt: 0) + "seconds     lines/s")
        func report(_ name: String, _ seconds: Double) {
            print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%7.3f  %10.0f", seconds, Double(file.lines) / seconds))
        }
        report("wc -l (reference)", try time { try wordCount(file.path) })
        let loaded = try RuleBundle.open(try bundle(1), key: key.publicKey)
        let engine = DetectionEngine(rules: loaded.ruleSet)
        report("warden detect, 1 thread", try time {
            let reader = try LogReader(path: file.path, decoder: LineDecoder(format: .lines))
            try WindowPipeline(reader: reader, policy: .codeAD, threads: 1).run(worker: engine.makeContext, process: { engine.detect($0, in: $1) }, sink: { _, _ in })
        })

        var logger = Logger(label: "bench")
        logger.logLevel = .error
        var configuration = LiveConfiguration(bundle: .file(bundlePath.path), key: key.publicKey,
                                              stateDirectory: directory.appendingPathComponent("state").path, inputs: [file.path])
        configuration.pollInterval = .milliseconds(50)
        configuration.jitter = 0
        let detector = LiveDetector(configuration: configuration, logger: logger) { _ in }
        let group = ServiceGroup(services: [detector], logger: logger)
        let clock = ContinuousClock()
        let started = clock.now
        let running = Task { try await group.run() }
        while detector.status.withLock({ $0.lines }) < file.lines { try await Task.sleep(for: .milliseconds(5)) }
        report("warden run, following the file", (clock.now - started).seconds)

        var opens: [Double] = [], activations: [Double] = []
        for revision in 2...(1 + self.activations) {
            let bytes = try bundle(revision)
            opens.append(try time { _ = try RuleBundle.open(bytes, key: key.publicKey).ruleSet })
            let published = clock.now
            try Data(bytes).write(to: bundlePath, options: .atomic)
            while detector.status.withLock({ $0.revision }) != revision { try await Task.sleep(for: .milliseconds(1)) }
            activations.append((clock.now - published).seconds)
        }
        await group.triggerGracefulShutdown()
        try await running.value
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(String(format: "bundle verify + load (%d rules): median %.1f ms", loaded.ruleSet.rules.count, median(opens) * 1000))
        print(String(format: "publish → active with --poll 50ms: median %.1f ms over %d revisions (poll wait included)", median(activations) * 1000, activations.count))
    }

    private func time(_ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return (clock.now - start).seconds
    }
}
