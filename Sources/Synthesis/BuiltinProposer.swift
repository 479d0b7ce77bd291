import Foundation
import RuleLanguage
import RuleRuntime

/// The deterministic rule learner that needs no network.
///
/// It learns on the line vocabulary of the training windows (Drain templates
/// with variables abstracted, levels and components; see ``LineVocabulary``)
/// and writes each rule by sequential covering (``RuleLearner``): a
/// conjunction of conditions on per-window counts (presence, absence,
/// thresholds, equal or ordered counts of two templates, lines that follow no
/// routine template) grown from the anchor window by information gain and
/// pruned. Rules are rendered as idiomatic Warden: one `let` binding per
/// counted template, then the conjunction, with a doc comment in words.
///
/// Rollouts cycle through three searches: conditions ranked by information
/// gain (broad rules), the single best condition (the simplest rule), and
/// conditions ranked by precision (narrow, exact rules); selection keeps the
/// broadest that holds up on training and validation. Repairs start from a different first condition;
/// refinement drops the condition whose removal gains the most target windows.
public struct BuiltinProposer: RuleProposer {
    public var backend: String { "builtin" }
    public var model: String { "none" }
    /// Rules are named after their first condition (the one that separates best): `unusual_level_fatal`.
    public var namesRules: Bool { true }
    public var offersKnownAlerts: Bool { true }
    /// Each rule is learned from its request alone.
    public var answersConcurrently: Bool { true }
    private let vocabulary: LineVocabulary

    public init(layout: LineLayout = LineLayout()) {
        vocabulary = LineVocabulary(layout: layout)
    }

    public func prepare(corpus: [LabeledWindow]) {
        vocabulary.prepare(corpus)
    }

    /// The rules with their routine templates learned again from `corpus` (the training and
    /// validation windows): selection judged them with the training windows' templates, and
    /// the validation windows hold the message types nearest to what the pack will read.
    /// A template new there joins only on enough evidence (``LineVocabulary/routineRegexes(keeping:)``):
    /// one normal validation session would otherwise make routine a message that anomalous
    /// sessions log (HDFS's `BlockInfo not found`).
    public func relearned(_ rules: [AcceptedRule], corpus: [LabeledWindow]) -> [AcceptedRule] {
        let learned = vocabulary.routineRegexes()
        let wider = LineVocabulary(layout: vocabulary.layout)
        wider.prepare(corpus, countingWindows: false)
        let relearned = wider.routineRegexes(keeping: Set(learned))
        // Alert templates learned again too: a validation line labeled normal takes a template off the list.
        let alerts = vocabulary.alertRegexes(), widerAlerts = wider.alertRegexes()
        return rules.map { rule in
            var rule = rule
            rule.body = rule.body.replacingOccurrences(of: Self.listBinding("routine", learned), with: Self.listBinding("routine", relearned))
            if !widerAlerts.isEmpty {
                rule.body = rule.body.replacingOccurrences(of: Self.listBinding("alerts", alerts), with: Self.listBinding("alerts", widerAlerts))
            }
            return rule
        }
    }

    /// `let routine = [...]`: a list of templates' regexes, one per line.
    private static func listBinding(_ name: String, _ regexes: [String]) -> String {
        "let \(name) = [\n" + regexes.map { "        /\($0)/,\n" }.joined() + "    ]"
    }

    public func propose(_ request: RuleRequest, feedback: Feedback?) async throws -> String? {
        guard let conditions = learn(request, feedback: feedback, learner: learner(for: request)) else { return nil }
        return render(conditions, kind: request.kind, name: title(of: conditions))
    }

    /// What the learner finds for a request, in words and as the rule it would write
    /// (given to a language model as evidence).
    public func findings(for request: RuleRequest) -> String? {
        let learner = self.learner(for: request)
        guard let conditions = learn(request, feedback: nil, learner: learner) else { return nil }
        let (p, n) = learner.coverage(conditions)
        let pool = learner.firstChoices(seed: anchor(of: request), count: 5)
        var text = "Conditions that separate the remaining training windows best (target / contrast windows covered):\n"
        for condition in pool {
            let (cp, cn) = learner.coverage([condition])
            text += "- \(describe(condition)) (\(Int(cp)) / \(Int(cn)))\n"
        }
        text += "The builtin learner's rule covers \(Int(p)) target and \(Int(n)) contrast training windows:\n"
        text += "```warden\n" + render(conditions, kind: request.kind, name: request.name) + "\n```\n"
        return text
    }

