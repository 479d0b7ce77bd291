/// The builtin reference as Markdown, generated from ``BuiltinFunction/all``
/// (`docs/builtins.md` holds it; a test keeps them equal).
public enum BuiltinReference {
    public static func markdown() -> String {
        var text = "# Builtin functions\n\nGenerated from the checker's builtin table; do not edit by hand.\n"
        for builtin in BuiltinFunction.all {
            text += "\n## `\(builtin.name)`\n\n"
            text += builtin.signatures.map { "    \($0)\n" }.joined()
            text += "\n\(builtin.summary)\n\n- Edge cases: \(builtin.edgeCases)\n- Cost: \(builtin.cost)\n"
        }
        return text
    }
}
