// warden-compile: the lean rule compiler the build plugin runs. It links only
// the front end and the code generator.
//
//   warden-compile INPUT.warden OUTPUT.swift
//
// Diagnostics go to standard error as `file:line:col: error: message [code]`, so
// SwiftPM shows them in `swift build`; the exit status is 1 on errors. The
// output file is rewritten only when its content changes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RuleCodegen
import RuleLanguage

let arguments = CommandLine.arguments
if arguments.count == 2, arguments[1] == "--help" || arguments[1] == "-h" {
    print("usage: warden-compile INPUT.warden OUTPUT.swift\n\nChecks a rule pack and writes the Swift it compiles to (rewritten only when it changes).\nDiagnostics go to standard error; the exit status is 1 on errors, 2 on wrong arguments.")
    exit(0)
}
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: warden-compile INPUT.warden OUTPUT.swift\n".utf8))
    exit(2)
}
let inputPath = arguments[1], outputPath = arguments[2]
guard let bytes = FileManager.default.contents(atPath: inputPath) else {
    FileHandle.standardError.write(Data("\(inputPath): error: cannot read the file\n".utf8))
    exit(1)
}
let result = Frontend.check(SourceFile(path: inputPath, bytes: Array(bytes)))
let diagnostics = GCCRenderer().render(result.diagnosed)
if !diagnostics.isEmpty { FileHandle.standardError.write(Data(diagnostics.utf8)) }
guard let pack = result.pack else { exit(1) }
let source = CodeGenerator.swiftSource(for: pack, sourcePath: URL(fileURLWithPath: inputPath).lastPathComponent)
let data = Data(source.utf8)
if FileManager.default.contents(atPath: outputPath) != data {
    do {
        try data.write(to: URL(fileURLWithPath: outputPath), options: .atomic)
    } catch {
        FileHandle.standardError.write(Data("\(outputPath): error: cannot write the generated Swift: \(error)\n".utf8))
        exit(1)
    }
}
