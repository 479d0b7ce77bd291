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
        let tokenized = windows.map { window in (0..<window.count).map { Tokens.split(window.text($0)) } }
        var frequency: [String: Int] = [:]
        for lines in tokenized { for line in lines { for token in Set(line) { frequency[token, default: 0] += 1 } } }
        let meanLines = windows.isEmpty ? 0 : Double(windows.reduce(0) { $0 + $1.count }) / Double(windows.count)
        windowSize = max(1, Int(settings.alpha * meanLines))
        func ranked(_ tokens: some Sequence<String>, counts: [String: Int]) -> [String] {
            tokens.sorted { (counts[$0] ?? 0, $1) > (counts[$1] ?? 0, $0) }
        }
        // Each token's place in that order over the whole corpus, so that a line's tokens sort as integers.
        let order = ranked(frequency.keys, counts: frequency)
        let place = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var features: [Set<String>] = []
        for lines in tokenized {
            var counts: [String: Int] = [:]
            for line in lines {
                for index in Set(line).map({ place[$0]! }).sorted().prefix(settings.tokensPerLine) { counts[order[index], default: 0] += 1 }
            }
            features.append(Set(ranked(counts.keys, counts: counts).prefix(windowSize)))
        }
        self.features = features
        diversities = tokenized.map { lines in
            let all = lines.flatMap { $0 }
            return all.isEmpty ? 0 : Double(Set(all).count) / Double(all.count)
        }
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
    static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
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
    /// `w − 1` most similar targets above θ, and the `w` most similar opposites.
    static func sample(
        targets targetIndices: [Int], opposites oppositeIndices: [Int], features: WindowFeatures,
        settings: SamplingSettings, excludingAnchors: Set<Int>
    ) -> ContrastiveSample? {
        let clusters = Clustering.clusters(targetIndices, features: features, iterations: settings.iterations)
        for cluster in clusters {
            let candidates = cluster.filter { !excludingAnchors.contains($0) }
            guard let anchor = candidates.max(by: { (features.diversity($0), -$0) < (features.diversity($1), -$1) }) else { continue }
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
        return nil
    }
}
