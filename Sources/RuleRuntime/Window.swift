/// A window of log lines as rules see it: labels are never part of it.
///
/// Lines are stored contiguously (one byte buffer plus offsets) so building a
/// window allocates per window, not per line, and rules read line bytes in place.
/// Each line is followed by a newline byte in the buffer (never part of the line),
/// so the whole window can be scanned in one pass with line-relative anchors.
/// The lines live in one copy-on-write storage object, so passing a window
/// around (to a worker, into a batch, to a sink) costs one reference count.
public struct Window: Sendable {
    /// The window's position in the stream of windows (0-based).
    public var id: Int
    /// The session key for session windows (for example an HDFS block id).
    public var key: String?
    @usableFromInline var storage: Storage

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

        /// A copy that owns its bytes.
        func copy() -> Storage {
            let copy = Storage()
            copy.bytes = withBytes { Array($0) }
            copy.lines = lines
            return copy
        }
    }

    public init(id: Int = 0, key: String? = nil) {
        self.id = id
        self.key = key
        storage = Storage()
    }

    /// A window whose bytes are `bytes`, shared with (and kept alive by) `owner` rather
    /// than copied: each line followed by a newline, as ``bytes`` describes, and `lines`
    /// saying where each ends. The bytes must not change while the window exists.
    public init(id: Int, sharing bytes: UnsafeBufferPointer<UInt8>, owner: AnyObject & Sendable, lines: [Line]) {
        self.id = id
        key = nil
        storage = Storage(shared: bytes, owner: owner, lines: lines)
    }

    /// A window of the given texts numbered 1, 2, 3… with no timestamps (pack tests).
    public init(id: Int = 0, texts: [String]) {
        self.init(id: id)
        for (offset, text) in texts.enumerated() {
            append(Array(text.utf8), number: offset + 1, timestamp: Self.noTimestamp)
        }
    }

    /// The bytes of every line, each followed by a newline (`\n`, 0x0A).
    public var bytes: [UInt8] { storage.withBytes { Array($0) } }
    /// The 1-based input line number of each line (``number(at:)`` reads one without building the array).
    public var numbers: [Int] { storage.lines.map(\.number) }
    /// Each line's timestamp in milliseconds since the epoch, or ``Window/noTimestamp``.
    public var timestamps: [Int64] { storage.lines.map(\.timestamp) }

    /// The input line number of line `index`.
    @inlinable public func number(at index: Int) -> Int { storage.lines[index].number }
    /// The timestamp of line `index` (``Window/noTimestamp`` when it has none).
    @inlinable public func timestamp(at index: Int) -> Int64 { storage.lines[index].timestamp }
    /// Where line `index` starts in ``bytes``.
    @inlinable public func start(of index: Int) -> Int { index == 0 ? 0 : storage.lines[index - 1].end }

    /// The size of ``bytes`` (every line and its newline), without building the array.
    public var byteCount: Int { storage.lines.last?.end ?? 0 }

    /// The number of lines.
    @inlinable public var count: Int { storage.lines.count }
    @inlinable public var isEmpty: Bool { storage.lines.isEmpty }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.shared != nil { storage = storage.copy() }
    }

    /// Appends one line.
    public mutating func append(_ line: UnsafeBufferPointer<UInt8>, number: Int, timestamp: Int64) {
        makeUnique()
        let storage = storage
        storage.bytes.append(contentsOf: line)
        storage.bytes.append(0x0A)
        storage.lines.append(Line(end: storage.bytes.count, number: number, timestamp: timestamp))
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
    @inlinable public func range(of index: Int) -> Range<Int> { start(of: index)..<(storage.lines[index].end - 1) }

    /// Calls `body` with the bytes of line `index`, without copying.
    @inlinable public func withLine<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = range(of: index)
        return try storage.withBytes { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[range]))
        }
    }

    /// The text of line `index`; invalid UTF-8 is decoded as U+FFFD.
    public func text(_ index: Int) -> String {
        withLine(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The 1-based input line numbers of the first and last line, or `nil` when empty.
    public var lineNumbers: ClosedRange<Int>? {
        guard let first = storage.lines.first?.number, let last = storage.lines.last?.number else { return nil }
        return min(first, last)...max(first, last)
    }
}
