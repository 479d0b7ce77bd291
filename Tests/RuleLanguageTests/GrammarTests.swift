import Foundation
import Testing
@testable import RuleLanguage
import WardenCore
import TestSupport

/// A small reader for the syntactic part of `Grammar/warden.ebnf` and a seeded,
/// bounded generator of sentences from it, so the grammar and the parser cannot drift.
struct EBNFGrammar {
    indirect enum Node {
        case terminal(String)
        case rule(String)
        case sequence([Node])
        case choice([Node])
        case optional(Node)
        case repetition(Node)
    }

    var rules: [String: Node] = [:]

    /// Reads every rule before the lexical section.
    init(text: String) throws {
        var syntactic = text
        if let lexical = syntactic.range(of: "(* Lexical rules. *)") { syntactic = String(syntactic[..<lexical.lowerBound]) }
        // Strip comments.
        while let open = syntactic.range(of: "(*"), let close = syntactic.range(of: "*)", range: open.upperBound..<syntactic.endIndex) {
            syntactic.removeSubrange(open.lowerBound..<close.upperBound)
        }
        var tokens = Self.tokenize(syntactic)[...]
        while !tokens.isEmpty {
            let name = tokens.removeFirst()
            guard tokens.first == "=" else { throw GrammarError.malformed("expected = after \(name)") }
            tokens.removeFirst()
            rules[name] = try Self.parseChoice(&tokens)
            guard tokens.first == ";" else { throw GrammarError.malformed("expected ; after rule \(name)") }
            tokens.removeFirst()
        }
    }

