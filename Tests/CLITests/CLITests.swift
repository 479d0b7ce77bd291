import Foundation
import Testing
import TestSupport

/// Runs the built `warden` executable (it sits next to the test bundle).
struct Warden {
    static let root = Repository.root

    static var executable: URL { tool("warden") }

    /// A built executable of this package by name.
    static func tool(_ name: String) -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent(), root.appendingPathComponent(".build/debug")]
        return candidates.map { $0.appendingPathComponent(name) }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? directory.appendingPathComponent(name)
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `warden` (or `program`) with `arguments` in the repository (or `directory`).
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    directory: URL? = nil, program: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = program ?? executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = directory ?? root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a full pipe cannot block the child.
        let errData = ReadInBackground(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread.
final class ReadInBackground: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

@Suite("warden command line", .serialized)
struct CLITests {
    let bgl = "Samples/BGL_2k/BGL_2k.log"
    let pack = "GeneratedRules/Packs/bgl.warden"

    @Test("detect reads standard input and accounts for every line")
    func detectStdin() throws {
        let log = try Data(contentsOf: Warden.root.appendingPathComponent(bgl))
        let result = try Warden.run(["detect", "--pack", pack, "--format", "bgl", "-"], stdin: log)
        #expect(result.status == 0)
        let objects = result.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 100 && objects.allSatisfy { $0 != nil })
        for object in objects.compactMap({ $0 }) where object["verdict"] as? String == "abnormal" {
            let lines = object["lines"] as! [Int], evidence = object["evidence"] as! [Int]
            #expect(!evidence.isEmpty && evidence.allSatisfy { lines[0] <= $0 && $0 <= lines[1] })
        }
        #expect(result.stderr.contains("2000 lines read, 2000 in windows, 0 skipped"))
    }

    @Test("eval --json reports window and message scores")
    func evalJSON() throws {
        let result = try Warden.run(["eval", "--pack", pack, "--format", "bgl", "--json", bgl])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let window = try #require(report["window"] as? [String: Any])
        #expect((window["truePositives"] as? Int ?? 0) + (window["falseNegatives"] as? Int ?? 0) == 28)
        #expect(abs((window["f1"] as? Double ?? 0) - 54.0 / 55.0) < 1e-9)
        #expect((report["rules"] as? [Any])?.count == 6)
    }

    @Test("eval --mistakes lists the windows the pack got wrong, with a line to read; JSON keeps them too")
    func evalMistakes() throws {
        let result = try Warden.run(["eval", "--pack", pack, "--format", "bgl", "--mistakes", "3", bgl])
        #expect(result.status == 0)
        // The shipped pack misses one window of the sample and raises no false alarm.
        #expect(result.stdout.contains("false alarms (0 of 0 shown):"))
        #expect(result.stdout.contains("missed anomalies (1 of 1 shown):\n  window 18 (lines 361–380), no rule decided it\n    line 363: 1119319455 2005.06.20 R12-M1-NC-I:J18-U11"))
        let json = try Warden.run(["eval", "--pack", pack, "--format", "bgl", "--json", "--mistakes", "3", bgl])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let mistakes = try #require(report["mistakes"] as? [[String: Any]])
        #expect(mistakes.count == 1 && mistakes[0]["line"] as? Int == 363 && (mistakes[0]["text"] as? String)?.hasPrefix("1119319455 ") == true)
        let negative = try Warden.run(["eval", "--pack", pack, "--format", "bgl", "--mistakes=-1", bgl])
        #expect(negative.status != 0 && negative.stderr.contains("--mistakes must not be negative"))
    }

    @Test("test exits 1 and shows the window when a pack test fails")
    func failingTest() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("failing-\(UUID().uuidString).warden")
        try Data("""
            pack t version "1.0.0"
            abnormal rule bad { any line in window: line contains "error" }
            test "wrong" expect normal { "an error" }
            """.utf8).write(to: file)
        let result = try Warden.run(["test", "--color", "never", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL"))
        #expect(result.stdout.contains("expected normal, got abnormal (decided by rule `bad`)"))
        #expect(result.stdout.contains("> 1 | an error"))
    }

    @Test("detect refuses a pack with errors and shows its diagnostics")
    func brokenPack() throws {
        let result = try Warden.run(["detect", "--pack", "Grammar/Invalid/compare_types.warden", bgl])
        #expect(result.status == 1)
        #expect(result.stderr.contains("E0203"))
    }

    @Test("A label file for a format without keys is a usage error; a missing input is a clear error")
    func inputErrors() throws {
        let missing = try Warden.run(["detect", "--pack", pack, "/no/such/file.log"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open /no/such/file.log"))
        let unlabeled = try Warden.run(["eval", "--pack", pack, "--format", "hdfs", "Samples/HDFS_20k_head/HDFS_20000.log"])
        #expect(unlabeled.status != 0)
        #expect(unlabeled.stderr.contains("pass --labels"))
        // Found while running, it is still the subcommand's usage that is shown, not `warden <subcommand>`.
        #expect(unlabeled.status == 64 && unlabeled.stderr.contains("Usage: warden eval [<options>]"), "\(unlabeled.stderr)")
        #expect(unlabeled.stderr.contains("See 'warden eval --help'") && !unlabeled.stderr.contains("warden <subcommand>"))
        let fame = try Warden.run(["fame", "eval", "--model", "/no/model", "--format", "hdfs", "Samples/HDFS_20k_head/HDFS_20000.log"])
        #expect(fame.status != 0 && !fame.stderr.contains("warden <subcommand>"), "\(fame.stderr)")
    }

    @Test("compile writes one Swift file per pack and, with --module, a catalog")
    func compile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compile-\(UUID().uuidString)")
        let result = try Warden.run(["compile", "GeneratedRules/Packs/bgl.warden", "GeneratedRules/Packs/hdfs.warden",
                                     "--output-directory", directory.path, "--module", "MyRules"])
        #expect(result.status == 0)
        let bgl = try String(contentsOf: directory.appendingPathComponent("bgl.swift"), encoding: .utf8)
        #expect(bgl.contains("public enum BglPack {") && bgl.contains("import RuleRuntime"))
        let catalog = try String(contentsOf: directory.appendingPathComponent("MyRulesPacks.swift"), encoding: .utf8)
        #expect(catalog.contains("public static let all: [RuleSet] = [BglPack.ruleSet, HdfsPack.ruleSet]"))
        let broken = try Warden.run(["compile", "Grammar/Invalid/compare_types.warden", "--output-directory", directory.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("compare_types.warden:6:12: error:"))
    }

    @Test("templates on a truncated .gz prints the templates of every line before the cut, then the fault with the count, exit 1")
    func templatesOnTruncatedGzip() throws {
        let whole = try Data(contentsOf: Repository.url("Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz"))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString).log.gz")
        try whole.prefix(30_000).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        let result = try Warden.run(["templates", "--format", "hdfs", cut.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\tReceiving block <*>"), "\(result.stdout)")
        let count = try #require(result.stderr.firstMatch(of: /the (\d+) complete lines before it were read/)?.1)
        #expect(result.stderr.contains(": \(count) lines, "), "the summary and the fault agree: \(result.stderr)")
    }

    @Test("The README's dependency line names the version `warden version` prints, and the products it lists exist")
    func readmeDependencyLine() throws {
        let readme = try String(contentsOf: Repository.url("README.md"), encoding: .utf8)
        let printed = try Warden.run(["version"]).stdout
        let tag = try #require(readme.firstMatch(of: /from: "(\d+\.\d+\.\d+)"/)?.1)
        #expect(printed.contains(String(tag)), "README says \(tag), warden version says \(printed)")
        let manifest = try String(contentsOf: Repository.url("Package.swift"), encoding: .utf8)
        for product in ["RuleRuntime", "WardenCore", "LogInput", "LogParsing", "FAME", "Evaluation", "Runs"] {
            #expect(manifest.contains(".library(name: \"\(product)\""), "\(product) is not a library product")
        }
    }

    @Test("compile refuses two packs that would write the same file, before writing anything")
    func compileRefusesOutputClashes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("clash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (folder, name) in [("a", "first"), ("b", "second")] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            let text = "pack \(name) version \"1.0.0\"\nabnormal rule r {\n    any line in window: line contains \"x\"\n}\n"
            try Data(text.utf8).write(to: root.appendingPathComponent("\(folder)/x.warden"))
        }
        let output = root.appendingPathComponent("out")
        let result = try Warden.run(["compile", root.appendingPathComponent("a/x.warden").path, root.appendingPathComponent("b/x.warden").path,
                                     "--output-directory", output.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("a/x.warden") && result.stderr.contains("b/x.warden") && result.stderr.contains("x.swift"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path), "nothing is written when outputs clash")
        // A pack whose file the --module catalog would overwrite is refused too.
        try Data("pack third version \"1.0.0\"\nabnormal rule r {\n    count(window) > 1\n}\n".utf8)
            .write(to: root.appendingPathComponent("a/XPacks.warden"))
        let catalog = try Warden.run(["compile", root.appendingPathComponent("a/XPacks.warden").path, "--output-directory", output.path, "--module", "X"])
        #expect(catalog.status != 0 && catalog.stderr.contains("--module catalog"), "\(catalog.stderr)")
    }

    @Test("synthesize (builtin) writes a pack that checks clean, passes its own tests and scores on the test split")
    func synthesize() throws {
        let pack = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString).warden")
        let made = try Warden.run(["synthesize", "--backend", "builtin", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log",
                                   "--split", "train", "--name", "bgl_cli", "-o", pack.path, "--quiet"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(!made.stderr.contains("epoch "), "--quiet prints no progress lines: \(made.stderr)")
        #expect((made.stdout + made.stderr).contains("pack bgl_cli: "))
        let text = try String(contentsOf: pack, encoding: .utf8)
        #expect(text.contains("abnormal rule") && text.contains("@provenance(backend: \"builtin\""))
        let checked = try Warden.run(["check", pack.path])
        #expect(checked.status == 0 && checked.stdout.contains("0 errors, 0 warnings"))
        let tested = try Warden.run(["test", pack.path])
        #expect(tested.status == 0 && tested.stdout.contains("0 failed"))
        let scored = try Warden.run(["eval", "--pack", pack.path, "--format", "bgl", "--split", "test", "--json", "Samples/BGL_2k/BGL_2k.log"])
        #expect(scored.status == 0)
        let report = try #require(JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        let window = try #require(report["window"] as? [String: Any])
        // The learned rules catch anomalies of the held-back split, with fewer false alarms than hits.
        let (hits, alarms) = ((window["truePositives"] as? Int) ?? 0, (window["falsePositives"] as? Int) ?? 0)
        // The JSON carries the scores and the line accounting, not only the counts.
        #expect((window["f1"] as? Double).map { (0...1).contains($0) } == true && window["precision"] != nil && window["recall"] != nil)
        let lines = try #require(report["lines"] as? [String: Any])
        #expect((lines["read"] as? Int) == 2000 && (lines["windowed"] as? Int) == 2000)
        #expect(hits > 0 && alarms < hits, "TP \(hits), FP \(alarms)")
    }

    @Test("synthesize --split all learns from every window (6:1, nothing held out)")
    func synthesizeFromAllWindows() throws {
        let pack = FileManager.default.temporaryDirectory.appendingPathComponent("synth-all-\(UUID().uuidString).warden")
        defer { try? FileManager.default.removeItem(at: pack) }
        let made = try Warden.run(["synthesize", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--split", "all", "-o", pack.path, "--quiet"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stderr.contains("training windows: 85 (") && made.stderr.contains("validation: 15, held out: 0"), "\(made.stderr)")
        let tested = try Warden.run(["test", pack.path])
        #expect(tested.status == 0 && tested.stdout.contains("0 failed"))
        let refused = try Warden.run(["synthesize", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--split", "test", "-o", pack.path])
        #expect(refused.status != 0 && refused.stderr.contains("--split"), "\(refused.stderr)")
    }

    @Test("synthesize on plain lines finds the level field, and learns what it learns from the format that names it")
    func synthesizeFindsLevelField() throws {
        // BGL_2k as a plain log: the label field cut off into a file of one label per line.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sample = try String(contentsOfFile: Warden.root.appendingPathComponent("Samples/BGL_2k/BGL_2k.log").path, encoding: .utf8)
        let rows = sample.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1) }
        let (log, labels, pack) = (directory.appendingPathComponent("bgl.log").path, directory.appendingPathComponent("bgl.labels").path,
                                   directory.appendingPathComponent("bgl.warden").path)
        try rows.map { String($0[1]) + "\n" }.joined().write(toFile: log, atomically: true, encoding: .utf8)
        try rows.map { ($0[0] == "-" ? "0" : "1") + "\n" }.joined().write(toFile: labels, atomically: true, encoding: .utf8)
        let input = ["--format", "lines", "--labels", labels, log]
        let made = try Warden.run(["synthesize"] + input + ["-o", pack])
        #expect(made.status == 0 && made.stderr.contains("level field: field 8 (a level word there on 100.0 % of the first training lines); messages start after it"),
                "\(made.stderr)")
        #expect(try String(contentsOfFile: pack, encoding: .utf8).contains("unusual_level_fatal"))
        // Test split window F1: 60.0 without the level field, 89.7 with it but Drain mining whole
        // lines, 92.9 with the messages after it (as with --format bgl, which names both).
        let scored = try Warden.run(["eval", "--pack", pack, "--split", "test", "--json"] + input)
        let report = try #require(JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        let f1 = try #require((report["window"] as? [String: Any])?["f1"] as? Double)
        #expect(f1 > 0.92, "window F1 \(f1)")
    }

    @Test("JSON Lines with --header-fields: the learner finds the level among them, and a bundle keeps the JSON fields for detect")
    func jsonHeaderFields() throws {
        // BGL_2k as JSON Lines: the header's level and component as fields, the message after them, the label apart.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let sample = try String(contentsOfFile: Warden.root.appendingPathComponent("Samples/BGL_2k/BGL_2k.log").path, encoding: .utf8)
        var log = ""
        for line in sample.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let object: [String: Any] = ["label": fields[0], "time": Int(fields[1])!, "component": fields[7], "level": fields[8],
                                         "message": fields[9...].joined(separator: " ")]
            log += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try log.write(toFile: path("bgl.jsonl"), atomically: true, encoding: .utf8)
        let json = ["--format", "jsonl", "--label-field", "label", "--timestamp-field", "time"]
        func synthesized(_ options: [String], pack: String) throws -> (f1: Double, stderr: String) {
            let made = try Warden.run(["synthesize"] + json + options + [path("bgl.jsonl"), "-o", path(pack)])
            #expect(made.status == 0, "\(made.stderr)")
            let scored = try Warden.run(["eval", "--pack", path(pack), "--split", "test", "--json"] + json + options + [path("bgl.jsonl")])
            let report = try #require(JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
            return (try #require((report["window"] as? [String: Any])?["f1"] as? Double), made.stderr)
        }
        // Test split window F1: 74.3 on the messages alone, 88.9 with the level before them.
        let withLevel = try synthesized(["--header-fields", "level"], pack: "level.warden")
        let alone = try synthesized([], pack: "alone.warden")
        #expect(withLevel.f1 > 0.85 && withLevel.f1 > alone.f1 + 0.1, "with the level \(withLevel.f1), the messages alone \(alone.f1)")
        // Without the option, synthesize points at the level field; with it, the learner finds the level there.
        #expect(alone.stderr.contains("hint: the records have a `level` field that no rule sees: --header-fields level"), "\(alone.stderr)")
        #expect(!withLevel.stderr.contains("hint:") && withLevel.stderr.contains("level field: field 1 "), "\(withLevel.stderr)")
        #expect(try String(contentsOfFile: path("level.warden"), encoding: .utf8).contains("unusual_level_fatal"))
        let refused = try Warden.run(["detect", "--pack", path("level.warden"), "--header-fields", "level,label"] + json + [path("bgl.jsonl")])
        #expect(refused.status != 0 && refused.stderr.contains("`label` is the label field"), "\(refused.stderr)")

        // A bundle records the JSON fields: detect from it needs no input options.
        #expect(try Warden.run(["bundle", "keygen", "-o", path("key")]).status == 0)
        let built = try Warden.run(["bundle", "build", path("level.warden"), "--revision", "1", "--key", path("key"), "--format", "jsonl",
                                    "--timestamp-field", "time", "--header-fields", "level", "-o", path("level.wbundle")])
        #expect(built.status == 0, "\(built.stderr)")
        let inspected = try Warden.run(["bundle", "inspect", path("level.wbundle"), "--key", path("key.pub")])
        #expect(inspected.stdout.contains("settings: --format jsonl --window 20 --timestamp-field time --header-fields level"), "\(inspected.stdout)")
        let fromBundle = try Warden.run(["detect", "--pack", path("level.wbundle"), "--key", path("key.pub"), path("bgl.jsonl")])
        let direct = try Warden.run(["detect", "--pack", path("level.warden"), "--format", "jsonl", "--timestamp-field", "time",
                                     "--header-fields", "level", path("bgl.jsonl")])
        #expect(fromBundle.status == 0 && fromBundle.stdout == direct.stdout && fromBundle.stdout.contains("\"verdict\":\"abnormal\""))
    }

    @Test("Sessions cut off by the end of input: marked in detect, left out of eval and synthesize unless kept")
    func truncatedSessions() throws {
        let head = "Samples/HDFS_20k_head/HDFS_20000.log", labels = "Samples/HDFS_20k_head/HDFS_20000.block_labels.csv"
        let pack = "GeneratedRules/Packs/hdfs_synthesized.warden"
        let session = ["--format", "hdfs", "--window", "session", "--idle", "5m"]
        let detected = try Warden.run(["detect", "--pack", pack] + session + [head])
        #expect(detected.status == 0)
        #expect(detected.stdout.contains("\"truncated\":true"))
        #expect(detected.stderr.contains("truncated sessions (cut off by the end of input"))
        let scored = try Warden.run(["eval", "--pack", pack] + session + ["--labels", labels, "--split", "test", head])
        #expect(scored.status == 0 && scored.stdout.contains("truncated sessions (cut off by the end of input) left out"))
        let kept = try Warden.run(["eval", "--pack", pack] + session + ["--labels", labels, "--split", "test", "--keep-truncated", "--json", head])
        let report = try #require(JSONSerialization.jsonObject(with: Data(kept.stdout.utf8)) as? [String: Any])
        #expect((report["truncatedWindows"] as? Int ?? 0) > 0 && (report["windows"] as? Int) == (report["truncatedWindows"] as? Int))
        let windows = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).jsonl")
        let exported = try Warden.run(["windows"] + session + ["--labels", labels, head, "-o", windows.path])
        #expect(exported.status == 0)
        #expect(try String(contentsOf: windows, encoding: .utf8).isEmpty)
    }

    @Test("synthesize writes through links and devices, keeps every test on --resume, and refuses a checkpoint that is not text")
    func synthesizeOutputs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let target = directory.appendingPathComponent("target.warden").path, link = directory.appendingPathComponent("link.warden").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let made = try Warden.run(["synthesize", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--name", "linked", "-o", link])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        let tests = { try String(contentsOfFile: target, encoding: .utf8).components(separatedBy: "\ntest ").count - 1 }
        let before = try tests()
        #expect(before > 0)
        let resumed = try Warden.run(["synthesize", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--name", "linked", "-o", link, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try tests() >= before)
        // A device is written to, never replaced; a full one is an error.
        let full = try Warden.run(["synthesize", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", "/dev/full"])
        #expect(full.status == 1 && full.stderr.contains("/dev/full: cannot write (No space left on device)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/full")
        #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
        let binary = directory.appendingPathComponent("binary.warden")
        try Data([0xFF, 0xFE, 0x00]).write(to: binary)
        let refused = try Warden.run(["synthesize", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", binary.path, "--resume"])
        #expect(refused.status == 1 && refused.stderr.contains("it is not valid UTF-8"))
        #expect(try Data(contentsOf: binary) == Data([0xFF, 0xFE, 0x00]))
    }

    @Test("detect --compiled runs the shipped pack compiled in, with the interpreter's verdicts; a changed or unknown pack is refused")
    func compiledPacks() throws {
        let log = ["--format", "bgl", "Samples/BGL_2k/BGL_2k.log"]
        for pack in ["GeneratedRules/Packs/bgl.warden", "GeneratedRules/Packs/bgl_synthesized.warden"] {
            let interpreted = try Warden.run(["detect", "--pack", pack, "--threads", "2"] + log)
            let compiled = try Warden.run(["detect", "--pack", pack, "--compiled", "--threads", "2"] + log)
            #expect(interpreted.status == 0 && compiled.status == 0, "\(compiled.stderr)")
            #expect(compiled.stdout == interpreted.stdout && !compiled.stdout.isEmpty)
        }
        let changed = FileManager.default.temporaryDirectory.appendingPathComponent("warden-changed-\(UUID().uuidString).warden")
        defer { try? FileManager.default.removeItem(at: changed) }
        let text = try String(contentsOfFile: Warden.root.appendingPathComponent("GeneratedRules/Packs/bgl.warden").path, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "Lustre mount FAILED", with: "Lustre mount failed").utf8).write(to: changed)
        let refused = try Warden.run(["detect", "--pack", changed.path, "--compiled"] + log)
        #expect(refused.status == 1 && refused.stderr.contains("is not the pack bgl compiled into this warden"))
        let unknown = try Warden.run(["detect", "--pack", "Grammar/Examples/composition.warden", "--compiled"] + log)
        #expect(unknown.status == 1 && unknown.stderr.contains("is not compiled into this warden"))
    }

    @Test("check --explain-cost says how the prefilter takes each line test and why one falls back")
    func explainCost() throws {
        let pack = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cost-\(UUID().uuidString).warden")
        defer { try? FileManager.default.removeItem(at: pack) }
        try Data("""
            pack cost version "1.0.0"

            /// A rule with a literal, a regex Vectorscan takes and one it cannot.
            abnormal rule r {
                any line in window: line contains "FATAL" or line matches /err(or)?s? \\d+/ or line matches /foo(?=bar)/
                    or line matches /\\b(INFO|WARN)\\b/ or line matches /^(?:\\S+ ){2}FATAL block \\S+ lost$/i
            }

            /// Scanned for first: a window it decides is not scanned for the tests above.
            normal rule quiet { all line in window: line contains "ok" }

            """.utf8).write(to: pack)
        let result = try Warden.run(["check", "--explain-cost", pack.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("one Vectorscan scan per window"))
        #expect(result.stdout.contains("exact      contains \"FATAL\""))
        #expect(result.stdout.contains("PCRE2      /foo(?=bar)/  (a lookahead"))
        #expect(result.stdout.contains("2 quantifiers over the window decided from bitsets, 0 line by line"))
        #expect(result.stdout.contains(#"exact      /\b(INFO|WARN)\b/  (scanned as 2 literals, word boundaries checked)"#))
        #expect(result.stdout.contains(#"exact      /^(?:\S+ ){2}FATAL block \S+ lost$/i  (a log template: matched by tokens, not scanned)"#))
        #expect(result.stdout.contains("5 exact in the scan (1 of them matched as log templates), 1 confirmed or run by PCRE2"))
        #expect(result.stdout.contains(#"exact      /\b(INFO|WARN)\b/  (scanned as 2 literals, word boundaries checked)  (second stage)"#))
        #expect(result.stdout.contains("exact      contains \"ok\"\n"))
        #expect(result.stdout.contains("1 test the normal rules ask about scanned first; the 5 of the second stage only for windows no normal rule decides"))
    }

    @Test("A write error on standard output is an error in every command, not a crash or exit 0")
    func fullStandardOutput() throws {
        let commands: [[String]] = [
            ["version"], ["check", "GeneratedRules/Packs/bgl.warden"], ["test", "GeneratedRules/Packs/bgl.warden"],
            ["detect", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"],
            ["eval", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"],
            ["templates", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"],
            ["templates", "--format", "bgl", "--content-only", "Samples/BGL_2k/BGL_2k.log"],
            ["windows", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"],
        ]
        for arguments in commands {
            let process = Process()
            process.executableURL = Warden.executable
            process.arguments = arguments
            process.currentDirectoryURL = Warden.root
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            let err = Pipe()
            process.standardError = err
            try process.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(arguments): \(process.terminationStatus)")
            #expect(message.contains("cannot write to standard output (No space left on device)"), "\(arguments): \(message)")
        }
    }

    @Test("synthesize is deterministic: the same data gives a byte-identical pack")
    func synthesizeDeterministic() throws {
        let directory = FileManager.default.temporaryDirectory
        var packs: [Data] = []
        for run in 0..<2 {
            let pack = directory.appendingPathComponent("again-\(run)-\(UUID().uuidString).warden")
            let made = try Warden.run(["synthesize", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--name", "again", "-o", pack.path])
            #expect(made.status == 0, "\(made.stderr)")
            packs.append(try Data(contentsOf: pack))
        }
        #expect(packs[0] == packs[1])
    }

    @Test("Synthesized packs key on no literal that names one id, address, path, user or number")
    func synthesizedPacksGeneralise() throws {
        let packs = try FileManager.default.contentsOfDirectory(atPath: "GeneratedRules/Packs").filter { $0.hasSuffix("_synthesized.warden") }
        #expect(packs.count == 2)
        let paths = packs.sorted().map { "GeneratedRules/Packs/" + $0 }
        // Shipped as synthesized: formatted, clean, and passing their own tests.
        #expect(try Warden.run(["fmt", "--check"] + paths).status == 0)
        let checked = try Warden.run(["check"] + paths)
        #expect(checked.status == 0 && checked.stdout.contains("0 errors, 0 warnings"))
        let tested = try Warden.run(["test"] + paths)
        #expect(tested.status == 0 && tested.stdout.contains(" 0 failed"))
        // Regex literals of the rules (the tests below the rules quote real lines on purpose).
        let specific = try Regex(#"\d{3,}|\d+\.\d+\.\d+|0x[0-9a-fA-F]+|blk_-?\d|\\/[A-Za-z0-9_]|[A-Za-z]+\d+[A-Za-z]*\d"#)
        for name in packs {
            let text = try String(contentsOfFile: "GeneratedRules/Packs/" + name, encoding: .utf8)
            let rules = text.components(separatedBy: "\ntest ").first ?? text
            var literals: [Substring] = []
            for line in rules.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("///") {
                var rest = line[...]
                while let open = rest.firstIndex(of: "/") {
                    let after = rest[rest.index(after: open)...]
                    guard let close = after.firstIndex(where: { $0 == "/" }) else { break }
                    literals.append(after[..<close])
                    rest = after[after.index(after: close)...]
                }
            }
            #expect(!literals.isEmpty, "\(name)")
            for literal in literals { #expect(literal.firstMatch(of: specific) == nil, "\(name): /\(literal)/ names one thing") }
        }
    }

    @Test("templates prints Drain templates with counts and grouping accuracy; state saves and loads")
    func templates() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString).json")
        let result = try Warden.run(["templates", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--save-state", state.path,
                                     "--truth", "Tests/LogParsingTests/Samples/BGL_2k.log_structured_corrected.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\tRAS KERNEL") == false)  // the header is not mined
        #expect(result.stdout.contains("instruction cache parity error corrected"))
        #expect(result.stderr.contains("2000 lines, 105 templates") && result.stderr.contains("grouping accuracy 0.969"))
        let resumed = try Warden.run(["templates", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--load-state", state.path, "--json"])
        #expect(resumed.status == 0)
        #expect(resumed.stdout.contains("\"lines\" : 2000"))
        try Data("{\"format\": \"warden-drain-1\"}".utf8).write(to: state)
        let broken = try Warden.run(["templates", "Samples/BGL_2k/BGL_2k.log", "--load-state", state.path])
        #expect(broken.status != 0 && broken.stderr.contains("not a Drain state file"))
        let badSettings = try Warden.run(["templates", "--depth", "2", "Samples/BGL_2k/BGL_2k.log"])
        #expect(badSettings.status != 0 && badSettings.stderr.contains("depth must be at least 3"))
    }

    @Test("JSON Lines without the message field: skipped by reason, with the option that fixes it")
    func jsonlFieldHint() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fields-\(UUID().uuidString).jsonl")
        try Data("{\"msg\": \"disk failure\"}\n{\"msg\": \"ok\"}\nnot json\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Warden.run(["detect", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "jsonl", "--output", "summary", file.path])
        let text = result.stdout + result.stderr
        #expect(text.contains("skipped: 2 no-message-field, 1 not-json"), "\(text)")
        #expect(text.contains("name it with --message-field"))
        let fixed = try Warden.run(["detect", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "jsonl", "--message-field", "msg",
                                    "--output", "summary", file.path])
        #expect((fixed.stdout + fixed.stderr).contains("2 in windows, skipped: 1 not-json"))
    }

    @Test("A file that cannot be read is named with the reason: missing, a directory")
    func unreadableFiles() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let cases: [([String], String)] = [
            (["check", directory], "cannot read \(directory): it is a directory"),
            (["check", "/nonexistent/pack.warden"], "cannot read /nonexistent/pack.warden: no such file or directory"),
            (["fame", "eval", "--model", directory, "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"], "cannot read \(directory): it is a directory"),
            (["eval", "--pack", "GeneratedRules/Packs/bgl.warden", "--labels", "/nonexistent.csv", "Samples/BGL_2k/BGL_2k.log"],
             "label file /nonexistent.csv: cannot read the file: no such file or directory"),
        ]
        for (arguments, message) in cases {
            let result = try Warden.run(arguments)
            #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        }
    }

    @Test("Help and summaries: one default per option, singular counts, warden-compile --help exits 0")
    func helpNits() throws {
        let help = try Warden.run(["detect", "--help"])
        #expect(help.stdout.contains("Worker threads (default: all cores).") && !help.stdout.contains("(default: all cores). (default:"))
        // A verb's help names the tool, as `warden help detect` does.
        #expect(help.stdout.contains("USAGE: warden detect [<options>] --pack <pack>"), "\(help.stdout)")
        #expect(try Warden.run(["check", "--help"]).stdout.contains("USAGE: warden check <files>"))
        let one = FileManager.default.temporaryDirectory.appendingPathComponent("one-\(UUID().uuidString).log")
        try Data("just one line\n".utf8).write(to: one)
        defer { try? FileManager.default.removeItem(at: one) }
        let templates = try Warden.run(["templates", one.path])
        #expect((templates.stdout + templates.stderr).contains(": 1 line, 1 template"), "\(templates.stdout)\(templates.stderr)")
        let detected = try Warden.run(["detect", "--pack", "GeneratedRules/Packs/bgl.warden", "--output", "summary", one.path])
        #expect((detected.stdout + detected.stderr).contains(": 1 line read,"), "\(detected.stdout)\(detected.stderr)")
        let compiler = Process()
        compiler.executableURL = Warden.tool("warden-compile")
        compiler.arguments = ["--help"]
        let out = Pipe()
        compiler.standardOutput = out
        try compiler.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        compiler.waitUntilExit()
        #expect(compiler.terminationStatus == 0 && text.hasPrefix("usage: warden-compile [--lint-config FILE] INPUT.warden OUTPUT.swift"))
    }

    /// Swift seeds hashing per process, so dictionary and set order differ
    /// between these two runs (one with deterministic hashing, one without);
    /// generated code that depended on it would differ.
    @Test("warden-compile writes the same Swift in two processes with different hash seeds, and it equals the golden files")
    func generationIsDeterministicAcrossProcesses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("determinism-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let packs = Repository.files(in: "Grammar/Examples", withExtension: "warden") + [Repository.url("GeneratedRules/Packs/bgl.warden")]
        for pack in packs {
            var outputs: [Data] = []
            for (index, environment) in [["SWIFT_DETERMINISTIC_HASHING": "1"], [:]].enumerated() {
                let output = directory.appendingPathComponent("\(index)-\(pack.deletingPathExtension().lastPathComponent).swift")
                let compiler = Process()
                compiler.executableURL = Warden.tool("warden-compile")
                compiler.arguments = [pack.path, output.path]
                compiler.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                compiler.standardError = Pipe()
                try compiler.run()
                compiler.waitUntilExit()
                #expect(compiler.terminationStatus == 0, "\(pack.lastPathComponent)")
                outputs.append(try Data(contentsOf: output))
            }
            let golden = Repository.url("Tests/CodegenTests/Generated/\(pack.deletingPathExtension().lastPathComponent).swift")
            #expect(outputs[0] == outputs[1], "\(pack.lastPathComponent) differs between processes")
            #expect(outputs[0] == (try Data(contentsOf: golden)), "\(pack.lastPathComponent) differs from its golden file")
        }
    }

    @Test("fame train --features dense: MiniLM template embeddings train, save, load and score; missing weights are refused with the way to install them")
    func fameDense() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("bgl-dense-\(UUID().uuidString).fame")
        defer { try? FileManager.default.removeItem(at: model); try? FileManager.default.removeItem(atPath: model.path + ".domains.json") }
        let trained = try Warden.run(["fame", "train", "--features", "dense", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", model.path])
        #expect(trained.status == 0, "\(trained.stderr)")
        let bytes = try Data(contentsOf: model)
        #expect(bytes.range(of: Data(#"minilm-l6-v2+hashed-variables-v1\/65536"#.utf8)) != nil)
        let scored = try Warden.run(["fame", "eval", "--model", model.path, "--format", "bgl", "--json", "Samples/BGL_2k/BGL_2k.log"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        let overall = try #require(report["overall"] as? [String: Any])
        #expect((overall["truePositives"] as? Int ?? 0) > 10)
        let missing = ["WARDEN_MINILM_DIR": "/nonexistent-encoder"]
        let refused = try Warden.run(["fame", "eval", "--model", model.path, "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"], environment: missing)
        #expect(refused.status != 0 && refused.stderr.contains("WARDEN_MINILM_DIR=/nonexistent-encoder holds no config.json"))
        let untrained = try Warden.run(["fame", "train", "--features", "both", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", model.path], environment: missing)
        #expect(untrained.status != 0 && untrained.stderr.contains("dense features:"))
    }

    @Test("On a terminal, synthesize and fame train draw a progress bar while they read their input; --quiet draws none")
    func progressOnATerminal() throws {
        // `script` gives the command a terminal; standard output goes to /dev/null, so what it prints is standard error.
        func onTerminal(_ arguments: [String]) throws -> String {
            let command = ([Warden.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ") + " >/dev/null"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", command, "/dev/null"]
            process.currentDirectoryURL = Warden.root
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(arguments): \(String(decoding: data, as: UTF8.self))")
            return String(decoding: data, as: UTF8.self)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let synthesize = ["synthesize", "--format", "bgl", "--window", "100", "Samples/BGL_2k/BGL_2k.log",
                          "-o", directory.appendingPathComponent("p.warden").path]
        let train = ["fame", "train", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", directory.appendingPathComponent("m.fame").path]
        for arguments in [synthesize, train] {
            #expect(try onTerminal(arguments).contains("] 100%"), "\(arguments)")
            #expect(try !onTerminal(arguments + ["--quiet"]).contains("%"), "\(arguments) --quiet")
        }
    }

    @Test("fame train --pack chooses the window decision behind the pack on validation windows the first model never saw, and eval, detect and run use it")
    func fameBehindPack() throws {
        let hdfs = ["--format", "hdfs", "--window", "session", "--labels", "Samples/HDFS_2pct_dev/HDFS_2pct_dev.block_labels.csv"]
        let (log, pack) = ("Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz", "GeneratedRules/Packs/hdfs_synthesized.warden")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fame-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (plain, packed) = (directory.appendingPathComponent("plain.fame").path, directory.appendingPathComponent("packed.fame").path)
        #expect(try Warden.run(["fame", "train", "--quiet"] + hdfs + [log, "-o", plain]).status == 0)
        let trained = try Warden.run(["fame", "train", "--quiet", "--pack", pack] + hdfs + [log, "-o", packed])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("window decision: abstains (leaves every window undecided) (pack hdfs_synthesized leaves no validation window undecided"),
                "\(trained.stdout)")
        // The sessions the pack leaves undecided log replication messages, which anomalous training sessions
        // log too: the message threshold flags them all, though every one is normal. Behind the pack, where
        // nothing shows it deciding those well, the decision abstains, and FAME no longer lowers the pack's F1.
        func allSplit(_ model: String) throws -> (without: Double, with: Double, output: String) {
            let run = try Warden.run(["eval", "--pack", pack] + hdfs + ["--fallback", model, "--json", log])
            let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let fallback = try #require(report["fallback"] as? [String: Any])
            return (try #require((fallback["windowWithout"] as? [String: Any])?["f1"] as? Double),
                    try #require((report["window"] as? [String: Any])?["f1"] as? Double), run.stdout)
        }
        let (before, after) = (try allSplit(plain), try allSplit(packed))
        #expect(before.with < before.without, "the message threshold flagged no normal session: \(before)")
        #expect(after.with == after.without && after.output.contains("chosen behind a pack when it was trained"), "\(after.output)")
        let detected = try Warden.run(["detect", "--pack", pack, "--format", "hdfs", "--window", "session", "--fallback", packed, "--output", "summary", log])
        #expect(detected.status == 0 && detected.stderr.contains("abnormal: 173  normal: 5535  undecided: 7"), "\(detected.stderr)")
        #expect(!detected.stderr.contains("note: the FAME model has no window decision"))
        // A model without one still runs, on its message threshold, and detect says so.
        let unchosen = try Warden.run(["detect", "--pack", pack, "--format", "hdfs", "--window", "session", "--fallback", plain, "--output", "summary", log])
        #expect(unchosen.status == 0 && unchosen.stderr.contains("note: the FAME model has no window decision chosen behind a pack")
                && unchosen.stderr.contains("abnormal: 180  normal: 5535"), "\(unchosen.stderr)")
        // A pack that decides every validation window leaves nothing to choose a decision on: the
        // model abstains (its own decision flagged normal sessions such a pack left undecided).
        let decisive = directory.appendingPathComponent("decisive.warden").path
        try Data("pack decisive version \"1.0.0\"\nnormal rule quiet {\n    count(window) < 100000000\n}\n".utf8).write(to: URL(fileURLWithPath: decisive))
        let unguided = try Warden.run(["fame", "train", "--quiet", "--pack", decisive] + hdfs + [log, "-o", directory.appendingPathComponent("unguided.fame").path])
        #expect(unguided.status == 0 && unguided.stdout.contains("window decision: abstains")
                && unguided.stdout.contains("(pack decisive leaves no validation window undecided, so nothing shows the model deciding well behind it)"),
                "\(unguided.stdout)")
        let refused = try Warden.run(["fame", "train", "--pack", pack, "--split", "test"] + hdfs + [log, "-o", packed])
        #expect(refused.status != 0 && refused.stderr.contains("--pack chooses the window decision on the validation split"), "\(refused.stderr)")
        // --split all: every line, the first six sevenths train, the last seventh calibrates, then all of them train again.
        let everyLine = directory.appendingPathComponent("all.fame").path
        let all = try Warden.run(["fame", "train", "--quiet", "--split", "all", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", everyLine])
        #expect(all.status == 0 && all.stdout.contains("(validation (286 messages, ") && all.stdout.contains("model: \(everyLine) (2000 messages,"),
                "\(all.stdout)")
        let inSample = try Warden.run(["fame", "eval", "--model", everyLine, "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"])
        #expect(inSample.status == 0 && inSample.stderr.contains("the model learned from every line of its file (--split all)"), "\(inSample.stderr)")
        let behind = try Warden.run(["eval", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl", "--split", "test", "--fallback", everyLine,
                                     "Samples/BGL_2k/BGL_2k.log"])
        #expect(behind.status == 0 && behind.stderr.contains("the FAME model learned from every line of its file (--split all)"), "\(behind.stderr)")
    }

    @Test("fame train → fame eval → eval --fallback and detect --fallback on the BGL sample, and behind the HDFS session pack")
    func fame() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("bgl-\(UUID().uuidString).fame")
        let trained = try Warden.run(["fame", "train", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--k", "100", "-o", model.path])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("pass every template in exactly one domain"))
        #expect(FileManager.default.fileExists(atPath: model.path + ".domains.json"))
        #expect(trained.stderr.contains("templates: "))
        let quiet = try Warden.run(["fame", "train", "--quiet", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", model.path])
        #expect(quiet.status == 0 && !quiet.stderr.contains("templates: ") && quiet.stdout.contains("pass every template in exactly one domain"),
                "--quiet keeps the result, drops the log: \(quiet.stderr)")
        let scored = try Warden.run(["fame", "eval", "--model", model.path, "--format", "bgl", "--mistakes", "2", "Samples/BGL_2k/BGL_2k.log"])
        #expect(scored.status == 0)
        #expect(scored.stdout.contains("missed anomalies (2 shown):\n  line "))
        #expect(scored.stdout.contains("lines: 2000 read, 0 skipped") && trained.stdout.contains("lines: 2000 read, 0 skipped"))
        #expect(scored.stdout.contains("messages scored: 600") && scored.stdout.contains("templates not seen in training"))
        let evaluated = try Warden.run(["eval", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl", "--split", "test",
                                        "--fallback", model.path, "Samples/BGL_2k/BGL_2k.log"])
        #expect(evaluated.status == 0)
        #expect(evaluated.stdout.contains("fallback fame: 4 windows no rule decided"))
        #expect(evaluated.stdout.contains("validation split: window F1") && evaluated.stdout.contains("test split: window F1"))
        // The model learned from the validation split too (trained again after calibration): there its own decision may only be made stricter or vetoed.
        #expect(trained.stdout.contains("then trained again with the validation messages") && trained.stdout.contains("(1400 messages,"))
        #expect(evaluated.stdout.contains("(the model's own or stricter, chosen on the validation split, which it learned from"))
        // Scoring every window (the default split), the validation windows are among those scored: nothing is chosen on them.
        let everything = try Warden.run(["eval", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl", "--fallback", model.path,
                                         "Samples/BGL_2k/BGL_2k.log"])
        #expect(everything.status == 0 && everything.stdout.contains("(the model's own: the windows scored include the validation split"),
                "\(everything.stdout)")
        let inSample = try Warden.run(["fame", "eval", "--model", model.path, "--format", "bgl", "--split", "val", "Samples/BGL_2k/BGL_2k.log"])
        #expect(inSample.status == 0 && inSample.stderr.contains("its figures are in sample"))
        // Without --no-refit's second training, the window decision is chosen on the validation split, so FAME never lowers its F1 there.
        let firstModel = model.path + ".first"
        let first = try Warden.run(["fame", "train", "--no-refit", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", firstModel])
        #expect(first.status == 0 && first.stdout.contains("(1200 messages,") && !first.stdout.contains("trained again"), "\(first.stdout)")
        defer { try? FileManager.default.removeItem(atPath: firstModel); try? FileManager.default.removeItem(atPath: firstModel + ".domains.json") }
        for pack in ["GeneratedRules/Packs/bgl.warden", "GeneratedRules/Packs/bgl_synthesized.warden"] {
            let scored = try Warden.run(["eval", "--pack", pack, "--format", "bgl", "--split", "test", "--fallback", firstModel, "--json", "Samples/BGL_2k/BGL_2k.log"])
            let report = try #require(JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
            let comparison = try #require(report["fallback"] as? [String: Any])
            let (without, with) = (try #require(comparison["validationWithout"] as? Double), try #require(comparison["validationWith"] as? Double))
            #expect(with >= without, "\(pack): validation F1 \(without) → \(with)")
        }
        // On HDFS sessions, replication messages are common in anomalous blocks, which the rules
        // already catch, and also occur in normal blocks the rules leave undecided. The model's own
        // decision flagged those (validation window F1 100 → 95.5 in sample, test 100 → 92.1); now
        // it is vetoed there, and FAME lowers neither split.
        let hdfs = ["--format", "hdfs", "--window", "session", "--labels", "Samples/HDFS_2pct_dev/HDFS_2pct_dev.block_labels.csv"]
        let sessionModel = model.path + ".hdfs"
        defer { try? FileManager.default.removeItem(atPath: sessionModel); try? FileManager.default.removeItem(atPath: sessionModel + ".domains.json") }
        let sessions = try Warden.run(["fame", "train", "--quiet"] + hdfs + ["Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz", "-o", sessionModel])
        #expect(sessions.status == 0 && sessions.stdout.contains("then trained again with the validation messages"), "\(sessions.stderr)")
        // FAME splits sessions as eval does: its test messages are exactly the lines of eval's test sessions.
        let exported = FileManager.default.temporaryDirectory.appendingPathComponent("sessions-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: exported) }
        #expect(try Warden.run(["windows"] + hdfs + ["Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz", "-o", exported.path]).status == 0)
        let testLines = try String(contentsOf: exported, encoding: .utf8).split(separator: "\n").reduce(0) { total, row in
            let window = try #require(JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            return total + (window["split"] as? String == "test" ? try #require(window["lines"] as? [Any]).count : 0)
        }
        let sessionScores = try Warden.run(["fame", "eval", "--model", sessionModel] + hdfs + ["Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz"])
        #expect(sessionScores.stdout.contains("messages scored: \(testLines)\n"), "\(testLines) test session lines: \(sessionScores.stdout)")
        let lineScores = try Warden.run(["fame", "eval", "--model", sessionModel, "--format", "hdfs", "--labels",
                                         "Samples/HDFS_2pct_dev/HDFS_2pct_dev.block_labels.csv", "Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz"])
        #expect(lineScores.status == 0 && !lineScores.stdout.contains("messages scored: \(testLines)\n"))
        let behind = try Warden.run(["eval", "--pack", "GeneratedRules/Packs/hdfs_synthesized.warden"] + hdfs
            + ["--split", "test", "--fallback", sessionModel, "--json", "Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz"])
        let sessionReport = try #require(JSONSerialization.jsonObject(with: Data(behind.stdout.utf8)) as? [String: Any])
        let sessionFallback = try #require(sessionReport["fallback"] as? [String: Any])
        let testWith = try #require((sessionReport["window"] as? [String: Any])?["f1"] as? Double)
        let testWithout = try #require((sessionFallback["windowWithout"] as? [String: Any])?["f1"] as? Double)
        let (validationWithout, validationWith) = (try #require(sessionFallback["validationWithout"] as? Double),
                                                   try #require(sessionFallback["validationWith"] as? Double))
        #expect(try #require(sessionFallback["undecided"] as? Int) > 0)
        #expect(validationWith >= validationWithout && testWith >= testWithout,
                "validation \(validationWithout) → \(validationWith), test \(testWithout) → \(testWith)")
        let forced = try Warden.run(["eval", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl", "--split", "test", "--fallback", model.path,
                                     "--fallback-min-messages", "1", "Samples/BGL_2k/BGL_2k.log"])
        #expect(forced.stdout.contains("(as given)"))
        let detected = try Warden.run(["detect", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl",
                                       "--fallback", model.path, "--abnormal-only", "Samples/BGL_2k/BGL_2k.log"])
        #expect(detected.status == 0)
        #expect(detected.stdout.contains("\"stage\":\"fallback\"") && detected.stdout.contains("\"findings\":[{"))
        // A damaged model is refused with the reason.
        var bytes = try Data(contentsOf: model)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: model)
        let refused = try Warden.run(["fame", "eval", "--model", model.path, "--format", "bgl", "Samples/BGL_2k/BGL_2k.log"])
        #expect(refused.status != 0 && refused.stderr.contains("checksum mismatch"))
        // A partition file that misses templates stops training with the reasons.
        let partition = FileManager.default.temporaryDirectory.appendingPathComponent("domains-\(UUID().uuidString).json")
        try Data("{\"domains\": [{\"name\": \"all\", \"templates\": [1, 2]}]}".utf8).write(to: partition)
        let failed = try Warden.run(["fame", "train", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "--domains", partition.path, "-o", model.path])
        #expect(failed.status != 0 && failed.stderr.contains("certification failed") && failed.stderr.contains("templates in no domain"))
    }
}

@Suite("warden-fuzz command line")
struct FuzzCLITests {
    /// libFuzzer starts its workers (`-jobs`, `-fork`) as the program with libFuzzer's flags only:
    /// such a start fuzzes the target `warden-fuzz fuzz` named in the environment. (This build has
    /// no libFuzzer, so reaching the fuzzer is seen as its refusal, not as a usage error.)
    @Test("a libFuzzer worker's start fuzzes the target named in WARDEN_FUZZ_TARGET")
    func workerStart() throws {
        let fuzz = Warden.tool("warden-fuzz")
        let flags = ["-max_total_time=1", ".build/fuzz/corpus/pack"]
        let worker = try Warden.run(flags, environment: ["WARDEN_FUZZ_TARGET": "pack"], program: fuzz)
        #expect(worker.status == 1 && worker.stderr.contains("this build has no libFuzzer"), "\(worker.stderr)")
        let unnamed = try Warden.run(flags, program: fuzz)
        #expect(unnamed.status == 64 && unnamed.stderr.contains("usage: warden-fuzz"))
        let unknown = try Warden.run(flags, environment: ["WARDEN_FUZZ_TARGET": "nothing"], program: fuzz)
        #expect(unknown.status == 64 && unknown.stderr.contains("WARDEN_FUZZ_TARGET=nothing is no target"))
        // A subcommand goes first: replaying an input is replaying, whatever the environment says.
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-input-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data("pack p version \"1.0.0\"\n".utf8).write(to: input)
        let replay = try Warden.run(["run", "pack", input.path], environment: ["WARDEN_FUZZ_TARGET": "lines"], program: fuzz)
        #expect(replay.status == 0 && replay.stdout.contains("1 inputs, 0 failed"), "\(replay.stdout)\(replay.stderr)")
    }
}
