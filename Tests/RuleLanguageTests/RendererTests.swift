import Foundation
import Testing
@testable import RuleLanguage
import TestSupport

@Suite("Structured renderers")
struct RendererTests {
    static func diagnosed() throws -> DiagnosedFile {
        let url = Repository.root.appendingPathComponent("Grammar/Invalid/compare_types.warden")
        return Frontend.check(try Repository.source(url)).diagnosed
    }

    @Test func jsonCarriesCodesRangesAndFixIts() throws {
        let json = JSONRenderer().render([try Self.diagnosed()])
        let records = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(records.count == 1)
        let record = records[0]
        #expect(record["code"] as? String == "E0203")
        #expect(record["severity"] as? String == "error")
        let start = (record["range"] as? [String: Any])?["start"] as? [String: Any]
        #expect(start?["line"] as? Int == 6)
        #expect(start?["column"] as? Int == 12)
        let fixIts = record["fixIts"] as? [[String: Any]]
        #expect((fixIts?.first?["edits"] as? [[String: Any]])?.first?["replacement"] as? String == "10")
        #expect((record["secondary"] as? [Any])?.count == 2)
    }

    @Test("Control characters from a pack reach the terminal as control pictures, never raw (no escape sequences), carets aligned")
    func controlCharactersAreShownNotSent() {
        // A raw U+0001 in the source (E0001), and an ESC written as `\u{1B}` in a test name that is a duplicate (E0507).
        let text = "pack p version \"1.0.0\"\nabnormal rule r {\n    \u{01} count(window) > 1\n}\ntest \"a\\u{1B}[2J\" expect normal { \"x\" }\ntest \"a\\u{1B}[2J\" expect normal { \"x\" }\n"
        let result = Frontend.check(SourceFile(path: "p.warden", text: text))
        #expect(Set(result.diagnostics.map(\.code)).isSuperset(of: [.unexpectedCharacter, .duplicateTest]))
        let human = HumanRenderer(colored: false).render(result.diagnosed), gcc = GCCRenderer().render(result.diagnosed)
        for output in [human, gcc] {
            #expect(!output.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F }, "\(output.debugDescription)")
        }
        #expect(human.contains("3 |     \u{2401} count(window) > 1"), "\(human)")
        #expect(human.contains("    ^"), "the caret sits under the control picture")
        #expect(gcc.contains("a\u{241B}[2J"), "\(gcc)")
    }

    @Test("A long source line is echoed as a window around the error, with the caret still under it")
    func longLinesAreEchoedAsAWindow() throws {
        let padding = (0..<20).map { "line contains \"a long literal to pad the line, number \($0)\" and " }.joined()
        let text = "pack p version \"1.0.0\"\nabnormal rule r {\n    any line in window: \(padding)count(window) > \"ten\"\n}\n"
        let rendered = HumanRenderer(colored: false).render(Frontend.check(SourceFile(path: "p.warden", text: text)).diagnosed)
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let echoed = try #require(lines.first { $0.hasPrefix("3 | ") })
        #expect(echoed.count <= HumanRenderer.echoWidth + 6 && echoed.contains("…"), "\(echoed)")
        // The secondary label's dashes start under `"ten"`'s first character in the echoed text.
        let markers = try #require(lines.first { $0.hasPrefix("  | ") && $0.contains("^") }, "\(rendered)")
        let dashes = try #require(markers.lastIndex(of: "^").flatMap { markers[$0...].firstIndex(of: "-") }, "\(rendered)")
        let caretColumn = markers.distance(from: markers.startIndex, to: dashes)
        let quote = try #require(echoed.range(of: "\"ten\""), "\(rendered)")
        let quoteColumn = echoed.distance(from: echoed.startIndex, to: quote.lowerBound)
        #expect(caretColumn == quoteColumn, "\(echoed)\n\(markers)")
    }

    @Test func sarifIsVersion210WithRulesAndResults() throws {
        let sarif = SARIFRenderer(toolVersion: "test").render([try Self.diagnosed()])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 1)
        #expect(results[0]["ruleId"] as? String == "E0203")
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]]
        #expect(rules?.map { $0["id"] as? String } == ["E0203"])
        let region = ((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        #expect(region?["startLine"] as? Int == 6)
    }

    @Test func humanOutputIsColouredOnlyWhenAsked() throws {
        let file = try Self.diagnosed()
        #expect(!HumanRenderer(colored: false).render(file).contains("\u{1B}["))
        #expect(HumanRenderer(colored: true).render(file).contains("\u{1B}["))
    }
}
