import Dispatch
import RuleRuntime
import Synchronization
import WardenCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tumbling count windows of an uncompressed file, read in large blocks.
///
/// The calling thread only reads blocks and counts their newlines (sixteen bytes
/// at a time, no copy, no decoding); it cuts the blocks into jobs of whole windows
/// for the worker threads, which split and decode the lines, build the windows
/// and process them. Results are delivered in input order. Memory is
/// bounded by the jobs in flight (a few per thread), whatever the input length.
///
/// Lines, numbers, skipped lines, window boundaries and ids are exactly those of
/// the line-by-line path (``LogReader/forEach(_:)`` into a ``Windower``).
struct BlockPipeline {
    let reader: LogReader
    let size: Int
    let threads: Int
    /// Bytes per read buffer (a buffer grows, up to the longest line allowed, only for a longer line).
    let blockBytes: Int
    /// Windows per job.
    let jobWindows: Int

    /// The block pipeline for `reader` and `policy`, when it applies: tumbling
    /// count windows, a plain file, a format decoded in place, no truth recorded
    /// per line and no label per key (which carries state from line to line).
    init?(reader: LogReader, policy: WindowPolicy, threads: Int, recordTruth: Bool, blockBytes: Int = 1 << 18, jobWindows: Int = 64) {
        guard case .count(let size, let step) = policy, size == step, size > 0, !recordTruth,
              reader.decoder.format != .jsonl, reader.source.isPlainFileAtStart else { return nil }
        if case .byKey = reader.labeling { return nil }
        self.reader = reader
        self.size = size
        self.threads = threads
        self.blockBytes = max(16, blockBytes)
        self.jobWindows = max(1, jobWindows)
    }

    /// Reads to the end of input; see ``WindowPipeline/run(worker:process:sink:progress:)``.
    func run<Worker, T: Sendable>(
        worker: @escaping @Sendable () -> Worker,
        process: @escaping @Sendable (Window, Worker) -> T,
        sink: (Window, T) throws -> Void,
        progress: ((Int) -> Void)?
    ) throws {
        let reader = reader, size = size, decoder = reader.decoder
        // Worker states (an evaluation context and its scratch space, say) are made once per
        // concurrent job and reused by the jobs after it. Jobs run on the system's worker threads.
        let states = StatePool(make: worker)
        let work: @Sendable (Job) -> JobOutput<T> = { job in Self.process(job, size: size, decoder: decoder, states: states, process) }
        var inFlight: [JobSlot<T>] = []
        func deliverOldest() throws {
            let slot = inFlight.removeFirst()
            let output = slot.wait()
            reader.merge(read: slot.job.read, tooLong: slot.job.tooLong, windowed: slot.job.windowed, statistics: output.statistics)
            for index in output.windows.indices { try sink(output.windows[index], output.values[index]) }
            progress?(slot.job.bytesRead)
        }
        func submit(_ job: Job) throws {
            let slot = JobSlot<T>(job)
            inFlight.append(slot)
            if threads == 1 {
                slot.finish(work(job))
            } else {
                DispatchQueue.global().async { slot.finish(work(job)) }
            }
            // The calling thread reads ahead at most two jobs per thread.
            while inFlight.count > 2 * threads || inFlight.first?.isFinished == true { try deliverOldest() }
        }
        var fault: InputError?
        do {
            try split(submit)
        } catch let error as InputError {
            fault = error
        }
        while !inFlight.isEmpty { try deliverOldest() }
        if let fault { throw fault.stopped(path: reader.source.path, lines: reader.accounting.read) }
        try reader.checkLabelCount()
    }

