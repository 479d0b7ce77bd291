import ArgumentParser
import PCRE2

/// `warden regex-check`: compile a PCRE2 pattern and optionally match subjects.
struct RegexCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regex-check",
        _superCommandName: "warden",
        abstract: "Compile a PCRE2 pattern the way rule packs do, and optionally match it.",
        discussion: """
            The pattern is compiled with UTF and invalid-UTF-8 matching, JIT-compiled \
            when possible. Exits 1 when the pattern does not compile or a match hits \
            a resource limit, 0 otherwise (also when a subject does not match).
            """
    )

    @Argument(help: "The PCRE2 pattern.")
    var pattern: String

    @Option(name: .customLong("subject"), help: "A subject to match (repeatable).")
    var subjects: [String] = []

    @Flag(name: [.customShort("i"), .long], help: "Match letters case-insensitively.")
    var caseInsensitive = false

    @Flag(name: .customLong("all"), help: "Report every match in each subject, not just the first.")
    var allMatches = false

    @Flag(name: .customLong("no-jit"), help: "Use PCRE2's interpreter instead of the JIT.")
    var noJIT = false

    @Option(name: .customLong("match-limit"), help: "PCRE2 match limit (backtracking steps).")
    var matchLimit: UInt32 = Pattern.Limits.default.matchLimit

    func run() throws {
        var limits = Pattern.Limits.default
        limits.matchLimit = matchLimit
        let compiled: Pattern
        do {
            compiled = try Pattern(
                pattern, options: caseInsensitive ? .caseInsensitive : [],
                limits: limits, jit: noJIT ? .disabled : .automatic)
        } catch {
            printError(error)
            throw ExitCode(1)
        }
        print(summary(of: compiled))
        var failed = false
        for subject in subjects {
            do {
                let matches = allMatches
                    ? try compiled.allMatches(in: subject)
                    : try compiled.firstMatch(in: subject).map { [$0] } ?? []
                print("subject \(quoted(subject)):")
                if matches.isEmpty { print("  no match") }
                for match in matches { print(describe(match, in: subject, pattern: compiled)) }
            } catch {
                print("subject \(quoted(subject)):")
                print("  error: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    private func summary(of compiled: Pattern) -> String {
        var text = "ok: \(compiled.captureCount) capture group\(compiled.captureCount == 1 ? "" : "s")"
        if !compiled.namedGroups.isEmpty {
            text += " (" + compiled.namedGroups.map { "\($0.index)=\($0.name)" }.joined(separator: ", ") + ")"
        }
        text += ", engine: \(compiled.engine.rawValue)"
        if let reason = compiled.jitUnavailableReason { text += " (JIT not used: \(reason))" }
        return text
    }

    private func printError(_ error: PatternError) {
        // Point a caret at the failing character: count display columns up to the byte offset.
        let bytes = Array(pattern.utf8)
        let prefix = String(decoding: bytes.prefix(min(error.offset, bytes.count)), as: UTF8.self)
        print("error: \(error.message) at byte \(error.offset) [PCRE2 \(error.code)]")
        print("  \(pattern)")
        print("  " + String(repeating: " ", count: prefix.count) + "^")
    }

    private func describe(_ match: Match, in subject: String, pattern compiled: Pattern) -> String {
        let bytes = Array(subject.utf8)
        func text(_ range: Range<Int>) -> String { quoted(String(decoding: bytes[range], as: UTF8.self)) }
        var lines = ["  match \(match.range.lowerBound)..<\(match.range.upperBound) \(text(match.range))"]
        for index in match.captures.indices {
            let group = index + 1
            let name = compiled.namedGroups.first { $0.index == group }.map { " <\($0.name)>" } ?? ""
            if let range = match.captures[index] {
                lines.append("    group \(group)\(name) \(range.lowerBound)..<\(range.upperBound) \(text(range))")
            } else {
                lines.append("    group \(group)\(name) unset")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
    }
}
