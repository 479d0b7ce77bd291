import PCRE2
import RuleRuntime
import WardenCore

/// How lines are grouped into windows.
public enum WindowPolicy: Sendable {
    /// Windows of `size` lines starting every `step` lines (`step == size`: tumbling,
    /// the CodeAD protocol with 20/20; `step < size`: sliding; `step > size`: sampled).
    case count(size: Int, step: Int)
    /// Tumbling windows of `milliseconds` by line timestamp, aligned to multiples of
    /// the duration. Lines without a timestamp join the current window. A window
    /// that reaches `maximumLines` closes, and the next line starts another in the
    /// same time slot, so input without timestamps cannot pile into one window.
    case time(milliseconds: Int64, maximumLines: Int)
    /// One window per session: lines grouped by the text `key` matches (capture
    /// group 1 if it has one, else the whole match). A session closes when no line
    /// joined it for `idleMilliseconds` of log time (when set), when it reaches
    /// `maximumLines`, or at the end of input. With an idle timeout, a session the
    /// end of input closes before its timeout passed is marked ``Window/isTruncated``.
    case session(key: Pattern, idleMilliseconds: Int64?, maximumLines: Int)

    /// The CodeAD default: 20 lines, step 20.
    public static let codeAD = WindowPolicy.count(size: 20, step: 20)
}

/// Groups a stream of lines into windows. Memory stays bounded: count and time
/// windows hold at most one window's lines (`size` windows when sliding), sessions
/// at most `maximumLines` per open session.
public struct Windower {
    public let policy: WindowPolicy
    private var nextID = 0
    private var open: [Window] = []
    private var linesSeen = 0
    /// Lines seen up to the end of the last emitted count window.
    private var coveredThrough = 0
    // Time windows
    private var windowEnd: Int64 = .min
    // Sessions
    private var sessions = SessionTable()
    /// The latest line timestamp seen (sessions), for telling cut-off sessions at the end.
    public var latestTimestamp: Int64? { sessions.latestTimestamp }
    private let scratch = MatchScratch()

    public init(policy: WindowPolicy) {
        self.policy = policy
    }

    /// Adds one line; completed windows are passed to `emit` in output order.
    /// Returns why the line is in no window, or `nil` when a window took it.
    public mutating func add(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, timestamp: Int64, emit: (Window) -> Void
    ) -> SkipReason? {
        switch policy {
        case .count(let size, let step):
            return addCounted(line, number: number, timestamp: timestamp, size: size, step: step, emit: emit)
        case .time(let duration, let maximumLines):
            addTimed(line, number: number, timestamp: timestamp, duration: duration, maximumLines: maximumLines, emit: emit)
            return nil
        case .session(let key, let idle, let maximumLines):
            return addSession(line, number: number, timestamp: timestamp, key: key, idle: idle,
                              maximumLines: maximumLines, emit: emit)
        }
    }

    /// Emits every window still open, at the end of input.
    public mutating func finish(emit: (Window) -> Void) {
        switch policy {
        case .count:
            // The oldest open window holds every line not yet in an emitted window.
            if let oldest = open.first, linesSeen > coveredThrough { emitWindow(oldest, emit) }
            open.removeAll()
        case .time:
            if let current = open.first, !current.isEmpty { emitWindow(current, emit) }
            open.removeAll()
        case .session(_, let idle, _):
            for (window, _) in sessions.finish(idle: idle) { emitWindow(window, emit) }
        }
    }

    private mutating func emitWindow(_ window: Window, _ emit: (Window) -> Void) {
        var window = window
        window.id = nextID
        nextID += 1
        emit(window)
    }

    private mutating func addCounted(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, timestamp: Int64, size: Int, step: Int, emit: (Window) -> Void
    ) -> SkipReason? {
        let position = linesSeen
        linesSeen += 1
        if position % step == 0 {
            var window = Window()
            window.reserve(lines: size, bytes: max(line.count, 64) * size)
            open.append(window)
        }
        guard !open.isEmpty else { return .betweenWindows }
        for index in open.indices { open[index].append(line, number: number, timestamp: timestamp) }
        if open[0].count == size {
            emitWindow(open.removeFirst(), emit)
            coveredThrough = linesSeen
        }
        return nil
    }

    private mutating func addTimed(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, timestamp: Int64, duration: Int64, maximumLines: Int, emit: (Window) -> Void
    ) {
        if let current = open.first, current.count >= maximumLines {
            emitWindow(current, emit)
            open = [Window()]
        }
        if timestamp != Window.noTimestamp, timestamp >= windowEnd || open.isEmpty {
            if let current = open.first, !current.isEmpty { emitWindow(current, emit) }
            open = [Window()]
            let start = timestamp - ((timestamp % duration) + duration) % duration
            windowEnd = start &+ duration
        } else if open.isEmpty {
            open = [Window()]
        }
        open[0].append(line, number: number, timestamp: timestamp)
    }

