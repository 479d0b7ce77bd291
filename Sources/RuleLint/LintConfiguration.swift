import Foundation
import RuleLanguage
import TOMLKit

/// Which lints run and how severe their findings are, from `.warden-lint.toml`:
///
/// ```toml
/// disable = ["W1403", "missing-doc-comment"]
///
/// [severity]
/// W1301 = "error"          # error, warning, note or off
///
/// [data]
/// minimum-precision = 0.8  # for W1602
/// minimum-firings = 5
/// ```
public struct LintConfiguration: Sendable, Hashable {
    /// Lints that do not run.
    public var disabled: Set<DiagnosticCode> = []
    /// Severities that replace a lint's default.
    public var severities: [DiagnosticCode: Diagnostic.Severity] = [:]
    public var settings = LintSettings()

    /// The file name looked for in the current directory and its parents.
    public static let fileName = ".warden-lint.toml"

    public init() {}

    /// A configuration that runs only the lints of `categories` (what synthesis checks each candidate with).
    public static func only(_ categories: Set<LintCategory>) -> LintConfiguration {
        var configuration = LintConfiguration()
        configuration.disabled = Set(Linter.descriptors.filter { !categories.contains($0.category) }.map(\.code))
        return configuration
    }

    /// The severity a lint's findings get; `nil` when it is off.
    public func severity(of descriptor: LintDescriptor) -> Diagnostic.Severity? {
        disabled.contains(descriptor.code) ? nil : severities[descriptor.code] ?? descriptor.severity
    }

    /// Reads a configuration file's text; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws(LintConfigurationError) -> LintConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw LintConfigurationError(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw LintConfigurationError(path: path, line: nil, message: "\(error)")
        }
        var configuration = LintConfiguration()
        for key in table.keys {
            switch key {
            case "disable":
                guard let names = table[key]?.array else { throw LintConfigurationError(path: path, message: "`disable` must be an array of lint codes or names") }
                for name in names {
                    guard let text = name.string else { throw LintConfigurationError(path: path, message: "`disable` holds a value that is not a string") }
                    configuration.disabled.insert(try lint(named: text, path: path).code)
                }
            case "severity":
                guard let grades = table[key]?.table else { throw LintConfigurationError(path: path, message: "`[severity]` must be a table of lint = \"level\"") }
                for name in grades.keys {
                    let code = try lint(named: name, path: path).code
                    switch grades[name]?.string {
                    case "off": configuration.disabled.insert(code)
                    case let level?:
                        guard let severity = Diagnostic.Severity(rawValue: level) else {
                            throw LintConfigurationError(path: path, message: "severity of \(name) must be error, warning, note or off, not \"\(level)\"")
                        }
                        configuration.severities[code] = severity
                    case nil: throw LintConfigurationError(path: path, message: "severity of \(name) must be a string")
                    }
                }
            case "data":
                guard let data = table[key]?.table else { throw LintConfigurationError(path: path, message: "`[data]` must be a table") }
                for name in data.keys {
                    switch name {
                    case "minimum-precision":
                        guard let value = data[name]?.double ?? data[name]?.int.map(Double.init), (0...1).contains(value) else {
                            throw LintConfigurationError(path: path, message: "`minimum-precision` must be a number from 0 to 1")
                        }
                        configuration.settings.minimumPrecision = value
                    case "minimum-firings":
                        guard let value = data[name]?.int, value >= 1 else {
                            throw LintConfigurationError(path: path, message: "`minimum-firings` must be a whole number of at least 1")
                        }
                        configuration.settings.minimumFirings = value
                    default: throw LintConfigurationError(path: path, message: "unknown key `\(name)` in `[data]` (known: minimum-precision, minimum-firings)")
                    }
                }
            default:
                throw LintConfigurationError(path: path, message: "unknown key `\(key)` (known: disable, severity, data)")
            }
        }
        return configuration
    }

    private static func lint(named name: String, path: String) throws(LintConfigurationError) -> LintDescriptor {
        guard let descriptor = Linter.descriptor(named: name) else {
            throw LintConfigurationError(path: path, message: "`\(name)` names no lint; `warden explain --list` lists them")
        }
        return descriptor
    }

    /// The nearest `.warden-lint.toml` in `directory` or a parent of it.
    public static func find(from directory: URL) -> URL? {
        var current = directory.standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }
}

/// A configuration file that cannot be used, and why.
public struct LintConfigurationError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public var line: Int?
    public let message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
}
