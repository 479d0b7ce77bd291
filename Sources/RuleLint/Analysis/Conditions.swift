import RuleLanguage

/// Facts about a rule's typed condition, with its bindings seen through: the
/// structural fingerprint (equal for conditions that behave the same however
/// they are written or named), what is constant, and what implies what.
struct ConditionAnalysis {
    let pack: CheckedPack
    /// Fingerprints computed so far, by rule, node range and node kind (implication asks for the same ones often).
    private let memo = FingerprintMemo()

    init(pack: CheckedPack) {
        self.pack = pack
    }

    // MARK: - Fingerprints

    /// A text that two expressions share exactly when they have the same structure;
    /// bindings are replaced by their values, ranges and names do not count.
    func fingerprint(_ e: TypedExpression, in rule: CheckedRule) -> String {
        let key = FingerprintMemo.Key(rule: rule.name, start: e.range.start, end: e.range.end, kind: e.kind.tag)
        if let known = memo.values[key] { return known }
        let value = computeFingerprint(e, in: rule)
        memo.values[key] = value
        return value
    }

    private func computeFingerprint(_ e: TypedExpression, in rule: CheckedRule) -> String {
        func f(_ e: TypedExpression) -> String { fingerprint(e, in: rule) }
        switch e.kind {
        case .boolean(let value): return value ? "T" : "F"
        case .integer(let value): return "i\(value)"
        case .float(let value): return "f\(value)"
        case .duration(let milliseconds): return "d\(milliseconds)"
        case .string(let value): return "s\(value.utf8.count):" + value
        case .regex(let index): return "r(" + regexKey(index) + ")"
        case .list(let elements): return "[" + elements.map(f).joined(separator: ",") + "]"
        case .binding(let index): return f(rule.bindings[index].value)
        case .variable(let slot): return "v\(slot)"
        case .window: return "W"
        case .not(let operand): return "!(" + f(operand) + ")"
        case .negate(let operand): return "-(" + f(operand) + ")"
        case .intToFloat(let operand): return "float(" + f(operand) + ")"
        case .binary(let op, let left, let right):
            if op == .and || op == .or {
                // Commutative: the operands in a fixed order.
                let operands = flatten(op, e, in: rule).map(f).sorted()
                return op.rawValue + "(" + operands.joined(separator: ",") + ")"
            }
            return op.rawValue + "(" + f(left) + "," + f(right) + ")"
        case .call(let builtin, let arguments): return builtin.rawValue + "(" + arguments.map(f).joined(separator: ",") + ")"
        case .member(let member, let base): return f(base) + "." + member.rawValue
        case .quantifier(let quantifier, let slot, let source, let predicate):
            return "\(quantifier.rawValue)\(slot)(" + f(source) + ":" + f(predicate) + ")"
        case .group(let number): return "g\(number)"
        case .lineTest(let index, let line):
            // As the operator it was lowered from, so `line contains "x"` and `line contains x` (x bound to "x") agree.
            return lineTestKey(index, operand: f(line) + ".text")
        }
    }

    private func regexKey(_ index: Int) -> String {
        let literal = pack.regexes[index].literal
        return literal.patternText + "/" + literal.flags
    }

    private func lineTestKey(_ index: Int, operand: String) -> String {
        func literal(_ bytes: [UInt8]) -> String { "s\(bytes.count):" + String(decoding: bytes, as: UTF8.self) }
        switch pack.lineTests[index] {
        case .regex(let regex): return "matches(" + operand + ",r(" + regexKey(regex) + "))"
        case .contains(let bytes): return "contains(" + operand + "," + literal(bytes) + ")"
        case .startsWith(let bytes): return "startswith(" + operand + "," + literal(bytes) + ")"
        case .endsWith(let bytes): return "endswith(" + operand + "," + literal(bytes) + ")"
        }
    }

    /// The operands of a run of `op` (`a and b and c`), bindings seen through.
    func flatten(_ op: BinaryOperator, _ e: TypedExpression, in rule: CheckedRule) -> [TypedExpression] {
        let e = resolved(e, in: rule)
        if case .binary(op, let left, let right) = e.kind {
            return flatten(op, left, in: rule) + flatten(op, right, in: rule)
        }
        return [e]
    }

    /// The expression with a top-level binding replaced by its value.
    func resolved(_ e: TypedExpression, in rule: CheckedRule) -> TypedExpression {
        if case .binding(let index) = e.kind { return resolved(rule.bindings[index].value, in: rule) }
        return e
    }

    // MARK: - Constants

    /// What is known about a value without running the rule.
    enum Knowledge: Equatable {
        case bool(Bool)
        /// An integer (or a duration, in milliseconds) known to lie in this range.
        case integer(ClosedRange<Int64>)
        case unknown
    }

    private static let nonNegative = Knowledge.integer(0...Int64.max)

