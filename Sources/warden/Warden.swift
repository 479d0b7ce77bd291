import ArgumentParser

/// The `warden` command: one subcommand per verb.
@main
struct Warden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Log anomaly detection with typed, compiled rule packs.",
        version: WardenVersion.current,
        subcommands: [
            CheckCommand.self, FormatCommand.self, ExplainCommand.self, TestCommand.self,
            DetectCommand.self, EvalCommand.self, CompileCommand.self, SynthesizeCommand.self, FameCommand.self,
            TemplatesCommand.self, WindowsCommand.self, RegexCheckCommand.self, VersionCommand.self,
        ]
    )

    /// Runs the command, then makes sure everything printed reached standard
    /// output: a write error there (a full disk, a closed pipe) is an error.
    static func main() async {
        await main(nil)
        StandardOutput.finish()
    }
}

/// Warden's release version.
enum WardenVersion {
    static let current = "0.1.0"
}
