import Dispatch
import Foundation
import RuleRuntime
import Synchronization
import WardenCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tumbling count windows of an uncompressed file, read in chunks by the worker threads themselves.
///
/// The file, as long as it was when opened, is cut into chunks of `chunkBytes`; a line
/// belongs to the chunk its first byte lies in. A worker reads a chunk with `pread`, and
/// past its end as far as its last line reaches, splits the lines and publishes how many
/// there are. Once the chunk before it has published its running total, the worker knows
/// its lines' numbers and where windows start; it builds and processes the windows that lie
/// wholly in the chunk while the bytes are still in its core's cache. A window that crosses
/// into the next chunk leaves in pieces, which the calling thread joins and processes (at
/// most one window per chunk). Reading, splitting and detection so run on every worker, and
/// no byte moves from one core to another on its way. Results are delivered in input order;
/// memory is bounded by the chunks in flight (two per thread), whatever the input length.
///
/// Lines, numbers, skipped lines, window boundaries and ids are exactly those of
/// the line-by-line path (``LogReader/forEach(_:)`` into a ``Windower``).
struct BlockPipeline {
    let reader: LogReader
    let size: Int
    let threads: Int
    /// Bytes per chunk.
    let chunkBytes: Int
    private let length: Int

    /// The block pipeline for `reader` and `policy`, when it applies: tumbling count
    /// windows, a plain file that is not empty, a format decoded in place, no truth recorded
    /// per line and no label per key (which carries state from line to line).
    init?(reader: LogReader, policy: WindowPolicy, threads: Int, recordTruth: Bool, chunkBytes: Int = 1 << 19) {
        guard case .count(let size, let step) = policy, size == step, size > 0, !recordTruth,
              reader.decoder.format != .jsonl, let length = reader.source.totalBytes, length > 0,
              reader.source.isPlainFileAtStart else { return nil }
        if case .byKey = reader.labeling { return nil }
        self.reader = reader
        self.size = size
        self.threads = max(1, threads)
        self.chunkBytes = max(1, chunkBytes)
        self.length = length
    }

    /// Reads to the end of input; see ``WindowPipeline/run(worker:process:sink:progress:)``.
    func run<Worker, T: Sendable>(
        worker: @escaping @Sendable () -> Worker,
        process: @escaping @Sendable (Window, Worker) -> T,
        sink: (Window, T) throws -> Void,
        progress: ((Int) -> Void)?
    ) throws {
        let chunks = Chunks(file: reader.source.positional, length: length, chunkBytes: chunkBytes, maximum: reader.maximumLineLength)
        // Worker states (an evaluation context and its scratch space, say) are made once per
        // concurrent chunk and reused by the chunks after it.
        let states = StatePool(make: worker)
        let assembly = Assembly(size: size, decoder: reader.decoder)
        let reader = reader, size = size
        // The window that crosses chunks, joined from their pieces.
        var open: Window?
        func finishOpen() throws {
            guard let window = open else { return }
            open = nil
            let state = states.take()
            defer { states.give(state) }
            try sink(window, process(window, state))
        }
        // Delivers one chunk's windows, in input order; whether the input goes on after it.
        func deliver(_ output: ChunkOutput<T>) throws -> Bool {
            reader.merge(read: output.lines, tooLong: output.tooLong, windowed: output.kept, statistics: output.statistics)
            reader.source.recordRead(upTo: output.end)
            if let head = output.head {
                guard var window = open else { preconditionFailure("a chunk's first lines continue a window of the chunk before") }
                open = nil
                for index in 0..<head.count {
                    head.withLine(index) { window.append($0, number: head.number(at: index), timestamp: head.timestamp(at: index)) }
                }
                open = window
                if window.count == size { try finishOpen() }
            }
            for index in output.windows.indices { try sink(output.windows[index], output.values[index]) }
            if let tail = output.tail { open = tail }
            progress?(output.end)
            return !output.endsInput
        }
        var fault: InputError?
        if threads == 1 {
            var before = Totals()
            for index in 0... {
                let lines = chunks.read(index)
                let output = assembly.assemble(lines, before: before, states: states, process)
                before.add(lines)
                fault = lines.fault
                if try !deliver(output) { break }
            }
        } else {
            let schedule = Schedule<T>(inFlight: 2 * threads)
            let group = DispatchGroup()
            // Threads of their own: Dispatch's pool counts the calling thread's core as busy and
            // would run the workers one after the other.
            for _ in 0..<threads {
                group.enter()
                let thread = Thread {
                    while let slot = schedule.claim() {
                        let lines = chunks.read(slot.index)
                        if lines.endsInput { schedule.stop() }
                        let output = slot.publish(lines).map { assembly.assemble(lines, before: $0, states: states, process) }
                        slot.finish(output)
                    }
                    group.leave()
                }
                thread.start()
            }
            defer {
                schedule.stop()
                group.wait()
            }
            for index in 0... {
                guard let output = schedule.take(index) else { preconditionFailure("chunks after the end of input are never delivered") }
                fault = output.fault
                if try !deliver(output) { break }
            }
        }
        try finishOpen()
        if let fault { throw fault.stopped(path: reader.source.path, lines: reader.accounting.read) }
        try reader.checkLabelCount()
    }
}