    /// What `e` is known to be on every window.
    func knowledge(of e: TypedExpression, in rule: CheckedRule) -> Knowledge {
        func k(_ e: TypedExpression) -> Knowledge { knowledge(of: e, in: rule) }
        switch e.kind {
        case .boolean(let value): return .bool(value)
        case .integer(let value): return .integer(Int64(value)...Int64(value))
        case .duration(let milliseconds): return .integer(milliseconds...milliseconds)
        case .binding(let index): return k(rule.bindings[index].value)
        case .not(let operand):
            if case .bool(let value) = k(operand) { return .bool(!value) }
            return .unknown
        case .negate(let operand):
            if case .integer(let range) = k(operand), range.lowerBound > Int64.min, range.upperBound > Int64.min {
                return .integer(-range.upperBound...(-range.lowerBound))
            }
            return .unknown
        case .binary(.and, let left, let right):
            let (l, r) = (k(left), k(right))
            if l == .bool(false) || r == .bool(false) { return .bool(false) }
            if l == .bool(true) && r == .bool(true) { return .bool(true) }
            return .unknown
        case .binary(.or, let left, let right):
            let (l, r) = (k(left), k(right))
            if l == .bool(true) || r == .bool(true) { return .bool(true) }
            if l == .bool(false) && r == .bool(false) { return .bool(false) }
            return .unknown
        case .binary(let op, let left, let right):
            guard case .integer(let l) = k(left), case .integer(let r) = k(right) else { return .unknown }
            return Self.compare(op, l, r)
        case .call(.count, _), .call(.length, _), .call(.span, _):
            return Self.nonNegative
        case .quantifier(let quantifier, _, let source, let predicate):
            let empty = isEmptyList(source, in: rule)
            let body = k(predicate)
            switch quantifier {
            case .any:
                if empty || body == .bool(false) { return .bool(false) }
            case .all:
                if empty || body == .bool(true) { return .bool(true) }
            case .count:
                if empty || body == .bool(false) { return .integer(0...0) }
                return Self.nonNegative
            case .filter, .first: break
            }
            return .unknown
        case .lineTest(let index, _):
            if case .contains(let bytes) = pack.lineTests[index], bytes.isEmpty { return .bool(true) }
            if case .startsWith(let bytes) = pack.lineTests[index], bytes.isEmpty { return .bool(true) }
            if case .endsWith(let bytes) = pack.lineTests[index], bytes.isEmpty { return .bool(true) }
            return .unknown
        default:
            return .unknown
        }
    }

    private func isEmptyList(_ e: TypedExpression, in rule: CheckedRule) -> Bool {
        if case .list(let elements) = resolved(e, in: rule).kind { return elements.isEmpty }
        return false
    }

    /// A comparison of two integer ranges, when its outcome does not depend on where in them the values lie.
    private static func compare(_ op: BinaryOperator, _ l: ClosedRange<Int64>, _ r: ClosedRange<Int64>) -> Knowledge {
        func decided(always: Bool, never: Bool) -> Knowledge { always ? .bool(true) : never ? .bool(false) : .unknown }
        switch op {
        case .less: return decided(always: l.upperBound < r.lowerBound, never: l.lowerBound >= r.upperBound)
        case .lessEqual: return decided(always: l.upperBound <= r.lowerBound, never: l.lowerBound > r.upperBound)
        case .greater: return decided(always: l.lowerBound > r.upperBound, never: l.upperBound <= r.lowerBound)
        case .greaterEqual: return decided(always: l.lowerBound >= r.upperBound, never: l.upperBound < r.lowerBound)
        case .equal:
            if l.lowerBound == l.upperBound, l == r { return .bool(true) }
            return decided(always: false, never: !l.overlaps(r))
        case .notEqual:
            if l.lowerBound == l.upperBound, l == r { return .bool(false) }
            return decided(always: !l.overlaps(r), never: false)
        default: return .unknown
        }
    }

    // MARK: - Implication

