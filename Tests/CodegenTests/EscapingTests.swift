import Foundation
import RuleCodegen
import RuleLanguage
import Testing
import WardenCore

/// Strings from rule files must reach compiled Swift byte for byte, and never
/// break out of a literal or a comment.
@Suite("Escaping into Swift")
struct EscapingTests {
    static let nasty: [String] = [
        "\"", "\\", "\"\"\"", "\\(x)", "#\"", "\"#", "##\"\"\"##", "\0", "\n", "\r\n", "\t", "\u{7F}", "\u{1B}[31m",
        "*/", "/*", "// comment", "\u{2028}", "\u{2029}", "\u{FEFF}", "é", "e\u{301}", "👩‍💻", "🇫🇷", "\u{10FFFF}",
        "${x}", "'", "`", "\\u{41}", "%s", "\u{85}",
    ]

    /// Random strings built from the nasty pieces and random scalars.
    static func randomStrings(count: Int) -> [String] {
        var random = SeededGenerator(seed: 31)
        return (0..<count).map { _ in
            (0..<(1 + random.below(6))).map { _ -> String in
                if random.below(3) == 0 {
                    // Any scalar except surrogates.
                    var value = UInt32(random.below(0x110000))
                    if (0xD800...0xDFFF).contains(value) { value = 0xFFFD }
                    return String(Unicode.Scalar(value)!)
                }
                return nasty[random.below(nasty.count)]
            }.joined()
        }
    }

    /// Writes `text` as a rule-language string literal (the escapes the lexer reads back).
    static func ruleLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out + "\""
    }

    @Test("Random strings survive rule file → checker → generated Swift → swiftc → bytes")
    func roundTrip() throws {
        let strings = Self.nasty + Self.randomStrings(count: 300)
        // Through the front end: each string is a `contains` literal in a rule and a tag.
        var source = "pack escapes version \"1.0.0\"\n"
        for (index, text) in strings.enumerated() {
            source += "@tags(\(Self.ruleLiteral(text)))\nabnormal rule r\(index) { any line in window: line contains \(Self.ruleLiteral(text)) }\n"
        }
        let result = Frontend.check(SourceFile(path: "escapes.warden", text: source))
        let pack = try #require(result.pack, "\(result.diagnostics.first.map { "\($0.message)" } ?? "")")
        #expect(pack.rules.map { $0.tags[0] } == strings)
        let generated = CodeGenerator.swiftSource(for: pack, sourcePath: "escapes.warden")
        // The generated literals, compiled by swiftc in a program that prints their bytes.
        let literals = strings.map(CodeGenerator.stringLiteral)
        for literal in literals { #expect(generated.contains(literal)) }
        let program = "let values: [String] = [\n" + literals.map { "    \($0),\n" }.joined() + "]\n"
            + "for value in values { print(value.utf8.map { String($0) }.joined(separator: \",\")) }\n"
        let output = try compileAndRun(program)
        let expected = strings.map { $0.utf8.map { String($0) }.joined(separator: ",") }
        #expect(output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == expected)
    }

    @Test("An escaped surrogate in a rule file is a diagnostic, not a crash")
    func surrogates() {
        let result = Frontend.check(SourceFile(path: "s.warden", text: """
            pack s version "1.0.0"
            abnormal rule r { any line in window: line contains "\\u{D800}" }
            """))
        #expect(result.pack == nil)
        #expect(!result.diagnostics.isEmpty)
    }

    @Test("Comments stay on one line whatever the doc text holds")
    func comments() throws {
        let result = Frontend.check(SourceFile(path: "c.warden", text: """
            pack c version "1.0.0" description "ends */ here \\u{2028} and\\nthere"
            /// Doc with */ and /* inside
            abnormal rule r { any line in window: line contains "x" }
            """))
        let pack = try #require(result.pack)
        let generated = CodeGenerator.swiftSource(for: pack, sourcePath: "c.warden")
        #expect(!generated.contains("\u{2028}"))
        #expect(generated.contains("/// ends */ here   and there") || generated.contains("/// ends */ here"))
        _ = try compileAndRun(generated.replacingOccurrences(of: "import RuleRuntime", with: "") + Self.runtimeStubs, run: false)
    }

    /// Just enough of the runtime's API for generated code to type-check without it.
    static let runtimeStubs = """

        public struct RuleFailure: Error {}
        public final class EvaluationContext {
            var allLines: [Int] { [] }
            func test(_ a: Int, _ b: Int) throws(RuleFailure) -> Bool { false }
        }
        public indirect enum LinePredicate: Sendable {
            case test(Int), not(LinePredicate), and(LinePredicate, LinePredicate), or(LinePredicate, LinePredicate), constant(Bool)
            var triggers: [Int]? { nil }
        }
        public enum LineTest: Sendable {
            case contains([UInt8])
            static func regex(_ p: String, flags: String) -> LineTest { .contains([]) }
        }
        public enum Kind: Sendable { case normal, abnormal }
        public struct RuleMetadata: Sendable {
            init(name: String, kind: Kind, severity: String? = nil, domain: String? = nil, tags: [String] = []) {}
        }
        public protocol WindowRule: Sendable {
            var metadata: RuleMetadata { get }
            func holds(in context: EvaluationContext) throws(RuleFailure) -> Bool
        }
        public struct RuleSet: Sendable { init(name: String, version: String, lineTests: [LineTest], rules: [any WindowRule], digest: String) {} }
        enum Quantify {
            static func any(lines: [Int], _ c: EvaluationContext, _ p: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool { false }
            static func any(window: LinePredicate, _ c: EvaluationContext, _ p: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool { false }
        }
        print(CPack.ruleSet)

        """

    private func compileAndRun(_ program: String, run: Bool = true) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-escape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sourceURL = directory.appendingPathComponent("main.swift")
        try Data(program.utf8).write(to: sourceURL)
        let binary = directory.appendingPathComponent("main")
        let compile = try Self.run("/usr/bin/env", ["swiftc", "-swift-version", "6", sourceURL.path, "-o", binary.path])
        #expect(compile.status == 0, "swiftc failed:\n\(compile.output)")
        guard run, compile.status == 0 else { return "" }
        return try Self.run(binary.path, []).output
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
