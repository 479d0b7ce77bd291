import ArgumentParser
import Foundation
import Bundles
import RuleInterpreter
import RuleLanguage

/// `warden test`: run the tests inside rule packs.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        _superCommandName: "warden",
        abstract: "Run the tests inside rule packs.",
        discussion: """
            Each `test` block is one window: normal rules run first, then abnormal rules, \
            with no fallback. Exits 1 when a pack fails to check or a test fails. A signed \
            bundle runs the tests of every pack it holds, once verified with --key.
            """
    )

    @Argument(help: "Rule packs (*.warden) or signed bundles.")
    var files: [String]

    @OptionGroup var bundle: BundleKeyOptions

    @Option(help: "Colour human output: auto, always, never.")
    var color: ColorChoice = .auto

    func run() throws {
        var passed = 0, failed = 0, broken = 0
        let colored = color.enabled
        func paint(_ text: String, _ code: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var packs: [(path: String, file: SourceFile)] = []
        for path in files {
            let source = try readSource(path)
            if BundleArchive.looksLikeBundle(source.bytes) {
                let loaded = try bundle.open(path, data: Data(source.bytes))
                packs += loaded.packSources.map { ("\(path):\($0.path)", SourceFile(path: "\(path):\($0.path)", bytes: $0.bytes)) }
            } else {
                packs.append((path, source))
            }
        }
        for (path, source) in packs {
            let result = Frontend.check(source)
            guard let pack = result.pack else {
                broken += 1
                print(HumanRenderer(colored: colored).render(result.diagnosed))
                print("\(paint("error", "31;1")): \(path) does not check; its tests did not run")
                continue
            }
            for outcome in PackTestRunner.run(pack) {
                let location = result.file.location(of: outcome.test.range.start)
                if outcome.passed {
                    passed += 1
                    print("\(paint("pass", "32")) \(path):\(location.line) \"\(outcome.test.name)\"")
                } else {
                    failed += 1
                    print("\(paint("FAIL", "31;1")) \(path):\(location.line) \"\(outcome.test.name)\"")
                    for failure in outcome.failures { print("     \(failure)") }
                    for (offset, line) in outcome.test.lines.enumerated() {
                        let marker = outcome.detection.evidence.contains(offset) ? ">" : " "
                        print("     \(marker) \(offset + 1) | \(line)")
                    }
                }
            }
        }
        print("\(passed) passed, \(failed) failed\(broken > 0 ? ", \(broken) pack\(broken == 1 ? "" : "s") with errors" : "")")
        if failed > 0 || broken > 0 { throw ExitCode(1) }
    }
}
