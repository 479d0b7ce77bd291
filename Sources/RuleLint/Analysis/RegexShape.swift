/// A set of bytes, for reasoning about which characters a regex piece can start with.
struct ByteSet: Hashable, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static let all: ByteSet = { var set = ByteSet(); set.insert(0...255); return set }()

    init() {}

    init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    func union(_ other: ByteSet) -> ByteSet {
        var set = self
        set.words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
        return set
    }

    func intersects(_ other: ByteSet) -> Bool {
        words.0 & other.words.0 != 0 || words.1 & other.words.1 != 0 || words.2 & other.words.2 != 0 || words.3 & other.words.3 != 0
    }

    var inverted: ByteSet {
        var set = self
        set.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return set
    }

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

/// The structure of a PCRE2 pattern as far as the regex lints need it: literal
/// bytes, character sets, anchors, groups with their alternatives and
/// repetitions. What it does not model (lookarounds, back-references, Unicode
/// properties, verbs) is `opaque`, and lints stay silent about it.
indirect enum RegexNode: Sendable {
    /// One byte matched exactly, and where it was written in the pattern.
    case literal(UInt8, source: Range<Int>)
    /// One character from a set (`.`, `\d`, `[a-z]`); bytes ≥ 0x80 stand for any non-ASCII character.
    case set(ByteSet)
    /// A zero-width assertion: `^`, `$`, `\b` and the like.
    case anchor(UInt8)
    /// A group; `alternatives` are its branches, each a sequence, with their source ranges.
    case group(capturing: Bool, alternatives: [RegexSequence])
    /// A repeated piece; `maximum` is `nil` when unbounded. `possessive` repeats never backtrack.
    case repeated(RegexNode, minimum: Int, maximum: Int?, possessive: Bool)
    /// A construct the shape does not model.
    case opaque
}

/// A sequence of nodes: one branch of an alternation, and where it was written.
struct RegexSequence: Sendable {
    var nodes: [RegexNode]
    var source: Range<Int>
}

/// A parsed pattern: its top-level alternatives.
struct RegexShape: Sendable {
    let alternatives: [RegexSequence]
    let caseInsensitive: Bool
    let extended: Bool

    /// Parses `pattern` (PCRE2 syntax that already compiled); `nil` for syntax the shape does not follow.
    init?(pattern: [UInt8], flags: String) {
        caseInsensitive = flags.contains("i")
        extended = flags.contains("x")
        if extended { return nil }
        var parser = RegexShapeParser(bytes: pattern)
        guard let alternatives = parser.parseAlternatives(), parser.position == pattern.count else { return nil }
        self.alternatives = alternatives
    }

    /// The pattern as a plain literal, with whether it is anchored at the start and the end:
    /// `nil` when it holds anything but literal bytes (and `^` first, `$` last).
    var plainLiteral: (text: [UInt8], anchoredStart: Bool, anchoredEnd: Bool)? {
        guard alternatives.count == 1, !caseInsensitive else { return nil }
        var nodes = alternatives[0].nodes[...]
        var anchoredStart = false, anchoredEnd = false
        if case .anchor(UInt8(ascii: "^")) = nodes.first { anchoredStart = true; nodes = nodes.dropFirst() }
        if case .anchor(UInt8(ascii: "$")) = nodes.last { anchoredEnd = true; nodes = nodes.dropLast() }
        var text: [UInt8] = []
        for node in nodes {
            guard case .literal(let byte, _) = node else { return nil }
            text.append(byte)
        }
        guard !text.isEmpty else { return nil }
        return (text, anchoredStart, anchoredEnd)
    }

    /// The pattern as an alternation of plain literals (`ERROR|FATAL`, `(ERROR|FATAL)`), unanchored.
    var literalAlternatives: [[UInt8]]? {
        guard !caseInsensitive else { return nil }
        var branches = alternatives
        if branches.count == 1, branches[0].nodes.count == 1, case .group(_, let inner) = branches[0].nodes[0] { branches = inner }
        guard branches.count > 1 else { return nil }
        var literals: [[UInt8]] = []
        for branch in branches {
            var text: [UInt8] = []
            for node in branch.nodes {
                guard case .literal(let byte, _) = node else { return nil }
                text.append(byte)
            }
            guard !text.isEmpty else { return nil }
            literals.append(text)
        }
        return literals
    }

