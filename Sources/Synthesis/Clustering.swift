import RuleRuntime

/// Settings of the CodeAD sampling step (paper defaults).
public struct SamplingSettings: Sendable, Codable {
    /// Tokens kept per line (k_line).
    public var tokensPerLine = 2
    /// k_window = int(alpha × mean lines per window).
    public var alpha = 0.5
    /// Merge iterations (m).
    public var iterations = 4
    /// Contrastive windows per side (w).
    public var windowsPerSide = 5
    /// Minimum Jaccard similarity for an anchor's neighbours (θ).
    public var similarityThreshold = 0.2

    public init() {}
}

/// Token features of windows: each line keeps its `k_line` most frequent tokens
/// (frequency over the whole training set), each window its `k_window` most
/// frequent line tokens.
struct WindowFeatures {
    let features: [Set<String>]
    /// Unique tokens over all tokens of each window: how varied it is.
    private let diversities: [Double]
    let windowSize: Int

    init(windows: [Window], settings: SamplingSettings) {
        // Tokens are interned as they are read (the corpus's tokens as strings would take several
        // times its size): each window keeps its lines' token ids, one after the other.
        var ids: [String: Int32] = [:]
        var names: [String] = []
        var frequency: [Int] = []
        var corpus: [(tokens: [Int32], lineEnds: [Int])] = []
        corpus.reserveCapacity(windows.count)
        for window in windows {
            var tokens: [Int32] = [], lineEnds: [Int] = []
            for line in 0..<window.count {
                let start = tokens.count
                window.withLine(line) { bytes in
                    Tokens.forEach(in: bytes) { token in
                        let id = ids[token] ?? {
                            let new = Int32(names.count)
                            ids[token] = new
                            names.append(token)
                            frequency.append(0)
                            return new
                        }()
                        tokens.append(id)
                    }
                }
                // Frequency counts the lines a token is on.
                for id in Set(tokens[start...]) { frequency[Int(id)] += 1 }
                lineEnds.append(tokens.count)
            }
            corpus.append((tokens, lineEnds))
        }
        let meanLines = windows.isEmpty ? 0 : Double(windows.reduce(0) { $0 + $1.count }) / Double(windows.count)
        windowSize = max(1, Int(settings.alpha * meanLines))
        // Most frequent first, ties by the token's text.
        func ranked(_ tokens: some Sequence<Int32>, counts: (Int32) -> Int) -> [Int32] {
            tokens.sorted { (counts($0), names[Int($1)]) > (counts($1), names[Int($0)]) }
        }
        // Each token's place in that order over the whole corpus, so that a line's tokens sort as integers.
        let order = ranked(names.indices.map(Int32.init), counts: { frequency[Int($0)] })
        var place = [Int32](repeating: 0, count: names.count)
        for (index, id) in order.enumerated() { place[Int(id)] = Int32(index) }
        var features: [Set<String>] = []
        var diversities: [Double] = []
        features.reserveCapacity(windows.count)
        diversities.reserveCapacity(windows.count)
        for (tokens, lineEnds) in corpus {
            var counts: [Int32: Int] = [:]
            var start = 0
            for end in lineEnds {
                for index in Set(tokens[start..<end].map { place[Int($0)] }).sorted().prefix(settings.tokensPerLine) {
                    counts[order[Int(index)], default: 0] += 1
                }
                start = end
            }
            features.append(Set(ranked(counts.keys, counts: { counts[$0]! }).prefix(windowSize).map { names[Int($0)] }))
            diversities.append(tokens.isEmpty ? 0 : Double(Set(tokens).count) / Double(tokens.count))
        }
        self.features = features
        self.diversities = diversities
    }

    /// Unique tokens over all tokens: how varied a window is.
    func diversity(_ index: Int) -> Double { diversities[index] }

    static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }
}

