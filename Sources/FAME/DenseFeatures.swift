import LogParsing
import SentenceEncoder
import Synchronization

/// A sentence embedding of the message's template text, beside hashed
/// features: the template text is the content with its variable tokens
/// masked (`<NUM>`, `<HEX>`, ...), so all messages of a template share one
/// embedding, computed once and cached. The hashed part is either every
/// n-gram of ``HashedNGrams`` (`both`) or only the variable tokens the
/// embedding does not see (`dense`). Indices `0..<hashedDimension` are
/// hashed, the next 384 the embedding (unit length).
public final class DenseFeatures: FeatureExtractor {
    /// What the hashed part holds.
    public enum Hashed: String, Sendable, CaseIterable {
        /// Only the variable tokens (digits folded to `0`): the embedding carries the words.
        case variables
        /// Every hashed n-gram, as without the embedding.
        case ngrams
    }

    /// Cache figures: embeddings computed and embeddings reused.
    public struct CacheStatistics: Sendable {
        public var hits = 0
        public var misses = 0
        public var hitRate: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }
    }

    public static let encoderName = "minilm-l6-v2"
    /// Templates kept in the cache; beyond this embeddings are computed again rather than kept.
    public static let cacheCapacity = 100_000

    public let hashed: Hashed
    public let hashedDimension: Int
    public var dimension: Int { hashedDimension + encoder.dimension }
    public var identity: String {
        "\(Self.encoderName)+\(hashed == .ngrams ? "hashed-ngrams-v1" : "hashed-variables-v1")/\(hashedDimension)"
    }

    private let encoder: SentenceEncoder
    private let ngrams: HashedNGrams
    private let masking = Masking.all
    private struct Cache { var embeddings: [[UInt8]: [Float]] = [:]; var statistics = CacheStatistics() }
    private let cache = Mutex(Cache())

    /// `hashedDimension` must be a power of two.
    public init(encoder: SentenceEncoder, hashed: Hashed, hashedDimension: Int = 1 << 16) {
        self.encoder = encoder
        self.hashed = hashed
        self.hashedDimension = hashedDimension
        ngrams = HashedNGrams(dimension: hashedDimension)
    }

    public var cacheStatistics: CacheStatistics { cache.withLock { $0.statistics } }

    public func extract(_ content: UnsafeRawBufferPointer, into vector: inout SparseVector) {
        let template = masking.apply(content)
        switch hashed {
        case .ngrams: ngrams.extract(masked: template, into: &vector)
        case .variables: variables(content, into: &vector)
        }
        let embedding = self.embedding(template)
        for (index, value) in embedding.enumerated() {
            vector.indices.append(Int32(hashedDimension + index))
            vector.values.append(value)
        }
    }

    /// The cached embedding of a template text, computed outside the lock on a miss.
    private func embedding(_ template: [UInt8]) -> [Float] {
        if let known = cache.withLock({ state -> [Float]? in
            let found = state.embeddings[template]
            if found != nil { state.statistics.hits += 1 }
            return found
        }) { return known }
        let computed = encoder.embed(String(decoding: template, as: UTF8.self))
        cache.withLock { state in
            state.statistics.misses += 1
            if state.embeddings.count < Self.cacheCapacity { state.embeddings[template] = computed }
        }
        return computed
    }

    /// Hashed variable tokens, digits folded, L2-normalised.
    private func variables(_ content: UnsafeRawBufferPointer, into vector: inout SparseVector) {
        vector.removeAll()
        let mask = UInt64(hashedDimension - 1)
        Tokens.forEach(in: content) { range in
            let token = UnsafeRawBufferPointer(rebasing: content[range])
            guard masking.classify(token) != nil else { return }
            var folded = [UInt8](token)
            for index in folded.indices where folded[index] >= 0x30 && folded[index] <= 0x39 { folded[index] = 0x30 }
            let hash = folded.withUnsafeBytes { HashedNGrams.hash($0, 0..<$0.count, seed: 0x7A11) }
            vector.indices.append(Int32(truncatingIfNeeded: hash & mask))
            vector.values.append(1)
        }
        let scale = vector.values.isEmpty ? 1 : 1 / Float(vector.values.count).squareRoot()
        for index in vector.values.indices { vector.values[index] *= scale }
    }
}