    /// Runs of literal bytes that every match contains, each with the source range of every byte.
    var requiredLiteralRuns: [[(byte: UInt8, source: Range<Int>)]] {
        guard alternatives.count == 1, !caseInsensitive else { return [] }
        var runs: [[(byte: UInt8, source: Range<Int>)]] = []
        var current: [(byte: UInt8, source: Range<Int>)] = []
        for node in alternatives[0].nodes {
            if case .literal(let byte, let source) = node {
                current.append((byte, source))
            } else if case .anchor = node {
                continue
            } else {
                if !current.isEmpty { runs.append(current) }
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Every run of literal bytes written in the pattern, at any depth (for finding pinned values).
    var literalRuns: [[(byte: UInt8, source: Range<Int>)]] {
        var runs: [[(byte: UInt8, source: Range<Int>)]] = []
        func visit(_ sequence: RegexSequence) {
            var current: [(byte: UInt8, source: Range<Int>)] = []
            func flush() { if !current.isEmpty { runs.append(current) }; current = [] }
            for node in sequence.nodes {
                switch node {
                case .literal(let byte, let source): current.append((byte, source))
                case .group(_, let alternatives): flush(); alternatives.forEach(visit)
                case .repeated(let inner, _, _, _):
                    flush()
                    if case .group(_, let alternatives) = inner { alternatives.forEach(visit) }
                default: flush()
                }
            }
            flush()
        }
        alternatives.forEach(visit)
        return runs
    }

    /// Whether the pattern has a capture group.
    var hasCapturingGroup: Bool {
        func capturing(_ node: RegexNode) -> Bool {
            switch node {
            case .group(let isCapturing, let alternatives): return isCapturing || alternatives.contains { $0.nodes.contains(where: capturing) }
            case .repeated(let inner, _, _, _): return capturing(inner)
            case .literal, .set, .anchor, .opaque: return false
            }
        }
        return alternatives.contains { $0.nodes.contains(where: capturing) }
    }

    /// Whether any literal byte of the pattern is an ASCII letter (what `i` acts on).
    var hasLetters: Bool {
        func letters(_ node: RegexNode) -> Bool {
            switch node {
            case .literal(let byte, _): return byte.isASCIILetter
            case .set(let set): return !Self.isCaseClosed(set)
            case .group(_, let alternatives): return alternatives.contains { $0.nodes.contains(where: letters) }
            case .repeated(let inner, _, _, _): return letters(inner)
            case .anchor: return false
            case .opaque: return true
            }
        }
        return alternatives.contains { $0.nodes.contains(where: letters) }
    }

    /// A set that holds each letter with its other case, or neither (such as `\w` or `\d`), which `i` cannot change.
    private static func isCaseClosed(_ set: ByteSet) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).allSatisfy { set.contains($0) == set.contains($0 - 32) }
    }
}

/// The bytes a node can start a match with, and whether it can match the empty string.
extension RegexNode {
    var canBeEmpty: Bool {
        switch self {
        case .literal, .set: false
        case .anchor, .opaque: true
        case .group(_, let alternatives): alternatives.contains { $0.canBeEmpty }
        case .repeated(let inner, let minimum, _, _): minimum == 0 || inner.canBeEmpty
        }
    }

    func firstBytes(caseInsensitive: Bool) -> ByteSet {
        switch self {
        case .literal(let byte, _):
            var set = ByteSet([byte])
            if caseInsensitive, byte.isASCIILetter { set.insert(byte ^ 0x20) }
            return set
        case .set(let set): return set
        case .anchor: return ByteSet()
        case .opaque: return ByteSet.all
        case .group(_, let alternatives):
            return alternatives.reduce(ByteSet()) { $0.union($1.firstBytes(caseInsensitive: caseInsensitive)) }
        case .repeated(let inner, _, _, _): return inner.firstBytes(caseInsensitive: caseInsensitive)
        }
    }
}

extension RegexSequence {
    var canBeEmpty: Bool { nodes.allSatisfy(\.canBeEmpty) }

