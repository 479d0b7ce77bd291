import ArgumentParser
import RuleLanguage

/// `warden explain`: the documentation of a diagnostic code.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code, e.g. `warden explain E0203`."
    )

    @Argument(help: "A diagnostic code such as E0203 (omit with --list).")
    var code: String?

    @Flag(help: "List every code with its title.")
    var list = false

    func run() throws {
        if list || code == nil {
            for code in DiagnosticCode.allCases { print("\(code.rawValue)  \(code.title)") }
            return
        }
        guard let code, let diagnostic = DiagnosticCode(rawValue: code.uppercased()) else {
            throw ValidationError("unknown diagnostic code \(code ?? ""); `warden explain --list` lists them")
        }
        print(DiagnosticPage.markdown(for: diagnostic))
    }
}
