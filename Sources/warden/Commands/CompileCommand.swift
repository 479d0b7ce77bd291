import ArgumentParser
import Foundation
import RuleCodegen
import RuleLanguage

/// `warden compile`: rule packs to Swift source.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
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
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        var failed = false
        var names: [String: String] = [:]
        var packNames: [String] = []
        for path in files {
            let result = Frontend.check(try readSource(path))
            guard let pack = result.pack else {
                failed = true
                FileHandle.standardError.write(Data(GCCRenderer().render(result.diagnosed).utf8))
                continue
            }
            let typeName = CodeGenerator.packTypeName(pack.name)
            if let other = names[typeName] {
                throw CommandFailure("\(path) and \(other) both define \(typeName); pack names must differ")
            }
            names[typeName] = path
            packNames.append(pack.name)
            let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let output = URL(fileURLWithPath: outputDirectory).appendingPathComponent(base + ".swift")
            let data = Data(CodeGenerator.swiftSource(for: pack, sourcePath: URL(fileURLWithPath: path).lastPathComponent).utf8)
            if FileManager.default.contents(atPath: output.path) != data { try OutputFile.write(data, to: output.path) }
            print("\(path) -> \(output.path) (\(typeName))")
        }
        if failed { throw ExitCode(1) }
        if let module {
            let output = URL(fileURLWithPath: outputDirectory).appendingPathComponent(CodeGenerator.catalogFileName(module: module))
            let data = Data(CodeGenerator.catalogSource(module: module, packNames: packNames).utf8)
            if FileManager.default.contents(atPath: output.path) != data { try OutputFile.write(data, to: output.path) }
            print("catalog -> \(output.path)")
        }
    }
}
