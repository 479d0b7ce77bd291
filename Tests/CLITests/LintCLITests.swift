import Foundation
import Testing
import TestSupport

@Suite("warden lint", .serialized)
struct LintCLITests {
    let pack = "Tests/Fixtures/Lint/findings.warden"
    var dataArguments: [String] {
        ["--data", "Tests/Fixtures/Lint/findings.sample.log", "--data-format", "bgl", "--data-window", "1"]
    }

    @Test("a pack with a finding of every lint, in every format, matches its golden file",
          arguments: [("human", "txt"), ("gcc", "gcc"), ("json", "json"), ("sarif", "sarif")])
    func golden(_ format: String, _ ext: String) throws {
        let result = try Warden.run(["lint", pack, "--format", format, "--color", "never", "--no-config"] + dataArguments)
        #expect(result.status == 1, "W1201 is an error: \(result.stderr)")
        let golden = Repository.url("Tests/Fixtures/Lint/findings.\(ext)")
        if Repository.recording {
            try result.stdout.write(to: golden, atomically: true, encoding: .utf8)
        } else {
            #expect(result.stdout == (try String(contentsOf: golden, encoding: .utf8)), "re-record with WARDEN_RECORD=1")
        }
    }

    @Test func theGoldenPackHasAFindingOfEveryLint() throws {
        let listed = try Warden.run(["explain", "--list"])
        let lintCodes = Set(listed.stdout.split(separator: "\n").map { String($0.prefix(5)) }.filter { $0.hasPrefix("W1") })
        #expect(lintCodes.count >= 25)
        let result = try Warden.run(["lint", pack, "--format", "json", "--no-config"] + dataArguments)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let reported = Set(records.compactMap { $0["code"] as? String })
        #expect(lintCodes.subtracting(reported).isEmpty, "no finding for \(lintCodes.subtracting(reported).sorted())")
    }

