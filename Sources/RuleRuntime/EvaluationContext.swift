import PCRE2
import Vectorscan

/// Per-thread state for evaluating a rule set on one window at a time: the
/// window, what is known of its line tests, the PCRE2 and Vectorscan scratch,
/// and evidence marks.
///
/// Line tests are kept as bitsets, one bit per line: whether a test's answer
/// is known for a line, and the answer. With a ``Prefilter``, the first question
/// about a test of one of its stages scans the whole window once for that stage
/// and answers every test of it the prefilter decides for every line; PCRE2 runs
/// only for what is left. A window that a normal rule decides is never scanned for
/// the tests only abnormal rules ask about.
///
/// Not thread-safe: make one per thread with ``DetectionEngine/makeContext()``.
/// Resetting to a new window reuses the buffers, so steady-state evaluation
/// does not allocate per line.
public final class EvaluationContext {
    @exclusivity(unchecked) public private(set) var window = Window()
    public let lineTests: [LineTest]
    public let scratch: MatchScratch
    /// What the context scans windows with, stage by stage (``Prefilter/stages``); empty without a prefilter.
    private let stages: [StageScan]
    /// Each test's role in the scan, from ``Prefilter/roles``.
    private let scanRoles: [ScanRole]
    /// The prefilter's word-bounded literals, by expression id minus the number of tests.
    private let wordLiterals: [WordLiteral]
    /// Where lines are split into tokens for token templates.
    private let templateScratch = TemplateIndex.Scratch()

    private enum ScanRole {
        case exactLiteral, exactRegex, candidate, none
    }

    /// One stage of the prefilter, ready to scan with. (A class: one reference count per use.)
    private final class StageScan {
        let database: Database?
        let scratch: Vectorscan.Scratch?
        /// The stage's tests matched by tokens, if any.
        let templates: TemplateIndex?
        /// The stage's tests matched by fields, if any.
        let fields: FieldIndex?
        let tests: [Int]
        /// The stage's tests in Vectorscan's prefilter mode (``Prefilter/Role/candidate``).
        let candidateTests: [Int]
        /// The stage's tests, one bit each.
        let testBits: [UInt64]
        var isEmpty: Bool { database == nil && templates == nil && fields == nil }

        init(database: Database?, scratch: Vectorscan.Scratch?, templates: TemplateIndex?, fields: FieldIndex?, tests: [Int],
             candidateTests: [Int], testBits: [UInt64]) {
            self.database = database
            self.scratch = scratch
            self.templates = templates
            self.fields = fields
            self.tests = tests
            self.candidateTests = candidateTests
            self.testBits = testBits
        }
    }
    /// 64-bit words per test (`⌈lines / 64⌉`).
    @exclusivity(unchecked) @usableFromInline var words = 0
    /// Bit `line` of test `test` at word `test * words + line / 64`: whether the answer is known, and the answer.
    /// (Raw buffers: the hot path reads them without Swift's exclusivity checks.)
    @exclusivity(unchecked) @usableFromInline var known = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    @exclusivity(unchecked) @usableFromInline var answers = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    private var capacity = 0
    /// The stages the current window was scanned for (one bit per stage; stages with nothing to
    /// scan, or every stage without a prefilter, count as scanned from the start).
    @exclusivity(unchecked) @usableFromInline var scannedStages: UInt32 = 0
    /// The stages with nothing to scan (every bit without a prefilter), and every stage of the prefilter.
    private var unscannable: UInt32 = 0
    private var allStages: UInt32 = 0
    /// The stages whose scan decided every exact test on every line of the window (all of them
    /// ASCII): their answers are then final without a `known` bit set for each of them.
    @exclusivity(unchecked) @usableFromInline var decidedStages: UInt32 = 0
    /// Per test, the bit of its stage.
    @usableFromInline let stageBit: [UInt32]
    /// Per test, the bit of its stage when the scan decides it exactly (``Prefilter/Role/exact``), else 0.
    @usableFromInline let exactStageBit: [UInt32]
    /// Whether ``ascii`` and ``allASCII`` are known for the current window.
    @exclusivity(unchecked) private var asciiKnown = false
    /// The window's lines that are entirely ASCII (one bit per line), from the scan.
    /// (Like the other state touched once per window or line, read and written without
    /// Swift's dynamic exclusivity checks: a context is used by one thread at a time.)
    @exclusivity(unchecked) private var ascii: [UInt64] = []
    /// The tests the scan found on some line of the window (one bit per test; a superset of the
    /// tests it decided passing), and the tests whose answer the scan may leave open: the ones not
    /// decided by it, then the regexes (open on lines that are not ASCII).
    private let hits: UnsafeMutablePointer<UInt64>
    private let undecided: [UInt64]
    private let regexes: [UInt64]
    /// The tests that may pass on the window (``passingTests()``) and a scratch bitset over rules.
    @exclusivity(unchecked) private var passing: [UInt64]
    @exclusivity(unchecked) var ruleScratch: [UInt64] = []
    @exclusivity(unchecked) private var allASCII = true
    /// Lines marked as supporting the rule while collecting evidence.
    @exclusivity(unchecked) private var marks: [Bool] = []
    /// Whether the rule is being evaluated to collect evidence.
    @exclusivity(unchecked) public private(set) var isCollectingEvidence = false
    /// Whether evaluation is inside an odd number of `not`s (evidence polarity).
    @exclusivity(unchecked) public private(set) var isNegated = false

