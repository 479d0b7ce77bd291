/// Grouping accuracy (the log-parsing benchmark's measure): a line is parsed
/// correctly when the set of lines sharing its mined template equals the set
/// of lines sharing its true event id.
public struct GroupingAccuracy: Sendable, Hashable {
    public var lines: Int
    public var correct: Int
    /// Mined templates whose lines are exactly one true event.
    public var exactTemplates: Int
    public var minedTemplates: Int
    public var trueEvents: Int

    public var accuracy: Double { lines == 0 ? 0 : Double(correct) / Double(lines) }

    /// Compares mined template ids with true event ids, line by line.
    public init<Mined: Hashable, Truth: Hashable>(mined: [Mined], truth: [Truth]) {
        precondition(mined.count == truth.count, "one mined and one true group per line")
        var minedGroups: [Mined: [Int]] = [:]
        var trueGroups: [Truth: Set<Int>] = [:]
        for index in mined.indices {
            minedGroups[mined[index], default: []].append(index)
            trueGroups[truth[index], default: []].insert(index)
        }
        var correct = 0, exact = 0
        for members in minedGroups.values {
            let events = Set(members.map { truth[$0] })
            if events.count == 1, let event = events.first, trueGroups[event]!.count == members.count {
                correct += members.count
                exact += 1
            }
        }
        self.lines = mined.count
        self.correct = correct
        self.exactTemplates = exact
        self.minedTemplates = minedGroups.count
        self.trueEvents = trueGroups.count
    }
}

/// A small RFC 4180 reader for Loghub's `*_structured*.csv` files.
public enum CSV {
    /// Rows of fields; quoted fields may hold commas, quotes (doubled) and newlines.
    public static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var i = 0
        func endField() { row.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 { field.append(0x22); i += 1 } else { quoted = false }
                } else {
                    field.append(byte)
                }
            } else if byte == 0x22, field.isEmpty {
                quoted = true
            } else if byte == 0x2C {
                endField()
            } else if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                endField()
                rows.append(row)
                row = []
            } else {
                field.append(byte)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
        return rows
    }

    /// The values of column `name`, one per data row; `nil` when the header lacks it.
    public static func column(_ name: String, in rows: [[String]]) -> [String]? {
        guard let header = rows.first, let index = header.firstIndex(of: name) else { return nil }
        return rows.dropFirst().map { index < $0.count ? $0[index] : "" }
    }
}
