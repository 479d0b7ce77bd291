/// Abstraction of log lines for the builtin learner: tokens holding digits
/// (numbers, ids, addresses, hex, timestamps) become variables; the rest stay
/// literal. Lines with equal pieces share one pattern.
enum LineTemplates {
    /// A line's tokens as literals, or `nil` for a token holding a digit (a variable).
    static func pieces(_ line: String) -> [String?] {
        var line = line
        return line.withUTF8 { pieces($0) }
    }

    /// The pieces of a line's bytes (tokens split on spaces and tabs), without
    /// decoding the line first: only literal tokens become strings.
    static func pieces(_ bytes: UnsafeBufferPointer<UInt8>) -> [String?] {
        var result: [String?] = []
        var index = 0
        let count = bytes.count
        while index < count {
            while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            let start = index
            var hasDigit = false
            while index < count, bytes[index] != 0x20, bytes[index] != 0x09 {
                if bytes[index] >= 0x30, bytes[index] <= 0x39 { hasDigit = true }
                index += 1
            }
            guard index > start else { continue }
            result.append(hasDigit ? nil : String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }
        return result
    }

    /// Escapes regex metacharacters (and `/`, which ends a rule-language regex literal).
    static func escape(_ literal: String) -> String {
        var out = ""
        for scalar in literal.unicodeScalars {
            if scalar.isASCII, !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == " ") {
                out += "\\"
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
