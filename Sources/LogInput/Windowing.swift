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
        let key: Range<Int>
        switch SessionTable.keyRange(of: line, pattern: pattern, scratch: scratch) {
        case .key(let found): key = found
        case .skipped(let reason): return reason
        }
        if let cutoff = SessionTable.idleCutoff(number: number, timestamp: timestamp, idle: idle) {
            closeIdle(before: cutoff, emit)
        }
        sessions.note(timestamp: timestamp)
        let keyBytes = UnsafeBufferPointer(rebasing: line[key])
        if let full = sessions.add(line, key: keyBytes, hash: SessionIndex.hash(keyBytes), number: number, timestamp: timestamp,
                                   maximumLines: maximumLines) {
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
