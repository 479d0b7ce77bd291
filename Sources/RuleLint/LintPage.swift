import RuleLanguage
import RuleRuntime
import WardenCore

/// A lint's documentation page in Markdown, with its examples and what the
/// linter reports on each (run when the page is rendered, so it cannot drift).
/// `warden explain` prints it and `docs/lints/CODE.md` holds it.
public enum LintPage {
    public static func markdown(for descriptor: LintDescriptor) -> String {
        var page = """
            # \(descriptor.code.rawValue): \(descriptor.summary)

            Lint `\(descriptor.name)` · category \(descriptor.category.rawValue) · default severity \(descriptor.severity.rawValue)\(descriptor.needsData ? " · needs `--data`" : "")

            \(descriptor.rationale)

            ## Examples

            """
        for example in descriptor.examples {
            let result = example.lint()
            let own = result.findings.map(\.diagnostic).filter { $0.code == descriptor.code }
            page += "\n" + (example.triggers ? "Reported:" : "Not reported:") + "\n\n```warden\n" + example.pack + "```\n"
            if !example.sample.isEmpty {
                page += "\nwith the sample (one window per line, lines separated by ` | `):\n\n```text\n"
                page += example.sample.map { "\($0.truth == .abnormal ? "abnormal" : "normal")  \($0.lines.joined(separator: " | "))" }
                    .joined(separator: "\n") + "\n```\n"
            }
            if !own.isEmpty {
                let reported = GCCRenderer().render(DiagnosedFile(file: result.file, diagnostics: own))
                page += "\n```text\n" + reported.trimmingSuffixNewlines() + "\n```\n"
            }
            if let fixed = example.fixed {
                page += "\n`warden lint --fix` makes it:\n\n```warden\n" + LintExample.triggering(fixed).pack + "```\n"
            }
        }
        return page
    }
}

extension LintExample {
    /// The example linted with the default configuration (and its sample, if any).
    public func lint() -> LintResult {
        let file = SourceFile(path: "example.warden", text: pack)
        var evidence: SampleEvidence?
        if !sample.isEmpty, let pack = Frontend.check(file).pack {
            let recorder = SampleRecorder(pack: pack, source: "the sample")
            for (index, window) in sample.enumerated() { recorder.record(Window(id: index, texts: window.lines), truth: window.truth) }
            evidence = recorder.evidence
        }
        return Linter().lint(file, sample: evidence)
    }
}
