import Foundation
import PCRE2
import WardenCore

/// The windowing grammar of the command line: `N` (N lines, step N),
/// `N/STEP` (sliding), a duration such as `5m` (time windows), or `session`
/// (one window per session key), with the session and time-window limits.
public struct WindowSpec: Sendable {
    public var spec: String
    /// The session key regex; `nil` takes the format's default.
    public var sessionKey: String?
    /// Log time without a line after which a session closes (a duration), if any.
    public var idle: String?
    /// Lines at which a session or time window closes.
    public var maximumLines: Int

    public init(_ spec: String, sessionKey: String? = nil, idle: String? = nil, maximumLines: Int = 100_000) {
        self.spec = spec
        self.sessionKey = sessionKey
        self.idle = idle
        self.maximumLines = maximumLines
    }

    /// Why a spec is refused, naming the option to fix.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The session key pattern: `--session-key`, or the format's default.
    public func sessionKeyPattern(for format: LogFormat) throws(Invalid) -> Pattern? {
        guard let source = sessionKey ?? format.defaultSessionKey else { return nil }
        do { return try Pattern(source) } catch { throw Invalid(description: "--session-key: \(error)") }
    }

    /// The policy the spec names for input of `format`.
    public func policy(for format: LogFormat) throws(Invalid) -> WindowPolicy {
        let spec = self.spec.trimmingCharacters(in: .whitespaces)
        if spec == "session" {
            guard let key = try sessionKeyPattern(for: format) else {
                throw Invalid(description: "--window session needs --session-key for format \(format.rawValue)")
            }
            var idleMilliseconds: Int64?
            if let idle {
                guard let value = Durations.milliseconds(idle), value > 0 else {
                    throw Invalid(description: "--idle: expected a duration like 30s, got \(idle)")
                }
                idleMilliseconds = value
            }
            guard maximumLines >= 1 else { throw Invalid(description: "--max-window-lines must be positive") }
            return .session(key: key, idleMilliseconds: idleMilliseconds, maximumLines: maximumLines)
        }
        if let milliseconds = Durations.milliseconds(spec) {
            guard milliseconds > 0 else { throw Invalid(description: "--window: a time window must be longer than 0") }
            guard maximumLines >= 1 else { throw Invalid(description: "--max-window-lines must be positive") }
            return .time(milliseconds: milliseconds, maximumLines: maximumLines)
        }
        let parts = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let size = Int(parts[0]), size >= 1,
              let step = parts.count == 2 ? Int(parts[1]) : size, step >= 1 else {
            throw Invalid(description: "--window: expected N, N/STEP, a duration like 5m, or session; got \(self.spec)")
        }
        return .count(size: size, step: step)
    }
}
