/// One test on a line's bytes that a pack's rules share. The pack's plan
/// lists every regex first (test `i` is regex `i`), then each distinct literal
/// of `contains`, `startswith` and `endswith` in order of first use, so an
/// identical test in several rules runs once per line. The interpreter and the
/// code generator both build their line tests from this one plan (and a
/// multi-pattern prefilter can compile it).
public enum LineTestPlan: Sendable, Hashable {
    /// Regex `index` of ``CheckedPack/regexes``, compiled with its flags' options.
    case regex(Int)
    case contains([UInt8])
    case startsWith([UInt8])
    case endsWith([UInt8])
}

/// The pass after type checking that gives a pack its line-test plan: every
/// `line matches /literal/` and `line contains "literal"` (and `startswith`,
/// `endswith`) on a window line becomes a `.lineTest(i, line:)` node naming
/// its entry in ``CheckedPack/lineTests``. Tests on other text (a binding's
/// string, a capture) and regexes chosen at run time stay operators.
struct Lowering {
    private var plan: [LineTestPlan]
    private var literalIndices: [LineTestPlan: Int] = [:]

    private init(regexCount: Int) {
        plan = (0..<regexCount).map { .regex($0) }
    }

    /// `pack` with its rules lowered and its plan filled in. Rules are visited
    /// in pack order, bindings before the condition, each node before its operands.
    static func lower(_ pack: CheckedPack) -> CheckedPack {
        var lowering = Lowering(regexCount: pack.regexes.count)
        let rules = pack.rules.map { rule in
            let bindings = rule.bindings.map { TypedBinding(name: $0.name, value: lowering.lower($0.value)) }
            return rule.with(bindings: bindings, condition: lowering.lower(rule.condition))
        }
        return CheckedPack(name: pack.name, version: pack.version, description: pack.description, rules: rules,
                           tests: pack.tests, regexes: pack.regexes, lineTests: lowering.plan)
    }

    private mutating func index(of test: LineTestPlan) -> Int {
        if let index = literalIndices[test] { return index }
        plan.append(test)
        literalIndices[test] = plan.count - 1
        return plan.count - 1
    }

    private mutating func lower(_ e: TypedExpression) -> TypedExpression {
        func node(_ kind: TypedExpression.Kind) -> TypedExpression { TypedExpression(kind: kind, type: e.type, range: e.range) }
        switch e.kind {
        case .binary(let op, let left, let right):
            if case .member(.text, let line) = left.kind {
                switch (op, right.kind) {
                case (.matches, .regex(let regex)):
                    return node(.lineTest(regex, line: lower(line)))
                case (.contains, .string(let literal)), (.startswith, .string(let literal)), (.endswith, .string(let literal)):
                    let bytes = Array(literal.utf8)
                    let test = index(of: op == .contains ? .contains(bytes) : op == .startswith ? .startsWith(bytes) : .endsWith(bytes))
                    return node(.lineTest(test, line: lower(line)))
                default: break
                }
            }
            return node(.binary(op, lower(left), lower(right)))
        case .list(let elements): return node(.list(elements.map { lower($0) }))
        case .not(let operand): return node(.not(lower(operand)))
        case .negate(let operand): return node(.negate(lower(operand)))
        case .intToFloat(let operand): return node(.intToFloat(lower(operand)))
        case .call(let builtin, let arguments): return node(.call(builtin, arguments.map { lower($0) }))
        case .member(let member, let base): return node(.member(member, lower(base)))
        case .quantifier(let quantifier, let slot, let source, let predicate):
            let loweredSource = lower(source)
            return node(.quantifier(quantifier, slot: slot, source: loweredSource, predicate: lower(predicate)))
        case .lineTest(let test, let line): return node(.lineTest(test, line: lower(line)))
        case .boolean, .integer, .float, .duration, .string, .regex, .binding, .variable, .window, .group:
            return e
        }
    }
}

