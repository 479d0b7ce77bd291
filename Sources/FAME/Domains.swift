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
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        let shared = small.reduce(0) { $0 + (large.contains($1) ? 1 : 0) }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    /// Which templates hold each word, and the domain (or group) each template is in. A template
    /// is scored only against the templates it shares a word with: its similarity to any other is
    /// 0 (templates without words share the empty word), so grouping and merging cost what the
    /// shared words do, not domains × templates × templates.
    struct WordIndex {
        private var templatesOf: [String: [Int]] = [:]
        private var wordsOf: [Int: Set<String>] = [:]
        private var domainOf: [Int: Int] = [:]
        private static let noWords: Set<String> = ["\u{0}"]

        init() {}

        /// The templates of each domain, filed under their words (`wordsOf`: a template's words, if known).
        init(_ domains: [FailureDomain], wordsOf: (Int) -> Set<String>?) {
            for (index, domain) in domains.enumerated() {
                for template in domain.templates { add(template, words: wordsOf(template), to: index) }
            }
        }

        /// Files `template` under its words, in `domain` (a template whose words are not known is in no list).
        mutating func add(_ template: Int, words: Set<String>?, to domain: Int) {
            domainOf[template] = domain
            guard let words else { return }
            wordsOf[template] = words
            for word in words.isEmpty ? Self.noWords : words { templatesOf[word, default: []].append(template) }
        }

        /// Puts `templates` in `domain`.
        mutating func move(_ templates: [Int], to domain: Int) {
            for template in templates { domainOf[template] = domain }
        }

        /// For each `eligible` domain holding a template that shares a word with one of `words`:
        /// the highest Jaccard similarity between such a template and one of `words`.
        func scores(_ words: [Set<String>], eligible: (Int) -> Bool) -> [Int: Double] {
            var best: [Int: Double] = [:]
            for set in words {
                var seen = Set<Int>()
                for word in set.isEmpty ? Self.noWords : set {
                    for template in templatesOf[word] ?? [] where seen.insert(template).inserted {
                        guard let domain = domainOf[template], eligible(domain), let other = wordsOf[template] else { continue }
                        let score = jaccard(other, set)
                        if score > best[domain, default: -1] { best[domain] = score }
                    }
                }
            }
            return best
        }
    }

    static func group(_ templates: [TemplateSummary], similarity: Double) -> DomainPartition {
        let ordered = templates.sorted { ($0.count, -$0.id) > ($1.count, -$1.id) }
        var groups: [[TemplateSummary]] = []
        var index = WordIndex()
        for template in ordered {
            var best: (index: Int, score: Double)?
            let scores = index.scores([template.words], eligible: { _ in true })
            for candidate in scores.keys.sorted() {
                let group = groups[candidate], score = scores[candidate]!
                let needed = group[0].indicator == template.indicator || template.indicator == .mixed || group[0].indicator == .mixed
                    ? similarity : max(similarity, 0.6)
                if score >= needed, score > (best?.score ?? -1) { best = (candidate, score) }
            }
            let chosen = best?.index ?? groups.count
            if chosen == groups.count { groups.append([template]) } else { groups[chosen].append(template) }
            index.add(template.id, words: template.words, to: chosen)
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
        let index = WordIndex(partition.domains) { words[$0] }
        var added = 0
        for summary in summaries where placed[summary.id] == nil {
            let best = nearest(to: [summary.words], among: partition.domains, index: index)
            domains[best].templates = (domains[best].templates + [summary.id]).sorted()
            added += 1
        }
        return (DomainPartition(domains: domains, proposer: partition.proposer), added)
    }

    /// Repairs what certification would find first, without certifying between repairs: removes
    /// empty domains, and merges the domain with the fewest labeled messages (`labeled`: per
    /// template), while it has fewer than `minimum` or there are more than `maximum` domains, into
    /// the domain whose templates share most words with it (as ``merge(_:in:summaries:)`` does,
    /// one at a time), until one domain is left. Returns the partition and each repair in words.
    static func mergingSmall(_ partition: DomainPartition, minimum: Int, maximum: Int, labeled: [Int: Int],
                             summaries: [Int: TemplateSummary]) -> (partition: DomainPartition, repairs: [String]) {
        var domains = partition.domains
        var alive = [Bool](repeating: true, count: domains.count)
        var counts = domains.map { $0.templates.reduce(0) { $0 + labeled[$1, default: 0] } }
        var wordIndex = WordIndex(domains) { summaries[$0]?.words }
        var repairs: [String] = []
        var living = domains.count
        // Merges never empty a domain, so the empty ones all go first.
        for empty in domains.indices where domains[empty].templates.isEmpty && living > 1 {
            repairs.append("removed the empty domain \(domains[empty].name)")
            alive[empty] = false
            living -= 1
        }
        while living > 1 {
            let small = domains.indices.filter { alive[$0] && (counts[$0] < minimum || living > maximum) }
            guard let index = small.min(by: { counts[$0] < counts[$1] }) else { break }
            let words = domains[index].templates.compactMap { summaries[$0]?.words }
            let best = nearest(to: words, among: domains, index: wordIndex) { alive[$0] && $0 != index }
            repairs.append("merged \(domains[index].name) (\(counts[index]) labeled messages) into the domain sharing most words")
            domains[best].templates = (domains[best].templates + domains[index].templates).sorted()
            counts[best] += counts[index]
            wordIndex.move(domains[index].templates, to: best)
            alive[index] = false
            living -= 1
        }
        let kept = domains.indices.filter { alive[$0] }.map { domains[$0] }
        return (DomainPartition(domains: kept, proposer: partition.proposer), repairs)
    }

    /// Merges `domain` into the domain whose templates share most words with it.
    static func merge(_ index: Int, in partition: DomainPartition, summaries: [Int: TemplateSummary]) -> DomainPartition {
        var domains = partition.domains
        let moving = domains.remove(at: index)
        guard !domains.isEmpty else { return partition }
        let best = nearest(to: moving.templates.compactMap { summaries[$0]?.words }, among: domains,
                           index: WordIndex(domains) { summaries[$0]?.words })
        domains[best].templates = (domains[best].templates + moving.templates).sorted()
        return DomainPartition(domains: domains, proposer: partition.proposer)
    }

    /// The index of the domain (among the `eligible` ones of a list that has one) holding the
    /// template whose words come closest (Jaccard) to any of `words`; the first such domain on
    /// ties, the first eligible one when none shares a word. Only the templates `index` says share
    /// a word are scored: any other scores 0.
    private static func nearest(to words: [Set<String>], among domains: [FailureDomain], index: WordIndex,
                                eligible: (Int) -> Bool = { _ in true }) -> Int {
        var best = domains.indices.first(where: eligible)!, bestScore = 0.0
        let scores = index.scores(words, eligible: eligible)
        for candidate in scores.keys.sorted() where scores[candidate]! > bestScore {
            best = candidate
            bestScore = scores[candidate]!
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
