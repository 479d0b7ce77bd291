import Foundation
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

/// Open sessions by key: what ``Windower`` keeps for session windows, and what each
/// shard of the parallel session pipeline keeps for its keys. A session's order is
/// the number of the line that opened it, so sessions sort the same whichever
/// table holds them.
///
/// A line finds its session by the bytes of its key (``SessionIndex``): no `String` is made
/// for a line whose session is open, only for the line that opens one.
struct SessionTable {
    /// Open sessions by slot; a closed session's slot is reused.
    private var slots: [Session?] = []
    /// The key bytes of each slot's session (apart from it, so that comparing them copies nothing).
    private var keys: [[UInt8]] = []
    private var freeSlots: [Int] = []
    private var index = SessionIndex()
    /// The latest line timestamp noted, for telling cut-off sessions at the end.
    private(set) var latestTimestamp: Int64?

    private struct Session {
        var window: Window
        var order: Int
        var lastActivity: Int64
        /// The key's hash, kept for removing the session from the index.
        let hash: Int
    }

    var count: Int { index.count }

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

    /// The slot of the open session of `key`, whose hash is `hash`.
    private func sessionSlot(of key: UnsafeBufferPointer<UInt8>, hash: Int) -> Int? {
        index.find(hash: hash) { slot in
            keys[slot].withUnsafeBytes { stored in
                stored.count == key.count && (key.isEmpty || memcmp(stored.baseAddress!, key.baseAddress!, key.count) == 0)
            }
        }
    }

    /// Adds a line to the session of `key` (the bytes of its key; `hash`: their
    /// ``SessionIndex/hash(_:)``); a session that reaches `maximumLines` is closed at once and returned.
    mutating func add(
        _ line: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>, hash: Int, number: Int, timestamp: Int64, maximumLines: Int
    ) -> Window? {
        let now = Self.activity(number: number, timestamp: timestamp)
        let slot: Int
        if let found = sessionSlot(of: key, hash: hash) {
            slot = found
        } else {
            var window = Window(key: String(decoding: key, as: UTF8.self))
            window.reserve(lines: 16, bytes: 16 * (line.count + 1))
            slot = freeSlots.popLast() ?? slots.count
            let session = Session(window: window, order: number, lastActivity: now, hash: hash)
            if slot == slots.count {
                slots.append(session)
                keys.append(Array(key))
            } else {
                slots[slot] = session
                keys[slot] = Array(key)
            }
            index.insert(slot: slot, hash: hash)
        }
        slots[slot]!.window.append(line, number: number, timestamp: timestamp)
        slots[slot]!.lastActivity = max(slots[slot]!.lastActivity, now)
        guard slots[slot]!.window.count >= maximumLines else { return nil }
        return close(slot: slot).window
    }

    /// Removes the session in `slot` and returns it.
    private mutating func close(slot: Int) -> Session {
        let session = slots[slot]!
        slots[slot] = nil
        keys[slot] = []
        freeSlots.append(slot)
        index.remove(slot: slot, hash: session.hash)
        return session
    }

    /// Closes sessions whose last line is older than `cutoff`: their windows and orders, in session order.
    mutating func closeIdle(before cutoff: Int64) -> [(window: Window, order: Int)] {
        let idle = slots.indices.filter { slots[$0].map { $0.lastActivity < cutoff } ?? false }
            .sorted { slots[$0]!.order < slots[$1]!.order }
        return idle.map { slot in
            let session = close(slot: slot)
            return (session.window, session.order)
        }
    }

    /// Closes every session, in session order. With an idle timeout, a session whose timeout
    /// had not passed at `latest` (the latest timestamp of the whole input) is marked truncated.
    mutating func finish(idle: Int64?, latest: Int64? = nil) -> [(window: Window, order: Int)] {
        let latest = latest ?? latestTimestamp
        let closed = slots.compactMap { $0 }.sorted(by: { $0.order < $1.order }).map { session in
            var window = session.window
            if let idle, let latest { window.isTruncated = latest - session.lastActivity < idle }
            return (window, session.order)
        }
        slots.removeAll()
        keys.removeAll()
        freeSlots.removeAll()
        index = SessionIndex()
        return closed
    }
}

/// The open sessions' slots by the hash of their key: open addressing with linear probing,
/// at most half full, and deletion by shifting entries back (no tombstones). The hash is the
/// standard library's seeded `Hasher`, so keys crafted to collide cannot make a lookup slow.
struct SessionIndex {
    /// Slot + 1 of each entry, 0 where empty.
    private var entries: [Int32]
    /// The hash of each entry's key.
    private var hashes: [Int]
    private(set) var count = 0

    init() {
        entries = [Int32](repeating: 0, count: 64)
        hashes = [Int](repeating: 0, count: 64)
    }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(key))
        return hasher.finalize()
    }

    private var mask: Int { entries.count - 1 }

    /// The slot whose key has `hash` and for which `isKey` holds, if any.
    func find(hash: Int, isKey: (Int) -> Bool) -> Int? {
        var position = hash & mask
        while entries[position] != 0 {
            if hashes[position] == hash, isKey(Int(entries[position]) - 1) { return Int(entries[position]) - 1 }
            position = (position + 1) & mask
        }
        return nil
    }

    /// Adds `slot` under `hash` (its key is not in the index).
    mutating func insert(slot: Int, hash: Int) {
        if (count + 1) * 2 > entries.count { grow() }
        var position = hash & mask
        while entries[position] != 0 { position = (position + 1) & mask }
        entries[position] = Int32(slot + 1)
        hashes[position] = hash
        count += 1
    }

    /// Removes `slot`, which is in the index under `hash`.
    mutating func remove(slot: Int, hash: Int) {
        var position = hash & mask
        while entries[position] != Int32(slot + 1) { position = (position + 1) & mask }
        // Shift back each later entry of the run whose home is not between the hole and it.
        var hole = position
        var next = (position + 1) & mask
        while entries[next] != 0 {
            let home = hashes[next] & mask
            if (next - home) & mask >= (next - hole) & mask {
                entries[hole] = entries[next]
                hashes[hole] = hashes[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        entries[hole] = 0
        count -= 1
    }

    private mutating func grow() {
        let old = zip(entries, hashes).filter { $0.0 != 0 }
        entries = [Int32](repeating: 0, count: entries.count * 2)
        hashes = [Int](repeating: 0, count: entries.count)
        count = 0
        for (entry, hash) in old { insert(slot: Int(entry) - 1, hash: hash) }
    }
}
