/// What one diagnostic code means: its default severity, summary, explanation
/// and documentation page. The front end and the linter each contribute entries
/// to one ``DiagnosticRegistry``.
public struct DiagnosticEntry: Sendable {
    public let code: DiagnosticCode
    /// The severity the code has unless a configuration re-grades it.
    public let severity: Diagnostic.Severity
    /// A one-line summary.
    public let title: String
    /// When the code is reported and how to fix it, in Markdown.
    public let explanation: String
    /// A group the code belongs to, such as a lint category (`regex`, `overfitting`).
    public let category: String?
    /// The page's path in the repository, such as `docs/diagnostics/E0203.md`.
    public let pagePath: String
    /// The whole documentation page in Markdown, rendered on demand (its examples are run, so it cannot drift).
    public let page: @Sendable () -> String

    public init(code: DiagnosticCode, severity: Diagnostic.Severity, title: String, explanation: String,
                category: String? = nil, pagePath: String, page: @escaping @Sendable () -> String) {
        self.code = code
        self.severity = severity
        self.title = title
        self.explanation = explanation
        self.category = category
        self.pagePath = pagePath
        self.page = page
    }
}

/// Every diagnostic code a tool can report, each once: `warden explain`, the
/// SARIF `tool.driver.rules` and the documentation pages read it.
public struct DiagnosticRegistry: Sendable {
    /// The entries in code order.
    public let entries: [DiagnosticEntry]
    private let index: [DiagnosticCode: Int]

    /// A registry of `entries`; a code given twice is a programming error.
    public init(_ entries: [DiagnosticEntry]) {
        self.entries = entries.sorted { $0.code < $1.code }
        var index: [DiagnosticCode: Int] = [:]
        for (position, entry) in self.entries.enumerated() {
            precondition(index[entry.code] == nil, "diagnostic code \(entry.code) is registered twice")
            index[entry.code] = position
        }
        self.index = index
    }

    public subscript(code: DiagnosticCode) -> DiagnosticEntry? {
        index[code].map { entries[$0] }
    }

    /// The entry for a code as a user types it (`e0203` and `E0203` alike).
    public func entry(named name: String) -> DiagnosticEntry? {
        self[DiagnosticCode(name.uppercased())]
    }

    /// This registry and `other`'s entries together.
    public func adding(_ other: [DiagnosticEntry]) -> DiagnosticRegistry {
        DiagnosticRegistry(entries + other)
    }

    /// The front end's codes: lexer, parser, checker.
    public static let frontEnd = DiagnosticRegistry(DiagnosticCode.frontEnd.compactMap { code in
        code.frontEndDocumentation.map { documentation in
            DiagnosticEntry(code: code, severity: code.severity, title: documentation.title, explanation: documentation.explanation,
                            pagePath: "docs/diagnostics/\(code.rawValue).md", page: { frontEndPage(code, documentation) })
        }
    })

    /// A front-end code's page: its explanation, and its example pack with what the
    /// checker reports on it (run when the page is rendered).
    private static func frontEndPage(_ code: DiagnosticCode, _ documentation: DiagnosticDocumentation) -> String {
        var page = """
            # \(code.rawValue): \(documentation.title)

            Severity: \(code.severity.rawValue)

            \(documentation.explanation)

            """
        if let example = documentation.example {
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
    /// The text without the newlines it ends with.
    public func trimmingSuffixNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
