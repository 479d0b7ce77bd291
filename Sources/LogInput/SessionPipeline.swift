import Dispatch
import PCRE2
import RuleRuntime
import WardenCore

/// Session windows on several threads, sharded by key.
///
/// The calling thread reads and decodes lines into batches. For each batch, a worker
/// finds every line's session key and the shard it goes to (by the key's hash), and
/// each shard, one serial queue per thread, adds the lines of its keys to its own
/// ``SessionTable``, batch after batch. A shard closes a session when it reaches its
/// line limit or goes idle at a tick (every 256 lines, as the ``Windower`` does), and
/// the windows closed in a batch are put back into the order the ``Windower`` closes
/// them: by the line that closed them, idle ones first, then by session order. The
/// calling thread numbers them, detects them in parallel and delivers them in that order.
/// Windows, ids, truncation marks and accounting are exactly the ``Windower``'s.
struct SessionPipeline {
    let reader: LogReader
    let key: Pattern
    let idle: Int64?
    let maximumLines: Int
    let threads: Int
    /// Lines per batch.
    let batchLines: Int

    init?(reader: LogReader, policy: WindowPolicy, threads: Int, batchLines: Int = 4096) {
        guard case .session(let key, let idle, let maximumLines) = policy, threads > 1 else { return nil }
        self.reader = reader
        self.key = key
        self.idle = idle
        self.maximumLines = maximumLines
        self.threads = threads
        self.batchLines = max(1, batchLines)
    }

    /// Reads to the end of input; see ``WindowPipeline/run(worker:process:sink:progress:)``.
    /// `record` sees every record read, on the calling thread, in input order.
    func run<Worker, T: Sendable>(
        worker: @escaping @Sendable () -> Worker,
        process: @escaping @Sendable (Window, Worker) -> T,
        sink: (Window, T) throws -> Void,
        progress: ((Int) -> Void)?,
        record: (InputRecord) -> Void
    ) throws {
        let shards = (0..<threads).map(Shard.init(index:))
        let key = key, idle = idle, maximumLines = maximumLines, count = shards.count
        var inFlight: [SessionBatch] = []
        var nextID = 0
        var latest: Int64?
        var closed: [Window] = []

        func detect() throws {
            guard !closed.isEmpty else { return }
            let values = WindowPipeline.parallelMap(closed, threads: threads, worker: worker, process)
            for index in closed.indices { try sink(closed[index], values[index]) }
            closed.removeAll(keepingCapacity: true)
        }
        func collect(_ emissions: [Emission]) throws {
            for emission in emissions.sorted() {
                var window = emission.window
                window.id = nextID
                nextID += 1
                closed.append(window)
                if closed.count >= 512 { try detect() }
            }
        }
        func deliverOldest() throws {
            let batch = inFlight.removeFirst()
            batch.done.wait()
            for (reason, lines) in batch.skipped { reader.skip(reason, count: lines) }
            reader.windowed(batch.windowed)
            if let batchLatest = batch.latest { latest = max(latest ?? batchLatest, batchLatest) }
            try collect(batch.outputs.flatMap(\.emissions))
            try detect()
            progress?(reader.source.bytesRead)
        }
        func submit(_ batch: SessionBatch) throws {
            let keysFound = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                batch.findKeys(pattern: key, shards: count, idle: idle)
                for _ in 0..<count { keysFound.signal() }
            }
            for shard in shards {
                batch.done.enter()
                shard.queue.async {
                    keysFound.wait()
                    shard.add(batch, maximumLines: maximumLines)
                    batch.done.leave()
                }
            }
            inFlight.append(batch)
            while inFlight.count > 2 * threads || inFlight.first.map({ $0.done.wait(timeout: .now()) == .success }) == true {
                try deliverOldest()
            }
        }

