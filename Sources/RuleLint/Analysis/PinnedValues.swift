import PCRE2

/// A concrete value written into a rule where a class of values was meant: a
/// block id, an address, a node name. `abstraction` is the regex for the class.
struct PinnedValue: Sendable {
    /// What kind of value it is, for the message ("an IPv4 address").
    let kind: String
    /// The byte range in the text that was scanned.
    let range: Range<Int>
    /// A regex for the whole class, to put in its place.
    let abstraction: String
}

/// Finds pinned values in literal text. Each kind is a PCRE2 pattern tried in
/// order; a later kind never claims bytes an earlier one did.
enum PinnedValues {
    private struct Kind {
        let name: String
        let pattern: Pattern
        /// The regex that replaces a match, from the matched bytes.
        let abstraction: @Sendable ([UInt8]) -> String
    }

    private static func kind(_ name: String, _ pattern: String, _ abstraction: @escaping @Sendable ([UInt8]) -> String) -> Kind {
        // The patterns are constants of this file; a test compiles each.
        Kind(name: name, pattern: try! Pattern(bytes: Array(pattern.utf8)), abstraction: abstraction)
    }

    /// The bytes with every run of digits replaced by `\d+` and the rest escaped.
    static func digitsAbstracted(_ bytes: [UInt8]) -> String {
        var result = "", inDigits = false
        for byte in bytes {
            if byte.isASCIIDigit {
                if !inDigits { result += "\\d+" }
                inDigits = true
            } else {
                inDigits = false
                result += RegexText.escape([byte])
            }
        }
        return result
    }

    private static let kinds: [Kind] = [
        kind("a UUID", #"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"#) { _ in
            "[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
        },
        kind("an IPv4 address", #"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\d.])"#) { bytes in
            bytes.contains(UInt8(ascii: ":")) ? #"\d{1,3}(?:\.\d{1,3}){3}:\d+"# : #"\d{1,3}(?:\.\d{1,3}){3}"#
        },
        kind("a hex address", #"\b0x[0-9a-fA-F]{4,}\b"#) { _ in "0x[0-9a-fA-F]+" },
        kind("a hex identifier", #"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}\b"#) { _ in "[0-9a-f]+" },
        kind("an identifier with a number", #"\b[A-Za-z]+(?:_-?\d{3,})+\b"#) { bytes in
            // blk_-1608999687919862906 → blk_-?\d+; job_2015_0020 → job_-?\d+_\d+.
            let parts = bytes.split(separator: UInt8(ascii: "_"))
            return RegexText.escape(Array(parts[0])) + "_-?\\d+" + String(repeating: "_\\d+", count: max(0, parts.count - 2))
        },
        kind("a numbered node or host name", #"\b[A-Za-z]+\d+(?:[-:.][A-Za-z]+\d+){2,}\b"#) { digitsAbstracted($0) },
        kind("a user, job or host name", #"(?i)\b(?:user|uid|job|jobid|job_id|host|hostname|node|session|sid|pid|request_id|req_id)[=:] ?\K[^\s,;)\]]+"#) { _ in
            "\\S+"
        },
        kind("a number of four or more digits", #"(?<![\d.])\d{4,}(?![\d])"#) { _ in "\\d+" },
        kind("a home directory", #"/home/\K[\w.-]+"#) { _ in "[^/\\s]+" },
        kind("a path with a numbered part", #"(?:/[\w.-]+)*/[\w.-]*\d{2,}[\w.-]*(?:/[\w.-]+)*"#) { digitsAbstracted($0) },
    ]

    /// The pinned values in `text`, left to right, not overlapping.
    static func find(in text: [UInt8]) -> [PinnedValue] {
        var found: [PinnedValue] = []
        var claimed = [Bool](repeating: false, count: text.count)
        for kind in kinds {
            guard let matches = try? kind.pattern.allMatches(in: text) else { continue }
            for match in matches where !match.range.isEmpty && !match.range.contains(where: { claimed[$0] }) {
                let bytes = Array(text[match.range])
                found.append(PinnedValue(kind: kind.name, range: match.range, abstraction: kind.abstraction(bytes)))
                for index in match.range { claimed[index] = true }
            }
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// A regex for `text` with each pinned value replaced by its class: the fix for a pinned literal.
    static func abstracted(_ text: [UInt8], values: [PinnedValue]) -> String {
        var result = "", position = 0
        for value in values {
            result += RegexText.escape(Array(text[position..<value.range.lowerBound]))
            result += value.abstraction
            position = value.range.upperBound
        }
        return result + RegexText.escape(Array(text[position...]))
    }
}

/// Writing literal text into regex source.
enum RegexText {
    private static let special = Set(#"\^$.|?*+()[]{}/"#.utf8)

    /// `bytes` as a regex that matches exactly them (and a slash escaped, for a regex literal).
    static func escape(_ bytes: [UInt8]) -> String {
        var escaped: [UInt8] = []
        for byte in bytes {
            if special.contains(byte) { escaped.append(UInt8(ascii: "\\")) }
            escaped.append(byte)
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
