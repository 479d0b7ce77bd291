import PCRE2
import RuleLanguage
import RuleRuntime

/// Compiles typed expressions to closures once per pack. Bool-typed
/// expressions get specialised closures (line tests go through the context's
/// memo); everything else computes a ``Value``.
struct ExpressionCompiler {
    let patterns: [Pattern]
    /// The pack's line-test plan as runtime tests: `.lineTest(i, _)` nodes run test `lineTestOffset + i`
    /// through the context's memo (packs run together put their tests one after another).
    let lineTests: [LineTest]
    let lineTestOffset: Int
    /// The bindings of the rule being compiled (a quantifier may read a regex binding).
    var ruleBindings: [TypedBinding] = []

    init(pack: CheckedPack, lineTestOffset: Int = 0) {
        self.lineTestOffset = lineTestOffset
        let patterns = pack.regexes.map(\.pattern)
        self.patterns = patterns
        lineTests = pack.lineTests.map { plan in
            switch plan {
            case .regex(let index): .matches(patterns[index])
            case .contains(let bytes): .contains(bytes)
            case .startsWith(let bytes): .startsWith(bytes)
            case .endsWith(let bytes): .endsWith(bytes)
            }
        }
    }

    // MARK: Bool

    func bool(_ expression: TypedExpression) -> BoolCode {
        switch expression.kind {
        case .boolean(let value):
            return { _ in value }
        case .not(let operand):
            let code = bool(operand)
            return { frame throws(RuleFailure) in
                try Logic.not(frame.context) { () throws(RuleFailure) in try code(frame) }
            }
        case .binary(.and, let left, let right):
            let l = bool(left), r = bool(right)
            return { frame throws(RuleFailure) in
                guard try l(frame) else { return false }
                return try r(frame)
            }
        case .binary(.or, let left, let right):
            let l = bool(left), r = bool(right)
            return { frame throws(RuleFailure) in
                if try l(frame) { return true }
                return try r(frame)
            }
        case .lineTest(let index, let lineExpression):
            let line = value(lineExpression)
            let test = lineTestOffset + index
            return { frame throws(RuleFailure) in try frame.context.test(try line(frame).linePosition, test) }
        case .binary(let op, let left, let right) where [.matches, .contains, .startswith, .endswith].contains(op):
            return textTest(op, left, right)
        case .quantifier(let quantifier, let slot, let source, let predicate) where quantifier == .any || quantifier == .all:
            let elements = self.elements(source)
            let test = bool(predicate)
            let requireAll = quantifier == .all
            if let (_, _, condition) = expression.windowLineQuantifier(bindings: ruleBindings) {
                // Decided from line-test bitsets; the per-line closure is the exact path after a PCRE2 failure.
                let bitwise = linePredicate(condition)
                return { frame throws(RuleFailure) in
                    let exact = { (line: Int) throws(RuleFailure) -> Bool in
                        frame.slots[slot] = .line(line)
                        return try test(frame)
                    }
                    return requireAll ? try Quantify.all(window: bitwise, frame.context, exact)
                        : try Quantify.any(window: bitwise, frame.context, exact)
                }
            }
            return { frame throws(RuleFailure) in
                try Quantify.anyOrAll(try elements(frame), requireAll: requireAll, context: frame.context,
                                      position: Self.position) { element throws(RuleFailure) in
                    frame.slots[slot] = element
                    return try test(frame)
                }
            }
        default:
            let code = value(expression)
            return { frame throws(RuleFailure) in try code(frame).bool }
        }
    }

    /// `matches`, `contains`, `startswith`, `endswith` that lowering left as
    /// operators: a window line against regexes chosen at run time goes through
    /// the memo; other text is tested directly.
    private func textTest(_ op: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression) -> BoolCode {
        let patterns = self.patterns
        if case .member(.text, let lineExpression) = left.kind {
            let line = value(lineExpression)
            if op == .matches {
                let regexes = value(right)
                return { frame throws(RuleFailure) in
                    let position = try line(frame).linePosition
                    switch try regexes(frame) {
                    case .regex(let regex):
                        return try frame.context.test(position, lineTestOffset + regex)
                    case .list(let elements):
                        for case .regex(let regex) in elements where try frame.context.test(position, lineTestOffset + regex) { return true }
                        return false
                    default:
                        return false
                    }
                }
            }
        }
        let text = value(left), operand = value(right)
        return { frame throws(RuleFailure) in
            let subject = try text(frame).string
            let argument = try operand(frame)
            switch op {
            case .contains: return Text.contains(subject, argument.string)
            case .startswith: return Text.hasPrefix(subject, argument.string)
            case .endswith: return Text.hasSuffix(subject, argument.string)
            default:
                for regex in Self.regexIndices(argument) {
                    do throws(MatchFailure) {
                        if try patterns[regex].matches(subject, scratch: frame.context.scratch) { return true }
                    } catch { throw RuleFailure(error) }
                }
                return false
            }
        }
    }

