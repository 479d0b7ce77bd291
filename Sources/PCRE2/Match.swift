/// One match: byte ranges of the whole match and of each capture group.
public struct Match: Sendable, Hashable {
    /// Byte range of the whole match in the subject.
    public let range: Range<Int>
    /// Byte ranges of capture groups 1...n; `nil` for a group that did not take part.
    public let captures: [Range<Int>?]

    public init(range: Range<Int>, captures: [Range<Int>?]) {
        self.range = range
        self.captures = captures
    }

    /// The range of group `index` (0 is the whole match); `nil` when the group is
    /// unset or does not exist.
    public subscript(group index: Int) -> Range<Int>? {
        if index == 0 { return range }
        guard index > 0, index <= captures.count else { return nil }
        return captures[index - 1]
    }
}

/// Something whose UTF-8 bytes can be matched without copying where possible.
public protocol MatchSubject {
    /// Calls `body` with the subject's bytes.
    func withSubjectBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
}

extension UnsafeBufferPointer<UInt8>: MatchSubject {
    public func withSubjectBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { body(self) }
}

extension Array<UInt8>: MatchSubject {
    public func withSubjectBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBufferPointer(body)
    }
}

extension ArraySlice<UInt8>: MatchSubject {
    public func withSubjectBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBufferPointer(body)
    }
}

extension String: MatchSubject {
    public func withSubjectBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}

extension Substring: MatchSubject {
    public func withSubjectBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
