/// The documentation page of a diagnostic code, as Markdown: its explanation,
/// and its example pack with what the checker reports on it (run when the page
/// is rendered, so the page cannot drift from the checker). `warden explain`
/// prints it and `docs/diagnostics/CODE.md` holds it (a test keeps them equal).
public enum DiagnosticPage {
    public static func markdown(for code: DiagnosticCode) -> String {
        var page = """
            # \(code.rawValue): \(code.title)

            Severity: \(code.severity.rawValue)

            \(code.explanation)

            """
        if let example = code.documentation.example {
            let file = SourceFile(path: "example.warden", text: example + "\n")
            let reported = GCCRenderer().render(Frontend.check(file).diagnosed)
            page += """

                ## Example

                ```warden
                \(example)
                ```

                reports:

                ```text
                \(reported.trimmingSuffixNewlines())
                ```

                """
        }
        return page
    }
}

extension String {
    fileprivate func trimmingSuffixNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
