import Foundation

/// A failure domain: a named group of templates with one expert.
public struct FailureDomain: Sendable, Codable, Hashable {
    public var name: String
    public var description: String?
    public var templates: [Int]

    public init(name: String, description: String? = nil, templates: [Int]) {
        self.name = name
        self.description = description
        self.templates = templates
    }
}

/// Every template mapped to a failure domain: the file `--domains` reads and
/// `fame train` writes next to the model.
public struct DomainPartition: Sendable, Codable, Hashable {
    public var domains: [FailureDomain]
    /// Who proposed it (`builtin`, `llm:<model>`, `file`).
    public var proposer: String?

    public init(domains: [FailureDomain], proposer: String? = nil) {
        self.domains = domains
        self.proposer = proposer
    }

    /// The domain index of each template (the first domain wins where a template appears twice).
    public var domainOfTemplate: [Int: Int] {
        var map: [Int: Int] = [:]
        for (index, domain) in domains.enumerated() { for template in domain.templates where map[template] == nil { map[template] = index } }
        return map
    }

    /// Reads a partition file; the error names what is wrong.
    public static func load(_ data: Data, source: String) throws -> DomainPartition {
        do { return try JSONDecoder().decode(DomainPartition.self, from: data) } catch {
            throw FAMEError.invalidPartition("\(source): not a domain partition (\(error))")
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// Proposes a partition of templates into failure domains, once, offline.
public protocol DomainProposer: Sendable {
    /// For reports and the partition's `proposer` field.
    var name: String { get }
    /// Whether certification may repair what it proposes (merge tiny domains).
    var repairable: Bool { get }
    func propose(_ templates: [TemplateSummary]) async throws -> DomainPartition
}

/// The deterministic proposer that needs no network: templates sharing words
/// join one domain (single link, Jaccard similarity of their words at least
/// `similarity`), largest templates first; templates always abnormal and
/// templates always normal are kept apart unless they share most words.
public struct BuiltinDomainProposer: DomainProposer {
    public var name: String { "builtin" }
    public var repairable: Bool { true }
    public var similarity = 0.3

    public init() {}

    public func propose(_ templates: [TemplateSummary]) async throws -> DomainPartition {
        Self.group(templates, similarity: similarity)
    }

    static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        let union = a.union(b).count
        return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
    }

    static func group(_ templates: [TemplateSummary], similarity: Double) -> DomainPartition {
        let ordered = templates.sorted { ($0.count, -$0.id) > ($1.count, -$1.id) }
        var groups: [[TemplateSummary]] = []
        for template in ordered {
            var best: (index: Int, score: Double)?
            for (index, group) in groups.enumerated() {
                let needed = group[0].indicator == template.indicator || template.indicator == .mixed || group[0].indicator == .mixed
                    ? similarity : max(similarity, 0.6)
                let score = group.map { jaccard($0.words, template.words) }.max() ?? 0
                if score >= needed, score > (best?.score ?? -1) { best = (index, score) }
            }
            if let best { groups[best.index].append(template) } else { groups.append([template]) }
        }
        return DomainPartition(domains: name(groups, all: templates), proposer: "builtin")
    }

    /// Names each group after its most telling words: frequent in the group, rare elsewhere.
    static func name(_ groups: [[TemplateSummary]], all: [TemplateSummary]) -> [FailureDomain] {
        var documentFrequency: [String: Int] = [:]
        for template in all { for word in template.words { documentFrequency[word, default: 0] += 1 } }
        var used = Set<String>()
        return groups.map { group in
            var inGroup: [String: Int] = [:]
            for template in group { for word in template.words { inGroup[word, default: 0] += template.count } }
            let ranked = inGroup.keys.sorted {
                let a = Double(inGroup[$0]!) / Double(documentFrequency[$0]!), b = Double(inGroup[$1]!) / Double(documentFrequency[$1]!)
                return a != b ? a > b : $0 < $1
            }
            // The two most telling words, in the order the group's largest template says them.
            let largest = group.max { ($0.count, -$0.id) < ($1.count, -$1.id) }?.template.lowercased() ?? ""
            let position = { (word: String) in largest.range(of: word).map { largest.distance(from: largest.startIndex, to: $0.lowerBound) } ?? Int.max }
            var name = ranked.prefix(2).sorted { (position($0), $0) < (position($1), $1) }.joined(separator: "-")
            if name.isEmpty { name = "other" }
            var unique = name, suffix = 2
            while used.contains(unique) { unique = "\(name)-\(suffix)"; suffix += 1 }
            used.insert(unique)
            return FailureDomain(name: unique, description: describe(group), templates: group.map(\.id).sorted())
        }
    }

    /// What a domain holds, in words an operator reads: its largest templates
    /// (masked parts as `<*>`), then how many templates it has and how many of them had abnormal samples.
    static func describe(_ group: [TemplateSummary]) -> String {
        let largest = group.sorted { ($0.count, -$0.id) > ($1.count, -$1.id) }.prefix(2).map { summary in
            let text = summary.template.count > 60 ? String(summary.template.prefix(57)) + "..." : summary.template
            return "“\(text)”"
        }
        let more = group.count > 2 ? " and \(group.count - 2) more" : ""
        let abnormal = group.filter { $0.indicator != .alwaysNormal }.count
        return "\(largest.joined(separator: ", "))\(more); \(group.count) template\(group.count == 1 ? "" : "s"), \(abnormal) with abnormal samples"
    }

    /// The partition's domains named and described anew from their templates (after repairs merged some).
    static func renamed(_ partition: DomainPartition, summaries: [Int: TemplateSummary]) -> DomainPartition {
        let groups = partition.domains.map { $0.templates.compactMap { summaries[$0] } }
        let all = Array(summaries.values)
        return DomainPartition(domains: name(groups, all: all), proposer: partition.proposer)
    }

    /// `partition` with every template of `summaries` it lacks added to the domain whose
    /// templates share most words with it; also returns how many were added.
    static func extended(_ partition: DomainPartition, with summaries: [TemplateSummary]) -> (DomainPartition, Int) {
        var domains = partition.domains
        guard !domains.isEmpty else { return (partition, 0) }
        let placed = partition.domainOfTemplate
        let words = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0.words) })
        var added = 0
        for summary in summaries where placed[summary.id] == nil {
            let best = nearest(to: [summary.words], among: partition.domains) { words[$0] }
            domains[best].templates = (domains[best].templates + [summary.id]).sorted()
            added += 1
        }
        return (DomainPartition(domains: domains, proposer: partition.proposer), added)
    }

    /// Merges `domain` into the domain whose templates share most words with it.
    static func merge(_ index: Int, in partition: DomainPartition, summaries: [Int: TemplateSummary]) -> DomainPartition {
        var domains = partition.domains
        let moving = domains.remove(at: index)
        guard !domains.isEmpty else { return partition }
        let best = nearest(to: moving.templates.compactMap { summaries[$0]?.words }, among: domains) { summaries[$0]?.words }
        domains[best].templates = (domains[best].templates + moving.templates).sorted()
        return DomainPartition(domains: domains, proposer: partition.proposer)
    }

    /// The index of the domain (of a non-empty list) holding the template whose words come
    /// closest (Jaccard) to any of `words`; the first such domain on ties.
    private static func nearest(to words: [Set<String>], among domains: [FailureDomain], wordsOf: (Int) -> Set<String>?) -> Int {
        var best = 0, bestScore = -1.0
        for (index, domain) in domains.enumerated() {
            let score = domain.templates.compactMap(wordsOf).flatMap { a in words.map { jaccard(a, $0) } }.max() ?? 0
            if score > bestScore { best = index; bestScore = score }
        }
        return best
    }
}

/// Errors FAME reports to the user.
public enum FAMEError: Error, CustomStringConvertible, Equatable {
    case invalidPartition(String)
    case certificationFailed([String])
    case modelFile(String)
    case proposer(String)
    case noTrainingData(String)

    public var description: String {
        switch self {
        case .invalidPartition(let message), .modelFile(let message), .proposer(let message), .noTrainingData(let message): message
        case .certificationFailed(let reasons): "certification failed:\n" + reasons.map { "  - " + $0 }.joined(separator: "\n")
        }
    }
}
