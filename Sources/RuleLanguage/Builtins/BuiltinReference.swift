/// The builtin reference as Markdown, generated from each builtin's
/// ``BuiltinDefinition`` (`docs/builtins.md` holds it; a test keeps them equal).
public enum BuiltinReference {
    public static func markdown() -> String {
        var text = "# Builtin functions\n\nGenerated from the builtin definitions (`Sources/RuleLanguage/Builtins/`, one file each); do not edit by hand.\n"
        text += "Every example is a condition that holds on the window of the lines shown; a test runs each one through the interpreter and the compiled Swift.\n"
        for builtin in BuiltinDefinition.all {
            text += "\n## `\(builtin.name)`\n\n"
            text += builtin.signatures.map { "    \($0)\n" }.joined()
            text += "\n\(builtin.summary)\n\n- Edge cases: \(builtin.edgeCases)\n- Cost: \(builtin.cost)\n"
            text += "\nExamples:\n\n"
            for example in builtin.examples {
                text += "    \(example.condition)"
                if !example.lines.isEmpty {
                    text += "    // lines: " + example.lines.map { "\"\($0)\"" }.joined(separator: ", ")
                }
                text += "\n"
            }
        }
        return text
    }
}

extension BuiltinReference {
    /// Every builtin example as a pack: rule `NAME_N` is example N of builtin
    /// NAME, so a test can run each example through every backend.
    public static func examplesPack() -> String {
        var text = "// Generated from the builtin definitions (Sources/RuleLanguage/Builtins/); do not edit by hand.\n"
        text += "pack builtin_examples version \"1.0.0\" description \"Each builtin's examples, one rule each.\"\n"
        for builtin in BuiltinDefinition.all {
            for (offset, example) in builtin.examples.enumerated() {
                text += "\n" + example.lines.map { "// line: \($0)\n" }.joined()
                text += "abnormal rule \(exampleRuleName(builtin.builtin, offset)) {\n    \(example.condition)\n}\n"
            }
        }
        return text
    }

    /// The rule of ``examplesPack()`` that holds example `offset` of `builtin`.
    public static func exampleRuleName(_ builtin: Builtin, _ offset: Int) -> String { "\(builtin.name)_\(offset + 1)" }
}