/// Lines and kept lines of every chunk up to one.
private struct Totals {
    var lines = 0
    var kept = 0

    mutating func add(_ chunk: ChunkLines) {
        lines += chunk.lines
        kept += chunk.spans.count
    }
}

/// A line of a chunk: where it lies in the chunk's buffer (`end` is its newline, or the
/// end of input), and its position among all the lines that start in the chunk.
private struct Span {
    var start: Int
    var end: Int
    var index: Int
}

/// The lines that start in one chunk, read and split.
private struct ChunkLines {
    /// The chunk's bytes (from the byte before the chunk, past its end up to where its last line ends).
    var buffer: Buffer?
    /// The lines kept (not too long).
    var spans: [Span] = []
    /// Lines that start in the chunk, kept or too long, and those too long.
    var lines = 0
    var tooLong = 0
    /// The input ends in this chunk (or before it): at the file's length, where the file
    /// turned out shorter, or at a read fault.
    var endsInput = false
    var fault: InputError?
    /// The file offset the chunk reaches to, for progress.
    var end = 0
}

/// Reads chunks of the file and splits them into lines; from any thread.
private struct Chunks: Sendable {
    let file: PositionalFile
    let length: Int
    let chunkBytes: Int
    let maximum: Int
    let pool: BufferPool
    /// Bytes read past a chunk's end at first, for its last line.
    static let lookahead = 4096

    init(file: PositionalFile, length: Int, chunkBytes: Int, maximum: Int) {
        self.file = file
        self.length = length
        self.chunkBytes = chunkBytes
        self.maximum = maximum
        pool = BufferPool(usual: chunkBytes + 1 + Self.lookahead)
    }