    private func anchor(of request: RuleRequest) -> WindowCounts {
        request.targets.first.map(vocabulary.counts(of:)) ?? WindowCounts(counts: [], lines: 0, unroutine: 0)
    }

    private func counts(_ windows: [Window], indices: [Int]) -> [WindowCounts] {
        let corpus = vocabulary.corpus
        if indices.count == windows.count, indices.allSatisfy({ corpus.indices.contains($0) }) { return indices.map { corpus[$0] } }
        return windows.map(vocabulary.counts(of:))
    }

    private func learner(for request: RuleRequest) -> RuleLearner {
        var learner = RuleLearner(targets: counts(request.trainingTargets, indices: request.trainingTargetIndices),
                                  opposites: counts(request.trainingOpposites, indices: request.trainingOppositeIndices))
        let features = vocabulary.features
        learner.generality = { features[$0].regex.utf8.count }
        learner.isCount = { features[$0].kind != .number }
        learner.isOrdered = { ![.number, .unusualLevel, .alert].contains(features[$0].kind) }
        // Known alerts only where asked for, and never for a normal rule: a failure of a new kind is absent from the list too.
        if request.kind == .normal || !request.knownAlerts { learner.isUsable = { features[$0].kind != .alert } }
        return learner
    }

    private func learn(_ request: RuleRequest, feedback: Feedback?, learner: RuleLearner) -> [Condition]? {
        guard !request.targets.isEmpty else { return nil }
        var learner = learner
        // Rollouts cycle through three searches: broad by information gain, the single best
        // condition (the simplest rule, which selection prefers when it holds up), narrow by precision.
        switch request.rollout % 3 {
        case 0: learner.bias = .gain
        case 1: learner.bias = .gain; learner.maximumConditions = 1
        default: learner.bias = .precision
        }
        let seed = anchor(of: request)
        let skip = request.rollout / 3 + request.repairs
        let pool = learner.candidates(seed: seed)
        let excluded = skip > 0 ? Set(learner.firstChoices(seed: seed, pool: pool, count: skip)) : []
        var conditions = learner.grow(seed: seed, pool: pool, excludedFirst: excluded)
        guard !conditions.isEmpty else { return nil }
        if case .refine(_, let previous, _) = feedback {
            repeat {
                guard let general = learner.generalize(conditions, precision: 0.99) else { return nil }
                conditions = general
            } while render(conditions, kind: request.kind, name: title(of: conditions)) == previous
        }
        return conditions
    }

    // MARK: Rendering

    private func name(of quantity: Quantity) -> String {
        switch quantity {
        case .feature(let feature): vocabulary.features[feature].name
        case .unroutine: "unusual"
        case .lines: "size"
        case .span: "duration"
        }
    }

    /// A rule's name: what its first condition tests, from the names of the counts it compares.
    private func title(of conditions: [Condition]) -> String {
        guard let first = conditions.first else { return "rule" }
        switch first {
        case .atLeast(.unroutine, 1): return "unusual_lines"
        case .atLeast(.unroutine, let k): return "at_least_\(k)_unusual_lines"
        case .atMost(.unroutine, 0): return "routine_lines_only"
        case .atMost(.unroutine, let k): return "at_most_\(k)_unusual_lines"
        case .atLeast(.lines, let k): return "at_least_\(k)_lines"
        case .atMost(.lines, let k): return "at_most_\(k)_lines"
        case .atLeast(.span, let k): return "spans_at_least_\(k)s"
        case .atMost(.span, let k): return "spans_at_most_\(k)s"
        case .atLeast(let q, let k) where isNumber(q): return "\(name(of: q))_at_least_\(k)"
        case .atMost(let q, let k) where isNumber(q): return "\(name(of: q))_at_most_\(k)"
        case .atLeast(let q, 1): return name(of: q)
        case .atLeast(let q, let k): return "at_least_\(k)_\(name(of: q))"
        case .atMost(let q, 0): return "no_\(name(of: q))"
        case .atMost(let q, let k): return "at_most_\(k)_\(name(of: q))"
        case .equal(let a, let b): return "\(name(of: a))_as_often_as_\(name(of: b))"
        case .notEqual(let a, let b): return "\(name(of: a))_not_as_often_as_\(name(of: b))"
        case .less(let a, let b): return "fewer_\(name(of: a))_than_\(name(of: b))"
        case .follows(let a, let b): return "\(vocabulary.features[a].name)_then_\(vocabulary.features[b].name)"
        case .notFollows(let a, let b): return "no_\(vocabulary.features[b].name)_after_\(vocabulary.features[a].name)"
        }
    }