        // Windows closed before a fault in the input are still detected and delivered, then the fault is thrown.
        var pending = PendingLines(batchLines: batchLines)
        var fault: Error?
        do {
            try reader.forEach { line in
                record(line)
                if pending.append(line) { try submit(pending.take(shards: count)) }
            }
        } catch {
            fault = error
        }
        do {
            if !pending.isEmpty { try submit(pending.take(shards: count)) }
            while !inFlight.isEmpty { try deliverOldest() }
        } catch {
            for pending in inFlight { pending.done.wait() }
            throw error
        }
        // Every session still open closes, in session order across the shards.
        let finished = DispatchGroup(), latestOfAll = latest
        for shard in shards {
            shard.queue.async(group: finished) { shard.finish(idle: idle, latest: latestOfAll) }
        }
        finished.wait()
        try collect(shards.flatMap(\.finished))
        try detect()
        if let fault { throw fault }
    }
}

/// The lines of the batch being read, on the calling thread.
private struct PendingLines {
    let batchLines: Int
    private var bytes: [UInt8] = []
    private var lines: [SessionBatch.Line] = []

    init(batchLines: Int) {
        self.batchLines = batchLines
        bytes.reserveCapacity(256 * batchLines)
        lines.reserveCapacity(batchLines)
    }

    var isEmpty: Bool { lines.isEmpty }

    /// Adds `line`; whether the batch is full.
    mutating func append(_ line: InputRecord) -> Bool {
        let start = bytes.count
        bytes.append(contentsOf: line.message)
        lines.append(SessionBatch.Line(start: start, end: bytes.count, number: line.number, timestamp: line.timestamp))
        return lines.count >= batchLines
    }

    /// The batch of the lines added, leaving none.
    mutating func take(shards: Int) -> SessionBatch {
        defer { self = PendingLines(batchLines: batchLines) }
        return SessionBatch(shards: shards, bytes: bytes, lines: lines)
    }
}

/// A window a shard closed, with what orders it among the windows closed in the same batch.
private struct Emission: Comparable {
    /// The number of the line at which the window closed (`Int.max` at the end of input).
    var line: Int
    /// At one line, idle sessions close (0) before the line's own session fills up (1).
    var phase: Int
    /// The session's order (the number of its first line).
    var order: Int
    var window: Window

    static func < (a: Emission, b: Emission) -> Bool { (a.line, a.phase, a.order) < (b.line, b.phase, b.order) }
    static func == (a: Emission, b: Emission) -> Bool { (a.line, a.phase, a.order) == (b.line, b.phase, b.order) }
}

/// One shard: the sessions of the keys that hash to it, changed only on its serial queue.
///
/// `@unchecked Sendable`: `table` and `finished` are only touched by blocks on `queue`,
/// and `finished` is read after the group those blocks ran in has been waited for.
private final class Shard: @unchecked Sendable {
    let index: Int
    let queue: DispatchQueue
    private var table = SessionTable()
    private(set) var finished: [Emission] = []

    init(index: Int) {
        self.index = index
        queue = DispatchQueue(label: "warden.sessions.shard\(index)")
    }

    /// Adds the batch's lines of this shard's keys, with every idle tick of the batch in line order.
    func add(_ batch: SessionBatch, maximumLines: Int) {
        // The loop works on local copies: a class's stored properties are checked for
        // exclusive access at run time on every use, which would cost more than the work per line.
        var table = SessionTable()
        swap(&table, &self.table)
        defer { swap(&table, &self.table) }
        let lines = batch.lines, ticks = batch.ticks
        var emissions: [Emission] = []
        var tick = 0
        func closeIdle(through number: Int) {
            while tick < ticks.count, ticks[tick].number <= number {
                let (at, cutoff) = ticks[tick]
                for (window, order) in table.closeIdle(before: cutoff) {
                    emissions.append(Emission(line: at, phase: 0, order: order, window: window))
                }
                tick += 1
            }
        }
        batch.bytes.withUnsafeBufferPointer { bytes in
            for index in batch.outputs[self.index].lines {
                let line = lines[index]
                closeIdle(through: line.number)
                let text = UnsafeBufferPointer(rebasing: bytes[line.start..<line.end])
                let key = UnsafeBufferPointer(rebasing: bytes[line.keyStart..<line.keyEnd])
                if let full = table.add(text, key: key, hash: line.keyHash, number: line.number, timestamp: line.timestamp, maximumLines: maximumLines) {
                    emissions.append(Emission(line: line.number, phase: 1, order: 0, window: full))
                }
            }
        }
        closeIdle(through: .max)
        batch.outputs[index].emissions = emissions
    }

