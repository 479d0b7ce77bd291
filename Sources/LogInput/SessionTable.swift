import Foundation
import HeapModule
import PCRE2
import RuleRuntime
import WardenCore

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
    /// Open sessions by last activity, so that closing idle ones looks only at those that may be
    /// idle. An entry holds the activity its session had when it was pushed, never later than the
    /// session's own; a popped entry whose session went on is pushed again with its activity, and
    /// one whose session has closed is dropped (entries name sessions by slot and order).
    private var byActivity = Heap<ActivityEntry>()
    /// The latest line timestamp noted, for telling cut-off sessions at the end.
    private(set) var latestTimestamp: Int64?

    private struct Session {
        var window: Window
        var order: Int
        var lastActivity: Int64
        /// The key's hash, kept for removing the session from the index.
        let hash: Int
    }

    private struct ActivityEntry: Comparable {
        let activity: Int64
        let slot: Int
        /// The session's order: a slot's later session has another.
        let order: Int

        static func < (a: ActivityEntry, b: ActivityEntry) -> Bool { a.activity < b.activity }
        static func == (a: ActivityEntry, b: ActivityEntry) -> Bool { a.activity == b.activity }
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
            byActivity.insert(ActivityEntry(activity: now, slot: slot, order: number))
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
        // Entries of sessions closed by their line limit wait for their time to pass (or for
        // ever, without idle timeouts): past twice the open sessions, the heap is made anew.
        if byActivity.count > 2 * index.count + 64 {
            byActivity = Heap(slots.indices.compactMap { slot in
                slots[slot].map { ActivityEntry(activity: $0.lastActivity, slot: slot, order: $0.order) }
            })
        }
        return session
    }

    /// Closes sessions whose last line is older than `cutoff`: their windows and orders, in session order.
    mutating func closeIdle(before cutoff: Int64) -> [(window: Window, order: Int)] {
        var idle: [Int] = []
        while let oldest = byActivity.min, oldest.activity < cutoff {
            _ = byActivity.removeMin()
            guard let session = slots[oldest.slot], session.order == oldest.order else { continue }
            if session.lastActivity < cutoff {
                idle.append(oldest.slot)
            } else {
                byActivity.insert(ActivityEntry(activity: session.lastActivity, slot: oldest.slot, order: session.order))
            }
        }
        idle.sort { slots[$0]!.order < slots[$1]!.order }
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
        byActivity = Heap()
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
