import Foundation
import LogInput
import PCRE2
import RuleCodegen
import RuleInterpreter
import RuleLanguage
import RuleRuntime
import Testing
import TestSupport

/// The packs and golden files of this target.
extension Repository {
    static let generated = root.appendingPathComponent("Tests/CodegenTests/Generated")
    static let randomPacks = root.appendingPathComponent("Tests/CodegenTests/RandomPacks")
    static let builtinExamples = root.appendingPathComponent("Tests/CodegenTests/BuiltinExamples/builtin_examples.warden")

    static func packs(in folder: String) -> [URL] { files(in: folder, withExtension: "warden") }

    /// Every pack whose generated Swift is committed and compiled into this test target.
    static var compiledPackFiles: [URL] {
        packs(in: "Grammar/Examples") + packs(in: "GeneratedRules/Packs") + packs(in: "Tests/CodegenTests/RandomPacks")
            + [builtinExamples]
    }

    static func check(_ url: URL) throws -> CheckedPack {
        let result = Frontend.check(SourceFile(path: url.lastPathComponent, bytes: Array(try Data(contentsOf: url))))
        guard let pack = result.pack else {
            throw GenerationError(message: HumanRenderer(colored: false).render(result.diagnosed))
        }
        return pack
    }
}

struct GenerationError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

@Suite("Generated Swift", .serialized)
struct GoldenTests {
    static let randomPackCount = 24

    /// Writes the random packs (record mode) from a fixed seed.
    @Test("Random packs come from a fixed seed and all check")
    func randomPacks() throws {
        var generator = RandomPrograms(seed: 2026)
        var produced = 0, attempt = 0
        while produced < Self.randomPackCount {
            attempt += 1
            let name = String(format: "random_%02d", produced)
            let text = generator.pack(name: name, rules: 4)
            let result = Frontend.check(SourceFile(path: name, text: text))
            guard result.pack != nil else { continue }
            let url = Repository.randomPacks.appendingPathComponent(name + ".warden")
            if Repository.recording {
                try Data(text.utf8).write(to: url)
            } else {
                #expect(try String(contentsOf: url, encoding: .utf8) == text, "\(name) differs from the seeded generator")
            }
            produced += 1
        }
        #expect(attempt < Self.randomPackCount * 20)
    }

    /// Writes the builtin examples' pack (record mode) from the builtin definitions.
    @Test("The builtin examples' pack matches the builtin definitions")
    func builtinExamplesPack() throws {
        let text = BuiltinReference.examplesPack()
        if Repository.recording {
            try Data(text.utf8).write(to: Repository.builtinExamples)
        } else {
            #expect(try String(contentsOf: Repository.builtinExamples, encoding: .utf8) == text, "re-record with WARDEN_RECORD=1")
        }
    }

    @Test("Generated Swift matches the committed golden files")
    func goldens() throws {
        var registry: [(String, String)] = []
        for url in Repository.compiledPackFiles {
            let pack = try Repository.check(url)
            let source = CodeGenerator.swiftSource(for: pack, sourcePath: url.lastPathComponent)
            let golden = Repository.generated.appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".swift")
            registry.append((pack.name, CodeGenerator.packTypeName(pack.name)))
            if Repository.recording {
                try Data(source.utf8).write(to: golden)
            } else {
                let expected = try String(contentsOf: golden, encoding: .utf8)
                #expect(source == expected, "\(golden.lastPathComponent) is out of date; re-record with WARDEN_RECORD=1")
            }
        }
        let registrySource = """
            // Written by the golden test (WARDEN_RECORD=1): every compiled pack of this target.
            import RuleRuntime

            let compiledPacks: [String: RuleSet] = [
            \(registry.map { "    \"\($0.0)\": \($0.1).ruleSet," }.joined(separator: "\n"))
            ]

            """
        let registryURL = Repository.generated.appendingPathComponent("AllPacks.swift")
        if Repository.recording {
            try Data(registrySource.utf8).write(to: registryURL)
        } else {
            #expect(try String(contentsOf: registryURL, encoding: .utf8) == registrySource)
        }
    }
}

@Suite("Compiled rules agree with the interpreter")
struct DifferentialTests {
    /// Runs both rule sets on `window` and compares verdicts, stages, rules,
    /// evidence and inconclusive rules, plus every rule's outcome and evidence.
    /// The third path: the interpreter without the prefilter (every line test run by PCRE2 or the
    /// byte comparison, line by line); both backends run with the prefilter.
    static func compare(_ compiled: RuleSet, _ interpreted: RuleSet, on window: Window, label: String) {
        let a = DetectionEngine(rules: compiled, fallback: nil), b = DetectionEngine(rules: interpreted, fallback: nil)
        let paths = [("compiled", a, a.makeContext()), ("interpreted", b, b.makeContext()),
                     ("interpreted without prefilter", b, b.makeContext(prefiltered: false))]
        let reference = paths[2]
        for (name, engine, context) in paths.prefix(2) {
            #expect(engine.detect(window, in: context) == reference.1.detect(window, in: reference.2), "\(label): \(name)")
            #expect(engine.outcomes(window, in: context) == reference.1.outcomes(window, in: reference.2), "\(label): \(name)")
            for (rule, referenceRule) in zip(engine.rules.rules, reference.1.rules.rules) {
                context.reset(to: window)
                reference.2.reset(to: window)
                let evidence = try? rule.evidence(in: context), expected = try? referenceRule.evidence(in: reference.2)
                #expect(evidence == expected, "\(label) rule \(rule.metadata.name): \(name)")
            }
        }
    }

