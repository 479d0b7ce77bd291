// warden-compile: the lean rule compiler the build plugin runs. It links only
// the front end, the linter and the code generator.
//
//   warden-compile [--lint-config FILE] INPUT.warden OUTPUT.swift
//   warden-compile lint [--config FILE] PACK.warden...
//
// Compiling: diagnostics go to standard error as `file:line:col: error: message [code]`,
// so SwiftPM shows them in `swift build`; the exit status is 1 on errors. Lint
// findings follow as warnings (never failing the build). The output file is
// rewritten only when its content changes.
//
// Linting (the `lint-rules` command plugin): every finding on standard output in the
// same form; the exit status is 1 when a finding is an error.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RuleCodegen
import RuleLanguage
import RuleLint

let usage = """
    usage: warden-compile [--lint-config FILE] INPUT.warden OUTPUT.swift
           warden-compile lint [--config FILE] PACK.warden...

    Checks a rule pack and writes the Swift it compiles to (rewritten only when it changes); lint
    findings are printed as warnings. `lint` prints every pack's lint findings.
    Diagnostics go to standard error (standard output for `lint`); the exit status is 1 on errors,
    2 on wrong arguments or an unusable configuration.

    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data(message.utf8))
    exit(status)
}

/// The configuration at `path`, or the default one.
func configuration(at path: String?) -> LintConfiguration {
    guard let path else { return LintConfiguration() }
    guard let data = FileManager.default.contents(atPath: path) else { fail("\(path): error: cannot read the lint configuration\n", status: 2) }
    do {
        return try LintConfiguration.parse(String(decoding: data, as: UTF8.self), path: path)
    } catch {
        fail("\(error.path):\(error.line ?? 1):1: error: \(error.message)\n", status: 2)
    }
}

func read(_ path: String) -> SourceFile {
    guard let bytes = FileManager.default.contents(atPath: path) else { fail("\(path): error: cannot read the file\n", status: 1) }
    return SourceFile(path: path, bytes: Array(bytes))
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments == ["--help"] || arguments == ["-h"] {
    print(usage, terminator: "")
    exit(0)
}

if arguments.first == "lint" {
    arguments.removeFirst()
    var configPath: String?
    if arguments.first == "--config", arguments.count >= 2 {
        configPath = arguments[1]
        arguments.removeFirst(2)
    }
    guard !arguments.isEmpty else { fail(usage, status: 2) }
    let linter = Linter(configuration: configuration(at: configPath))
    var errors = 0, warnings = 0
    for path in arguments {
        let result = linter.lint(read(path))
        print(GCCRenderer().render(result.diagnosed), terminator: "")
        errors += result.findings.filter { $0.diagnostic.severity == .error }.count
        warnings += result.findings.filter { $0.diagnostic.severity == .warning }.count
    }
    print("linted \(arguments.count) pack\(arguments.count == 1 ? "" : "s"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
    exit(errors > 0 ? 1 : 0)
}

var lintConfigPath: String?
if arguments.first == "--lint-config", arguments.count >= 2 {
    lintConfigPath = arguments[1]
    arguments.removeFirst(2)
}
guard arguments.count == 2 else { fail(usage, status: 2) }
let inputPath = arguments[0], outputPath = arguments[1]
let file = read(inputPath)
let result = Frontend.check(file)
let diagnostics = GCCRenderer().render(result.diagnosed)
if !diagnostics.isEmpty { FileHandle.standardError.write(Data(diagnostics.utf8)) }
guard let pack = result.pack else { exit(1) }
let source = CodeGenerator.swiftSource(for: pack, sourcePath: URL(fileURLWithPath: inputPath).lastPathComponent)
let data = Data(source.utf8)
if FileManager.default.contents(atPath: outputPath) != data {
    do {
        try data.write(to: URL(fileURLWithPath: outputPath), options: .atomic)
    } catch {
        fail("\(outputPath): error: cannot write the generated Swift: \(error)\n", status: 1)
    }
}
// Lint findings are build warnings whatever their severity: they never fail the build.
let findings = Linter(configuration: configuration(at: lintConfigPath)).lint(file).findings
    .filter { !DiagnosticCode.frontEnd.contains($0.diagnostic.code) }
    .map { finding in
        let d = finding.diagnostic
        return Diagnostic(d.code, d.message, at: d.range, label: d.label, secondary: d.secondary, notes: d.notes, help: d.help,
                          fixIts: d.fixIts, severity: .warning)
    }
if !findings.isEmpty { FileHandle.standardError.write(Data(GCCRenderer().render(DiagnosedFile(file: file, diagnostics: findings)).utf8)) }
