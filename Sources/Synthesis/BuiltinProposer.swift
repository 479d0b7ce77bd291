import Foundation
import RuleLanguage
import RuleRuntime

/// Phrases and templates per abstracted line, computed once per synthesis:
/// lines that differ only in their ids and numbers share one entry.
final class LineAbstractions: @unchecked Sendable {
    private let lock = NSLock()
    private var phrases: [[String?]: Set<[String?]>] = [:]
    private var templates: [[String?]: String] = [:]

    func phrases(_ pieces: [String?], maximumLength: Int) -> Set<[String?]> {
        if let known = lock.withLock({ phrases[pieces] }) { return known }
        let computed = LineTemplates.phrases(pieces, maximumLength: maximumLength)
        lock.withLock { phrases[pieces] = computed }
        return computed
    }

    func template(_ pieces: [String?]) -> String {
        if let known = lock.withLock({ templates[pieces] }) { return known }
        let computed = LineTemplates.regex(LineTemplates.core(pieces))
        lock.withLock { templates[pieces] = computed }
        return computed
    }
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
        let targetPhrases = request.trainingTargets.map(phrases)
        var forbidden = Set<[String?]>()
        for window in request.trainingOpposites { forbidden.formUnion(phrases(window)) }
        let sampled = request.targets.map { phrases($0).subtracting(forbidden) }
        var coverage: [[String?]: Int] = [:]
        let candidates = sampled.reduce(into: Set<[String?]>()) { $0.formUnion($1) }
        for set in targetPhrases { for phrase in set where candidates.contains(phrase) { coverage[phrase, default: 0] += 1 } }
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

    private func phrases(_ window: Window) -> Set<[String?]> {
        var patterns = Set<[String?]>()
        for line in 0..<window.count { patterns.insert(window.withLine(line) { LineTemplates.pieces($0) }) }
        var result = Set<[String?]>()
        for pattern in patterns { result.formUnion(abstractions.phrases(pattern, maximumLength: maximumPhraseLength)) }
        return result
    }

    private func quoteRegex(_ source: String) -> String { "/" + source + "/" }

    // MARK: Normal: routine templates

    private func normalRule(_ request: RuleRequest, feedback: Feedback?) -> String? {
        // A template list cannot be made more general without admitting new messages.
        if case .refine = feedback { return nil }
        func templates(_ window: Window) -> [String] {
            (0..<window.count).map { line in abstractions.template(window.withLine(line) { LineTemplates.pieces($0) }) }
        }
        let targetTemplates = request.trainingTargets.map(templates)
        let oppositeTemplates = request.trainingOpposites.map(templates)
        // Rank the templates of the contrastive targets by how many remaining target windows use them.
        var frequency: [String: Int] = [:]
        for window in targetTemplates { for template in Set(window) { frequency[template, default: 0] += 1 } }
        let seeds = Set(request.targets.flatMap(templates)).filter { !$0.isEmpty }
        var ranked = seeds.sorted { (frequency[$0] ?? 0, $1) > (frequency[$1] ?? 0, $0) }
        // Rollouts and repairs start further down the ranking.
        let skip = request.rollout + request.repairs
        if skip > 0, ranked.count > skip { ranked = Array(ranked.dropFirst(skip)) + ranked.prefix(skip) }
        var chosen: [String] = []
        for template in ranked where chosen.count < maximumTemplates {
            let trial = Set(chosen + [template])
            let claimsOpposite = oppositeTemplates.contains { !$0.isEmpty && $0.allSatisfy(trial.contains) }
            if !claimsOpposite { chosen.append(template) }
        }
        let covered = targetTemplates.filter { !$0.isEmpty && $0.allSatisfy(Set(chosen).contains) }.count
        guard !chosen.isEmpty, covered > 0 else { return nil }
        chosen.sort { (frequency[$0] ?? 0, $1) > (frequency[$1] ?? 0, $0) }
        let list = chosen.map(quoteRegex).map { "        " + $0 + "," }.joined(separator: "\n")
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
