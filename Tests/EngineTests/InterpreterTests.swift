import Foundation
import RuleInterpreter
import RuleRuntime
import Testing
import TestSupport

/// One condition evaluated on a window, with the expected result and evidence.
struct SemanticsCase: CustomTestStringConvertible, Sendable {
    let condition: String
    var lets: [String] = []
    let lines: [String]
    let holds: Bool
    var evidence: [Int]? = nil

    var testDescription: String { condition }
}

@Suite("Interpreter semantics")
struct InterpreterTests {
    static let window = ["alpha error 12", "beta ok 7", "gamma error 30", "delta warn 5"]

    static let cases: [SemanticsCase] = [
        // Quantifiers and evidence.
        .init(condition: #"any line in window: line contains "error""#, lines: window, holds: true, evidence: [1, 3]),
        .init(condition: #"all line in window: line matches /\d+$/"#, lines: window, holds: true, evidence: [1, 2, 3, 4]),
        .init(condition: #"not (all line in window: line contains "ok")"#, lines: window, holds: true, evidence: [1, 3, 4]),
        .init(condition: #"not (any line in window: line contains "fatal")"#, lines: window, holds: true, evidence: [1, 2, 3, 4]),
        .init(condition: #"(count line in window where line contains "error") == 2"#, lines: window, holds: true, evidence: [1, 3]),
        .init(condition: #"count(filter line in window where line startswith "beta") == 1"#, lines: window, holds: true, evidence: [2]),
        .init(condition: #"(first line in window where line endswith "30").index == 2"#, lines: window, holds: true, evidence: [3]),
        .init(condition: #"(first line in window where line contains "nope").index == -1"#, lines: window, holds: true),
        .init(condition: #"(first line in window where line contains "nope").text == """#, lines: window, holds: true),
        .init(condition: "all line in window: false", lines: [], holds: true),
        .init(condition: "any line in window: true", lines: [], holds: false),
        .init(condition: "count(window) >= 4", lines: window, holds: true, evidence: [1, 2, 3, 4]),
        // Aggregates and numbers.
        .init(condition: #"sum(numbers(window, /(\d+)$/)) == 54.0"#, lines: window, holds: true),
        .init(condition: #"max(numbers(window, /(\d+)$/)) == 30.0 and min(numbers(window, /(\d+)$/)) == 5.0"#, lines: window, holds: true),
        .init(condition: #"mean(numbers(window, /(\d+)$/)) == 13.5"#, lines: window, holds: true),
        .init(condition: #"percentile(numbers(window, /(\d+)$/), 50) == 7.0"#, lines: window, holds: true),
        .init(condition: #"percentile(numbers(window, /(\d+)$/), 0) == 5.0"#, lines: window, holds: true),
        .init(condition: #"percentile(numbers(window, /nothing(\d)/), 95) == 0.0"#, lines: window, holds: true),
        .init(condition: "sum([1, 2, 3]) == 6 and mean([1, 2]) == 1.5 and max(numbers(window, /x(\\d)/)) == 0.0", lines: [], holds: true),
        .init(condition: #"count(numbers(window, /(\w+) /)) == 0"#, lines: window, holds: true),
        // Arithmetic edge cases.
        .init(condition: "7 / 2 == 3.5 and 1 / 0 == 0.0 and 7 % 0 == 0 and div(7, 0) == 0", lines: [], holds: true),
        .init(condition: "div(-7, 2) == -4 and -7 % 2 == -1 and abs(-3) == 3", lines: [], holds: true),
        .init(condition: "9223372036854775807 + 1 < 0", lines: [], holds: true),
        .init(condition: "1500ms + 1s == 2500ms and 2m > 90s and -(5s) < 0s", lines: [], holds: true),
        .init(condition: "2 + 0.5 == 2.5 and 3 in [1.0, 3.0]", lines: [], holds: true),
        // Text.
        .init(condition: #"lower("ÄB") == "äb" and upper("ab") == "AB" and length("héllo") == 5"#, lines: [], holds: true),
        .init(condition: #"int(" 42 ") == 42 and int("4x") == 0 and float("2.5") == 2.5 and float("nan") == 0.0"#, lines: [], holds: true),
        .init(condition: "int(2.9) == 2 and int(-2.9) == -2 and float(3) == 3.0", lines: [], holds: true),
        .init(condition: #""abc" < "abd" and "b" > "abc" and "x" + "y" == "xy""#, lines: [], holds: true),
        .init(condition: #"capture("user=bob id=7", /user=(\w+)/) == "bob" and capture("none", /user=(\w+)/) == """#, lines: [], holds: true),
        .init(condition: #"capture("k=v", /(?<key>\w)=(?<value>\w)/, group: "value") == "v""#, lines: [], holds: true),
        .init(condition: #"any line in window: capture(line, /^(\w+)/) == "gamma""#, lines: window, holds: true, evidence: [3]),
        .init(condition: #"any line in window: line.text matches [/zzz/, /warn/]"#, lines: window, holds: true, evidence: [4]),
        .init(condition: #"any line in window: line matches known"#, lets: ["let known = [/^beta/, /^delta/]"], lines: window, holds: true, evidence: [2, 4]),
        .init(condition: #"count(distinct(captures(window, /(error|ok|warn)/))) == 3"#, lines: window, holds: true),
        .init(condition: #"count(distinct([3, 1, 3, 2, 1])) == 3"#, lines: [], holds: true),
        .init(condition: #"any line in window: lower(line) contains "error" and line.number == 3"#, lines: window, holds: true, evidence: [3]),
        .init(condition: #""err" in captures(window, /(err)or/)"#, lines: window, holds: true),
        // Sequences and pairing.
        .init(condition: #"sequence(window, /alpha/, /gamma/, /delta/)"#, lines: window, holds: true, evidence: [1, 3, 4]),
        .init(condition: #"sequence(window, /gamma/, /alpha/)"#, lines: window, holds: false),
        .init(condition: #"sequence(window, /alpha/, /alpha/)"#, lines: window, holds: false),
        .init(condition: #"count(unpaired(window, /start (\d+)/, /end (\d+)/)) == 1"#,
              lines: ["start 1", "start 2", "end 1", "end 2", "start 3", "end 9"], holds: true, evidence: [5]),
        .init(condition: #"count(unpaired(window, /start (\d+)/, /end (\d+)/)) == 0"#,
              lines: ["end 1", "start 1"], holds: false),
        .init(condition: "span(window) == 0s", lines: window, holds: true),
        // Bindings are computed once and shared.
        .init(condition: "errors > 1 and errors < 3", lets: [#"let errors = count line in window where line contains "error""#],
              lines: window, holds: true, evidence: [1, 3]),
        .init(condition: "any e in errs: e.index == 2", lets: [#"let errs = filter line in window where line contains "error""#],
              lines: window, holds: true, evidence: [1, 3]),
        // Nested quantifiers see their own variables.
        .init(condition: #"any a in window: any b in window: a.index < b.index and capture(a, /(\w+) /) == "alpha" and b contains "warn""#,
              lines: window, holds: true, evidence: [1, 4]),
    ]

    @Test(arguments: cases)
    func condition(_ example: SemanticsCase) throws {
        let (holds, evidence) = try evaluate(rulePack(example.condition, lets: example.lets), on: example.lines)
        #expect(holds == example.holds)
        if let expected = example.evidence { #expect(evidence == expected) }
    }

    @Test("Packs run together keep their own regexes: a regex binding in the second pack tests that pack's regex")
    func packsTogether() throws {
        let first = try checkedPack("""
            pack a version "1.0.0"
            abnormal rule first { any line in window: line matches /alpha/ }
            """)
        let second = try checkedPack("""
            pack b version "1.0.0"
            abnormal rule second {
                let pattern = /omega/
                let numbered = filter l in window where l.number > 0
                any line in numbered: line matches pattern
            }
            abnormal rule listed { any line in window: (line contains "z") or line matches [/omega/] }
            """)
        let rules = Interpreter.ruleSet(for: [first, second], name: "both", version: "1.0.0")
        for prefiltered in [false, true] {
            let engine = DetectionEngine(rules: rules, fallback: nil)
            let context = engine.makeContext(prefiltered: prefiltered)
            #expect(engine.outcomes(Window(texts: ["omega"]), in: context) == [.failed, .held, .held])
            #expect(engine.outcomes(Window(texts: ["alpha"]), in: context) == [.held, .failed, .failed])
        }
    }

    @Test("Identical line tests across rules share one memo slot")
    func sharedLineTests() throws {
        let rules = try ruleSet("""
            pack t version "1.0.0"
            abnormal rule a { any line in window: line contains "x" or line matches /y+/ }
            abnormal rule b { (count line in window where line contains "x" and line matches /y+/) > 0 }
            normal rule c { any line in window: line contains "x" }
            """)
        // One regex and one literal, whatever the number of rules using them.
        #expect(rules.lineTests.count == 2)
    }

    @Test("Rules whose triggers the scan ruled out are skipped; a regex the scan leaves open on a non-ASCII line is not")
    func ruleSelection() throws {
        let rules = try ruleSet("""
            pack t version "1.0.0"
            normal rule quiet { all line in window: line matches /^ok/ }
            abnormal rule cafe { any line in window: line matches /caf.$/ }
            abnormal rule template { any line in window: line matches /^\\S+ FATAL \\S+$/i }
            abnormal rule both { any line in window: line contains "x" and line matches /y+/ }
            """)
        let engine = DetectionEngine(rules: rules, fallback: nil)
        let windows: [[String]] = [
            ["ok", "ok then"], ["café"], ["ok", "n fatal X"], ["xyz"], ["x", "y"], ["ok", "caf"], [],
        ]
        for texts in windows {
            let window = Window(texts: texts)
            let expected = engine.detect(window, in: engine.makeContext(prefiltered: false))
            #expect(engine.detect(window, in: engine.makeContext()) == expected, "\(texts)")
        }
        // The scan reads bytes: `.` does not take the two bytes of `é`, so only PCRE2 finds this match.
        let cafe = engine.detect(Window(texts: ["café"]), in: engine.makeContext())
        #expect(cafe.verdict == .abnormal && cafe.rule == "cafe")
        let template = engine.detect(Window(texts: ["ok", "n fatal X"]), in: engine.makeContext())
        #expect(template.verdict == .abnormal && template.rule == "template")
        // An empty window: `all` holds with no line to trigger it.
        #expect(engine.detect(Window(texts: []), in: engine.makeContext()).verdict == .normal)
    }

    @Test("A regex that hits a PCRE2 limit makes the rule inconclusive, never false")
    func inconclusiveRule() throws {
        let rules = try ruleSet("""
            pack t version "1.0.0"
            abnormal rule catastrophic { any line in window: line matches /^(a+)+$/ }
            abnormal rule plain { any line in window: line contains "a" }
            """)
        let engine = DetectionEngine(rules: rules, fallback: nil)
        let line = String(repeating: "a", count: 5000) + "b"
        let detection = engine.detect(Window(texts: [line]), in: engine.makeContext(prefiltered: false))
        #expect(detection.inconclusive == ["catastrophic"])
        #expect(detection.verdict == .abnormal)
        #expect(detection.rule == "plain")
        // The prefilter's automaton decides the same regex exactly, with no backtracking limit to reach.
        let prefiltered = engine.detect(Window(texts: [line]), in: engine.makeContext())
        #expect(prefiltered.inconclusive.isEmpty)
        #expect(prefiltered.verdict == .abnormal && prefiltered.rule == "plain")
    }

    @Test("Engine order: normal rules first, then abnormal rules, then the fallback")
    func engineOrder() throws {
        let rules = try ruleSet("""
            pack t version "1.0.0"
            abnormal rule bad { any line in window: line contains "error" }
            normal rule fine { any line in window: line contains "heartbeat" }
            """)
        let engine = DetectionEngine(rules: rules, fallback: nil)
        let context = engine.makeContext()
        let both = engine.detect(Window(texts: ["heartbeat", "error"]), in: context)
        #expect(both.verdict == .normal && both.stage == .normalRules && both.rule == "fine")
        let bad = engine.detect(Window(texts: ["x", "error"]), in: context)
        #expect(bad.verdict == .abnormal && bad.stage == .abnormalRules && bad.evidence == [1])
        let neither = engine.detect(Window(texts: ["x"]), in: context)
        #expect(neither.verdict == .undecided && neither.stage == .fallback)
        let defaulted = DetectionEngine(rules: rules).detect(Window(texts: ["x"]), in: context)
        #expect(defaulted.verdict == .normal && defaulted.stage == .fallback)
    }

    @Test("Every test inside the example and demonstration packs passes")
    func packTests() throws {
        let folders = ["Grammar/Examples", "GeneratedRules/Packs"]
        var count = 0
        for folder in folders {
            let directory = Repository.root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".warden") {
                let pack = try checkedPack(atPath: directory.appendingPathComponent(name).path)
                for result in PackTestRunner.run(pack) {
                    count += 1
                    #expect(result.passed, "\(name): \(result.test.name): \(result.failures)")
                }
            }
        }
        #expect(count >= 15)
    }

    @Test("A failing pack test explains itself")
    func failingPackTest() throws {
        let pack = try checkedPack("""
            pack t version "1.0.0"
            abnormal rule bad { any line in window: line contains "error" }
            test "wrong verdict" expect normal { "error" }
            test "wrong evidence" expect abnormal evidence [1] { "ok" "error" }
            """)
        let results = PackTestRunner.run(pack)
        #expect(results[0].failures == ["expected normal, got abnormal (decided by rule `bad`)"])
        #expect(results[1].failures == ["expected evidence [1], got [2]"])
    }
}