    /// Reads blocks, counts their lines and groups them into jobs of whole windows (the last
    /// window may be partial, at the end of input or at a fault, which is thrown after the last job).
    ///
    /// Lines are counted, not split: a job holds runs of whole lines, which its worker splits.
    /// Only a buffer that could hold a line over the limit (one larger than the limit) is
    /// split here, line by line, to leave those lines out.
    private func split(_ submit: (Job) throws -> Void) throws {
        let maximum = reader.maximumLineLength
        let jobLines = size * jobWindows
        var job = Job()
        var nextWindow = 0
        var number = 1
        var carry: (buffer: Buffer, start: Int)?
        var skipping = false  // inside a line already counted as too long
        var failure: InputError?
        let pool = BufferPool(usual: blockBytes)
        func cut() throws {
            job.windows = (job.lines + size - 1) / size
            job.firstWindow = nextWindow
            nextWindow += job.windows
            try submit(job)
            job = Job()
            job.bytesRead = reader.source.bytesRead
        }
        while failure == nil {
            // A line longer than a buffer, but not too long, gets a buffer twice its length.
            let carried = carry.map { $0.buffer.count - $0.start } ?? 0
            let buffer = Buffer(capacity: carried * 2 > blockBytes ? min(carried * 2, maximum + 2) : blockBytes, pool: pool)
            var filled = 0
            if let (previous, start) = carry {
                filled = previous.count - start
                buffer.bytes.baseAddress!.copyMemory(from: previous.bytes.baseAddress! + start, byteCount: filled)
                carry = nil
            }
            var atEnd = false
            while filled < buffer.capacity {
                do {
                    let count = try reader.source.readRaw(into: UnsafeMutableRawBufferPointer(rebasing: buffer.bytes[filled...]))
                    if count == 0 { atEnd = true; break }
                    filled += count
                } catch {
                    failure = error
                    break
                }
            }
            buffer.count = filled
            job.bytesRead = reader.source.bytesRead
            // The buffer joins a job with its first run of lines (a buffer inside a too-long line never does).
            var index: Int?
            // A run of `lines` whole lines of this buffer, none too long, from `start` to `end`
            // (past the last one's newline, when it has one).
            func run(from start: Int, to end: Int, lines: Int) throws {
                if index == nil {
                    job.buffers.append(buffer)
                    index = job.buffers.count - 1
                }
                job.runs.append(Run(buffer: index!, start: start, end: end, number: number))
                job.read += lines
                job.lines += lines
                number += lines
                if job.lines == jobLines {
                    try cut()
                    index = nil
                }
            }
            // One line ending at `end` (its newline, or the end of input): too long, or a run of one line.
            func line(from start: Int, to end: Int) throws {
                guard end - start <= maximum else {
                    job.read += 1
                    job.tooLong += 1
                    number += 1
                    return
                }
                try run(from: start, to: min(end + 1, filled), lines: 1)
            }
            let base = UnsafeRawPointer(buffer.bytes.baseAddress!)
            var start = 0
            if skipping, let hit = memchr(base, 0x0A, filled) {
                // The rest of a too-long line, already counted.
                skipping = false
                number += 1
                start = base.distance(to: UnsafeRawPointer(hit)) + 1
            } else if skipping {
                start = filled
            }
            if buffer.capacity <= maximum {
                // No whole line here can be over the limit: count lines, `jobLines` at most at a time.
                while start < filled {
                    let (lines, length) = Newlines.count(in: UnsafeRawBufferPointer(start: base + start, count: filled - start),
                                                         upTo: jobLines - job.lines)
                    guard lines > 0 else { break }
                    try run(from: start, to: start + length, lines: lines)
                    start += length
                }
            } else {
                while start < filled {
                    guard let hit = memchr(base + start, 0x0A, filled - start) else { break }
                    let end = base.distance(to: UnsafeRawPointer(hit))
                    try line(from: start, to: end)
                    start = end + 1
                }
            }
            let rest = filled - start
            if failure != nil { break }  // the cut-off piece after the last newline is not a line
            if atEnd {
                if rest > 0, !skipping { try line(from: start, to: filled) }
                break
            }
            if rest > maximum, !skipping {
                // Too long: counted now, its bytes dropped up to its newline.
                job.read += 1
                job.tooLong += 1
                skipping = true
            } else if !skipping, rest > 0 {
                carry = (buffer, start)
            }
        }
        if !job.runs.isEmpty || job.read > 0 { try cut() }
        if let failure { throw failure }
    }

