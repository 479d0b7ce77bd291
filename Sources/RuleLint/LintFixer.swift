import RuleInterpreter
import RuleLanguage

/// Applies the lints' machine-applicable fix-its to a pack and leaves it in
/// canonical format. A fix is kept only when the pack still checks and every
/// pack test that passed before still passes.
public struct LintFixer: Sendable {
    public let linter: Linter

    public init(linter: Linter) {
        self.linter = linter
    }

    /// What fixing a pack did.
    public struct Outcome: Sendable {
        /// The fixed, formatted text (the original when nothing changed).
        public let text: String
        /// Fix-its applied.
        public let applied: Int
        /// Fix-its left out, with why.
        public let refused: [String]
    }

    /// Fixes `file` in rounds (a fix can reveal another) until no fix-it is left or `rounds` rounds have run.
    /// A round applies every fix-it whose edits do not overlap another's; when the result cannot be kept,
    /// it falls back to the first fix alone and leaves that one out for good if it alone cannot be kept.
    public func fix(_ file: SourceFile, sample: SampleEvidence? = nil, rounds: Int = 64) -> Outcome {
        var current = file
        var applied = 0
        var refused: [String] = []
        var rejected: Set<String> = []
        let original = String(decoding: file.bytes, as: UTF8.self)
        guard let baseline = Self.passingTests(current) else { return Outcome(text: original, applied: 0, refused: []) }
        for _ in 0..<rounds {
            var fixes: [(Diagnostic, Diagnostic.FixIt)] = []
            var taken: [SourceRange] = []
            for finding in linter.lint(current, sample: sample).findings {
                guard let fixIt = finding.diagnostic.fixIts.first, !finding.subject.isEmpty,
                      !rejected.contains(Self.key(finding.diagnostic, in: current)),
                      !fixIt.edits.contains(where: { edit in taken.contains { $0.overlaps(edit.range) } }) else { continue }
                fixes.append((finding.diagnostic, fixIt))
                taken += fixIt.edits.map(\.range)
            }
            guard let (firstDiagnostic, firstFix) = fixes.first else { break }
            let batch = Self.apply(fixes.flatMap(\.1.edits), to: current)
            if fixes.count > 1, Self.problem(with: batch, passing: baseline) == nil {
                current = batch
                applied += fixes.count
                continue
            }
            let single = Self.apply(firstFix.edits, to: current)
            if let reason = Self.problem(with: single, passing: baseline) {
                rejected.insert(Self.key(firstDiagnostic, in: current))
                let location = current.location(of: firstDiagnostic.range.start)
                refused.append("\(current.path):\(location.line):\(location.column): [\(firstDiagnostic.code.rawValue)] \(firstFix.message): not applied, \(reason)")
            } else {
                current = single
                applied += 1
            }
        }
        let formatted = Formatter().format(current) ?? String(decoding: current.bytes, as: UTF8.self)
        return Outcome(text: applied > 0 ? formatted : original, applied: applied, refused: refused)
    }

    /// What identifies a fix across rounds: its code and the text it is about.
    private static func key(_ diagnostic: Diagnostic, in file: SourceFile) -> String {
        diagnostic.code.rawValue + "@" + file.text(diagnostic.range)
    }

    private static func apply(_ edits: [Diagnostic.Edit], to file: SourceFile) -> SourceFile {
        var bytes = file.bytes
        for edit in edits.sorted(by: { $0.range.start > $1.range.start }) {
            bytes.replaceSubrange(edit.range.start..<edit.range.end, with: Array(edit.replacement.utf8))
        }
        return SourceFile(path: file.path, bytes: bytes)
    }

    /// The names of the pack tests that pass; `nil` when the pack does not check.
    private static func passingTests(_ file: SourceFile) -> Set<String>? {
        guard let pack = Frontend.check(file).pack else { return nil }
        return Set(PackTestRunner.run(pack).filter(\.passed).map(\.test.name))
    }

    /// Why a fixed pack cannot be kept, or `nil` when it can.
    private static func problem(with file: SourceFile, passing before: Set<String>) -> String? {
        guard let after = passingTests(file) else { return "the pack would no longer check" }
        let broken = before.subtracting(after)
        guard broken.isEmpty else { return "test \(broken.sorted().map { "\"\($0)\"" }.joined(separator: ", ")) would fail" }
        return nil
    }
}

extension SourceRange {
    /// Whether the two ranges share a byte, or are the same empty position.
    func overlaps(_ other: SourceRange) -> Bool {
        start < other.end && other.start < end || start == other.start
    }
}
