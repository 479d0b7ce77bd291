import RuleLanguage

/// The inline suppression directives of a pack:
/// `// warden-lint: disable W1203, pinned-identifier -- reason`.
///
/// A directive in the comments before the pack header covers the whole file;
/// one among a rule's or a test's comments (before it or inside its body)
/// covers that rule or test. A directive must give a reason after `--`; one
/// without a reason, or naming no lint, silences nothing and is itself reported.
struct Suppressions {
    private struct Directive {
        let codes: [DiagnosticCode]
        let scope: SourceRange?
        let anchor: SourceRange
        let subject: String
        let text: String
        var used = false
    }

    private static let marker = "warden-lint:"
    private var directives: [Directive] = []
    private var malformed: [(LintDescriptor, LintFinding)] = []
    /// Findings silenced so far.
    private(set) var appliedCount = 0

    init(syntax: PackSyntax) {
        if let header = syntax.header {
            read(header.comments, scope: nil, anchor: header.name.range, subject: header.name.name)
        }
        for item in syntax.items {
            switch item {
            case .rule(let rule):
                let comments = rule.comments + rule.bindings.flatMap(\.comments) + rule.conditionComments + rule.trailingComments
                read(comments, scope: rule.range, anchor: rule.name.range, subject: rule.name.name)
            case .test(let test):
                read(test.comments, scope: test.range, anchor: test.name.range, subject: test.name.value)
            }
        }
    }

    private mutating func read(_ comments: [String], scope: SourceRange?, anchor: SourceRange, subject: String) {
        for comment in comments {
            let body = comment.drop { $0 == "/" }.trimmingLeadingSpaces()
            guard body.hasPrefix(Self.marker) else { continue }
            let directive = body.dropFirst(Self.marker.count).trimmingLeadingSpaces()
            guard directive.hasPrefix("disable") else {
                malformed.append((UnknownSuppressedCode.descriptor, LintFinding(
                    "a `warden-lint:` comment must say `disable CODE -- reason`", at: anchor, subject: subject,
                    notes: ["the comment reads: \(comment)"], help: ["write `// warden-lint: disable W1001 -- why this is fine`"])))
                continue
            }
            let rest = directive.dropFirst("disable".count)
            let parts = rest.split(separator: "--", maxSplits: 1, omittingEmptySubsequences: false)
            let names = parts[0].split { $0 == "," || $0 == " " }.map(String.init)
            let reason = parts.count > 1 ? parts[1].trimmingLeadingSpaces() : ""
            var codes: [DiagnosticCode] = []
            for name in names {
                if let descriptor = Linter.descriptor(named: name), !Linter.directiveLints.contains(where: { $0.descriptor.code == descriptor.code }) {
                    codes.append(descriptor.code)
                } else {
                    malformed.append((UnknownSuppressedCode.descriptor, LintFinding(
                        "`\(name)` names no lint that a directive can disable", at: anchor, subject: subject,
                        notes: ["the comment reads: \(comment)"], help: ["`warden explain --list` lists the lints' codes and names"])))
                }
            }
            guard !reason.allSatisfy(\.isWhitespace) else {
                malformed.append((SuppressionWithoutReason.descriptor, LintFinding(
                    "this suppression gives no reason, so it silences nothing", at: anchor, subject: subject,
                    notes: ["the comment reads: \(comment)"],
                    help: ["say why after `--`: `// warden-lint: disable \(names.first ?? "W1001") -- the id is the one faulty disk`"])))
                continue
            }
            guard !codes.isEmpty else { continue }
            directives.append(Directive(codes: codes, scope: scope, anchor: anchor, subject: subject, text: comment))
        }
    }

    /// Whether a directive silences `code` at `offset`; marks the directive used.
    mutating func suppress(_ code: DiagnosticCode, at offset: Int) -> Bool {
        guard let index = directives.firstIndex(where: { directive in
            directive.codes.contains(code) && (directive.scope.map { $0.start <= offset && offset <= $0.end } ?? true)
        }) else { return false }
        directives[index].used = true
        appliedCount += 1
        return true
    }

    /// Problems with the directives themselves: no reason, an unknown code, and (after every finding was offered) no use.
    func problems() -> [(LintDescriptor, LintFinding)] {
        malformed + directives.filter { !$0.used }.map { directive in
            (UnusedSuppression.descriptor, LintFinding(
                "this suppression silences nothing: no \(directive.codes.map(\.rawValue).joined(separator: ", ")) finding here",
                at: directive.anchor, subject: directive.subject, notes: ["the comment reads: \(directive.text)"],
                help: ["remove the comment"]))
        }
    }
}

extension StringProtocol {
    func trimmingLeadingSpaces() -> SubSequence {
        drop { $0 == " " || $0 == "\t" }
    }
}
