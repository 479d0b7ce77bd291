import PCRE2

/// A regex in the shape of a log template: tokens separated by single spaces,
/// each token a literal word or `\S+` (a variable), anchored at the line's end,
/// such as `/generating \S+$/` or `/^(?:\S+ ){7}FATAL data TLB error interrupt$/i`.
///
/// Packs written from Drain templates are made of such regexes, and Vectorscan
/// scans them slowly (every `\S+` and the end anchor need an automaton). The
/// prefilter matches them instead by tokens: a ``TemplateIndex`` looks up one
/// token of each line in a hash table, so the cost per line does not grow with
/// the number of templates, and verifies the few templates it finds.
///
/// The answer is PCRE2's on ASCII lines: split on single spaces, the last tokens
/// of the line must be the template's tokens (a literal equal to its word, ASCII
/// case folded under `i`; a variable a non-empty token without whitespace). When
/// the start is not anchored, the first template token may match the end of a
/// longer line token. Other lines go to PCRE2, as for every regex.
struct TokenTemplate: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        /// A literal word (lower-cased when the template is caseless).
        case word([UInt8])
        /// `\S+`.
        case variable
    }

    let tokens: [Token]
    /// Whether the template starts at the line's start (`^`); otherwise its first token may match a suffix.
    let anchoredStart: Bool
    let caseless: Bool

    /// The template `pattern` stands for, or `nil` when it is not of that shape.
    init?(pattern: Pattern) {
        // `m` and `s` change nothing a line can show, nor `U` whether a line matches.
        guard pattern.options.isSubset(of: [.caseInsensitive, .multiline, .dotMatchesNewlines, .ungreedy]) else { return nil }
        self.init(source: pattern.source, caseless: pattern.options.contains(.caseInsensitive))
    }

    /// The template `source` stands for, or `nil` when it is not of that shape.
    init?(source: [UInt8], caseless: Bool) {
        var body = source[...]
        anchoredStart = body.first == UInt8(ascii: "^")
        if anchoredStart { body = body.dropFirst() }
        // The end anchor, unless its `$` is escaped.
        guard body.last == UInt8(ascii: "$"), body.dropLast().reversed().prefix(while: { $0 == 0x5C }).count % 2 == 0 else { return nil }
        body = body.dropLast()
        var tokens: [Token] = []
        var word: [UInt8] = []
        var atTokenStart = true
        let variable = Array(#"\S+"#.utf8), repeated = Array(#"(?:\S+ ){"#.utf8)
        func endWord() {
            if !word.isEmpty { tokens.append(.word(word)) }
            word = []
        }
        var index = body.startIndex
        while index < body.endIndex {
            let rest = body[index...]
            let byte = body[index]
            if atTokenStart, rest.starts(with: repeated) {
                // `(?:\S+ ){N}`: N variables, each followed by its space.
                guard let (count, next) = RegexSource.count(in: body, at: index + repeated.count), count > 0 else { return nil }
                tokens += Array(repeating: .variable, count: count)
                index = next
                continue
            }
            if atTokenStart, rest.starts(with: variable) {
                let after = index + variable.count
                // A variable is a whole token: a space or the end comes next.
                guard after == body.endIndex || body[after] == UInt8(ascii: " ") else { return nil }
                tokens.append(.variable)
                atTokenStart = false
                index = after
                continue
            }
            switch byte {
            case UInt8(ascii: " "):
                // One space between two tokens, never at the start or doubled.
                guard !atTokenStart else { return nil }
                endWord()
                atTokenStart = true
            default:
                // A word does not follow a variable within one token.
                guard atTokenStart || !word.isEmpty, let (literal, next) = RegexSource.literal(in: body, at: index) else { return nil }
                word.append(Self.folded(literal, caseless))
                atTokenStart = false
                index = next
                continue
            }
            index += 1
        }
        guard !atTokenStart || tokens.isEmpty && word.isEmpty else { return nil }
        endWord()
        guard !tokens.isEmpty else { return nil }
        self.tokens = tokens
        self.caseless = caseless
    }

    /// The distances from the line's last token (0 for the last) of the template's whole words:
    /// the tokens a line must hold exactly, so the ones an index can look a line up by. A template
    /// without any (`generating \S+$`) is looked up by the end of its first word (``suffixKey``).
    var keyDistances: [Int] {
        tokens.indices.reversed().compactMap { index in
            guard case .word = tokens[index], anchoredStart || index > 0 else { return nil }
            return tokens.count - 1 - index
        }
    }

    /// Bytes a template without a whole word is looked up by: the last ones of its first word, which
    /// the line's token at the first word's distance must end with (`generating \S+$` matches
    /// `regenerating 5`). At most ``suffixKeyLength`` bytes, so that a line token is hashed a few
    /// times at most. `nil` when the template has a whole word, or no word at all.
    var suffixKey: [UInt8]? {
        guard keyDistances.isEmpty, case .word(let word) = tokens[0] else { return nil }
        return Array(word.suffix(Self.suffixKeyLength))
    }

    static let suffixKeyLength = 4

    /// Whether an index can look a line up for the template (by a whole word or by ``suffixKey``);
    /// a template of variables alone is verified on every line.
    var isKeyed: Bool { !keyDistances.isEmpty || suffixKey != nil }

    @inline(__always)
    static func folded(_ byte: UInt8, _ caseless: Bool) -> UInt8 {
        caseless && byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Whether PCRE2's whitespace (`\s` without Unicode properties) includes `byte`.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte &- 0x09 < 5
    }
}

