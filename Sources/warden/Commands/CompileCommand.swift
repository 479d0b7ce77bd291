import ArgumentParser
import Foundation
import RuleCodegen
import RuleLanguage

/// `warden compile`: rule packs to Swift source.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        _superCommandName: "warden",
        abstract: "Compile rule packs to Swift source that imports only RuleRuntime.",
        discussion: """
            Writes PACK.swift for each PACK.warden into the output directory (files are rewritten \
            only when their content changes). Each file declares a `<Name>Pack` enum whose \
            `ruleSet` runs in `DetectionEngine`. Exits 1 when a pack has errors.
            """
    )

    @Argument(help: "Rule packs (*.warden).")
    var files: [String]

    @Option(help: "Where to write the generated Swift files.")
    var outputDirectory: String

    @Option(help: "Also write <NAME>Packs.swift, a catalog listing every pack's rule set (`<Name>Packs.all`).")
    var module: String?

    func run() throws {
        // Check every pack and plan every output before writing any, so a
        // collision or an error leaves the output directory as it was.
        var failed = false
        var planned: [(path: String, pack: CheckedPack, output: URL, typeName: String)] = []
        for path in files {
            let result = Frontend.check(try readSource(path))
            guard let pack = result.pack else {
                failed = true
                FileHandle.standardError.write(Data(GCCRenderer().render(result.diagnosed).utf8))
                continue
            }
            let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            planned.append((path, pack, URL(fileURLWithPath: outputDirectory).appendingPathComponent(base + ".swift"),
                            CodeGenerator.packTypeName(pack.name)))
        }
        if failed { throw ExitCode(1) }
        let catalog = module.map { URL(fileURLWithPath: outputDirectory).appendingPathComponent(CodeGenerator.catalogFileName(module: $0)) }
        try Self.refuseCollisions(planned.map { ($0.path, $0.output.lastPathComponent, $0.typeName) }, catalog: catalog?.lastPathComponent)
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        for plan in planned {
            let data = Data(CodeGenerator.swiftSource(for: plan.pack, sourcePath: URL(fileURLWithPath: plan.path).lastPathComponent).utf8)
            if FileManager.default.contents(atPath: plan.output.path) != data { try OutputFile.write(data, to: plan.output.path) }
            print("\(plan.path) -> \(plan.output.path) (\(plan.typeName))")
        }
        if let module, let catalog {
            let data = Data(CodeGenerator.catalogSource(module: module, packNames: planned.map(\.pack.name)).utf8)
            if FileManager.default.contents(atPath: catalog.path) != data { try OutputFile.write(data, to: catalog.path) }
            print("catalog -> \(catalog.path)")
        }
    }

    /// Two packs that would write the same file (compared case-insensitively, as
    /// macOS and Windows file systems do) or declare the same type are refused, naming both.
    static func refuseCollisions(_ outputs: [(path: String, file: String, typeName: String)], catalog: String?) throws {
        var files: [String: String] = [:], types: [String: String] = [:]
        if let catalog { files[catalog.lowercased()] = "the --module catalog" }
        for output in outputs {
            if let other = files[output.file.lowercased()] {
                throw CommandFailure("\(output.path) and \(other) would both be written to \(output.file); rename one of the packs' files")
            }
            files[output.file.lowercased()] = output.path
            if let other = types[output.typeName] {
                throw CommandFailure("\(output.path) and \(other) both define \(output.typeName); pack names must differ")
            }
            types[output.typeName] = output.path
        }
    }
}