    /// The runtime form of a line condition, its tests placed after the packs before this one.
    func linePredicate(_ condition: LineCondition) -> LinePredicate {
        switch condition {
        case .test(let test): .test(lineTestOffset + test)
        case .not(let operand): .not(linePredicate(operand))
        case .and(let left, let right): .and(linePredicate(left), linePredicate(right))
        case .or(let left, let right): .or(linePredicate(left), linePredicate(right))
        case .anyOf(let tests): .anyOf(tests)
        case .constant(let value): .constant(value)
        }
    }

    /// The window position of a line value, for evidence marking.
    @Sendable static func position(_ value: Value) -> Int? {
        if case .line(let position) = value { position } else { nil }
    }

    fileprivate static func regexIndices(_ value: Value) -> [Int] {
        switch value {
        case .regex(let index): [index]
        case .list(let elements): elements.compactMap { if case .regex(let index) = $0 { index } else { nil } }
        default: []
        }
    }

    // MARK: Sources of quantifiers and line functions

    /// The elements a quantifier ranges over; the window gives its line positions.
    private func elements(_ source: TypedExpression) -> ValueListCode {
        if case .window = source.kind {
            return { frame in (0..<frame.window.count).map { .line($0) } }
        }
        let code = value(source)
        return { frame throws(RuleFailure) in try code(frame).list }
    }

    /// Window positions of a `List<Line>` or the window.
    func positions(_ source: TypedExpression) -> PositionsCode {
        if case .window = source.kind {
            return { frame in Array(0..<frame.window.count) }
        }
        let code = value(source)
        return { frame throws(RuleFailure) in frame.positions(try code(frame)) }
    }

    // MARK: Values

    func value(_ expression: TypedExpression) -> ValueCode {
        switch expression.kind {
        case .boolean(let value): return { _ in .bool(value) }
        case .integer(let value): return { _ in .int(value) }
        case .float(let value): return { _ in .float(value) }
        case .duration(let milliseconds): return { _ in .duration(milliseconds) }
        case .string(let value): return { _ in .string(value) }
        case .regex(let index): return { _ in .regex(index) }
        case .group(let number): return { _ in .int(number) }
        case .list(let elements):
            let codes = elements.map { value($0) }
            return { frame throws(RuleFailure) in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                for code in codes { values.append(try code(frame)) }
                return .list(values)
            }
        case .binding(let index):
            return { frame throws(RuleFailure) in try frame.binding(index) }
        case .variable(let slot):
            return { frame in frame.slots[slot] }
        case .window:
            return { frame in .list((0..<frame.window.count).map { .line($0) }) }
        case .not, .lineTest, .binary(.and, _, _), .binary(.or, _, _),
             .binary(.matches, _, _), .binary(.contains, _, _), .binary(.startswith, _, _), .binary(.endswith, _, _):
            let code = bool(expression)
            return { frame throws(RuleFailure) in .bool(try code(frame)) }
        case .quantifier(let quantifier, let slot, let source, let predicate):
            return self.quantifier(expression, quantifier, slot: slot, source: source, predicate: predicate, type: expression.type)
        case .negate(let operand):
            let code = value(operand)
            return { frame throws(RuleFailure) in
                switch try code(frame) {
                case .int(let x): .int(0 &- x)
                case .float(let x): .float(-x)
                case .duration(let x): .duration(0 &- x)
                case let other: other
                }
            }
        case .intToFloat(let operand):
            let code = value(operand)
            return { frame throws(RuleFailure) in .float(try code(frame).float) }
        case .binary(let op, let left, let right):
            return binary(op, left, right)
        case .member(let member, let base):
            let code = value(base)
            return { frame throws(RuleFailure) in
                let position = try code(frame).linePosition, context = frame.context
                switch member {
                case .text: return .string(context.text(position))
                case .index: return .int(context.index(position))
                case .number: return .int(context.number(position))
                case .timestamp: return .duration(context.timestamp(position))
                }
            }
        case .call(let name, let arguments):
            return call(name, arguments, type: expression.type)
        }
    }