    /// Chunk `index`: the lines whose first byte lies in it, each too long or kept.
    func read(_ index: Int) -> ChunkLines {
        var chunk = ChunkLines()
        let from = index * chunkBytes
        guard from < length else {
            chunk.endsInput = true
            chunk.end = length
            return chunk
        }
        let to = min(from + chunkBytes, length)
        // The byte before the chunk says whether a line starts at its first byte.
        let origin = max(0, from - 1)
        var buffer = Buffer(capacity: min(length, to + Self.lookahead) - origin, pool: pool)
        var filled = 0
        var atEnd = false  // no bytes past `filled`: the file's length, a shorter file, or a fault
        func fill(to wanted: Int) {
            if wanted > buffer.capacity {
                let larger = Buffer(capacity: min(max(wanted, 2 * buffer.capacity), length - origin), pool: pool)
                larger.bytes.baseAddress!.copyMemory(from: buffer.bytes.baseAddress!, byteCount: filled)
                buffer = larger
            }
            let (count, fault) = file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.bytes[filled..<wanted]), at: origin + filled)
            filled += count
            if let fault {
                chunk.fault = fault
                atEnd = true
            } else if filled < wanted || origin + filled >= length {
                atEnd = true
            }
        }
        fill(to: min(length, to + Self.lookahead) - origin)
        let stop = to - origin  // lines start before this
        var start = from - origin
        if start > 0, start <= filled, buffer.bytes[start - 1] != 0x0A {
            // The chunk starts inside a line of the chunk before: its first line starts after its first newline.
            let base = UnsafeRawPointer(buffer.bytes.baseAddress!)
            let limit = min(stop, filled)
            start = memchr(base + start, 0x0A, limit - start).map { base.distance(to: UnsafeRawPointer($0)) + 1 } ?? limit
        }
        while start < stop, start < filled {
            var searched = start
            var end: Int?
            while true {
                let base = UnsafeRawPointer(buffer.bytes.baseAddress!)
                if let hit = memchr(base + searched, 0x0A, filled - searched) {
                    end = base.distance(to: UnsafeRawPointer(hit))
                    break
                }
                searched = filled
                if atEnd || filled - start > maximum { break }
                // The chunk's last line goes on past the bytes read: read on, doubling, up to the limit.
                fill(to: min(length - origin, start + maximum + 1, filled + max(Self.lookahead, filled - start)))
            }
            chunk.lines += 1
            if let end {
                if end - start > maximum { chunk.tooLong += 1 } else { chunk.spans.append(Span(start: start, end: end, index: chunk.lines - 1)) }
                start = end + 1
            } else if filled - start > maximum {
                chunk.tooLong += 1
                start = filled
            } else if chunk.fault == nil {
                // The input's last line, without a newline.
                chunk.spans.append(Span(start: start, end: filled, index: chunk.lines - 1))
                start = filled
            } else {
                // The piece a fault cut off is not a line.
                chunk.lines -= 1
                start = filled
            }
        }
        buffer.count = filled
        chunk.buffer = buffer
        chunk.endsInput = chunk.fault != nil || (atEnd && origin + filled <= to)
        chunk.end = min(to, origin + filled)
        return chunk
    }
}

/// Builds a chunk's windows from its lines and processes those that lie wholly in it.
private struct Assembly: Sendable {
    let size: Int
    let decoder: LineDecoder

    func assemble<Worker, T>(
        _ chunk: ChunkLines, before: Totals, states: StatePool<Worker>, _ process: (Window, Worker) -> T
    ) -> ChunkOutput<T> {
        var output = ChunkOutput<T>(lines: chunk.lines, tooLong: chunk.tooLong, kept: chunk.spans.count,
                                    endsInput: chunk.endsInput, fault: chunk.fault, end: chunk.end)
        guard let buffer = chunk.buffer, !chunk.spans.isEmpty else { return output }
        let spans = chunk.spans
        let firstNumber = before.lines + 1
        // The first lines complete the window the chunks before left open.
        let phase = before.kept % size
        let head = min(phase == 0 ? 0 : size - phase, spans.count)
        if head > 0 {
            output.head = window(spans[0..<head], id: before.kept / size, firstNumber: firstNumber, buffer: buffer, statistics: &output.statistics)
        }
        var index = head
        var id = (before.kept + head) / size
        if spans.count - index >= size {
            let state = states.take()
            defer { states.give(state) }
            output.windows.reserveCapacity((spans.count - index) / size)
            output.values.reserveCapacity((spans.count - index) / size)
            let full = index..<(index + (spans.count - index) / size * size)
            // The windows wholly in the chunk view one record of its lines when they can share its bytes.
            let shared = sharedLines(spans[full], firstNumber: firstNumber, buffer: buffer, statistics: &output.statistics)
            while spans.count - index >= size {
                let window = if let shared {
                    Window(id: id, lines: (index - full.lowerBound)..<(index - full.lowerBound + size), of: shared)
                } else {
                    window(spans[index..<(index + size)], id: id, firstNumber: firstNumber, buffer: buffer, statistics: &output.statistics)
                }
                output.values.append(process(window, state))
                output.windows.append(window)
                index += size
                id += 1
            }
        }
        // The last lines open a window the chunks after complete (or the input's last window).
        if index < spans.count {
            output.tail = window(spans[index...], id: id, firstNumber: firstNumber, buffer: buffer, statistics: &output.statistics)
        }
        return output
    }

