import PCRE2

/// A regex that tests one whitespace-separated field of a line, `^(?:\S+\s+){N}VALUE\s`
/// with VALUE a literal without whitespace: the level and component tests of BGL,
/// HDFS or Thunderbird lines (`/^(?:\S+\s+){7}FATAL\s/`), as the learner writes them.
///
/// The prefilter matches such regexes by fields, outside Vectorscan: Vectorscan 5.4.9
/// (Debian's) misses matches of them when two share a database, and which ones it
/// misses depends on where the scanned bytes sit in memory.
///
/// The answer is PCRE2's on ASCII lines: the line starts with a non-whitespace byte,
/// its field `N` (fields are runs of bytes other than PCRE2's `\s`: space, tab, line
/// feed, vertical tab, form feed, carriage return) equals VALUE (ASCII case folded
/// under `i`), and whitespace follows it. Other lines go to PCRE2, as for every regex.
struct FieldTest: Sendable, Hashable {
    /// The field's position, from 0.
    let field: Int
    /// The value (lower-cased when caseless).
    let value: [UInt8]
    let caseless: Bool

    /// The field test `pattern` stands for, or `nil` when it is not of that shape.
    init?(pattern: Pattern) {
        // `m` and `s` change nothing a line can show, nor `U` whether a line matches.
        guard pattern.options.isSubset(of: [.caseInsensitive, .multiline, .dotMatchesNewlines, .ungreedy]) else { return nil }
        self.init(source: pattern.source, caseless: pattern.options.contains(.caseInsensitive))
    }

    /// The field test `source` stands for, or `nil` when it is not of that shape.
    init?(source: [UInt8], caseless: Bool) {
        let prefix = Array(#"^(?:\S+\s+){"#.utf8), suffix = Array(#"\s"#.utf8)
        guard source.starts(with: prefix), source.count > prefix.count + suffix.count,
              Array(source.suffix(suffix.count)) == suffix,
              case let (field, valueStart)? = RegexSource.count(in: source[...], at: prefix.count) else { return nil }
        // (A source ending `\\s` is a backslash and an `s`: its value ends in a lone backslash and is refused.)
        let spelled = source[valueStart..<(source.count - suffix.count)]
        var value: [UInt8] = []
        var index = spelled.startIndex
        while index < spelled.endIndex {
            guard let (byte, next) = RegexSource.literal(in: spelled, at: index) else { return nil }
            value.append(TokenTemplate.folded(byte, caseless))
            index = next
        }
        guard !value.isEmpty else { return nil }
        self.field = field
        self.value = value
        self.caseless = caseless
    }
}

/// The field tests of a prefilter stage, matched in one walk over a line's first fields.
struct FieldIndex: Sendable {
    /// A field test and the line test it answers.
    struct Entry: Sendable {
        let test: Int
        let field: FieldTest
    }

    /// Ordered by field.
    private let entries: [Entry]

    init(_ entries: [Entry]) {
        self.entries = entries.sorted { ($0.field.field, $0.test) < ($1.field.field, $1.test) }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Calls `found` with the test of every field test the ASCII line `line` passes.
    func forEachMatch(in line: UnsafeBufferPointer<UInt8>, _ found: (Int) -> Void) {
        guard let bytes = line.baseAddress, !entries.isEmpty, !line.isEmpty, !TokenTemplate.isWhitespace(bytes[0]) else { return }
        var next = 0, field = 0, start = 0
        while next < entries.count, start < line.count {
            var end = start
            while end < line.count, !TokenTemplate.isWhitespace(bytes[end]) { end += 1 }
            // The field must be followed by whitespace (the line's end is not).
            while next < entries.count, entries[next].field.field == field {
                let test = entries[next].field
                if end < line.count, end - start == test.value.count,
                   (0..<test.value.count).allSatisfy({ TokenTemplate.folded(bytes[start + $0], test.caseless) == test.value[$0] }) {
                    found(entries[next].test)
                }
                next += 1
            }
            start = end
            while start < line.count, TokenTemplate.isWhitespace(bytes[start]) { start += 1 }
            field += 1
        }
    }
}
