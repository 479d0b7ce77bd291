/// FNV-1a over 64 bits: a fast, stable fingerprint of bytes, to tell whether two
/// inputs are the same (a cached database, a compiled pack). Not a cryptographic hash.
public struct Fingerprint: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    /// The fingerprint of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        add(bytes)
    }

    /// Adds `bytes`.
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        // One loop over contiguous bytes, which the caller's sequence type does not slow down.
        let start = value
        value = bytes.withContiguousStorageIfAvailable { Self.hash($0, from: start) }
            ?? Array(bytes).withUnsafeBufferPointer { Self.hash($0, from: start) }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, from start: UInt64) -> UInt64 {
        var value = start
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        return value
    }

    /// Adds a byte no UTF-8 text holds, to end one field before the next.
    public mutating func endField() {
        add(CollectionOfOne(0xFF))
    }

    /// The value as 16 hexadecimal digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