    /// The lines `spans` as one record for windows to view, when they can share the chunk's bytes:
    /// lines that are their own message (no label, no carriage return), one after another with the
    /// last one's newline there too; `nil` otherwise.
    private func sharedLines(
        _ spans: ArraySlice<Span>, firstNumber: Int, buffer: Buffer, statistics: inout LogReader.DecodingStatistics
    ) -> SharedLines? {
        guard decoder.keepsLinesWhole, let first = spans.first, let last = spans.last, last.end < buffer.count else { return nil }
        let base = UnsafePointer(buffer.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        var lines: [Window.Line] = []
        lines.reserveCapacity(spans.count)
        var previousEnd = first.start - 1
        for span in spans {
            let raw = UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
            guard raw.last != 0x0D, span.start == previousEnd + 1 else { return nil }
            lines.append(Window.Line(end: span.end + 1 - first.start, number: firstNumber + span.index, timestamp: decoder.timestamp(ofWhole: raw)))
            previousEnd = span.end
        }
        // A line that decodes to itself has no label field, so only its timestamp counts.
        statistics.untimedLines += lines.count { $0.timestamp == Window.noTimestamp }
        return SharedLines(bytes: UnsafeBufferPointer(start: base + first.start, count: last.end + 1 - first.start),
                           owner: buffer, lines: lines)
    }

    /// A window of consecutive lines of one chunk.
    private func window(
        _ spans: ArraySlice<Span>, id: Int, firstNumber: Int, buffer: Buffer, statistics: inout LogReader.DecodingStatistics
    ) -> Window {
        if let shared = sharedLines(spans, firstNumber: firstNumber, buffer: buffer, statistics: &statistics) {
            return Window(id: id, lines: 0..<shared.count, of: shared)
        }
        let base = UnsafePointer(buffer.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        let first = spans[spans.startIndex], last = spans[spans.endIndex - 1]
        var window = Window(id: id)
        window.reserve(lines: spans.count, bytes: last.end - first.start)
        for span in spans {
            var raw = UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
            if let last = raw.last, last == 0x0D { raw = UnsafeBufferPointer(rebasing: raw.dropLast()) }
            guard let line = decoder.decodeInPlace(raw) else { preconditionFailure("the block pipeline reads formats decoded in place") }
            statistics.record(line)
            window.append(line.message, number: firstNumber + span.index, timestamp: line.timestamp)
        }
        return window
    }
}

/// What one chunk gives: the pieces of the windows it shares with the chunks before and
/// after, the windows wholly in it with their results, and its accounting.
private struct ChunkOutput<T> {
    var lines: Int
    var tooLong: Int
    var kept: Int
    var endsInput: Bool
    var fault: InputError?
    var end: Int
    var head: Window?
    var windows: [Window] = []
    var values: [T] = []
    var tail: Window?
    var statistics = LogReader.DecodingStatistics()

    init(lines: Int, tooLong: Int, kept: Int, endsInput: Bool, fault: InputError?, end: Int) {
        self.lines = lines
        self.tooLong = tooLong
        self.kept = kept
        self.endsInput = endsInput
        self.fault = fault
        self.end = end
    }
}

/// Which worker reads which chunk, in order, and how the chunks' running totals and
/// outputs pass from one to the next: at most `inFlight` chunks are claimed and not yet delivered.
private final class Schedule<T>: @unchecked Sendable {
    // Sendable: its state is only touched under the lock; slots hand values over with semaphores.
    private struct State {
        var next = 0
        var stopped = false
        var last: Slot<T>?
        var claimed: [Int: Slot<T>] = [:]
    }
    private let state = Mutex<State>(State())
    private let permits: DispatchSemaphore
    private let claims = DispatchSemaphore(value: 0)
    private let inFlight: Int

    init(inFlight: Int) {
        self.inFlight = inFlight
        permits = DispatchSemaphore(value: inFlight)
    }

    /// The next chunk to read, once fewer than `inFlight` wait for delivery; `nil` once the input ended or the run stopped.
    func claim() -> Slot<T>? {
        permits.wait()
        return state.withLock { state in
            guard !state.stopped else { return nil }
            let slot = Slot<T>(index: state.next, previous: state.last)
            state.next += 1
            state.last = slot
            state.claimed[slot.index] = slot
            claims.signal()
            return slot
        }
    }

    /// No chunk is claimed after this; workers waiting for room go on (and find nothing).
    func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { for _ in 0..<inFlight { permits.signal() } }
    }

    /// The output of chunk `index` (claimed after every chunk before it was taken), once its
    /// worker is done; `nil` for a chunk after the end of input.
    func take(_ index: Int) -> ChunkOutput<T>? {
        claims.wait()
        let slot = state.withLock { $0.claimed.removeValue(forKey: index)! }
        let output = slot.wait()
        permits.signal()
        return output
    }
}

/// One claimed chunk: its running totals for the chunk after it, and its output for the calling thread.
///
/// `@unchecked Sendable`: `after` is written before `counted` is signalled and read only after
/// waiting on it; `output` likewise with `done`.
private final class Slot<T>: @unchecked Sendable {
    let index: Int
    private var previous: Slot<T>?
    /// The totals up to and including this chunk, `nil` when the input ended in or before it.
    private var after: Totals?
    private let counted = DispatchSemaphore(value: 0)
    private var output: ChunkOutput<T>?
    private let done = DispatchSemaphore(value: 0)

