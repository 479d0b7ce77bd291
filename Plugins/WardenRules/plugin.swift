import Foundation
import PackagePlugin

/// Compiles every `*.warden` rule pack of a target to Swift at build time.
///
/// One build command per pack runs `warden-compile PACK OUTPUT`. The compiler
/// itself is an input, so a new compiler regenerates; SwiftPM re-runs a command
/// only when an input changed, and the compiler rewrites the output only when
/// its content changed. Diagnostics come out as `file:line:col: error:` lines
/// and fail the build; lint findings follow as `warning:` lines that do not
/// (configured by a `.warden-lint.toml` at the package root, when there is one).
@main
struct WardenRules: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let sourceTarget = target as? SourceModuleTarget else { return [] }
        let compiler = try context.tool(named: "warden-compile")
        let config = context.package.directoryURL.appending(path: ".warden-lint.toml")
        let lintConfig = FileManager.default.fileExists(atPath: config.path) ? [config] : []
        return sourceTarget.sourceFiles(withSuffix: "warden").map { file in
            let output = context.pluginWorkDirectoryURL.appending(path: Self.outputName(for: file.url, in: sourceTarget.directoryURL))
            return .buildCommand(
                displayName: "Compiling rule pack \(file.url.lastPathComponent)",
                executable: compiler.url,
                arguments: lintConfig.flatMap { ["--lint-config", $0.path] } + [file.url.path, output.path],
                inputFiles: [file.url, compiler.url] + lintConfig,
                outputFiles: [output]
            )
        }
    }

    /// `Packs/bgl.warden` → `Packs_bgl.swift`: unique per pack, stable across builds
    /// (GenerateRules names its files by the same rule).
    static func outputName(for pack: URL, in directory: URL) -> String {
        let packPath = pack.deletingPathExtension().standardizedFileURL.path
        let root = directory.standardizedFileURL.path
        let relative = packPath.hasPrefix(root + "/") ? String(packPath.dropFirst(root.count + 1)) : pack.deletingPathExtension().lastPathComponent
        return relative.replacingOccurrences(of: "/", with: "_") + ".swift"
    }
}
