import FAME
import LogInput
import LogParsing
import RuleRuntime
import WardenCore

/// The labeled messages of one split of a log (chronological 6:1:3 over
/// lines, or over sessions when the log is read in sessions), content only:
/// the header a format puts before the free text is cut off, and labels stay
/// beside the messages.
public struct MessageSet: Sendable {
    public var messages: [LabeledMessage] = []
    /// Lines of the split without a label.
    public var unlabeled = 0
    /// Every line of the file: read, and skipped by reason.
    public var accounting = LineAccounting()

    /// Reads `reader`'s log once and keeps, for each of `parts`, the lines (or sessions) of the
    /// units it holds: `part(unit, units)` says whether unit `unit` of `units`, in input order, is in it
    /// (``Split/contains(_:of:)``, say); `progress` is called with the bytes read so far.
    ///
    /// With `sessions` (a session ``WindowPolicy``), the units are its sessions, as `warden eval`
    /// splits them, so that a session is learned from or scored as a whole: sessions interleave,
    /// and a split over lines would put lines of one session on both sides.
    public static func read(_ reader: LogReader, parts: [(Int, Int) -> Bool], header: MessageHeader, sessions: WindowPolicy? = nil,
                            progress: ((Int) -> Void)? = nil) throws -> [MessageSet] {
        try reader.requireLabels()
        var lines: [(content: [UInt8], truth: Truth?, line: Int)] = []
        // Where each session's lines start in `lines`; without sessions every line is a unit of its own.
        var sessionStarts: [Int]?
        if let sessions {
            var starts: [Int] = []
            let pipeline = WindowPipeline(reader: reader, policy: sessions, threads: 1, recordTruth: true)
            try pipeline.windows { window in
                starts.append(lines.count)
                for position in 0..<window.count {
                    let content = window.withLine(position) { Array(header.content(UnsafeRawBufferPointer($0))) }
                    lines.append((content, pipeline.truth(ofLine: window.number(at: position)), window.number(at: position)))
                }
                progress?(reader.source.bytesRead)
            }
            sessionStarts = starts
        } else {
            try reader.forEach { record in
                lines.append((Array(header.content(UnsafeRawBufferPointer(record.message))), record.truth, record.number))
                progress?(reader.source.bytesRead)
            }
        }
        let units = sessionStarts?.count ?? lines.count
        return parts.map { part in
            var set = MessageSet(accounting: reader.accounting)
            for unit in 0..<units where part(unit, units) {
                let range = sessionStarts.map { $0[unit]..<(unit + 1 < $0.count ? $0[unit + 1] : lines.count) } ?? unit..<(unit + 1)
                for line in lines[range] {
                    guard let truth = line.truth else { set.unlabeled += 1; continue }
                    set.messages.append(LabeledMessage(content: line.content, abnormal: truth == .abnormal, line: line.line))
                }
            }
            return set
        }
    }
}
