import Foundation
@testable import LogInput
import PCRE2
import RuleRuntime
import Testing
import WardenCore

/// Sessions sharded by key (lines batched on the reading thread, keys found by workers,
/// each shard adding its keys' lines) give exactly the windows, ids, order, truncation
/// marks and accounting of the windower on one thread.
@Suite("Session pipeline")
struct SessionPipelineTests {
    struct Outcome: Equatable {
        var windows: [[String]] = []
        var ids: [Int] = []
        var keys: [String?] = []
        var numbers: [[Int]] = []
        var truncated: [Bool] = []
        var results: [Int] = []
        var read = 0, windowed = 0, skipped: [SkipReason: Int] = [:]
    }

    static func reference(_ path: String, policy: WindowPolicy) throws -> Outcome {
        let reader = try LogReader(path: path, decoder: LineDecoder(format: .hdfs))
        var outcome = Outcome()
        try WindowPipeline(reader: reader, policy: policy, threads: 1).windows { window in
            record(window, into: &outcome)
            outcome.results.append(window.count * 1000 + window.id)
        }
        finish(reader, into: &outcome)
        return outcome
    }

    static func sharded(_ path: String, policy: WindowPolicy, threads: Int, batchLines: Int) throws -> Outcome {
        let reader = try LogReader(path: path, decoder: LineDecoder(format: .hdfs))
        let pipeline = try #require(SessionPipeline(reader: reader, policy: policy, threads: threads, batchLines: batchLines))
        var outcome = Outcome()
        var seen = 0
        // The result is computed on a worker before the id is known: the id is added when delivered.
        try pipeline.run(worker: { 1000 }, process: { window, scale in window.count * scale }, sink: { window, result in
            record(window, into: &outcome)
            outcome.results.append(result + window.id)
        }, progress: nil, record: { _ in seen += 1 })
        finish(reader, into: &outcome)
        #expect(seen == reader.accounting.read - (reader.accounting.skipped[.tooLong] ?? 0))
        return outcome
    }

    private static func record(_ window: Window, into outcome: inout Outcome) {
        outcome.windows.append((0..<window.count).map { window.text($0) })
        outcome.ids.append(window.id)
        outcome.keys.append(window.key)
        outcome.numbers.append(window.numbers)
        outcome.truncated.append(window.isTruncated)
    }

    private static func finish(_ reader: LogReader, into outcome: inout Outcome) {
        outcome.read = reader.accounting.read
        outcome.windowed = reader.accounting.windowed
        outcome.skipped = reader.accounting.skipped
    }

    /// HDFS-style lines: 60 blocks interleaved, some lines without a block id, time
    /// running forward with a pause (so that idle sessions close mid-input).
    static func input() -> [UInt8] {
        var generator = SeededGenerator(seed: 11)
        var text = ""
        var second = 0
        for index in 0..<3000 {
            second += index == 1500 ? 400 : Int.random(in: 0...1, using: &generator)
            let clock = String(format: "%02d%02d%02d", 10 + second / 3600, (second / 60) % 60, second % 60)
            let block = Int.random(in: 0..<(index < 1500 ? 40 : 60), using: &generator)
            if index % 13 == 0 {
                text += "081109 \(clock) 1 INFO dfs.FSNamesystem: no block on this line \(index)\n"
            } else {
                text += "081109 \(clock) 1 INFO dfs.DataNode: Receiving block blk_\(block == 7 ? "-" : "")\(block)9 line \(index)\n"
            }
        }
        return Array(text.utf8)
    }

    @Test("Same windows, ids, marks and accounting as the windower, for shard counts, batch sizes, idle timeouts and line limits")
    func agreesWithWindower() throws {
        let path = try temporaryFile(Self.input())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = try Pattern(#"blk_(-?\d+)"#)
        let policies: [(String, WindowPolicy)] = [
            ("plain", .session(key: key, idleMilliseconds: nil, maximumLines: 100_000)),
            ("idle 60s", .session(key: key, idleMilliseconds: 60_000, maximumLines: 100_000)),
            ("line limit 5", .session(key: key, idleMilliseconds: nil, maximumLines: 5)),
            ("idle 20s, limit 7", .session(key: key, idleMilliseconds: 20_000, maximumLines: 7)),
            ("whole match as key", .session(key: try Pattern(#"blk_-?\d+"#), idleMilliseconds: 30_000, maximumLines: 100_000)),
        ]
        for (name, policy) in policies {
            let expected = try Self.reference(path, policy: policy)
            #expect(expected.windows.count > 40, "\(name)")
            for (threads, batchLines) in [(2, 1), (2, 256), (3, 100), (4, 4096)] {
                let actual = try Self.sharded(path, policy: policy, threads: threads, batchLines: batchLines)
                #expect(actual == expected, "\(name): \(threads) shards, batches of \(batchLines) lines")
            }
        }
    }

    @Test("A truncated gzip input: the same windows before the fault, then the same error")
    func truncatedInput() throws {
        let compressed = try gzip(Self.input())
        let cut = try temporaryFile(Array(compressed.prefix(compressed.count / 2)), suffix: ".log.gz")
        let policy = WindowPolicy.session(key: try Pattern(#"blk_(-?\d+)"#), idleMilliseconds: 60_000, maximumLines: 9)
        func run(_ body: () throws -> Outcome) -> (Outcome?, String?) {
            do { return (try body(), nil) } catch { return (nil, "\(error)") }
        }
        var expected = Outcome(), actual = Outcome()
        let (_, expectedError) = run {
            let reader = try LogReader(path: cut, decoder: LineDecoder(format: .hdfs))
            defer { Self.finish(reader, into: &expected) }
            try WindowPipeline(reader: reader, policy: policy, threads: 1).windows { Self.record($0, into: &expected) }
            return expected
        }
        let (_, actualError) = run {
            let reader = try LogReader(path: cut, decoder: LineDecoder(format: .hdfs))
            defer { Self.finish(reader, into: &actual) }
            try #require(SessionPipeline(reader: reader, policy: policy, threads: 2, batchLines: 100))
                .run(worker: { 0 }, process: { _, _ in 0 }, sink: { window, _ in Self.record(window, into: &actual) },
                     progress: nil, record: { _ in })
            return actual
        }
        #expect(expectedError != nil && actualError == expectedError)
        #expect(expected.windows.count > 10)
        #expect(actual == expected)
    }

    @Test("It takes session windows on more than one thread only")
    func applicability() throws {
        let path = try temporaryFile(Array("a\n".utf8))
        let reader = try LogReader(path: path, decoder: LineDecoder(format: .lines))
        let session = WindowPolicy.session(key: try Pattern("a"), idleMilliseconds: nil, maximumLines: 10)
        #expect(SessionPipeline(reader: reader, policy: session, threads: 2) != nil)
        #expect(SessionPipeline(reader: reader, policy: session, threads: 1) == nil)
        #expect(SessionPipeline(reader: reader, policy: .count(size: 20, step: 20), threads: 2) == nil)
    }
}
