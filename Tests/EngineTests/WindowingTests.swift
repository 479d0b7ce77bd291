import PCRE2
import RuleRuntime
import Testing
import LogInput

@Suite("Windowing")
struct WindowingTests {
    /// Feeds `count` lines ("line N", timestamps from `timestamp`) and returns the windows' line numbers and skips.
    func run(_ policy: WindowPolicy, lines texts: [String], timestamps: [Int64]? = nil) -> (windows: [[Int]], keys: [String?], skipped: Int) {
        var windower = Windower(policy: policy)
        var windows: [Window] = []
        var skipped = 0
        for (offset, text) in texts.enumerated() {
            let bytes = Array(text.utf8)
            let reason = bytes.withUnsafeBufferPointer {
                windower.add($0, number: offset + 1, timestamp: timestamps?[offset] ?? Window.noTimestamp) { windows.append($0) }
            }
            if reason != nil { skipped += 1 }
        }
        windower.finish { windows.append($0) }
        #expect(windows.map(\.id) == Array(0..<windows.count))
        return (windows.map(\.numbers), windows.map(\.key), skipped)
    }

    func lines(_ count: Int) -> [String] { (1...count).map { "line \($0)" } }

    @Test("Tumbling count windows, with a final partial window")
    func tumbling() {
        let result = run(.count(size: 4, step: 4), lines: lines(10))
        #expect(result.windows == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]])
        #expect(result.skipped == 0)
    }

    @Test("Sliding windows cover every line; the tail window holds the uncovered lines")
    func sliding() {
        let result = run(.count(size: 4, step: 2), lines: lines(7))
        #expect(result.windows == [[1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7]])
    }

    @Test("A step larger than the size skips lines between windows, and says so")
    func sampled() {
        let result = run(.count(size: 2, step: 3), lines: lines(8))
        #expect(result.windows == [[1, 2], [4, 5], [7, 8]])
        #expect(result.skipped == 2)
    }

    @Test("Time windows align to the duration; lines without a timestamp join the current window")
    func timeWindows() {
        let stamps: [Int64] = [1_000, 1_500, Window.noTimestamp, 2_100, 5_000, 5_999]
        let result = run(.time(milliseconds: 1_000, maximumLines: 100), lines: lines(6), timestamps: stamps)
        #expect(result.windows == [[1, 2, 3], [4], [5, 6]])
    }

    @Test("A time window closes at its line limit: input without timestamps does not pile into one window")
    func timeWindowLimit() {
        let untimed = [Int64](repeating: Window.noTimestamp, count: 7)
        let result = run(.time(milliseconds: 60_000, maximumLines: 3), lines: lines(7), timestamps: untimed)
        #expect(result.windows == [[1, 2, 3], [4, 5, 6], [7]])
        let full = run(.time(milliseconds: 1_000, maximumLines: 2), lines: lines(3), timestamps: [1_000, 1_100, 1_200])
        #expect(full.windows == [[1, 2], [3]])
    }

