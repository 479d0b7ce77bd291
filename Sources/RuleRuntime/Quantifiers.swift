import PCRE2

/// Quantifiers, boolean connectives and line access with the rule language's
/// semantics, evidence marking included. Interpreted and compiled rules both
/// call these, so they decide and mark identically.
public enum Quantify {
    /// `any x in S: P` (`all` when `requireAll`). Outside evidence collection it
    /// stops at the first deciding element; while collecting it visits every
    /// element and marks the lines that support the result.
    @inlinable
    public static func anyOrAll<Element>(
        _ elements: [Element], requireAll: Bool, context: EvaluationContext,
        position: (Element) -> Int?, _ predicate: (Element) throws(RuleFailure) -> Bool
    ) throws(RuleFailure) -> Bool {
        guard context.isCollectingEvidence else {
            for element in elements where try predicate(element) != requireAll { return !requireAll }
            return requireAll
        }
        var result = requireAll
        for element in elements {
            let holds = try predicate(element)
            if holds != requireAll { result = !requireAll }
            if holds != context.isNegated, let line = position(element) { context.mark(line) }
        }
        return result
    }

    /// `count x in S where P`.
    @inlinable
    public static func count<Element>(
        _ elements: [Element], context: EvaluationContext,
        position: (Element) -> Int?, _ predicate: (Element) throws(RuleFailure) -> Bool
    ) throws(RuleFailure) -> Int {
        var count = 0
        for element in elements where try predicate(element) {
            count += 1
            if !context.isNegated, let line = position(element) { context.mark(line) }
        }
        return count
    }

    /// `filter x in S where P`.
    @inlinable
    public static func filter<Element>(
        _ elements: [Element], context: EvaluationContext,
        position: (Element) -> Int?, _ predicate: (Element) throws(RuleFailure) -> Bool
    ) throws(RuleFailure) -> [Element] {
        var kept: [Element] = []
        for element in elements where try predicate(element) {
            kept.append(element)
            if !context.isNegated, let line = position(element) { context.mark(line) }
        }
        return kept
    }

    /// `first x in S where P`; `empty` when no element satisfies P.
    @inlinable
    public static func first<Element>(
        _ elements: [Element], empty: Element, context: EvaluationContext,
        position: (Element) -> Int?, _ predicate: (Element) throws(RuleFailure) -> Bool
    ) throws(RuleFailure) -> Element {
        for element in elements where try predicate(element) {
            if !context.isNegated, let line = position(element) { context.mark(line) }
            return element
        }
        return empty
    }

    // Forms for compiled rules: lists of line positions, and lists of plain values.

    @inlinable
    public static func any(lines: [Int], _ context: EvaluationContext, _ predicate: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        try anyOrAll(lines, requireAll: false, context: context, position: { $0 }, predicate)
    }

    @inlinable
    public static func all(lines: [Int], _ context: EvaluationContext, _ predicate: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        try anyOrAll(lines, requireAll: true, context: context, position: { $0 }, predicate)
    }

