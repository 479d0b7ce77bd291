import Foundation
@testable import LogInput
import RuleRuntime
import Testing
import WardenCore

/// The block pipeline (large reads, line spans, jobs of whole windows on worker
/// threads) gives exactly the windows, order, line numbers, bytes, timestamps and
/// accounting of the line-by-line path, whatever the buffer and job sizes.
@Suite("Block pipeline")
struct BlockPipelineTests {
    /// What one run produced, in a comparable form.
    struct Outcome: Equatable {
        var windows: [[String]] = []
        var ids: [Int] = []
        var numbers: [[Int]] = []
        var timestamps: [[Int64]] = []
        var results: [Int] = []
        var read = 0, windowed = 0, skipped: [SkipReason: Int] = [:]
        var untimed = 0, implausible = 0
    }

    /// The line-by-line reference: every window of the windower, in order.
    static func reference(_ path: String, format: LogFormat, size: Int, maximum: Int) throws -> Outcome {
        let reader = try LogReader(path: path, decoder: LineDecoder(format: format), maximumLineLength: maximum)
        var outcome = Outcome()
        try WindowPipeline(reader: reader, policy: .count(size: size, step: size), threads: 1).windows { window in
            record(window, into: &outcome)
            outcome.results.append(window.count * 1000 + window.id)
        }
        finish(reader, into: &outcome)
        return outcome
    }

    static func blocks(_ path: String, format: LogFormat, size: Int, maximum: Int, threads: Int, blockBytes: Int, jobWindows: Int) throws -> Outcome {
        let reader = try LogReader(path: path, decoder: LineDecoder(format: format), maximumLineLength: maximum)
        let pipeline = try #require(BlockPipeline(reader: reader, policy: .count(size: size, step: size), threads: threads,
                                                  recordTruth: false, blockBytes: blockBytes, jobWindows: jobWindows))
        var outcome = Outcome()
        try pipeline.run(worker: { 1000 }, process: { window, scale in window.count * scale + window.id }, sink: { window, result in
            record(window, into: &outcome)
            outcome.results.append(result)
        }, progress: nil)
        finish(reader, into: &outcome)
        return outcome
    }

    private static func record(_ window: Window, into outcome: inout Outcome) {
        outcome.windows.append((0..<window.count).map { window.text($0) })
        outcome.ids.append(window.id)
        outcome.numbers.append(window.numbers)
        outcome.timestamps.append(window.timestamps)
    }

    private static func finish(_ reader: LogReader, into outcome: inout Outcome) {
        outcome.read = reader.accounting.read
        outcome.windowed = reader.accounting.windowed
        outcome.skipped = reader.accounting.skipped
        outcome.untimed = reader.untimedLines
        outcome.implausible = reader.implausibleLabels
    }

    /// Inputs with CRLF and empty lines, lines over the limit (also at the end, without a
    /// newline), lines longer than a buffer, and BGL labels.
    static func inputs() -> [(name: String, bytes: [UInt8], format: LogFormat)] {
        var generator = SeededGenerator(seed: 7)
        var mixed: [UInt8] = []
        for index in 0..<700 {
            let length = [0, 3, 12, 40, 90, 200, 700][Int.random(in: 0..<7, using: &generator)]
            let prefix = Array("2024-01-0\(index % 9 + 1) 10:00:0\(index % 10) line \(index) ".utf8)
            mixed += prefix + (0..<length).map { _ in UInt8.random(in: 0x61...0x7A, using: &generator) }
            mixed += index % 5 == 0 ? [0x0D, 0x0A] : [0x0A]
            if index % 97 == 0 { mixed += [0x0A] }  // an empty line
        }
        var unterminated = mixed
        unterminated += Array("last line without a newline".utf8)
        var longLast = mixed
        longLast += Array(repeating: UInt8(ascii: "z"), count: 900)
        var bgl: [UInt8] = []
        for index in 0..<333 {
            let label = index % 7 == 0 ? "KERNDTLB" : (index % 50 == 0 ? "label?" : "-")
            bgl += Array("\(label) 11178\(index) 2005.06.03 R02 RAS KERNEL INFO message \(index)\n".utf8)
        }
        return [("mixed", mixed, .lines), ("unterminated", unterminated, .lines), ("long last line", longLast, .lines),
                ("bgl", bgl, .bgl), ("empty", [], .lines), ("one line", Array("x".utf8), .lines)]
    }

    @Test("Same windows and accounting as line by line, for buffer sizes, job sizes and thread counts")
    func agreesWithLineByLine() throws {
        for input in Self.inputs() {
            let path = try temporaryFile(input.bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for size in [1, 3, 20] {
                for maximum in [600, 4 << 20] {
                    let expected = try Self.reference(path, format: input.format, size: size, maximum: maximum)
                    for (blockBytes, jobWindows, threads) in [(64, 1, 1), (100, 2, 2), (1000, 7, 3), (1 << 18, 64, 2)] {
                        let actual = try Self.blocks(path, format: input.format, size: size, maximum: maximum, threads: threads,
                                                     blockBytes: blockBytes, jobWindows: jobWindows)
                        #expect(actual == expected, "\(input.name): windows of \(size), limit \(maximum), buffers of \(blockBytes), jobs of \(jobWindows), \(threads) threads")
                    }
                }
            }
        }
    }

    @Test("It applies to tumbling count windows of plain files only")
    func applicability() throws {
        let plain = try temporaryFile(Array("a\nb\n".utf8))
        let reader = { try LogReader(path: plain, decoder: LineDecoder(format: .lines)) }
        #expect(BlockPipeline(reader: try reader(), policy: .count(size: 20, step: 20), threads: 2, recordTruth: false) != nil)
        #expect(BlockPipeline(reader: try reader(), policy: .count(size: 20, step: 5), threads: 2, recordTruth: false) == nil)
        #expect(BlockPipeline(reader: try reader(), policy: .count(size: 20, step: 20), threads: 2, recordTruth: true) == nil)
        #expect(BlockPipeline(reader: try reader(), policy: .time(milliseconds: 1000, maximumLines: 10), threads: 2, recordTruth: false) == nil)
        let json = try LogReader(path: plain, decoder: LineDecoder(format: .jsonl))
        #expect(BlockPipeline(reader: json, policy: .count(size: 20, step: 20), threads: 2, recordTruth: false) == nil)
        var gzipped: [UInt8] = [0x1F, 0x8B]
        gzipped += Array(repeating: 0, count: 20)
        let gzip = try LogReader(path: try temporaryFile(gzipped), decoder: LineDecoder(format: .lines))
        #expect(BlockPipeline(reader: gzip, policy: .count(size: 20, step: 20), threads: 2, recordTruth: false) == nil)
    }

    @Test("Newlines are counted up to a limit, with the length up to the last one counted")
    func newlineCount() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let count = Int.random(in: 0..<400, using: &generator)
            let density = Int.random(in: 1...200, using: &generator)
            let bytes = (0..<count).map { _ in Int.random(in: 0..<density, using: &generator) == 0 ? UInt8(0x0A) : UInt8.random(in: 0x20...0x7E, using: &generator) }
            let positions = bytes.indices.filter { bytes[$0] == 0x0A }
            for limit in [1, 2, 7, positions.count, positions.count + 1, 1 << 20] where limit > 0 {
                let lines = min(limit, positions.count)
                let expected = (lines: lines, length: lines == 0 ? 0 : positions[lines - 1] + 1)
                let actual = bytes.withUnsafeBytes { Newlines.count(in: $0, upTo: limit) }
                #expect(actual == expected, "\(count) bytes, \(positions.count) newlines, limit \(limit)")
            }
        }
    }
}