    /// Decodes and windows one job's lines and processes its windows, on one worker.
    private static func process<Worker, T>(
        _ job: Job, size: Int, decoder: LineDecoder, states: StatePool<Worker>, _ process: (Window, Worker) -> T
    ) -> JobOutput<T> {
        let state = states.take()
        defer { states.give(state) }
        var statistics = LogReader.DecodingStatistics()
        var windows: [Window] = []
        var values: [T] = []
        windows.reserveCapacity(job.windows)
        values.reserveCapacity(job.windows)
        let bases = job.buffers.map { UnsafePointer($0.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        let spans = job.spans()
        var index = 0
        var id = job.firstWindow
        var shared: [Window.Line] = []
        while index < spans.count {
            let upper = min(spans.count, index + size)
            let first = spans[index], last = spans[upper - 1]
            // Lines that are their own message (no label, no carriage return), one after another in
            // one buffer with the last one's newline there too: the window shares the buffer's bytes.
            shared.removeAll(keepingCapacity: true)
            var contiguous = decoder.keepsLinesWhole && first.buffer == last.buffer && last.end < job.buffers[last.buffer].count
            var position = index
            while contiguous, position < upper {
                let span = spans[position]
                let raw = UnsafeBufferPointer(start: bases[span.buffer] + span.start, count: span.end - span.start)
                contiguous = raw.last != 0x0D && (position == index || span.start == spans[position - 1].end + 1)
                if contiguous {
                    shared.append(Window.Line(end: span.end + 1 - first.start, number: span.number, timestamp: decoder.timestamp(ofWhole: raw)))
                }
                position += 1
            }
            var window: Window
            if contiguous {
                // A line that decodes to itself has no label field, so only its timestamp counts.
                statistics.untimedLines += shared.count { $0.timestamp == Window.noTimestamp }
                window = Window(id: id, sharing: UnsafeBufferPointer(start: bases[first.buffer] + first.start, count: last.end + 1 - first.start),
                                owner: job.buffers[first.buffer], lines: shared)
            } else {
                window = Window(id: id)
                window.reserve(lines: upper - index, bytes: first.buffer == last.buffer ? last.end - first.start : 64 * size)
                for position in index..<upper {
                    let span = spans[position]
                    var raw = UnsafeBufferPointer(start: bases[span.buffer] + span.start, count: span.end - span.start)
                    if let last = raw.last, last == 0x0D { raw = UnsafeBufferPointer(rebasing: raw.dropLast()) }
                    guard let line = decoder.decodeInPlace(raw) else { preconditionFailure("the block pipeline reads formats decoded in place") }
                    statistics.record(line)
                    window.append(line.message, number: span.number, timestamp: line.timestamp)
                }
            }
            values.append(process(window, state))
            windows.append(window)
            index = upper
            id += 1
        }
        return JobOutput(windows: windows, values: values, statistics: statistics)
    }
}

/// One read buffer, shared by the jobs whose lines lie in it; its memory goes back
/// to the pool with the last of them (so the pages are not faulted in again).
private final class Buffer: @unchecked Sendable {
    // Sendable: written by the reading thread before any job that holds it is submitted, then only read.
    let bytes: UnsafeMutableRawBufferPointer
    var count = 0
    var capacity: Int { bytes.count }
    private let pool: BufferPool

    init(capacity: Int, pool: BufferPool) {
        bytes = pool.take(capacity)
        self.pool = pool
    }

    deinit { pool.give(bytes) }
}

/// Read buffers of the usual size, kept for reuse; larger ones (for long lines) are freed.
private final class BufferPool: Sendable {
    /// Free buffers' base addresses (all `usual` bytes long).
    private let free = Mutex<[UInt]>([])
    let usual: Int

    init(usual: Int) { self.usual = usual }

    deinit {
        for address in free.withLock({ $0 }) {
            UnsafeMutableRawPointer(bitPattern: address)!.deallocate()
        }
    }

    func take(_ capacity: Int) -> UnsafeMutableRawBufferPointer {
        if capacity == usual, let address = free.withLock({ $0.popLast() }) {
            return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: address), count: usual)
        }
        return .allocate(byteCount: capacity, alignment: 16)
    }

