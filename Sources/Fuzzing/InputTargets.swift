import Foundation
import LogInput
import WardenCore

/// The log-input side: line splitting, format decoding, label files and file reading.
enum InputTargets {
    /// Lines longer than this are skipped, so that the limit is exercised on small inputs.
    static let lineLimit = 64

    /// The input's lines as a plain split on LF: the last one needs no newline.
    static func segments(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces
    }

    static func lines(_ bytes: [UInt8]) throws(FuzzFailure) {
        // Chunks of uneven sizes, chosen by the input itself, so that lines straddle chunk ends.
        let sizes = [1, 2, 3, 7, 16, 61, 4096]
        var splitter = LineSplitter(maximumLineLength: lineLimit)
        var seen: [(number: Int, line: [UInt8]?)] = []
        let line: (UnsafeBufferPointer<UInt8>, Int) -> Void = { seen.append(($1, Array($0))) }
        let tooLong: (Int) -> Void = { seen.append(($0, nil)) }
        var start = 0, turn = Int(bytes.first ?? 0)
        bytes.withUnsafeBufferPointer { buffer in
            while start < buffer.count {
                let end = min(buffer.count, start + sizes[turn % sizes.count])
                splitter.feed(UnsafeBufferPointer(rebasing: buffer[start..<end]), line: line, tooLong: tooLong)
                start = end
                turn += 1
            }
        }
        splitter.finish(line: line, tooLong: tooLong)
        let expected = segments(bytes)
        guard seen.count == expected.count else { throw FuzzFailure("\(seen.count) lines delivered for \(expected.count) in the input") }
        for (index, (piece, got)) in zip(expected, seen).enumerated() {
            guard got.number == index + 1 else { throw FuzzFailure("line \(index + 1) was numbered \(got.number)") }
            let want: [UInt8]? = piece.count > lineLimit ? nil : Array(piece.last == 0x0D ? piece.dropLast() : piece)
            guard got.line == want else { throw FuzzFailure("line \(index + 1) came out as \(got.line.map { "\($0.count) bytes" } ?? "too long"), expected \(want.map { "\($0.count) bytes" } ?? "too long")") }
        }
    }

    static func decoders(_ bytes: [UInt8]) throws(FuzzFailure) {
        for format in LogFormat.allCases {
            try decode(bytes, with: LineDecoder(format: format))
        }
    }

    static func jsonl(_ bytes: [UInt8]) throws(FuzzFailure) {
        try decode(bytes, with: LineDecoder(format: .jsonl, fields: JSONFields(message: "message", label: "label", timestamp: "time",
                                                                               header: ["level", "logger"])))
    }

    /// Each line is decoded exactly once or skipped with a reason; what a rule would see is
    /// the line itself, or for BGL and Thunderbird what follows the label, and for JSON Lines valid UTF-8.
    static func decode(_ bytes: [UInt8], with decoder: LineDecoder) throws(FuzzFailure) {
        for (index, piece) in segments(bytes).enumerated() {
            let raw = Array(piece)
            var calls = 0
            var problem: String?
            let reason = raw.withUnsafeBufferPointer { buffer in
                decoder.decode(buffer) { decoded in
                    calls += 1
                    let message = Array(decoded.message)
                    switch decoder.format {
                    case .lines, .hdfs, .hadoop:
                        if message != raw { problem = "the message is not the line" }
                    case .bgl, .thunderbird:
                        let labelEnd = raw.firstIndex(of: 0x20) ?? raw.count
                        if message.count > raw.count - labelEnd || Array(raw.suffix(message.count)) != message {
                            problem = "the message is not what follows the label"
                        }
                    case .jsonl:
                        if String(validating: message, as: UTF8.self) == nil { problem = "the message is not UTF-8" }
                    }
                }
            }
            if let problem { throw FuzzFailure("\(decoder.format.rawValue) line \(index + 1): \(problem)") }
            guard (calls == 1 && reason == nil) || (calls == 0 && reason != nil) else {
                throw FuzzFailure("\(decoder.format.rawValue) line \(index + 1): decoded \(calls) times, skip reason \(String(describing: reason))")
            }
        }
    }

    static func labels(_ bytes: [UInt8]) throws(FuzzFailure) {
        try refusedOnlyAsLabels {
            let file = try LineLabels.parse(Data(bytes), path: "fuzz.labels")
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let expected = lines.last == "" ? lines.count - 1 : lines.count
            guard file.labels.count == expected else { throw FuzzFailure("\(file.labels.count) labels read from \(expected) lines") }
        }
    }

    static func keyLabels(_ bytes: [UInt8]) throws(FuzzFailure) {
        try refusedOnlyAsLabels {
            let table = try LabelTable.parse(Data(bytes), path: "fuzz.csv")
            let rows = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).count
            guard table.labels.count < max(rows, 1) else { throw FuzzFailure("\(table.labels.count) keys from \(rows) rows with a header") }
            if let key = table.labels.keys.first(where: { $0 != $0.trimmingCharacters(in: .whitespaces) }) {
                throw FuzzFailure("key `\(key)` keeps its surrounding spaces")
            }
        }
    }

    /// Runs `body`, for which the only acceptable error is a label file refused with its reason.
    static func refusedOnlyAsLabels(_ body: () throws -> Void) throws(FuzzFailure) {
        do { try body() } catch let error as InputError {
            guard case .invalidLabels = error else { throw FuzzFailure("refused as \(error), not as a bad label file") }
        } catch let failure as FuzzFailure {
            throw failure
        } catch {
            throw FuzzFailure("unexpected \(error)")
        }
    }

    /// Where `gzip` writes its input (one file per process, rewritten each run).
    static let scratchFile = FileManager.default.temporaryDirectory.appendingPathComponent("warden-fuzz-\(getpid()).log").path

    static func gzip(_ bytes: [UInt8]) throws(FuzzFailure) {
        guard FileManager.default.createFile(atPath: scratchFile, contents: Data(bytes)) else { throw FuzzFailure("cannot write \(scratchFile)") }
        defer { try? FileManager.default.removeItem(atPath: scratchFile) }
        let reader: LogReader
        do { reader = try LogReader(path: scratchFile, decoder: LineDecoder(format: .lines), maximumLineLength: 1 << 16) } catch {
            throw FuzzFailure("cannot open the input: \(error)")
        }
        var delivered = 0
        var stoppedAt: Int?
        do {
            try reader.forEach { _ in delivered += 1 }
        } catch let error as InputError {
            guard case .stopped(_, _, let lines) = error else { throw FuzzFailure("reading failed as \(error), without the count of lines before it") }
            stoppedAt = lines
        } catch {
            throw FuzzFailure("unexpected \(error)")
        }
        let accounted = delivered + reader.accounting.skipped.values.reduce(0, +)
        guard accounted == reader.accounting.read else { throw FuzzFailure("\(reader.accounting.read) lines read, \(accounted) delivered or skipped") }
        if let stoppedAt, stoppedAt != reader.accounting.read { throw FuzzFailure("the error says \(stoppedAt) lines, \(reader.accounting.read) were read") }
        if !reader.source.isCompressed {
            guard stoppedAt == nil else { throw FuzzFailure("plain input stopped with an error") }
            guard reader.accounting.read == segments(bytes).count else {
                throw FuzzFailure("plain input: \(reader.accounting.read) lines read, \(segments(bytes).count) in the input")
            }
        }
    }
}
