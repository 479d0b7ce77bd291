import Foundation
import LogInput
import PCRE2
import RuleRuntime
import Testing
import WardenCore
import TestSupport

@Suite("Log input")
struct InputTests {
    static let bglSample = Repository.path("Samples/BGL_2k/BGL_2k.log")
    static let hdfsSample = Repository.path("Samples/HDFS_20k_head/HDFS_20000.log")
    static let hdfsLabels = Repository.path("Samples/HDFS_20k_head/HDFS_20000.block_labels.csv")

    /// A pack that would reveal any label text reaching a rule.
    static let labelProbe = #"""
        pack probe version "1.0.0"
        abnormal rule sees_label { any line in window: line matches /^(-|[A-Z]+) \d{10}/ or line matches /\b(KERNDTLB|KERNSTOR|APPSEV|KERNMNTF)\b/ }
        abnormal rule fatal { any line in window: line contains "FATAL" }
        """#

    @Test("BGL: the label field never reaches a rule")
    func labelStripped() throws {
        let text = "KERNDTLB 1117869876 2005.06.04 R23 RAS KERNEL FATAL data TLB error interrupt\n- 1117838570 2005.06.03 R02 RAS KERNEL INFO ok\n"
        let path = try temporaryFile(Array(text.utf8))
        let run = try detectFile(path, rules: try ruleSet(Self.labelProbe), format: .bgl, policy: .count(size: 1, step: 1))
        #expect(run.windows.map { $0.text(0) } == [
            "1117869876 2005.06.04 R23 RAS KERNEL FATAL data TLB error interrupt",
            "1117838570 2005.06.03 R02 RAS KERNEL INFO ok",
        ])
        #expect(run.windows[0].timestamps == [1_117_869_876_000])
        #expect(run.windows[1].timestamps == [1_117_838_570_000])
        #expect(run.detections.map(\.rule) == ["fatal", nil])
        #expect(run.pipeline.truth(ofLine: 1) == .abnormal && run.pipeline.truth(ofLine: 2) == .normal)
    }

    @Test("Changing every label never changes a verdict or its evidence")
    func labelInvariance() throws {
        let original = try String(contentsOfFile: Self.bglSample, encoding: .utf8)
        var generator = SeededGenerator(seed: 7)
        let categories = ["-", "KERNDTLB", "APPSEV", "-", "X"]
        let relabeled = original.split(separator: "\n").map { line -> String in
            let rest = line.drop { $0 != " " }
            return categories[Int(generator.next() % UInt64(categories.count))] + rest
        }.joined(separator: "\n") + "\n"
        let pack = try ruleSet(String(decoding: try Data(contentsOf: URL(fileURLWithPath: Repository.path("GeneratedRules/Packs/bgl.warden"))), as: UTF8.self))
        let probe = try ruleSet(Self.labelProbe)
        for rules in [pack, probe] {
            let a = try detectFile(Self.bglSample, rules: rules, format: .bgl)
            let b = try detectFile(try temporaryFile(Array(relabeled.utf8)), rules: rules, format: .bgl)
            #expect(a.detections == b.detections)
            #expect(a.detections.contains { $0.verdict == .abnormal })
        }
        let probed = try detectFile(Self.bglSample, rules: probe, format: .bgl)
        #expect(!probed.detections.contains { $0.rule == "sees_label" })
    }

    @Test("Verdicts do not depend on the thread count")
    func deterministicAcrossThreads() throws {
        let rules = try ruleSet(String(decoding: try Data(contentsOf: URL(fileURLWithPath: Repository.path("GeneratedRules/Packs/bgl.warden"))), as: UTF8.self))
        let one = try detectFile(Self.bglSample, rules: rules, format: .bgl, policy: .count(size: 20, step: 5), threads: 1)
        let four = try detectFile(Self.bglSample, rules: rules, format: .bgl, policy: .count(size: 20, step: 5), threads: 4)
        #expect(one.detections == four.detections)
        #expect(one.detections.count == 397)
    }

    @Test("gzip input reads the same lines as plain input; concatenated members too")
    func gzipInput() throws {
        let text = (1...5000).map { "line \($0) payload" }.joined(separator: "\n") + "\n"
        let plain = try temporaryFile(Array(text.utf8))
        let compressed = try gzip(Array(text.utf8))
        let members = try gzip(Array(text.utf8)) + (try gzip(Array("tail line\n".utf8)))
        let rules = try ruleSet(rulePack(#"any line in window: line contains "payload""#))
        let a = try detectFile(plain, rules: rules, format: .lines)
        let b = try detectFile(try temporaryFile(compressed, suffix: ".gz"), rules: rules, format: .lines)
        #expect(a.windows.map(\.bytes) == b.windows.map(\.bytes))
        #expect(b.reader.source.isCompressed)
        let c = try detectFile(try temporaryFile(members, suffix: ".gz"), rules: rules, format: .lines)
        #expect(c.reader.accounting.read == 5001)
    }

    @Test("The window pipeline detects every window read before a fault in the input, on one thread and on several, then throws", arguments: [1, 2])
    func pipelineDeliversBeforeFault(threads: Int) throws {
        let text = (1...20000).map { "line \($0) with some text to compress \($0 * 7)" }.joined(separator: "\n") + "\n"
        let compressed = try gzip(Array(text.utf8))
        let path = try temporaryFile(Array(compressed.prefix(compressed.count / 2)), suffix: ".gz")
        let reader = try LogReader(path: path, decoder: LineDecoder(format: .lines))
        let pipeline = WindowPipeline(reader: reader, policy: .count(size: 10, step: 10), threads: threads, batchSize: 64)
        let engine = DetectionEngine(rules: try ruleSet(rulePack(#"any line in window: line contains "7""#)))
        var judged = 0
        #expect(throws: InputError.self) {
            try pipeline.run(worker: engine.makeContext, process: { engine.detect($0, in: $1) }, sink: { window, _ in judged += window.count })
        }
        #expect(reader.accounting.read > 1000 && judged == reader.accounting.windowed && judged == reader.accounting.read, "\(judged) of \(reader.accounting.read)")
    }

    @Test("A truncated gzip file processes every line before the cut, then reports it")
    func truncatedGzip() throws {
        let text = (1...20000).map { "line \($0) with some text to compress \($0 * 7)" }.joined(separator: "\n") + "\n"
        let compressed = try gzip(Array(text.utf8))
        let path = try temporaryFile(Array(compressed.prefix(compressed.count / 2)), suffix: ".gz")
        let reader = try LogReader(path: path, decoder: LineDecoder(format: .lines))
        var lines = 0
        let error = #expect(throws: InputError.self) { try reader.forEach { _ in lines += 1 } }
        #expect(lines > 1000 && lines < 20000)
        #expect(reader.accounting.read == lines)
        #expect(error == .stopped(path: path, reason: "the gzip stream is truncated", lines: lines))
        #expect(error?.description.contains("the \(lines) complete lines before it were read and processed") == true)
    }

    @Test("Reading a log as BGL when its first field is no label (an HDFS date) warns that --format looks wrong; the BGL sample does not")
    func implausibleLabelsWarn() throws {
        let hdfs = try LogReader(path: Repository.path("Samples/HDFS_20k_head/HDFS_20000.log"), decoder: LineDecoder(format: .bgl), labeling: .inline)
        try hdfs.forEach { _ in }
        #expect(hdfs.labelWarning?.contains("does not look like a bgl label (such as `081109`)") == true, "\(String(describing: hdfs.labelWarning))")
        let bgl = try LogReader(path: Repository.path("Samples/BGL_2k/BGL_2k.log"), decoder: LineDecoder(format: .bgl), labeling: .inline)
        try bgl.forEach { _ in }
        #expect(bgl.labelWarning == nil && bgl.implausibleLabels == 0)
    }

    @Test("A label read from its bytes means what the label read as text does: every word, any case, random ASCII")
    func labelBytes() {
        var random = SystemRandomNumberGenerator()
        let words = ["", "-", "0", "1", "?", "normal", "NORMAL", "Normal", "false", "FALSE", "no", "No", "unknown", "UNKNOWN",
                     "KERNDTLB", "APPSEV", "Anomaly", "nor", "normals", "unknowns", "-1", "00", "?-"]
        let alphabet = Array("-0?afklnoruwAFKLNORUWx_1".utf8)
        let randoms = (0..<2000).map { _ in String(decoding: (0..<Int.random(in: 0...9, using: &random)).map { _ in alphabet.randomElement(using: &random)! }, as: UTF8.self) }
        for label in words + randoms {
            let bytes = Array(label.utf8)
            let fast = bytes.withUnsafeBufferPointer { Truth(asciiLabel: $0) }
            #expect(fast == Truth(labelText: Substring(label)), "\(label)")
        }
    }

    @Test("A key label file none of whose keys occurs in the log warns, naming a key of each; the right one does not")
    func labelFileOfAnotherLogWarns() throws {
        let wrong = try temporaryFile(Array("BlockId,Label\nblk_999,Anomaly\nblk_998,Normal\n".utf8), suffix: ".csv")
        let log = Repository.path("Samples/HDFS_20k_head/HDFS_20000.log")
        let reader = try LogReader(path: log, decoder: LineDecoder(format: .hdfs),
                                   labeling: try Labeling.forFormat(.hdfs, labelFile: wrong, sessionKey: nil))
        try reader.forEach { _ in }
        let warning = try #require(reader.labelWarning)
        #expect(warning.contains("none of the 2 keys of label file") && warning.contains("`blk_998`") && warning.contains("the log's like `blk_"), "\(warning)")
        let right = try LogReader(path: log, decoder: LineDecoder(format: .hdfs),
                                  labeling: try Labeling.forFormat(.hdfs, labelFile: Repository.path("Samples/HDFS_20k_head/HDFS_20000.block_labels.csv"), sessionKey: nil))
        try right.forEach { _ in }
        #expect(right.labelWarning == nil)
    }

    @Test("A key label file that lacks some of the log's keys warns with the number of lines and keys it lacks")
    func labelFileMissingKeysWarns() throws {
        let log = Repository.path("Samples/HDFS_20k_head/HDFS_20000.log")
        let full = try String(contentsOfFile: Repository.path("Samples/HDFS_20k_head/HDFS_20000.block_labels.csv"), encoding: .utf8)
        let rows = full.split(separator: "\n")
        let kept = rows.prefix(1 + (rows.count - 1) / 2)
        let partial = try temporaryFile(Array(kept.joined(separator: "\n").utf8), suffix: ".csv")
        let reader = try LogReader(path: log, decoder: LineDecoder(format: .hdfs),
                                   labeling: try Labeling.forFormat(.hdfs, labelFile: partial, sessionKey: nil))
        try reader.forEach { _ in }
        let warning = try #require(reader.labelWarning)
        #expect(reader.unknownKeys.count == rows.count - kept.count, "\(reader.unknownKeys.count)")
        #expect(reader.unknownKeyLines > 0 && reader.unknownKeyLines < reader.accounting.read)
        #expect(warning.contains("\(reader.unknownKeyLines) lines have one of \(rows.count - kept.count) keys that label file") && warning.contains("left out of scoring"), "\(warning)")
    }

    @Test("Time windows over lines without timestamps warn, saying the windows closed only at the line limit")
    func untimedInputWarns() throws {
        let reader = try LogReader(path: try temporaryFile(Array("a\nb\nc\n".utf8)), decoder: LineDecoder(format: .lines))
        try reader.forEach { _ in }
        #expect(reader.timestampWarning(for: .time(milliseconds: 60_000, maximumLines: 1_000))?.contains("none of the 3 lines has a timestamp") == true)
        #expect(reader.timestampWarning(for: .time(milliseconds: 60_000, maximumLines: 1_000))?.contains("closed only at 1000 lines") == true)
        #expect(reader.timestampWarning(for: .codeAD) == nil, "count windows do not need timestamps")
        let bgl = try LogReader(path: Repository.path("Samples/BGL_2k/BGL_2k.log"), decoder: LineDecoder(format: .bgl))
        try bgl.forEach { _ in }
        #expect(bgl.timestampWarning(for: .time(milliseconds: 60_000, maximumLines: 1_000)) == nil)
    }

    @Test("A gzip file whose CRC alone is wrong delivers every line, then reports the fault with the count")
    func gzipWithBadChecksum() throws {
        let text = (1...100_000).map { "line \($0) with some text to compress \($0 * 7)" }.joined(separator: "\n") + "\n"
        var compressed = try gzip(Array(text.utf8))
        compressed[compressed.count - 8] ^= 0xFF  // the trailer's CRC-32
        let path = try temporaryFile(compressed, suffix: ".gz")
        let reader = try LogReader(path: path, decoder: LineDecoder(format: .lines))
        var lines = 0
        let error = #expect(throws: InputError.self) { try reader.forEach { _ in lines += 1 } }
        #expect(lines == 100_000, "every line decoded before the checksum was checked")
        guard case .stopped(_, let reason, let count) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(count == 100_000 && reason.contains("corrupt gzip data"), "\(reason)")
        // Corrupt in the middle: the lines before the damage are delivered and counted.
        var damaged = try gzip(Array(text.utf8))
        for offset in damaged.count / 2..<(damaged.count / 2 + 64) { damaged[offset] = 0 }
        let middle = try LogReader(path: try temporaryFile(damaged, suffix: ".gz"), decoder: LineDecoder(format: .lines))
        var before = 0
        let fault = #expect(throws: InputError.self) { try middle.forEach { _ in before += 1 } }
        if case .stopped(_, _, let count) = fault { #expect(count == before && before > 1000) } else { Issue.record("\(String(describing: fault))") }
    }

    @Test("Invalid UTF-8, a 1 MiB line, an over-long line and an empty file are handled and accounted")
    func hostileInput() throws {
        var bytes: [UInt8] = Array("ok line\n".utf8)
        bytes += [0xFF, 0xFE, 0x41, 0xC3, 0x0A]                                // invalid UTF-8
        bytes += Array(repeating: UInt8(ascii: "a"), count: 1 << 20) + [0x0A]  // 1 MiB line
        bytes += Array(repeating: UInt8(ascii: "b"), count: 3 << 20) + [0x0A]  // over the limit below
        bytes += Array("last line without newline".utf8)
        let path = try temporaryFile(bytes)
        let rules = try ruleSet(rulePack(#"any line in window: line matches /A|^a+$/ or line contains "\u{FFFD}""#))
        let reader = try LogReader(path: path, decoder: LineDecoder(format: .lines), maximumLineLength: 2 << 20)
        let pipeline = WindowPipeline(reader: reader, policy: .count(size: 1, step: 1), threads: 2)
        let engine = DetectionEngine(rules: rules)
        var detections: [Detection] = []
        try pipeline.run(worker: engine.makeContext, process: { engine.detect($0, in: $1) }, sink: { detections.append($1) })
        #expect(reader.accounting.read == 5)
        #expect(reader.accounting.windowed == 4)
        #expect(reader.accounting.skipped == [.tooLong: 1])
        #expect(reader.accounting.balances)
        #expect(detections.map(\.verdict) == [.normal, .abnormal, .abnormal, .normal])

        let empty = try detectFile(try temporaryFile([]), rules: rules, format: .bgl)
        #expect(empty.windows.isEmpty && empty.reader.accounting.read == 0)
    }

    @Test("HDFS sessions: block labels, timestamps, and label ids the log never mentions")
    func hdfsSessions() throws {
        let extra = try String(contentsOfFile: Self.hdfsLabels, encoding: .utf8) + "blk_424242,Anomaly\nblk_999,Normal\n"
        let labels = try temporaryFile(Array(extra.utf8), suffix: ".csv")
        let key = try Pattern(#"blk_-?\d+"#)
        let rules = try ruleSet(rulePack(#"any line in window: line matches /[Ee]xception/"#))
        let run = try detectFile(Self.hdfsSample, rules: rules, format: .hdfs,
                                 policy: .session(key: key, idleMilliseconds: nil, maximumLines: 100_000), labels: labels)
        #expect(run.windows.count == 1782)
        #expect(run.windows.filter { run.pipeline.truth(of: $0) == .abnormal }.count == 43)
        #expect(run.reader.unseenLabelIDs == 2)
        #expect(run.reader.accounting.balances && run.reader.accounting.windowed == 20000)
        // 081109 203518 is 2008-11-09 20:35:18 UTC.
        #expect(run.windows[0].timestamps[0] == 1_226_262_918_000)
    }

    @Test("A label file with a bad header is refused with the reason")
    func badLabelFile() throws {
        let path = try temporaryFile(Array("id;label\nblk_1;Normal\n".utf8), suffix: ".csv")
        #expect(throws: InputError.self) { try LabelTable.load(path: path) }
        #expect(throws: InputError.cannotOpen(path: "/nonexistent/file.log", reason: "No such file or directory")) {
            try LogReader(path: "/nonexistent/file.log", decoder: LineDecoder(format: .lines))
        }
    }

    @Test("JSON Lines: message, label and timestamp fields; lines that are no JSON object or lack the message field are skipped and counted by reason")
    func jsonLines() throws {
        let text = """
            {"message": "disk failure on sda", "label": 1, "ts": "2024-03-01T10:00:00.250Z"}
            {"message": "all good", "label": "-", "ts": 1709287200}
            not json
            {"msg": "no message field"}

