import PCRE2

/// The rule language's builtin functions and operators with their documented
/// edge cases (see docs/builtins.md). Interpreted and compiled rules both call
/// these, so they agree by construction.
public enum Functions {
    // MARK: Arithmetic

    /// `a / b`: always a Float; `x / 0` is `0.0`.
    @inlinable public static func divide(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }

    /// `a % b` with Ints: the remainder with the sign of `a`; `x % 0` is `0`.
    @inlinable public static func remainder(_ a: Int, _ b: Int) -> Int {
        b == 0 ? 0 : a.remainderReportingOverflow(dividingBy: b).partialValue
    }

    /// `div(a, b)`: integer division rounding toward negative infinity; `div(x, 0)` is `0`.
    public static func div(_ a: Int, _ b: Int) -> Int {
        guard b != 0 else { return 0 }
        let (quotient, overflow) = a.dividedReportingOverflow(by: b)
        if overflow { return quotient }
        let remainder = a.remainderReportingOverflow(dividingBy: b).partialValue
        return (remainder != 0 && ((remainder < 0) != (b < 0))) ? quotient &- 1 : quotient
    }

    @inlinable public static func abs(_ x: Int) -> Int { x < 0 ? 0 &- x : x }
    @inlinable public static func abs(_ x: Double) -> Double { Swift.abs(x) }

    // MARK: Aggregates

    public static func sum(_ xs: [Int]) -> Int { xs.reduce(0, &+) }
    public static func sum(_ xs: [Double]) -> Double { xs.reduce(0, +) }
    public static func min(_ xs: [Int]) -> Int { xs.min() ?? 0 }
    public static func min(_ xs: [Double]) -> Double { xs.min() ?? 0 }
    public static func max(_ xs: [Int]) -> Int { xs.max() ?? 0 }
    public static func max(_ xs: [Double]) -> Double { xs.max() ?? 0 }
    public static func mean(_ xs: [Int]) -> Double { mean(xs.map(Double.init)) }
    public static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
    public static func percentile(_ xs: [Int], _ p: Double) -> Double { percentile(xs.map(Double.init), p) }

