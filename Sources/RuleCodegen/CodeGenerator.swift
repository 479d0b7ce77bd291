import RuleLanguage

/// Compiles checked packs to Swift source that imports only `RuleRuntime`.
///
/// The output is deterministic (no timestamps, rules and tests in pack order),
/// readable (a named type per rule with its doc comment and attributes), and
/// safe: every string from the rule file is emitted through one escaping
/// function, and regex bytes as a byte array.
public enum CodeGenerator {
    /// The Swift source for `pack`; `sourcePath` is named in the header comment.
    public static func swiftSource(for pack: CheckedPack, sourcePath: String) -> String {
        var translator = Translator(pack: pack)
        return SwiftRenderer().render(translator.file(sourcePath: sourcePath))
    }

    /// The name of the type that exposes the pack (`bgl` → `BglPack`).
    public static func packTypeName(_ packName: String) -> String {
        Naming.typeName(packName, suffix: "Pack")
    }

    /// A Swift string literal holding exactly `text` (exposed for tests of the escaping).
    public static func stringLiteral(_ text: String) -> String {
        SwiftRenderer.stringLiteral(text)
    }
}