    @Test("Sessions group by key, close when idle or full, and lines without a key are skipped")
    func sessions() throws {
        let key = try Pattern(#"blk_(\d+)"#)
        let texts = ["a blk_1", "b blk_2", "no key", "c blk_1", "d blk_3", "e blk_2"]
        let result = run(.session(key: key, idleMilliseconds: nil, maximumLines: 100), lines: texts)
        #expect(result.windows == [[1, 4], [2, 6], [5]])
        #expect(result.keys == ["1", "2", "3"])
        #expect(result.skipped == 1)
        let capped = run(.session(key: key, idleMilliseconds: nil, maximumLines: 2), lines: texts)
        #expect(capped.windows == [[1, 4], [2, 6], [5]])
        let one = run(.session(key: key, idleMilliseconds: nil, maximumLines: 1), lines: texts)
        #expect(one.windows == [[1], [2], [4], [5], [6]])
    }

    @Test("Idle sessions close in order of first appearance")
    func idleSessions() throws {
        let key = try Pattern(#"s(\d)"#)
        // Line 256 triggers the idle sweep; s1 last seen at t=0 is idle by then, s2 is not.
        var texts = ["s1 start"] + Array(repeating: "s2 tick", count: 254) + ["s2 tick", "s1 again"]
        var stamps: [Int64] = [0] + (1...254).map { Int64($0) * 1000 } + [300_000, 300_001]
        texts[255] = "s2 tick"
        stamps[255] = 300_000
        let result = run(.session(key: key, idleMilliseconds: 60_000, maximumLines: 1000), lines: texts, timestamps: stamps)
        #expect(result.windows.first == [1])
        #expect(result.windows.count == 3)
        #expect(result.windows.last == [257])
    }

    @Test("Sessions the end of input cuts off before their idle timeout are marked truncated; without a timeout none are")
    func truncatedSessions() throws {
        let key = try Pattern(#"s(\d)"#)
        // s1 ends at t=0 (idle passed by the last line at t=100 s), s2 at t=90 s (not passed), s3 at the last line.
        let texts = ["s1 a", "s2 a", "s1 b", "s2 b", "s3 a"]
        let stamps: [Int64] = [0, 1_000, 0, 90_000, 100_000]
        func truncated(_ policy: WindowPolicy) -> [String: Bool] {
            var windower = Windower(policy: policy)
            var windows: [Window] = []
            for (offset, text) in texts.enumerated() {
                _ = Array(text.utf8).withUnsafeBufferPointer {
                    windower.add($0, number: offset + 1, timestamp: stamps[offset]) { windows.append($0) }
                }
            }
            windower.finish { windows.append($0) }
            return Dictionary(uniqueKeysWithValues: windows.map { ($0.key ?? "", $0.isTruncated) })
        }
        #expect(truncated(.session(key: key, idleMilliseconds: 60_000, maximumLines: 100)) == ["1": false, "2": true, "3": true])
        #expect(truncated(.session(key: key, idleMilliseconds: nil, maximumLines: 100)) == ["1": false, "2": false, "3": false])
        // A session closed by its line limit is complete.
        #expect(truncated(.session(key: key, idleMilliseconds: 60_000, maximumLines: 2))["1"] == false)
    }
}

@Suite("Builtin semantics")
struct FunctionTests {
    @Test func division() {
        #expect(Functions.div(7, 2) == 3)
        #expect(Functions.div(-7, 2) == -4)
        #expect(Functions.div(7, -2) == -4)
        #expect(Functions.div(Int.min, -1) == Int.min)
        #expect(Functions.remainder(Int.min, -1) == 0)
        #expect(Functions.divide(1, 0) == 0)
    }

    @Test func percentile() {
        #expect(Functions.percentile([15, 20, 35, 40, 50] as [Double], 30) == 20)
        #expect(Functions.percentile([15, 20, 35, 40, 50] as [Double], 100) == 50)
        #expect(Functions.percentile([3, 1, 2] as [Double], 500) == 3)
        #expect(Functions.percentile([] as [Double], 50) == 0)
    }

    @Test func numbersFromText() {
        #expect(Functions.int("  -12\t") == -12)
        #expect(Functions.int("99999999999999999999") == 0)
        #expect(Functions.float("0x1p3") == 0)
        #expect(Functions.float("1e3") == 1000)
        #expect(Functions.float("inf") == 0)
        #expect(Functions.int(Double.infinity) == Int.max)
        #expect(Functions.int(-Double.infinity) == Int.min)
    }

    @Test func byteWiseText() {
        #expect(Text.contains("naïve text", "ïve"))
        #expect(!Text.contains("abc", "abcd"))
        #expect(Text.contains("abc", ""))
        #expect(Text.hasSuffix("abc", "bc") && !Text.hasSuffix("abc", "ab"))
        // Canonically equivalent but different bytes are different text.
        #expect(!Text.equal("\u{E9}", "e\u{301}"))
        let bytes = Array("xxaxxab".utf8)
        #expect(bytes.withUnsafeBufferPointer { Text.contains($0, Array("ab".utf8)) })
    }
}
