/// Timestamp parsing for the log formats, in UTC milliseconds since the epoch.
enum Timestamps {
    /// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func milliseconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int = 0) -> Int64? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
              (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let seconds = Int64(days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1000 + Int64(millisecond)
    }

    /// Reads `count` ASCII digits at `offset`.
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> Int? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        var value = 0
        for index in offset..<(offset + count) {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// Two ASCII digits at `offset`, which the caller has checked is in bounds.
    @inline(__always)
    static func twoDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int? {
        let tens = bytes[offset] &- 48, ones = bytes[offset + 1] &- 48
        guard tens < 10, ones < 10 else { return nil }
        return Int(tens) * 10 + Int(ones)
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.,fff]` at `offset`.
    static func iso(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int = 0) -> Int64? {
        // The separators first: most lines without a timestamp there fail at the first one.
        guard offset >= 0, bytes.count > offset + 18, bytes[offset + 4] == 45, bytes[offset + 7] == 45,
              bytes[offset + 10] == 84 || bytes[offset + 10] == 32, bytes[offset + 13] == 58, bytes[offset + 16] == 58,
              let century = twoDigits(bytes, offset), let yearOfCentury = twoDigits(bytes, offset + 2),
              let month = twoDigits(bytes, offset + 5), let day = twoDigits(bytes, offset + 8),
              let hour = twoDigits(bytes, offset + 11), let minute = twoDigits(bytes, offset + 14),
              let second = twoDigits(bytes, offset + 17) else { return nil }
        let year = century * 100 + yearOfCentury
        var millisecond = 0
        if bytes.count > offset + 22, bytes[offset + 19] == 46 || bytes[offset + 19] == 44,
           let fraction = digits(bytes, offset + 20, 3) {
            millisecond = fraction
        }
        return milliseconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
    }

    /// HDFS: `yyMMdd HHmmss` (years 2000-2099).
    static func hdfs(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 13, bytes[6] == 32, let year = twoDigits(bytes, 0), let month = twoDigits(bytes, 2),
              let day = twoDigits(bytes, 4), let hour = twoDigits(bytes, 7), let minute = twoDigits(bytes, 9),
              let second = twoDigits(bytes, 11) else { return nil }
        return milliseconds(year: 2000 + year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// A run of ASCII digits as epoch seconds, in milliseconds.
    static func epochSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 12, let seconds = digits(bytes, 0, bytes.count) else { return nil }
        return Int64(seconds) * 1000
    }
}