    func finish(idle: Int64?, latest: Int64?) {
        finished = table.finish(idle: idle, latest: latest).map { Emission(line: .max, phase: 0, order: $0.order, window: $0.window) }
    }
}

/// Lines read and decoded on the calling thread, their keys (found by a worker) and
/// what each shard made of them.
///
/// `@unchecked Sendable`: the calling thread fills `bytes` and `lines` before the batch is
/// submitted; one worker then writes the key fields, before it signals the shards; each
/// shard writes only its own output; the calling thread reads them after `done`.
private final class SessionBatch: @unchecked Sendable {
    struct Line {
        var start: Int
        var end: Int
        var number: Int
        var timestamp: Int64
        /// Where the line's key is in `bytes` (found by ``findKeys(pattern:shards:idle:)``).
        var keyStart = 0
        var keyEnd = 0
        /// The key's ``SessionIndex/hash(_:)``.
        var keyHash = 0
    }

    /// One shard's part of the batch: the indices of its lines, and the windows it closed.
    final class Output {
        var lines: [Int] = []
        var emissions: [Emission] = []
    }

    let bytes: [UInt8]
    var lines: [Line]
    let outputs: [Output]
    /// Lines that close idle sessions, with their cut-off time.
    var ticks: [(number: Int, cutoff: Int64)] = []
    var skipped: [SkipReason: Int] = [:]
    var windowed = 0
    /// The latest timestamp of a keyed line.
    var latest: Int64?
    /// Left by every shard once it has added the batch.
    let done = DispatchGroup()

    init(shards: Int, bytes: [UInt8], lines: [Line]) {
        outputs = (0..<shards).map { _ in Output() }
        self.bytes = bytes
        self.lines = lines
    }

    /// Finds every line's key, the shard it goes to (by the key's hash) and the idle ticks.
    func findKeys(pattern: Pattern, shards: Int, idle: Int64?) {
        // Local copies, stored once at the end: see ``Shard/add(_:maximumLines:)``.
        var lines: [Line] = []
        swap(&lines, &self.lines)
        var shardLines = [[Int]](repeating: [], count: shards)
        var ticks: [(number: Int, cutoff: Int64)] = []
        var skipped: [SkipReason: Int] = [:]
        var windowed = 0
        var latest: Int64?
        let scratch = MatchScratch()
        bytes.withUnsafeBufferPointer { bytes in
            for index in lines.indices {
                let line = lines[index]
                switch SessionTable.keyRange(of: UnsafeBufferPointer(rebasing: bytes[line.start..<line.end]), pattern: pattern, scratch: scratch) {
                case .skipped(let reason):
                    skipped[reason, default: 0] += 1
                case .key(let range):
                    windowed += 1
                    let keyStart = line.start + range.lowerBound, keyEnd = line.start + range.upperBound
                    let hash = SessionIndex.hash(UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd]))
                    lines[index].keyStart = keyStart
                    lines[index].keyEnd = keyEnd
                    lines[index].keyHash = hash
                    // The shard by the hash's high bits: a shard's index places its keys by the low ones.
                    shardLines[Int((UInt(bitPattern: hash) >> 48) % UInt(shards))].append(index)
                    if let cutoff = SessionTable.idleCutoff(number: line.number, timestamp: line.timestamp, idle: idle) {
                        ticks.append((line.number, cutoff))
                    }
                    if line.timestamp != Window.noTimestamp { latest = max(latest ?? line.timestamp, line.timestamp) }
                }
            }
        }
        self.lines = lines
        for (output, indices) in zip(outputs, shardLines) { output.lines = indices }
        self.ticks = ticks
        self.skipped = skipped
        self.windowed = windowed
        self.latest = latest
    }
}