    /// A context that runs every line test on its own (no prefilter).
    public init(lineTests: [LineTest], scratch: MatchScratch = MatchScratch()) {
        self.lineTests = lineTests
        self.scratch = scratch
        stages = []
        wordLiterals = []
        scanRoles = []
        stageBit = [UInt32](repeating: 1, count: lineTests.count)
        exactStageBit = [UInt32](repeating: 0, count: lineTests.count)
        unscannable = ~0
        (hits, undecided, regexes, passing) = Self.testBitsets(lineTests.count, undecided: [], regexes: [])
    }

    private static func testBitsets(_ tests: Int, undecided: [Int], regexes: [Int])
        -> (UnsafeMutablePointer<UInt64>, [UInt64], [UInt64], [UInt64]) {
        let words = (tests + 63) >> 6
        let hits = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, words))
        hits.initialize(repeating: 0, count: max(1, words))
        return (hits, bitset(undecided, tests: tests), bitset(regexes, tests: tests), [UInt64](repeating: 0, count: words))
    }

    private static func bitset(_ members: [Int], tests: Int) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: (tests + 63) >> 6)
        for test in members { bits[test >> 6] |= 1 << UInt64(test & 63) }
        return bits
    }

    /// A context that scans each window with `prefilter` (built from the same `lineTests`).
    public init(lineTests: [LineTest], prefilter: Prefilter, scratch: MatchScratch = MatchScratch()) {
        self.lineTests = lineTests
        self.scratch = scratch
        precondition(prefilter.stages.count <= 32, "at most 32 prefilter stages")
        wordLiterals = prefilter.wordLiterals
        let roles: [ScanRole] = prefilter.roles.indices.map { test in
            switch prefilter.roles[test] {
            case .exact: prefilter.isRegex[test] ? .exactRegex : .exactLiteral
            case .candidate: .candidate
            case .fallback: .none
            }
        }
        scanRoles = roles
        stages = prefilter.stages.map { stage in
            StageScan(database: stage.database, scratch: stage.database.map { Vectorscan.Scratch(for: $0) },
                      templates: stage.templates.isEmpty ? nil : stage.templates,
                      fields: stage.fields.isEmpty ? nil : stage.fields, tests: stage.tests,
                      candidateTests: stage.tests.filter { roles[$0] == .candidate },
                      testBits: Self.bitset(stage.tests, tests: lineTests.count))
        }
        stageBit = prefilter.stageOfTest.map { 1 << UInt32($0) }
        exactStageBit = roles.indices.map { test in
            roles[test] == .exactRegex || roles[test] == .exactLiteral ? 1 << UInt32(prefilter.stageOfTest[test]) : 0
        }
        var unscannable: UInt32 = 0
        for (index, stage) in stages.enumerated() where stage.isEmpty { unscannable |= 1 << UInt32(index) }
        self.unscannable = unscannable
        allStages = (1 << UInt32(stages.count)) &- 1
        (hits, undecided, regexes, passing) = Self.testBitsets(
            lineTests.count, undecided: roles.indices.filter { roles[$0] == .candidate || roles[$0] == .none },
            regexes: roles.indices.filter { roles[$0] == .exactRegex })
    }

    deinit {
        known.deallocate()
        answers.deallocate()
        hits.deallocate()
    }

    /// Makes `window` the current window and forgets every known test.
    public func reset(to window: Window) {
        self.window = window
        words = (window.count + 63) >> 6
        let size = lineTests.count * words
        if capacity < size {
            known.deallocate()
            answers.deallocate()
            capacity = max(size, capacity * 2)
            known = .allocate(capacity: capacity)
            answers = .allocate(capacity: capacity)
        }
        known.update(repeating: 0, count: size)
        answers.update(repeating: 0, count: size)
        hits.update(repeating: 0, count: passing.count)
        allASCII = true
        asciiKnown = false
        decidedStages = 0
        scannedStages = unscannable
    }

    /// Whether line `line` of the window passes line test `test`, running it at most once per window.
    @inlinable
    public func line(_ line: Int, passes test: Int) throws(RuleFailure) -> Bool {
        let word = test &* words &+ (line &>> 6)
        let bit = UInt64(1) &<< UInt64(line & 63)
        if known[word] & bit != 0 || decidedStages & exactStageBit[test] != 0 { return answers[word] & bit != 0 }
        return try runTest(test, line: line)
    }

    @usableFromInline
    func runTest(_ test: Int, line: Int) throws(RuleFailure) -> Bool {
        let word = test &* words &+ (line &>> 6), bit = UInt64(1) &<< UInt64(line & 63)
        if scannedStages & stageBit[test] == 0 {
            scan(stageBit[test].trailingZeroBitCount)
            if known[word] & bit != 0 { return answers[word] & bit != 0 }
        }
        if decidedStages & exactStageBit[test] != 0 { return answers[word] & bit != 0 }
        let lineTest = lineTests[test]
        let scratch = scratch
        let result: Result<Bool, RuleFailure> = window.withLine(line) { bytes in
            Result { () throws(RuleFailure) in try lineTest.run(bytes, scratch: scratch) }
        }
        let passed = try result.get()
        known[word] |= bit
        if passed { answers[word] |= bit }
        return passed
    }

    /// The bits of test `test` for word `word` of the window, every line answered
    /// (PCRE2 runs on the lines the prefilter left open).
    @inlinable
    public func answers(_ test: Int, word: Int) throws(RuleFailure) -> UInt64 {
        if scannedStages & stageBit[test] == 0 { scan(stageBit[test].trailingZeroBitCount) }
        let slot = test &* words &+ word
        if decidedStages & exactStageBit[test] != 0 { return answers[slot] }
        let open = ~known[slot] & lineMask(word)
        if open != 0 { try resolve(test, word: word, open: open) }
        return answers[slot]
    }

    /// The lines of word `word` on which one of `tests` passes: `or` over them in their order,
    /// stopping once every line holds, as ``LinePredicate/or(_:_:)`` would. With a prefilter the
    /// stages of `tests` are scanned first, and a test the scan decided failing on every line is
    /// not read (its answers are all zero, and no PCRE2 call is left for it to make), so a list of
    /// thousands of templates costs a bit test per template and a read per template found.
    public func answers(anyOf tests: [Int], word: Int) throws(RuleFailure) -> UInt64 {
        let full = lineMask(word)
        var result: UInt64 = 0
        guard unscannable != ~0, window.count > 0 else {
            for test in tests {
                result |= try answers(test, word: word)
                if result == full { break }
            }
            return result
        }
        var needed: UInt32 = 0
        for test in tests { needed |= stageBit[test] }
        var unscanned = needed & ~scannedStages
        while unscanned != 0 {
            scan(unscanned.trailingZeroBitCount)
            unscanned &= unscanned &- 1
        }
        // Unknown when no stage of the window was scanned (every test in `undecided` then).
        let nonASCII: UInt64 = asciiKnown && allASCII ? 0 : ~0
        for test in tests {
            guard mayPass(word: test >> 6, nonASCII: nonASCII) & (UInt64(1) << UInt64(test & 63)) != 0 else { continue }
            result |= try answers(test, word: word)
            if result == full { break }
        }
        return result
    }

    /// The tests that may pass on some line of the window, as a bitset over the tests: all but
    /// those the scan of stages `0...stage` decided failing on every line (the tests of later
    /// stages, not scanned for, may pass). `nil` when that is every test: a window without lines
    /// (a rule's ``WindowRule/triggers`` say nothing about it) or no scan.
    func passingTests(throughStage stage: Int) -> [UInt64]? {
        guard window.count > 0, unscannable != ~0 else { return nil }
        for earlier in 0...min(stage, stages.count - 1) where scannedStages & (1 << UInt32(earlier)) == 0 { scan(earlier) }
        let nonASCII: UInt64 = allASCII ? 0 : ~0
        for word in passing.indices {
            passing[word] = mayPass(word: word, nonASCII: nonASCII)
        }
        var unscanned = allStages & ~scannedStages
        while unscanned != 0 {
            let bits = stages[unscanned.trailingZeroBitCount].testBits
            unscanned &= unscanned &- 1
            for word in passing.indices { passing[word] |= bits[word] }
        }
        return passing
    }

    /// Word `word` of the bitset over the tests of the scanned stages that may pass on some line:
    /// those the scan found, those it leaves undecided, and (`nonASCII` all ones when a line is
    /// not ASCII) the regexes, which PCRE2 answers on such lines.
    @inline(__always)
    private func mayPass(word: Int, nonASCII: UInt64) -> UInt64 {
        hits[word] | undecided[word] | (regexes[word] & nonASCII)
    }

    /// The tests that may pass on some line of the window, ascending: after a scan of every
    /// stage, all but those it decided failing on every line; every test without a prefilter.
    public func testsThatMayPass() -> [Int] {
        guard let bits = passingTests(throughStage: lastStage) else { return Array(lineTests.indices) }
        var tests: [Int] = []
        for (word, value) in bits.enumerated() {
            var remaining = value
            while remaining != 0 {
                let test = word << 6 + remaining.trailingZeroBitCount
                remaining &= remaining - 1
                if test < lineTests.count { tests.append(test) }
            }
        }
        return tests
    }

    /// The last prefilter stage (every test is scanned for by then).
    var lastStage: Int { max(0, stages.count - 1) }

    /// The lines of word `word` that exist in the window.
    @inlinable
    public func lineMask(_ word: Int) -> UInt64 {
        let remaining = window.count &- (word &<< 6)
        return remaining >= 64 ? ~0 : (UInt64(1) &<< UInt64(remaining)) &- 1
    }

    @usableFromInline
    func resolve(_ test: Int, word: Int, open: UInt64) throws(RuleFailure) {
        var open = open
        while open != 0 {
            let line = (word &<< 6) &+ open.trailingZeroBitCount
            open &= open &- 1
            _ = try runTest(test, line: line)
        }
    }

    // MARK: The scan

    /// Scans the window once for the tests of stage `stage` and records every answer it decides.
    @usableFromInline
    func scan(_ stage: Int) {
        scannedStages |= 1 << UInt32(stage)
        guard window.count > 0 else { return }
        let lines = window.count
        let words = words
        let window = window
        if !asciiKnown {
            // Regex answers hold on ASCII lines only; others go to PCRE2.
            asciiKnown = true
            if ascii.count < words { ascii = [UInt64](repeating: 0, count: words) }
            for word in 0..<words { ascii[word] = 0 }
            window.withBytes { bytes in
                if !Self.hasHighBit(bytes) {
                    for word in 0..<words { ascii[word] = lineMask(word) }
                    return
                }
                allASCII = false
                for line in 0..<lines where !Self.hasHighBit(UnsafeBufferPointer(rebasing: bytes[window.start(of: line)..<window.end(of: line)])) {
                    ascii[line >> 6] |= UInt64(1) << UInt64(line & 63)
                }
            }
        }
        let scan = stages[stage]
        if let database = scan.database, let scanScratch = scan.scratch {
            window.withLineRecords { records, byteBase in
                window.withBytes { bytes in
                    wordLiterals.withUnsafeBufferPointer { literals in
                        var target = ScanTarget(answers: answers, words: words, lines: records.baseAddress!, byteBase: byteBase,
                                                count: lines, bytes: bytes.baseAddress!, tests: lineTests.count,
                                                literals: literals.baseAddress, hits: hits)
                        withUnsafeMutablePointer(to: &target) { pointer in
                            database.scan(bytes, scratch: scanScratch, context: UnsafeMutableRawPointer(pointer), handler: recordMatch)
                        }
                    }
                }
            }
        }
        if scan.templates != nil || scan.fields != nil {
            // Token templates and field tests, on ASCII lines (the others go to PCRE2).
            let answers = answers, scratch = templateScratch, hits = hits
            let templates = scan.templates, fields = scan.fields
            window.withBytes { bytes in
                for line in 0..<lines where ascii[line >> 6] & (UInt64(1) << UInt64(line & 63)) != 0 {
                    let text = UnsafeBufferPointer(rebasing: bytes[window.range(of: line)])
                    func record(_ test: Int) {
                        answers[test * words + (line >> 6)] |= UInt64(1) << UInt64(line & 63)
                        hits[test >> 6] |= 1 << UInt64(test & 63)
                    }
                    templates?.forEachMatch(in: text, scratch: scratch, record)
                    fields?.forEachMatch(in: text, record)
                }
            }
        }
        // No candidate on an ASCII line: the test fails there; PCRE2 confirms the rest.
        func narrowCandidate(_ base: Int) {
            for word in 0..<words {
                known[base + word] = ascii[word] & ~answers[base + word]
                answers[base + word] = 0
            }
        }
        // On an all-ASCII window the exact tests' answers are final as they stand.
        if allASCII {
            decidedStages |= 1 << UInt32(stage)
            for test in scan.candidateTests { narrowCandidate(test * words) }
            return
        }
        for test in scan.tests {
            let base = test * words
            switch scanRoles[test] {
            case .exactRegex:
                for word in 0..<words {
                    known[base + word] = ascii[word]
                    answers[base + word] &= ascii[word]
                }
            case .exactLiteral:
                for word in 0..<words { known[base + word] = lineMask(word) }
            case .candidate:
                narrowCandidate(base)
            case .none:
                break
            }
        }
    }

    private static func hasHighBit(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var index = 0
        let raw = UnsafeRawPointer(base)
        // 32 bytes per step in four independent words (the compiler keeps them in vector registers).
        var wide = SIMD4<UInt64>(repeating: 0)
        while index + 32 <= bytes.count {
            wide |= raw.loadUnaligned(fromByteOffset: index, as: SIMD4<UInt64>.self)
            index += 32
        }
        var accumulated = wide[0] | wide[1] | wide[2] | wide[3]
        while index + 8 <= bytes.count {
            accumulated |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            accumulated |= UInt64(bytes[index])
            index += 1
        }
        return accumulated & 0x8080_8080_8080_8080 != 0
    }

    // MARK: Evidence

    /// Runs `body` with evidence collection on and returns the marked lines
    /// (every line when the rule marked none).
    public func collectingEvidence(_ body: () throws(RuleFailure) -> Void) throws(RuleFailure) -> [Int] {
        marks = [Bool](repeating: false, count: window.count)
        isCollectingEvidence = true
        isNegated = false
        defer { isCollectingEvidence = false; isNegated = false }
        try body()
        let marked = marks.indices.filter { marks[$0] }
        return marked.isEmpty ? Array(0..<window.count) : marked
    }

    /// Records that line `position` supports the rule (ignored outside evidence collection).
    @inlinable
    public func mark(_ position: Int) {
        if isCollectingEvidence { markLine(position) }
    }

    @usableFromInline
    func markLine(_ position: Int) {
        if position >= 0, position < marks.count { marks[position] = true }
    }

    /// Evaluates `body` with the evidence polarity flipped (the operand of `not`).
    @inlinable
    public func negated<T>(_ body: () throws(RuleFailure) -> T) throws(RuleFailure) -> T {
        guard isCollectingEvidence else { return try body() }
        flipPolarity()
        defer { flipPolarity() }
        return try body()
    }

    @usableFromInline
    func flipPolarity() { isNegated.toggle() }
}