    func firstBytes(caseInsensitive: Bool) -> ByteSet {
        var set = ByteSet()
        for node in nodes {
            set = set.union(node.firstBytes(caseInsensitive: caseInsensitive))
            if !node.canBeEmpty { break }
        }
        return set
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isASCIIDigit: Bool { (0x30...0x39).contains(self) }
}

/// A recursive-descent reader of the PCRE2 syntax the shape models.
private struct RegexShapeParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    mutating func parseAlternatives() -> [RegexSequence]? {
        var alternatives: [RegexSequence] = []
        while true {
            guard let sequence = parseSequence() else { return nil }
            alternatives.append(sequence)
            guard peek() == UInt8(ascii: "|") else { return alternatives }
            position += 1
        }
    }

    private mutating func parseSequence() -> RegexSequence? {
        let start = position
        var nodes: [RegexNode] = []
        while let byte = peek(), byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            guard let atom = parseAtom() else { return nil }
            nodes.append(parseQuantifier(on: atom))
        }
        return RegexSequence(nodes: nodes, source: start..<position)
    }

    private mutating func parseQuantifier(on atom: RegexNode) -> RegexNode {
        guard let byte = peek() else { return atom }
        var minimum = 0, maximum: Int? = nil
        switch byte {
        case UInt8(ascii: "*"): position += 1
        case UInt8(ascii: "+"): minimum = 1; position += 1
        case UInt8(ascii: "?"): maximum = 1; position += 1
        case UInt8(ascii: "{"):
            guard let (low, high, length) = braces() else { return atom }
            minimum = low
            maximum = high
            position += length
        default: return atom
        }
        var possessive = false
        if peek() == UInt8(ascii: "+") { possessive = true; position += 1 } else if peek() == UInt8(ascii: "?") { position += 1 }
        return parseQuantifier(on: .repeated(atom, minimum: minimum, maximum: maximum, possessive: possessive))
    }

    /// `{n}`, `{n,}`, `{n,m}` at the position: the bounds and the length; `nil` when the brace is a literal.
    private func braces() -> (Int, Int?, Int)? {
        var index = position + 1
        func number() -> Int? {
            var value: Int?
            while index < bytes.count, bytes[index].isASCIIDigit {
                value = (value ?? 0) &* 10 &+ Int(bytes[index] - 0x30)
                index += 1
            }
            return value
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
            index += 1
            high = number()
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return nil }
        return (low, high, index + 1 - position)
    }

    private mutating func parseAtom() -> RegexNode? {
        guard let byte = peek() else { return nil }
        let start = position
        switch byte {
        case UInt8(ascii: "("):
            position += 1
            var capturing = true
            if peek() == UInt8(ascii: "?") {
                capturing = false
                switch peek(1) {
                case UInt8(ascii: ":"): position += 2
                case UInt8(ascii: "<") where peek(2) != UInt8(ascii: "=") && peek(2) != UInt8(ascii: "!"):
                    // A named group: (?<name>...).
                    position += 2
                    while let next = peek(), next != UInt8(ascii: ">") { position += 1 }
                    position += 1
                    capturing = true
                case UInt8(ascii: "P") where peek(2) == UInt8(ascii: "<"):
                    position += 3
                    while let next = peek(), next != UInt8(ascii: ">") { position += 1 }
                    position += 1
                    capturing = true
                default:
                    // Lookarounds, atomic groups, options, comments: skip to the matching parenthesis.
                    return skipGroup()
                }
            }
            guard let alternatives = parseAlternatives(), peek() == UInt8(ascii: ")") else { return nil }
            position += 1
            return .group(capturing: capturing, alternatives: alternatives)
        case UInt8(ascii: "["):
            return parseClass()
        case UInt8(ascii: "."):
            position += 1
            return .set(ByteSet([0x0A]).inverted)
        case UInt8(ascii: "^"), UInt8(ascii: "$"):
            position += 1
            return .anchor(byte)
        case UInt8(ascii: "\\"):
            return parseEscape()
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            return nil
        default:
            position += 1
            if byte >= 0x80 { return .set(ByteSet((0x80...0xFF).map { UInt8($0) })) }
            return .literal(byte, source: start..<position)
        }
    }

