import PCRE2
import RuleLanguage
import RuleRuntime

/// Builtin calls: arguments compiled once, semantics from ``Functions``.
extension ExpressionCompiler {
    func call(_ builtin: Builtin, _ arguments: [TypedExpression], type: ValueType) -> ValueCode {
        let patterns = self.patterns
        let first = arguments[0]
        let elementType = first.type.elementType
        switch builtin {
        case .count:
            if case .window = first.kind { return { frame in .int(frame.window.count) } }
            let code = value(first)
            return { frame throws(RuleFailure) in .int(try code(frame).list.count) }
        case .sum, .min, .max, .mean:
            let code = value(first)
            let isInt = elementType == .int
            return { frame throws(RuleFailure) in
                let list = try code(frame).list
                if isInt {
                    let xs = list.map(\.int)
                    switch builtin {
                    case .sum: return .int(Functions.sum(xs))
                    case .min: return .int(Functions.min(xs))
                    case .max: return .int(Functions.max(xs))
                    default: return .float(Functions.mean(xs))
                    }
                }
                let xs = list.map(\.float)
                switch builtin {
                case .sum: return .float(Functions.sum(xs))
                case .min: return .float(Functions.min(xs))
                case .max: return .float(Functions.max(xs))
                default: return .float(Functions.mean(xs))
                }
            }
        case .percentile:
            let xs = value(first), p = value(arguments[1])
            return { frame throws(RuleFailure) in
                .float(Functions.percentile(try xs(frame).list.map(\.float), try p(frame).float))
            }
        case .numbers, .captures, .capture:
            let regex = value(arguments[1]), group = value(arguments[2])
            let overLines = first.type == .window || first.type == .list(.line)
            if builtin == .capture {
                if case .member(.text, let line) = first.kind {
                    let lineCode = value(line)
                    return { frame throws(RuleFailure) in
                        .string(try frame.context.capture(try lineCode(frame).linePosition, try regex(frame).regexIndex,
                                                          group: try group(frame).int))
                    }
                }
                let text = value(first)
                return { frame throws(RuleFailure) in
                    .string(try Functions.capture(try text(frame).string, patterns[try regex(frame).regexIndex],
                                                  group: try group(frame).int, scratch: frame.context.scratch))
                }
            }
            if overLines {
                let lines = positions(first)
                return { frame throws(RuleFailure) in
                    let pattern = patterns[try regex(frame).regexIndex], number = try group(frame).int
                    let positions = try lines(frame)
                    if builtin == .numbers {
                        return .list(try Functions.numbers(positions, pattern, group: number, context: frame.context).map { .float($0) })
                    }
                    return .list(try Functions.captures(positions, pattern, group: number, context: frame.context).map { .string($0) })
                }
            }
            let texts = value(first)
            return { frame throws(RuleFailure) in
                let pattern = patterns[try regex(frame).regexIndex], number = try group(frame).int
                let strings = try texts(frame).list.map(\.string), scratch = frame.context.scratch
                if builtin == .numbers {
                    return .list(try Functions.numbers(strings, pattern, group: number, scratch: scratch).map { .float($0) })
                }
                return .list(try Functions.captures(strings, pattern, group: number, scratch: scratch).map { .string($0) })
            }
        case .sequence:
            let lines = positions(first)
            let regexes = arguments.dropFirst().map { value($0) }
            return { frame throws(RuleFailure) in
                var tests: [Int] = []
                for regex in regexes { tests.append(try regex(frame).regexIndex) }
                return .bool(try Functions.sequence(try lines(frame), tests: tests, context: frame.context))
            }
        case .unpaired:
            let lines = positions(first)
            let start = value(arguments[1]), end = value(arguments[2])
            let startGroup = value(arguments[3]), endGroup = value(arguments[4])
            return { frame throws(RuleFailure) in
                let result = try Functions.unpaired(
                    try lines(frame), start: patterns[try start(frame).regexIndex],
                    end: patterns[try end(frame).regexIndex], startGroup: try startGroup(frame).int,
                    endGroup: try endGroup(frame).int, context: frame.context)
                return .list(result.map { .line($0) })
            }
        case .distinct:
            let code = value(first)
            let isInt = elementType == .int
            return { frame throws(RuleFailure) in
                let list = try code(frame).list
                if isInt { return .list(Functions.distinct(list.map(\.int)).map { .int($0) }) }
                return .list(Functions.distinct(list.map(\.string)).map { .string($0) })
            }
        case .lower, .upper, .length:
            let code = value(first)
            return { frame throws(RuleFailure) in
                let text = try code(frame).string
                switch builtin {
                case .lower: return .string(Functions.lower(text))
                case .upper: return .string(Functions.upper(text))
                default: return .int(Functions.length(text))
                }
            }
        case .int:
            let code = value(first)
            return { frame throws(RuleFailure) in
                switch try code(frame) {
                case .string(let text): .int(Functions.int(text))
                case .float(let x): .int(Functions.int(x))
                case let other: .int(other.int)
                }
            }
        case .float:
            let code = value(first)
            return { frame throws(RuleFailure) in
                switch try code(frame) {
                case .string(let text): .float(Functions.float(text))
                case let other: .float(other.float)
                }
            }
        case .abs:
            let code = value(first)
            return { frame throws(RuleFailure) in
                switch try code(frame) {
                case .int(let x): .int(Functions.abs(x))
                case let other: .float(Functions.abs(other.float))
                }
            }
        case .div:
            let a = value(first), b = value(arguments[1])
            return { frame throws(RuleFailure) in .int(Functions.div(try a(frame).int, try b(frame).int)) }
        case .span:
            let lines = positions(first)
            return { frame throws(RuleFailure) in
                .duration(Functions.span(try lines(frame), of: frame.window))
            }
        }
    }
}

extension Value {
    var regexIndex: Int { if case .regex(let index) = self { index } else { 0 } }
}
