/// Where a log message's free text (the part template mining reads) starts:
/// the header fields a log format puts before it. Log input names the header
/// of each format; log parsing knows how to skip it.
public enum MessageHeader: String, Sendable, Hashable, Codable {
    /// The whole message is content.
    case none
    /// BGL and Thunderbird without their label: epoch seconds, date, node, time,
    /// node again, type, component, level — 8 fields.
    case bgl
    /// HDFS: date, time, pid, level, `component:` — 5 fields.
    case hdfs
    /// Hadoop: date, time, level, `[thread]` (which may hold spaces), `component:`.
    case hadoop
}