    private func quantifier(
        _ node: TypedExpression, _ quantifier: Quantifier, slot: Int, source: TypedExpression, predicate: TypedExpression, type: ValueType
    ) -> ValueCode {
        switch quantifier {
        case .any, .all:
            let code = bool(TypedExpression(kind: .quantifier(quantifier, slot: slot, source: source, predicate: predicate),
                                            type: .bool, range: source.range))
            return { frame throws(RuleFailure) in .bool(try code(frame)) }
        case .count, .filter, .first:
            let elements = self.elements(source)
            let test = bool(predicate)
            let empty = Self.emptyValue(type)
            if let (_, _, condition) = node.windowLineQuantifier(bindings: ruleBindings) {
                let bitwise = linePredicate(condition)
                return { frame throws(RuleFailure) in
                    .int(try Quantify.count(window: bitwise, frame.context) { (line: Int) throws(RuleFailure) -> Bool in
                        frame.slots[slot] = .line(line)
                        return try test(frame)
                    })
                }
            }
            return { frame throws(RuleFailure) in
                let source = try elements(frame), context = frame.context
                let predicate = { (element: Value) throws(RuleFailure) -> Bool in
                    frame.slots[slot] = element
                    return try test(frame)
                }
                switch quantifier {
                case .count: return .int(try Quantify.count(source, context: context, position: Self.position, predicate))
                case .filter: return .list(try Quantify.filter(source, context: context, position: Self.position, predicate))
                default: return try Quantify.first(source, empty: empty, context: context, position: Self.position, predicate)
                }
            }
        }
    }

    /// The value `first` gives when nothing matches.
    static func emptyValue(_ type: ValueType) -> Value {
        switch type {
        case .bool: .bool(false)
        case .int: .int(0)
        case .float: .float(0)
        case .duration: .duration(0)
        case .string: .string("")
        case .line: .line(-1)
        case .list: .list([])
        default: .int(0)
        }
    }

    private func binary(_ op: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression) -> ValueCode {
        let l = value(left), r = value(right)
        switch op {
        case .equal, .notEqual:
            let negate = op == .notEqual
            return { frame throws(RuleFailure) in .bool(try l(frame).equals(try r(frame)) != negate) }
        case .less, .lessEqual, .greater, .greaterEqual:
            return { frame throws(RuleFailure) in
                let a = try l(frame), b = try r(frame)
                let order: Int
                switch (a, b) {
                case (.int(let x), .int(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
                case (.duration(let x), .duration(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
                case (.string(let x), .string(let y)): order = Text.less(x, y) ? -1 : (Text.equal(x, y) ? 0 : 1)
                default:
                    let x = a.float, y = b.float
                    guard !x.isNaN, !y.isNaN else { return .bool(false) }
                    order = x < y ? -1 : (x == y ? 0 : 1)
                }
                switch op {
                case .less: return .bool(order < 0)
                case .lessEqual: return .bool(order <= 0)
                case .greater: return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            }
        case .in:
            return { frame throws(RuleFailure) in
                let needle = try l(frame)
                return .bool(try r(frame).list.contains { needle.equals($0) })
            }
        case .add, .subtract, .multiply:
            return { frame throws(RuleFailure) in
                switch (try l(frame), try r(frame)) {
                case (.int(let x), .int(let y)):
                    return .int(op == .add ? x &+ y : op == .subtract ? x &- y : x &* y)
                case (.duration(let x), .duration(let y)):
                    return .duration(op == .add ? x &+ y : x &- y)
                case (.string(let x), .string(let y)):
                    return .string(x + y)
                case let (a, b):
                    let x = a.float, y = b.float
                    return .float(op == .add ? x + y : op == .subtract ? x - y : x * y)
                }
            }
        case .divide:
            return { frame throws(RuleFailure) in .float(Functions.divide(try l(frame).float, try r(frame).float)) }
        case .remainder:
            return { frame throws(RuleFailure) in .int(Functions.remainder(try l(frame).int, try r(frame).int)) }
        case .and, .or, .matches, .contains, .startswith, .endswith:
            let code = bool(TypedExpression(kind: .binary(op, left, right), type: .bool, range: left.range))
            return { frame throws(RuleFailure) in .bool(try code(frame)) }
        }
    }
}

typealias ValueListCode = @Sendable (Frame) throws(RuleFailure) -> [Value]
typealias PositionsCode = @Sendable (Frame) throws(RuleFailure) -> [Int]
