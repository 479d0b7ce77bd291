import Foundation
import PCRE2
@testable import RuleRuntime
import Testing

/// The multi-pattern prefilter answers every line test exactly as PCRE2 (or the
/// byte comparison) does, whatever role it gives the test.
@Suite("Prefilter")
struct PrefilterTests {
    /// Patterns across the constructs the rewrite handles, approximates or refuses.
    static let patterns: [(pattern: String, flags: String)] = [
        ("KERNEL FATAL", ""), (#"\b(INFO|WARNING)\b"#, ""), ("error", "i"), (#"(?i)Error"#, ""), (#"(?i:err)or"#, ""),
        (#"[^ ]+$"#, ""), (#"^\S+ \S+$"#, ""), (#"a\s+b"#, ""), (#"\W\w"#, ""), (#"\D{2}"#, ""), (#"[^\s]x"#, ""), (#"[^\W]x"#, ""),
        ("^start", ""), ("end$", ""), (#"\Astart"#, ""), (#"end\z"#, ""), (#"end\Z"#, ""), ("^$", ""), ("^", ""), ("x*", ""),
        ("a.c", ""), ("a.c", "s"), ("^a", "m"), (#"\Na"#, ""), (#"(?<word>ab)c"#, ""), (#"(?P<w>ab)c"#, ""), (#"(?'w'ab)c"#, ""),
        ("foo(?=bar)", ""), ("foo(?!bar)", ""), ("(?<=x)foo", ""), ("(?<!x)foo", ""), (#"(\w+) \1"#, ""), ("a++b", ""),
        ("(?>a+)b", ""), (#"\p{Lu}"#, ""), (#"\P{L}x"#, ""), ("é", ""), ("caf.", ""), (#"\x41\x{42}"#, ""), (#"[\x00-\x7f]z"#, ""),
        ("[[:space:]]y", ""), ("[[:alpha:]]+9", ""), ("[^[:alpha:]]9", ""), ("a{2,5}", ""), (#"\Qa.b\E"#, ""), ("a b", "x"),
        (#"\d+\.\d+"#, ""), ("[]a]", ""), ("[^]a]b", ""), (#"[a\-z]"#, ""), (#"\t"#, ""), (#"\x0a"#, ""), (#"\n"#, ""),
        (#"\bé"#, ""), ("(?s).x", ""), (#"\h+"#, ""), (#"\H\H"#, ""), (#"\v"#, ""), (#"[\s]z"#, ""), ("ERROR", "i"),
        // Word-bounded literals, scanned as literals with their boundaries checked on the bytes.
        (#"\bERROR\b"#, "i"), (#"\b(?:foo|bar_baz)\b"#, ""), (#"\bab"#, ""), (#"ab\b"#, ""), (#"\b(a\.b|x-y|9)\b"#, ""),
        (#"\bINFO|WARNING\b"#, ""), (#"\b(INFO)\b"#, ""), (#"\bINFO\\b"#, ""),
    ]

    /// Subjects: ASCII, UTF-8, invalid UTF-8, empty, control characters.
    static let lines: [[UInt8]] = [
        "KERNEL FATAL data TLB error interrupt", "RAS KERNEL INFO instruction cache", "an ERROR and an Error", "start middle end",
        "", "ab abc aab aaab", "foobar foobaz xfoo", "word word twice", "a  b", "a\tb\u{0B}c", "café au lait", "CAFÉ", "日本語 x9",
        "x y z 9", "a.b a+b AB", "end", "start", "lowercase words then x", "\r", "tab\there", "]a ]b -", "aaaab", "1.25 ms", "Ümlaut Lu", "y y",
        "INFO", "xINFO INFO_ WARNINGS", "-INFO-", "error_ERROR", "foo bar_baz", "xfoo cab abc", "a.bc 9x x-y", "éINFO", "INFOé", "INFO\\b",
    ].map { Array($0.utf8) } + [[0xFF, 0x61, 0x62], [0x63, 0x61, 0x66, 0xC3], [0xC3, 0x28, 0x20, 0x79], [0x61, 0x00, 0x62]]

    private static func window(_ lines: [[UInt8]]) -> Window {
        var window = Window()
        for (index, line) in lines.enumerated() { window.append(line, number: index + 1, timestamp: Window.noTimestamp) }
        return window
    }

    @Test("Every pattern answers every line exactly as PCRE2 does, in one pack")
    func patternTable() throws {
        let tests = Self.patterns.map { LineTest.regex($0.pattern, flags: $0.flags) }
            + [.contains(Array("FATAL".utf8)), .startsWith(Array("start".utf8)), .endsWith(Array("end".utf8)),
               .contains(Array("é".utf8)), .contains([0xFF]), .contains(Array("a\nb".utf8))]
        let prefilter = Prefilter(lineTests: tests)
        #expect(prefilter.stages.count == 1 && prefilter.stages[0].database != nil)
        // The same tests in three stages, each scanned for when first asked about, asked in an order
        // that starts in the last stage and goes back and forth.
        let staged = Prefilter(lineTests: tests, stageOfTest: tests.indices.map { $0 % 3 })
        #expect(staged.stages.count == 3 && staged.roles == prefilter.roles)
        let order = tests.indices.filter { $0 % 3 == 2 } + tests.indices.filter { $0 % 3 != 2 }
        let plain = EvaluationContext(lineTests: tests)
        let window = Self.window(Self.lines)
        for (context, tests, label) in [(EvaluationContext(lineTests: tests, prefilter: prefilter), Array(tests.indices), ""),
                                        (EvaluationContext(lineTests: tests, prefilter: staged), order, ", in stages")] {
            for (lines, lineLabel) in [(window, "all lines"), (Self.window(Array(Self.lines.prefix(9))), "ASCII lines")] {
                context.reset(to: lines)
                plain.reset(to: lines)
                for test in tests {
                    for line in 0..<lines.count {
                        let expected = try plain.line(line, passes: test)
                        #expect(try context.line(line, passes: test) == expected,
                                "\(lineLabel)\(label): test \(test) (\(prefilter.roles[test])) on line \(line): \(lines.text(line))")
                    }
                }
                // Bitwise answers agree too, asked for in a fresh window.
                context.reset(to: lines)
                for test in tests.reversed() {
                    var expected: UInt64 = 0
                    for line in 0..<min(64, lines.count) where try plain.line(line, passes: test) { expected |= 1 << UInt64(line) }
                    #expect(try context.answers(test, word: 0) == expected, "\(lineLabel)\(label): bits of test \(test)")
                }
            }
        }
        // The rewrite takes most patterns; the others say why.
        let exact = prefilter.roles.filter { $0 == .exact }.count
        #expect(exact >= tests.count / 2)
        for role in prefilter.roles where role != .exact { #expect(role.reason?.isEmpty == false) }
    }

    @Test("Windows viewing lines they share with other windows read and scan as windows of their own")
    func sharedLineViews() throws {
        // Every line followed by its newline, one after another, as a chunk of a file holds them.
        var bytes: [UInt8] = []
        var records: [Window.Line] = []
        for (index, line) in Self.lines.enumerated() {
            bytes += line + [0x0A]
            records.append(Window.Line(end: bytes.count, number: 100 + index, timestamp: Int64(index)))
        }
        final class Owner: @unchecked Sendable {  // its bytes are written once, before any window reads them
            let bytes: UnsafeMutableBufferPointer<UInt8>
            init(_ source: [UInt8]) {
                bytes = .allocate(capacity: source.count)
                _ = bytes.initialize(from: source)
            }
            deinit { bytes.deallocate() }
        }
        let owner = Owner(bytes)
        let shared = SharedLines(bytes: UnsafeBufferPointer(owner.bytes), owner: owner, lines: records)
        let tests = Self.patterns.map { LineTest.regex($0.pattern, flags: $0.flags) } + [.contains(Array("INFO".utf8)), .endsWith(Array("b".utf8))]
        let prefilter = Prefilter(lineTests: tests, stageOfTest: tests.indices.map { $0 % 2 }, cache: nil)
        let scanned = EvaluationContext(lineTests: tests, prefilter: prefilter)
        let plain = EvaluationContext(lineTests: tests)
        for range in [0..<5, 3..<20, 20..<Self.lines.count, 7..<8, 0..<Self.lines.count, 4..<4] {
            let view = Window(id: 1, lines: range, of: shared)
            var owned = Window(id: 1)
            for index in range { owned.append(Self.lines[index], number: 100 + index, timestamp: Int64(index)) }
            #expect(view.count == owned.count && view.bytes == owned.bytes && view.byteCount == owned.byteCount)
            #expect(view.numbers == owned.numbers && view.timestamps == owned.timestamps && view.lineNumbers == owned.lineNumbers)
            for line in 0..<view.count {
                #expect(view.range(of: line) == owned.range(of: line) && view.text(line) == owned.text(line))
            }
            scanned.reset(to: view)
            plain.reset(to: owned)
            for test in tests.indices {
                for line in 0..<view.count {
                    #expect(try scanned.line(line, passes: test) == plain.line(line, passes: test), "\(range): test \(test) on line \(line)")
                }
            }
            // Appending to a view copies its lines out; the shared lines and the other views stay as they were.
            var grown = view
            grown.append(Array("added".utf8), number: 1, timestamp: 0)
            #expect(grown.count == view.count + 1 && grown.bytes == view.bytes + Array("added\n".utf8))
            #expect(Window(id: 0, lines: 0..<shared.count, of: shared).bytes == bytes)
        }
    }

    @Test("A window a normal rule decides is never scanned for the tests only abnormal rules ask about")
    func stages() throws {
        let rules = try ruleSet(#"""
            pack t version "1.0.0"
            normal rule routine { all line in window: line matches /\b(INFO|WARNING)\b/ }
            normal rule quiet {
                let known = [/^heartbeat \S+$/, /^ok/]
                (count line in window where line matches known and not (line contains "late")) > 1
            }
            abnormal rule fatal { any line in window: line matches /FATAL/ or line matches /^ok/ }
            abnormal rule template { any line in window: line matches /^\S+ failed on \S+$/ }
            abnormal rule late { any line in window: line contains "late" and line endswith "!" }
            """#)
        // Regexes first, then literals: the normal rules ask about tests 0, 1, 2 and "late".
        #expect(rules.stageOfTest == [0, 0, 0, 1, 1, 0, 1])
        let engine = DetectionEngine(rules: rules, fallback: nil)
        let windows: [([String], stages: UInt32)] = [
            (["a INFO b", "WARNING"], 0b01),                      // routine: normal after the first stage
            (["heartbeat 1", "ok", "INFO"], 0b01),                // quiet
            (["heartbeat 1", "ok late"], 0b11),                   // abnormal: fatal (/^ok/ is a first-stage test)
            (["n failed on x", "INFO"], 0b11),                    // abnormal: template
            (["INFO late!", "x"], 0b11),                          // abnormal: late
            (["café INFO", "WARNING é"], 0b01),                   // not ASCII: PCRE2 answers the regexes
            (["nothing"], 0b11),                                  // undecided
        ]
        let context = engine.makeContext()
        for (texts, stages) in windows {
            let window = Window(texts: texts)
            let expected = engine.detect(window, in: engine.makeContext(prefiltered: false))
            #expect(engine.detect(window, in: context) == expected, "\(texts)")
            #expect(context.scannedStages == stages, "\(texts)")
        }
        // A normal rule that does not say which tests it asks about keeps every test in the first stage.
        struct Opaque: WindowRule {
            var metadata: RuleMetadata { RuleMetadata(name: "opaque", kind: .normal) }
            func holds(in context: EvaluationContext) throws(RuleFailure) -> Bool { try context.line(0, passes: 1) }
        }
        let opaque = RuleSet(name: "o", version: "1", lineTests: rules.lineTests, rules: [Opaque()] + rules.abnormalRules)
        #expect(opaque.stageOfTest.allSatisfy { $0 == 0 } && opaque.prefilter.stages.count == 1)
    }

    @Test("Word-bounded literal regexes are scanned as their literals; other shapes are not split")
    func wordLiterals() throws {
        func split(_ pattern: String) -> [String]? {
            WordLiteral.split(Array(pattern.utf8)).map { $0.literals.map { String(decoding: $0, as: UTF8.self) } }
        }
        #expect(split(#"\b(INFO|WARNING)\b"#) == ["INFO", "WARNING"])
        #expect(split(#"\b(?:a\.b|x-y)\b"#) == ["a.b", "x-y"])
        #expect(split(#"\bERROR"#) == ["ERROR"])
        #expect(split(#"ERROR\b"#) == ["ERROR"])
        #expect(split(#"\bINFO|WARNING\b"#) == nil)   // `\bINFO` or `WARNING\b`
        #expect(split(#"\b(INFO|-x)\b"#) == nil)      // a boundary before `-` is not a word start
        #expect(split(#"\b(\d|x)\b"#) == nil)
        #expect(split(#"\b(a|b)+\b"#) == nil)
        #expect(split(#"\bINFO\\b"#) == [#"INFO\b"#])  // an escaped backslash, then b: a boundary before only
        #expect(split("INFO") == nil)
        #expect(split(#"\b(?<n>INFO)\b"#) == nil)
        let prefilter = Prefilter(lineTests: [.regex(#"\b(INFO|WARNING)\b"#, flags: ""), .regex("x", flags: ""), .regex(#"\bERROR\b"#, flags: "i")], cache: nil)
        #expect(prefilter.wordLiterals.map(\.test) == [0, 0, 2])
        #expect(prefilter.roles == [.exact, .exact, .exact])
    }

    @Test("Roles: exact, approximated by Vectorscan, or PCRE2 with the reason")
    func roles() throws {
        func role(_ pattern: String, _ flags: String = "") -> Prefilter.Role {
            Prefilter(lineTests: [.regex(pattern, flags: flags)]).roles[0]
        }
        #expect(role(#"\b(INFO|WARNING)\b"#) == .exact)
        #expect(role("[^ ]+$") == .exact)
        #expect(role("error", "i") == .exact)
        #expect(role("foo(?=bar)").reason?.contains("lookahead") == true)
        #expect(role("(?<!x)foo").reason?.contains("lookbehind") == true)
        #expect(role(#"\p{Lu}"#).reason?.contains("escape") == true)
        #expect(role("é").reason?.contains("non-ASCII") == true)
        #expect(role("a b", "x").reason?.contains("x flag") == true)
        if case .fallback = role("foo(?=bar)") {} else { Issue.record("a lookahead is not in the database") }
    }

    @Test("A pattern Vectorscan cannot compile still matches exactly as PCRE2 does")
    func uncompilable() throws {
        // Vectorscan refuses a bounded repeat this large in both modes; patterns that can match
        // the empty string are kept out of the scan; PCRE2 answers for both.
        let tests: [LineTest] = [.regex("[a-z]{1,65000}x", flags: ""), .regex("x*", flags: ""), .regex("(a|b)?", flags: ""),
                                 .regex("KERNEL", flags: "")]
        let prefilter = Prefilter(lineTests: tests)
        guard case .fallback(let reason) = prefilter.roles[0] else {
            Issue.record("the large repeat should fall back to PCRE2, not \(prefilter.roles[0])")
            return
        }
        #expect(reason.contains("Vectorscan cannot compile it"))
        #expect(prefilter.roles[1].reason?.contains("empty string") == true)
        #expect(prefilter.roles[3] == .exact)
        #expect(prefilter.stages[0].database != nil)
        let context = EvaluationContext(lineTests: tests, prefilter: prefilter)
        let window = Self.window(Self.lines)
        context.reset(to: window)
        for line in 0..<window.count {
            for test in tests.indices {
                let expected = try window.withLine(line) { try tests[test].run($0, scratch: MatchScratch()) }
                #expect(try context.line(line, passes: test) == expected)
            }
        }
    }

    @Test("Windows longer than 64 lines and matches on every line land on their own lines")
    func longWindows() throws {
        let tests: [LineTest] = [.regex(#"n(\d+)7$"#, flags: ""), .contains(Array("line".utf8))]
        let prefilter = Prefilter(lineTests: tests)
        let context = EvaluationContext(lineTests: tests, prefilter: prefilter)
        let window = Window(texts: (0..<300).map { "line n\($0)" })
        context.reset(to: window)
        for line in 0..<300 {
            #expect(try context.line(line, passes: 0) == (line % 10 == 7 && line >= 10))
            #expect(try context.line(line, passes: 1))
        }
    }
}

/// Seeded random regexes over the constructs the rewrite handles, on random lines:
/// the prefiltered answer is PCRE2's for every pattern and line.
@Suite("Prefilter on random regexes")
struct RandomRegexTests {
    struct Generator {
        var random: SeededGenerator

        mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &random)] }

        mutating func atom(depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 2 ? 9 : 12), using: &random) {
            case 0...2: return pick(["a", "b", "c", "x", "0", "7", " ", "-", ".", "E", "\\.", "\\-", "\\/", ":", "="])
            case 3: return pick(["\\d", "\\w", "\\s", "\\S", "\\W", "\\D", "\\h", "\\H", "\\N", "\\t", "\\x41", "\\x{62}"])
            case 4: return "[" + pick(["", "^"]) + (0..<Int.random(in: 1...3, using: &random)).map { _ in
                pick(["a", "b-d", "0-9", "\\d", "\\s", "\\w", " ", "x", "\\-", "[:alpha:]", "[:digit:]", ".", "\\]"])
            }.joined() + "]"
            case 5: return pick(["^", "$", "\\b", "\\B", "\\A", "\\z", "\\Z"])
            case 6: return "." 
            case 7: return pick(["(?i)", "(?i:A)", "(?-i)"])
            case 8: return pick(["[[:space:]]", "[^[:space:]]", "[^ ]", "[^a-z]"])
            case 9: return "(" + sequence(depth: depth + 1) + ")"
            case 10: return "(?:" + sequence(depth: depth + 1) + "|" + sequence(depth: depth + 1) + ")"
            default: return "(?<n\(depth)>" + sequence(depth: depth + 1) + ")"
            }
        }

        mutating func quantified(depth: Int) -> String {
            atom(depth: depth) + pick(["", "", "", "*", "+", "?", "{2}", "{1,3}", "*?", "+?", "{0,2}"])
        }

        mutating func sequence(depth: Int) -> String {
            (0..<Int.random(in: 1...4, using: &random)).map { _ in quantified(depth: depth) }.joined()
        }

        mutating func line() -> [UInt8] {
            let alphabet = Array("abcxAB07 -.:=\t_E".utf8) + [0xC3, 0xA9, 0xFF]
            return (0..<Int.random(in: 0...14, using: &random)).map { _ in pick(alphabet) }
        }
    }

    @Test("300 random regexes on 40 random lines: every answer is PCRE2's")
    func randomRegexes() throws {
        var generator = Generator(random: SeededGenerator(seed: 2026))
        var tests: [LineTest] = []
        while tests.count < 300 {
            let source = generator.sequence(depth: 0)
            let flags = generator.pick(["", "", "i", "m", "s"])
            // Only patterns PCRE2 accepts (as the checker requires).
            guard let pattern = try? Pattern(bytes: Array(source.utf8), options: Pattern.Options(flags: flags)) else { continue }
            tests.append(.matches(pattern))
        }
        var window = Window()
        for number in 1...40 { window.append(generator.line(), number: number, timestamp: Window.noTimestamp) }
        let prefilter = Prefilter(lineTests: tests)
        let prefiltered = EvaluationContext(lineTests: tests, prefilter: prefilter)
        let plain = EvaluationContext(lineTests: tests)
        prefiltered.reset(to: window)
        plain.reset(to: window)
        var disagreements = 0
        for test in tests.indices {
            for line in 0..<window.count {
                // Where PCRE2 gives up (a match limit), the prefilter answers instead: nothing to compare.
                guard let expected = try? plain.line(line, passes: test) else { continue }
                if try prefiltered.line(line, passes: test) != expected {
                    disagreements += 1
                    if disagreements <= 10 {
                        guard case .matches(let pattern) = tests[test] else { continue }
                        Issue.record("/\(String(decoding: pattern.source, as: UTF8.self))/ (\(prefilter.roles[test])) on \(Array(window.text(line).utf8)): PCRE2 says \(expected)")
                    }
                }
            }
        }
        #expect(disagreements == 0)
        // Most random patterns are in the scan, so the comparison exercises the rewrite.
        #expect(prefilter.roles.filter { $0 != .exact }.count < tests.count / 2)
    }
}

/// Compiled databases kept on disk: read back when whole, compiled again and
/// rewritten when not.
@Suite("Prefilter database cache")
struct DatabaseCacheTests {
    static let tests: [LineTest] = [.regex(#"\b(INFO|WARNING)\b"#, flags: ""), .regex("foo(?=bar)", flags: ""),
                                    .regex(#"(\w+) \1"#, flags: ""), .contains(Array("FATAL".utf8))]

    /// Every answer of `prefilter` on the pattern-table lines equals PCRE2's.
    static func answersAgree(_ prefilter: Prefilter) throws {
        let window = Window(texts: ["RAS KERNEL INFO ok", "KERNEL FATAL foobar", "word word", "WARNINGS only", ""])
        let cached = EvaluationContext(lineTests: tests, prefilter: prefilter), plain = EvaluationContext(lineTests: tests)
        cached.reset(to: window)
        plain.reset(to: window)
        for test in tests.indices {
            for line in 0..<window.count { #expect(try cached.line(line, passes: test) == plain.line(line, passes: test)) }
        }
    }

    @Test("A pack compiled once is read back; a damaged file is compiled again and rewritten")
    func cache() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cache-\(UUID().uuidString)/nested").path
        let cache = DatabaseCache(directory: directory)
        let first = Prefilter(lineTests: Self.tests, cache: cache)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.count == 1)
        let file = directory + "/" + files[0]
        let written = try Data(contentsOf: URL(fileURLWithPath: file))

        // A hit reads the file and does not write it again (its old date stays).
        let old = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: file)
        let second = Prefilter(lineTests: Self.tests, cache: cache)
        #expect(second.roles == first.roles)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date == old)
        try Self.answersAgree(second)

        // Damaged: one byte changed, or cut short. Compiled again, same roles, and the file is whole again.
        for damage in [{ (data: inout Data) in data[data.count / 2] ^= 0x55 }, { (data: inout Data) in data = data.prefix(data.count / 3) }] {
            var data = written
            damage(&data)
            try data.write(to: URL(fileURLWithPath: file))
            let recompiled = Prefilter(lineTests: Self.tests, cache: cache)
            #expect(recompiled.roles == first.roles)
            try Self.answersAgree(recompiled)
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == written)
        }

        // A directory that cannot be made only costs the compile.
        #expect(Prefilter(lineTests: Self.tests, cache: DatabaseCache(directory: "/proc/warden-cannot-write-here")).roles == first.roles)
    }
}
