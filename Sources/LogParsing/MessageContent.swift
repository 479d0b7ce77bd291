import WardenCore

/// How each header layout is skipped to reach the content.
extension MessageHeader {
    /// The byte offset where the content of `message` starts. A message too
    /// short for its header is all content, so nothing is ever dropped.
    public func contentStart(_ message: UnsafeRawBufferPointer) -> Int {
        switch self {
        case .none: return 0
        case .bgl: return Self.skipFields(8, message, from: 0) ?? 0
        case .hdfs: return Self.skipFields(5, message, from: 0) ?? 0
        case .hadoop:
            guard var index = Self.skipFields(3, message, from: 0) else { return 0 }
            if index < message.count, message[index] == 0x5B {
                guard let close = message[index...].firstIndex(of: 0x5D) else { return 0 }
                index = close + 1
                while index < message.count, Tokens.isSeparator(message[index]) { index += 1 }
            }
            return Self.skipFields(1, message, from: index) ?? 0
        }
    }

    /// The content of `message`.
    public func content(_ message: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: message[contentStart(message)...])
    }

    /// Where the content starts in `message` whose first `fields` whitespace-separated fields
    /// are its header (0 when it has no more fields than that).
    public static func contentStart(afterFields fields: Int, _ message: UnsafeRawBufferPointer) -> Int {
        skipFields(fields, message, from: 0) ?? 0
    }

    private static func skipFields(_ fields: Int, _ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        for _ in 0..<fields {
            while index < bytes.count, Tokens.isSeparator(bytes[index]) { index += 1 }
            guard index < bytes.count else { return nil }
            while index < bytes.count, !Tokens.isSeparator(bytes[index]) { index += 1 }
        }
        while index < bytes.count, Tokens.isSeparator(bytes[index]) { index += 1 }
        return index
    }
}
