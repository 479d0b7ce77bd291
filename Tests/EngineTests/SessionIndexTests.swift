@testable import LogInput
import Testing

/// The open sessions' index agrees with a dictionary through inserts, lookups and removals,
/// with hashes made to collide and to wrap around the end of the table.
@Suite("Session index")
struct SessionIndexTests {
    @Test("Finds what a dictionary finds, through growth and removals by backward shift", arguments: [3, 64, 1 << 20])
    func agreesWithDictionary(hashRange: Int) {
        var generator = SystemRandomNumberGenerator()
        var seed = UInt64.random(in: 0...UInt64.max, using: &generator)
        func next(_ bound: Int) -> Int {
            // SplitMix64: a reproducible sequence from the seed printed on failure.
            seed &+= 0x9E37_79B9_7F4A_7C15
            var value = seed
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((value ^ (value >> 31)) % UInt64(bound))
        }
        let start = seed
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
