import ArgumentParser
import Foundation
import LogInput
import LogParsing
import RuleInterpreter
import RuleRuntime
import Vectorscan
import WardenCore

/// `warden detect` next to what a user would otherwise run on the same file:
/// `wc -l`, ripgrep, the same pack as CPython `re` functions, a 200-rule pack;
/// 1 and 2 threads, interpreted and compiled (`--compiled`), and peak memory as input doubles.
struct CompareBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "warden detect against wc -l, rg, CPython rules and a 200-rule pack on one file, with ratios (medians of several runs)."
    )

    @Option(help: "A BGL-format log to replicate (labels are stripped first).")
    var sample: String = "Samples/BGL_2k/BGL_2k.log"

    @Option(help: "Replicate the sample to at least this many lines.")
    var lines: Int = 600_000

    @Option(help: "Timed runs per command (the median is reported).")
    var runs: Int = 5

    @Option(help: "Rules in the large pack (the 6 bgl rules, then rules on the sample's Drain templates).")
    var rules: Int = 200

    @Option(help: "The CPython version of the bgl pack.")
    var python: String = "scripts/baselines/bgl_rules.py"

    @Option(help: "An HDFS log (gzip allowed) for session windows, replicated with block ids renamed per copy.")
    var sessions: String = "Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz"

    @Option(help: "Copies of the HDFS log.")
    var sessionCopies: Int = 6

    @Option(help: "Write the large pack here and stop (to inspect it, or run it with warden check --explain-cost).")
    var writePack: String?

    func run() throws {
        let file = try replicatedLog(sample: sample, lines: lines)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let warden = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("warden").path
        guard FileManager.default.isExecutableFile(atPath: warden) else { throw ValidationError("no warden binary next to warden-bench (\(warden)): build with swift build -c release") }
        let bgl = "GeneratedRules/Packs/bgl.warden"
        let large = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-\(getpid())-large.warden").path
        let largeText = try Self.largePack(base: bgl, sample: sample, rules: rules)
        if let writePack {
            try largeText.write(toFile: writePack, atomically: true, encoding: .utf8)
            return
        }
        try largeText.write(toFile: large, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: large) }
        // warden keeps compiled prefilter databases in a cache: a fresh one for this run, so that
        // every run but the first finds its pack compiled, as a user's second run does.
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-\(getpid())-cache").path
        setenv("WARDEN_CACHE_DIR", cache, 1)
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let megabytes = Double(file.bytes) / 1e6
        print("\(file.lines) lines, \(String(format: "%.1f", megabytes)) MB (BGL_2k repeated, labels stripped), windows of 20; median of \(runs) runs, interleaved")

        func detect(_ pack: String, threads: Int, path: String = file.path) -> [String] {
            [warden, "detect", "--pack", pack, "--format", "lines", "--output", "summary", "--threads", "\(threads)", path]
        }
        var commands: [(key: String, label: String, arguments: [String])] = []
        func measure(_ key: String, _ label: String, _ arguments: [String]) {
            commands.append((key, label, arguments))
        }
        measure("wc", "wc -l", ["wc", "-l", file.path])
        measure("rg", "rg -c KERNEL (common literal)", ["rg", "-c", "KERNEL", file.path])
        measure("rg-rare", "rg -c \"Lustre mount FAILED\" (rare)", ["rg", "-c", "Lustre mount FAILED", file.path])
        // What the host gives two threads of work like this (reading the file, scanning every line):
        // two rg processes at once, each over the whole file (rg searches one file on one thread).
        measure("rg-pair", "rg -c KERNEL, two at once", ["sh", "-c", "rg -c KERNEL \"$0\" >/dev/null & rg -c KERNEL \"$0\" >/dev/null & wait", file.path])
        measure("detect1", "warden detect, bgl (6 rules), 1 thread", detect(bgl, threads: 1))
        measure("detect2", "warden detect, bgl (6 rules), 2 threads", detect(bgl, threads: 2))
        // What the host gives two threads of this very work: two 1-thread runs at once, each
        // over the whole file (no pipeline between them, so only the host can hold them back).
        measure("detect-pair", "warden detect, 1 thread, two at once",
                ["sh", "-c", "\"$@\" >/dev/null 2>&1 & \"$@\" >/dev/null 2>&1 & wait", "sh"] + detect(bgl, threads: 1))
        measure("compiled1", "warden detect --compiled, bgl, 1 thread", detect(bgl, threads: 1) + ["--compiled"])
        measure("compiled2", "warden detect --compiled, bgl, 2 threads", detect(bgl, threads: 2) + ["--compiled"])
        measure("large1", "warden detect, \(rules) rules, 1 thread", detect(large, threads: 1))
        measure("large2", "warden detect, \(rules) rules, 2 threads", detect(large, threads: 2))
        measure("python", "CPython re, bgl rules (\(python))", ["python3", python, file.path])
        // Session windows (one per HDFS block), sharded by key on 2 threads.
        let sessionLog = try Self.replicatedSessions(sessions, copies: sessionCopies)
        defer { try? FileManager.default.removeItem(atPath: sessionLog.path) }
        let hdfs = "GeneratedRules/Packs/hdfs.warden"
        func sessionDetect(threads: Int) -> [String] {
            [warden, "detect", "--pack", hdfs, "--format", "hdfs", "--window", "session", "--output", "summary", "--threads", "\(threads)", sessionLog.path]
        }
        measure("sessions1", "warden detect, hdfs sessions (\(sessionLog.lines) lines), 1 thread", sessionDetect(threads: 1))
        measure("sessions2", "warden detect, hdfs sessions, 2 threads", sessionDetect(threads: 2))
        // Start-up (loading and checking the pack, compiling its regexes and Vectorscan database) on a one-line log,
        // so that the per-line cost of the two packs can be told from their fixed cost.
        let empty = file.path + ".one"
        _ = FileManager.default.createFile(atPath: empty, contents: Data("RAS KERNEL INFO one line\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        measure("start1", "warden detect, bgl (6 rules), one-line log", detect(bgl, threads: 1, path: empty))
        measure("startLarge", "warden detect, \(rules) rules, one-line log", detect(large, threads: 1, path: empty))
        measure("startLargeCold", "  the same, database not cached", ["env", "WARDEN_CACHE_DIR=off"] + detect(large, threads: 1, path: empty))

        // One untimed round warms the page cache and warden's database cache. Then each round runs
        // every command once, so that a slow spell of the host slows all of them alike and the
        // ratios between them hold; a fixed CPU loop timed before and after tells how busy the host was.
        let loopBefore = Measurement.hostLoopMilliseconds()
        let pairBefore = Measurement.hostLoopMilliseconds(copies: 2)
        var samples: [String: [Measurement]] = [:]
        var missing = Set<String>()
        for round in 0...max(1, runs) {
            for command in commands where !missing.contains(command.key) {
                guard let measurement = try Measurement.once(command.arguments) else {
                    print("(skipped \(command.label): \(command.arguments[0]) is not installed)")
                    missing.insert(command.key)
                    continue
                }
                if round > 0 { samples[command.key, default: []].append(measurement) }
            }
        }
        let loopAfter = Measurement.hostLoopMilliseconds()
        let pairAfter = Measurement.hostLoopMilliseconds(copies: 2)
        // Two threads can do at most this many times one thread's work on this host now.
        let hostPairCapacity = 2 * (loopBefore + loopAfter) / (pairBefore + pairAfter)
        var results: [String: Measurement] = [:]
        var rows: [(String, String)] = []
        for command in commands where !missing.contains(command.key) {
            results[command.key] = Measurement.median(samples[command.key]!)
            rows.append((command.key, command.label))
        }
        print(String(format: "host check: a fixed CPU loop took %.0f ms before the runs and %.0f ms after (equal on a quiet host)", loopBefore, loopAfter))
        print(String(format: "host check: two copies of it at once took %.0f and %.0f ms: two threads get %.2f× one thread's work done here (2 on a host with two idle cores of its own)",
                     pairBefore, pairAfter, hostPairCapacity))

        let reference = results["rg"] ?? results["wc"]!
        print("command".padding(toLength: 48, withPad: " ", startingAt: 0) + "  seconds   lines/s    × rg common")
        for (key, label) in rows {
            let m = results[key]!
            print(label.padding(toLength: 48, withPad: " ", startingAt: 0)
                  + String(format: "%8.3f  %9.0f  %8.1f", m.seconds, Double(file.lines) / m.seconds, m.seconds / reference.seconds))
        }

        // The CPython rules, the compiled pack and 2 threads must give the same verdicts.
        if let detect = results["detect1"] {
            for (key, name) in [("python", "CPython"), ("compiled1", "--compiled"), ("detect2", "2 threads")] {
                guard let other = results[key] else { continue }
                let same = other.summary(prefix: "windows:") == detect.summary(prefix: "windows:")
                    && other.summary(prefix: "decided by:") == detect.summary(prefix: "decided by:")
                print("\(name) verdict counts \(same ? "match" : "DIFFER FROM") warden detect's: \(other.summary(prefix: "decided by:") ?? "?")")
            }
        }
        if let one = results["sessions1"], let two = results["sessions2"] {
            let same = one.summary(prefix: "windows:") == two.summary(prefix: "windows:")
                && one.summary(prefix: "decided by:") == two.summary(prefix: "decided by:")
            print("sessions on 2 threads: verdict counts \(same ? "match" : "DIFFER FROM") 1 thread's: \(two.summary(prefix: "windows:") ?? "?")")
        }

        // Peak memory as the input doubles.
        let doubled = file.path + ".twice"
        try Self.concatenate(file.path, times: 2, into: doubled)
        defer { try? FileManager.default.removeItem(atPath: doubled) }
        let memorySmall = try Measurement.peakKilobytes(of: detect(bgl, threads: 2))
        let memoryLarge = try Measurement.peakKilobytes(of: detect(bgl, threads: 2, path: doubled))
        print(String(format: "peak memory, warden detect (2 threads): %.1f MB on %d lines, %.1f MB on %d lines",
                     Double(memorySmall) / 1024, file.lines, Double(memoryLarge) / 1024, file.lines * 2))

        print("ratios (targets in parentheses):")
        if let rg = results["rg"], let one = results["detect1"] {
            print(String(format: "  warden detect 1 thread / rg -c KERNEL:        %5.1f×  (≤ 2)", one.seconds / rg.seconds))
        }
        if let python = results["python"], let one = results["detect1"] {
            print(String(format: "  CPython rules / warden detect 1 thread:       %5.1f×  (≥ 30)", python.seconds / one.seconds))
        }
        if let one = results["detect1"], let two = results["detect2"] {
            print(String(format: "  1 thread / 2 threads:                         %5.2f×  (≥ 1.8)", one.seconds / two.seconds))
        }
        if let single = results["rg"], let pair = results["rg-pair"] {
            print(String(format: "  the host's own ceiling, 2 × rg / two at once:  %5.2f×  (CPU loop: %.2f×)", 2 * single.seconds / pair.seconds, hostPairCapacity))
        }
        if let one = results["detect1"], let pair = results["detect-pair"] {
            print(String(format: "  the host's ceiling for detect, 2 × 1 thread / two 1-thread runs at once: %5.2f×", 2 * one.seconds / pair.seconds))
        }
        if let one = results["detect1"], let two = results["detect2"], let start = results["start1"] {
            print(String(format: "  1 thread / 2 threads, start-up of %.3f s taken off: %5.2f×", start.seconds,
                         (one.seconds - start.seconds) / (two.seconds - start.seconds)))
        }
        if let one = results["sessions1"], let two = results["sessions2"] {
            print(String(format: "  hdfs sessions, 1 thread / 2 threads:          %5.2f×  (sharded by key)", one.seconds / two.seconds))
        }
        if let small = results["detect1"], let big = results["large1"], let smallStart = results["start1"], let bigStart = results["startLarge"] {
            print(String(format: "  %d-rule pack / 6-rule pack, whole run:       %5.2f×", rules, big.seconds / small.seconds))
            print(String(format: "  %d-rule pack / 6-rule pack, per line:        %5.2f×  (≤ 2; start-up of %.3f s and %.3f s taken off)",
                         rules, (big.seconds - bigStart.seconds) / (small.seconds - smallStart.seconds), bigStart.seconds, smallStart.seconds))
        }
        if let interpreted = results["detect1"], let compiled = results["compiled1"] {
            print(String(format: "  interpreted / compiled, 1 thread:             %5.2f×", interpreted.seconds / compiled.seconds))
        }
        print(String(format: "  peak memory, %d / %d lines:             %5.2f×  (flat: ≈ 1)", file.lines * 2, file.lines,
                     Double(memoryLarge) / Double(memorySmall)))
        if let rg = results["rg"], let wc = results["wc"], let start = results["start1"] {
            let scan = try Self.scanFloor(pack: bgl, file: file.path, runs: runs)
            print("floor of warden detect, bgl, 1 thread: start-up, reading, and the one scan every window needs")
            print(String(format: "  start-up (one-line log):                      %5.3f s  %4.2f× rg", start.seconds, start.seconds / rg.seconds))
            print(String(format: "  reading and splitting the file (wc -l):       %5.3f s  %4.2f× rg", wc.seconds, wc.seconds / rg.seconds))
            print(String(format: "  Vectorscan alone, the normal rule's tests on every window: %5.3f s  %4.2f× rg", scan, scan / rg.seconds))
            let floor = start.seconds + wc.seconds + scan
            print(String(format: "  sum:                                          %5.3f s  %4.2f× rg; CPython / floor %4.1f×", floor, floor / rg.seconds,
                         (results["python"]?.seconds ?? .nan) / floor))
        }
    }

    /// Seconds (median of `runs`) Vectorscan takes, in this process, to scan every window of 20
    /// lines of `file` (held in memory) with the first stage of `pack`'s prefilter: the tests of
    /// its normal rules, which every window is scanned for. No windows are assembled and no rule runs.
    static func scanFloor(pack path: String, file: String, runs: Int) throws -> Double {
        let pack = try checkedPack(at: path)
        guard let database = Interpreter.ruleSet(for: pack).prefilter.stages.first?.database else {
            throw ValidationError("\(path): its normal rules' tests are not in a Vectorscan database")
        }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        var bounds = [0]
        var lines = 0
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            lines += 1
            if lines % 20 == 0 || offset == bytes.count - 1 { bounds.append(offset + 1) }
        }
        let scratch = Scratch(for: database)
        let count: Database.MatchHandler = { _, _, _, _, context in
            context!.assumingMemoryBound(to: Int.self).pointee += 1
            return 0
        }
        var times: [Double] = []
        var matches = 0
        for _ in 0..<max(1, runs) {
            let clock = ContinuousClock(), start = clock.now
            bytes.withUnsafeBufferPointer { all in
                for index in 1..<bounds.count {
                    database.scan(UnsafeBufferPointer(rebasing: all[bounds[index - 1]..<bounds[index]]), scratch: scratch,
                                  context: &matches, handler: count)
                }
            }
            let elapsed = clock.now - start
            times.append(elapsed.seconds)
        }
        precondition(matches > 0, "the normal rule's tests match on routine lines")
        return times.sorted()[times.count / 2]
    }

    /// The bgl pack followed by rules on the sample's Drain templates, in the shape
    /// synthesized rules take, up to `rules` rules in all: per template, one rule that holds
    /// when every line has the template, and one that holds on the template at FATAL level.
    static func largePack(base: String, sample: String, rules: Int) throws -> String {
        var text = try String(contentsOfFile: base, encoding: .utf8)
        if let testStart = text.range(of: "\ntest ") { text = String(text[..<testStart.lowerBound]) + "\n" }
        var drain = Drain()
        let reader = try LogReader(path: sample, decoder: LineDecoder(format: .bgl))
        try reader.forEach { record in
            let content = MessageHeader.bgl.content(UnsafeRawBufferPointer(record.message))
            _ = drain.add(content)
        }
        var templates: [String] = []
        for cluster in drain.clusters {
            let tokens = drain.template(cluster.id).split(separator: " ").map { token in
                token == "<*>" ? "\\S+" : String(token).map { character in
                    "\\^$.|?*+()[]{}/".contains(character) ? "\\\(character)" : String(character)
                }.joined()
            }
            guard !tokens.isEmpty, tokens.contains(where: { $0 != "\\S+" }) else { continue }
            templates.append(tokens.joined(separator: " "))
        }
        var count = 6
        for (index, template) in templates.enumerated() where count < rules {
            text += "\n/// Every line has template \(index).\nabnormal rule template_\(index)_only {\n    all line in window: line matches /\(template)$/\n}\n"
            count += 1
        }
        for (index, template) in templates.enumerated() where count < rules {
            text += "\n/// Template \(index) at FATAL level.\nabnormal rule template_\(index)_fatal {\n    any line in window: line matches /^(?:\\S+ ){7}FATAL \(template)$/i\n}\n"
            count += 1
        }
        return text
    }

    /// `copies` copies of an HDFS log, each with its block ids renamed (a digit appended
    /// per copy), so that the sessions of one copy do not run on into the next.
    static func replicatedSessions(_ sample: String, copies: Int) throws -> (path: String, lines: Int) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-\(getpid())-sessions.log").path
        var lines: [[UInt8]] = []
        try LogReader(path: sample, decoder: LineDecoder(format: .lines)).forEach { lines.append(Array($0.message)) }
        var bytes: [UInt8] = []
        let prefix = Array("blk_".utf8)
        for copy in 0..<copies {
            let digit = UInt8(ascii: "0") + UInt8(copy % 10)
            for line in lines {
                var index = 0
                while index < line.count {
                    bytes.append(line[index])
                    index += 1
                    guard index >= prefix.count, Array(line[(index - prefix.count)..<index]) == prefix else { continue }
                    if index < line.count, line[index] == UInt8(ascii: "-") { bytes.append(line[index]); index += 1 }
                    while index < line.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[index]) { bytes.append(line[index]); index += 1 }
                    bytes.append(digit)
                }
                bytes.append(0x0A)
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw ValidationError("cannot write \(path)") }
        return (path, lines.count * copies)
    }

    static func concatenate(_ path: String, times: Int, into destination: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = FileManager.default.createFile(atPath: destination, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        for _ in 0..<times { handle.write(data) }
        try handle.close()
    }
}

