import Bundles
import Foundation
import LogInput
import RuleRuntime
import Testing
import TestSupport

/// Building, verifying and refusing signed rule bundles.
@Suite("Rule bundles")
struct BundleTests {
    static let pack = """
        pack demo version "1.0.0"

        @severity(high)
        abnormal rule disk_failure {
            any line in window: line contains "disk failure"
        }

        test "a disk failure is abnormal" expect abnormal {
            "ok"
            "disk failure on sda"
        }

        """

    static let settings = DetectionSettings(format: "lines", window: "20")

    static func source(revision: Int = 3, pack: String = pack, name: String = "demo.warden") -> BundleSource {
        BundleSource(name: "demo", version: "1.2.0", revision: revision, settings: settings, packs: [(name, Array(pack.utf8))])
    }

    let key = SigningKey()

    @Test("A built bundle opens with its public key: manifest, packs and rule set as built")
    func roundTrip() throws {
        let built = try RuleBundle.build(Self.source(), key: key)
        #expect(built.warnings.isEmpty)
        let loaded = try RuleBundle.open(built.bytes, key: key.publicKey)
        #expect(loaded.manifest.name == "demo" && loaded.manifest.version == "1.2.0" && loaded.manifest.revision == 3)
        #expect(loaded.manifest.signer == key.publicKey.id && loaded.manifest.settings == Self.settings)
        #expect(loaded.manifest.files.map(\.path) == ["packs/demo.warden"])
        #expect(loaded.packs.map(\.name) == ["demo"] && loaded.ruleSet.rules.map(\.metadata.name) == ["disk_failure"])
        // The same inputs and time give the same manifest.
        let again = try RuleBundle.build(Self.source(), key: key, created: Date(timeIntervalSince1970: 0))
        let twice = try RuleBundle.build(Self.source(), key: key, created: Date(timeIntervalSince1970: 0))
        #expect(try RuleBundle.open(again.bytes, key: key.publicKey).manifest == RuleBundle.open(twice.bytes, key: key.publicKey).manifest)
    }

    @Test("JSON Lines settings travel in the bundle and decode lines as built; a manifest without them reads as before")
    func jsonSettings() throws {
        let settings = DetectionSettings(format: "jsonl", window: "20", messageField: "msg", timestampField: "ts", headerFields: ["level", "logger"])
        var source = Self.source()
        source.settings = settings
        let loaded = try RuleBundle.open(try RuleBundle.build(source, key: key).bytes, key: key.publicKey)
        #expect(loaded.manifest.settings == settings)
        let decoder = loaded.manifest.settings.decoder(for: .jsonl)
        #expect(decoder.fields.message == "msg" && decoder.fields.timestamp == "ts" && decoder.fields.header == ["level", "logger"])
        #expect(decoder.fields.label == nil)
        let plain = try JSONDecoder().decode(DetectionSettings.self, from: Data(#"{"format": "jsonl", "window": "20"}"#.utf8))
        #expect(plain.decoder(for: .jsonl).fields.message == "message" && plain.decoder(for: .jsonl).fields.header.isEmpty)
        // Settings of other formats encode as before: no JSON field keys.
        #expect(!String(decoding: try JSONEncoder().encode(Self.settings), as: UTF8.self).contains("Field"))
    }

    @Test("Session windows without an idle timeout build with a warning: a detector would keep every session open")
    func sessionsWithoutIdle() throws {
        var source = Self.source()
        source.settings = DetectionSettings(format: "hdfs", window: "session")
        let built = try RuleBundle.build(source, key: key)
        #expect(built.warnings == ["settings: session windows without --idle: a long-running detector keeps every session open until it reaches "
            + "100000 lines (--max-window-lines), so its memory grows with the sessions the logs open; --idle closes quiet ones"])
        source.settings = DetectionSettings(format: "hdfs", window: "session", idle: "5m")
        #expect(try RuleBundle.build(source, key: key).warnings.isEmpty)
    }

