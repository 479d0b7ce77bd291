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
            // Named like the build plugin's outputs (`Packs/bgl.warden` → `Packs_bgl.swift`), so packs
            // of one name in different folders do not overwrite each other; a clash left is refused.
            var written: [String: URL] = [:]
            for pack in packs {
                let name = Self.outputName(for: pack, in: target.directoryURL)
                if let other = written[name.lowercased()] {
                    throw OutputClash(name: name, first: other, second: pack)
                }
                written[name.lowercased()] = pack
            }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for pack in packs {
                let output = directory.appending(path: Self.outputName(for: pack, in: target.directoryURL))
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

    /// `Packs/bgl.warden` → `Packs_bgl.swift`, as the WardenRules build plugin names them
    /// (a plugin cannot import another plugin's code, so the rule is written in both).
    static func outputName(for pack: URL, in directory: URL) -> String {
        let packPath = pack.deletingPathExtension().standardizedFileURL.path
        let root = directory.standardizedFileURL.path
        let relative = packPath.hasPrefix(root + "/") ? String(packPath.dropFirst(root.count + 1)) : pack.deletingPathExtension().lastPathComponent
        return relative.replacingOccurrences(of: "/", with: "_") + ".swift"
    }
}

struct OutputClash: Error, CustomStringConvertible {
    let name: String
    let first: URL, second: URL
    var description: String { "\(first.path) and \(second.path) would both be written to \(name); rename one of them" }
}

struct GenerationFailed: Error, CustomStringConvertible {
    let count: Int
    var description: String { "\(count) rule pack\(count == 1 ? "" : "s") did not compile" }
}
