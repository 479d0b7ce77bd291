import LogParsing
import SentenceEncoder
import Synchronization

/// A sparse feature vector: hashed indices with weights, L2-normalised.
public struct SparseVector: Sendable {
    public var indices: [Int32] = []
    public var values: [Float] = []

    public init() {}

    mutating func removeAll() {
        indices.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}

/// Turns a message's content into features. Behind a protocol so that a dense
/// sentence encoder can replace the hashed n-grams later.
public protocol FeatureExtractor: Sendable {
    /// Number of feature indices (`0..<dimension`).
    var dimension: Int { get }
    /// A name stored in the model file, so a model is never read with other features.
    var identity: String { get }
    /// Writes the features of `content` into `vector` (cleared first).
    func extract(_ content: UnsafeRawBufferPointer, into vector: inout SparseVector)
}

/// What `fame train --features` offers.
public enum FeatureKind: String, Sendable, CaseIterable {
    /// Hashed word and character n-grams.
    case hashed
    /// The template text's sentence embedding beside hashed variable tokens.
    case dense
    /// The embedding beside every hashed n-gram.
    case both

    /// The extractor of this kind; the dense kinds load the sentence encoder.
    public func extractor(dimension: Int = 1 << 16) throws -> any FeatureExtractor {
        switch self {
        case .hashed: return HashedNGrams(dimension: dimension)
        case .dense: return DenseFeatures(encoder: try FeatureExtractors.sharedEncoder(), hashed: .variables, hashedDimension: dimension)
        case .both: return DenseFeatures(encoder: try FeatureExtractors.sharedEncoder(), hashed: .ngrams, hashedDimension: dimension)
        }
    }
}

/// The feature extractors a model file can name.
public enum FeatureExtractors {
    /// The extractor with this identity (as stored in a model file); `nil` for
    /// one this warden does not know. Dense extractors load the sentence
    /// encoder, and say how to install it when its weights are missing.
    public static func named(_ identity: String) throws -> (any FeatureExtractor)? {
        let parts = identity.split(separator: "/")
        guard parts.count == 2, let dimension = Int(parts[1]), dimension > 0, dimension <= 1 << 24, dimension & (dimension - 1) == 0 else {
            return nil
        }
        let kind = parts[0].split(separator: "+")
        if kind == ["hashed-ngrams-v1"] { return HashedNGrams(dimension: dimension) }
        guard kind.count == 2, kind[0] == Substring(DenseFeatures.encoderName) else { return nil }
        let hashed: DenseFeatures.Hashed
        switch kind[1] {
        case "hashed-ngrams-v1": hashed = .ngrams
        case "hashed-variables-v1": hashed = .variables
        default: return nil
        }
        return DenseFeatures(encoder: try sharedEncoder(), hashed: hashed, hashedDimension: dimension)
    }

    /// The sentence encoder, loaded once per process (its weights are 90 MB).
    public static func sharedEncoder() throws -> SentenceEncoder {
        try loadedEncoder.withLock { state in
            if let encoder = state { return encoder }
            do {
                let encoder = try SentenceEncoder(directory: try EncoderLocation.find())
                state = encoder
                return encoder
            } catch let error as EncoderError {
                throw FAMEError.modelFile("dense features: \(error.description)")
            }
        }
    }

    private static let loadedEncoder = Mutex<SentenceEncoder?>(nil)
}

/// Hashed word unigrams and bigrams plus character trigrams, over the content
/// with ids, numbers, addresses, hex and paths masked and the remaining digits
/// folded to `0`, so two messages differing only in their values look alike.
public struct HashedNGrams: FeatureExtractor {
    public let dimension: Int
    public var identity: String { "hashed-ngrams-v1/\(dimension)" }
    private let masking = Masking.all

    /// `dimension` must be a power of two.
    public init(dimension: Int = 1 << 16) {
        precondition(dimension > 0 && dimension & (dimension - 1) == 0, "dimension must be a power of two")
        self.dimension = dimension
    }

    public func extract(_ content: UnsafeRawBufferPointer, into vector: inout SparseVector) {
        extract(masked: masking.apply(content), into: &vector)
    }

    /// The features of content already masked with ``Masking/all``.
    func extract(masked: [UInt8], into vector: inout SparseVector) {
        vector.removeAll()
        var text = masked
        for index in text.indices {
            let byte = text[index]
            if byte >= 0x30, byte <= 0x39 { text[index] = 0x30 } else if byte >= 0x41, byte <= 0x5A { text[index] = byte | 0x20 }
        }
        let mask = UInt64(dimension - 1)
        text.withUnsafeBytes { bytes in
            var previous: UInt64 = 0x5EED
            Tokens.forEach(in: bytes) { range in
                let word = Self.hash(bytes, range, seed: 0x9E37_79B9)
                add(word & mask, 1, to: &vector)
                add(Self.mix(word ^ previous &* 31) & mask, 1, to: &vector)
                previous = word
            }
            add(Self.mix(previous ^ 0xE0D) & mask, 1, to: &vector)
            // Character trigrams within and across tokens (separators folded to one space).
            var window: UInt64 = 0x20
            var filled = 1
            var lastWasSpace = true
            for byte in bytes {
                let folded: UInt8 = Tokens.isSeparator(byte) ? 0x20 : byte
                if folded == 0x20, lastWasSpace { continue }
                lastWasSpace = folded == 0x20
                window = (window << 8 | UInt64(folded)) & 0xFF_FFFF
                filled += 1
                if filled >= 3 { add(Self.mix(window ^ 0xC4A3) & mask, 0.5, to: &vector) }
            }
        }
        normalise(&vector)
    }

    @inline(__always)
    private func add(_ index: UInt64, _ value: Float, to vector: inout SparseVector) {
        vector.indices.append(Int32(truncatingIfNeeded: index))
        vector.values.append(value)
    }

    private func normalise(_ vector: inout SparseVector) {
        var sum: Float = 0
        for value in vector.values { sum += value * value }
        guard sum > 0 else { return }
        let scale = 1 / sum.squareRoot()
        for index in vector.values.indices { vector.values[index] *= scale }
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, seed: UInt64) -> UInt64 {
        var h = seed
        for index in range { h = (h ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3 }
        return mix(h)
    }
}