    enum GrammarError: Error { case malformed(String) }

    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace { index = text.index(after: index); continue }
            if character == "\"" || character == "'" {
                let close = text[text.index(after: index)...].firstIndex(of: character)!
                tokens.append(String(text[index...close]))
                index = text.index(after: close)
            } else if "=;|,{}[]()".contains(character) {
                tokens.append(String(character))
                index = text.index(after: index)
            } else {
                var end = index
                while end < text.endIndex, text[end].isLetter || text[end] == "_" { end = text.index(after: end) }
                tokens.append(String(text[index..<end]))
                index = end
            }
        }
        return tokens
    }

    static func parseChoice(_ tokens: inout ArraySlice<String>) throws -> Node {
        var options = [try parseSequence(&tokens)]
        while tokens.first == "|" {
            tokens.removeFirst()
            options.append(try parseSequence(&tokens))
        }
        return options.count == 1 ? options[0] : .choice(options)
    }

    static func parseSequence(_ tokens: inout ArraySlice<String>) throws -> Node {
        var items = [try parseItem(&tokens)]
        while tokens.first == "," {
            tokens.removeFirst()
            items.append(try parseItem(&tokens))
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    static func parseItem(_ tokens: inout ArraySlice<String>) throws -> Node {
        let token = tokens.removeFirst()
        switch token {
        case "{", "[", "(":
            let inner = try parseChoice(&tokens)
            tokens.removeFirst()
            return token == "{" ? .repetition(inner) : token == "[" ? .optional(inner) : inner
        default:
            if token.hasPrefix("\"") || token.hasPrefix("'") { return .terminal(String(token.dropFirst().dropLast())) }
            return .rule(token)
        }
    }
}

/// Generates random sentences from the grammar, bounded in depth.
struct SentenceGenerator {
    let grammar: EBNFGrammar
    var random: SeededGenerator
    let maximumDepth: Int

    /// Lexical rules the generator fills in itself.
    static let lexical: [String: [String]] = [
        "identifier": ["x", "line", "window", "errors", "node_1", "Pauses"],
        "integer": ["0", "1", "42", "100"],
        "float": ["0.5", "1.25", "200.0"],
        "duration": ["5s", "250ms", "2m", "1h", "7d"],
        "string": ["\"ERROR\"", "\"a \\\"quoted\\\" word\"", "\"tab\\there\"", "\"\\u{1F600}\"", "\"\""],
        "regex": ["/a+/", "/took (\\d+)ms/i", "/x\\/y/", "/(?<id>\\w+)=(\\d+)/ms"],
        "doc_comment": ["/// Doc text.\n"],
        "call_start": ["count(", "numbers(", "f(", "sequence("],
    ]

    mutating func sentence(_ rule: String) -> [String] {
        var tokens: [String] = []
        expand(.rule(rule), depth: 0, into: &tokens)
        return tokens
    }

    private mutating func expand(_ node: EBNFGrammar.Node, depth: Int, into tokens: inout [String]) {
        switch node {
        case .terminal(let text): tokens.append(text)
        case .rule(let name):
            if let choices = Self.lexical[name] {
                tokens.append(choices.randomElement(using: &random)!)
            } else if name == "condition" {
                // The grammar's note: a condition beginning with "-" is written in parentheses.
                var condition: [String] = []
                expand(grammar.rules[name]!, depth: depth + 1, into: &condition)
                tokens += condition.first == "-" ? ["("] + condition + [")"] : condition
            } else {
                expand(grammar.rules[name]!, depth: depth + 1, into: &tokens)
            }
        case .sequence(let items):
            for item in items { expand(item, depth: depth, into: &tokens) }
        case .choice(let options):
            // Past the depth bound, take the first option: the grammar lists the
            // non-recursive alternative first wherever recursion is possible.
            let option = depth > maximumDepth ? shallowest(options) : options.randomElement(using: &random)!
            expand(option, depth: depth, into: &tokens)
        case .optional(let inner):
            if depth <= maximumDepth, Bool.random(using: &random) { expand(inner, depth: depth, into: &tokens) }
        case .repetition(let inner):
            let count = depth > maximumDepth ? 0 : Int.random(in: 0...2, using: &random)
            for _ in 0..<count { expand(inner, depth: depth, into: &tokens) }
        }
    }

    /// The option with the smallest derivation height (it terminates soonest).
    private func shallowest(_ options: [EBNFGrammar.Node]) -> EBNFGrammar.Node {
        options.min { height($0) < height($1) }!
    }

    /// Minimal derivation height of a node, given each rule's height.
    private func height(_ node: EBNFGrammar.Node) -> Int {
        switch node {
        case .terminal: 0
        case .rule(let name): Self.lexical[name] != nil ? 0 : (heights[name] ?? Int.max / 2) + 1
        case .sequence(let items): items.map(height).max() ?? 0
        case .choice(let options): options.map(height).min() ?? 0
        case .optional, .repetition: 0
        }
    }

    /// Each rule's minimal derivation height, computed to a fixed point.
    private(set) var heights: [String: Int] = [:]

    init(grammar: EBNFGrammar, random: SeededGenerator, maximumDepth: Int) {
        self.grammar = grammar
        self.random = random
        self.maximumDepth = maximumDepth
        var changed = true
        while changed {
            changed = false
            for (name, node) in grammar.rules {
                let value = height(node)
                if value < (heights[name] ?? Int.max / 2) {
                    heights[name] = value
                    changed = true
                }
            }
        }
    }
}

@Suite("Grammar")
struct GrammarTests {
    static func grammar() throws -> EBNFGrammar {
        try EBNFGrammar(text: String(contentsOf: Repository.root.appendingPathComponent("Grammar/warden.ebnf"), encoding: .utf8))
    }

    static func isSyntaxError(_ diagnostic: Diagnostic) -> Bool {
        diagnostic.severity == .error && diagnostic.code.rawValue < "E0200"
    }

    @Test func generatedProgramsParse() throws {
        var generator = SentenceGenerator(grammar: try Self.grammar(), random: SeededGenerator(seed: 7), maximumDepth: 14)
        for _ in 0..<1_500 {
            let text = generator.sentence("pack").joined(separator: " ")
            let (_, diagnostics) = Parser.parse(SourceFile(path: "generated.warden", text: text))
            let syntaxErrors = diagnostics.filter(Self.isSyntaxError)
            #expect(syntaxErrors.isEmpty, "\(text)\n\(syntaxErrors.map(\.message))")
            if !syntaxErrors.isEmpty { return }
        }
    }

    @Test func formattingRoundTripsGeneratedPrograms() throws {
        var generator = SentenceGenerator(grammar: try Self.grammar(), random: SeededGenerator(seed: 11), maximumDepth: 14)
        for _ in 0..<1_500 {
            let text = generator.sentence("pack").joined(separator: " ")
            let (syntax, diagnostics) = Parser.parse(SourceFile(path: "generated.warden", text: text))
            guard !diagnostics.contains(where: Self.isSyntaxError) else { continue }
            let formatted = Formatter().format(syntax)
            let (reparsed, again) = Parser.parse(SourceFile(path: "formatted.warden", text: formatted))
            #expect(!again.contains(where: Self.isSyntaxError), "\(formatted)")
            #expect(SyntaxDump.dump(reparsed) == SyntaxDump.dump(syntax), "\(text)\n---\n\(formatted)\n---\n\(SyntaxDump.dump(syntax))\n---\n\(SyntaxDump.dump(reparsed))")
            #expect(Formatter().format(reparsed) == formatted, "formatting is not idempotent:\n\(formatted)")
        }
    }

    @Test("formatting keeps the tree and the comments of every example", arguments: ExampleTests.examples)
    func formattingRoundTripsExamples(_ url: URL) throws {
        let (syntax, _) = Parser.parse(try Repository.source(url))
        let formatted = Formatter().format(syntax)
        let (reparsed, _) = Parser.parse(SourceFile(path: "formatted.warden", text: formatted))
        #expect(SyntaxDump.dump(reparsed) == SyntaxDump.dump(syntax))
        #expect(SyntaxDump.comments(reparsed) == SyntaxDump.comments(syntax))
    }

    @Test func commentsAnywhereSurviveFormatting() {
        let text = """
            // header comment
            pack p version "1.0.0" // after header
            // before rule
            abnormal rule r { // after brace
                // before let
                let n = count line in window // inside an expression
                    where line contains "x"
                // before condition
                n > 1
                // before closing brace
            }
            // at the end
            """
        let (syntax, diagnostics) = Parser.parse(SourceFile(path: "c.warden", text: text))
        #expect(diagnostics.isEmpty)
        let formatted = Formatter().format(syntax)
        for comment in ["header comment", "after header", "before rule", "after brace", "before let",
                        "inside an expression", "before condition", "before closing brace", "at the end"] {
            #expect(formatted.contains("// " + comment), "lost `\(comment)` in:\n\(formatted)")
        }
        #expect(Formatter().format(Parser.parse(SourceFile(path: "f.warden", text: formatted)).syntax) == formatted)
    }

    @Test func gbnfDefinesTheSameRulesAsTheEBNF() throws {
        let ebnf = try Self.grammar()
        let gbnf = try String(contentsOf: Repository.root.appendingPathComponent("Grammar/warden.gbnf"), encoding: .utf8)
        let gbnfRules = Set(gbnf.split(separator: "\n").compactMap { line -> String? in
            guard let arrow = line.range(of: "::=") else { return nil }
            return line[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "_")
        })
        for rule in ebnf.rules.keys { #expect(gbnfRules.contains(rule), "GBNF lacks rule \(rule)") }
    }
}
