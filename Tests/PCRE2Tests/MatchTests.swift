import Testing
@testable import PCRE2

@Suite("Matching")
struct MatchTests {
    @Test func firstMatchReportsByteRanges() throws {
        let match = try #require(try Pattern(#"\d+"#).firstMatch(in: "abc 123"))
        #expect(match.range == 4..<7)
        // Ranges are UTF-8 byte offsets, not character offsets.
        let accented = try #require(try Pattern(#"\d+"#).firstMatch(in: "héé 42"))
        #expect(accented.range == 6..<8)
    }

    @Test func startOffset() throws {
        let pattern = try Pattern("ab")
        #expect(try pattern.firstMatch(in: "ab ab", from: 1)?.range == 3..<5)
        #expect(try pattern.firstMatch(in: "ab ab", from: 4) == nil)
        #expect(throws: MatchFailure.self) { try pattern.matches("ab", from: 3) }
    }

    @Test func invalidUTF8SubjectsMatchAndDoNotCrash() throws {
        let word = try Pattern(#"\w+"#)
        let subject: [UInt8] = [0x61, 0x62, 0xFF, 0x63, 0x64]
        #expect(try word.allMatches(in: subject).map(\.range) == [0..<2, 3..<5])

        // A truncated three-byte sequence (E2 82 without its last byte).
        let truncated: [UInt8] = [0xE2, 0x82] + Array("ERROR 7".utf8)
        let error = try Pattern(#"ERROR (\d)"#)
        let match = try #require(try error.firstMatch(in: truncated))
        #expect(match.range == 2..<9)
        #expect(match[group: 1] == 8..<9)

        // `.` never matches an invalid byte, and anchors still work around it.
        #expect(try !Pattern("^.$").matches([0xFF] as [UInt8]))
        for lone: UInt8 in [0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xFE, 0xFF] {
            let bytes: [UInt8] = [0x78, lone, 0x79]
            #expect(try Pattern("x").allMatches(in: bytes).count == 1)
            #expect(try Pattern("y$").matches(bytes))
            #expect(try Pattern("x", jit: .disabled).allMatches(in: bytes).count == 1)
        }
    }

    @Test func oneMebibyteLine() throws {
        var line = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        line.append(contentsOf: Array(" ERROR code=4242".utf8))
        let pattern = try Pattern(#"ERROR code=(\d+)"#)
        let match = try #require(try pattern.firstMatch(in: line))
        #expect(match.range.lowerBound == (1 << 20) + 1)
        #expect(match[group: 1] == ((1 << 20) + 12)..<((1 << 20) + 16))
        #expect(try Pattern("^a*").firstMatch(in: line)?.range == 0..<(1 << 20))
        #expect(try Pattern("^a*", jit: .disabled).firstMatch(in: line)?.range == 0..<(1 << 20))
        #expect(try !Pattern("FATAL").matches(line))
    }

    @Test func emptyMatchesAdvance() throws {
        #expect(try Pattern("a*").allMatches(in: "baaac").map(\.range) == [0..<0, 1..<4, 4..<4, 5..<5])
        #expect(try Pattern("").allMatches(in: "ab").map(\.range) == [0..<0, 1..<1, 2..<2])
        // After an empty match, the next attempt moves by a whole character.
        #expect(try Pattern("").allMatches(in: "é").map(\.range) == [0..<0, 2..<2])
        #expect(try Pattern(#"\b"#).allMatches(in: "hi yo").map(\.range) == [0..<0, 2..<2, 3..<3, 5..<5])
        #expect(try Pattern("x*").allMatches(in: "", maximumCount: 10).count == 1)
        #expect(try Pattern("a").allMatches(in: "aaaa", maximumCount: 2).count == 2)
    }

    @Test func namedAndUnsetGroups() throws {
        let pattern = try Pattern(#"(?<left>a)|(?<right>b)"#)
        let match = try #require(try pattern.firstMatch(in: "xb"))
        #expect(match.captures == [nil, 1..<2])
        #expect(match[group: 1] == nil)
        #expect(match[group: pattern.groupIndex(named: "right")!] == 1..<2)
        #expect(match[group: 3] == nil)
        // An optional group that did not take part is unset, not empty.
        let optional = try #require(try Pattern("a(x)?(b)").firstMatch(in: "ab"))
        #expect(optional.captures == [nil, 1..<2])
        // A group that matched the empty string is set and empty.
        let emptyGroup = try #require(try Pattern("a(x*)b").firstMatch(in: "ab"))
        #expect(emptyGroup.captures == [1..<1])
    }

    @Test func patternsWithManyGroupsGrowTheScratch() throws {
        let source = String(repeating: "(a)", count: 40)
        let pattern = try Pattern(source)
        let match = try #require(try pattern.firstMatch(in: String(repeating: "a", count: 40)))
        #expect(match.captures.count == 40)
        #expect(match[group: 40] == 39..<40)
    }

    @Test("hitting the match limit is a distinct result", arguments: [Pattern.JITPolicy.automatic, .disabled])
    func matchLimit(_ jit: Pattern.JITPolicy) throws {
        let limits = Pattern.Limits(matchLimit: 10_000, depthLimit: 10_000, heapLimitKiB: 65_536)
        let pattern = try Pattern("(a+)+$", limits: limits, jit: jit)
        let subject = String(repeating: "a", count: 40) + "b"
        #expect(throws: MatchFailure.matchLimit) { try pattern.matches(subject) }
        #expect(throws: MatchFailure.matchLimit) { try pattern.firstMatch(in: subject) }
        #expect(throws: MatchFailure.matchLimit) { try pattern.allMatches(in: subject) }
        // The same pattern still answers subjects within the limit.
        #expect(try pattern.matches("aaa"))
        #expect(MatchFailure.matchLimit.isResourceLimit)
    }

    @Test func depthLimitInTheInterpreter() throws {
        let limits = Pattern.Limits(matchLimit: 10_000_000, depthLimit: 50, heapLimitKiB: 65_536)
        let pattern = try Pattern("^(a(?1)?)$", limits: limits, jit: .disabled)
        #expect(throws: MatchFailure.depthLimit) {
            try pattern.matches(String(repeating: "a", count: 500))
        }
    }

    @Test func jitStackGrowsOnDemand() throws {
        // Deep backtracking on a long subject overflows PCRE2's default 32 KiB JIT stack.
        let pattern = try Pattern("^(?:(a)|b)*$")
        let subject = String(repeating: "ab", count: 50_000)
        #expect(try pattern.matches(subject))
    }

    @Test func scratchCanBeSuppliedExplicitly() throws {
        let scratch = MatchScratch()
        let pattern = try Pattern(#"(\w+)@(\w+)"#)
        for _ in 0..<1000 {
            let match = try #require(try pattern.firstMatch(in: "mail bob@example now", scratch: scratch))
            #expect(match.captures == [5..<8, 9..<16])
        }
    }

    @Test func substringsAndSlices() throws {
        let text = "prefix ERROR suffix"
        let substring = text.dropFirst(7)
        #expect(try Pattern("^ERROR").matches(substring))
        let bytes = Array(text.utf8)
        #expect(try Pattern("^ERROR").matches(bytes[7...]))
    }
}
