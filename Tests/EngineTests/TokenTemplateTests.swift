import PCRE2
@testable import RuleRuntime
import Testing

/// Regexes in the shape of a log template are matched by tokens, and answer
/// every line exactly as PCRE2 does.
@Suite("Token templates")
struct TokenTemplateTests {
    private static func template(_ source: String, caseless: Bool = false) -> TokenTemplate? {
        TokenTemplate(source: Array(source.utf8), caseless: caseless)
    }

    @Test("Shapes taken as templates, with their tokens; shapes left to the scan")
    func shapes() {
        let taken: [(String, [String], Bool)] = [
            (#"instruction cache parity error corrected$"#, ["instruction", "cache", "parity", "error", "corrected"], false),
            (#"\S+ double-hummer alignment exceptions$"#, ["*", "double-hummer", "alignment", "exceptions"], false),
            (#"^(?:\S+ ){3}FATAL data \S+ interrupt$"#, ["*", "*", "*", "FATAL", "data", "*", "interrupt"], true),
            (#"chdir\(\/p\/gb1\) failed: Input\/output error$"#, ["chdir(/p/gb1)", "failed:", "Input/output", "error"], false),
            (#"generating \S+$"#, ["generating", "*"], false),
            (#"^\S+$"#, ["*"], true),
        ]
        for (source, tokens, anchored) in taken {
            guard let template = Self.template(source) else {
                Issue.record("\(source) is a template")
                continue
            }
            let words = template.tokens.map { token in
                switch token {
                case .variable: "*"
                case .word(let bytes): String(decoding: bytes, as: UTF8.self)
                }
            }
            #expect(words == tokens, "\(source)")
            #expect(template.anchoredStart == anchored, "\(source)")
        }
        // A caseless template keeps its words lower-cased, and is keyed on its whole words only.
        #expect(Self.template(#"\S+ FATAL Error$"#, caseless: true)?.tokens == [.variable, .word(Array("fatal".utf8)), .word(Array("error".utf8))])
        #expect(Self.template(#"generating \S+$"#)?.keyDistances == [])
        #expect(Self.template(#"^a \S+ b$"#)?.keyDistances == [0, 2])
        // A template whose only word is its first, not anchored, is looked up by that word's end.
        #expect(Self.template(#"generating \S+$"#)?.suffixKey == Array("ting".utf8))
        #expect(Self.template(#"ab \S+$"#)?.suffixKey == Array("ab".utf8))
        #expect(Self.template(#"^generating \S+$"#)?.suffixKey == nil)
        #expect(Self.template(#"a \S+ b$"#)?.suffixKey == nil)
        #expect(Self.template(#"\S+ \S+$"#)?.isKeyed == false)

        let left = [
            "no end anchor", #"a\$"#, "^$", "$", "a  b$", " a$", "a $", #"\S+x$"#, #"x\S+$"#, #"a\S+ b$"#, "a.b$", #"\d+ x$"#,
            "a|b$", "(a) b$", "a* b$", "a? b$", #"\bword$"#, #"a\ b$"#, #"a\tb$"#, #"(?:\S+ ){0}a$"#, #"(?:\S+ ){2}$"#,
            #"(?:\S+ ){x}a$"#, "é$", "a\u{7F}$", #"\S+\.$"#,
        ]
        for source in left { #expect(Self.template(source) == nil, "\(source) is not a template") }
    }

    @Test("Templates need a pattern whose options keep their meaning on a line")
    func options() throws {
        let caseless = try Pattern(bytes: Array("a B$".utf8), options: Pattern.Options(flags: "ims"))
        #expect(TokenTemplate(pattern: caseless)?.caseless == true)
        let extended = try Pattern(bytes: Array("a B$".utf8), options: Pattern.Options(flags: "x"))
        #expect(TokenTemplate(pattern: extended) == nil)
    }

    /// Random templates over a small vocabulary, and lines made from them (and mutated),
    /// so that many lines match and many almost match.
    struct Generator {
        var random: SeededGenerator
        static let words = ["FATAL", "fatal", "INFO", "error", "Error", "a.b", "x", "0x1F", "(a)", "ciod:", "é"]

        mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &random)] }
        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

        /// A template's source: `^`, a run of `(?:\S+ ){N}`, then words and `\S+`, then `$`.
        mutating func template() -> (source: String, tokens: [String?], anchored: Bool) {
            let anchored = chance(40)
            var tokens: [String?] = []
            var source = anchored ? "^" : ""
            if chance(30) {
                let count = Int.random(in: 1...3, using: &random)
                source += "(?:\\S+ ){\(count)}"
                tokens += Array(repeating: nil, count: count)
            }
            var parts: [String] = []
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                if chance(30) {
                    parts.append(#"\S+"#)
                    tokens.append(nil)
                } else {
                    let word = pick(Self.words.filter { $0 != "é" })
                    parts.append(word.map { "().".contains($0) ? "\\\($0)" : String($0) }.joined())
                    tokens.append(word)
                }
            }
            return (source + parts.joined(separator: " ") + "$", tokens, anchored)
        }

        /// A line that matches `tokens` (variables filled in), then perhaps mutated.
        mutating func line(from tokens: [String?], anchored: Bool) -> [UInt8] {
            var parts = tokens.map { token in
                token ?? pick(["v", "12", "x.y", "FATAL", "a\tb", "-", "é9"])
            }
            if chance(50) { parts = parts.map { chance(20) ? $0.uppercased() : $0 } }
            if !anchored || chance(20) { parts.insert(pick(["pre", "p re", "", "0x1F"]), at: 0) }
            // A first word glued to the end of a longer token, which an unanchored template still matches.
            if chance(15) { parts[0] = pick(["re", "X", "ab", "é"]) + parts[0] }
            if chance(30) { parts[Int.random(in: 0..<parts.count, using: &random)] = pick(Self.words + ["", "a  b"]) }
            var line = parts.joined(separator: " ")
            if chance(10) { line += pick([" ", "\t", "x", "\r"]) }
            if chance(10) { line = pick([" ", "x", "\u{0B}"]) + line }
            return Array(line.utf8)
        }
    }

    @Test("400 random templates on 240 lines made from them: every answer is PCRE2's")
    func randomTemplates() throws {
        var generator = Generator(random: SeededGenerator(seed: 1612))
        var tests: [LineTest] = []
        var shapes: [(tokens: [String?], anchored: Bool)] = []
        while tests.count < 400 {
            let (source, tokens, anchored) = generator.template()
            let flags = generator.pick(["", "", "i"])
            let pattern = try Pattern(bytes: Array(source.utf8), options: Pattern.Options(flags: flags))
            tests.append(.matches(pattern))
            shapes.append((tokens, anchored))
        }
        let prefilter = Prefilter(lineTests: tests, cache: nil)
        // Every generated regex is taken as a template, but for those of variables alone past the limit.
        let templates = tests.indices.filter { prefilter.isTokenTemplate(test: $0) }
        let keyless = tests.indices.filter { test in
            guard case .matches(let pattern) = tests[test] else { return false }
            return TokenTemplate(pattern: pattern)?.isKeyed == false
        }
        let suffixKeyed = tests.indices.filter { test in
            guard case .matches(let pattern) = tests[test] else { return false }
            return TokenTemplate(pattern: pattern)?.suffixKey != nil
        }
        #expect(suffixKeyed.count > 20)
        #expect(templates.count == tests.count - max(0, keyless.count - TemplateIndex.unkeyedLimit))
        #expect(keyless.count > TemplateIndex.unkeyedLimit)

        var window = Window()
        for number in 1...240 {
            let shape = generator.pick(shapes)
            window.append(generator.line(from: shape.tokens, anchored: shape.anchored), number: number, timestamp: Window.noTimestamp)
        }
        let prefiltered = EvaluationContext(lineTests: tests, prefilter: prefilter)
        let plain = EvaluationContext(lineTests: tests)
        prefiltered.reset(to: window)
        plain.reset(to: window)
        var disagreements = 0, matches = 0
        for test in tests.indices {
            for line in 0..<window.count {
                let expected = try plain.line(line, passes: test)
                if expected { matches += 1 }
                if try prefiltered.line(line, passes: test) != expected {
                    disagreements += 1
                    if disagreements <= 10, case .matches(let pattern) = tests[test] {
                        Issue.record("/\(pattern.sourceText)/ on \(Array(window.text(line).utf8)): PCRE2 says \(expected)")
                    }
                }
            }
        }
        #expect(disagreements == 0)
        // The lines exercise both answers.
        #expect(matches > 500)
    }

    @Test("A list of templates from the scan (`anyOf`) answers as `or` over PCRE2 line by line, ASCII lines or not")
    func anyOfTemplates() throws {
        var generator = Generator(random: SeededGenerator(seed: 77))
        var tests: [LineTest] = [.contains(Array("é".utf8))]
        var shapes: [(tokens: [String?], anchored: Bool)] = []
        while tests.count < 300 {
            let (source, tokens, anchored) = generator.template()
            tests.append(.matches(try Pattern(bytes: Array(source.utf8), options: Pattern.Options(flags: generator.pick(["", "i"])))))
            shapes.append((tokens, anchored))
        }
        // A lookbehind, which the scan only narrows down (PCRE2 confirms it).
        tests.append(.matches(try Pattern(bytes: Array(#"(?<=x)y\d"#.utf8))))
        let prefiltered = EvaluationContext(lineTests: tests, prefilter: Prefilter(lineTests: tests, cache: nil))
        let plain = EvaluationContext(lineTests: tests)
        var lists = (0..<20).map { _ in (0..<Int.random(in: 2...120, using: &generator.random)).map { _ in Int.random(in: 0...tests.count - 1, using: &generator.random) } }
        lists.append(Array(tests.indices))
        var checked = 0, held = 0
        for windowNumber in 0..<12 {
            var window = Window()
            for number in 1...Int.random(in: 1...150, using: &generator.random) {
                var line = generator.line(from: generator.pick(shapes).tokens, anchored: false)
                if windowNumber % 3 == 0, generator.chance(20) { line += Array(" é".utf8) }
                if generator.chance(10) { line += Array(" xy7".utf8) }
                window.append(line, number: number, timestamp: Window.noTimestamp)
            }
            prefiltered.reset(to: window)
            plain.reset(to: window)
            for list in lists {
                let chain = list.dropFirst().reduce(LinePredicate.test(list[0])) { .or($0, .test($1)) }
                for word in 0..<prefiltered.words {
                    let expected = try chain.bits(plain, word: word)
                    #expect(try LinePredicate.anyOf(list).bits(prefiltered, word: word) == expected)
                    #expect(try LinePredicate.anyOf(list).bits(plain, word: word) == expected)
                    checked += 1
                    held += expected.nonzeroBitCount
                }
            }
        }
        #expect(checked > 300 && held > 1_000)
        #expect(LinePredicate.anyOf([4, 2]).triggers == [4, 2])
    }

    @Test("A rule's triggers: the tests one of which must pass on a line, the left of `and` only")
    func triggers() {
        #expect(LinePredicate.test(3).triggers == [3])
        #expect(LinePredicate.or(.test(1), .test(2)).triggers == [1, 2])
        #expect(LinePredicate.and(.test(1), .test(2)).triggers == [1])
        #expect(LinePredicate.and(.not(.test(1)), .test(2)).triggers == nil)
        #expect(LinePredicate.or(.test(1), .not(.test(2))).triggers == nil)
        #expect(LinePredicate.constant(false).triggers == [])
        #expect(LinePredicate.constant(true).triggers == nil)
    }
}
