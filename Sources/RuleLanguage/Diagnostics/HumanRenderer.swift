/// Renders diagnostics as annotated source, with carets under the primary
/// range and dashes under secondary ones; ANSI colour only when asked.
public struct HumanRenderer: Sendable {
    public var colored: Bool

    public init(colored: Bool = false) {
        self.colored = colored
    }

    public func render(_ file: DiagnosedFile) -> String {
        file.diagnostics.map { render($0, in: file.file) }.joined(separator: "\n")
    }

    public func render(_ diagnostic: Diagnostic, in file: SourceFile) -> String {
        let start = file.location(of: diagnostic.range.start)
        var labels = [(range: diagnostic.range, message: diagnostic.label ?? "", primary: true)]
        labels += diagnostic.secondary.map { ($0.range, $0.message, false) }
        let lines = Set(labels.map { file.location(of: $0.range.start).line }).sorted()
        let gutterWidth = String(lines.last ?? 1).count
        let gutter = String(repeating: " ", count: gutterWidth)
        let severityColor = diagnostic.severity == .error ? "31" : diagnostic.severity == .warning ? "33" : "36"

        var output = paint("\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]", "1;\(severityColor)")
            + paint(": \(visible(diagnostic.message))", "1") + "\n"
        output += gutter + paint("--> ", "34") + "\(file.path):\(start.line):\(start.column)\n"
        output += gutter + paint(" |", "34") + "\n"
        var previousLine: Int?
        for line in lines {
            if let previousLine, line > previousLine + 1 { output += paint("...", "34") + "\n" }
            previousLine = line
            let lineRange = file.lineRange(line)
            let onLine = labels
                .filter { file.location(of: $0.range.start).line == line }
                .sorted { ($0.primary ? 0 : 1, $0.range.start) < ($1.primary ? 0 : 1, $1.range.start) }
            var placedOnLine: [PlacedLabel] = onLine.map { label in
                let startByte = max(label.range.start, lineRange.lowerBound)
                let endByte = min(max(label.range.end, startByte + 1), lineRange.upperBound + 1)
                let padding = displayPadding(file, from: lineRange.lowerBound, to: startByte)
                let width = max(1, String(decoding: file.bytes[min(startByte, file.bytes.count)..<min(endByte, file.bytes.count)], as: UTF8.self).count)
                return PlacedLabel(column: padding.count, width: width, padding: padding, message: visible(label.message), primary: label.primary)
            }
            let text = Self.echo(visible(file.lineText(line)), labels: &placedOnLine)
            output += paint(String(line).leftPadded(to: gutterWidth) + " |", "34") + " " + text + "\n"
            // Place each label on the first marker row where it does not overlap another.
            var rows: [[PlacedLabel]] = []
            for placed in placedOnLine {
                if let row = rows.firstIndex(where: { $0.allSatisfy { $0.column + $0.width <= placed.column || placed.column + placed.width <= $0.column } }) {
                    rows[row].append(placed)
                } else {
                    rows.append([placed])
                }
            }
            for row in rows {
                let sorted = row.sorted { $0.column < $1.column }
                var markers = ""
                var markerColumn = 0
                for label in sorted {
                    markers += String(label.padding.dropFirst(markerColumn))
                    markers += paint(String(repeating: label.primary ? "^" : "-", count: label.width), style(label, severityColor))
                    markerColumn = label.column + label.width
                }
                // The rightmost message goes on the marker row; others get rows of their own.
                let messages = sorted.filter { !$0.message.isEmpty }
                if let last = messages.last, last.column == sorted.last?.column {
                    markers += " " + paint(last.message, style(last, severityColor))
                }
                output += gutter + paint(" |", "34") + " " + markers + "\n"
                for label in messages.reversed() where label.column != sorted.last?.column || label.message != messages.last?.message {
                    output += gutter + paint(" |", "34") + " " + label.padding + paint(label.message, style(label, severityColor)) + "\n"
                }
            }
        }
        for note in diagnostic.notes { output += gutter + paint(" = ", "34") + paint("note", "1") + ": \(visible(note))\n" }
        for help in diagnostic.help { output += paint("help", "1;36") + ": \(visible(help))\n" }
        for fixIt in diagnostic.fixIts where !diagnostic.help.contains(where: { $0.contains(fixIt.message) }) {
            output += paint("fix-it", "1;32") + ": \(visible(fixIt.message))\n"
        }
        return output
    }

    private struct PlacedLabel {
        var column: Int
        var width: Int
        var padding: String
        let message: String
        let primary: Bool
    }

    /// Most characters of a source line echoed; a longer line is shown as a
    /// window around its first label, with `…` where it was cut.
    static let echoWidth = 120

    /// The line as echoed, and its labels moved to match.
    private static func echo(_ text: String, labels: inout [PlacedLabel]) -> String {
        let characters = Array(text)
        guard characters.count > echoWidth else { return text }
        let anchor = labels.first?.column ?? 0
        let lower = max(0, min(anchor - echoWidth / 3, characters.count - echoWidth))
        let upper = min(characters.count, lower + echoWidth)
        let lead = lower > 0 ? 1 : 0
        for index in labels.indices {
            let column = min(max(labels[index].column, lower), upper)
            labels[index].padding = String(repeating: " ", count: lead) + String(labels[index].padding.dropFirst(lower).prefix(column - lower))
            labels[index].column = labels[index].padding.count
            labels[index].width = max(1, min(labels[index].width, upper - column))
        }
        return (lower > 0 ? "…" : "") + String(characters[lower..<upper]) + (upper < characters.count ? "…" : "")
    }

    private func style(_ label: PlacedLabel, _ severityColor: String) -> String {
        label.primary ? "1;\(severityColor)" : "1;34"
    }

    /// Whitespace as wide as the text between two offsets on one line (tabs kept).
    private func displayPadding(_ file: SourceFile, from start: Int, to end: Int) -> String {
        let prefix = String(decoding: file.bytes[start..<max(start, min(end, file.bytes.count))], as: UTF8.self)
        return String(prefix.map { $0 == "\t" ? "\t" : " " })
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Renders diagnostics one per line as `file:line:col: severity: message [CODE]`,
/// the form compilers print and SwiftPM and Xcode understand; secondary ranges,
/// notes and help become `note:` lines.
public struct GCCRenderer: Sendable {
    public init() {}

    public func render(_ file: DiagnosedFile) -> String {
        var lines: [String] = []
        for diagnostic in file.diagnostics {
            let start = file.file.location(of: diagnostic.range.start)
            lines.append("\(file.file.path):\(start.line):\(start.column): \(diagnostic.severity.rawValue): \(visible(diagnostic.message)) [\(diagnostic.code.rawValue)]")
            for label in diagnostic.secondary {
                let location = file.file.location(of: label.range.start)
                lines.append("\(file.file.path):\(location.line):\(location.column): note: \(visible(label.message))")
            }
            for text in diagnostic.notes + diagnostic.help {
                lines.append("\(file.file.path):\(start.line):\(start.column): note: \(visible(text))")
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Text as a terminal should show it: C0 control characters (but tab) and DEL
/// become their Unicode control pictures (`␀`, `␛`, `␡`), one column each, so
/// a pack cannot send escape sequences to the terminal through a diagnostic
/// and carets stay aligned under the echoed source.
func visible(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x09: out.append(scalar)
        case 0..<0x20: out.append(UnicodeScalar(0x2400 + scalar.value)!)
        case 0x7F: out.append(UnicodeScalar(0x2421)!)
        default: out.append(scalar)
        }
    }
    return String(out)
}
