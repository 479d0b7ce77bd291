import Foundation
import RuleLanguage

/// Findings accepted as they are, so that `warden lint --baseline FILE` reports only new ones.
///
/// A finding is remembered by its file, code, the rule or test it is about and its
/// message, not by its line, so that edits elsewhere in the pack do not revive it.
/// Each remembered finding absorbs one finding of the next run.
public struct LintBaseline: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        public let file: String
        public let code: String
        public let subject: String
        public let message: String
    }

    public var version = 1
    public var findings: [Entry]

    /// The lint findings of `results` (not the front end's).
    public init(results: [LintResult]) {
        findings = results.flatMap { result in
            result.findings.filter { !$0.subject.isEmpty }.map {
                Entry(file: result.file.path, code: $0.diagnostic.code.rawValue, subject: $0.subject, message: $0.diagnostic.message)
            }
        }
    }

    /// Reads a baseline written by ``write(to:)``.
    public static func read(from url: URL) throws(LintBaselineError) -> LintBaseline {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LintBaselineError(path: url.path, message: "cannot read it: \(error.localizedDescription)")
        }
        do {
            let baseline = try JSONDecoder().decode(LintBaseline.self, from: data)
            guard baseline.version == 1 else {
                throw LintBaselineError(path: url.path, message: "version \(baseline.version) is not one this warden reads (1)")
            }
            return baseline
        } catch let error as LintBaselineError {
            throw error
        } catch {
            throw LintBaselineError(path: url.path, message: "not a lint baseline (\(error))")
        }
    }

    /// Writes the baseline as sorted, pretty JSON (stable under review).
    public func write(to url: URL) throws(LintBaselineError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var sorted = self
        sorted.findings.sort { ($0.file, $0.code, $0.subject, $0.message) < ($1.file, $1.code, $1.subject, $1.message) }
        do {
            try (try encoder.encode(sorted) + Data("\n".utf8)).write(to: url, options: .atomic)
        } catch {
            throw LintBaselineError(path: url.path, message: "cannot write it: \(error.localizedDescription)")
        }
    }

    /// `results` without the findings this baseline accepts, and how many it absorbed.
    public func filter(_ results: [LintResult]) -> (results: [LintResult], absorbed: Int) {
        var remaining: [Entry: Int] = [:]
        for entry in findings { remaining[entry, default: 0] += 1 }
        var absorbed = 0
        let filtered = results.map { result in
            var result = result
            result.findings = result.findings.filter { finding in
                let entry = Entry(file: result.file.path, code: finding.diagnostic.code.rawValue, subject: finding.subject,
                                  message: finding.diagnostic.message)
                guard !finding.subject.isEmpty, let count = remaining[entry], count > 0 else { return true }
                remaining[entry] = count - 1
                absorbed += 1
                return false
            }
            return result
        }
        return (filtered, absorbed)
    }
}

/// A baseline file that cannot be read or written.
public struct LintBaselineError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String

    public var description: String { "\(path): \(message)" }
}
