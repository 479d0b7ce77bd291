#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise text operations shared by interpreted and compiled rules.
///
/// The rule language compares text by UTF-8 bytes (ordinal comparison, no
/// Unicode normalisation), which is what log matching wants and what makes
/// `contains` on a line run without decoding it.
public enum Text {
    /// Whether `haystack` contains `needle` (an empty needle is always contained).
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard haystack.count >= needle.count, let base = haystack.baseAddress else { return false }
        return needle.withUnsafeBufferPointer { n in
            let last = haystack.count - n.count
            var start = 0
            while start <= last {
                // memchr finds the next candidate first byte; memcmp confirms the rest.
                guard let hit = memchr(base + start, Int32(n[0]), last - start + 1) else { return false }
                let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + offset, n.baseAddress!, n.count) == 0 { return true }
                start = offset + 1
            }
            return false
        }
    }

    public static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        text.count >= prefix.count && zip(text, prefix).allSatisfy { $0 == $1 }
    }

    public static func hasSuffix(_ text: UnsafeBufferPointer<UInt8>, _ suffix: [UInt8]) -> Bool {
        text.count >= suffix.count && zip(text[(text.count - suffix.count)...], suffix).allSatisfy { $0 == $1 }
    }

    /// String forms of the text operators.
    public static func contains(_ text: String, _ needle: String) -> Bool {
        var text = text
        return text.withUTF8 { contains($0, Array(needle.utf8)) }
    }

    public static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    public static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        text.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// `x in list` for text: whether any element equals `element` byte for byte.
    public static func contains(_ list: [String], element: String) -> Bool {
        list.contains { equal($0, element) }
    }

    /// Byte-wise equality.
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// Byte-wise ordering (equivalently, by Unicode scalar values).
    public static func less(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
