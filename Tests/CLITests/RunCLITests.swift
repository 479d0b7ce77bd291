import Foundation
import Testing
import TestSupport

/// `warden run` against a real nginx serving bundles, and a bounded soak test.
@Suite("warden run", .serialized)
struct RunCLITests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Bundles of the BGL pack at each revision (the same rules; revisions differ in the version).
    func bundles(_ revisions: ClosedRange<Int>, window: String = "20") throws -> [Int: Data] {
        if !FileManager.default.fileExists(atPath: path("key")) {
            #expect(try Warden.run(["bundle", "keygen", "-o", path("key")]).status == 0)
        }
        var made: [Int: Data] = [:]
        for revision in revisions {
            let output = path("r\(revision).wbundle")
            let built = try Warden.run(["bundle", "build", "GeneratedRules/Packs/bgl.warden", "--revision", "\(revision)", "--version", "1.0.\(revision)",
                                        "--format", "bgl", "--window", window, "--key", path("key"), "-o", output])
            #expect(built.status == 0, "\(built.stderr)")
            made[revision] = try Data(contentsOf: URL(fileURLWithPath: output))
        }
        return made
    }

    @Test("Against nginx: a new revision activates, a corrupt one is refused, 404, 500, a slow answer and a stopped server leave the active bundle running, and a restart runs the kept bundle")
    func bundleServer() async throws {
        let bundles = try bundles(1...3)
        let nginx = try Nginx(directory: directory)
        try nginx.publish(bundles[1]!, as: "app.wbundle")
        try await nginx.ready()
        try Data(try String(contentsOfFile: Repository.path("Samples/BGL_2k/BGL_2k.log"), encoding: .utf8).utf8).write(to: URL(fileURLWithPath: path("bgl.log")))
        let arguments = ["--bundle", nginx.url + "/app.wbundle", "--key", path("key.pub"), "--state", path("state"),
                         "--poll", "200ms", "--fetch-timeout", "1s", path("bgl.log")]
        let live = try LiveWarden(arguments, directory: directory)
        _ = try await waitFor("revision 1") { try await live.metric("warden_bundle_revision") == 1 ? true : nil }
        let health = try await live.get("/health")
        #expect(health.status == 200 && health.body.contains(#""revision":1"#) && health.body.contains(#""status":"running""#), "\(health.body)")
        _ = try await waitFor("the sample's 100 windows") { try await live.metric("warden_windows_total") == 100 ? true : nil }
        #expect(live.records.count == 27 && live.records.allSatisfy { $0["verdict"] as? String == "abnormal" }, "\(live.records.count)")

        // A new revision: picked up, and the metrics say so.
        try nginx.publish(bundles[2]!, as: "app.wbundle")
        _ = try await waitFor("revision 2") { try await live.metric("warden_bundle_revision") == 2 ? true : nil }
        #expect(try await live.metric(#"warden_bundle_reloads_total{result="success"}"#) == 2)

        // A corrupt bundle: refused, reported, and revision 2 keeps running.
        var corrupt = bundles[3]!
        corrupt[corrupt.count / 2] ^= 0x01
        try nginx.publish(corrupt, as: "app.wbundle")
        _ = try await waitFor("the refusal") { try await live.metric(#"warden_bundle_reloads_total{result="failure"}"#) == 1 ? true : nil }
        #expect(try await live.metric("warden_bundle_revision") == 2)
        #expect(live.log.contains("bundle refused; the active bundle keeps running"))
        #expect(try await live.get("/health").body.contains(#""refusedBundles":1"#))

        // 404, 500 and a slow answer: poll failures, the active bundle stays.
        try FileManager.default.removeItem(at: nginx.root.appendingPathComponent("app.wbundle"))
        let before404 = try await live.metric("warden_bundle_poll_failures_total") ?? 0
        _ = try await waitFor("a 404") { try await live.metric("warden_bundle_poll_failures_total")! > before404 ? true : nil }
        #expect(live.log.contains("HTTP 404"))
        try nginx.publish(bundles[3]!, as: "app.wbundle")
        try nginx.setSwitch("fail500", true)
        _ = try await waitFor("a 500") { live.log.contains("HTTP 500") ? true : nil }
        try nginx.setSwitch("fail500", false)
        try nginx.setSwitch("slow", true)
        let beforeSlow = try await live.metric("warden_bundle_poll_failures_total")!
        _ = try await waitFor("a timed-out fetch") { try await live.metric("warden_bundle_poll_failures_total")! > beforeSlow + 1 ? true : nil }
        #expect(try await live.metric("warden_bundle_revision") == 2)
        try nginx.setSwitch("slow", false)
        _ = try await waitFor("revision 3 once the server answers again") { try await live.metric("warden_bundle_revision") == 3 ? true : nil }

        // The server stops: the detector goes on.
        nginx.stop()
        let beforeStop = try await live.metric("warden_bundle_poll_failures_total")!
        _ = try await waitFor("failed polls") { try await live.metric("warden_bundle_poll_failures_total")! > beforeStop ? true : nil }
        #expect(try await live.get("/health").status == 200)
        #expect(live.stop() == 0)

        // Restarted with the server down, it runs the bundle it kept.
        let restarted = try LiveWarden(arguments, directory: directory)
        _ = try await waitFor("the kept revision 3") { try await restarted.metric("warden_bundle_revision") == 3 ? true : nil }
        #expect(restarted.log.contains("bundle source unavailable"))
        #expect(restarted.stop() == 0)

        // No kept bundle and no server: a clear error.
        let empty = try LiveWarden(["--bundle", nginx.url + "/app.wbundle", "--key", path("key.pub"), "--state", path("empty-state"), path("bgl.log")], directory: directory)
        empty.process.waitUntilExit()
        #expect(empty.process.terminationStatus == 1 && empty.log.contains("no bundle to run"), "\(empty.log)")
    }

    @Test("Soak: lines appended while the file rotates and bundles change are each judged once; SIGTERM closes the last window")
    func soak() async throws {
        let bundles = try bundles(1...6, window: "10")
        try bundles[1]!.write(to: URL(fileURLWithPath: path("app.wbundle")))
        let log = path("soak.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let live = try LiveWarden(["--bundle", path("app.wbundle"), "--key", path("key.pub"), "--state", path("state"), "--poll", "100ms",
                                   "--all-windows", log], directory: directory)
        _ = try await waitFor("the detector") { try await live.metric("warden_bundle_revision") == 1 ? true : nil }
        let sample = try String(contentsOfFile: Repository.path("Samples/BGL_2k/BGL_2k.log"), encoding: .utf8).split(separator: "\n")
        let total = 12_003
        var handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        var revision = 1
        for start in stride(from: 0, to: total, by: 500) {
            let lines = (start..<min(total, start + 500)).map { sample[$0 % sample.count] + "\n" }.joined()
            try handle.write(contentsOf: Data(lines.utf8))
            if start % 3000 == 2500 {
                // Rotate: the old file moves away, a new one takes its name.
                try handle.close()
                try? FileManager.default.removeItem(atPath: log + ".1")
                try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
                _ = FileManager.default.createFile(atPath: log, contents: nil)
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            }
            if start % 2000 == 1000, revision < 6 {
                revision += 1
                try bundles[revision]!.write(to: URL(fileURLWithPath: path("app.wbundle")), options: .atomic)
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        try handle.close()
        _ = try await waitFor("every line read") { try await live.metric("warden_lines_total") == Double(total) ? true : nil }
        #expect(live.stop() == 0)
        // Count windows of 10 tile the lines 1…12003 exactly: nothing lost, nothing twice; the last 3 lines closed at shutdown.
        let ranges = live.records.compactMap { $0["lines"] as? [Int] }.sorted { $0[0] < $1[0] }
        #expect(ranges.count == 1_201, "\(ranges.count) windows")
        var next = 1
        for range in ranges {
            #expect(range[0] == next, "a gap or overlap at line \(next): \(range)")
            next = range[1] + 1
        }
        #expect(next == total + 1)
        #expect(live.log.contains("read=\(total)") && live.log.contains("windowed=\(total)"), "\(live.log)")
        #expect(try await Self.revisions(in: live.log).max() == 6)
    }

    @Test("warden run refuses a bundle signed by another key and a lower revision, and keeps the active one; --allow-rollback takes the lower one")
    func runRefusals() async throws {
        let bundles = try bundles(2...3)
        #expect(try Warden.run(["bundle", "keygen", "-o", path("other")]).status == 0)
        let foreign = try Warden.run(["bundle", "build", "GeneratedRules/Packs/bgl.warden", "--revision", "9", "--format", "bgl", "--key", path("other"), "-o", path("foreign.wbundle")])
        #expect(foreign.status == 0)
        let source = URL(fileURLWithPath: path("app.wbundle"))
        try bundles[3]!.write(to: source)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: path("a.log")))
        let live = try LiveWarden(["--bundle", source.path, "--key", path("key.pub"), "--state", path("state"), "--poll", "100ms", path("a.log")], directory: directory)
        _ = try await waitFor("revision 3") { try await live.metric("warden_bundle_revision") == 3 ? true : nil }
        try Data(contentsOf: URL(fileURLWithPath: path("foreign.wbundle"))).write(to: source, options: .atomic)
        _ = try await waitFor("the foreign bundle refused") { try await live.metric(#"warden_bundle_reloads_total{result="failure"}"#) == 1 ? true : nil }
        #expect(live.log.contains("not by the key given"))
        try bundles[2]!.write(to: source, options: .atomic)
        _ = try await waitFor("the rollback refused") { try await live.metric(#"warden_bundle_reloads_total{result="failure"}"#) == 2 ? true : nil }
        #expect(live.log.contains("revision 2 is older than the active revision 3 (rollback refused"))
        #expect(try await live.metric("warden_bundle_revision") == 3)
        #expect(live.stop() == 0)

        let rolledBack = try LiveWarden(["--bundle", source.path, "--key", path("key.pub"), "--state", path("state"), "--allow-rollback", path("a.log")],
                                        directory: directory)
        _ = try await waitFor("revision 2 with --allow-rollback") { try await rolledBack.metric("warden_bundle_revision") == 2 ? true : nil }
        #expect(rolledBack.stop() == 0)
    }

    @Test("A followed file that is truncated (copytruncate) is read again from its start; every line is judged once")
    func truncation() async throws {
        let bundles = try bundles(1...1, window: "10")
        try bundles[1]!.write(to: URL(fileURLWithPath: path("app.wbundle")))
        let sample = try String(contentsOfFile: Repository.path("Samples/BGL_2k/BGL_2k.log"), encoding: .utf8).split(separator: "\n")
        let log = URL(fileURLWithPath: path("copy.log"))
        try Data(sample[0..<100].map { $0 + "\n" }.joined().utf8).write(to: log)
        let live = try LiveWarden(["--bundle", path("app.wbundle"), "--key", path("key.pub"), "--state", path("state"), "--all-windows", log.path],
                                  directory: directory)
        _ = try await waitFor("100 lines") { try await live.metric("warden_lines_total") == 100 ? true : nil }
        let handle = try FileHandle(forWritingTo: log)
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(sample[100..<150].map { $0 + "\n" }.joined().utf8))
        try handle.close()
        _ = try await waitFor("150 lines") { try await live.metric("warden_lines_total") == 150 ? true : nil }
        #expect(live.stop() == 0)
        let ranges = live.records.compactMap { $0["lines"] as? [Int] }
        #expect(ranges == stride(from: 1, to: 150, by: 10).map { [$0, $0 + 9] }, "\(ranges)")
    }

    @Test("Standard input is followed until it ends; then every open window is judged and the detector exits 0")
    func standardInput() throws {
        _ = try bundles(1...1)
        let lines = try String(contentsOfFile: Repository.path("Samples/BGL_2k/BGL_2k.log"), encoding: .utf8).split(separator: "\n").prefix(45)
        let result = try Warden.run(["run", "--bundle", path("r1.wbundle"), "--key", path("key.pub"), "--state", path("state"),
                                     "--listen", "127.0.0.1:0", "--all-windows", "-"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let ranges = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.compactMap { $0["lines"] as? [Int] }
        #expect(ranges == [[1, 20], [21, 40], [41, 45]], "\(ranges)")
        #expect(result.stderr.contains("input=- read=45 skipped=0 windowed=45"))
    }

    @Test("A JSON Lines bundle: warden run decodes lines by the bundle's message and header fields")
    func jsonLinesBundle() throws {
        // BGL_2k as JSON Lines under a message field of another name, with its component and level in
        // fields of their own: written before the message, they give the BGL pack's rules the text they test.
        var log = ""
        for line in try String(contentsOfFile: Repository.path("Samples/BGL_2k/BGL_2k.log"), encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let object = ["component": fields[7], "level": fields[8], "msg": fields[9...].joined(separator: " ")]
            log += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        #expect(try Warden.run(["bundle", "keygen", "-o", path("key")]).status == 0)
        let built = try Warden.run(["bundle", "build", "GeneratedRules/Packs/bgl.warden", "--revision", "1", "--format", "jsonl", "--message-field", "msg",
                                    "--header-fields", "component,level", "--key", path("key"), "-o", path("json.wbundle")])
        #expect(built.status == 0, "\(built.stderr)")
        let result = try Warden.run(["run", "--bundle", path("json.wbundle"), "--key", path("key.pub"), "--state", path("state"),
                                     "--listen", "127.0.0.1:0", "-"], stdin: Data(log.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let records = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        // The 27 abnormal windows the pack finds in the BGL sample read as BGL.
        #expect(records.count == 27 && records.allSatisfy { $0["verdict"] as? String == "abnormal" }, "\(records.count)")
        #expect(result.stderr.contains("input=- read=2000 skipped=0 windowed=2000"), "\(result.stderr)")
    }

    @Test("Sessions close on their idle timeout while the log is quiet, without waiting for shutdown")
    func idleSessions() async throws {
        #expect(try Warden.run(["bundle", "keygen", "-o", path("key")]).status == 0)
        let built = try Warden.run(["bundle", "build", "GeneratedRules/Packs/hdfs.warden", "--revision", "1", "--format", "hdfs", "--window", "session",
                                    "--idle", "1s", "--key", path("key"), "-o", path("hdfs.wbundle")])
        #expect(built.status == 0, "\(built.stderr)")
        let lines = try String(contentsOfFile: Repository.path("Samples/HDFS_20k_head/HDFS_20000.log"), encoding: .utf8).split(separator: "\n").prefix(40)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path("hdfs.log")))
        let live = try LiveWarden(["--bundle", path("hdfs.wbundle"), "--key", path("key.pub"), "--state", path("state"), "--all-windows", path("hdfs.log")],
                                  directory: directory)
        let sessions = Set(lines.compactMap { line in line.range(of: #"blk_-?\d+"#, options: .regularExpression).map { String(line[$0]) } }).count
        _ = try await waitFor("idle sessions to close") { live.records.count == sessions ? true : nil }
        #expect(live.records.allSatisfy { $0["key"] is String })
        #expect(live.stop() == 0)
        #expect(live.records.count == sessions, "no session was left open for shutdown")
    }

    static func revisions(in log: String) async throws -> [Int] {
        log.split(separator: "\n").filter { $0.contains("bundle active") }.compactMap { line in
            line.range(of: #"revision=(\d+)"#, options: .regularExpression).flatMap { Int(line[$0].dropFirst("revision=".count)) }
        }
    }
}
