import Foundation
@testable import LogInput
import Testing
import WardenCore

/// The timestamp parsers against Foundation's calendar, on well-formed timestamps with
/// fields in and out of range, and on mutated and cut-off ones.
@Suite("Timestamps")
struct TimestampTests {
    /// Milliseconds since the epoch by Foundation (UTC, lenient like the parsers: day 31 of
    /// February rolls over into March), or `nil` when a field is out of the parsers' ranges.
    static func reference(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) -> Int64? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let midnight = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
        let seconds = Int64(midnight.timeIntervalSince1970.rounded()) + Int64(((day - 1) * 24 + hour) * 3600 + minute * 60 + second)
        return seconds * 1000 + Int64(millisecond)
    }

    /// Digits only, and exactly `count` of them.
    static func number(_ text: Substring, count: Int) -> Int? {
        guard text.count == count, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    static func field(_ text: [Character], _ from: Int, _ count: Int) -> Int? {
        number(Substring(String(text[from..<(from + count)])), count: count)
    }

    /// What `Timestamps.iso` should read from `text`, by Foundation.
    static func expectedISO(_ text: String) -> Int64? {
        let characters = Array(text)
        guard characters.count > 18, characters.allSatisfy(\.isASCII), characters[4] == "-", characters[7] == "-",
              characters[10] == "T" || characters[10] == " ", characters[13] == ":", characters[16] == ":",
              let year = field(characters, 0, 4), let month = field(characters, 5, 2), let day = field(characters, 8, 2),
              let hour = field(characters, 11, 2), let minute = field(characters, 14, 2), let second = field(characters, 17, 2) else { return nil }
        var millisecond = 0
        if characters.count > 22, characters[19] == "." || characters[19] == ",", let fraction = field(characters, 20, 3) { millisecond = fraction }
        return reference(year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
    }

    /// What `Timestamps.hdfs` should read from `text`, by Foundation.
    static func expectedHDFS(_ text: String) -> Int64? {
        let characters = Array(text)
        guard characters.count >= 13, characters.allSatisfy(\.isASCII), characters[6] == " ",
              let year = field(characters, 0, 2), let month = field(characters, 2, 2), let day = field(characters, 4, 2),
              let hour = field(characters, 7, 2), let minute = field(characters, 9, 2), let second = field(characters, 11, 2) else { return nil }
        return reference(year: 2000 + year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: 0)
    }

    /// A timestamp with random fields (some out of range), then maybe one byte changed and maybe cut short.
    static func sample(iso: Bool, _ generator: inout SeededGenerator) -> String {
        func two(_ range: ClosedRange<Int>) -> String { String(format: "%02d", Int.random(in: range, using: &generator)) }
        var text = iso
            ? String(format: "%04d", Int.random(in: 1900...2099, using: &generator)) + "-" + two(0...13) + "-" + two(0...32)
                + (Bool.random(using: &generator) ? "T" : " ") + two(0...24) + ":" + two(0...60) + ":" + two(0...61)
                + [".123", ",9", ",456 rest", "", " message"].randomElement(using: &generator)!
            : two(0...99) + two(0...13) + two(0...32) + " " + two(0...24) + two(0...60) + two(0...61) + " 148 INFO dfs.DataNode"
        var bytes = Array(text.utf8)
        if Int.random(in: 0..<3, using: &generator) == 0 {
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0x20...0x7E, using: &generator)
        }
        if Int.random(in: 0..<6, using: &generator) == 0 { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator))) }
        text = String(decoding: bytes, as: UTF8.self)
        return text
    }

    @Test("ISO and HDFS timestamps read as Foundation reads them, and malformed ones not at all")
    func agreeWithFoundation() {
        var generator = SeededGenerator(seed: 5)
        var parsed = 0
        for index in 0..<4000 {
            let iso = index % 2 == 0
            let text = Self.sample(iso: iso, &generator)
            // Foundation's calendar is Julian before 1582; the parsers' is Gregorian throughout.
            if iso, let year = Int(text.prefix(4)), year < 1600 { continue }
            let actual = Array(text.utf8).withUnsafeBufferPointer { iso ? Timestamps.iso($0) : Timestamps.hdfs($0) }
            let expected = iso ? Self.expectedISO(text) : Self.expectedHDFS(text)
            #expect(actual == expected, "\(iso ? "ISO" : "HDFS") \(text)")
            if actual != nil { parsed += 1 }
        }
        #expect(parsed > 1000, "enough samples are well formed")
    }
}
