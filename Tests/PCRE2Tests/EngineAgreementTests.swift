import Testing
@testable import PCRE2

/// JIT and interpreter must give the same answers, and one pattern must give
/// the same answers from many tasks at once as it does serially.
@Suite("Engine agreement")
struct EngineAgreementTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let pattern: String
        let subject: [UInt8]
        var options: Pattern.Options = []
        var testDescription: String { "/\(pattern)/ on \(subject.count) bytes" }

        init(_ pattern: String, _ subject: String, _ options: Pattern.Options = []) {
            self.pattern = pattern
            self.subject = Array(subject.utf8)
            self.options = options
        }

        init(_ pattern: String, bytes: [UInt8]) {
            self.pattern = pattern
            self.subject = bytes
        }
    }

    static let cases: [Case] = [
        Case("abc", "xxabcxxabc"),
        Case("a|b|c", "cab"),
        Case(#"\d+"#, "id 42 and 7 and 1000"),
        Case(#"(\d+)\.(\d+)"#, "1.5 2.25 3."),
        Case(#"^\s*$"#, "   "),
        Case(#"^\s*$"#, ""),
        Case("a*", "baaac"),
        Case("a*?", "aaa"),
        Case("(a|ab)(c|bcd)(d*)", "abcd"),
        Case(#"\bword\b"#, "a word, words, sword word"),
        Case(#"(?i)error"#, "Error ERROR error eRRor"),
        Case("error", "Error ERROR", .caseInsensitive),
        Case(#"(?<key>\w+)=(?<value>[^ ]*)"#, "a=1 b= c=three"),
        Case(#"blk_-?\d+"#, "Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106"),
        Case(#"(\d{1,3}\.){3}\d{1,3}"#, "from 10.250.19.102:54106 to 10.250.10.6"),
        Case(#"0x[0-9a-fA-F]+"#, "addr 0x00ff12 and 0XAB and 0xdeadBEEF"),
        Case(#"(?<=\s)ERROR(?=:)"#, "x ERROR: y ERROR z"),
        Case(#"(?<!un)known"#, "known unknown known"),
        Case(#"(a)(?:b)(c)?"#, "ab abc"),
        Case(#"(x)?y"#, "y xy"),
        Case(#"^(?:(a)|b)*$"#, "ababab"),
        Case(#"(\w+)\s+\1"#, "the the cat cat dog"),
        Case(#"(?<n>\w)\k<n>"#, "aabbcd"),
        Case(#"[[:upper:]]+"#, "abcDEFghiJK"),
        Case(#"\p{L}+"#, "héllo wörld 日本語 123"),
        Case(#"\p{Han}"#, "漢字 kanji"),
        Case(#"[^\x00-\x7F]+"#, "ascii and ümlaut and 😀"),
        Case("😀+", "😀😀 x 😀"),
        Case(#"."#, "aé😀"),
        Case(#"\X"#, "e\u{301}a"),
        Case("^", "a\nb\nc", .multiline),
        Case("$", "a\nb\nc", .multiline),
        Case("a.c", "a\nc abc", .dotMatchesNewlines),
        Case("a.c", "a\nc abc"),
        Case(#"a{2,3}"#, "a aa aaa aaaa aaaaa"),
        Case(#"a{2,}?"#, "aaaaa"),
        Case(#"(?:ab)++c"#, "ababc abab"),
        Case(#"(?>a+)b"#, "aaab aaa"),
        Case(#"(a(?1)?b)"#, "aabb ab aaabbb"),
        Case(#"\((?:[^()]|(?R))*\)"#, "(a(b)c) (d"),
        Case(#"(?|(a)|(b))"#, "ab"),
        Case(#"(*UTF)x"#, "xx"),
        Case(#"\Qa.b\E"#, "a.b axb"),
        Case(#"[a-z]+(?=\d)"#, "abc1 def ghi2"),
        Case(#"(?m)^\w+$"#, "one\ntwo three\nfour"),
        Case(#"\s+"#, "a \t\n b"),
        Case(#"\S+"#, "  to be  "),
        Case(#"[\d-]+"#, "2005-06-03 12"),
        Case(#"RAS KERNEL (INFO|FATAL)"#, "R02-M1 RAS KERNEL INFO instruction cache parity error corrected"),
        Case(#"took (\d+)ms"#, "GC took 12ms; took 340ms; took ms"),
        Case(#"^(\S+) (\S+) (.*)$"#, "KERNDTLB 1117838570 data TLB error interrupt"),
        Case(#"(?x) a b # comment"#, "ab a b"),
        Case("", "abc"),
        Case(#"\w+"#, bytes: [0x61, 0xFF, 0x62, 0xC3, 0x28, 0x63, 0xE2, 0x82]),
        Case(#"[^a]"#, bytes: [0x61, 0xFF, 0x61, 0xC3, 0xA9]),
        Case(#"\x{FFFD}"#, bytes: [0xEF, 0xBF, 0xBD, 0xFF]),
        Case(#"b$"#, bytes: [0xFF, 0x62]),
        Case(#"(a+)+$"#, "aaaaaaaaaaaaaaaaaaaab"),
    ]

    /// The outcome of matching every match of a pattern: the matches, or the failure.
    enum Outcome: Equatable {
        case matches([Match])
        case failure(MatchFailure)
    }

    static func outcome(_ pattern: Pattern, _ subject: [UInt8]) -> Outcome {
        do { return .matches(try pattern.allMatches(in: subject)) } catch { return .failure(error) }
    }

    @Test func tableHasAtLeastFiftyCases() {
        #expect(Self.cases.count >= 50)
    }

    @Test("JIT and interpreter agree", arguments: cases)
    func jitAndInterpreterAgree(_ testCase: Case) throws {
        let jit = try Pattern(testCase.pattern, options: testCase.options, jit: .automatic)
        let interpreter = try Pattern(testCase.pattern, options: testCase.options, jit: .disabled)
        #expect(interpreter.engine == .interpreter)
        #expect(Self.outcome(jit, testCase.subject) == Self.outcome(interpreter, testCase.subject))
    }

    @Test func concurrentMatchingAgreesWithSerial() async throws {
        let pattern = try Pattern(#"(?<node>R\d\d-M\d-N\d)[^ ]* .*?(?<num>\d+)"#)
        let subjects: [String] = (0..<400).map { index in
            index % 3 == 0
                ? "R0\(index % 10)-M1-N\(index % 8)-C:J12 RAS KERNEL INFO \(index * 7919) corrected"
                : "no node here \(index) é \u{1F600}"
        }
        let serial = subjects.map { Self.outcome(pattern, Array($0.utf8)) }
        let concurrent = await withTaskGroup(of: (Int, [Outcome]).self) { group in
            for worker in 0..<8 {
                group.addTask {
                    // Each worker walks the subjects from a different starting point.
                    let order = subjects.indices.map { ($0 + worker * 50) % subjects.count }
                    var results = [Outcome](repeating: .matches([]), count: subjects.count)
                    for index in order { results[index] = Self.outcome(pattern, Array(subjects[index].utf8)) }
                    return (worker, results)
                }
            }
            var all: [[Outcome]] = []
            for await (_, results) in group { all.append(results) }
            return all
        }
        #expect(concurrent.count == 8)
        for results in concurrent { #expect(results == serial) }
    }
}
