import Dispatch
import RuleRuntime
import WardenCore

/// Reads a log, windows it and runs `process` on every window in parallel
/// batches on its own worker threads, delivering results in window order.
/// Memory is bounded by the batch size and the windower's open windows,
/// whatever the input length. Every line read is counted in the reader's
/// accounting: windowed, or skipped with the windower's reason.
public final class WindowPipeline {
    public let reader: LogReader
    public let policy: WindowPolicy
    public let threads: Int
    /// Windows per parallel batch.
    public let batchSize: Int
    /// Truth of every line by number (`-1` unknown), kept only when `recordTruth` is set.
    public private(set) var truthByLine: [Int8] = []
    private let recordTruth: Bool

    public init(reader: LogReader, policy: WindowPolicy, threads: Int, batchSize: Int = 512, recordTruth: Bool = false) {
        self.reader = reader
        self.policy = policy
        self.threads = max(1, threads)
        self.batchSize = max(1, batchSize)
        self.recordTruth = recordTruth
    }

    /// Runs to the end of input. Each worker thread makes its own state with
    /// `worker` (an engine's evaluation context, say) and `process`es windows
    /// with it; `sink` receives each window with its result, in order;
    /// `progress` is called after each batch with the bytes read so far. If the
    /// input turns out corrupt (a truncated gzip), every window read before the
    /// fault is still processed and delivered, then the error is thrown.
    public func run<Worker, T: Sendable>(
        worker: @escaping @Sendable () -> Worker,
        process: @escaping @Sendable (Window, Worker) -> T,
        sink: (Window, T) throws -> Void,
        progress: ((Int) -> Void)? = nil
    ) throws {
        if let blocks = BlockPipeline(reader: reader, policy: policy, threads: threads, recordTruth: recordTruth) {
            try blocks.run(worker: worker, process: process, sink: sink, progress: progress)
            return
        }
        if let sessions = SessionPipeline(reader: reader, policy: policy, threads: threads) {
            try sessions.run(worker: worker, process: process, sink: sink, progress: progress) { record in
                if recordTruth { self.record(truth: record) }
            }
            return
        }
        var batch: [Window] = []
        var batchBytes = 0
        // With `threads` > 1, the calling thread reads the next batch while `threads` - 1 workers
        // detect the last one in the background, so reading and detection overlap and `threads`
        // threads are busy; with one, everything runs on the calling thread.
        var inFlight: (windows: [Window], results: BatchResults<T>)?
        func deliver() throws {
            guard let (windows, results) = inFlight else { return }
            inFlight = nil
            let values = results.wait()
            for index in windows.indices { try sink(windows[index], values[index]) }
            progress?(reader.source.bytesRead)
        }
        func flush() throws {
            guard !batch.isEmpty else { return }
            let windows = batch
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
            if threads == 1 {
                let values = Self.parallelMap(windows, threads: 1, worker: worker, process)
                for index in windows.indices { try sink(windows[index], values[index]) }
                progress?(reader.source.bytesRead)
                return
            }
            try deliver()
            inFlight = (windows, BatchResults(windows, threads: max(1, threads - 1), worker: worker, process: process))
        }
        do {
            try windows { window in
                batch.append(window)
                batchBytes += window.byteCount
                if batch.count >= batchSize || batchBytes >= 32 << 20 { try flush() }
            }
        } catch {
            // Every window read before the fault is still detected and delivered.
            try flush()
            try deliver()
            throw error
        }
        try flush()
        try deliver()
    }

    /// Every window in order, on the calling thread. If the input turns out
    /// corrupt, every window read before the fault is delivered, then the error is thrown.
    public func windows(_ body: (Window) throws -> Void) throws {
        var windower = Windower(policy: policy)
        var pending: [Window] = []
        let collect: (Window) -> Void = { pending.append($0) }
        func deliver() throws {
            for window in pending { try body(window) }
            pending.removeAll(keepingCapacity: true)
        }
        var readError: Error?
        do {
            try reader.forEach { record in
                if recordTruth { self.record(truth: record) }
                if let reason = windower.add(record.message, number: record.number, timestamp: record.timestamp, emit: collect) {
                    reader.skip(reason)
                } else {
                    reader.windowed()
                }
                if !pending.isEmpty { try deliver() }
            }
        } catch {
            readError = error
        }
        windower.finish(emit: collect)
        try deliver()
        if let readError { throw readError }
    }

    private func record(truth record: InputRecord) {
        if truthByLine.count < record.number { truthByLine.append(contentsOf: repeatElement(-1, count: record.number - truthByLine.count)) }
        truthByLine[record.number - 1] = record.truth?.rawValue ?? -1
    }

    /// `body` applied to every window by up to `threads` workers, each with its own state, in order.
    static func parallelMap<Worker, T: Sendable>(
        _ windows: [Window], threads: Int, worker: @Sendable () -> Worker, _ body: @Sendable (Window, Worker) -> T
    ) -> [T] {
        let workers = max(1, min(threads, windows.count))
        if workers == 1 {
            let state = worker()
            return windows.map { body($0, state) }
        }
        let results = ResultSlots<T>(count: windows.count)
        let chunk = (windows.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { index in
            let state = worker()
            let lower = index * chunk, upper = min(windows.count, lower + chunk)
            guard lower < upper else { return }
            for position in lower..<upper { results.store(body(windows[position], state), at: position) }
        }
        return results.values
    }

    /// The truth of a window: abnormal when any line is abnormal, normal when
    /// every line is known normal, `nil` (unlabeled) otherwise.
    public func truth(of window: Window) -> Truth? {
        var allKnown = true
        for index in 0..<window.count {
            let number = window.number(at: index)
            let value = number <= truthByLine.count ? truthByLine[number - 1] : -1
            if value == 1 { return .abnormal }
            if value != 0 { allKnown = false }
        }
        return allKnown && !window.isEmpty ? .normal : nil
    }

    /// The truth of one line by number.
    public func truth(ofLine number: Int) -> Truth? {
        guard number >= 1, number <= truthByLine.count else { return nil }
        return Truth(rawValue: truthByLine[number - 1])
    }
}

/// One batch's results, computed on background threads; `wait()` blocks until they are all there.
///
/// `@unchecked Sendable`: `values` is written once, by the background block, before the group
/// leaves, and read only after `wait()` returns (the group orders the write before the read).
private final class BatchResults<T: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var values: [T] = []

    init<Worker>(_ windows: [Window], threads: Int, worker: @escaping @Sendable () -> Worker, process: @escaping @Sendable (Window, Worker) -> T) {
        DispatchQueue.global().async(group: group) { [self] in
            values = WindowPipeline.parallelMap(windows, threads: threads, worker: worker, process)
        }
    }

    func wait() -> [T] {
        group.wait()
        return values
    }
}

/// Write-once slots filled from several threads at distinct indices.
///
/// `@unchecked Sendable`: each index is written by exactly one worker of a
/// `concurrentPerform`, and read only after it returns (which orders the writes before the reads).
private final class ResultSlots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        _ = buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ value: T, at index: Int) { buffer[index] = value }

    var values: [T] { buffer.map { $0! } }
}
