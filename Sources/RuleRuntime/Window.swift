/// A window of log lines as rules see it: labels are never part of it.
///
/// Lines are stored contiguously (one byte buffer plus offsets) so building a
/// window allocates per window, not per line, and rules read line bytes in place.
/// Each line is followed by a newline byte in the buffer (never part of the line),
/// so the whole window can be scanned in one pass with line-relative anchors.
/// The lines live in one copy-on-write storage object, so passing a window
/// around (to a worker, into a batch, to a sink) costs one reference count.
/// Several windows can view consecutive lines of one storage (``SharedLines``,
/// the lines of a chunk of a file), so that making a window allocates nothing.
public struct Window: Sendable {
    /// The window's position in the stream of windows (0-based).
    public var id: Int
    /// The session key for session windows (for example an HDFS block id).
    public var key: String?
    @usableFromInline var storage: Storage
    /// The window's lines are `storage.lines[firstLine ..< firstLine + count]`, and its bytes
    /// start at `byteBase` in the storage's bytes (where line `firstLine` starts).
    @usableFromInline var firstLine = 0
    @usableFromInline var lineCount = 0
    @usableFromInline var byteBase = 0

    /// A session the end of input cut off: it was still open, and its idle
    /// timeout had not passed since its last line, so more of it may follow.
    public var isTruncated = false

    /// Marks a line without a timestamp.
    public static let noTimestamp = Int64.min

    /// Where a line ends in the window's bytes, and its number and timestamp.
    public struct Line: Sendable {
        /// The offset just past the line's newline (where the next line starts).
        public var end: Int
        public var number: Int
        public var timestamp: Int64

        public init(end: Int, number: Int, timestamp: Int64) {
            self.end = end
            self.number = number
            self.timestamp = timestamp
        }
    }

    /// The lines of a window: its own bytes, or bytes it shares with the reader's buffer
    /// (kept alive by `owner`). Mutated only through a uniquely referenced ``Window``.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        // Sendable: shared storage is never mutated (`Window` copies it first unless it is the only owner),
        // and shared bytes are never written after the window is made.
        @usableFromInline @exclusivity(unchecked) var bytes: [UInt8] = []
        @usableFromInline @exclusivity(unchecked) var lines: [Line] = []
        @usableFromInline let shared: UnsafeBufferPointer<UInt8>?
        private let owner: AnyObject?

        @usableFromInline init() {
            shared = nil
            owner = nil
        }

        init(shared: UnsafeBufferPointer<UInt8>, owner: AnyObject, lines: [Line]) {
            self.shared = shared
            self.owner = owner
            self.lines = lines
        }

