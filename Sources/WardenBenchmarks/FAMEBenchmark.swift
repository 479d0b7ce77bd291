import ArgumentParser
import Evaluation
import FAME
import Foundation
import LogInput
import LogParsing
import WardenCore

extension FeatureKind: ExpressibleByArgument {}

/// FAME training time and inference throughput.
struct FAMEBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fame",
        abstract: "FAME: training time (K-shot, builtin partition) and messages/s scored, one thread."
    )

    @Argument(help: "A labeled BGL-format log.")
    var file = "Samples/BGL_2k/BGL_2k.log"

    @Option(help: "Labeled messages per template.")
    var k = 100

    @Option(help: "Messages to score per pass (the test split repeated).")
    var messages = 500_000

    @Option(help: "Features: hashed, dense (MiniLM template embedding + hashed variable tokens) or both.")
    var features: FeatureKind = .hashed

    func run() async throws {
        let reader = try LogReader(path: file, decoder: LineDecoder(format: .bgl), labeling: try Labeling.forFormat(.bgl, labelFile: nil, sessionKey: nil))
        var all: [LabeledMessage] = []
        try reader.forEach { record in
            all.append(LabeledMessage(content: Array(MessageHeader.bgl.content(UnsafeRawBufferPointer(record.message))),
                                      abnormal: record.truth == .abnormal))
        }
        let train = all.enumerated().filter { Split.train.contains($0.offset, of: all.count) }.map(\.element)
        let test = all.enumerated().filter { Split.test.contains($0.offset, of: all.count) }.map(\.element)
        var settings = FAMESettings()
        settings.k = k
        settings.header = .bgl
        settings.features = try features.extractor()
        let clock = ContinuousClock()
        var result: FAMETrainingResult?
        let training = try await clock.measure { result = try await FAMETrainer.train(train, settings: settings) }
        guard let model = result?.model else { return }
        print("training: \(train.count) messages, \(model.metadata.labeledMessages) labeled, \(model.metadata.domains.count) domains: \(format(training))")
        var batch: [[UInt8]] = []
        while batch.count < messages { batch += test.prefix(messages - batch.count).map(\.content) }
        var best = Duration.seconds(1_000_000)
        var flagged = 0
        for _ in 0..<3 {
            var count = 0
            var scratch = SparseVector()
            let start = clock.now
            for content in batch where content.withUnsafeBytes({ model.assess(content: $0, scratch: &scratch).score >= model.threshold }) { count += 1 }
            best = min(best, clock.now - start)
            flagged = count
        }
        let seconds = best.seconds
        print("inference (\(model.extractor.identity)): \(batch.count) messages in \(format(best)), \(Int(Double(batch.count) / seconds)) messages/s (one thread; \(flagged) flagged)")
        if let dense = model.extractor as? DenseFeatures {
            let cache = dense.cacheStatistics
            print(String(format: "embedding cache: %d computed, %d reused, hit rate %.4f%% (training and inference)", cache.misses, cache.hits, cache.hitRate * 100))
        }
    }

    private func format(_ duration: Duration) -> String {
        String(format: "%.3f s", duration.seconds)
    }
}
