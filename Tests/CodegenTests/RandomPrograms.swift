import WardenCore

/// Seeded generator of well-typed rule packs and of windows for them, for the
/// randomized differential test between compiled and interpreted rules.
struct RandomPrograms {
    private var random: SeededGenerator

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    static let words = ["error", "warn", "ok", "disk", "net", "job", "start", "end", "retry", "FATAL", "node=a", "node=b",
                        "took", "ms", "é", "blk_1", "blk_2", "Exception"]
    static let regexes = [#"/error/"#, #"/\bFATAL\b/"#, #"/took (\d+)ms/"#, #"/node=(\w+)/"#, #"/start (\d+)/"#,
                          #"/end (\d+)/"#, #"/^(\w+)/"#, #"/(\d+)/"#, #"/blk_(\d)/i"#, #"/e.r/"#]
    static let groupRegexes = [#"/took (\d+)ms/"#, #"/node=(\w+)/"#, #"/start (\d+)/"#, #"/(\d+)/"#, #"/^(\w+)/"#]

    // MARK: Windows

    mutating func window() -> [String] {
        (0..<random.below(12)).map { _ in line() }
    }

    mutating func line() -> String {
        var tokens: [String] = []
        for _ in 0..<(1 + random.below(5)) {
            switch random.below(6) {
            case 0: tokens.append("took \(random.below(900))ms")
            case 1: tokens.append(["start", "end"][random.below(2)] + " \(random.below(4))")
            case 2: tokens.append(String(random.below(100)))
            default: tokens.append(Self.words[random.below(Self.words.count)])
            }
        }
        return tokens.joined(separator: " ")
    }

    // MARK: Packs

    mutating func pack(name: String, rules: Int) -> String {
        var text = "pack \(name) version \"1.0.0\" description \"Generated for the differential test\"\n"
        for index in 0..<rules {
            let kind = random.below(3) == 0 ? "normal" : "abnormal"
            text += "\n\(kind) rule r\(index) {\n"
            var scope = Scope()
            for binding in 0..<random.below(3) {
                let type = [Kind.int, .float, .string, .lines, .bool][random.below(5)]
                text += "    let b\(binding) = \(expression(type, depth: 0, &scope))\n"
                scope.bindings.append(("b\(binding)", type))
            }
            var condition = expression(.bool, depth: 0, &scope)
            if condition.hasPrefix("-") { condition = "(\(condition))" }
            text += "    \(condition)\n}\n"
        }
        return text
    }

    enum Kind: Equatable { case bool, int, float, string, lines }

    struct Scope {
        var bindings: [(name: String, kind: Kind)] = []
        var lineVariables: [String] = []
    }

    private mutating func pick<T>(_ options: [T]) -> T { options[random.below(options.count)] }

    private mutating func word() -> String { "\"" + pick(Self.words) + "\"" }

    mutating func expression(_ kind: Kind, depth: Int, _ scope: inout Scope) -> String {
        let leaf = depth >= 3
        let bound = scope.bindings.filter { $0.kind == kind }.map(\.name)
        if !bound.isEmpty, random.below(4) == 0 { return pick(bound) }
        switch kind {
        case .bool:
            if leaf { return pick(["true", "false", "count(window) > \(random.below(6))"]) }
            switch random.below(9) {
            case 0, 1: return quantifier(pick(["any", "all"]), depth: depth, &scope)
            case 2: return "(\(text(depth: depth + 1, &scope)) \(pick(["contains", "startswith", "endswith"])) \(word()))"
            case 3: return "(\(text(depth: depth + 1, &scope)) matches \(pick(Self.regexes)))"
            case 4: return "(\(expression(.int, depth: depth + 1, &scope)) \(pick(["<", "<=", ">", ">=", "==", "!="])) \(expression(.int, depth: depth + 1, &scope)))"
            case 5: return "(\(expression(.float, depth: depth + 1, &scope)) \(pick(["<", ">=", "=="])) \(expression(.float, depth: depth + 1, &scope)))"
            case 6: return "(\(expression(.bool, depth: depth + 1, &scope)) \(pick(["and", "or"])) \(expression(.bool, depth: depth + 1, &scope)))"
            case 7: return "not (\(expression(.bool, depth: depth + 1, &scope)))"
            default:
                return pick([
                    "sequence(window, \(pick(Self.regexes)), \(pick(Self.regexes)))",
                    "(\(expression(.string, depth: depth + 1, &scope)) in captures(window, \(pick(Self.groupRegexes))))",
                    "(\(expression(.string, depth: depth + 1, &scope)) == \(expression(.string, depth: depth + 1, &scope)))",
                    "(\(expression(.string, depth: depth + 1, &scope)) < \(word()))",
                ])
            }
        case .int:
            if leaf { return pick([String(random.below(5)), "count(window)"]) }
            switch random.below(8) {
            case 0: return String(random.below(10))
            case 1: return "(count \(variable(&scope)) in window where \(expression(.bool, depth: depth + 1, &scope)))" + releasing(&scope)
            case 2: return "count(\(expression(.lines, depth: depth + 1, &scope)))"
            case 3: return "length(\(expression(.string, depth: depth + 1, &scope)))"
            case 4: return "(\(expression(.int, depth: depth + 1, &scope)) \(pick(["+", "-", "*", "%"])) \(expression(.int, depth: depth + 1, &scope)))"
            case 5: return "div(\(expression(.int, depth: depth + 1, &scope)), \(expression(.int, depth: depth + 1, &scope)))"
            case 6: return scope.lineVariables.isEmpty ? "int(\(word()))" : "\(pick(scope.lineVariables)).\(pick(["index", "number"]))"
            default: return "count(unpaired(window, /start (\\d+)/, /end (\\d+)/))"
            }
        case .float:
            if leaf { return pick(["0.5", "2.0", "100.0"]) }
            switch random.below(6) {
            case 0: return "\(pick(["mean", "max", "min", "sum"]))(numbers(window, \(pick(Self.groupRegexes))))"
            case 1: return "percentile(numbers(window, /took (\\d+)ms/), \(random.below(101)))"
            case 2: return "(\(expression(.int, depth: depth + 1, &scope)) / \(expression(.int, depth: depth + 1, &scope)))"
            case 3: return "(\(expression(.float, depth: depth + 1, &scope)) \(pick(["+", "-", "*"])) \(expression(.float, depth: depth + 1, &scope)))"
            case 4: return "float(\(expression(.string, depth: depth + 1, &scope)))"
            default: return "\(random.below(500)).25"
            }
        case .string:
            if leaf { return word() }
            switch random.below(6) {
            case 0: return word()
            case 1: return "capture(\(text(depth: depth + 1, &scope)), \(pick(Self.groupRegexes)))"
            case 2: return "\(pick(["lower", "upper"]))(\(text(depth: depth + 1, &scope)))"
            case 3: return "(\(expression(.string, depth: depth + 1, &scope)) + \(word()))"
            case 4:
                let name = variable(&scope)
                let predicate = expression(.bool, depth: depth + 1, &scope)
                return "(first \(name) in window where \(predicate)).text" + releasing(&scope)
            default: return scope.lineVariables.isEmpty ? word() : "\(pick(scope.lineVariables)).text"
            }
        case .lines:
            if leaf || random.below(3) == 0 { return "window" }
            if random.below(3) == 0 { return "unpaired(window, /start (\\d+)/, /end (\\d+)/)" }
            let name = variable(&scope)
            let predicate = expression(.bool, depth: depth + 1, &scope)
            return "(filter \(name) in window where \(predicate))" + releasing(&scope)
        }
    }

    /// A line or string for text operators.
    private mutating func text(depth: Int, _ scope: inout Scope) -> String {
        if !scope.lineVariables.isEmpty, random.below(3) > 0 { return pick(scope.lineVariables) }
        return expression(.string, depth: depth, &scope)
    }

    private mutating func quantifier(_ word: String, depth: Int, _ scope: inout Scope) -> String {
        let name = variable(&scope)
        let source = random.below(4) == 0 ? expression(.lines, depth: depth + 1, &scope) : "window"
        let predicate = expression(.bool, depth: depth + 1, &scope)
        scope.lineVariables.removeLast()
        return "(\(word) \(name) in \(source): \(predicate))"
    }

    private func variable(_ scope: inout Scope) -> String {
        let name = "l\(scope.lineVariables.count + 1)"
        scope.lineVariables.append(name)
        return name
    }

    private func releasing(_ scope: inout Scope) -> String {
        scope.lineVariables.removeLast()
        return ""
    }
}