    @Test("Several packs run as one rule set: each pack's line tests keep their own meaning")
    func severalPacks() throws {
        let alpha = "pack a version \"1.0.0\"\n\nabnormal rule alpha_seen {\n    any line in window: line contains \"alpha\"\n}\n"
        let beta = """
            pack b version "1.0.0"

            normal rule all_ok {
                all line in window: line startswith "ok"
            }

            abnormal rule beta_seen {
                any line in window: line matches /beta\\d/
            }

            """
        var source = Self.source()
        source.packs = [("a.warden", Array(alpha.utf8)), ("b.warden", Array(beta.utf8))]
        let loaded = try RuleBundle.open(try RuleBundle.build(source, key: key).bytes, key: key.publicKey)
        let engine = DetectionEngine(rules: loaded.ruleSet)
        let context = engine.makeContext()
        func decided(_ lines: [String]) -> String? { engine.detect(Window(texts: lines), in: context).rule }
        #expect(loaded.ruleSet.rules.map(\.metadata.name) == ["all_ok", "alpha_seen", "beta_seen"])
        #expect(decided(["x", "beta7"]) == "beta_seen")
        #expect(decided(["alpha here"]) == "alpha_seen")
        #expect(decided(["ok 1", "ok 2"]) == "all_ok")
        #expect(decided(["beta", "alphabet"]) == "alpha_seen")
        #expect(decided(["nothing"]) == nil)
    }