        /// Calls `body` with the window's bytes.
        @inlinable
        func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            if let shared { return try body(shared) }
            return try bytes.withUnsafeBufferPointer(body)
        }

        /// A copy that owns its bytes: `count` lines from line `first`, whose bytes start at `byteBase`.
        func copy(first: Int, count: Int, byteBase: Int) -> Storage {
            let copy = Storage()
            let end = count == 0 ? byteBase : lines[first + count - 1].end
            copy.bytes = withBytes { Array($0[byteBase..<end]) }
            copy.lines = lines[first..<(first + count)].map { Line(end: $0.end - byteBase, number: $0.number, timestamp: $0.timestamp) }
            return copy
        }
    }

    public init(id: Int = 0, key: String? = nil) {
        self.id = id
        self.key = key
        storage = Storage()
    }

    /// The window of lines `lines` of `shared` (positions in its ``SharedLines/lines``): it
    /// shares their bytes and their line records, so making it allocates nothing.
    public init(id: Int, lines: Range<Int>, of shared: SharedLines) {
        precondition(lines.lowerBound >= 0 && lines.upperBound <= shared.storage.lines.count, "lines of the shared lines")
        self.id = id
        key = nil
        storage = shared.storage
        firstLine = lines.lowerBound
        lineCount = lines.count
        byteBase = lines.lowerBound == 0 ? 0 : shared.storage.lines[lines.lowerBound - 1].end
    }

    /// A window of the given texts numbered 1, 2, 3… with no timestamps (pack tests).
    public init(id: Int = 0, texts: [String]) {
        self.init(id: id)
        for (offset, text) in texts.enumerated() {
            append(Array(text.utf8), number: offset + 1, timestamp: Self.noTimestamp)
        }
    }

    /// The bytes of every line, each followed by a newline (`\n`, 0x0A).
    public var bytes: [UInt8] { withBytes { Array($0) } }
    /// The 1-based input line number of each line (``number(at:)`` reads one without building the array).
    public var numbers: [Int] { lineRecords.map(\.number) }
    /// Each line's timestamp in milliseconds since the epoch, or ``Window/noTimestamp``.
    public var timestamps: [Int64] { lineRecords.map(\.timestamp) }
    private var lineRecords: ArraySlice<Line> { storage.lines[firstLine..<(firstLine + lineCount)] }

    /// The input line number of line `index`.
    @inlinable public func number(at index: Int) -> Int { storage.lines[firstLine &+ index].number }
    /// The timestamp of line `index` (``Window/noTimestamp`` when it has none).
    @inlinable public func timestamp(at index: Int) -> Int64 { storage.lines[firstLine &+ index].timestamp }
    /// Where line `index` starts in ``bytes``.
    @inlinable public func start(of index: Int) -> Int { index == 0 ? 0 : end(of: index &- 1) }
    /// Where line `index` ends in ``bytes``, past its newline (where the next line starts).
    @inlinable public func end(of index: Int) -> Int { storage.lines[firstLine &+ index].end &- byteBase }

    /// The size of ``bytes`` (every line and its newline), without building the array.
    public var byteCount: Int { lineCount == 0 ? 0 : end(of: lineCount - 1) }

    /// The number of lines.
    @inlinable public var count: Int { lineCount }
    @inlinable public var isEmpty: Bool { lineCount == 0 }

    /// Calls `body` with ``bytes``, without copying.
    @inlinable public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = byteBase..<(byteBase &+ byteCount)
        return try storage.withBytes { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Calls `body` with the records of the lines (``Line/end`` counted from the start of the
    /// storage's bytes: subtract `byteBase` for an offset in ``bytes``), without copying.
    @inlinable func withLineRecords<R>(_ body: (UnsafeBufferPointer<Line>, _ byteBase: Int) throws -> R) rethrows -> R {
        let range = firstLine..<(firstLine &+ lineCount)
        return try storage.lines.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range]), byteBase) }
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.shared != nil || firstLine != 0 || lineCount != storage.lines.count {
            storage = storage.copy(first: firstLine, count: lineCount, byteBase: byteBase)
            firstLine = 0
            byteBase = 0
        }
    }

    /// Appends one line.
    public mutating func append(_ line: UnsafeBufferPointer<UInt8>, number: Int, timestamp: Int64) {
        makeUnique()
        let storage = storage
        // Grown by half rather than doubled: a session window takes its lines one by one, and
        // most sessions end a little past their first reservation, so doubling would leave
        // much of a large log's open sessions unused.
        let needed = storage.bytes.count + line.count + 1
        if needed > storage.bytes.capacity {
            storage.bytes.reserveCapacity(max(needed, storage.bytes.capacity + storage.bytes.capacity / 2))
        }
        if storage.lines.count == storage.lines.capacity {
            storage.lines.reserveCapacity(storage.lines.capacity + max(8, storage.lines.capacity / 2))
        }
        storage.bytes.append(contentsOf: line)
        storage.bytes.append(0x0A)
        storage.lines.append(Line(end: storage.bytes.count, number: number, timestamp: timestamp))
        lineCount += 1
    }

    /// Appends one line given as an array.
    public mutating func append(_ line: [UInt8], number: Int, timestamp: Int64) {
        line.withUnsafeBufferPointer { append($0, number: number, timestamp: timestamp) }
    }

    /// Appends one line given as a slice.
    public mutating func append(_ line: ArraySlice<UInt8>, number: Int, timestamp: Int64) {
        line.withUnsafeBufferPointer { append($0, number: number, timestamp: timestamp) }
    }

    /// Reserves room for `lines` lines of `bytes` bytes in total.
    public mutating func reserve(lines: Int, bytes byteCount: Int) {
        makeUnique()
        storage.bytes.reserveCapacity(byteCount + lines)
        storage.lines.reserveCapacity(lines)
    }

    /// The byte range of line `index` in ``bytes``.
    @inlinable public func range(of index: Int) -> Range<Int> { start(of: index)..<(end(of: index) &- 1) }

    /// Calls `body` with the bytes of line `index`, without copying.
    @inlinable public func withLine<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = range(of: index)
        let base = byteBase
        return try storage.withBytes { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[(base &+ range.lowerBound)..<(base &+ range.upperBound)]))
        }
    }

    /// The text of line `index`; invalid UTF-8 is decoded as U+FFFD.
    public func text(_ index: Int) -> String {
        withLine(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The 1-based input line numbers of the first and last line, or `nil` when empty.
    public var lineNumbers: ClosedRange<Int>? {
        guard lineCount > 0 else { return nil }
        let first = number(at: 0), last = number(at: lineCount - 1)
        return min(first, last)...max(first, last)
    }
}

/// Lines in bytes that several windows share (a chunk of a file: each line followed by its
/// newline, one after another), kept alive by an owner; ``Window/init(id:lines:of:)`` makes
/// a window of some of them.
public struct SharedLines: Sendable {
    let storage: Window.Storage

    /// `lines` say where each line ends in `bytes` (past its newline); the bytes must not
    /// change while a window of them exists.
    public init(bytes: UnsafeBufferPointer<UInt8>, owner: AnyObject & Sendable, lines: [Window.Line]) {
        storage = Window.Storage(shared: bytes, owner: owner, lines: lines)
    }

    /// The number of lines.
    public var count: Int { storage.lines.count }
}
