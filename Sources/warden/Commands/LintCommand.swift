import ArgumentParser
import Foundation
import RuleLanguage
import LogInput
import RuleLint
import WardenCore

/// `warden lint`: find what is legal but bad in rule packs.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        _superCommandName: "warden",
        abstract: "Lint rule packs: overfitting, correctness, regex, testing, documentation and performance findings.",
        discussion: """
            Checks each pack, then runs every enabled lint on the packs that checked. A directory stands \
            for the *.warden files under it. Configuration comes from --config, or else the nearest \
            .warden-lint.toml in the current directory or a parent. Exit status: 0 when no finding is an \
            error (with --strict, when there is no finding at all), 1 otherwise, 2 when a file, the \
            configuration, the baseline or the data cannot be used. docs/lint.md lists the lints.
            """
    )

    @Argument(help: "Rule packs (*.warden) or directories holding them.")
    var files: [String]

    @Option(help: "Output format: \(DiagnosticFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: DiagnosticFormat = .human

    @Option(help: "Colour human output: auto, always, never.")
    var color: ColorChoice = .auto

    @Flag(help: "Fail (exit 1) on warnings and notes too, not only on errors.")
    var strict = false

    @Flag(help: "Apply the machine-applicable fix-its in place, keep those that leave every passing pack test passing, and format the file.")
    var fix = false

    @Option(help: "Configuration file (default: the nearest \(LintConfiguration.fileName)).")
    var config: String?

    @Flag(help: "Ignore any \(LintConfiguration.fileName).")
    var noConfig = false

    @Option(help: "Report only findings this baseline (from --write-baseline) does not hold.")
    var baseline: String?

    @Option(help: "Write every finding to this baseline file, then exit 0.")
    var writeBaseline: String?

    @Flag(help: "After the findings, print how many each lint reported.")
    var statistics = false

    @OptionGroup var data: LintDataOptions

    func validate() throws {
        if noConfig && config != nil { throw ValidationError("--config and --no-config cannot be used together") }
        if fix && files.contains("-") { throw ValidationError("--fix rewrites files; it cannot read standard input") }
    }

    func run() throws {
        let configuration = try loadConfiguration()
        let linter = Linter(configuration: configuration)
        let paths = try LintInputs.expand(files)
        var results: [LintResult] = []
        var fixed = 0
        var refused: [String] = []
        for path in paths {
            var file = try failing { try readSource(path) }
            let sample = try data.sample(for: file)
            if fix {
                let outcome = LintFixer(linter: linter).fix(file, sample: sample)
                refused += outcome.refused
                if outcome.applied > 0 {
                    try failing { try OutputFile.write(Data(outcome.text.utf8), to: path) }
                    fixed += outcome.applied
                    file = SourceFile(path: file.path, text: outcome.text)
                }
            }
            results.append(linter.lint(file, sample: sample))
        }
        if let writeBaseline {
            try failing { try LintBaseline(results: results).write(to: URL(fileURLWithPath: writeBaseline)) }
            let count = results.reduce(0) { $0 + $1.findings.filter { !$0.subject.isEmpty }.count }
            print("wrote \(count) finding\(count == 1 ? "" : "s") to \(writeBaseline)")
            return
        }
        var absorbed = 0
        if let baseline {
            let accepted = try failing { try LintBaseline.read(from: URL(fileURLWithPath: baseline)) }
            (results, absorbed) = accepted.filter(results)
        }
        render(results, fixed: fixed, refused: refused, absorbed: absorbed)
        let failed = results.contains { result in
            result.findings.contains { $0.diagnostic.severity == .error || strict }
        }
        if failed { throw ExitCode(1) }
    }

    private func render(_ results: [LintResult], fixed: Int, refused: [String], absorbed: Int) {
        let diagnosed = results.map(\.diagnosed)
        switch format {
        case .human:
            let renderer = HumanRenderer(colored: color.enabled)
            for file in diagnosed where !file.diagnostics.isEmpty { print(renderer.render(file)) }
            for line in refused { print(line) }
            let all = diagnosed.flatMap(\.diagnostics)
            func count(_ severity: Diagnostic.Severity, _ noun: String) -> String {
                let n = all.filter { $0.severity == severity }.count
                return "\(n) \(noun)\(n == 1 ? "" : "s")"
            }
            var summary = "linted \(results.count) pack\(results.count == 1 ? "" : "s"): \(count(.error, "error")), \(count(.warning, "warning"))"
            let notes = all.filter { $0.severity == .note }.count
            if notes > 0 { summary += ", \(count(.note, "note"))" }
            let suppressed = results.reduce(0) { $0 + $1.suppressed }
            var extras: [String] = []
            if suppressed > 0 { extras.append("\(suppressed) suppressed") }
            if absorbed > 0 { extras.append("\(absorbed) in the baseline") }
            if fix { extras.append("\(fixed) fixed") }
            if !extras.isEmpty { summary += " (" + extras.joined(separator: ", ") + ")" }
            print(summary)
        case .gcc:
            for file in diagnosed { print(GCCRenderer().render(file), terminator: "") }
        case .json:
            print(JSONRenderer().render(diagnosed))
        case .sarif:
            print(SARIFRenderer(toolVersion: WardenVersion.current, registry: Linter.registry).render(diagnosed))
        }
        if statistics {
            var counts: [DiagnosticCode: Int] = [:]
            for file in diagnosed { for diagnostic in file.diagnostics { counts[diagnostic.code, default: 0] += 1 } }
            let lines = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { code, count in
                let name = Linter.descriptor(named: code.rawValue)?.name ?? Linter.registry[code]?.title ?? ""
                return "\(String(count).leftPadded(to: 5))  \(code.rawValue)  \(name)"
            }
            let text = (lines.isEmpty ? ["no findings"] : lines).joined(separator: "\n") + "\n"
            // Beside machine-read formats, the table goes to standard error so the output stays parseable.
            if format == .human || format == .gcc { print(text, terminator: "") } else { FileHandle.standardError.write(Data(text.utf8)) }
        }
    }

    private func loadConfiguration() throws -> LintConfiguration {
        if noConfig { return LintConfiguration() }
        let url = config.map { URL(fileURLWithPath: $0) } ?? LintConfiguration.find(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        guard let url else { return LintConfiguration() }
        return try failing {
            guard let data = FileContents.read(url.path) else { throw CommandFailure("cannot read \(url.path): \(FileContents.reason(url.path))") }
            return try LintConfiguration.parse(String(decoding: data, as: UTF8.self), path: url.path)
        }
    }
}

/// Runs `body`, turning its error into exit status 2 with the error's message.
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
