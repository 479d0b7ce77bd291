/// A condition on one window line made only of the pack's line tests, `and`,
/// `or` and `not`: the body of a rule like `any line in window: line matches /x/
/// and not line contains "y"`. Such a condition is decided for 64 lines at a time
/// from the context's line-test bitsets, with no per-line call.
public indirect enum LinePredicate: Sendable, Hashable {
    case test(Int)
    case not(LinePredicate)
    case and(LinePredicate, LinePredicate)
    case or(LinePredicate, LinePredicate)
    /// One of the tests passes (`line matches` a list): what `or` over them in order gives,
    /// reading only the tests the window's scan did not rule out on every line.
    case anyOf([Int])
    case constant(Bool)

    /// Tests one of which must pass on a line for the predicate to hold there, each one
    /// evaluated before any test that could fail with a PCRE2 error when it does not
    /// (the left operand of `and`); `nil` when there are none (`not`, `true`).
    public var triggers: [Int]? {
        switch self {
        case .test(let test): [test]
        case .not: nil
        case .and(let left, _): left.triggers
        case .or(let left, let right): left.triggers.flatMap { left in right.triggers.map { left + $0 } }
        case .anyOf(let tests): tests
        case .constant(let value): value ? nil : []
        }
    }

    /// The lines of word `word` (lines `64 * word ..< 64 * word + 64`) on which the predicate holds.
    /// `and` skips its right operand where the left holds on no line of the word, `or` where the
    /// left holds on every line: line by line, the right operand would not run there either.
    @inlinable
    func bits(_ context: EvaluationContext, word: Int) throws(RuleFailure) -> UInt64 {
        switch self {
        case .test(let test): return try context.answers(test, word: word)
        case .not(let operand): return ~(try operand.bits(context, word: word)) & context.lineMask(word)
        case .and(let left, let right):
            let holding = try left.bits(context, word: word)
            return holding == 0 ? 0 : try holding & right.bits(context, word: word)
        case .or(let left, let right):
            let holding = try left.bits(context, word: word)
            return holding == context.lineMask(word) ? holding : try holding | right.bits(context, word: word)
        case .anyOf(let tests): return try context.answers(anyOf: tests, word: word)
        case .constant(let value): return value ? context.lineMask(word) : 0
        }
    }
}

extension Quantify {
    /// `any line in window: P` with P a ``LinePredicate``, from bitsets; `exact` is the
    /// same predicate as a per-line closure, run in its place when a line test fails
    /// (a PCRE2 limit), so that short-circuiting decides exactly as it would line by line.
    @inlinable
    public static func any(window predicate: LinePredicate, _ context: EvaluationContext,
                           _ exact: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        try anyOrAll(window: predicate, requireAll: false, context, exact)
    }

    /// `all line in window: P` (see ``any(window:_:_:)``).
    @inlinable
    public static func all(window predicate: LinePredicate, _ context: EvaluationContext,
                           _ exact: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        try anyOrAll(window: predicate, requireAll: true, context, exact)
    }

    /// `count line in window where P` (see ``any(window:_:_:)``).
    @inlinable
    public static func count(window predicate: LinePredicate, _ context: EvaluationContext,
                             _ exact: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Int {
        let words = context.words
        var total = 0
        do {
            for word in 0..<words {
                let bits = try predicate.bits(context, word: word)
                total &+= bits.nonzeroBitCount
                if context.isCollectingEvidence, !context.isNegated { markAll(bits, word: word, context) }
            }
        } catch {
            return try count(lines: context.allLines, context, exact)
        }
        return total
    }

    @inlinable
    static func anyOrAll(window predicate: LinePredicate, requireAll: Bool, _ context: EvaluationContext,
                         _ exact: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        let words = context.words
        var result = requireAll
        do {
            for word in 0..<words {
                let mask = context.lineMask(word)
                let bits = try predicate.bits(context, word: word)
                if requireAll ? bits != mask : bits != 0 {
                    result = !requireAll
                    if !context.isCollectingEvidence { return result }
                }
                // Evidence: the lines whose answer agrees with the polarity, as the per-line form marks them.
                if context.isCollectingEvidence { markAll(context.isNegated ? ~bits & mask : bits, word: word, context) }
            }
        } catch {
            return try anyOrAll(context.allLines, requireAll: requireAll, context: context, position: { $0 }, exact)
        }
        return result
    }

    @inlinable
    static func markAll(_ bits: UInt64, word: Int, _ context: EvaluationContext) {
        var bits = bits
        while bits != 0 {
            context.mark((word &<< 6) &+ bits.trailingZeroBitCount)
            bits &= bits &- 1
        }
    }
}
