import FAME
import LogInput
import LogParsing
import WardenCore

/// The labeled messages of one split of a log (chronological 6:1:3 over
/// lines), content only: the header a format puts before the free text is
/// cut off, and labels stay beside the messages.
public struct MessageSet: Sendable {
    public var messages: [LabeledMessage] = []
    /// Lines of the split without a label.
    public var unlabeled = 0
    /// Every line of the file: read, and skipped by reason.
    public var accounting = LineAccounting()

    /// Reads `reader`'s log once and keeps the lines of each of `splits`, in that order;
    /// `progress` is called with the bytes read so far.
    public static func read(_ reader: LogReader, splits: [Split], header: MessageHeader,
                            progress: ((Int) -> Void)? = nil) throws -> [MessageSet] {
        try reader.requireLabels()
        var all: [(content: [UInt8], truth: Truth?, line: Int)] = []
        try reader.forEach { record in
            all.append((Array(header.content(UnsafeRawBufferPointer(record.message))), record.truth, record.number))
            progress?(reader.source.bytesRead)
        }
        return splits.map { split in
            var set = MessageSet(accounting: reader.accounting)
            for (index, line) in all.enumerated() where split.contains(index, of: all.count) {
                guard let truth = line.truth else { set.unlabeled += 1; continue }
                set.messages.append(LabeledMessage(content: line.content, abnormal: truth == .abnormal, line: line.line))
            }
            return set
        }
    }
}