    /// Nearest-rank percentile; `p` clamped to 0...100; `0.0` for an empty list.
    public static func percentile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.isEmpty else { return 0 }
        let sorted = xs.sorted()
        let clamped = p.isNaN ? 0 : Swift.min(Swift.max(p, 0), 100)
        let rank = Int((clamped / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    /// Texts without repeats (compared by bytes, as `==` compares text), in order of first occurrence.
    public static func distinct(_ xs: [String]) -> [String] {
        var seen = Set<[UInt8]>()
        return xs.filter { seen.insert(Array($0.utf8)).inserted }
    }

    /// Elements without repeats, in order of first occurrence.
    public static func distinct<T: Hashable>(_ xs: [T]) -> [T] {
        var seen = Set<T>()
        return xs.filter { seen.insert($0).inserted }
    }

    // MARK: Text

    public static func lower(_ text: String) -> String { text.lowercased() }
    public static func upper(_ text: String) -> String { text.uppercased() }
    public static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// A decimal integer read from text, whitespace trimmed; `0` when it is not one.
    public static func int(_ text: String) -> Int {
        Int(trimmed(text)) ?? 0
    }

    /// A Float truncated toward zero; NaN is `0`, out-of-range values clamp.
    public static func int(_ x: Double) -> Int {
        if x.isNaN { return 0 }
        if x >= 9.223372036854775807e18 { return .max }
        if x <= -9.223372036854775808e18 { return .min }
        return Int(x.rounded(.towardZero))
    }

    /// A finite decimal number read from text, whitespace trimmed; `0.0` otherwise.
    public static func float(_ text: String) -> Double {
        decimal(Substring(trimmed(text))) ?? 0
    }

    /// Parses a finite decimal number (digits, sign, point, exponent); nil otherwise.
    public static func decimal(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 43 || $0 == 45 || $0 == 46 || $0 == 101 || $0 == 69 }),
              let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func trimmed(_ text: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let start = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = text.lastIndex(where: { !isSpace($0) })!
        return text[start...end]
    }

    // MARK: Regex helpers

    /// The text of capture `group` in the first match of `pattern` in `text`; `""` without one.
    public static func capture(_ text: String, _ pattern: Pattern, group: Int, scratch: MatchScratch) throws(RuleFailure) -> String {
        let match: Match?
        do { match = try pattern.firstMatch(in: text, scratch: scratch) } catch { throw RuleFailure(error) }
        guard let range = match?[group: group] else { return "" }
        var text = text
        return text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// Like ``capture(_:_:group:scratch:)`` on one window line, without decoding unmatched lines.
    public static func capture(line: Int, of window: Window, _ pattern: Pattern, group: Int, scratch: MatchScratch) throws(RuleFailure) -> String? {
        let result: Result<String?, RuleFailure> = window.withLine(line) { bytes in
            Result { () throws(RuleFailure) in
                let match: Match?
                do throws(MatchFailure) { match = try pattern.firstMatch(in: bytes, scratch: scratch) } catch { throw RuleFailure(error) }
                guard let range = match?[group: group] else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
        }
        return try result.get()
    }
}

// MARK: Line functions

extension Functions {
    /// `sequence(lines, p1, p2, ...)`: whether lines matching each test occur in
    /// order. `lines` are window positions; tests are line-test indices.
    /// Marks the matched lines as evidence. Here and below, line position `-1`
    /// (the empty line `first` returns) is skipped.
    public static func sequence(_ lines: [Int], tests: [Int], context: EvaluationContext) throws(RuleFailure) -> Bool {
        guard !tests.isEmpty else { return true }
        var next = 0
        var matched: [Int] = []
        for line in lines where line >= 0 && next < tests.count {
            if try context.line(line, passes: tests[next]) {
                matched.append(line)
                next += 1
            }
        }
        guard next == tests.count else { return false }
        if !context.isNegated { matched.forEach(context.mark) }
        return true
    }

    /// `unpaired(lines, start, end, key)`: lines matching `start` whose key has no
    /// later line matching `end` with the same key. Marks the unpaired lines.
    public static func unpaired(
        _ lines: [Int], start: Pattern, end: Pattern, startGroup: Int, endGroup: Int, context: EvaluationContext
    ) throws(RuleFailure) -> [Int] {
        let window = context.window
        var laterEnds = Set<String>()
        var result: [Int] = []
        for line in lines.reversed() where line >= 0 {
            if let key = try capture(line: line, of: window, start, group: startGroup, scratch: context.scratch),
               !laterEnds.contains(key) {
                result.append(line)
            }
            if let key = try capture(line: line, of: window, end, group: endGroup, scratch: context.scratch) {
                laterEnds.insert(key)
            }
        }
        result.reverse()
        if !context.isNegated { result.forEach(context.mark) }
        return result
    }

    /// `span(lines)`: latest minus earliest timestamp in milliseconds; `0` with fewer than two timestamps.
    public static func span(_ lines: [Int], of window: Window) -> Int64 {
        var earliest = Int64.max, latest = Int64.min, seen = 0
        for line in lines where line >= 0 {
            let timestamp = window.timestamp(at: line)
            guard timestamp != Window.noTimestamp else { continue }
            seen += 1
            earliest = Swift.min(earliest, timestamp)
            latest = Swift.max(latest, timestamp)
        }
        return seen < 2 ? 0 : latest &- earliest
    }

    /// `numbers(lines, pattern, group)` over window lines.
    public static func numbers(_ lines: [Int], _ pattern: Pattern, group: Int, context: EvaluationContext) throws(RuleFailure) -> [Double] {
        var values: [Double] = []
        for line in lines where line >= 0 {
            if let text = try capture(line: line, of: context.window, pattern, group: group, scratch: context.scratch),
               let value = decimal(Substring(text)) {
                values.append(value)
            }
        }
        return values
    }

    /// `numbers(texts, pattern, group)` over strings.
    public static func numbers(_ texts: [String], _ pattern: Pattern, group: Int, scratch: MatchScratch) throws(RuleFailure) -> [Double] {
        try captures(texts, pattern, group: group, scratch: scratch).compactMap { decimal(Substring($0)) }
    }

    /// `captures(lines, pattern, group)` over window lines.
    public static func captures(_ lines: [Int], _ pattern: Pattern, group: Int, context: EvaluationContext) throws(RuleFailure) -> [String] {
        var values: [String] = []
        for line in lines where line >= 0 {
            if let text = try capture(line: line, of: context.window, pattern, group: group, scratch: context.scratch) {
                values.append(text)
            }
        }
        return values
    }

    /// `captures(texts, pattern, group)` over strings.
    public static func captures(_ texts: [String], _ pattern: Pattern, group: Int, scratch: MatchScratch) throws(RuleFailure) -> [String] {
        var values: [String] = []
        for text in texts {
            let match: Match?
            do { match = try pattern.firstMatch(in: text, scratch: scratch) } catch { throw RuleFailure(error) }
            guard let range = match?[group: group] else { continue }
            var text = text
            values.append(text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) })
        }
        return values
    }
}