/// Token templates indexed by one whole word each: a line is split into tokens
/// once, looked up by its token at each distance from its end that some template
/// is keyed on, and the templates found are verified token by token. Distances are
/// shared between templates as far as their words allow, so a line costs a few
/// lookups however many templates there are. A template whose only word is its first
/// one, which may end a longer line token, is looked up by that word's last bytes
/// (``TokenTemplate/suffixKey``). The few templates of variables alone (at most
/// ``unkeyedLimit``) are verified on every line.
///
/// The templates are laid out flat (tokens as offsets into one byte buffer) so that
/// matching a line neither allocates nor retains anything.
struct TemplateIndex: Sendable {
    /// A template and the line test it answers for.
    struct Entry: Sendable {
        let test: Int
        let template: TokenTemplate
    }

    private let storage: Storage
    var isEmpty: Bool { storage.templateCount == 0 }

    /// How many templates of variables alone an index takes (each costs a verification per line).
    static let unkeyedLimit = 4

    init(_ entries: [Entry]) {
        storage = Storage(entries)
    }

    /// Where a line's spaces are, reused from line to line by one thread.
    final class Scratch {
        /// `bounds[0] = -1`, then the offsets of the line's spaces, then the line's length:
        /// token `i` is `bounds[i] + 1 ..< bounds[i + 1]`.
        fileprivate var bounds = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        fileprivate var capacity = 64

        init() {}
        deinit { bounds.deallocate() }
    }

    /// Calls `found` with the test of every template the ASCII line `line` matches.
    @inline(__always)
    func forEachMatch(in line: UnsafeBufferPointer<UInt8>, scratch: Scratch, _ found: (Int) -> Void) {
        storage.forEachMatch(in: line, scratch: scratch, found)
    }

    private struct Template {
        let test: Int
        /// The template's tail: its last `tailTokens` tokens, the words after its last variable,
        /// compared with the line's end as one run of `tailLength` bytes (the words joined by
        /// spaces) ending at offset `tailEnd` of the word bytes.
        let tailTokens: Int
        let tailLength: Int
        let tailEnd: Int
        /// The template's other tokens in the order they are checked, from `firstCheck`: its
        /// `wordCount` words first, from the anchored side, then its variables.
        let firstCheck: Int
        let wordCount: Int
        let tokenCount: Int
        let anchoredStart: Bool
        let caseless: Bool
    }

    /// A token of a template to check: its position in the template, and for a word, its
    /// `length` bytes ending at offset `wordEnd` of the word bytes (a variable has no length).
    private struct Check {
        let position: Int32
        let length: Int32
        let wordEnd: Int32
    }

    /// A table slot: a word's hash (0 for empty) and the run of candidates it heads.
    private struct Slot {
        var hash: UInt64 = 0
        var start: Int32 = 0
        var count: Int32 = 0
    }

