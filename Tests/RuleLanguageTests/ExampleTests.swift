import Foundation
import Testing
@testable import RuleLanguage
import TestSupport

@Suite("Example and invalid packs")
struct ExampleTests {
    static let examples = Repository.files(in: "Grammar/Examples", withExtension: "warden")
    static let invalid = Repository.files(in: "Grammar/Invalid", withExtension: "warden")

    @Test func everyRowOfTheLanguageTableHasAnExample() {
        let names = Set(Self.examples.map { $0.deletingPathExtension().lastPathComponent })
        #expect(names.isSuperset(of: ["keyword_lists", "event_count", "new_pattern", "event_sequence",
                                      "variables", "thresholds", "composition"]))
    }

    @Test("examples check clean", arguments: examples)
    func exampleChecksClean(_ url: URL) throws {
        let result = Frontend.check(try Repository.source(url))
        #expect(result.diagnostics.isEmpty, "\(HumanRenderer().render(result.diagnosed))")
        #expect(result.pack != nil)
        #expect(result.pack?.rules.isEmpty == false)
    }

    @Test("examples are formatted", arguments: examples)
    func exampleIsFormatted(_ url: URL) throws {
        let file = try Repository.source(url)
        let formatted = try #require(Formatter().format(file))
        #expect(formatted == String(decoding: file.bytes, as: UTF8.self))
    }

    @Test("invalid packs produce their golden diagnostics", arguments: invalid)
    func invalidPackMatchesGolden(_ url: URL) throws {
        let result = Frontend.check(try Repository.source(url))
        #expect(result.hasErrors || result.diagnostics.contains { $0.severity == .warning })
        let rendered = HumanRenderer().render(result.diagnosed) + "\n" + GCCRenderer().render(result.diagnosed)
        let golden = url.deletingPathExtension().appendingPathExtension("expected")
        if Repository.recording {
            try rendered.write(to: golden, atomically: true, encoding: .utf8)
        } else {
            let expected = try String(contentsOf: golden, encoding: .utf8)
            #expect(rendered == expected, "re-record with WARDEN_RECORD=1 swift test")
        }
    }

    @Test func everyDiagnosticCodeHasADocumentationPage() throws {
        #expect(DiagnosticRegistry.frontEnd.entries.map(\.code) == DiagnosticCode.frontEnd, "every front-end code has documentation")
        for entry in DiagnosticRegistry.frontEnd.entries {
            let code = entry.code
            let page = Repository.root.appendingPathComponent(entry.pagePath)
            let rendered = entry.page()
            if Repository.recording {
                try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
                try rendered.write(to: page, atomically: true, encoding: .utf8)
            } else {
                #expect(try String(contentsOf: page, encoding: .utf8) == rendered, "\(code.rawValue): re-record with WARDEN_RECORD=1")
            }
        }
    }

    /// The codes whose problem is in the bytes of a file, which a text example cannot hold; each has a test of its own.
    static let byteLevelCodes: Set<DiagnosticCode> = [.invalidUTF8, .loneCarriageReturn, .notText]

    @Test("every code's documented example reports that code", arguments: DiagnosticCode.frontEnd)
    func documentedExampleReportsItsCode(_ code: DiagnosticCode) throws {
        let documentation = try #require(code.frontEndDocumentation)
        #expect(!documentation.title.isEmpty && !documentation.explanation.isEmpty)
        guard let example = documentation.example else {
            #expect(Self.byteLevelCodes.contains(code), "\(code.rawValue) has no example")
            return
        }
        let result = Frontend.check(SourceFile(path: "example.warden", text: example + "\n"))
        let codes = result.diagnostics.map(\.code)
        #expect(codes.contains(code), "\(code.rawValue)'s example reports \(codes.map(\.rawValue)), not \(code.rawValue)")
    }
}

@Suite("Generated documentation")
struct DocumentationTests {
    @Test func builtinReferenceMatchesTheTable() throws {
        let page = Repository.root.appendingPathComponent("docs/builtins.md")
        let rendered = BuiltinReference.markdown()
        if Repository.recording {
            try rendered.write(to: page, atomically: true, encoding: .utf8)
        } else {
            #expect(try String(contentsOf: page, encoding: .utf8) == rendered, "re-record with WARDEN_RECORD=1")
        }
    }
}
