import PCRE2
import RuleRuntime
import Foundation

/// Which of many regexes each line matches, found with the prefilter detection uses: one
/// scan of a batch of lines answers the regexes Vectorscan, token templates and field tests
/// decide, and PCRE2 runs only on the lines they leave open. The cost per line so grows far
/// more slowly than the number of regexes (a vocabulary of thousands of templates and
/// phrases), where one PCRE2 match per regex and line would not. Answers are PCRE2's.
///
/// `@unchecked Sendable`: its evaluation contexts are taken from and given back to `idle`
/// under `lock`, so each is used by one thread at a time.
final class FeatureMatcher: @unchecked Sendable {
    private let lineTests: [LineTest]
    private let prefilter: Prefilter
    private var idle: [EvaluationContext] = []
    private let lock = NSLock()
    /// Lines scanned at once.
    static let batchLines = 2048

    init(patterns: [Pattern]) {
        lineTests = patterns.map { .matches($0) }
        prefilter = Prefilter(lineTests: lineTests, cache: nil)
    }

    /// For each line, the indices of the patterns it matches, ascending. A pattern that
    /// fails on a line (a PCRE2 resource limit) does not match it.
    func matches(_ lines: [[UInt8]]) -> [[Int32]] {
        var found = [[Int32]](repeating: [], count: lines.count)
        guard !lineTests.isEmpty else { return found }
        let context = lock.withLock { idle.popLast() } ?? EvaluationContext(lineTests: lineTests, prefilter: prefilter)
        defer { lock.withLock { idle.append(context) } }
        for start in stride(from: 0, to: lines.count, by: Self.batchLines) {
            let end = min(lines.count, start + Self.batchLines)
            var window = Window()
            for line in start..<end { window.append(lines[line], number: line - start + 1, timestamp: Window.noTimestamp) }
            context.reset(to: window)
            let words = (end - start + 63) >> 6
            for test in context.testsThatMayPass() {
                for word in 0..<words {
                    var bits: UInt64
                    do {
                        bits = try context.answers(test, word: word)
                    } catch {
                        // A resource limit on some line of the word: ask line by line.
                        bits = 0
                        for bit in 0..<min(64, end - start - word << 6) where (try? context.line(word << 6 + bit, passes: test)) == true {
                            bits |= UInt64(1) << UInt64(bit)
                        }
                    }
                    while bits != 0 {
                        found[start + word << 6 + bits.trailingZeroBitCount].append(Int32(test))
                        bits &= bits - 1
                    }
                }
            }
        }
        return found
    }
}
