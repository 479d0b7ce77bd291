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