    @Test("Every committed pack is compiled into this target")
    func registry() throws {
        let names = try Repository.compiledPackFiles.map { try Repository.check($0).name }
        #expect(Set(compiledPacks.keys) == Set(names))
    }

    @Test("Pack tests and dataset samples: identical verdicts and evidence")
    func examplesAndSamples() throws {
        let bgl = try windows(Repository.root.appendingPathComponent("Samples/BGL_2k/BGL_2k.log").path, format: .bgl, policy: .codeAD)
        let hdfs = try windows(Repository.root.appendingPathComponent("Samples/HDFS_20k_head/HDFS_20000.log").path, format: .hdfs,
                               policy: .count(size: 20, step: 20)).prefix(200)
        let sessions = try windows(Repository.root.appendingPathComponent("Samples/HDFS_2pct_dev/HDFS_2pct_dev.log.gz").path, format: .hdfs,
                                   policy: .session(key: try Pattern(bytes: Array(#"blk_-?\d+"#.utf8)), idleMilliseconds: nil, maximumLines: 10_000))
            .prefix(400)
        for url in Repository.packs(in: "Grammar/Examples") + Repository.packs(in: "GeneratedRules/Packs") {
            let pack = try Repository.check(url)
            let compiled = try #require(compiledPacks[pack.name])
            let interpreted = Interpreter.ruleSet(for: pack)
            for (index, test) in pack.tests.enumerated() {
                Self.compare(compiled, interpreted, on: Window(id: index, texts: test.lines), label: "\(pack.name) test \(test.name)")
            }
            for window in bgl + hdfs + sessions { Self.compare(compiled, interpreted, on: window, label: "\(pack.name) window \(window.id)") }
        }
    }

    @Test("Every builtin example holds, interpreted and compiled")
    func builtinExamples() throws {
        let pack = try Repository.check(Repository.builtinExamples)
        let compiled = try #require(compiledPacks[pack.name])
        let interpreted = Interpreter.ruleSet(for: pack)
        let contexts = [("compiled", compiled, EvaluationContext(lineTests: compiled.lineTests)),
                        ("interpreted", interpreted, EvaluationContext(lineTests: interpreted.lineTests))]
        var checked = 0
        for definition in BuiltinDefinition.all {
            #expect(!definition.examples.isEmpty, "\(definition.name) has no example")
            for (offset, example) in definition.examples.enumerated() {
                let name = BuiltinReference.exampleRuleName(definition.builtin, offset)
                let window = Window(texts: example.lines)
                for (backend, rules, context) in contexts {
                    let rule = try #require(rules.rules.first { $0.metadata.name == name }, "\(name) is not in the pack")
                    context.reset(to: window)
                    #expect(try rule.holds(in: context), "\(backend): \(example.condition) does not hold")
                }
                checked += 1
            }
        }
        #expect(checked == pack.rules.count)
    }

    @Test("Seeded random packs on seeded random windows: identical verdicts and evidence")
    func randomized() throws {
        var generator = RandomPrograms(seed: 99)
        let windows = (0..<150).map { Window(id: $0, texts: generator.window()) }
        var held = 0
        for url in Repository.packs(in: "Tests/CodegenTests/RandomPacks") {
            let pack = try Repository.check(url)
            let compiled = try #require(compiledPacks[pack.name])
            let interpreted = Interpreter.ruleSet(for: pack)
            let engine = DetectionEngine(rules: interpreted, fallback: nil)
            for window in windows {
                Self.compare(compiled, interpreted, on: window, label: "\(pack.name) window \(window.id)")
                held += engine.outcomes(window, in: engine.makeContext()).filter { $0 == .held }.count
            }
        }
        // The programs are not trivially false: many rules hold on some windows.
        #expect(held > 200)
    }

    private func windows(_ path: String, format: LogFormat, policy: WindowPolicy) throws -> [Window] {
        let reader = try LogReader(path: path, decoder: LineDecoder(format: format))
        var windower = Windower(policy: policy)
        var windows: [Window] = []
        try reader.forEach { record in
            _ = windower.add(record.message, number: record.number, timestamp: record.timestamp) { windows.append($0) }
        }
        windower.finish { windows.append($0) }
        return windows
    }
}

@Suite("Generation scales")
struct GenerationScalingTests {
    /// A pack of `rules` rules, each testing a literal of its own (the shape the
    /// translator once deduplicated by linear search: 20,000 rules took 36 s).
    static func pack(rules: Int) -> SourceFile {
        var text = "pack generated version \"1.0.0\"\n"
        for index in 0..<rules { text += "\nabnormal rule r\(index) {\n    any line in window: line contains \"error \(index)\"\n}\n" }
        return SourceFile(path: "generated.warden", text: text)
    }

    /// Check, lower and generate: where the rules' line tests are numbered and written.
    static func seconds(_ rules: Int) throws -> Double {
        let file = Self.pack(rules: rules)
        let clock = ContinuousClock(), start = clock.now
        _ = CodeGenerator.swiftSource(for: try Frontend.pack(file), sourcePath: "generated.warden")
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Linear generation takes about 8× as long for 8× the rules; quadratic, 64×.
    /// The bound between them is generous, and the best of three runs is compared.
    @Test("Checking and generating Swift are linear in the number of rules (a scaling check, not a time limit)")
    func linearInRules() throws {
        let small = try (0..<3).map { _ in try Self.seconds(500) }.min()!
        let large = try (0..<3).map { _ in try Self.seconds(4_000) }.min()!
        #expect(large / max(small, 1e-6) < 20, "500 rules \(small) s, 4,000 rules \(large) s")
    }
}
