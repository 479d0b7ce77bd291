import ArgumentParser
import Foundation
import RuleLanguage
import RuleLint

/// Measures `warden lint` on a generated pack of N rules with a test for every
/// fifth rule, against checking alone (data-aware lints excluded: they need a sample).
struct LintBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Time to lint a generated pack of N rules (target: 200 rules in under 0.5 s), against checking it."
    )

    @Option(help: "Number of rules in the generated pack.")
    var rules: Int = 200

    @Option(help: "Number of timed runs (the median is reported).")
    var runs: Int = 9

    func run() {
        var text = CheckBenchmark.pack(rules: rules)
        for index in stride(from: 0, to: rules, by: 5) {
            text += "\ntest \"rule \(index)\" expect abnormal {\n    \"component\(index) error code=7\"\n}\n"
        }
        let file = SourceFile(path: "generated.warden", text: text)
        let linter = Linter()
        var checkTimes: [Double] = [], lintTimes: [Double] = []
        var findings = 0
        for _ in 0..<runs {
            checkTimes.append(Self.milliseconds { _ = Frontend.check(file) })
            lintTimes.append(Self.milliseconds { findings = linter.lint(file).findings.count })
        }
        checkTimes.sort()
        lintTimes.sort()
        let check = checkTimes[runs / 2], lint = lintTimes[runs / 2]
        print("linted \(rules) rules and \(rules / 5) tests (\(text.utf8.count) bytes): \(findings) findings")
        print(String(format: "lint median %.1f ms (min %.1f, max %.1f) over %d runs; check alone %.1f ms; lint / check %.1fx",
                     lint, lintTimes[0], lintTimes[runs - 1], runs, check, lint / check))
    }

    private static func milliseconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        body()
        let elapsed = clock.now - start
        return elapsed.seconds * 1000
    }
}
