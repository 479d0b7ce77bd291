/// Classes of variable tokens Drain can mask before mining, each replaced by a
/// placeholder such as `<NUM>`. Masking works on whole tokens (punctuation at
/// a token's edges is kept), so it never changes the token count of a line.
public enum MaskClass: String, CaseIterable, Sendable, Codable {
    /// An IPv4 address, optionally with a port and a leading `/`: `<IP>`.
    case ip
    /// A block id such as `blk_-1608999687919862906`: `<BLK>`.
    case block
    /// `0x`-prefixed hex, or a run of 8+ hex digits holding a digit and a letter: `<HEX>`.
    case hex
    /// A decimal number, optionally signed or with a fraction: `<NUM>`.
    case number
    /// An absolute path with at least two components: `<PATH>`.
    case path

    /// The placeholder a masked token becomes.
    public var placeholder: String {
        switch self {
        case .ip: "<IP>"
        case .block: "<BLK>"
        case .hex: "<HEX>"
        case .number: "<NUM>"
        case .path: "<PATH>"
        }
    }
}

/// Which classes to mask; tried in the order of `MaskClass.allCases`.
public struct Masking: Sendable, Hashable, Codable {
    public let classes: Set<MaskClass>
    /// The enabled classes in the order they are tried, resolved once.
    private let enabled: [MaskClass]

    public init(_ classes: Set<MaskClass>) {
        self.classes = classes
        enabled = MaskClass.allCases.filter(classes.contains)
    }

    public static func == (a: Masking, b: Masking) -> Bool { a.classes == b.classes }
    public func hash(into hasher: inout Hasher) { hasher.combine(classes) }

    /// Encoded as the list of enabled classes in trial order, so equal settings give equal bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(enabled)
    }

    public init(from decoder: any Decoder) throws {
        self.init(Set(try decoder.singleValueContainer().decode([MaskClass].self)))
    }

    /// No masking: the reference Drain's default.
    public static let none = Masking([])
    /// Every class.
    public static let all = Masking(Set(MaskClass.allCases))

    /// The class of a token's core (the token without edge punctuation `([{<"'` and `)]}>"',;:.`),
    /// and the core's byte range, or `nil` when no enabled class matches.
    public func classify(_ token: UnsafeRawBufferPointer) -> (MaskClass, Range<Int>)? {
        guard !enabled.isEmpty else { return nil }
        var start = 0, end = token.count
        while start < end, Self.isOpening(token[start]) { start += 1 }
        while end > start, Self.isClosing(token[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        let core = UnsafeRawBufferPointer(rebasing: token[start..<end])
        // Every class but paths needs a digit, and a path starts with `/`: most words are neither.
        guard core[0] == 0x2F || core.contains(where: Self.isDigit) else { return nil }
        for kind in enabled where Self.matches(kind, core) { return (kind, start..<end) }
        return nil
    }

    private static func isOpening(_ b: UInt8) -> Bool { b == 0x28 || b == 0x5B || b == 0x7B || b == 0x3C || b == 0x22 || b == 0x27 }
    private static func isClosing(_ b: UInt8) -> Bool {
        b == 0x29 || b == 0x5D || b == 0x7D || b == 0x3E || b == 0x22 || b == 0x27 || b == 0x2C || b == 0x3B || b == 0x3A || b == 0x2E
    }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isHexLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46) }

    static func matches(_ kind: MaskClass, _ s: UnsafeRawBufferPointer) -> Bool {
        switch kind {
        case .number:
            var i = 0
            if s.count > 1, s[0] == 0x2D || s[0] == 0x2B { i = 1 }
            var digits = 0, dots = 0
            while i < s.count {
                if isDigit(s[i]) { digits += 1 } else if s[i] == 0x2E, dots == 0 { dots += 1 } else { return false }
                i += 1
            }
            return digits > 0
        case .hex:
            if s.count > 2, s[0] == 0x30, s[1] == 0x78 || s[1] == 0x58 {
                return s[2...].allSatisfy { isDigit($0) || isHexLetter($0) }
            }
            guard s.count >= 8, s.allSatisfy({ isDigit($0) || isHexLetter($0) }) else { return false }
            return s.contains(where: isDigit) && s.contains(where: isHexLetter)
        case .ip:
            var i = s.first == 0x2F ? 1 : 0
            var groups = 0
            while groups < 4 {
                let start = i
                while i < s.count, isDigit(s[i]), i - start < 3 { i += 1 }
                guard i > start else { return false }
                groups += 1
                if groups < 4 { guard i < s.count, s[i] == 0x2E else { return false }; i += 1 }
            }
            if i < s.count, s[i] == 0x3A {
                i += 1
                let start = i
                while i < s.count, isDigit(s[i]) { i += 1 }
                guard i > start else { return false }
            }
            return i == s.count
        case .block:
            let prefix: [UInt8] = Array("blk_".utf8)
            guard s.count > 4, zip(prefix, s).allSatisfy({ $0 == $1 }) else { return false }
            var i = 4
            if s[i] == 0x2D { i += 1 }
            return i < s.count && s[i...].allSatisfy(isDigit)
        case .path:
            guard s.count > 2, s[0] == 0x2F else { return false }
            return s.dropFirst().contains(0x2F) && !s.dropFirst().allSatisfy { $0 == 0x2F }
        }
    }

    /// `bytes` with masked tokens replaced; separators are kept as they were.
    public func apply(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        Tokens.forEach(in: bytes) { range in
            guard let (kind, core) = classify(UnsafeRawBufferPointer(rebasing: bytes[range])) else { return }
            out.append(contentsOf: bytes[last..<(range.lowerBound + core.lowerBound)])
            out.append(contentsOf: kind.placeholder.utf8)
            last = range.lowerBound + core.upperBound
        }
        out.append(contentsOf: bytes[last...])
        return out
    }
}