    private final class Storage: @unchecked Sendable {
        // Sendable: written only in init.
        let templateCount: Int
        private let templates: UnsafeMutableBufferPointer<Template>
        private let checks: UnsafeMutableBufferPointer<Check>
        private let words: UnsafeMutableBufferPointer<UInt8>
        /// Entry indices grouped by (distance, word): a slot's run.
        private let candidates: UnsafeMutableBufferPointer<Int32>
        /// Entry indices of the templates of variables alone.
        private let unkeyed: UnsafeMutableBufferPointer<Int32>
        /// Templates looked up by the end of their first word: the distances, ascending, each one's
        /// table (slots in `slots`, runs in `candidates`), and the key lengths used there (bit `length`).
        private let suffixDistances: UnsafeMutableBufferPointer<Int>
        private let suffixFirstSlots: UnsafeMutableBufferPointer<Int>
        private let suffixMasks: UnsafeMutableBufferPointer<Int>
        private let suffixLengths: UnsafeMutableBufferPointer<UInt64>
        /// The token distances lines are looked up at, ascending, and each one's open-addressing table
        /// (`masks[i] + 1` slots from `firstSlots[i]`).
        private let distances: UnsafeMutableBufferPointer<Int>
        private let firstSlots: UnsafeMutableBufferPointer<Int>
        private let masks: UnsafeMutableBufferPointer<Int>
        /// Per distance, the lengths of its words (bit `min(length, 63)`): a token of another length is not looked up.
        private let lengths: UnsafeMutableBufferPointer<UInt64>
        private let slots: UnsafeMutableBufferPointer<Slot>

