import RuleLanguage
import RuleRuntime

/// The outcome of one `test` block of a pack.
public struct PackTestResult: Sendable {
    public let test: CheckedTest
    public let detection: Detection
    /// 1-based evidence positions the engine produced.
    public var actualEvidence: [Int] { detection.evidence.map { $0 + 1 } }

    /// Why the test failed, one line per mismatch; empty when it passed.
    public var failures: [String] {
        var failures: [String] = []
        let actual = detection.verdict.rawValue
        if actual != test.expected.rawValue {
            var line = "expected \(test.expected.rawValue), got \(actual)"
            if let rule = detection.rule { line += " (decided by rule `\(rule)`)" }
            failures.append(line)
        }
        if let expected = test.evidence, detection.verdict == .abnormal, expected != actualEvidence {
            failures.append("expected evidence \(expected), got \(actualEvidence)")
        }
        if !detection.inconclusive.isEmpty {
            failures.append("inconclusive rules (a regex hit a PCRE2 limit): \(detection.inconclusive.joined(separator: ", "))")
        }
        return failures
    }

    public var passed: Bool { failures.isEmpty }
}

/// Runs the tests inside a pack: each test's lines form one window, judged by
/// normal rules then abnormal rules with no fallback (so `undecided` is visible).
public enum PackTestRunner {
    public static func run(_ pack: CheckedPack) -> [PackTestResult] {
        let engine = DetectionEngine(rules: Interpreter.ruleSet(for: pack), fallback: nil)
        let context = engine.makeContext()
        return pack.tests.enumerated().map { index, test in
            let window = Window(id: index, texts: test.lines)
            return PackTestResult(test: test, detection: engine.detect(window, in: context))
        }
    }
}
