import ArgumentParser
import LogInput
import RuleRuntime
import WardenCore
import Foundation

/// The `warden` command: one subcommand per verb.
@main
struct Warden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Log anomaly detection with typed, compiled rule packs.",
        version: WardenVersion.current,
        subcommands: [
            CheckCommand.self, LintCommand.self, FormatCommand.self, ExplainCommand.self, TestCommand.self,
            DetectCommand.self, EvalCommand.self, CompileCommand.self, SynthesizeCommand.self, FameCommand.self,
            TemplatesCommand.self, WindowsCommand.self, BundleCommand.self, RunCommand.self, RegexCheckCommand.self, VersionCommand.self,
        ]
    )

    /// Runs the command, then makes sure everything printed reached standard
    /// output: a write error there (a full disk, a closed pipe) is an error.
    /// An option value found wrong while running (not in `validate()`) is
    /// reported with the subcommand's usage, not the root command's.
    static func main() async {
        AllocatorTuning.forDetection()
        DatabaseCache.useEnvironment()
        var command: ParsableCommand
        if let parsed = fastParse() {
            command = parsed
        } else {
            do { command = try parseAsRoot(nil) } catch { exit(withError: error) }
        }
        do {
            if var asynchronous = command as? AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
        } catch let error as ValidationError {
            let usage = usageString(for: type(of: command))
            // `warden fame eval [<options>] ...` → `warden fame eval`.
            let path = usage.split(separator: " ").prefix { !"[<-".contains($0.first ?? "[") }.joined(separator: " ")
            FileHandle.standardError.write(Data("""
                Error: \(error.message)
                Usage: \(usage)
                  See '\(path) --help' for more information.

                """.utf8))
            exit(withError: ExitCode.validationFailure)
        } catch {
            exit(withError: error)
        }
        StandardOutput.finish()
    }

    /// The subcommand parsed on its own, which skips walking every other subcommand's options
    /// (a few milliseconds of reflection at each start); `nil` when that fails for any reason
    /// (help, a mistake, an unknown verb), so that the full parse reports it as `warden VERB`.
    private nonisolated static func fastParse() -> sending ParsableCommand? {
        let arguments = CommandLine.arguments.dropFirst()
        guard let verb = arguments.first,
              let subcommand = configuration.subcommands.first(where: { $0.configuration.commandName == verb }),
              subcommand.configuration.subcommands.isEmpty else { return nil }
        return try? subcommand.parseAsRoot(Array(arguments.dropFirst()))
    }
}