    /// A count in words, in the plural: `"Receiving block"`, `lines at level FATAL`.
    private func words(of quantity: Quantity) -> String {
        switch quantity {
        case .feature(let feature):
            let feature = vocabulary.features[feature]
            switch feature.kind {
            case .template, .phrase, .family: return "\"" + shownWords(feature) + "\""
            case .level, .component: return "lines at " + shownWords(feature)
            case .unusualLevel: return "lines at " + shownWords(feature) + " that follow no routine template"
            case .number: return BuiltinProposer.docText(feature.words)
            case .alert: return feature.words
            }
        case .unroutine: return "lines that follow no routine template"
        case .lines: return "lines"
        case .span: return "seconds"
        }
    }

    /// A feature's first words, for a doc comment (a component without the colon that ends its field).
    private func shownWords(_ feature: LineFeature) -> String {
        var words = feature.words.split(separator: " ")
        if feature.kind != .template, feature.kind != .phrase, let last = words.last, last.count > 1, last.hasSuffix(":") {
            words[words.count - 1] = last.dropLast()
        }
        return BuiltinProposer.docText(words.prefix(7).joined(separator: " ") + (words.count > 7 ? " …" : ""))
    }

    /// Lines of a level, component or level-and-unroutine feature, which read as a count of
    /// lines (`a line at level FATAL follows no routine template`) rather than of a phrase.
    private func lineFeature(_ quantity: Quantity) -> (words: String, unroutine: Bool)? {
        guard case .feature(let index) = quantity else { return nil }
        let feature = vocabulary.features[index]
        switch feature.kind {
        case .level, .component: return ("at " + shownWords(feature), false)
        case .unusualLevel: return ("at " + shownWords(feature), true)
        default: return nil
        }
    }

    private func isNumber(_ quantity: Quantity) -> Bool {
        if case .feature(let feature) = quantity { return vocabulary.features[feature].kind == .number }
        return false
    }

    private func isAlert(_ quantity: Quantity) -> Bool {
        if case .feature(let feature) = quantity { return vocabulary.features[feature].kind == .alert }
        return false
    }

    private func describe(_ condition: Condition) -> String {
        switch condition {
        case .atLeast(let q, 1) where isAlert(q): return "a line follows an alert template (one only anomalous training lines showed)"
        case .atMost(let q, 0) where isAlert(q): return "no line follows an alert template"
        case .atLeast(let q, let k) where isAlert(q): return "at least \(k) lines follow an alert template"
        case .atMost(let q, let k) where isAlert(q): return "at most \(k) lines follow an alert template"
        case .atLeast(let q, let k) where isNumber(q): return "\(words(of: q)) is at least \(k)"
        case .atMost(let q, let k) where isNumber(q): return "\(words(of: q)) is at most \(k)"
        case .atLeast(.unroutine, 1): return "a line follows no routine template"
        case .atMost(.unroutine, 0): return "every line follows a routine template"
        case .atLeast(let q, 1) where lineFeature(q) != nil:
            let (words, unroutine) = lineFeature(q)!
            return "a line \(words)" + (unroutine ? " follows no routine template" : " occurs")
        case .atMost(let q, 0) where lineFeature(q) != nil:
            let (words, unroutine) = lineFeature(q)!
            return unroutine ? "every line \(words) follows a routine template" : "no line \(words)"
        case .atLeast(let q, let k) where lineFeature(q) != nil:
            let (words, unroutine) = lineFeature(q)!
            return "at least \(k) lines \(words)" + (unroutine ? " follow no routine template" : "")
        case .atMost(let q, let k) where lineFeature(q) != nil:
            let (words, unroutine) = lineFeature(q)!
            return "at most \(k) lines \(words)" + (unroutine ? " follow no routine template" : "")
        case .atLeast(.lines, let k): return "at least \(k) lines"
        case .atMost(.lines, let k): return "at most \(k) lines"
        case .atLeast(.span, let k): return "the lines span at least \(k) s"
        case .atMost(.span, let k): return "the lines span at most \(k) s"
        case .follows(let a, let b): return "\(words(of: .feature(a))) followed by \(words(of: .feature(b)))"
        case .notFollows(let a, let b): return "no \(words(of: .feature(b))) after \(words(of: .feature(a)))"
        case .atLeast(let q, 1): return "\(words(of: q)) occurs"
        case .atMost(let q, 0): return "no \(words(of: q))"
        case .atLeast(let q, let k): return "\(words(of: q)) at least \(k) times"
        case .atMost(let q, let k): return "\(words(of: q)) at most \(k) times"
        case .equal(let a, let b): return "\(words(of: a)) as often as \(words(of: b))"
        case .notEqual(let a, let b): return "\(words(of: a)) not as often as \(words(of: b))"
        case .less(let a, let b): return "fewer \(words(of: a)) than \(words(of: b))"
        }
    }