    @inlinable
    public static func count(lines: [Int], _ context: EvaluationContext, _ predicate: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Int {
        try count(lines, context: context, position: { $0 }, predicate)
    }

    @inlinable
    public static func filter(lines: [Int], _ context: EvaluationContext, _ predicate: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> [Int] {
        try filter(lines, context: context, position: { $0 }, predicate)
    }

    @inlinable
    public static func first(lines: [Int], _ context: EvaluationContext, _ predicate: (Int) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Int {
        try first(lines, empty: -1, context: context, position: { $0 }, predicate)
    }

    @inlinable
    public static func any<T>(values: [T], _ context: EvaluationContext, _ predicate: (T) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        try anyOrAll(values, requireAll: false, context: context, position: { _ in nil }, predicate)
    }

    @inlinable
    public static func all<T>(values: [T], _ context: EvaluationContext, _ predicate: (T) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        try anyOrAll(values, requireAll: true, context: context, position: { _ in nil }, predicate)
    }

    @inlinable
    public static func count<T>(values: [T], _ context: EvaluationContext, _ predicate: (T) throws(RuleFailure) -> Bool) throws(RuleFailure) -> Int {
        try count(values, context: context, position: { _ in nil }, predicate)
    }

    @inlinable
    public static func filter<T>(values: [T], _ context: EvaluationContext, _ predicate: (T) throws(RuleFailure) -> Bool) throws(RuleFailure) -> [T] {
        try filter(values, context: context, position: { _ in nil }, predicate)
    }

    @inlinable
    public static func first<T>(values: [T], empty: T, _ context: EvaluationContext, _ predicate: (T) throws(RuleFailure) -> Bool) throws(RuleFailure) -> T {
        try first(values, empty: empty, context: context, position: { _ in nil }, predicate)
    }
}

/// `and`, `or` and `not` with typed throws (Swift's `&&` and `||` rethrow untyped errors).
public enum Logic {
    @inlinable
    public static func and(_ lhs: Bool, _ rhs: () throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        lhs ? try rhs() : false
    }

    @inlinable
    public static func or(_ lhs: Bool, _ rhs: () throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        lhs ? true : try rhs()
    }

    /// `not P`: evaluates P with the evidence polarity flipped.
    @inlinable
    public static func not(_ context: EvaluationContext, _ operand: () throws(RuleFailure) -> Bool) throws(RuleFailure) -> Bool {
        try !context.negated(operand)
    }
}

extension EvaluationContext {
    /// Every line position of the window.
    public var allLines: [Int] { Array(0..<window.count) }

    /// Whether line `position` passes line test `test`; the empty line (`-1`,
    /// from a `first` that found nothing) is tested directly as empty text.
    @inlinable
    public func test(_ position: Int, _ test: Int) throws(RuleFailure) -> Bool {
        if position >= 0 { return try line(position, passes: test) }
        return try runOnEmptyLine(test)
    }

    @usableFromInline
    func runOnEmptyLine(_ test: Int) throws(RuleFailure) -> Bool {
        let lineTest = lineTests[test]
        let scratch = scratch
        let result: Result<Bool, RuleFailure> = [UInt8]().withUnsafeBufferPointer { empty in
            Result { () throws(RuleFailure) in try lineTest.run(empty, scratch: scratch) }
        }
        return try result.get()
    }

    /// The compiled regex of line test `test` (a `matches` test).
    public func pattern(_ test: Int) -> Pattern {
        guard case .matches(let pattern) = lineTests[test] else { preconditionFailure("line test \(test) is not a regex") }
        return pattern
    }

    /// `line matches [r1, r2, ...]` on a window line: whether any of the tests passes.
    @inlinable
    public func testAny(_ position: Int, _ tests: [Int]) throws(RuleFailure) -> Bool {
        for test in tests where try self.test(position, test) { return true }
        return false
    }

    /// `text matches r` (or a list of regexes) on a string value.
    public func matches(_ text: String, _ tests: [Int]) throws(RuleFailure) -> Bool {
        for test in tests {
            do throws(MatchFailure) {
                if try pattern(test).matches(text, scratch: scratch) { return true }
            } catch { throw RuleFailure(error) }
        }
        return false
    }

    /// `capture(line, r, group)` on a window line; `""` when there is no match
    /// (the empty line is matched as empty text).
    public func capture(_ position: Int, _ test: Int, group: Int) throws(RuleFailure) -> String {
        guard position >= 0, position < window.count else {
            return try Functions.capture("", pattern(test), group: group, scratch: scratch)
        }
        return try Functions.capture(line: position, of: window, pattern(test), group: group, scratch: scratch) ?? ""
    }

    /// `line.text`; `""` for the empty line.
    public func text(_ position: Int) -> String { exists(position) ? window.text(position) : "" }
    /// `line.index`; `-1` for the empty line.
    public func index(_ position: Int) -> Int { exists(position) ? position : -1 }
    /// `line.number`; `0` for the empty line.
    public func number(_ position: Int) -> Int { exists(position) ? window.number(at: position) : 0 }
    /// `line.timestamp` in milliseconds; `0` when unknown or for the empty line.
    public func timestamp(_ position: Int) -> Int64 {
        guard exists(position) else { return 0 }
        let value = window.timestamp(at: position)
        return value == Window.noTimestamp ? 0 : value
    }

    private func exists(_ position: Int) -> Bool { position >= 0 && position < window.count }
}
