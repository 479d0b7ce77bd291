import ArgumentParser
import RuleLanguage
import RuleLint

/// `warden explain`: the documentation of a diagnostic or lint code.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        _superCommandName: "warden",
        abstract: "Explain a diagnostic or lint code, e.g. `warden explain E0203` or `warden explain W1001`."
    )

    @Argument(help: "A code such as E0203 or W1001, or a lint's name such as pinned-identifier (omit with --list).")
    var code: String?

    @Flag(help: "List every code with its title.")
    var list = false

    func run() throws {
        let registry = Linter.registry
        if list || code == nil {
            for entry in registry.entries {
                let name = Linter.descriptor(named: entry.code.rawValue).map { "  (\($0.name))" } ?? ""
                print("\(entry.code.rawValue)  \(entry.title)\(name)")
            }
            return
        }
        guard let code, let entry = registry.entry(named: code) ?? Linter.descriptor(named: code).flatMap({ registry[$0.code] }) else {
            throw ValidationError("unknown code \(code ?? ""); `warden explain --list` lists them")
        }
        print(entry.page())
    }
}
