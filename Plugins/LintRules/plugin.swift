import Foundation
import PackagePlugin

/// `swift package lint-rules`: lints every `*.warden` rule pack of the package's
/// targets with `warden-compile lint`, which prints `file:line:col: warning: … [W1001]`
/// lines that Xcode and SwiftPM understand. `--target NAME` limits it to some
/// targets; a `.warden-lint.toml` at the package root configures it. Fails when a
/// finding is an error.
@main
struct LintRules: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) throws {
        let linter = try context.tool(named: "warden-compile")
        var extractor = ArgumentExtractor(arguments)
        let only = Set(extractor.extractOption(named: "target"))
        let packs = context.package.targets.compactMap { $0 as? SourceModuleTarget }
            .filter { only.isEmpty || only.contains($0.name) }
            .flatMap { $0.sourceFiles(withSuffix: "warden").map(\.url.path) }
        guard !packs.isEmpty else {
            print("no *.warden rule packs in \(only.isEmpty ? "the package's targets" : only.sorted().joined(separator: ", "))")
            return
        }
        let config = context.package.directoryURL.appending(path: ".warden-lint.toml")
        let configArguments = FileManager.default.fileExists(atPath: config.path) ? ["--config", config.path] : []
        let process = try Process.run(linter.url, arguments: ["lint"] + configArguments + packs.sorted())
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw LintFailed(status: process.terminationStatus) }
    }
}

struct LintFailed: Error, CustomStringConvertible {
    let status: Int32
    var description: String { status == 1 ? "lint found errors" : "the linter could not run (exit status \(status))" }
}