    private mutating func skipGroup() -> RegexNode? {
        var depth = 0
        while let byte = peek() {
            position += 1
            if byte == UInt8(ascii: "\\") { position += 1; continue }
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") {
                if depth == 0 { return .opaque }
                depth -= 1
            }
        }
        return nil
    }

    private static let digits = ByteSet(UInt8(ascii: "0")...UInt8(ascii: "9"))
    private static let word: ByteSet = {
        var set = ByteSet(UInt8(ascii: "0")...UInt8(ascii: "9"))
        set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
        set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        set.insert(UInt8(ascii: "_"))
        return set
    }()
    private static let space = ByteSet([0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D])

    /// The set a class escape (`\d`, `\W`, ...) stands for, when it is one.
    private static func classEscape(_ byte: UInt8) -> ByteSet? {
        switch byte {
        case UInt8(ascii: "d"): digits
        case UInt8(ascii: "D"): digits.inverted
        case UInt8(ascii: "w"): word
        case UInt8(ascii: "W"): word.inverted
        case UInt8(ascii: "s"): space
        case UInt8(ascii: "S"): space.inverted
        case UInt8(ascii: "h"): ByteSet([0x20, 0x09])
        case UInt8(ascii: "N"): ByteSet([0x0A]).inverted
        default: nil
        }
    }

    /// The byte a character escape stands for (`\.`, `\t`), when it is one.
    private static func characterEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "e"): 0x1B
        case UInt8(ascii: "a"): 0x07
        default: byte.isASCIILetter || byte.isASCIIDigit || byte >= 0x80 ? nil : byte
        }
    }

    private mutating func parseEscape() -> RegexNode? {
        let start = position
        guard let next = peek(1) else { return nil }
        position += 2
        if let set = Self.classEscape(next) { return .set(set) }
        switch next {
        case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"), UInt8(ascii: "G"):
            return .anchor(next)
        default: break
        }
        if let byte = Self.characterEscape(next) { return .literal(byte, source: start..<position) }
        // Back-references, \p{..}, \x{..}, \Q..\E and the rest.
        if peek() == UInt8(ascii: "{") {
            while let byte = peek(), byte != UInt8(ascii: "}") { position += 1 }
            position += 1
        }
        return .opaque
    }

    private mutating func parseClass() -> RegexNode? {
        position += 1
        var set = ByteSet()
        var negated = false
        if peek() == UInt8(ascii: "^") { negated = true; position += 1 }
        var first = true
        var previous: UInt8?
        while let byte = peek() {
            if byte == UInt8(ascii: "]") && !first { break }
            first = false
            if byte == UInt8(ascii: "[") && peek(1) == UInt8(ascii: ":") {
                // A POSIX class such as [:alpha:]: treat as anything ASCII.
                while let next = peek(), next != UInt8(ascii: "]") { position += 1 }
                position += 1
                set.insert(0...0x7F)
                previous = nil
                continue
            }
            if byte == UInt8(ascii: "-"), let low = previous, let high = peek(1), high != UInt8(ascii: "]"), high != UInt8(ascii: "\\") {
                if low <= high { set.insert(low...high) }
                position += 2
                previous = nil
                continue
            }
            if byte == UInt8(ascii: "\\") {
                guard let next = peek(1) else { return nil }
                position += 2
                if let escaped = Self.classEscape(next) {
                    set = set.union(escaped)
                    previous = nil
                } else if let literal = Self.characterEscape(next) {
                    set.insert(literal)
                    previous = literal
                } else {
                    set.insert(0...0xFF)
                    previous = nil
                }
                continue
            }
            position += 1
            set.insert(byte >= 0x80 ? 0x80 : byte)
            if byte >= 0x80 { set.insert(0x80...0xFF) }
            previous = byte < 0x80 ? byte : nil
        }
        guard peek() == UInt8(ascii: "]") else { return nil }
        position += 1
        return .set(negated ? set.inverted : set)
    }
}