            """
        let reader = try LogReader(path: try temporaryFile(Array(text.utf8)),
                                   decoder: LineDecoder(format: .jsonl, fields: JSONFields(message: "message", label: "label", timestamp: "ts")),
                                   labeling: .inline)
        var records: [(String, Int64, Truth?)] = []
        try reader.forEach { records.append((String(decoding: $0.message, as: UTF8.self), $0.timestamp, $0.truth)) }
        #expect(records.map(\.0) == ["disk failure on sda", "all good"])
        #expect(records.map(\.1) == [1_709_287_200_250, 1_709_287_200_000])
        #expect(records.map(\.2) == [.abnormal, .normal])
        #expect(reader.accounting.skipped == [.notJSON: 1, .noMessageField: 1])
    }

    @Test("JSON Lines: header fields go before the message as one word each; the label field stays out")
    func jsonLinesHeaderFields() throws {
        let text = """
            {"message": "disk failure on sda", "level": "ERROR", "logger": "storage pool", "code": 17, "ok": false, "label": 1}
            {"message": "all good", "level": "", "code": 2.5, "ok": true, "logger": null, "label": 0}
            {"message": "nested", "level": {"name": "WARN"}, "code": [1], "label": 0}

            """
        let fields = JSONFields(message: "message", label: "label", header: ["level", "logger", "code", "ok"])
        let reader = try LogReader(path: try temporaryFile(Array(text.utf8)), decoder: LineDecoder(format: .jsonl, fields: fields), labeling: .inline)
        var messages: [String] = []
        try reader.forEach { messages.append(String(decoding: $0.message, as: UTF8.self)) }
        #expect(messages == ["ERROR storage_pool 17 false disk failure on sda", "- - 2.5 true all good", "- - - - nested"])
    }

    @Test("JSON Lines: a timestamp no Int64 of milliseconds holds (1e300, -1e300) is no timestamp, not a crash (found by the jsonl fuzz target)")
    func jsonLinesHugeTimestamps() throws {
        let text = #"{"message": "a", "ts": 1e300}"# + "\n" + #"{"message": "b", "ts": -1e300}"# + "\n" + #"{"message": "c", "ts": 9.3e18}"# + "\n"
        let reader = try LogReader(path: try temporaryFile(Array(text.utf8)),
                                   decoder: LineDecoder(format: .jsonl, fields: JSONFields(message: "message", timestamp: "ts")))
        var timestamps: [Int64] = []
        try reader.forEach { timestamps.append($0.timestamp) }
        #expect(timestamps == [Int64.min, Int64.min, Int64.min])
    }

    @Test("JSON Lines: a number no float holds and bytes that are not UTF-8 are counted under their own reasons, not as not-json")
    func jsonLinesNamedFailures() throws {
        var bytes = Array(#"{"message": "huge", "n": 1e400}"#.utf8) + [0x0A]
        bytes += Array(#"{"message": "bad "#.utf8) + [0xFF] + Array(#" byte"}"#.utf8) + [0x0A]
        bytes += Array(#"{"message": "fine"}"#.utf8) + [0x0A] + Array("[1, 2]".utf8) + [0x0A]
        let reader = try LogReader(path: try temporaryFile(bytes), decoder: LineDecoder(format: .jsonl))
        var messages: [String] = []
        try reader.forEach { messages.append(String(decoding: $0.message, as: UTF8.self)) }
        #expect(messages == ["fine"])
        #expect(reader.accounting.skipped == [.numberOutOfRange: 1, .invalidUTF8: 1, .notJSON: 1])
        #expect(reader.accounting.read == 4)
    }

    @Test("Per-line label files: values outside the label vocabulary and counts that differ from the log are refused with the reason")
    func lineLabelValidation() throws {
        let log = try temporaryFile(Array("a\nb\nc\n".utf8))
        let good = try temporaryFile(Array("0\n1\nnormal\n".utf8))
        let labels = try LineLabels.load(path: good)
        #expect(labels.labels == [.normal, .abnormal, .normal])
        let reader = try LogReader(path: log, decoder: LineDecoder(format: .lines), labeling: .perLine(labels))
        var truths: [Truth?] = []
        try reader.forEach { truths.append($0.truth) }
        #expect(truths == [.normal, .abnormal, .normal])
        let bogus = try temporaryFile(Array("0\nBogus\n1\n".utf8))
        #expect(throws: InputError.invalidLabels(path: bogus, reason: "line 2: `Bogus` is not a label (expected 0 or 1, normal or anomaly)")) {
            try LineLabels.load(path: bogus)
        }
        let short = try temporaryFile(Array("0\n1\n".utf8))
        let misaligned = try LogReader(path: log, decoder: LineDecoder(format: .lines), labeling: .perLine(try LineLabels.load(path: short)))
        #expect(throws: InputError.invalidLabels(path: short, reason: "it has 2 labels for 3 lines of the log: one label per line is needed")) {
            try misaligned.forEach { _ in }
        }
    }
}