/// Where a scan's matches go: the answer bits, and the lines' ends to place a match by its end;
/// the window's bytes and the word-bounded literals, whose boundaries a match must pass.
private struct ScanTarget {
    let answers: UnsafeMutablePointer<UInt64>
    let words: Int
    /// The lines' records, whose ends count from `byteBase` bytes before the window's bytes.
    let lines: UnsafePointer<Window.Line>
    let byteBase: Int
    let count: Int
    let bytes: UnsafePointer<UInt8>
    /// Expression ids from `tests` on are `literals`.
    let tests: Int
    let literals: UnsafePointer<WordLiteral>?
    /// The tests found, one bit each.
    let hits: UnsafeMutablePointer<UInt64>
    /// The line of the last match (matches mostly arrive in order of their end).
    var line = 0
}

/// Sets the bit of the line a match ends in. Matches never hold a newline (``LineRegex``),
/// and never are empty, so the match's last byte is in its line.
private let recordMatch: Database.MatchHandler = { id, _, end, _, context in
    let target = context!.assumingMemoryBound(to: ScanTarget.self)
    var test = Int(id)
    if test >= target.pointee.tests {
        // A word-bounded literal: no word character just before or after it (every line ends
        // with a newline, so the byte after a match is in the window).
        let literal = target.pointee.literals![test - target.pointee.tests]
        let bytes = target.pointee.bytes, start = Int(end) - literal.length
        if literal.boundedBefore, start > 0, WordLiteral.isWordCharacter(bytes[start - 1]) { return 0 }
        if literal.boundedAfter, WordLiteral.isWordCharacter(bytes[Int(end)]) { return 0 }
        test = literal.test
    }
    // The match's last byte, counted as the lines' ends are.
    let last = Int(end) - 1 + target.pointee.byteBase
    var line = target.pointee.line
    let lines = target.pointee.lines
    // Matches mostly arrive in order: the next line is the usual other place to look.
    if last >= lines[line].end, line + 1 < target.pointee.count, last < lines[line + 1].end {
        line += 1
        target.pointee.line = line
    } else if last >= lines[line].end || (line > 0 && last < lines[line - 1].end) {
        // Binary search for the first line that ends after `last`.
        var low = 0, high = target.pointee.count - 1
        while low < high {
            let middle = (low + high) >> 1
            if lines[middle].end > last { high = middle } else { low = middle + 1 }
        }
        line = low
        target.pointee.line = line
    }
    target.pointee.answers[test * target.pointee.words + (line >> 6)] |= UInt64(1) << UInt64(line & 63)
    target.pointee.hits[test >> 6] |= 1 << UInt64(test & 63)
    return 0
}
