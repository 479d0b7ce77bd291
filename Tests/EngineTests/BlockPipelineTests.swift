import Foundation
@testable import LogInput
import RuleRuntime
import Testing
import WardenCore

/// The block pipeline (chunks read and split by the worker threads, windows joined
/// across chunks) gives exactly the windows, order, line numbers, bytes, timestamps and
/// accounting of the line-by-line path, whatever the chunk size and thread count.
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

    static func blocks(_ path: String, format: LogFormat, size: Int, maximum: Int, threads: Int, chunkBytes: Int) throws -> Outcome {
        let reader = try LogReader(path: path, decoder: LineDecoder(format: format), maximumLineLength: maximum)
        let pipeline = try #require(BlockPipeline(reader: reader, policy: .count(size: size, step: size), threads: threads,
                                                  recordTruth: false, chunkBytes: chunkBytes))
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
    /// newline), lines longer than a chunk and longer than what is first read past one, and BGL labels.
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
        // Lines of exactly the limits of 600 and 9,000 bytes, and one byte either side.
        var edges: [UInt8] = []
        for index in 0..<60 {
            let limit = index < 30 ? 600 : 9_000
            edges += Array(repeating: UInt8(ascii: "e"), count: limit - 1 + index % 3) + (index % 4 == 0 ? [0x0D, 0x0A] : [0x0A])
        }
        var long: [UInt8] = []
        for index in 0..<40 {
            let length = [10, 5_000, 9_000, 30_000][index % 4]
            long += Array("2024-01-01 10:00:00 line \(index) ".utf8) + Array(repeating: UInt8(ascii: "q"), count: length) + [0x0A]
        }
        return [("mixed", mixed, .lines), ("unterminated", unterminated, .lines), ("long last line", longLast, .lines),
                ("long lines", long, .lines), ("lines at the limit", edges, .lines), ("bgl", bgl, .bgl), ("one line", Array("x".utf8), .lines),
                ("one line and a newline", Array("x\n".utf8), .lines), ("newlines only", Array("\n\n\n".utf8), .lines)]
    }

    @Test("Same windows and accounting as line by line, for chunk sizes and thread counts")
    func agreesWithLineByLine() throws {
        for input in Self.inputs() {
            let path = try temporaryFile(input.bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for size in [1, 3, 20] {
                for maximum in [600, 9_000, 4 << 20] {
                    let expected = try Self.reference(path, format: input.format, size: size, maximum: maximum)
                    for (chunkBytes, threads) in [(1, 1), (2, 2), (64, 1), (100, 2), (1000, 3), (1 << 18, 2)] {
                        if chunkBytes < 64, input.bytes.count > 20_000 { continue }
                        let actual = try Self.blocks(path, format: input.format, size: size, maximum: maximum, threads: threads, chunkBytes: chunkBytes)
                        #expect(actual == expected, "\(input.name): windows of \(size), limit \(maximum), chunks of \(chunkBytes), \(threads) threads")
                    }
                }
            }
        }
    }

    @Test("A file is read to the length it had when opened: lines appended later, or a file cut short, end the input cleanly")
    func lengthAtOpen() throws {
        let first = (1...50).map { "line \($0)\n" }.joined()
        let path = try temporaryFile(Array(first.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for threads in [1, 2] {
            try Data(first.utf8).write(to: URL(fileURLWithPath: path))
            let grown = try LogReader(path: path, decoder: LineDecoder(format: .lines))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("appended 1\nappended 2\n".utf8))
            try handle.close()
            let growing = try #require(BlockPipeline(reader: grown, policy: .count(size: 20, step: 20), threads: threads, recordTruth: false, chunkBytes: 64))
            var numbers: [Int] = []
            try growing.run(worker: { 0 }, process: { _, _ in 0 }, sink: { window, _ in numbers += window.numbers }, progress: nil)
            #expect(numbers == Array(1...50) && grown.accounting.read == 50, "\(threads) threads")

            // Cut to 10 whole lines and half a line after the reader opened it.
            let cut = try LogReader(path: path, decoder: LineDecoder(format: .lines))
            let shortened = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try shortened.truncate(atOffset: UInt64(Array((1...10).map { "line \($0)\n" }.joined().utf8).count + 3))
            try shortened.close()
            let shrinking = try #require(BlockPipeline(reader: cut, policy: .count(size: 20, step: 20), threads: threads, recordTruth: false, chunkBytes: 64))
            var texts: [String] = []
            try shrinking.run(worker: { 0 }, process: { _, _ in 0 }, sink: { window, _ in texts += (0..<window.count).map(window.text) }, progress: nil)
            #expect(texts == (1...10).map { "line \($0)" } + ["lin"] && cut.accounting.read == 11, "\(threads) threads")
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
        // An empty file (or one that says it is, as /proc files do) is read line by line, to its end.
        let empty = try LogReader(path: try temporaryFile([]), decoder: LineDecoder(format: .lines))
        #expect(BlockPipeline(reader: empty, policy: .count(size: 20, step: 20), threads: 2, recordTruth: false) == nil)
    }
}