        init(_ entries: [Entry]) {
            templateCount = entries.count
            // Key every template on a distance another template already uses when one of its words
            // is there, else on its nearest word: few distances, each looked up once per line.
            var used = Set<Int>()
            var keys = [Int?](repeating: nil, count: entries.count)
            for (index, entry) in entries.enumerated() {
                let distances = entry.template.keyDistances
                guard let nearest = distances.first else { continue }
                let key = distances.first(where: used.contains) ?? nearest
                keys[index] = key
                used.insert(key)
            }
            let suffixKeys = entries.map { $0.template.suffixKey }
            precondition(zip(keys, suffixKeys).count { $0 == nil && $1 == nil } <= TemplateIndex.unkeyedLimit,
                         "too many templates of variables alone")
            let distances = used.sorted()
            let suffixDistances = Set(entries.indices.filter { suffixKeys[$0] != nil }.map { entries[$0].template.tokens.count - 1 }).sorted()
            var suffixGroups: [[UInt64: [Int32]]] = Array(repeating: [:], count: suffixDistances.count)
            var suffixLengths = [UInt64](repeating: 0, count: suffixDistances.count)
            // Eight zero bytes before the first word, so that the eight bytes ending a word can always be read.
            var templates: [Template] = [], checks: [Check] = [], unkeyed: [Int32] = []
            var words = [UInt8](repeating: 0, count: 8)
            var groups: [[UInt64: [Int32]]] = Array(repeating: [:], count: distances.count)
            var lengths = [UInt64](repeating: 0, count: distances.count)
            for (index, entry) in entries.enumerated() {
                let template = entry.template
                let tailStart = (template.tokens.lastIndex(of: .variable) ?? -1) + 1
                var wordChecks: [Check] = [], variableChecks: [Check] = []
                for (position, token) in template.tokens.enumerated() where position < tailStart {
                    switch token {
                    case .variable:
                        variableChecks.append(Check(position: Int32(position), length: -1, wordEnd: 0))
                    case .word(let word):
                        words += word
                        wordChecks.append(Check(position: Int32(position), length: Int32(word.count), wordEnd: Int32(words.count)))
                    }
                }
                let tail = template.tokens[tailStart...].map { token -> [UInt8] in
                    guard case .word(let word) = token else { preconditionFailure("a tail holds words only") }
                    return word
                }.joined(separator: [0x20]).map { $0 }
                words += tail
                templates.append(Template(test: entry.test, tailTokens: template.tokens.count - tailStart, tailLength: tail.count,
                                          tailEnd: words.count, firstCheck: checks.count, wordCount: wordChecks.count,
                                          tokenCount: template.tokens.count, anchoredStart: template.anchoredStart,
                                          caseless: template.caseless))
                checks += (template.anchoredStart ? wordChecks : wordChecks.reversed()) + variableChecks
                if let key = suffixKeys[index] {
                    let table = suffixDistances.firstIndex(of: template.tokens.count - 1)!
                    suffixGroups[table][Self.hash(padded: key), default: []].append(Int32(index))
                    suffixLengths[table] |= 1 << UInt64(key.count)
                    continue
                }
                guard let distance = keys[index] else {
                    unkeyed.append(Int32(index))
                    continue
                }
                guard case .word(let key) = template.tokens[template.tokens.count - 1 - distance] else {
                    preconditionFailure("a template is keyed on one of its words")
                }
                let table = distances.firstIndex(of: distance)!
                groups[table][Self.hash(padded: key), default: []].append(Int32(index))
                lengths[table] |= 1 << UInt64(min(key.count, 63))
            }
            var candidates: [Int32] = [], slots: [Slot] = []
            // Open-addressing tables, one per group, in `slots`: each one's first slot and mask.
            func lay(_ groups: [[UInt64: [Int32]]]) -> (firstSlots: [Int], masks: [Int]) {
                var firstSlots: [Int] = [], masks: [Int] = []
                for group in groups {
                    var size = 8
                    while size < group.count * 2 { size *= 2 }
                    firstSlots.append(slots.count)
                    masks.append(size - 1)
                    let first = slots.count
                    slots += Array(repeating: Slot(), count: size)
                    for (hash, members) in group.sorted(by: { $0.key < $1.key }) {
                        var slot = Int(truncatingIfNeeded: hash) & (size - 1)
                        while slots[first + slot].hash != 0 { slot = (slot + 1) & (size - 1) }
                        slots[first + slot] = Slot(hash: hash, start: Int32(candidates.count), count: Int32(members.count))
                        candidates += members
                    }
                }
                return (firstSlots, masks)
            }
            let (firstSlots, masks) = lay(groups)
            let (suffixFirstSlots, suffixMasks) = lay(suffixGroups)
            func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
                let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(1, array.count))
                _ = buffer.initialize(from: array)
                return UnsafeMutableBufferPointer(rebasing: buffer[..<array.count])
            }
            self.templates = copy(templates)
            self.checks = copy(checks)
            self.words = copy(words)
            self.candidates = copy(candidates)
            self.unkeyed = copy(unkeyed)
            self.distances = copy(distances)
            self.firstSlots = copy(firstSlots)
            self.masks = copy(masks)
            self.lengths = copy(lengths)
            self.suffixDistances = copy(suffixDistances)
            self.suffixFirstSlots = copy(suffixFirstSlots)
            self.suffixMasks = copy(suffixMasks)
            self.suffixLengths = copy(suffixLengths)
            self.slots = copy(slots)
        }

        /// The hash of a word as a line's bytes give it (eight bytes before it, as a line has before a short last token).
        private static func hash(padded word: [UInt8]) -> UInt64 {
            let padded = [UInt8](repeating: 0, count: 8) + word
            return padded.withUnsafeBufferPointer { hash($0.baseAddress!, from: 8, to: padded.count) }
        }

        deinit {
            let buffers: [UnsafeMutableRawPointer?] = [
                UnsafeMutableRawPointer(templates.baseAddress), UnsafeMutableRawPointer(checks.baseAddress),
                UnsafeMutableRawPointer(words.baseAddress),
                UnsafeMutableRawPointer(candidates.baseAddress), UnsafeMutableRawPointer(unkeyed.baseAddress),
                UnsafeMutableRawPointer(distances.baseAddress),
                UnsafeMutableRawPointer(firstSlots.baseAddress), UnsafeMutableRawPointer(masks.baseAddress),
                UnsafeMutableRawPointer(lengths.baseAddress),
                UnsafeMutableRawPointer(suffixDistances.baseAddress), UnsafeMutableRawPointer(suffixFirstSlots.baseAddress),
                UnsafeMutableRawPointer(suffixMasks.baseAddress), UnsafeMutableRawPointer(suffixLengths.baseAddress),
                UnsafeMutableRawPointer(slots.baseAddress),
            ]
            for buffer in buffers { buffer?.deallocate() }
        }

        /// A hash of the case-folded ASCII bytes `from ..< to`, eight at a time, never 0 (0 marks an
        /// empty slot). When fewer than eight bytes are left, the eight bytes ending at `to` are read
        /// if `to >= 8` (so bytes before `from` must be readable then) and the ones before the rest dropped.
        @inline(__always)
        static func hash(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
            let raw = UnsafeRawPointer(bytes)
            var hash = UInt64(truncatingIfNeeded: end - start) &* 0x9E37_79B9_7F4A_7C15
            var offset = start
            while offset + 8 <= end {
                hash = (hash ^ folded(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 32
                offset += 8
            }
            let rest = end - offset
            if rest > 0 {
                var last: UInt64 = 0
                if end >= 8 {
                    last = raw.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) &>> UInt64((8 - rest) * 8)
                } else {
                    for index in 0..<rest { last |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
                }
                hash = (hash ^ folded(last)) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 32
            }
            return hash | 1
        }

        /// Whether the `length` bytes ending at `end` of the line equal those ending at `word`
        /// (case folded when `caseless`), eight at a time; the eight bytes before the end of either may be read.
        @inline(__always)
        private static func equal(_ line: UnsafePointer<UInt8>, end: Int, _ word: UnsafePointer<UInt8>, length: Int, caseless: Bool) -> Bool {
            let lineBytes = UnsafeRawPointer(line), wordBytes = UnsafeRawPointer(word)
            var remaining = length
            while remaining >= 8 {
                var a = lineBytes.loadUnaligned(fromByteOffset: end - remaining, as: UInt64.self)
                let b = wordBytes.loadUnaligned(fromByteOffset: -remaining, as: UInt64.self)
                if caseless { a = folded(a) }
                if a != b { return false }
                remaining -= 8
            }
            guard remaining > 0 else { return true }
            if end < 8 {
                for offset in 1...remaining {
                    let byte = line[end - offset]
                    if (caseless ? TokenTemplate.folded(byte, true) : byte) != word[-offset] { return false }
                }
                return true
            }
            // The last `remaining` bytes: the eight ending there, with the ones before dropped.
            let shift = UInt64((8 - remaining) * 8)
            var a = lineBytes.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) &>> shift
            let b = wordBytes.loadUnaligned(fromByteOffset: -8, as: UInt64.self) &>> shift
            if caseless { a = folded(a) }
            return a == b
        }

        /// Eight ASCII bytes with `A`–`Z` lower-cased.
        @inline(__always)
        private static func folded(_ word: UInt64) -> UInt64 {
            // A byte's high bit: at least `A` and not past `Z` (no byte is above 0x7F, so no carry crosses bytes).
            let upper = (word &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(word &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
            return word | upper >> 2
        }

        /// Splits the line at its spaces into `scratch` and returns the number of tokens, and whether
        /// the line holds whitespace other than spaces (tab, line feed, vertical tab, form feed, carriage return).
        @inline(__always)
        private func split(_ line: UnsafePointer<UInt8>, count: Int, into scratch: Scratch) -> (tokens: Int, otherWhitespace: Bool) {
            // At most one bound per byte, plus the two ends.
            if scratch.capacity < count + 2 {
                scratch.bounds.deallocate()
                scratch.capacity = count + 2
                scratch.bounds = .allocate(capacity: scratch.capacity)
            }
            let bounds = scratch.bounds
            bounds[0] = -1
            var found = 1
            var offset = 0
            var low: UInt64 = 0
            let raw = UnsafeRawPointer(line)
            // Eight bytes at a time: a byte equal to a space becomes 0, and each zero byte sets its high bit.
            while offset + 8 <= count {
                let bytes = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                // A high bit set when some (ASCII) byte is below 0x0E.
                low |= (bytes &- 0x0E0E_0E0E_0E0E_0E0E) & ~bytes
                let word = bytes ^ 0x2020_2020_2020_2020
                var zeros = ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word) & 0x8080_8080_8080_8080
                while zeros != 0 {
                    bounds[found] = offset + zeros.trailingZeroBitCount >> 3
                    found += 1
                    zeros &= zeros &- 1
                }
                offset += 8
            }
            while offset < count {
                if line[offset] == 0x20 {
                    bounds[found] = offset
                    found += 1
                } else if line[offset] < 0x0E {
                    low = 0x80
                }
                offset += 1
            }
            bounds[found] = count
            // A byte below 0x0E is rare: only then look for one from 0x09 (tab) to 0x0D.
            guard low & 0x8080_8080_8080_8080 != 0 else { return (found, false) }
            for offset in 0..<count where line[offset] != 0x20 && TokenTemplate.isWhitespace(line[offset]) { return (found, true) }
            return (found, false)
        }

        @inline(__always)
        func forEachMatch(in line: UnsafeBufferPointer<UInt8>, scratch: Scratch, _ found: (Int) -> Void) {
            guard let bytes = line.baseAddress else { return }
            let (count, otherWhitespace) = split(bytes, count: line.count, into: scratch)
            let bounds = scratch.bounds
            for candidate in unkeyed {
                let template = templates[Int(candidate)]
                if matches(template, bytes, bounds: bounds, count: count, otherWhitespace) { found(template.test) }
            }
            // The templates whose hash of the `start ..< end` bytes is `hash` in table `first`, `mask`.
            @inline(__always)
            func lookUp(_ start: Int, _ end: Int, first: Int, mask: Int) {
                let hash = Self.hash(bytes, from: start, to: end)
                var position = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let slot = slots[first + position]
                    if slot.hash == 0 { return }
                    if slot.hash == hash {
                        for candidate in Int(slot.start)..<Int(slot.start + slot.count) {
                            let template = templates[Int(candidates[candidate])]
                            if matches(template, bytes, bounds: bounds, count: count, otherWhitespace) { found(template.test) }
                        }
                        return
                    }
                    position = (position + 1) & mask
                }
            }
            for table in 0..<distances.count {
                let distance = distances[table]
                guard distance < count else { break }
                let token = count - 1 - distance
                let start = bounds[token] + 1, end = bounds[token + 1]
                guard lengths[table] & (1 << UInt64(min(end - start, 63))) != 0 else { continue }
                lookUp(start, end, first: firstSlots[table], mask: masks[table])
            }
            for table in 0..<suffixDistances.count {
                let distance = suffixDistances[table]
                guard distance < count else { break }
                let token = count - 1 - distance
                let start = bounds[token] + 1, end = bounds[token + 1]
                // The token's last `length` bytes, for each key length this distance has.
                var keyLengths = suffixLengths[table] & ((2 << UInt64(min(end - start, TokenTemplate.suffixKeyLength))) - 1)
                while keyLengths != 0 {
                    let length = keyLengths.trailingZeroBitCount
                    keyLengths &= keyLengths - 1
                    lookUp(end - length, end, first: suffixFirstSlots[table], mask: suffixMasks[table])
                }
            }
        }

        /// Whether the line split into `count` tokens at `bounds` matches `template`.
        @inline(__always)
        private func matches(_ template: Template, _ line: UnsafePointer<UInt8>, bounds: UnsafeMutablePointer<Int>, count: Int,
                             _ otherWhitespace: Bool) -> Bool {
            let tokenCount = template.tokenCount
            guard template.anchoredStart ? count == tokenCount : count >= tokenCount else { return false }
            // Template token `i` is the line's token `i + count - tokenCount`: `tokenBounds[i] + 1 ..< tokenBounds[i + 1]`.
            let tokenBounds = bounds + (count - tokenCount)
            let checks = self.checks.baseAddress! + template.firstCheck, words = self.words.baseAddress!
            if template.tailLength > 0 {
                // The tail must start a line token, unless it holds the template's first token and the
                // start is not anchored (that token may end a longer one); then its bytes end the line.
                let lineLength = bounds[count], start = lineLength - template.tailLength
                guard start >= 0 else { return false }
                if template.tailTokens < tokenCount || template.anchoredStart {
                    guard tokenBounds[tokenCount - template.tailTokens] + 1 == start else { return false }
                }
                guard Self.equal(line, end: lineLength, words + template.tailEnd, length: template.tailLength,
                                 caseless: template.caseless) else { return false }
            }
            // The first token of a template not anchored at the start may end a longer line token.
            let suffixPosition = template.anchoredStart ? -1 : 0
            for check in 0..<template.wordCount {
                let position = Int(checks[check].position), length = Int(checks[check].length)
                let start = tokenBounds[position] + 1, end = tokenBounds[position + 1]
                guard position == suffixPosition ? end - start >= length : end - start == length else { return false }
                guard Self.equal(line, end: end, words + Int(checks[check].wordEnd), length: length,
                                 caseless: template.caseless) else { return false }
            }
            for check in template.wordCount..<(tokenCount - template.tailTokens) {
                let position = Int(checks[check].position)
                let start = tokenBounds[position] + 1, end = tokenBounds[position + 1]
                guard end > start else { return false }
                if position == suffixPosition {
                    // `\S+` first: one non-whitespace byte before the next token is enough.
                    guard !TokenTemplate.isWhitespace(line[end - 1]) else { return false }
                } else if otherWhitespace {
                    for index in start..<end where TokenTemplate.isWhitespace(line[index]) { return false }
                }
            }
            return true
        }
    }
}
