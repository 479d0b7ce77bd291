import PCRE2
import WardenCore

/// The result of checking one source file.
public struct CheckResult: Sendable {
    public let file: SourceFile
    public let syntax: PackSyntax
    /// The checked pack, when there were no errors.
    public let pack: CheckedPack?
    public let diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var diagnosed: DiagnosedFile { DiagnosedFile(file: file, diagnostics: diagnostics) }

    /// The checked pack, or the diagnostics as the error.
    public func checkedPack() throws(PackErrors) -> CheckedPack {
        guard let pack else { throw PackErrors(diagnosed: diagnosed) }
        return pack
    }
}

/// The front end's entry point: parse, resolve, type-check and validate.
public enum Frontend {
    /// Checks one pack. Never throws and never crashes: every problem is a diagnostic.
    public static func check(_ file: SourceFile) -> CheckResult {
        if let reason = binaryReason(file.bytes) {
            let diagnostic = Diagnostic(.notText, "this is not a rule pack: \(reason)", at: SourceRange(start: 0, end: min(1, file.bytes.count)),
                                        help: ["pass a rule pack (UTF-8 text, `pack NAME version \"...\"` first)"])
            return CheckResult(file: file, syntax: Parser.parse(SourceFile(path: file.path, bytes: [])).syntax, pack: nil, diagnostics: [diagnostic])
        }
        let (syntax, syntaxDiagnostics) = Parser.parse(file)
        var checker = Checker(file: file)
        let pack = checker.checkPack(syntax)
        var diagnostics = DiagnosedFile(file: file, diagnostics: syntaxDiagnostics + checker.diagnostics).diagnostics
        let hasErrors = diagnostics.contains { $0.severity == .error }
        if diagnostics.count > diagnosticLimit {
            // Like a compiler's error limit: the first ones, and how many more there were.
            let more = diagnostics.count - diagnosticLimit
            diagnostics.removeLast(more)
            diagnostics[diagnosticLimit - 1].notes.append("\(more) more diagnostic\(more == 1 ? "" : "s") in this file not shown (at most \(diagnosticLimit) are)")
        }
        return CheckResult(file: file, syntax: syntax, pack: hasErrors ? nil : Lowering.lower(pack), diagnostics: diagnostics)
    }

    /// The checked pack, or its diagnostics as the error: the one way a tool
    /// loads a pack it cannot use with errors.
    public static func pack(_ file: SourceFile) throws(PackErrors) -> CheckedPack {
        try check(file).checkedPack()
    }

    /// Most diagnostics reported for one file.
    public static let diagnosticLimit = 100

    /// Why `bytes` are a binary file rather than text (a NUL byte in them), naming Warden's own binary files; `nil` for text.
    static func binaryReason(_ bytes: [UInt8]) -> String? {
        guard bytes.contains(0) else { return nil }
        func starts(_ prefix: String) -> Bool { bytes.starts(with: Array(prefix.utf8)) }
        if starts("warden-fame ") { return "it looks like a FAME model (from `warden fame train`)" }
        if bytes.starts(with: [0x1F, 0x8B]) { return "it looks like a gzip file" }
        if bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "it looks like an executable (ELF)" }
        return "it holds NUL bytes, so it is a binary file"
    }
}

/// A pack that has errors: its diagnostics. The description renders them
/// as `warden check` does, without colour.
public struct PackErrors: Error, Sendable, CustomStringConvertible {
    public let diagnosed: DiagnosedFile

    public var description: String { HumanRenderer(colored: false).render(diagnosed) }
}
