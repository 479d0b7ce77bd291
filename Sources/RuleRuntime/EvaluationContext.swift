import PCRE2

/// Per-thread state for evaluating a rule set on one window at a time: the
/// window, the memo of line tests, the PCRE2 scratch and evidence marks.
///
/// Not thread-safe: make one per thread with ``DetectionEngine/makeContext()``.
/// Resetting to a new window reuses the buffers, so steady-state evaluation
/// does not allocate per line.
public final class EvaluationContext {
    public private(set) var window = Window()
    public let lineTests: [LineTest]
    public let scratch: MatchScratch
    /// Memo of line tests: `0` not run, `1` false, `2` true; test-major.
    private var memo: [UInt8] = []
    /// Lines marked as supporting the rule while collecting evidence.
    private var marks: [Bool] = []
    /// Whether the rule is being evaluated to collect evidence.
    public private(set) var isCollectingEvidence = false
    /// Whether evaluation is inside an odd number of `not`s (evidence polarity).
    public private(set) var isNegated = false

    public init(lineTests: [LineTest], scratch: MatchScratch = MatchScratch()) {
        self.lineTests = lineTests
        self.scratch = scratch
    }

    /// Makes `window` the current window and forgets every memoised test.
    public func reset(to window: Window) {
        self.window = window
        let size = lineTests.count * window.count
        if memo.count < size {
            memo = [UInt8](repeating: 0, count: size)
        } else {
            memo.withUnsafeMutableBufferPointer { buffer in
                _ = buffer.initialize(from: repeatElement(0, count: size))
            }
        }
    }

    /// Whether line `line` of the window passes line test `test`, running it at most once per window.
    @inlinable
    public func line(_ line: Int, passes test: Int) throws(RuleFailure) -> Bool {
        let slot = test &* window.count &+ line
        let known = memoValue(slot)
        if known != 0 { return known == 2 }
        return try runTest(test, line: line, slot: slot)
    }

    @usableFromInline
    func memoValue(_ slot: Int) -> UInt8 { memo[slot] }

    @usableFromInline
    func runTest(_ test: Int, line: Int, slot: Int) throws(RuleFailure) -> Bool {
        let lineTest = lineTests[test]
        let scratch = scratch
        let result: Result<Bool, RuleFailure> = window.withLine(line) { bytes in
            Result { () throws(RuleFailure) in try lineTest.run(bytes, scratch: scratch) }
        }
        let passed = try result.get()
        memo[slot] = passed ? 2 : 1
        return passed
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
