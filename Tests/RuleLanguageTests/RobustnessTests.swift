import Foundation
import Testing
@testable import RuleLanguage
import WardenCore
import Fuzzing
import TestSupport

/// No input crashes or hangs the front end: seeded fuzzing over random bytes,
/// mutated and truncated examples, random token soup and pathological nesting.
@Suite("Front-end robustness")
struct RobustnessTests {
    static let examples: [[UInt8]] = ExampleTests.examples.compactMap { try? Array(Data(contentsOf: $0)) }

    /// Checks and formats an input (the `pack` fuzz target). A failure is recorded
    /// with the input (base64), so it can be replayed.
    static func exercise(_ bytes: [UInt8]) {
        do { try FuzzTarget.pack.run(bytes) } catch {
            Issue.record("\(error); input (base64): \(Data(bytes).base64EncodedString())")
        }
    }

    @Test func randomBytes() {
        var random = SeededGenerator(seed: 1)
        for _ in 0..<6_000 {
            let length = Int.random(in: 0...160, using: &random)
            Self.exercise((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    @Test func mutatedExamples() {
        var random = SeededGenerator(seed: 2)
        for _ in 0..<10_000 {
            Self.exercise(Mutation.mutate(Self.examples.randomElement(using: &random)!, using: &random))
        }
    }

    @Test func truncatedExamples() {
        for example in Self.examples {
            for length in stride(from: 0, through: example.count, by: 3) {
                Self.exercise(Array(example.prefix(length)))
            }
        }
    }

    @Test func tokenSoup() {
        var random = SeededGenerator(seed: 3)
        let vocabulary = ["pack", "p", "version", "\"1.0.0\"", "normal", "abnormal", "rule", "r", "{", "}", "let", "x", "=",
                          "any", "all", "count", "filter", "first", "line", "in", "window", ":", "where", "and", "or", "not",
                          "contains", "matches", "\"s\"", "/a(b)/i", "(", ")", "[", "]", ",", ".", "text", "@", "severity",
                          "test", "expect", "evidence", "1", "2.5", "10s", ">", "==", "+", "/", "%", "-", "///doc\n", "// c\n",
                          "numbers", "group", "true"]
        for _ in 0..<6_000 {
            let count = Int.random(in: 0...60, using: &random)
            let text = (0..<count).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
            Self.exercise(Array(text.utf8))
        }
    }

    @Test("A flat `and`/`or` chain of any length is no nesting: 10,000 terms check, format flat and round-trip; a long `+` chain is reported as a chain")
    func flatChainsAreNotNesting() throws {
        let terms = (0..<10_000).map { "line contains \"t\($0)\"" }.joined(separator: " or ")
        let text = "pack p version \"1.0.0\"\nabnormal rule r {\n    any line in window: \(terms) and line contains \"x\"\n}\n"
        let result = Frontend.check(SourceFile(path: "p.warden", text: text))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(3))")
        let formatted = Formatter().format(Parser.parse(SourceFile(path: "p.warden", text: text)).syntax)
        #expect(formatted.contains("line contains \"t0\" or line contains \"t1\" or") && !formatted.contains("(line contains \"t1\""))
        #expect(formatted.contains("or line contains \"t9998\" or (line contains \"t9999\" and line contains \"x\")"))
        let reparsed = Parser.parse(SourceFile(path: "f.warden", text: formatted))
        #expect(reparsed.diagnostics.isEmpty && SyntaxDump.dump(reparsed.syntax) == SyntaxDump.dump(Parser.parse(SourceFile(path: "p.warden", text: text)).syntax))

        let sums = "pack p version \"1.0.0\"\nabnormal rule r {\n    1 " + String(repeating: "+ 1 ", count: 200) + "> 0\n}\n"
        let nesting = try #require(Frontend.check(SourceFile(path: "s.warden", text: sums)).diagnostics.first { $0.code == .nestingTooDeep })
        #expect(nesting.message.contains("this `+`") && nesting.message.contains("chain"), "\(nesting.message)")
        let parentheses = String(repeating: "(", count: 200) + "true" + String(repeating: ")", count: 200)
        let deep = Frontend.check(SourceFile(path: "q.warden", text: "pack p version \"1.0.0\"\nabnormal rule r {\n    \(parentheses)\n}\n"))
        #expect(deep.diagnostics.first { $0.code == .nestingTooDeep }?.message == "expression nested more than 128 levels deep")
    }

    @Test func deepNestingIsADiagnosticNotACrash() {
        let depth = 100_000
        let inputs = [
            String(repeating: "(", count: depth),
            "pack p version \"1.0.0\"\nabnormal rule r { " + String(repeating: "(", count: depth) + "true" + String(repeating: ")", count: depth) + " }",
            "pack p version \"1.0.0\"\nabnormal rule r { " + String(repeating: "not ", count: depth) + "true }",
            "pack p version \"1.0.0\"\nabnormal rule r { " + String(repeating: "- ", count: depth) + "1 > 0 }",
            "pack p version \"1.0.0\"\nabnormal rule r { " + String(repeating: "[", count: depth) + " }",
            "pack p version \"1.0.0\"\nabnormal rule r { " + String(repeating: "f(", count: depth) + " }",
            "pack p version \"1.0.0\"\nabnormal rule r { 1 " + String(repeating: "+ 1 ", count: depth) + "> 0 }",
            "pack p version \"1.0.0\"\nabnormal rule r { " + String(repeating: "any x in window: ", count: depth) + "true }",
        ]
        for input in inputs {
            let result = Frontend.check(SourceFile(path: "deep.warden", text: input))
            #expect(result.diagnostics.contains { $0.code == .nestingTooDeep || $0.code == .expectedPackHeader })
        }
    }

    @Test func nestingWithinTheLimitIsAccepted() {
        let depth = 100
        let input = "pack p version \"1.0.0\"\nabnormal rule r { " + String(repeating: "(", count: depth) + "true"
            + String(repeating: ")", count: depth) + " }"
        let result = Frontend.check(SourceFile(path: "ok.warden", text: input))
        #expect(result.diagnostics.isEmpty)
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        var bytes = Array("pack p version \"1.0.0\"\nabnormal rule r { any line in window: line contains \"".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("\" }\n".utf8)
        let result = Frontend.check(SourceFile(path: "bad.warden", bytes: bytes))
        let diagnostic = result.diagnostics.first { $0.code == .invalidUTF8 }
        #expect(diagnostic?.range.start == bytes.firstIndex(of: 0xFF))
    }
}

/// String literals lex in time linear in their length (they were quadratic:
/// a 1 M-character literal took 17 s). A scaling check, not a wall-clock bound:
/// four times the length must cost well under sixteen times the time.
@Suite("Lexer scaling")
struct LexerScalingTests {
    static func lexLiteral(_ length: Int) -> (seconds: Double, value: String?) {
        let bytes = Array("let s = \"".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: length) + Array("\\u{1F600}\"\n".utf8)
        var lexer = Lexer(file: SourceFile(path: "long.warden", bytes: bytes))
        let clock = ContinuousClock()
        var tokens: [Token] = []
        let elapsed = clock.measure { tokens = lexer.tokenize() }
        let value = tokens.lazy.compactMap { if case .string(let text) = $0.kind { text } else { nil } }.first
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, value)
    }

    @Test func stringLiteralsLexInLinearTime() {
        let small = 256 << 10, large = 1 << 20
        let smallTime = (0..<3).map { _ in Self.lexLiteral(small).seconds }.min()!
        let largeRun = (0..<3).map { _ in Self.lexLiteral(large) }
        let largeTime = largeRun.map(\.seconds).min()!
        #expect(largeRun[0].value?.unicodeScalars.count == large + 1)
        #expect(largeRun[0].value?.hasSuffix("a\u{1F600}") == true)
        #expect(largeTime / max(smallTime, 1e-6) < 10, "256 KiB literal \(smallTime) s, 1 MiB \(largeTime) s")
        // And the 10 MiB literal the report named lexes whole.
        #expect(Self.lexLiteral(10 << 20).value?.unicodeScalars.count == (10 << 20) + 1)
    }
}

/// Classic Mac line endings: a lone CR is an error that names the first one, not a comment that swallows the rest of the pack.
@Suite("Line endings")
struct LineEndingTests {
    @Test("A condition that does not parse is one error, not also \"rule has no condition\"")
    func unparsedConditionHasNoFollowOnError() {
        let text = "pack p version \"1.0.0\"\nabnormal rule r {\n    any line in window line contains \"x\"\n}\nnormal rule quiet {\n}\n"
        let codes = Frontend.check(SourceFile(path: "p.warden", text: text)).diagnostics.map(\.code)
        // `quiet` really has no condition; `r` has one that failed to parse.
        #expect(codes == [.expectedToken, .missingCondition], "\(codes)")
    }

    @Test func loneCarriageReturnIsADiagnostic() throws {
        let text = "pack p version \"1\"\r// a comment\rabnormal rule r \"x\" {\r  line contains \"FATAL\"\r}\r"
        let result = Frontend.check(SourceFile(path: "mac.warden", text: text))
        let diagnostic = try #require(result.diagnostics.first { $0.code == .loneCarriageReturn })
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == "lone carriage return (CR without LF): 5 in this file")
        #expect(diagnostic.range.start == text.utf8.firstIndex(of: 0x0D).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) })
        // A UTF-8 byte-order mark before the pack is accepted.
        let example = try #require(RobustnessTests.examples.first { Frontend.check(SourceFile(path: "x.warden", bytes: $0)).pack != nil })
        let bom = Frontend.check(SourceFile(path: "bom.warden", bytes: [0xEF, 0xBB, 0xBF] + example))
        #expect(bom.pack != nil && !bom.hasErrors, "\(bom.diagnostics.map(\.message))")
        // CRLF is a line end like LF: no such diagnostic.
        let crlf = Frontend.check(SourceFile(path: "dos.warden", text: text.replacingOccurrences(of: "\r", with: "\r\n")))
        #expect(!crlf.diagnostics.contains { $0.code == .loneCarriageReturn })
    }
}

/// A binary file is refused in one diagnostic that says what it looks like; a text file with
/// hundreds of errors reports the first hundred and how many more there were.
@Suite("Diagnostic limits")
struct DiagnosticLimitTests {
    @Test func binaryFileIsOneDiagnostic() throws {
        var bytes = Array("warden-fame 1\nsha256 00\n".utf8)
        bytes += [UInt8](repeating: 0, count: 100_000)
        let result = Frontend.check(SourceFile(path: "model.fame", bytes: bytes))
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics[0].code == .notText && result.diagnostics[0].message.contains("it looks like a FAME model"))
        #expect(result.pack == nil)
        let gzip = Frontend.check(SourceFile(path: "x.gz", bytes: [0x1F, 0x8B, 0x08, 0x00, 0x00]))
        #expect(gzip.diagnostics.map(\.message) == ["this is not a rule pack: it looks like a gzip file"])
    }

    @Test func manyErrorsAreCapped() {
        let text = "pack p version \"1\"\n" + String(repeating: "$\n", count: 300)
        let result = Frontend.check(SourceFile(path: "dollars.warden", text: text))
        #expect(result.diagnostics.count == Frontend.diagnosticLimit)
        let note = result.diagnostics.last?.notes.last ?? ""
        #expect(note.hasSuffix("more diagnostics in this file not shown (at most 100 are)"), "\(note)")
        #expect((Int(note.prefix { $0.isNumber }) ?? 0) >= 200)
        #expect(result.hasErrors)
    }
}