    private func expression(_ condition: Condition) -> String {
        switch condition {
        case .atLeast(.span, let k): "duration >= \(k)s"
        case .atMost(.span, let k): "duration <= \(k)s"
        case .follows(let a, let b): "sequence(window, /\(vocabulary.features[a].regex)/, /\(vocabulary.features[b].regex)/)"
        case .notFollows(let a, let b): "not sequence(window, /\(vocabulary.features[a].regex)/, /\(vocabulary.features[b].regex)/)"
        case .atLeast(let q, 1): "\(name(of: q)) > 0"
        case .atMost(let q, 0): "\(name(of: q)) == 0"
        case .atLeast(let q, let k): "\(name(of: q)) >= \(k)"
        case .atMost(let q, let k): "\(name(of: q)) <= \(k)"
        case .equal(let a, let b): "\(name(of: a)) == \(name(of: b))"
        case .notEqual(let a, let b): "\(name(of: a)) != \(name(of: b))"
        case .less(let a, let b): "\(name(of: a)) < \(name(of: b))"
        }
    }

    private func binding(_ quantity: Quantity) -> String {
        switch quantity {
        case .feature(let feature) where vocabulary.features[feature].kind == .number:
            "let \(name(of: quantity)) = max(numbers(window, /\(vocabulary.features[feature].regex)/))"
        case .feature(let feature) where vocabulary.features[feature].kind == .alert:
            "let \(name(of: quantity)) = count line in window where line matches alerts"
        case .feature(let feature) where vocabulary.features[feature].kind == .unusualLevel:
            "let \(name(of: quantity)) = count line in window where line matches /\(vocabulary.features[feature].regex)/ and not (line matches routine)"
        case .feature(let feature):
            "let \(name(of: quantity)) = count line in window where line matches /\(vocabulary.features[feature].regex)/"
        case .unroutine:
            "let unusual = count line in window where not (line matches routine)"
        case .lines:
            "let size = count(window)"
        case .span:
            "let duration = span(window)"
        }
    }

    private func render(_ conditions: [Condition], kind: RuleKind, name: String) -> String {
        var used: [Quantity] = []
        for condition in conditions {
            let counted: [Quantity]
            switch condition {
            case .follows, .notFollows: counted = []
            default: counted = condition.quantities
            }
            for quantity in counted where !used.contains(quantity) { used.append(quantity) }
        }
        let clauses = conditions.map(describe)
        let sentence = "Windows where " + Self.list(clauses) + "."
        let doc = Self.wrap(sentence, width: 96).map { "/// " + $0 }.joined(separator: "\n")
        let needsRoutine = used.contains { quantity in
            switch quantity {
            case .unroutine: true
            case .feature(let feature): vocabulary.features[feature].kind == .unusualLevel
            default: false
            }
        }
        let routine = needsRoutine ? "    " + Self.listBinding("routine", vocabulary.routineRegexes()) + "\n" : ""
        let alerts = used.contains(where: isAlert) ? "    " + Self.listBinding("alerts", vocabulary.alertRegexes()) + "\n" : ""
        let bindings = routine + alerts + used.map { "    " + binding($0) + "\n" }.joined()
        return """
            \(doc)
            \(kind.rawValue) rule \(name) {
            \(bindings)    \(conditions.map(expression).joined(separator: " and "))
            }
            """
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + word.count + 1 > width { lines.append(current); current = "" }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    static func docText(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init)).replacingOccurrences(of: "\"", with: "'")
    }
}
