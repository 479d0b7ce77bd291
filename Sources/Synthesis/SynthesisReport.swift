import Foundation
import RuleInterpreter
import RuleLanguage
import RuleRuntime
import WardenCore

/// What a synthesized pack's rules do on the data they were learned and
/// selected on, and which kinds of feature they use.
public struct SynthesisReport: Sendable {
    /// One rule's scores on the training and validation splits: hits (windows it holds on) and
    /// precision (hits of its own class over all hits), then the windows it decides (it holds and
    /// no rule tried before it does) and the precision there.
    public struct RuleLine: Sendable {
        public var name: String
        public var kind: RuleKind
        public var train: Score
        public var validation: Score
        public var features: [FeatureKind]
    }

    /// A rule's hits and decided windows on one split, with their precision (`nil` without any).
    public struct Score: Sendable {
        public var hits = 0
        public var hitPrecision: Double?
        public var decided = 0
        public var decidedPrecision: Double?
    }

    /// A kind of evidence a rule reads.
    public enum FeatureKind: String, Sendable, CaseIterable, Comparable {
        case keyword = "keyword or template match"
        case presence = "template present"
        case absence = "template absent"
        case threshold = "count threshold"
        case relation = "count relation"
        case unknownTemplate = "unknown template"
        case field = "level or component field"
        case numbers = "captured numbers"
        case order = "order"
        case timing = "time span"

        public static func < (a: FeatureKind, b: FeatureKind) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var rules: [RuleLine]

    /// Scores every rule of `pack` on the training and validation windows.
    public init(pack: CheckedPack, data: TrainingData) {
        let ruleSet = Interpreter.ruleSet(for: pack)
        let context = RuleMatcher.context(for: ruleSet, lines: (data.train + data.validation).reduce(0) { $0 + $1.window.count })
        // Normal rules are tried first, then abnormal rules, each kind in pack order.
        let order = ruleSet.rules.indices.filter { pack.rules[$0].kind == .normal } + ruleSet.rules.indices.filter { pack.rules[$0].kind == .abnormal }
        func scores(_ windows: [LabeledWindow]) -> [Score] {
            var hits = [Int](repeating: 0, count: order.count), right = hits, decided = hits, decidedRight = hits
            for labeled in windows {
                context.reset(to: labeled.window)
                var decider: Int?
                for rule in order where (try? ruleSet.rules[rule].holds(in: context)) == true {
                    let agrees = labeled.isAbnormal == (pack.rules[rule].kind == .abnormal)
                    hits[rule] += 1
                    if agrees { right[rule] += 1 }
                    if decider == nil {
                        decider = rule
                        decided[rule] += 1
                        if agrees { decidedRight[rule] += 1 }
                    }
                }
            }
            return ruleSet.rules.indices.map { rule in
                Score(hits: hits[rule], hitPrecision: hits[rule] == 0 ? nil : Double(right[rule]) / Double(hits[rule]),
                      decided: decided[rule], decidedPrecision: decided[rule] == 0 ? nil : Double(decidedRight[rule]) / Double(decided[rule]))
            }
        }
        let (train, validation) = (scores(data.train), scores(data.validation))
        rules = pack.rules.indices.map { index in
            RuleLine(name: pack.rules[index].name, kind: pack.rules[index].kind, train: train[index], validation: validation[index],
                     features: Self.features(of: pack.rules[index], in: pack).sorted())
        }
    }

    /// The feature kinds of the whole pack.
    public var featureKinds: [FeatureKind] { Set(rules.flatMap(\.features)).sorted() }

    /// A table for the terminal.
    public func render() -> String {
        func pct(_ value: Double?) -> String { value.map { String(format: "%5.1f", $0 * 100) } ?? "    -" }
        func columns(_ score: Score) -> String {
            String(format: "%6d", score.hits) + " " + pct(score.hitPrecision) + String(format: "%9d", score.decided) + " " + pct(score.decidedPrecision)
        }
        let width = max(4, rules.map(\.name.count).max() ?? 4)
        var lines = [String(repeating: " ", count: width + 10) + "train:".padding(toLength: 29, withPad: " ", startingAt: 0) + "validation:",
                     "rule".padding(toLength: width, withPad: " ", startingAt: 0)
                        + "  kind       hits  prec  decided  prec    hits  prec  decided  prec  features"]
        for rule in rules {
            lines.append(rule.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + rule.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                + columns(rule.train) + "  " + columns(rule.validation)
                + "  " + rule.features.map(\.rawValue).joined(separator: ", "))
        }
        lines.append("(decided: windows the rule decides, where it holds and no rule tried before it does)")
        lines.append("feature kinds used: " + featureKinds.map(\.rawValue).joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    // MARK: Reading feature kinds off the typed rule

    static func features(of rule: CheckedRule, in pack: CheckedPack) -> Set<FeatureKind> {
        var found = Set<FeatureKind>()
        func isCount(_ e: TypedExpression) -> Bool {
            switch e.kind {
            case .quantifier(.count, _, _, _): true
            case .call(.count, _): true
            case .binding(let index): isCount(rule.bindings[index].value)
            default: false
            }
        }
        func integer(_ e: TypedExpression) -> Int? { if case .integer(let value) = e.kind { value } else { nil } }
        func visit(_ e: TypedExpression) {
            switch e.kind {
            case .binary(let op, let a, let b):
                if [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op) {
                    if isCount(a), isCount(b) { found.insert(.relation) }
                    if isCount(a), let k = integer(b) {
                        switch (op, k) {
                        case (.equal, 0), (.lessEqual, 0), (.less, 1): found.insert(.absence)
                        case (.greater, 0), (.greaterEqual, 1): found.insert(.presence)
                        default: found.insert(.threshold)
                        }
                    }
                }
                if op == .matches || op == .contains || op == .startswith || op == .endswith { found.insert(.keyword) }
                visit(a)
                visit(b)
            case .not(let inner):
                if case .binary(.matches, _, let list) = inner.kind, case .binding(let index) = list.kind,
                   case .list = rule.bindings[index].value.kind {
                    found.insert(.unknownTemplate)
                }
                visit(inner)
            case .quantifier(_, _, let source, let predicate):
                visit(source)
                visit(predicate)
            case .call(let builtin, let arguments):
                switch builtin {
                case .numbers, .captures, .capture: found.insert(.numbers)
                case .sequence, .unpaired: found.insert(.order)
                case .span: found.insert(.timing)
                default: break
                }
                arguments.forEach(visit)
            case .lineTest(let test, let line):
                found.insert(.keyword)
                if case .regex(let index) = pack.lineTests[test] { visit(TypedExpression(kind: .regex(index), type: .regex, range: e.range)) }
                visit(line)
            case .regex(let index):
                if pack.regexes[index].literal.pattern.starts(with: Array(#"^(?:\S+\s+){"#.utf8)) { found.insert(.field) }
            case .list(let items): items.forEach(visit)
            case .binding(let index): visit(rule.bindings[index].value)
            case .negate(let inner), .intToFloat(let inner), .member(_, let inner): visit(inner)
            default: break
            }
        }
        visit(rule.condition)
        return found
    }
}
