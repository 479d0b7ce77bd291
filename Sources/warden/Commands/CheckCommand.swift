import ArgumentParser
import WardenCore
import Foundation
import LogInput
import RuleInterpreter
import RuleLanguage
import RuleLint

/// Output formats for diagnostics.
enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case human, gcc, json, sarif
}

/// When to colour human-readable output.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var enabled: Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
    }
}

/// `warden check`: parse, resolve, type-check and validate rule packs.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        _superCommandName: "warden",
        abstract: "Check rule packs and print their diagnostics.",
        discussion: "Exits 1 when any pack has an error (or, with --warnings-as-errors, a warning)."
    )

    @Argument(help: "Rule packs (*.warden).")
    var files: [String]

    @Option(help: "Diagnostic format: \(DiagnosticFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: DiagnosticFormat = .human

    @Option(help: "Colour human output: auto, always, never.")
    var color: ColorChoice = .auto

    @Flag(help: "Treat warnings as errors.")
    var warningsAsErrors = false

    @Flag(help: "Also print, for each pack without errors, how the multi-pattern prefilter takes each line test (and why one falls back to PCRE2), and which quantifiers are decided from bitsets.")
    var explainCost = false

    func run() throws {
        var results: [DiagnosedFile] = []
        for path in files {
            let file = try readSource(path)
            results.append(Frontend.check(file).diagnosed)
        }
        switch format {
        case .human:
            let renderer = HumanRenderer(colored: color.enabled)
            for result in results where !result.diagnostics.isEmpty { print(renderer.render(result)) }
            let errors = results.reduce(0) { $0 + $1.diagnostics.filter { $0.severity == .error }.count }
            let warnings = results.reduce(0) { $0 + $1.diagnostics.filter { $0.severity == .warning }.count }
            print("checked \(files.count) pack\(files.count == 1 ? "" : "s"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        case .gcc:
            for result in results { print(GCCRenderer().render(result), terminator: "") }
        case .json:
            print(JSONRenderer().render(results))
        case .sarif:
            print(SARIFRenderer(toolVersion: WardenVersion.current, registry: Linter.registry).render(results))
        }
        if explainCost {
            for path in files {
                guard let pack = Frontend.check(try readSource(path)).pack else { continue }
                print(render(CostReport(pack: pack), path: path))
            }
        }
        let failed = results.contains { result in
            result.diagnostics.contains { $0.severity == .error || (warningsAsErrors && $0.severity == .warning) }
        }
        if failed { throw ExitCode(1) }
    }

    private func render(_ report: CostReport, path: String) -> String {
        var lines = ["\(path): pack \(report.pack), \(report.tests.count) line test\(report.tests.count == 1 ? "" : "s")"
            + (report.databaseBytes.map { ", one Vectorscan scan per window and stage (databases \($0) bytes)" } ?? ", no Vectorscan database")]
        for test in report.tests {
            let role: String = switch test.role {
            case .exact: "exact      "
            case .candidate: "candidate  "
            case .fallback: "PCRE2      "
            }
            let literals = test.wordLiterals > 0 ? "  (scanned as \(test.wordLiterals) literal\(test.wordLiterals == 1 ? "" : "s"), word boundaries checked)" : ""
            let template = test.isTokenTemplate ? "  (a log template: matched by tokens, not scanned)"
                : test.isFieldTest ? "  (a field test: matched by fields, not scanned)" : ""
            let stage = test.stage > 0 ? "  (second stage)" : ""
            lines.append("  \(test.index): \(role)\(test.source)" + (test.role.reason.map { "  (\($0))" } ?? "") + literals + template + stage)
        }
        let second = report.tests.filter { $0.stage > 0 }.count
        if second > 0 {
            lines.append("  \(report.tests.count - second) test\(report.tests.count - second == 1 ? "" : "s") the normal rules ask about scanned first; "
                + "the \(second) of the second stage only for windows no normal rule decides")
        }
        let exact = report.tests.filter { $0.role == .exact }.count
        let templates = report.tests.filter(\.isTokenTemplate).count, fields = report.tests.filter(\.isFieldTest).count
        // "(2 of them matched as log templates, 1 as field tests)"
        let apart = [templates > 0 ? "\(templates) of them matched as log templates" : nil,
                     fields > 0 ? "\(fields)" + (templates > 0 ? " as field tests" : " of them matched as field tests") : nil].compactMap { $0 }
        let matchedApart = apart.isEmpty ? "" : " (" + apart.joined(separator: ", ") + ")"
        lines.append("  \(exact) exact in the scan" + matchedApart
            + ", \(report.tests.count - exact) confirmed or run by PCRE2; "
            + "\(report.bitwiseQuantifiers) quantifier\(report.bitwiseQuantifiers == 1 ? "" : "s") over the window decided from bitsets, "
            + "\(report.perLineQuantifiers) line by line")
        return lines.joined(separator: "\n")
    }
}
