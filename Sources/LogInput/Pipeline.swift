import RuleRuntime
import WardenCore

/// Reads a log, windows it and runs `process` on every window in parallel
/// batches, delivering results in window order. Memory is bounded by the batch
/// size and the windower's open windows, whatever the input length.
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

    /// Runs to the end of input. `sink` receives each window with its result, in
    /// order; `progress` is called after each batch with the bytes read so far.
    /// If the input turns out corrupt (a truncated gzip), every window read
    /// before the fault is still processed and delivered, then the error is thrown.
    public func run<T: Sendable>(
        engine: DetectionEngine,
        process: @escaping @Sendable (Window, EvaluationContext) -> T,
        sink: (Window, T) throws -> Void,
        progress: ((Int) -> Void)? = nil
    ) throws {
        var windower = Windower(policy: policy)
        var batch: [Window] = []
        var batchBytes = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            let results = engine.parallelMap(batch, threads: threads, process)
            for (window, result) in zip(batch, results) { try sink(window, result) }
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
            progress?(reader.source.bytesRead)
        }
        let collect: (Window) -> Void = { window in
            batch.append(window)
            batchBytes += window.bytes.count
        }
        var readError: Error?
        do {
            try reader.forEach { record in
                if recordTruth {
                    if truthByLine.count < record.number { truthByLine.append(contentsOf: repeatElement(-1, count: record.number - truthByLine.count)) }
                    truthByLine[record.number - 1] = record.truth?.rawValue ?? -1
                }
                if let reason = windower.add(record.message, number: record.number, timestamp: record.timestamp, emit: collect) {
                    reader.skip(reason)
                } else {
                    reader.windowed()
                }
                if batch.count >= batchSize || batchBytes >= 32 << 20 { try flush() }
            }
        } catch {
            readError = error
        }
        windower.finish(emit: collect)
        try flush()
        if let readError { throw readError }
    }

    /// The truth of a window: abnormal when any line is abnormal, normal when
    /// every line is known normal, `nil` (unlabeled) otherwise.
    public func truth(of window: Window) -> Truth? {
        var allKnown = true
        for number in window.numbers {
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
