import ArgumentParser
import Foundation
import RuleLanguage

/// `warden fmt`: rewrite rule packs in the canonical layout.
struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        _superCommandName: "warden",
        abstract: "Format rule packs in Warden's canonical layout.",
        discussion: "Rewrites files in place. With --check, changes nothing and exits 1 if any file is not formatted."
    )

    @Argument(help: "Rule packs (*.warden); `-` reads standard input and writes standard output.")
    var files: [String]

    @Flag(help: "Report files that are not formatted instead of rewriting them.")
    var check = false

    func run() throws {
        var unformatted: [String] = []
        var broken = false
        for path in files {
            let file = try readSource(path)
            guard let formatted = Formatter().format(file) else {
                let diagnosed = Frontend.check(file).diagnosed
                FileHandle.standardError.write(Data(HumanRenderer().render(diagnosed).utf8))
                FileHandle.standardError.write(Data("\(path): not formatted: fix the syntax errors first\n".utf8))
                broken = true
                continue
            }
            let bytes = Array(formatted.utf8)
            if path == "-" {
                print(formatted, terminator: "")
                continue
            }
            guard bytes != file.bytes else { continue }
            if check {
                unformatted.append(path)
            } else {
                try OutputFile.write(Data(bytes), to: path)
                print("formatted \(path)")
            }
        }
        for path in unformatted { print("\(path): not formatted") }
        if broken || !unformatted.isEmpty { throw ExitCode(1) }
    }
}