    init(index: Int, previous: Slot<T>?) {
        self.index = index
        self.previous = previous
    }

    /// Publishes this chunk's totals once the chunk before has published its own; returns the
    /// totals before this chunk, or `nil` when the input ended before it.
    func publish(_ chunk: ChunkLines) -> Totals? {
        var before: Totals? = Totals()
        if let previous {
            previous.counted.wait()
            before = previous.after
            self.previous = nil
        }
        if var running = before, !chunk.endsInput {
            running.add(chunk)
            after = running
        }
        counted.signal()
        return before
    }

    func finish(_ output: ChunkOutput<T>?) {
        self.output = output
        done.signal()
    }

    func wait() -> ChunkOutput<T>? {
        done.wait()
        return output
    }
}

/// A chunk's bytes, shared by the windows that lie in it; its memory goes back to the
/// pool with the last of them (so the pages are not faulted in again).
private final class Buffer: @unchecked Sendable {
    // Sendable: written by one worker before any window shares it, then only read.
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

/// Buffers of the usual size, kept for reuse; larger ones (for long lines) are freed.
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

    /// A buffer of at least `capacity` bytes.
    func take(_ capacity: Int) -> UnsafeMutableRawBufferPointer {
        guard capacity <= usual else { return .allocate(byteCount: capacity, alignment: 16) }
        if let address = free.withLock({ $0.popLast() }) {
            return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: address), count: usual)
        }
        return .allocate(byteCount: usual, alignment: 16)
    }

    func give(_ bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count == usual, let base = bytes.baseAddress else { bytes.deallocate(); return }
        free.withLock { $0.append(UInt(bitPattern: base)) }
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
