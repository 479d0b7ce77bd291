import ArgumentParser
import WardenCore
import Foundation
import LogInput
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
        let failed = results.contains { result in
            result.diagnostics.contains { $0.severity == .error || (warningsAsErrors && $0.severity == .warning) }
        }
        if failed { throw ExitCode(1) }
    }
}