    func give(_ bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count == usual, let base = bytes.baseAddress else { bytes.deallocate(); return }
        free.withLock { $0.append(UInt(bitPattern: base)) }
    }
}

/// A line: its raw bytes (newline excluded) in a job's buffer, and its input line number.
private struct Span {
    var buffer: Int
    var start: Int
    var end: Int
    var number: Int
}

/// Whole lines one after another in a job's buffer, from `start` to past the last one's
/// newline (or to the end of input), the first of them numbered `number`.
private struct Run {
    var buffer: Int
    var start: Int
    var end: Int
    var number: Int
}

/// Whole windows' worth of lines for one worker, with the reader's accounting of them.
private struct Job: @unchecked Sendable {
    // Sendable: its buffers are no longer written once the job is submitted.
    var buffers: [Buffer] = []
    var runs: [Run] = []
    /// The id of the job's first window, and how many windows it has (its last may be partial).
    var firstWindow = 0
    var windows = 0
    /// Lines in the runs, lines read (in the runs or too long) and lines too long.
    var lines = 0
    var read = 0
    var tooLong = 0
    /// Input bytes read when the job was cut, for progress.
    var bytesRead = 0
    var windowed: Int { lines }

    /// The lines of the runs, in order.
    func spans() -> [Span] {
        var spans: [Span] = []
        spans.reserveCapacity(lines)
        for run in runs {
            let base = UnsafeRawPointer(buffers[run.buffer].bytes.baseAddress!)
            var start = run.start, number = run.number
            while start < run.end {
                let end = memchr(base + start, 0x0A, run.end - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? run.end
                spans.append(Span(buffer: run.buffer, start: start, end: end, number: number))
                number += 1
                start = end + 1
            }
        }
        return spans
    }
}

/// Worker states for reuse: a job takes one (or makes one when none is free) and gives it back.
///
/// `@unchecked Sendable`: a state is used by one job at a time; the pool's list is only touched under its lock.
private final class StatePool<Worker>: @unchecked Sendable {
    private let make: () -> Worker
    private let lock = Mutex<Void>(())
    private var free: [Worker] = []

    init(make: @escaping () -> Worker) { self.make = make }

    func take() -> Worker {
        let reused: Worker? = lock.withLock { _ in free.popLast() }
        return reused ?? make()
    }

    func give(_ state: Worker) {
        lock.withLock { _ in free.append(state) }
    }
}

/// What processing one job gives: its windows, their results, and what decoding learned.
private struct JobOutput<T> {
    var windows: [Window]
    var values: [T]
    var statistics: LogReader.DecodingStatistics
}

/// One job on its way to a thread, and its output once the thread has processed it.
///
/// `@unchecked Sendable`: `output` is written once, before `done` is signalled, and read
/// only after waiting on `done` (which orders the write before the read).
private final class JobSlot<T>: @unchecked Sendable {
    let job: Job
    private var output: JobOutput<T>?
    private let done = DispatchSemaphore(value: 0)
    private let finished = Atomic<Bool>(false)

    init(_ job: Job) { self.job = job }

    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func finish(_ output: JobOutput<T>) {
        self.output = output
        finished.store(true, ordering: .releasing)
        done.signal()
    }

    func wait() -> JobOutput<T> {
        done.wait()
        return output!
    }
}

/// Process-wide allocator settings for detection: windows are built on worker
/// threads and freed on the thread that delivers them, batch after batch, so
/// glibc's default of giving freed heap back to the system at once makes every
/// batch fault its pages in again. Keeping up to 256 MiB of freed heap (and
/// growing it 64 MiB at a time) removes most of that system time. A no-op
/// where the C library is not glibc.
public enum AllocatorTuning {
    public static func forDetection() {
        #if canImport(Glibc)
        // mallopt is in <malloc.h>, which Swift's Glibc module leaves out: look it up instead.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, topPad: Int32 = -2  // M_TRIM_THRESHOLD, M_TOP_PAD
        _ = mallopt(trimThreshold, 256 << 20)
        _ = mallopt(topPad, 64 << 20)
        #endif
    }
}
