import Foundation
import RuleLanguage
import RuleRuntime

/// What the builtin proposer knows about lines, computed once per synthesis.
///
/// Lines that differ only in their ids and numbers share one *pattern* (their
/// pieces); phrases and templates are computed once per pattern, and every
/// window of the corpus (the training windows, from `prepare`) is kept as the
/// set of its patterns. Requests then work on small integer sets instead of
/// re-reading every line of every training window.
final class LineAbstractions: @unchecked Sendable {
    private let lock = NSLock()
    private var patternIDs: [[String?]: Int] = [:]
    private var patterns: [[String?]] = []
    private var phrasesByPattern: [Int: Set<[String?]>] = [:]
    private var templateByPattern: [Int: Int] = [:]
    private var templateIDs: [String: Int] = [:]
    private var templates: [String] = []
    private var corpus: [[Int]] = []

    /// The distinct patterns of each corpus window.
    func prepare(_ windows: [Window]) {
        let sets = windows.map { window in patternSet(of: window) }
        lock.withLock { corpus = sets }
    }

    /// The distinct patterns of `window` (sorted).
    func patternSet(of window: Window) -> [Int] {
        var ids = Set<Int>()
        for line in 0..<window.count { ids.insert(patternID(window.withLine(line) { LineTemplates.pieces($0) })) }
        return ids.sorted()
    }

    /// The pattern sets of request windows: from the corpus when their positions are known.
    func patternSets(_ windows: [Window], indices: [Int]) -> [[Int]] {
        let corpus = lock.withLock { self.corpus }
        if indices.count == windows.count, indices.allSatisfy({ corpus.indices.contains($0) }) { return indices.map { corpus[$0] } }
        return windows.map(patternSet)
    }

    private func patternID(_ pieces: [String?]) -> Int {
        lock.withLock {
            if let id = patternIDs[pieces] { return id }
            patterns.append(pieces)
            patternIDs[pieces] = patterns.count - 1
            return patterns.count - 1
        }
    }

    func phrases(_ pattern: Int, maximumLength: Int) -> Set<[String?]> {
        if let known = lock.withLock({ phrasesByPattern[pattern] }) { return known }
        let computed = LineTemplates.phrases(lock.withLock { patterns[pattern] }, maximumLength: maximumLength)
        lock.withLock { phrasesByPattern[pattern] = computed }
        return computed
    }

    /// The id of a pattern's template (its literal core as a regex source).
    func template(_ pattern: Int) -> Int {
        lock.withLock {
            if let known = templateByPattern[pattern] { return known }
            let text = LineTemplates.regex(LineTemplates.core(patterns[pattern]))
            let id = templateIDs[text] ?? templates.count
            if id == templates.count { templates.append(text); templateIDs[text] = id }
            templateByPattern[pattern] = id
            return id
        }
    }

    func templateText(_ id: Int) -> String { lock.withLock { templates[id] } }
}

/// The deterministic synthesizer that needs no network.
///
/// - Abnormal rules: phrases (runs of literal tokens and abstracted variables)
///   that occur in no opposite training window, chosen greedily to cover the
///   sampled target windows, preferring phrases that cover the most remaining
///   target windows: `any line in window: line matches [/p1/, /p2/]`.
/// - Normal rules: the line templates of routine windows, added greedily while
///   no opposite window consists of them only, as
///   `all line in window: line matches [/t1/, /t2/, ...]`.
///
/// Rollouts differ in their tie-breaking (general or specific phrases); each
/// repair leaves out the best phrase of the previous answer.
public struct BuiltinProposer: RuleProposer {
    public var backend: String { "builtin" }
    public var model: String { "none" }
    /// Longest phrase, in tokens.
    public var maximumPhraseLength = 6
    /// Most templates in one normal rule.
    public var maximumTemplates = 40
    /// Most phrases in one abnormal rule.
    public var maximumPhrases = 6
    private let abstractions = LineAbstractions()

    public init() {}

    public func prepare(corpus: [Window]) {
        abstractions.prepare(corpus)
    }

    public func propose(_ request: RuleRequest, feedback: Feedback?) async throws -> String? {
        switch request.kind {
        case .abnormal: abnormalRule(request, feedback: feedback)
        case .normal: normalRule(request, feedback: feedback)
        }
    }

    // MARK: Abnormal: discriminative phrases

