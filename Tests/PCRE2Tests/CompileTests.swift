import Testing
@testable import PCRE2

@Suite("Compiling patterns")
struct CompileTests {
    struct BadPattern: Sendable, CustomTestStringConvertible {
        let pattern: String
        let offset: Int
        let code: Int32
        var testDescription: String { pattern }
    }

    @Test("a bad pattern reports PCRE2's message and the byte offset", arguments: [
        BadPattern(pattern: "(a+", offset: 3, code: 114),
        BadPattern(pattern: "abc[", offset: 4, code: 106),
        BadPattern(pattern: "a{2,1}x", offset: 5, code: 104),
        BadPattern(pattern: "x\\", offset: 2, code: 101),
        BadPattern(pattern: "a)b", offset: 1, code: 122),
        BadPattern(pattern: "[z-a]", offset: 3, code: 108),
        BadPattern(pattern: "(?<n>a)(?<n>b)", offset: 12, code: 143),
        // Offsets count UTF-8 bytes: "é" is two bytes.
        BadPattern(pattern: "é(", offset: 3, code: 114),
        BadPattern(pattern: "日本(", offset: 7, code: 114),
    ])
    func badPatternOffset(_ bad: BadPattern) {
        do {
            _ = try Pattern(bad.pattern)
            Issue.record("pattern \(bad.pattern) compiled")
        } catch {
            #expect(error.offset == bad.offset)
            #expect(error.code == bad.code)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func missingParenthesisMessage() throws {
        let error = #expect(throws: PatternError.self) { try Pattern("(a+") }
        #expect(error?.message == "missing closing parenthesis")
    }

    @Test func captureCountAndNamedGroups() throws {
        let pattern = try Pattern(#"(?<year>\d{4})-(?<month>\d\d)-(\d\d)(?:T(?<hour>\d\d))?"#)
        #expect(pattern.captureCount == 4)
        #expect(pattern.namedGroups.map(\.name) == ["year", "month", "hour"])
        #expect(pattern.namedGroups.map(\.index) == [1, 2, 4])
        #expect(pattern.groupIndex(named: "month") == 2)
        #expect(pattern.groupIndex(named: "minute") == nil)
    }

    @Test func jitIsUsedWhenAvailableAndCanBeDisabled() throws {
        let automatic = try Pattern("a+b")
        #expect(automatic.engine == (PCRE2Library.isJITAvailable ? .jit : .interpreter))
        let interpreted = try Pattern("a+b", jit: .disabled)
        #expect(interpreted.engine == .interpreter)
        #expect(interpreted.jitUnavailableReason == nil)
    }

    @Test("A pattern JIT-compiles on first use, once, however many threads use it first")
    func jitCompilesOnFirstConcurrentUse() async throws {
        let pattern = try Pattern(#"(\w+)@(\w+)\.com"#)
        let subjects = (0..<64).map { Array(($0 % 3 == 0 ? "user\($0)@example.com" : "user\($0) at example dot com").utf8) }
        let answers = try await withThrowingTaskGroup(of: [Bool].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let scratch = MatchScratch()
                    return try subjects.map { try pattern.matches($0, scratch: scratch) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 8)
        for answer in answers { #expect(answer == subjects.indices.map { $0 % 3 == 0 }) }
        #expect(pattern.engine == (PCRE2Library.isJITAvailable ? .jit : .interpreter))
        #expect(pattern.jitUnavailableReason == nil || !PCRE2Library.isJITAvailable)
    }

    @Test func patternsCompileFromBytes() throws {
        // A pattern given as bytes may contain NUL and is compiled by byte length.
        let pattern = try Pattern(bytes: [0x61, 0x00, 0x62])
        #expect(try pattern.matches([0x78, 0x61, 0x00, 0x62] as [UInt8]))
        #expect(try !pattern.matches("ab"))
        #expect(pattern.source == [0x61, 0x00, 0x62])
    }

    @Test func emptyPatternAndSubject() throws {
        let empty = try Pattern("")
        #expect(try empty.matches(""))
        #expect(try empty.firstMatch(in: "")?.range == 0..<0)
        #expect(try Pattern("x").matches("") == false)
    }

    @Test func options() throws {
        #expect(try Pattern("error", options: .caseInsensitive).matches("FATAL ERROR"))
        #expect(try Pattern("a.b", options: .dotMatchesNewlines).matches("a\nb"))
        #expect(try !Pattern("a.b").matches("a\nb"))
        #expect(try Pattern("^b", options: .multiline).matches("a\nb"))
        #expect(try Pattern("a+(", options: .literal).matches("xa+(y"))
    }

    @Test func libraryFacts() {
        #expect(PCRE2Library.version.hasPrefix("10."))
    }
}
