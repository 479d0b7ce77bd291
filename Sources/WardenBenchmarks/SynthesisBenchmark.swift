import ArgumentParser
import Foundation
import LogInput
import PCRE2
import RuleRuntime
import Synthesis

/// Time to synthesize a pack with the builtin learner, and how it compares with reading the input.
struct SynthesisBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Builtin synthesis on HDFS_2pct_dev sessions: time to read and window the log, and to learn the pack."
    )

    @Argument(help: "A labeled HDFS log.")
    var file = "Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz"

    @Option(help: "Its block labels.")
    var labels = "Samples/HDFS_2pct_dev/HDFS_2pct_dev.block_labels.csv"

    func run() async throws {
        let clock = ContinuousClock()
        let key = try Pattern(LogFormat.hdfs.defaultSessionKey!)
        let reader = try LogReader(path: file, decoder: LineDecoder(format: .hdfs),
                                   labeling: try Labeling.forFormat(.hdfs, labelFile: labels, sessionKey: nil))
        var data: TrainingData?
        let reading = try clock.measure {
            data = try TrainingData.load(reader: reader, policy: .session(key: key, idleMilliseconds: nil, maximumLines: 100_000))
        }
        guard let data else { return }
        let synthesizer = Synthesizer(data: data, proposer: BuiltinProposer(layout: LineLayout(format: .hdfs)), packName: "bench")
        let learning = try await clock.measure { try await synthesizer.run { _ in } }
        let lines = (data.train + data.validation + data.test).reduce(0) { $0 + $1.window.count }
        print("\(file): \(lines) lines, \(data.train.count) training sessions")
        print("read and window: \(format(reading)); learn \(synthesizer.accepted.count) rules: \(format(learning)); total \(format(reading + learning))")
    }

    private func format(_ duration: Duration) -> String {
        String(format: "%.2f s", duration.seconds)
    }
}
