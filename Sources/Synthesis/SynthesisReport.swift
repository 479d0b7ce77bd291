import Foundation
import RuleInterpreter
import RuleLanguage
import RuleRuntime
import WardenCore

/// What a synthesized pack's rules do on the data they were learned and
/// selected on, and which kinds of feature they use.
public struct SynthesisReport: Sendable {
    /// One rule's scores: hits (windows it holds on) and precision (hits of its
    /// own class over all hits) on the training and validation splits.
    public struct RuleLine: Sendable {
        public var name: String
        public var kind: RuleKind
        public var trainHits: Int
        public var trainPrecision: Double?
        public var validationHits: Int
        public var validationPrecision: Double?
        public var features: [FeatureKind]
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
        let context = EvaluationContext(lineTests: ruleSet.lineTests)
        func score(_ rule: any WindowRule, kind: RuleKind, _ windows: [LabeledWindow]) -> (Int, Double?) {
            var hits = 0, right = 0
            for labeled in windows {
                context.reset(to: labeled.window)
                guard (try? rule.holds(in: context)) == true else { continue }
                hits += 1
                if labeled.isAbnormal == (kind == .abnormal) { right += 1 }
            }
            return (hits, hits == 0 ? nil : Double(right) / Double(hits))
        }
        rules = zip(pack.rules, ruleSet.rules).map { checked, rule in
            let (trainHits, trainPrecision) = score(rule, kind: checked.kind, data.train)
            let (validationHits, validationPrecision) = score(rule, kind: checked.kind, data.validation)
            return RuleLine(name: checked.name, kind: checked.kind, trainHits: trainHits, trainPrecision: trainPrecision,
                            validationHits: validationHits, validationPrecision: validationPrecision,
                            features: Self.features(of: checked, in: pack).sorted())
        }
    }

    /// The feature kinds of the whole pack.
    public var featureKinds: [FeatureKind] { Set(rules.flatMap(\.features)).sorted() }

    /// A table for the terminal.
    public func render() -> String {
        func pct(_ value: Double?) -> String { value.map { String(format: "%5.1f", $0 * 100) } ?? "    -" }
        let width = max(4, rules.map(\.name.count).max() ?? 4)
        var lines = ["rule".padding(toLength: width, withPad: " ", startingAt: 0) + "  kind      train hits  prec  val hits  prec  features"]
        for rule in rules {
            lines.append(rule.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + rule.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                + String(format: "%12d", rule.trainHits) + " " + pct(rule.trainPrecision)
                + String(format: "%10d", rule.validationHits) + " " + pct(rule.validationPrecision)
                + "  " + rule.features.map(\.rawValue).joined(separator: ", "))
        }
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
