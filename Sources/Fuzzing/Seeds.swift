import Bundles
import CZlib
import FAME
import Foundation
import LogInput
import LogParsing
import WardenCore

extension FuzzTarget {
    /// Inputs to start from, made from the repository's samples and examples at `root`:
    /// the suite mutates them, and `warden-fuzz seed` writes them out as a libFuzzer corpus.
    public func seeds(root: URL) async throws -> [[UInt8]] {
        let samples = Seeds(root: root)
        switch self {
        case .pack: return try samples.files(in: "Grammar/Examples", withExtension: "warden") + samples.files(in: "Grammar/Invalid", withExtension: "warden")
        case .lines, .decoders: return try samples.logPieces()
        case .jsonl: return try samples.jsonLines()
        case .labels: return try samples.lineLabels()
        case .keyLabels: return try samples.head("Samples/HDFS_20k_head/HDFS_20000.block_labels.csv", lines: [2, 12, 40])
        case .gzip: return try samples.logPieces().prefix(6).map { Seeds.gzip($0) } + [Seeds.gzip(Array("a\nb\n".utf8)) + Seeds.gzip(Array("c\n".utf8)), Array("plain\nlines\n".utf8)]
        case .fameModel: return [try await samples.model().fileData()].map { [UInt8]($0) }
        case .famePayload:
            let file = [UInt8](try await samples.model().fileData())
            let payload = file.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)[2]
            return [Array(payload)]
        case .bundle:
            let pack = try samples.read("GeneratedRules/Packs/bgl.warden")
            let source = BundleSource(name: "fuzz", version: "1.0.0", revision: 1, settings: DetectionSettings(format: "bgl", window: "20"),
                                      packs: [("bgl.warden", pack)])
            return [try RuleBundle.build(source, key: LoaderTargets.key, created: Date(timeIntervalSince1970: 0)).bytes]
        case .drainState:
            var drain = Drain()
            for line in try samples.logPieces().joined().split(separator: 0x0A) { _ = drain.add(Array(line)) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return [[UInt8](try encoder.encode(drain)), [UInt8](try encoder.encode(Drain()))]
        }
    }
}

/// Reads seed material from the repository.
struct Seeds {
    let root: URL

    func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
    }

    func files(in directory: String, withExtension suffix: String) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(directory).path).filter { $0.hasSuffix("." + suffix) }.sorted()
        return try names.map { try read(directory + "/" + $0) }
    }

    /// The first lines of a file, cut at each of `lines`.
    func head(_ path: String, lines: [Int]) throws -> [[UInt8]] {
        let all = try read(path).split(separator: 0x0A, omittingEmptySubsequences: false)
        return lines.map { Array(all.prefix($0).joined(separator: [0x0A])) + [0x0A] }
    }

    /// Pieces of every plain sample log, and the edge cases a reader meets: CRLF, no final newline, long lines, NUL and invalid UTF-8.
    func logPieces() throws -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        for path in ["Samples/BGL_2k/BGL_2k.log", "Samples/HDFS_20k_head/HDFS_20000.log"] {
            let lines = try read(path).split(separator: 0x0A)
            for start in stride(from: 0, to: 60, by: 12) {
                pieces.append(Array(lines[start..<(start + 12)].joined(separator: [0x0A])) + [0x0A])
            }
        }
        pieces.append(Array("2024-03-01 10:00:00,123 one\r\n2024-03-01 10:00:01 two\r\nthree".utf8))
        pieces.append(Array(String(repeating: "x", count: 100).utf8) + [0x0A, 0x00, 0xFF, 0xC3, 0x0A, 0x0A])
        return pieces
    }

    /// JSON Lines records with message, label and time fields of every kind the decoder reads, and some it refuses.
    func jsonLines() throws -> [[UInt8]] {
        let records = [
            #"{"message": "kernel panic: attempted to kill init", "label": 1, "time": 1117838570}"#,
            #"{"message": "ciod: generated 64 core files", "label": "anomaly", "time": "2005-06-03 15:42:50"}"#,
            #"{"message": "ok \u00e9 \"quoted\" \\ back", "label": false, "time": 1117838570123}"#,
            #"{"message": "x", "label": null, "time": 1e400}"#,
            #"{"msg": "wrong field", "label": true}"#,
            #"[1, 2, 3]"#,
            #"{"message": 42}"#,
            #"{"message": "nested", "label": {"a": [1, {"b": null}]}, "time": -1}"#,
            #"{"message": "with header", "level": "WARN\tx", "logger": true, "time": 1}"#,
        ]
        return [Array(records.joined(separator: "\n").utf8)] + records.map { Array($0.utf8) }
    }

    /// Per-line label files: every spelling the reader accepts, and one value it refuses.
    func lineLabels() throws -> [[UInt8]] {
        ["0\n1\n0\n", "normal\nanomaly\n\nunknown\n?\n", "-\nabnormal\ntrue\nfalse\nyes\nno\n", "1\r\n0\r\n", "0\nbogus\n"].map { Array($0.utf8) }
            + (try head("Samples/HDFS_20k_head/HDFS_20000.line_labels.txt", lines: [30]))
    }

    /// A gzip member holding `bytes`.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard warden_deflate_init_gzip(&stream, 6) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let produced: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                _ = deflate(&stream, Z_FINISH)
                return outputBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    /// A small model trained on the first 400 messages of the BGL sample.
    func model() async throws -> FAMEModel {
        let reader = try LogReader(path: root.appendingPathComponent("Samples/BGL_2k/BGL_2k.log").path,
                                   decoder: LineDecoder(format: .bgl), labeling: .inline)
        var messages: [LabeledMessage] = []
        try reader.forEach { record in
            guard messages.count < 400, let truth = record.truth else { return }
            messages.append(LabeledMessage(content: Array(MessageHeader.bgl.content(UnsafeRawBufferPointer(record.message))), abnormal: truth == .abnormal))
        }
        var settings = FAMESettings()
        settings.features = HashedNGrams(dimension: 1 << 8)
        settings.header = .bgl
        return try await FAMETrainer.train(messages, settings: settings).model
    }
}
