/// A rule-pack source file: its path and its bytes, with line lookup.
///
/// Positions are byte offsets into ``bytes``; lines and columns are 1-based and
/// columns count UTF-8 bytes, so a position survives any text encoding issue.
public struct SourceFile: Sendable {
    /// The path shown in diagnostics.
    public let path: String
    /// The raw bytes, which need not be valid UTF-8.
    public let bytes: [UInt8]
    /// Byte offset of the start of each line.
    private let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The number of lines (a final newline does not start another line).
    public var lineCount: Int {
        lineStarts.count - (lineStarts.count > 1 && lineStarts.last == bytes.count ? 1 : 0)
    }

    /// Line and column of a byte offset (clamped to the file).
    public func location(of offset: Int) -> SourceLocation {
        let offset = min(max(offset, 0), bytes.count)
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(offset: offset, line: low + 1, column: offset - lineStarts[low] + 1)
    }

    /// The byte range of a 1-based line, without its newline.
    public func lineRange(_ line: Int) -> Range<Int> {
        guard line >= 1, line <= lineStarts.count else { return bytes.count..<bytes.count }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    /// The text of a 1-based line (invalid UTF-8 shown as U+FFFD).
    public func lineText(_ line: Int) -> String {
        String(decoding: bytes[lineRange(line)], as: UTF8.self)
    }

    /// The text of a byte range (invalid UTF-8 shown as U+FFFD).
    public func text(_ range: SourceRange) -> String {
        let lower = min(max(range.start, 0), bytes.count)
        let upper = min(max(range.end, lower), bytes.count)
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}

/// A position in a source file: byte offset, 1-based line, 1-based byte column.
public struct SourceLocation: Sendable, Hashable, Codable {
    public let offset: Int
    public let line: Int
    public let column: Int
}

/// A half-open range of byte offsets in one source file.
public struct SourceRange: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    /// An empty range at `offset`.
    public static func at(_ offset: Int) -> SourceRange { SourceRange(start: offset, end: offset) }
}