    private func abnormalRule(_ request: RuleRequest, feedback: Feedback?) -> String? {
        // Refining a phrase list would only drop phrases; the greedy cover is already as general as it gets.
        if case .refine = feedback { return nil }
        let trainingTargets = abstractions.patternSets(request.trainingTargets, indices: request.trainingTargetIndices)
        let trainingOpposites = abstractions.patternSets(request.trainingOpposites, indices: request.trainingOppositeIndices)
        var forbidden = Set<[String?]>()
        for pattern in Set(trainingOpposites.joined()) { forbidden.formUnion(phrases(of: pattern)) }
        let sampled = request.targets.map { window in
            abstractions.patternSet(of: window).reduce(into: Set<[String?]>()) { $0.formUnion(phrases(of: $1)) }.subtracting(forbidden)
        }
        let candidates = sampled.reduce(into: Set<[String?]>()) { $0.formUnion($1) }
        // How many remaining target windows hold each candidate phrase.
        var candidatesOfPattern: [Int: Set<[String?]>] = [:]
        for pattern in Set(trainingTargets.joined()) { candidatesOfPattern[pattern] = phrases(of: pattern).intersection(candidates) }
        var coverage: [[String?]: Int] = [:]
        for window in trainingTargets {
            var present = Set<[String?]>()
            for pattern in window { present.formUnion(candidatesOfPattern[pattern]!) }
            for phrase in present { coverage[phrase, default: 0] += 1 }
        }
        // Rollout 0 prefers short (general) phrases among equally covering ones, rollout 1 long (specific) ones;
        // each repair drops the best phrase of the previous answer.
        let preferLong = request.rollout % 2 == 1
        func better(_ a: [String?], _ b: [String?]) -> Bool {
            let (ca, cb) = (coverage[a] ?? 0, coverage[b] ?? 0)
            if ca != cb { return ca > cb }
            if a.count != b.count { return preferLong ? a.count > b.count : a.count < b.count }
            return LineTemplates.regex(a) < LineTemplates.regex(b)
        }
        var excluded = Set(candidates.sorted(by: better).prefix(request.repairs + request.rollout / 2))
        if excluded.count == candidates.count { excluded = [] }
        // Greedy cover of the sampled target windows.
        var uncovered = Set(sampled.indices)
        var chosen: [[String?]] = []
        while !uncovered.isEmpty, chosen.count < maximumPhrases {
            let pool = candidates.subtracting(excluded).subtracting(chosen)
            guard let pick = pool.max(by: { a, b in
                let (ua, ub) = (uncovered.filter { sampled[$0].contains(a) }.count, uncovered.filter { sampled[$0].contains(b) }.count)
                return ua != ub ? ua < ub : better(b, a)
            }), uncovered.contains(where: { sampled[$0].contains(pick) }) else { break }
            chosen.append(pick)
            uncovered = uncovered.filter { !sampled[$0].contains(pick) }
        }
        guard !chosen.isEmpty else { return nil }
        let described = chosen.prefix(3).map { "\"" + Self.docText($0.map { $0 ?? "…" }.joined(separator: " ")) + "\"" }.joined(separator: ", ")
        let regexes = chosen.map { quoteRegex(LineTemplates.regex($0)) }
        let condition = regexes.count == 1
            ? "any line in window: line matches \(regexes[0])"
            : "any line in window: line matches [\(regexes.joined(separator: ", "))]"
        return """
            /// Messages the routine windows never contain: \(described)\(chosen.count > 3 ? ", …" : "").
            abnormal rule \(request.name) {
                \(condition)
            }
            """
    }

    private func phrases(of pattern: Int) -> Set<[String?]> {
        abstractions.phrases(pattern, maximumLength: maximumPhraseLength)
    }

    private func quoteRegex(_ source: String) -> String { "/" + source + "/" }

    // MARK: Normal: routine templates

    private func normalRule(_ request: RuleRequest, feedback: Feedback?) -> String? {
        // A template list cannot be made more general without admitting new messages.
        if case .refine = feedback { return nil }
        // Each window as the set of its lines' templates.
        func templateSets(_ patternSets: [[Int]]) -> [Set<Int>] { patternSets.map { Set($0.map(abstractions.template)) } }
        let targetTemplates = templateSets(abstractions.patternSets(request.trainingTargets, indices: request.trainingTargetIndices))
        let oppositeTemplates = templateSets(abstractions.patternSets(request.trainingOpposites, indices: request.trainingOppositeIndices))
        // Rank the templates of the contrastive targets by how many remaining target windows use them.
        var frequency: [Int: Int] = [:]
        for window in targetTemplates { for template in window { frequency[template, default: 0] += 1 } }
        let text = abstractions.templateText
        let seeds = templateSets(request.targets.map(abstractions.patternSet)).reduce(into: Set<Int>()) { $0.formUnion($1) }.filter { !text($0).isEmpty }
        func order(_ a: Int, _ b: Int) -> Bool { (frequency[a] ?? 0, text(b)) > (frequency[b] ?? 0, text(a)) }
        var ranked = seeds.sorted(by: order)
        // Rollouts and repairs start further down the ranking.
        let skip = request.rollout + request.repairs
        if skip > 0, ranked.count > skip { ranked = Array(ranked.dropFirst(skip)) + ranked.prefix(skip) }
        // A template joins unless it would complete an opposite window (every template of it chosen).
        var missing = oppositeTemplates.map(\.count)
        var oppositesWith: [Int: [Int]] = [:]
        for (index, window) in oppositeTemplates.enumerated() { for template in window { oppositesWith[template, default: []].append(index) } }
        var chosen: [Int] = []
        for template in ranked where chosen.count < maximumTemplates {
            let holders = oppositesWith[template] ?? []
            if holders.contains(where: { missing[$0] == 1 }) { continue }
            for holder in holders { missing[holder] -= 1 }
            chosen.append(template)
        }
        let chosenSet = Set(chosen)
        let covered = targetTemplates.filter { !$0.isEmpty && $0.isSubset(of: chosenSet) }.count
        guard !chosen.isEmpty, covered > 0 else { return nil }
        chosen.sort(by: order)
        let list = chosen.map { "        " + quoteRegex(text($0)) + "," }.joined(separator: "\n")
        return """
            /// Routine windows: every line follows one of \(chosen.count) known message template\(chosen.count == 1 ? "" : "s").
            normal rule \(request.name) {
                let routine = [
            \(list)
                ]
                all line in window: line matches routine
            }
            """
    }

    static func docText(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init)).replacingOccurrences(of: "\"", with: "'")
    }
}
