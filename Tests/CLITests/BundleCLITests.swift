import Foundation
import Testing
import TestSupport

/// `warden bundle` and the commands that run bundles, end to end.
@Suite("warden bundle")
struct BundleCLITests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bundles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A key pair and a bundle of the BGL pack at `revision`.
    func signedBundle(revision: Int = 1, pack: String = "GeneratedRules/Packs/bgl.warden", name: String = "app.wbundle",
                      extra: [String] = []) throws -> String {
        if !FileManager.default.fileExists(atPath: path("key")) {
            let made = try Warden.run(["bundle", "keygen", "-o", path("key")])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let built = try Warden.run(["bundle", "build", pack, "--revision", "\(revision)", "--key", path("key"),
                                    "--format", "bgl", "--window", "20", "-o", path(name)] + extra)
        #expect(built.status == 0, "\(built.stderr)")
        return path(name)
    }

    @Test("keygen → build with a FAME model → verify → inspect → detect, eval and test from the bundle → diff with a log sample")
    func shipWorkflow() throws {
        let model = path("bgl.fame")
        #expect(try Warden.run(["fame", "train", "--quiet", "--format", "bgl", "Samples/BGL_2k/BGL_2k.log", "-o", model]).status == 0)
        let bundle = try signedBundle(extra: ["--fame", model, "--fame-threshold", "0.6"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path("key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try Warden.run(["bundle", "keygen", "-o", path("key")])
        #expect(again.status != 0 && again.stderr.contains("exists; keygen never overwrites a key"))

        let verified = try Warden.run(["bundle", "verify", bundle, "--key", path("key.pub")])
        #expect(verified.status == 0 && verified.stdout.hasPrefix("ok: bgl 0.1.0, revision 1, 2 files match"), "\(verified.stdout)\(verified.stderr)")
        let inspected = try Warden.run(["bundle", "inspect", bundle, "--key", path("key.pub")])
        #expect(inspected.stdout.contains("settings: --format bgl --window 20, FAME threshold 0.6"), "\(inspected.stdout)")
        #expect(inspected.stdout.contains("FAME window decision: abnormal when at least 1 message scores 0.6 or more (the bundle's --fame-threshold)"),
                "\(inspected.stdout)")
        #expect(inspected.stdout.contains("packs/bgl.warden (pack)") && inspected.stdout.contains("fame/model.fame (fame-model)"))
        #expect(inspected.stdout.contains("abnormal kernel_fault_interrupt (critical)  [packs/bgl.warden]"))

        // The bundle's settings and model are the defaults: no --format, --window or --fallback needed.
        let detected = try Warden.run(["detect", "--pack", bundle, "--key", path("key.pub"), "--output", "summary", "Samples/BGL_2k/BGL_2k.log"])
        let direct = try Warden.run(["detect", "--pack", "GeneratedRules/Packs/bgl.warden", "--format", "bgl", "--fallback", model,
                                     "--fallback-threshold", "0.6", "--output", "summary", "Samples/BGL_2k/BGL_2k.log"])
        #expect(detected.status == 0 && detected.stderr == direct.stderr, "\(detected.stderr)\n---\n\(direct.stderr)")
        let evaluated = try Warden.run(["eval", "--pack", bundle, "--key", path("key.pub"), "Samples/BGL_2k/BGL_2k.log"])
        #expect(evaluated.status == 0 && evaluated.stdout.hasPrefix("bundle bgl 0.1.0 (revision 1) on Samples/BGL_2k/BGL_2k.log (bgl, window 20"), "\(evaluated.stdout)")
        #expect(evaluated.stdout.contains("fallback fame:"))
        let tested = try Warden.run(["test", bundle, "--key", path("key.pub")])
        #expect(tested.status == 0 && tested.stdout.contains("\(bundle):packs/bgl.warden:") && tested.stdout.contains("0 failed"), "\(tested.stdout)")

        // A new revision with one rule changed: diff names the rule and the windows whose verdict changes.
        var source = try String(contentsOfFile: Repository.path("GeneratedRules/Packs/bgl.warden"), encoding: .utf8)
        source = source.replacingOccurrences(of: "message prefix/", with: "message prefix/ or line contains \"ciod: generated\"")
        try source.write(toFile: path("bgl.warden"), atomically: true, encoding: .utf8)
        let next = try signedBundle(revision: 2, pack: path("bgl.warden"), name: "next.wbundle", extra: ["--version", "0.2.0", "--fame", model])
        let diff = try Warden.run(["bundle", "diff", bundle, next, "--key", path("key.pub"), "--data", "Samples/BGL_2k/BGL_2k.log"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("bgl 0.1.0 (revision 1) → bgl 0.2.0 (revision 2)") && diff.stdout.contains("rules: 0 added, 0 removed, 1 changed"), "\(diff.stdout)")
        #expect(diff.stdout.contains("~ ciod_link_lost") && diff.stdout.contains("+     any line in window: line matches /ciod: (Error reading|failed to read) message prefix/ or line contains \"ciod: generated\""))
        #expect(diff.stdout.contains("→ abnormal by ciod_link_lost") && diff.stdout.contains("of 100 change:"), "\(diff.stdout)")
        let json = try Warden.run(["bundle", "diff", bundle, next, "--key", path("key.pub"), "--data", "Samples/BGL_2k/BGL_2k.log", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(((report?["windows"] as? [String: Any])?["verdictChanged"] as? Int ?? 0) > 0)
    }

    @Test("Every command that loads a bundle refuses a tampered, unsigned, wrong-key, rolled-back or corrupt one, with the reason")
    func refusals() throws {
        let bundle = try signedBundle(revision: 3)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundle)))
        // Change one byte of the pack's text (its entry starts after three 512-byte blocks of manifest, signature and header).
        let packStart = bytes.indices.first { $0 >= 1536 && bytes[$0 - 512..<$0].starts(with: Array("packs/bgl.warden".utf8)) }!
        bytes[packStart + 10] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path("tampered.wbundle")))
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path("truncated.wbundle")))
        #expect(try Warden.run(["bundle", "keygen", "-o", path("other")]).status == 0)

        let key = ["--key", path("key.pub")]
        let cases: [(String, [String], String)] = [
            (path("tampered.wbundle"), key, "contents changed since signing: packs/bgl.warden: its SHA-256 is"),
            (bundle, [], "is a signed bundle: pass --key"),
            (bundle, ["--key", path("other.pub")], "not by the key given"),
            (bundle, key + ["--min-revision", "4"], "revision 3 is older than the active revision 4 (rollback refused"),
            (path("truncated.wbundle"), key, "not a valid bundle:"),
        ]
        for (file, options, reason) in cases {
            let commands: [[String]] = [
                ["detect", "--pack", file] + options + ["Samples/BGL_2k/BGL_2k.log"],
                ["eval", "--pack", file] + options + ["Samples/BGL_2k/BGL_2k.log"],
                ["test", file] + options,
                ["bundle", "verify", file] + options,
                ["bundle", "inspect", file] + options,
                ["bundle", "diff", bundle, file] + options,
            ]
            for command in commands {
                let result = try Warden.run(command)
                #expect(result.status == 1 && result.stderr.contains(reason) && result.stdout.isEmpty,
                        "\(command.joined(separator: " ")): \(result.status) \(result.stderr)")
            }
        }
    }

    @Test("build refuses a pack whose tests fail, and a private key file that is not one")
    func buildRefuses() throws {
        var source = try String(contentsOfFile: Repository.path("GeneratedRules/Packs/bgl.warden"), encoding: .utf8)
        source = source.replacingOccurrences(of: "expect normal {", with: "expect abnormal {")
        try source.write(toFile: path("failing.warden"), atomically: true, encoding: .utf8)
        _ = try signedBundle()
        let failing = try Warden.run(["bundle", "build", path("failing.warden"), "--revision", "1", "--key", path("key"), "-o", path("f.wbundle")])
        #expect(failing.status == 1 && failing.stderr.contains("1 test fails: \"routine kernel info\"") && !FileManager.default.fileExists(atPath: path("f.wbundle")), "\(failing.stderr)")
        let wrongKey = try Warden.run(["bundle", "build", "GeneratedRules/Packs/bgl.warden", "--revision", "1", "--key", path("key.pub"), "-o", path("g.wbundle")])
        #expect(wrongKey.status == 1 && wrongKey.stderr.contains("no `-----BEGIN PRIVATE KEY-----` block"), "\(wrongKey.stderr)")
    }
}