/// A quantifier body over window lines made only of line tests, `and`, `or` and
/// `not` (and constants): what a backend can decide for 64 lines at a time from
/// line-test bitsets. Tests are indices into ``CheckedPack/lineTests``.
public indirect enum LineCondition: Sendable, Hashable {
    case test(Int)
    case not(LineCondition)
    case and(LineCondition, LineCondition)
    case or(LineCondition, LineCondition)
    /// `line matches` a list of regexes: one of the tests passes (in list order, as `or` would
    /// take them), so that a backend can skip the tests a scan ruled out on every line.
    case anyOf([Int])
    case constant(Bool)
}

extension TypedExpression {
    /// This expression as a ``LineCondition`` on the line in quantifier slot `slot`,
    /// or `nil` when it reads anything else. `line matches` a regex binding or a
    /// list of regexes counts (regex `i` is line test `i`).
    public func lineCondition(slot: Int, bindings: [TypedBinding]) -> LineCondition? {
        switch kind {
        case .boolean(let value): return .constant(value)
        case .not(let operand): return operand.lineCondition(slot: slot, bindings: bindings).map { .not($0) }
        case .binary(let op, let left, let right) where op == .and || op == .or:
            guard let l = left.lineCondition(slot: slot, bindings: bindings),
                  let r = right.lineCondition(slot: slot, bindings: bindings) else { return nil }
            return op == .and ? .and(l, r) : .or(l, r)
        case .lineTest(let test, let line):
            guard case .variable(slot) = line.kind else { return nil }
            return .test(test)
        case .binary(.matches, let left, let right):
            guard case .member(.text, let line) = left.kind, case .variable(slot) = line.kind,
                  let tests = Self.regexTests(right, bindings: bindings), let first = tests.first else { return nil }
            return tests.count == 1 ? .test(first) : .anyOf(tests)
        default:
            return nil
        }
    }

    /// For `any`, `all` or `count line in window: P` where P is a ``LineCondition`` on the
    /// quantified line: the quantifier, its slot and P (what a backend decides from bitsets).
    public func windowLineQuantifier(bindings: [TypedBinding]) -> (quantifier: Quantifier, slot: Int, condition: LineCondition)? {
        guard case .quantifier(let quantifier, let slot, let source, let predicate) = kind, case .window = source.kind,
              quantifier == .any || quantifier == .all || quantifier == .count,
              let condition = predicate.lineCondition(slot: slot, bindings: bindings) else { return nil }
        return (quantifier, slot, condition)
    }

    /// The regexes a regex-valued expression stands for, when they are known before run time.
    private static func regexTests(_ e: TypedExpression, bindings: [TypedBinding]) -> [Int]? {
        switch e.kind {
        case .regex(let index): return [index]
        case .list(let elements):
            var indices: [Int] = []
            for element in elements {
                guard let inner = regexTests(element, bindings: bindings) else { return nil }
                indices += inner
            }
            return indices
        case .binding(let index) where index < bindings.count:
            return regexTests(bindings[index].value, bindings: bindings)
        default:
            return nil
        }
    }
}

extension CheckedRule {
    /// The line tests the rule may ask about, sorted: every `.lineTest` node and every regex it
    /// names (regex `i` is line test `i`, and a regex chosen at run time is one of those named),
    /// in its bindings and its condition. A backend can scan for the tests of the rules it
    /// evaluates first before the others.
    public var lineTests: [Int] {
        var tests = Set<Int>()
        func visit(_ e: TypedExpression) {
            switch e.kind {
            case .regex(let index): tests.insert(index)
            case .lineTest(let test, let line):
                tests.insert(test)
                visit(line)
            case .list(let elements): elements.forEach(visit)
            case .call(_, let arguments): arguments.forEach(visit)
            case .not(let operand), .negate(let operand), .intToFloat(let operand), .member(_, let operand): visit(operand)
            case .binary(_, let left, let right):
                visit(left)
                visit(right)
            case .quantifier(_, _, let source, let predicate):
                visit(source)
                visit(predicate)
            case .boolean, .integer, .float, .duration, .string, .binding, .variable, .window, .group: break
            }
        }
        bindings.forEach { visit($0.value) }
        visit(condition)
        return tests.sorted()
    }
}