    @Test("SARIF from lint and from check validates against the official SARIF 2.1.0 schema")
    func sarifValidates() throws {
        let directory = try temporaryDirectory()
        let lint = try Warden.run(["lint", pack, "--format", "sarif", "--no-config"] + dataArguments)
        let check = try Warden.run(["check", "--format", "sarif"] + Repository.files(in: "Grammar/Invalid", withExtension: "warden").map(\.path))
        #expect(check.status == 1)
        let files = [("lint.sarif", lint.stdout), ("check.sarif", check.stdout)].map { name, text in
            let url = directory.appendingPathComponent(name)
            try? text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let validation = try Warden.run(["python3", Repository.path("scripts/validate-sarif.py")] + files,
                                        program: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(validation.status == 0, "run scripts/install-sarif-schema.sh first if the schema is missing:\n\(validation.stdout)\(validation.stderr)")
        #expect(validation.stdout.components(separatedBy: ": valid").count == 3, "\(validation.stdout)")
        // The rules carry their descriptions, so that code scanning can show them.
        let log = try #require(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(rules.count >= 25 && rules.allSatisfy { $0["fullDescription"] != nil && $0["help"] != nil && $0["helpUri"] != nil })
    }

    @Test func exitStatusFollowsSeverityAndStrict() throws {
        let clean = try Warden.run(["lint", "GeneratedRules/Packs/bgl.warden", "Grammar/Examples", "--no-config"])
        #expect(clean.status == 0 && clean.stdout.contains("0 errors, 0 warnings (1 suppressed)"), "\(clean.stdout)")
        let directory = try temporaryDirectory()
        let warned = directory.appendingPathComponent("warned.warden")
        try """
            pack warned version "1.0.0"

            abnormal rule r {
                any line in window: line matches /disk full/
            }
            """.write(to: warned, atomically: true, encoding: .utf8)
        #expect(try Warden.run(["lint", warned.path, "--no-config"]).status == 0)
        #expect(try Warden.run(["lint", warned.path, "--no-config", "--strict"]).status == 1)
        // A configuration that makes a warning an error.
        let config = directory.appendingPathComponent("lint.toml")
        try "[severity]\nregex-is-literal = \"error\"\n".write(to: config, atomically: true, encoding: .utf8)
        let regraded = try Warden.run(["lint", warned.path, "--config", config.path, "--format", "gcc"])
        #expect(regraded.status == 1 && regraded.stdout.contains("error: this regex is the plain text \"disk full\" [W1203]"), "\(regraded.stdout)")
        // A broken configuration is exit status 2, with the file and line.
        try "[severity\n".write(to: config, atomically: true, encoding: .utf8)
        let broken = try Warden.run(["lint", warned.path, "--config", config.path])
        #expect(broken.status == 2 && broken.stderr.contains("lint.toml:1"), "\(broken.stderr)")
        // A pack that does not check reports its errors and no lints.
        let invalid = try Warden.run(["lint", "Grammar/Invalid/names.warden", "--no-config", "--format", "gcc"])
        #expect(invalid.status == 1 && invalid.stdout.contains("[E03") && !invalid.stdout.contains("[W1"))
    }

    @Test func configurationIsFoundInTheCurrentDirectoryOrAParent() throws {
        let directory = try temporaryDirectory()
        let nested = directory.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "disable = [\"W1203\", \"missing-doc-comment\", \"missing-severity\", \"missing-domain\", \"untested-rule\"]\n"
            .write(to: directory.appendingPathComponent(".warden-lint.toml"), atomically: true, encoding: .utf8)
        let warned = nested.appendingPathComponent("p.warden")
        try "pack p version \"1.0.0\"\n\nabnormal rule r {\n    any line in window: line matches /disk full/\n}\n"
            .write(to: warned, atomically: true, encoding: .utf8)
        let result = try Warden.run(["lint", "p.warden", "--strict"], directory: nested)
        #expect(result.status == 0 && result.stdout.contains("0 errors, 0 warnings"), "\(result.stdout)")
        let ignored = try Warden.run(["lint", "p.warden", "--strict", "--no-config"], directory: nested)
        #expect(ignored.status == 1)
    }

    @Test func baselineReportsOnlyNewFindings() throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("p.warden")
        try "pack p version \"1.0.0\"\n\nabnormal rule old {\n    any line in window: line matches /disk full/\n}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let baseline = directory.appendingPathComponent("baseline.json").path
        let written = try Warden.run(["lint", file.path, "--no-config", "--write-baseline", baseline])
        #expect(written.status == 0 && written.stdout.contains("wrote 5 findings"), "\(written.stdout)")
        let quiet = try Warden.run(["lint", file.path, "--no-config", "--baseline", baseline, "--strict"])
        #expect(quiet.status == 0 && quiet.stdout.contains("(5 in the baseline)"), "\(quiet.stdout)")
        try "pack p version \"1.0.0\"\n\nabnormal rule new {\n    any line in window: line matches /^ok/\n}\n\nabnormal rule old {\n    any line in window: line matches /disk full/\n}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let fresh = try Warden.run(["lint", file.path, "--no-config", "--baseline", baseline, "--format", "gcc"])
        #expect(fresh.stdout.contains("`new`") && !fresh.stdout.contains("`old`"), "\(fresh.stdout)")
        try "not json".write(toFile: baseline, atomically: true, encoding: .utf8)
        #expect(try Warden.run(["lint", file.path, "--no-config", "--baseline", baseline]).status == 2)
    }

    @Test func fixRewritesTheFileFormattedAndKeepsItsTestsPassing() throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("p.warden")
        try """
            pack p version "1.0.0"
            /// Disk trouble.
            @severity(high)
            @domain("storage")
            abnormal rule disk {
              any line in window: line matches /.*No space left.*/ or line matches /\\d+%/i
            }
            test "full" expect abnormal {
              "write: No space left on device"
            }
            """.write(to: file, atomically: true, encoding: .utf8)
        let fixed = try Warden.run(["lint", file.path, "--no-config", "--fix", "--strict"])
        #expect(fixed.status == 0 && fixed.stdout.contains("(3 fixed)"), "\(fixed.stdout)")
        #expect(try String(contentsOf: file, encoding: .utf8) == """
            pack p version "1.0.0"

            /// Disk trouble.
            @severity(high)
            @domain("storage")
            abnormal rule disk {
                any line in window: line contains "No space left" or line matches /\\d+%/
            }

            test "full" expect abnormal {
                "write: No space left on device"
            }

            """)
        #expect(try Warden.run(["test", file.path]).status == 0)
        #expect(try Warden.run(["fmt", "--check", file.path]).status == 0)
    }

    @Test func explainPrintsALintPage() throws {
        let byCode = try Warden.run(["explain", "W1001"])
        let byName = try Warden.run(["explain", "pinned-identifier"])
        #expect(byCode.status == 0 && byCode.stdout == byName.stdout)
        #expect(byCode.stdout == (try String(contentsOf: Repository.url("docs/lints/W1001.md"), encoding: .utf8)) + "\n")
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("warden-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
