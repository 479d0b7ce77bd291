import RuleLanguage
import RuleRuntime

/// A checked rule compiled to closures. (A class: the engine passes rules around
/// on every window, and one reference count is cheaper than one per field,
/// above all when several threads share the rule.)
final class InterpretedRule: WindowRule {
    let metadata: RuleMetadata
    let bindings: [ValueCode]
    let condition: BoolCode
    let slotCount: Int
    let lineTests: [Int]?

    init(metadata: RuleMetadata, bindings: [ValueCode], condition: @escaping BoolCode, slotCount: Int, lineTests: [Int]) {
        self.metadata = metadata
        self.bindings = bindings
        self.condition = condition
        self.slotCount = slotCount
        self.lineTests = lineTests
    }

    func holds(in context: EvaluationContext) throws(RuleFailure) -> Bool {
        let frame = Frame(context: context, bindings: bindings, slotCount: slotCount)
        return try condition(frame)
    }
}

/// A rule that is one `any` or `all` over the window's lines with a body of line
/// tests only: decided from the context's bitsets with no frame to build; the
/// compiled body runs line by line only after a PCRE2 failure.
final class LineRule: WindowRule {
    let metadata: RuleMetadata
    let predicate: LinePredicate
    let requireAll: Bool
    let body: BoolCode
    let slot: Int
    let bindings: [ValueCode]
    let slotCount: Int
    let triggers: [Int]?
    let lineTests: [Int]?

    init(metadata: RuleMetadata, predicate: LinePredicate, requireAll: Bool, body: @escaping BoolCode, slot: Int,
         bindings: [ValueCode], slotCount: Int, lineTests: [Int]) {
        self.metadata = metadata
        self.predicate = predicate
        self.requireAll = requireAll
        self.body = body
        self.slot = slot
        self.bindings = bindings
        self.slotCount = slotCount
        self.lineTests = lineTests
        triggers = predicate.triggers
    }

    func holds(in context: EvaluationContext) throws(RuleFailure) -> Bool {
        let exact = { [self] (line: Int) throws(RuleFailure) -> Bool in
            let frame = Frame(context: context, bindings: bindings, slotCount: slotCount)
            frame.slots[slot] = .line(line)
            return try body(frame)
        }
        return requireAll ? try Quantify.all(window: predicate, context, exact) : try Quantify.any(window: predicate, context, exact)
    }
}

/// Turns checked packs into rule sets the ``DetectionEngine`` runs.
public enum Interpreter {
    /// Compiles every rule of `pack` once: regexes are already compiled (and
    /// JIT-ed) by the checker; identical line tests across rules share one memo slot.
    public static func ruleSet(for pack: CheckedPack) -> RuleSet {
        ruleSet(for: [pack], name: pack.name, version: pack.version)
    }

    /// Several packs as one rule set (a bundle's): their line tests one after another,
    /// their normal rules before their abnormal rules, each kind in pack order.
    public static func ruleSet(for packs: [CheckedPack], name: String, version: String) -> RuleSet {
        var rules: [any WindowRule] = []
        var lineTests: [LineTest] = []
        for pack in packs {
            var compiler = ExpressionCompiler(pack: pack, lineTestOffset: lineTests.count)
            for rule in pack.rules {
                compiler.ruleBindings = rule.bindings
                let bindings = rule.bindings.map { compiler.value($0.value) }
                let condition = compiler.bool(rule.condition)
                let slots = ([rule.condition] + rule.bindings.map(\.value)).map(maximumSlot).max() ?? -1
                let asked = rule.lineTests.map { compiler.lineTestOffset + $0 }
                if let (quantifier, slot, lineCondition) = rule.condition.windowLineQuantifier(bindings: rule.bindings),
                   quantifier != .count, case .quantifier(_, _, _, let predicate) = rule.condition.kind {
                    rules.append(LineRule(metadata: metadata(rule), predicate: compiler.linePredicate(lineCondition),
                                          requireAll: quantifier == .all, body: compiler.bool(predicate), slot: slot,
                                          bindings: bindings, slotCount: slots + 1, lineTests: asked))
                    continue
                }
                rules.append(InterpretedRule(metadata: metadata(rule), bindings: bindings, condition: condition,
                                             slotCount: slots + 1, lineTests: asked))
            }
            lineTests += compiler.lineTests
        }
        return RuleSet(name: name, version: version, lineTests: lineTests, rules: rules)
    }

    /// Runtime metadata for a checked rule.
    public static func metadata(_ rule: CheckedRule) -> RuleMetadata {
        RuleMetadata(name: rule.name, kind: rule.kind,
                     severity: rule.severity, domain: rule.domain, tags: rule.tags)
    }

    private static func maximumSlot(_ expression: TypedExpression) -> Int {
        switch expression.kind {
        case .quantifier(_, let slot, let source, let predicate):
            return max(slot, maximumSlot(source), maximumSlot(predicate))
        case .list(let elements): return elements.map(maximumSlot).max() ?? -1
        case .not(let e), .negate(let e), .intToFloat(let e), .member(_, let e), .lineTest(_, let e): return maximumSlot(e)
        case .binary(_, let l, let r): return max(maximumSlot(l), maximumSlot(r))
        case .call(_, let arguments): return arguments.map(maximumSlot).max() ?? -1
        case .variable(let slot): return slot
        default: return -1
        }
    }
}