    /// Whether `a` holding guarantees that `b` holds (a sound but incomplete test: `false` means "not shown").
    /// `compareWhole: false` skips comparing the two whole expressions' fingerprints (the caller already did).
    func implies(_ a: TypedExpression, in ruleA: CheckedRule, _ b: TypedExpression, in ruleB: CheckedRule, compareWhole: Bool = true) -> Bool {
        let a = resolved(a, in: ruleA), b = resolved(b, in: ruleB)
        if knowledge(of: b, in: ruleB) == .bool(true) || knowledge(of: a, in: ruleA) == .bool(false) { return true }
        if compareWhole, fingerprint(a, in: ruleA) == fingerprint(b, in: ruleB) { return true }
        if case .binary(.or, _, _) = a.kind {
            return flatten(.or, a, in: ruleA).allSatisfy { implies($0, in: ruleA, b, in: ruleB) }
        }
        if case .binary(.and, _, _) = b.kind {
            return flatten(.and, b, in: ruleB).allSatisfy { implies(a, in: ruleA, $0, in: ruleB) }
        }
        if case .binary(.and, _, _) = a.kind,
           flatten(.and, a, in: ruleA).contains(where: { implies($0, in: ruleA, b, in: ruleB) }) {
            return true
        }
        if case .binary(.or, _, _) = b.kind,
           flatten(.or, b, in: ruleB).contains(where: { implies(a, in: ruleA, $0, in: ruleB) }) {
            return true
        }
        switch (a.kind, b.kind) {
        case (.quantifier(let qa, let slotA, let sourceA, let predicateA), .quantifier(let qb, let slotB, let sourceB, let predicateB))
            where qa == qb && slotA == slotB && (qa == .any || qa == .all)
                && fingerprint(sourceA, in: ruleA) == fingerprint(sourceB, in: ruleB):
            return implies(predicateA, in: ruleA, predicateB, in: ruleB)
        case (.lineTest(let testA, let lineA), .lineTest(let testB, let lineB))
            where fingerprint(lineA, in: ruleA) == fingerprint(lineB, in: ruleB):
            return lineTestImplies(testA, testB)
        case (.binary(let opA, let leftA, let rightA), .binary(let opB, let leftB, let rightB))
            where fingerprint(leftA, in: ruleA) == fingerprint(leftB, in: ruleB):
            guard case .integer(let x) = knowledge(of: rightA, in: ruleA), x.lowerBound == x.upperBound,
                  case .integer(let y) = knowledge(of: rightB, in: ruleB), y.lowerBound == y.upperBound else { return false }
            return Self.thresholdImplies(opA, x.lowerBound, opB, y.lowerBound)
        default:
            return false
        }
    }

    /// `v opA x` implies `v opB y` for every integer v.
    private static func thresholdImplies(_ opA: BinaryOperator, _ x: Int64, _ opB: BinaryOperator, _ y: Int64) -> Bool {
        // As closed bounds on integers: v > x is v >= x + 1.
        func lower(_ op: BinaryOperator, _ value: Int64) -> Int64? {
            op == .greater ? value.addingReportingOverflow(1).partialValue : op == .greaterEqual ? value : nil
        }
        func upper(_ op: BinaryOperator, _ value: Int64) -> Int64? {
            op == .less ? value.subtractingReportingOverflow(1).partialValue : op == .lessEqual ? value : nil
        }
        if let a = lower(opA, x), let b = lower(opB, y) { return a >= b }
        if let a = upper(opA, x), let b = upper(opB, y) { return a <= b }
        return false
    }

    /// Every line that passes line test `a` passes line test `b`.
    func lineTestImplies(_ a: Int, _ b: Int) -> Bool {
        guard let required = requiredText(of: a) else { return false }
        switch pack.lineTests[b] {
        case .contains(let needle):
            return required.anywhere.contains { $0.contains(subsequence: needle) } || required.prefix?.contains(subsequence: needle) == true
                || required.suffix?.contains(subsequence: needle) == true
        case .startsWith(let prefix):
            return required.prefix.map { $0.starts(with: prefix) } ?? false
        case .endsWith(let suffix):
            return required.suffix.map { $0.reversed().starts(with: suffix.reversed()) } ?? false
        case .regex(let index):
            if case .regex(let own) = pack.lineTests[a] { return regexKey(own) == regexKey(index) }
            return false
        }
    }

    /// Text every line passing line test `index` holds: somewhere, at its start, at its end.
    private func requiredText(of index: Int) -> (anywhere: [[UInt8]], prefix: [UInt8]?, suffix: [UInt8]?)? {
        switch pack.lineTests[index] {
        case .contains(let bytes): return ([bytes], nil, nil)
        case .startsWith(let bytes): return ([bytes], bytes, nil)
        case .endsWith(let bytes): return ([bytes], nil, bytes)
        case .regex(let regex):
            let literal = pack.regexes[regex].literal
            guard let shape = RegexShape(pattern: literal.pattern, flags: literal.flags) else { return nil }
            if let plain = shape.plainLiteral {
                return ([plain.text], plain.anchoredStart ? plain.text : nil, plain.anchoredEnd ? plain.text : nil)
            }
            let runs = shape.requiredLiteralRuns.map { $0.map(\.byte) }
            return runs.isEmpty ? nil : (runs, nil, nil)
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes (the empty needle always does).
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { start in self[start..<(start + needle.count)].elementsEqual(needle) }
    }
}

/// The fingerprints a ``ConditionAnalysis`` has computed (one analysis serves one pack, on one thread).
final class FingerprintMemo {
    struct Key: Hashable {
        let rule: String
        let start: Int
        let end: Int
        let kind: Int
    }

    var values: [Key: String] = [:]
}

extension TypedExpression.Kind {
    /// Which case this is: with a node's range, it tells nested nodes that share a range apart.
    var tag: Int {
        switch self {
        case .boolean: 0
        case .integer: 1
        case .float: 2
        case .duration: 3
        case .string: 4
        case .regex: 5
        case .list: 6
        case .binding: 7
        case .variable: 8
        case .window: 9
        case .not: 10
        case .negate: 11
        case .intToFloat: 12
        case .binary: 13
        case .call: 14
        case .member: 15
        case .quantifier: 16
        case .group: 17
        case .lineTest: 18
        }
    }
}