/// One command's median wall time and what it printed.
struct Measurement {
    var seconds: Double
    var output: String

    /// The command's peak resident memory, as GNU time reports it. (`wait4`'s figure would
    /// not do: a child spawned with vfork is charged the peak of this process, which holds
    /// the test files, when it calls exec.)
    static func peakKilobytes(of arguments: [String]) throws -> Int {
        let marker = "warden-bench peak kilobytes:"
        guard let measurement = try once(["/usr/bin/time", "-f", "\(marker) %M"] + arguments),
              let line = measurement.summary(prefix: marker), let kilobytes = Int(line.dropFirst(marker.count).trimmingCharacters(in: .whitespaces))
        else { throw ValidationError("GNU time (/usr/bin/time, Debian package time) is needed to measure peak memory") }
        return kilobytes
    }

    /// The line of the output (standard output and error) that starts with `prefix`.
    func summary(prefix: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
    }

    /// The median of one command's runs (at least one).
    static func median(_ measurements: [Measurement]) -> Measurement {
        let sorted = measurements.sorted { $0.seconds < $1.seconds }
        return sorted[sorted.count / 2]
    }

    /// Milliseconds a fixed chain of xorshift steps (each depending on the last) takes on this
    /// thread: the same on a quiet host, longer when other work shares the cores. With
    /// `copies` > 1, that many threads run the chain at once, and the time is until the last is
    /// done: on a host whose cores are all its own, the same as one copy alone.
    static func hostLoopMilliseconds(copies: Int = 1) -> Double {
        @Sendable func chain() {
            var value: UInt64 = 0x9E37_79B9_7F4A_7C15
            for _ in 0..<100_000_000 {
                value ^= value << 13
                value ^= value >> 7
                value ^= value << 17
            }
            if value == 0 { print("") }  // keeps the loop
        }
        let clock = ContinuousClock()
        let start = clock.now
        let others = DispatchGroup()
        for _ in 1..<max(1, copies) {
            others.enter()
            Thread {
                chain()
                others.leave()
            }.start()
        }
        chain()
        others.wait()
        let elapsed = clock.now - start
        return elapsed.seconds * 1000
    }

    /// Spawns the command with its output to a temporary file and waits for it; `nil` when the program is not installed.
    static func once(_ arguments: [String]) throws -> Measurement? {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-\(getpid())-output").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let clock = ContinuousClock()
        let start = clock.now
        let status = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard status == 0 else {
            if status == ENOENT { return nil }
            throw ValidationError("cannot run \(arguments[0]): \(String(cString: strerror(status)))")
        }
        var exitStatus: Int32 = 0
        _ = waitpid(pid, &exitStatus, 0)
        let elapsed = clock.now - start
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // 127: posix_spawnp found no such program (some C libraries report it this way).
        if exitStatus >> 8 == 127 { return nil }
        guard exitStatus == 0 else { throw ValidationError("\(arguments.joined(separator: " ")) failed:\n\(output)") }
        return Measurement(seconds: elapsed.seconds, output: output)
    }
}
