/// The documentation page of a diagnostic code, as Markdown. `warden explain`
/// prints it and `docs/diagnostics/CODE.md` holds it (a test keeps them equal).
public enum DiagnosticPage {
    public static func markdown(for code: DiagnosticCode) -> String {
        """
        # \(code.rawValue): \(code.title)

        Severity: \(code.severity.rawValue)

        \(code.explanation)

        """
    }
}
