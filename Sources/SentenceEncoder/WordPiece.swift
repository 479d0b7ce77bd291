import Foundation

/// BERT's uncased tokenizer: clean the text, lowercase and strip accents,
/// split on whitespace, punctuation and CJK characters, then split each word
/// into the longest vocabulary pieces from the left (`##` marks a piece that
/// continues a word; a word that cannot be split is `[UNK]`).
struct WordPiece: Sendable {
    private let ids: [String: Int32]
    let classifier: Int32
    let separator: Int32
    let unknown: Int32
    /// The highest id the vocabulary gives.
    let largestID: Int32
    private let longestWord = 100

    init(vocabulary url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw EncoderError.model("cannot read the vocabulary \(url.path): \(error.localizedDescription)")
        }
        var ids: [String: Int32] = [:]
        var index: Int32 = 0
        text.enumerateLines { line, _ in
            ids[line] = ids[line] ?? index
            index += 1
        }
        guard let classifier = ids["[CLS]"], let separator = ids["[SEP]"], let unknown = ids["[UNK]"] else {
            throw EncoderError.model("the vocabulary \(url.lastPathComponent) lacks [CLS], [SEP] or [UNK]")
        }
        self.ids = ids
        self.classifier = classifier
        self.separator = separator
        self.unknown = unknown
        largestID = index - 1
    }

    /// `[CLS]`, the pieces of `text`, `[SEP]`, at most `limit` ids in all.
    func encode(_ text: String, limit: Int) -> [Int32] {
        var out: [Int32] = [classifier]
        let room = limit - 1
        for word in words(text) {
            pieces(of: word, into: &out)
            if out.count >= room { break }
        }
        if out.count > room { out.removeLast(out.count - room) }
        out.append(separator)
        return out
    }

    /// The basic tokenizer's words: lowercase, accents stripped, punctuation and CJK characters on their own.
    func words(_ text: String) -> [String] {
        var words: [String] = []
        // Scalars gathered in an array: appending to a string's scalar view one by one is quadratic.
        var current: [Unicode.Scalar] = []
        func flush() {
            if !current.isEmpty { words.append(String(String.UnicodeScalarView(current))); current.removeAll(keepingCapacity: true) }
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                // ASCII, the common case, without Unicode tables.
                switch value {
                case 0x20, 0x09, 0x0A, 0x0D: flush()
                case 0..<0x20, 0x7F: continue
                case 33...47, 58...64, 91...96, 123...126: flush(); words.append(String(scalar))
                case 0x41...0x5A: current.append(Unicode.Scalar(value | 0x20)!)
                default: current.append(scalar)
                }
                continue
            }
            if value == 0xFFFD { continue }
            if Self.isWhitespace(scalar) { flush(); continue }
            if Self.isControl(scalar) { continue }
            if Self.isCJK(value) || Self.isPunctuation(scalar) { flush(); words.append(String(scalar)); continue }
            // Lowercase, then NFD with combining marks dropped.
            for lowered in String(scalar).lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
            where lowered.properties.generalCategory != .nonspacingMark {
                current.append(lowered)
            }
        }
        flush()
        return words
    }

    private func pieces(of word: String, into out: inout [Int32]) {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count <= longestWord else { out.append(unknown); return }
        var found: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var match: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = ids[piece] { match = id; break }
                end -= 1
            }
            guard let match else { out.append(unknown); return }
            found.append(match)
            start = end
        }
        out.append(contentsOf: found)
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        default: return scalar.properties.generalCategory == .spaceSeparator
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value) { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    private static func isCJK(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0x20000...0x2A6DF).contains(value)
            || (0x2A700...0x2B73F).contains(value) || (0x2B740...0x2B81F).contains(value) || (0x2B820...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }
}