/// Hierarchical clustering of windows by shared feature tokens.
enum Clustering {
    /// Clusters of window indices, largest first (ties: smallest first index).
    /// Identical feature sets start together; at iteration r, clusters sharing at
    /// least `k_window − r` feature tokens merge and keep the intersection.
    static func clusters(_ indices: [Int], features: WindowFeatures, iterations: Int) -> [[Int]] {
        var groups: [Set<String>: [Int]] = [:]
        for index in indices { groups[features.features[index], default: []].append(index) }
        var clusters = groups.map { (feature: $0.key, members: $0.value) }.sorted { $0.members[0] < $1.members[0] }
        for round in 1...max(1, iterations) {
            let needed = features.windowSize - round
            var merged: [(feature: Set<String>, members: [Int])] = []
            for cluster in clusters {
                if needed > 0, let target = merged.firstIndex(where: { $0.feature.intersection(cluster.feature).count >= needed }) {
                    merged[target].feature.formIntersection(cluster.feature)
                    merged[target].members += cluster.members
                } else {
                    merged.append(cluster)
                }
            }
            clusters = merged
        }
        return clusters.map { $0.members.sorted() }.sorted { ($0.count, -$0[0]) > ($1.count, -$1[0]) }
    }
}

/// Whitespace tokenisation shared by features and the builtin synthesizer.
enum Tokens {
    /// Calls `body` with each token of a line: the runs of bytes between spaces and tabs, as text.
    static func forEach(in bytes: UnsafeBufferPointer<UInt8>, _ body: (String) -> Void) {
        var index = 0
        while index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            let start = index
            while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 { index += 1 }
            if index > start { body(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
        }
    }
}

/// The contrastive windows for one generation: targets around an anchor, and
/// the most similar windows of the opposite class.
public struct ContrastiveSample: Sendable {
    public var anchor: Int
    public var targets: [Int]
    public var opposites: [Int]
}

enum AnchorSampling {
    /// From the largest cluster of `targetIndices`, the most diverse anchor, its
    /// `w − 1` most similar targets above θ, and the `w` most similar opposites; then, when
    /// another member of the same cluster is more typical of it (the highest mean similarity to the
    /// others), the sample around that one. The most diverse window shows the most evidence, but
    /// it may be the cluster's odd one out: on BGL_2k in windows of 10 lines it was the one abnormal
    /// training window whose FATAL line follows a routine template, so no rule grown from it could
    /// say "a FATAL line follows no routine template", which the other 17 hold.
    static func samples(
        targets targetIndices: [Int], opposites oppositeIndices: [Int], features: WindowFeatures,
        settings: SamplingSettings, excludingAnchors: Set<Int>
    ) -> [ContrastiveSample] {
        let clusters = Clustering.clusters(targetIndices, features: features, iterations: settings.iterations)
        for cluster in clusters {
            let candidates = cluster.filter { !excludingAnchors.contains($0) }
            guard let diverse = candidates.max(by: { (features.diversity($0), -$0) < (features.diversity($1), -$1) }) else { continue }
            func sample(around anchor: Int) -> ContrastiveSample {
                let anchorFeature = features.features[anchor]
                func similar(_ pool: [Int], _ count: Int, threshold: Double?) -> [Int] {
                    pool.filter { $0 != anchor }
                        .map { ($0, WindowFeatures.jaccard(anchorFeature, features.features[$0])) }
                        .filter { threshold == nil || $0.1 >= threshold! }
                        .sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }
                        .prefix(count).map(\.0)
                }
                let neighbours = similar(targetIndices, settings.windowsPerSide - 1, threshold: settings.similarityThreshold)
                let opposites = similar(oppositeIndices, settings.windowsPerSide, threshold: nil)
                return ContrastiveSample(anchor: anchor, targets: [anchor] + neighbours, opposites: opposites)
            }
            // Typicality of at most 200 candidates against at most 200 members, evenly spread, so that
            // a cluster of a hundred thousand sessions costs what one of two hundred does.
            func spread(_ indices: [Int]) -> [Int] {
                let step = max(1, indices.count / 200)
                return stride(from: 0, to: indices.count, by: step).map { indices[$0] }
            }
            let members = spread(cluster)
            func typicality(_ index: Int) -> Double {
                members.reduce(0) { $0 + ($1 == index ? 0 : WindowFeatures.jaccard(features.features[index], features.features[$1])) }
            }
            let scored = spread(candidates).map { ($0, typicality($0)) }
            let typical = scored.max { ($0.1, -$0.0) < ($1.1, -$1.0) }!.0
            return typical == diverse ? [sample(around: diverse)] : [sample(around: diverse), sample(around: typical)]
        }
        return []
    }
}
