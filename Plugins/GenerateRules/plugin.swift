import Foundation
import PackagePlugin

/// `swift package generate-rules`: writes the Swift that the build plugin would
/// generate for each rule pack into `Generated/<Target>/` at the package root,
/// for review. Opt-in; the build never reads these files.
@main
struct GenerateRules: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) throws {
        let compiler = try context.tool(named: "warden-compile")
        var extractor = ArgumentExtractor(arguments)
        let only = Set(extractor.extractOption(named: "target"))
        var failures = 0
        for case let target as SourceModuleTarget in context.package.targets where only.isEmpty || only.contains(target.name) {
            let packs = target.sourceFiles(withSuffix: "warden").map(\.url)
            guard !packs.isEmpty else { continue }
            let directory = context.package.directoryURL.appending(path: "Generated").appending(path: target.name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for pack in packs {
                let output = directory.appending(path: pack.deletingPathExtension().lastPathComponent + ".swift")
                let process = try Process.run(compiler.url, arguments: [pack.path, output.path])
                process.waitUntilExit()
                if process.terminationStatus == 0 {
                    print("\(pack.lastPathComponent) -> \(output.path)")
                } else {
                    failures += 1
                }
            }
        }
        if failures > 0 { throw GenerationFailed(count: failures) }
    }
}

struct GenerationFailed: Error, CustomStringConvertible {
    let count: Int
    var description: String { "\(count) rule pack\(count == 1 ? "" : "s") did not compile" }
}
