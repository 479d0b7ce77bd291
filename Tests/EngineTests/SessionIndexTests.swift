@testable import LogInput
import Testing
import WardenCore

/// The session table against simple models: its index agrees with a dictionary (hashes made
/// to collide and to wrap around the end of the table), and its idle closing with a look at
/// every open session.
@Suite("Session index")
struct SessionIndexTests {
    @Test("Finds what a dictionary finds, through growth and removals by backward shift", arguments: [3, 64, 1 << 20])
    func agreesWithDictionary(hashRange: Int) {
        // A reproducible sequence from the seed printed on failure.
        let start = UInt64.random(in: 0...UInt64.max)
        var random = SeededGenerator(seed: start)
        func next(_ bound: Int) -> Int { random.below(bound) }
        var index = SessionIndex()
        // Open sessions: key → (slot, hash); the slot's key, as a session table keeps it.
        var open: [Int: (slot: Int, hash: Int)] = [:]
        var keyOfSlot: [Int: Int] = [:]
        var freeSlots: [Int] = []
        var nextSlot = 0
        // Hashes in a small range collide; offsets near the top of the range wrap around the table.
        func hash(of key: Int) -> Int { (key &* 7919) % hashRange - (key % 2 == 0 ? 0 : 1) }
        for _ in 0..<20_000 {
            let key = next(600)
            let found = index.find(hash: hash(of: key)) { keyOfSlot[$0] == key }
            #expect(found == open[key]?.slot, "seed \(start), key \(key)")
            if let session = open[key], next(3) == 0 {
                index.remove(slot: session.slot, hash: session.hash)
                open[key] = nil
                keyOfSlot[session.slot] = nil
                freeSlots.append(session.slot)
            } else if open[key] == nil {
                let slot = freeSlots.popLast() ?? { nextSlot += 1; return nextSlot - 1 }()
                index.insert(slot: slot, hash: hash(of: key))
                open[key] = (slot, hash(of: key))
                keyOfSlot[slot] = key
            }
            #expect(index.count == open.count)
        }
        for (key, session) in open {
            #expect(index.find(hash: session.hash) { keyOfSlot[$0] == key } == session.slot, "seed \(start), key \(key)")
        }
    }

    @Test("Idle sessions close exactly as a look at every open session closes them, with timestamps out of order, line limits and slots reused")
    func idleClosingAgreesWithLookingAtEvery() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SeededGenerator(seed: seed)
        func next(_ bound: Int) -> Int { random.below(bound) }
        var table = SessionTable()
        // The model: every open session by key, and a look at each of them to close the idle ones.
        var open: [String: (lines: [Int], order: Int, last: Int64)] = [:]
        let maximumLines = 7
        for number in 1...20_000 {
            let key = "k\(next(300))"
            // Log time advances 10 per line, give or take 500: lines arrive out of order.
            let timestamp = Int64(number * 10 + next(1001) - 500)
            var session = open[key] ?? ([], number, timestamp)
            session.lines.append(number)
            session.last = max(session.last, timestamp)
            let bytes = Array(key.utf8)
            let full = bytes.withUnsafeBufferPointer { line in
                table.add(line, key: line, hash: SessionIndex.hash(line), number: number, timestamp: timestamp, maximumLines: maximumLines)
            }
            if session.lines.count >= maximumLines {
                #expect(full?.numbers == session.lines, "seed \(seed), line \(number)")
                open[key] = nil
            } else {
                #expect(full == nil, "seed \(seed), line \(number)")
                open[key] = session
            }
            if number % 97 == 0 {
                let cutoff = timestamp - Int64(500 + next(3000))
                let idle = open.filter { $0.value.last < cutoff }.sorted { $0.value.order < $1.value.order }
                for (key, _) in idle { open[key] = nil }
                let closed = table.closeIdle(before: cutoff)
                #expect(closed.map(\.order) == idle.map(\.value.order) && closed.map(\.window.numbers) == idle.map(\.value.lines),
                        "seed \(seed), line \(number)")
            }
            #expect(table.count == open.count)
        }
        let rest = table.finish(idle: nil)
        #expect(rest.map(\.window.numbers) == open.values.sorted { $0.order < $1.order }.map(\.lines), "seed \(seed)")
    }

    @Test("Sessions of keys whose hashes collide stay apart")
    func collidingKeysInTable() throws {
        var table = SessionTable()
        let lines = ["a k1", "b k2", "c k1", "d k3", "e k2", "f k1"]
        var closed: [[String]] = []
        for (number, text) in lines.enumerated() {
            let bytes = Array(text.utf8)
            let window = bytes.withUnsafeBufferPointer { line in
                // Every key under one hash: only the key bytes tell the sessions apart.
                table.add(line, key: UnsafeBufferPointer(rebasing: line[2...]), hash: 42, number: number + 1, timestamp: 0, maximumLines: 3)
            }
            if let window { closed.append((0..<window.count).map { window.text($0) }) }
        }
        #expect(closed == [["a k1", "c k1", "f k1"]])
        let rest = table.finish(idle: nil).map { session in (0..<session.window.count).map { session.window.text($0) } }
        #expect(rest == [["b k2", "e k2"], ["d k3"]])
        #expect(table.count == 0)
        // An empty key (a capture group that matched nothing) is a key like any other.
        for (number, text) in ["x", "y"].enumerated() {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBufferPointer { line in
                table.add(line, key: UnsafeBufferPointer(rebasing: line[0..<0]), hash: 7, number: number + 1, timestamp: 0, maximumLines: 10)
            }
        }
        #expect(table.count == 1)
        #expect(table.finish(idle: nil).map(\.window.count) == [2])
    }
}