    @Test("Keys round-trip through PEM; a private key given as the public one is named as such")
    func keys() throws {
        let pem = key.pem
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(try SigningKey(pem: pem, source: "k").publicKey == key.publicKey)
        #expect(try VerificationKey(pem: key.publicKey.pem, source: "k.pub") == key.publicKey)
        #expect(throws: BundleError.badKey("k: no `-----BEGIN PUBLIC KEY-----` block (this is a private key: pass the .pub file)")) {
            try VerificationKey(pem: pem, source: "k")
        }
        #expect(throws: BundleError.self) { try VerificationKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", source: "x") }
    }

    @Test("Another key's signature is refused, naming both keys")
    func wrongKey() throws {
        let built = try RuleBundle.build(Self.source(), key: key)
        let other = SigningKey().publicKey
        let error = #expect(throws: BundleError.self) { try RuleBundle.open(built.bytes, key: other) }
        #expect(error == .badSignature("the bundle was signed by key \(key.publicKey.id), not by the key given (\(other.id))"))
    }

    @Test("A changed file, an added or missing file, truncation and garbage are refused with the reason")
    func tampering() throws {
        let bytes = try RuleBundle.build(Self.source(), key: key).bytes
        // Change the pack after signing, keeping the archive well-formed: the hash check names the file.
        let entries = try TarView.entries(bytes)
        var changed = entries
        changed[2].bytes = Array(Self.pack.replacingOccurrences(of: "disk failure\"", with: "disk fail\"").utf8)
        let tampered = try #require(throws: BundleError.self) { try RuleBundle.open(TarView.write(changed), key: key.publicKey) }
        #expect(tampered.description.contains("packs/demo.warden: its SHA-256 is") && tampered.description.contains("contents changed since signing"))
        var added = entries
        added.append(("packs/extra.warden", Array(Self.pack.utf8)))
        #expect(throws: BundleError.manifest("packs/extra.warden is in the bundle but not listed in the manifest")) {
            try RuleBundle.open(TarView.write(added), key: key.publicKey)
        }
        #expect(throws: BundleError.manifest("packs/demo.warden is listed in the manifest but missing from the bundle")) {
            try RuleBundle.open(TarView.write(Array(entries.prefix(2))), key: key.publicKey)
        }
        for cut in [0, 100, 512, bytes.count / 2, bytes.count - 512, bytes.count - 1] {
            #expect(throws: BundleError.self) { try RuleBundle.open(Array(bytes.prefix(cut)), key: key.publicKey) }
        }
        let garbage = try #require(throws: BundleError.self) { try RuleBundle.open(Array("not a bundle at all\n".utf8), key: key.publicKey) }
        #expect(garbage.description.hasPrefix("not a valid bundle:"))
    }

    @Test("A bundle is a ustar archive that tar lists")
    func tarListsIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("b-\(UUID().uuidString).wbundle")
        try Data(try RuleBundle.build(Self.source(), key: key).bytes).write(to: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-tf", path.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let listing = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && listing == "manifest.json\nsignature.ed25519\npacks/demo.warden\n", "\(listing)")
    }

    @Test("Flipping any single byte of a bundle makes it fail to load")
    func everyByteMatters() throws {
        let bytes = try RuleBundle.build(Self.source(), key: key).bytes
        var loaded = 0
        for position in bytes.indices {
            for mask: UInt8 in [0x01, 0x80] {
                var flipped = bytes
                flipped[position] ^= mask
                if (try? RuleBundle.open(flipped, key: key.publicKey)) != nil {
                    loaded += 1
                    Issue.record("flipping byte \(position) with \(mask) still loads")
                }
            }
        }
        #expect(loaded == 0 && bytes.count > 3_000)
    }

    @Test("A revision below the active one is refused as a rollback; the same or a higher one loads")
    func rollback() throws {
        let bytes = try RuleBundle.build(Self.source(revision: 3), key: key).bytes
        #expect(throws: BundleError.rollback(active: 4, offered: 3)) { try RuleBundle.open(bytes, key: key.publicKey, minimumRevision: 4) }
        #expect(throws: Never.self) { try RuleBundle.open(bytes, key: key.publicKey, minimumRevision: 3) }
    }

    @Test("A signed manifest of a newer format, or a pack that no longer checks, is refused")
    func newerFormatAndPacksThatNoLongerCheck() throws {
        let entries = try TarView.entries(try RuleBundle.build(Self.source(), key: key).bytes)
        // Re-sign a manifest that claims format version 2, as a newer Warden would write it.
        var manifest = try JSONSerialization.jsonObject(with: Data(entries[0].bytes)) as! [String: Any]
        manifest["formatVersion"] = 2
        let newer = try TarView.resigned(entries, manifest: manifest, key: key)
        #expect(throws: BundleError.manifest("format version 2 is newer than this Warden reads (1): upgrade warden")) {
            try RuleBundle.open(newer, key: key.publicKey)
        }
        // A pack that does not check, signed with a correct hash (as a bundle from a Warden with other builtins would be).
        var broken = entries
        broken[2].bytes = Array("pack demo version \"1.0.0\"\nabnormal rule r { no_such_builtin(line) }\n".utf8)
        manifest["formatVersion"] = 1
        var files = manifest["files"] as! [[String: Any]]
        files[0]["sha256"] = TarView.sha256(broken[2].bytes)
        files[0]["size"] = broken[2].bytes.count
        manifest["files"] = files
        let refused = try #require(throws: BundleError.self) { try RuleBundle.open(try TarView.resigned(broken, manifest: manifest, key: key), key: key.publicKey) }
        #expect(refused.description.contains("packs/demo.warden no longer checks with this Warden"), "\(refused)")
    }

    @Test("Building refuses packs that do not check or whose tests fail, bad versions and duplicate rule names")
    func buildRefuses() throws {
        let broken = try #require(throws: BundleError.self) { try RuleBundle.build(Self.source(pack: "pack p version \"1.0.0\"\nabnormal rule r { nope }\n"), key: key) }
        #expect(broken.description.contains("demo.warden does not check"))
        let failing = Self.pack.replacingOccurrences(of: "expect abnormal", with: "expect normal")
        let failed = try #require(throws: BundleError.self) { try RuleBundle.build(Self.source(pack: failing), key: key) }
        #expect(failed.description.contains("1 test fails: \"a disk failure is abnormal\""))
        var badVersion = Self.source()
        badVersion.version = "1.2"
        #expect(throws: BundleError.build("version `1.2` is not a semantic version such as 1.4.0")) { try RuleBundle.build(badVersion, key: key) }
        var twice = Self.source()
        twice.packs.append(("other/demo2.warden", Array(Self.pack.utf8)))
        let duplicate = try #require(throws: BundleError.self) { try RuleBundle.build(twice, key: key) }
        #expect(duplicate.description.contains("rule disk_failure is in both packs/demo.warden and packs/demo2.warden"))
    }
}

/// Archives the bundle reader must judge: the canonical container around changed contents.
enum TarView {
    static func entries(_ bytes: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        try BundleArchive.read(bytes).map { ($0.name, $0.bytes) }
    }

    static func write(_ entries: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
        BundleArchive.write(entries.map { BundleArchive.Entry(name: $0.name, bytes: $0.bytes) })
    }

    static func resigned(_ entries: [(name: String, bytes: [UInt8])], manifest: [String: Any], key: SigningKey) throws -> [UInt8] {
        var entries = entries
        entries[0].bytes = [UInt8](try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .withoutEscapingSlashes]))
        entries[1].bytes = try key.sign(entries[0].bytes)
        return try write(entries)
    }

    static func sha256(_ bytes: [UInt8]) -> String { BundleFile.digest(bytes) }
}