    private mutating func addSession(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, timestamp: Int64, key pattern: Pattern,
        idle: Int64?, maximumLines: Int, emit: (Window) -> Void
    ) -> SkipReason? {
        let key: String
        switch SessionTable.key(of: line, pattern: pattern, scratch: scratch) {
        case .key(let found): key = found
        case .skipped(let reason): return reason
        }
        if let cutoff = SessionTable.idleCutoff(number: number, timestamp: timestamp, idle: idle) {
            closeIdle(before: cutoff, emit)
        }
        sessions.note(timestamp: timestamp)
        if let full = sessions.add(line, key: key, number: number, timestamp: timestamp, maximumLines: maximumLines) {
            emitWindow(full, emit)
        }
        return nil
    }

    /// Sessions open now.
    public var openSessions: Int { sessions.count }

    /// Closes sessions whose last line is older than `cutoff` (log time), oldest session first:
    /// a live detector calls it as time passes with no new lines.
    public mutating func closeIdle(before cutoff: Int64, _ emit: (Window) -> Void) {
        for (window, _) in sessions.closeIdle(before: cutoff) { emitWindow(window, emit) }
    }
}

/// Open sessions by key: what ``Windower`` keeps for session windows, and what each
/// shard of the parallel session pipeline keeps for its keys. A session's order is
/// the number of the line that opened it, so sessions sort the same whichever
/// table holds them.
struct SessionTable {
    private var sessions: [String: Session] = [:]
    /// The latest line timestamp noted, for telling cut-off sessions at the end.
    private(set) var latestTimestamp: Int64?

    private struct Session {
        var window: Window
        var order: Int
        var lastActivity: Int64
    }

    var count: Int { sessions.count }

    /// The session key of `line`: capture group 1 of `pattern` if it has one, else the whole
    /// match; or why the line joins no session.
    static func key(of line: UnsafeBufferPointer<UInt8>, pattern: Pattern, scratch: MatchScratch) -> KeyOutcome<String> {
        switch keyRange(of: line, pattern: pattern, scratch: scratch) {
        case .key(let range): .key(String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self))
        case .skipped(let reason): .skipped(reason)
        }
    }

    /// Where the session key of `line` is in it, or why the line joins no session.
    static func keyRange(of line: UnsafeBufferPointer<UInt8>, pattern: Pattern, scratch: MatchScratch) -> KeyOutcome<Range<Int>> {
        let match: Match?
        do { match = try pattern.firstMatch(in: line, scratch: scratch) } catch { return .skipped(.keyLimit) }
        guard let match else { return .skipped(.noSessionKey) }
        return .key((pattern.captureCount > 0 ? match[group: 1] : nil) ?? match.range)
    }

    /// A line's session key (or where it is), or why it has none.
    enum KeyOutcome<Key> {
        case key(Key)
        case skipped(SkipReason)
    }

    /// Idle sessions are closed every 256 lines (by a keyed line with a timestamp): the
    /// log time before which a session counts as idle, when line `number` is such a line.
    static func idleCutoff(number: Int, timestamp: Int64, idle: Int64?) -> Int64? {
        guard let idle, timestamp != Window.noTimestamp, number % 256 == 0 else { return nil }
        return timestamp - idle
    }

    /// The time a line counts as: its timestamp, or its number when it has none.
    static func activity(number: Int, timestamp: Int64) -> Int64 {
        timestamp != Window.noTimestamp ? timestamp : Int64(number)
    }

    mutating func note(timestamp: Int64) {
        if timestamp != Window.noTimestamp { latestTimestamp = max(latestTimestamp ?? timestamp, timestamp) }
    }

    /// Adds a line to its key's session; a session that reaches `maximumLines` is closed at once and returned.
    mutating func add(
        _ line: UnsafeBufferPointer<UInt8>, key: String, number: Int, timestamp: Int64, maximumLines: Int
    ) -> Window? {
        let now = Self.activity(number: number, timestamp: timestamp)
        // The session is found by one lookup and changed in place (a new one takes a second).
        var index = sessions.index(forKey: key)
        if index == nil {
            var window = Window(key: key)
            window.reserve(lines: 16, bytes: 16 * (line.count + 1))
            sessions[key] = Session(window: window, order: number, lastActivity: now)
            index = sessions.index(forKey: key)
        }
        let position = index!
        sessions.values[position].window.append(line, number: number, timestamp: timestamp)
        sessions.values[position].lastActivity = max(sessions.values[position].lastActivity, now)
        guard sessions.values[position].window.count >= maximumLines else { return nil }
        return sessions.remove(at: position).value.window
    }

    /// Closes sessions whose last line is older than `cutoff`: their windows and orders, in session order.
    mutating func closeIdle(before cutoff: Int64) -> [(window: Window, order: Int)] {
        let idle = sessions.filter { $0.value.lastActivity < cutoff }.sorted { $0.value.order < $1.value.order }
        for (key, _) in idle { sessions.removeValue(forKey: key) }
        return idle.map { ($0.value.window, $0.value.order) }
    }

    /// Closes every session, in session order. With an idle timeout, a session whose timeout
    /// had not passed at `latest` (the latest timestamp of the whole input) is marked truncated.
    mutating func finish(idle: Int64?, latest: Int64? = nil) -> [(window: Window, order: Int)] {
        let latest = latest ?? latestTimestamp
        let closed = sessions.values.sorted(by: { $0.order < $1.order }).map { session in
            var window = session.window
            if let idle, let latest { window.isTruncated = latest - session.lastActivity < idle }
            return (window, session.order)
        }
        sessions.removeAll()
        return closed
    }
}
