import Foundation
import RuleLanguage

/// The front end on any bytes: every error is a diagnostic inside the input, and
/// what the formatter prints parses again without syntax errors.
enum PackTarget {
    static func run(_ bytes: [UInt8]) throws(FuzzFailure) {
        let file = SourceFile(path: "fuzz.warden", bytes: bytes)
        let result = Frontend.check(file)
        if let outside = result.diagnostics.first(where: { $0.range.start > bytes.count || $0.range.end > bytes.count + 1 }) {
            throw FuzzFailure("\(outside.code.rawValue) at \(outside.range.start)..<\(outside.range.end) lies outside the \(bytes.count)-byte input")
        }
        // Rendering is exercised on the first few diagnostics (it is the slow part of a debug build).
        for diagnostic in result.diagnostics.prefix(3) { _ = HumanRenderer().render(diagnostic, in: file) }
        _ = GCCRenderer().render(result.diagnosed)
        if let formatted = Formatter().format(file) {
            let again = Parser.parse(SourceFile(path: "formatted.warden", text: formatted))
            if again.diagnostics.contains(where: { $0.severity == .error && $0.code.rawValue < "E0200" }) {
                throw FuzzFailure("formatted output does not parse: \(formatted)")
            }
        }
    }
}
