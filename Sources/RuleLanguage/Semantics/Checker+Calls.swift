import PCRE2
import WardenCore

/// Builtin calls: arguments ordered by label, arity, then the builtin's own type rule.
extension Checker {
    mutating func checkCall(_ name: Identifier, _ arguments: [ArgumentSyntax], range: SourceRange) -> TypedExpression {
        guard let builtin = BuiltinDefinition.named(name.name) else {
            let suggestion = didYouMean(name.name, among: BuiltinDefinition.all.map(\.name), at: name.range)
            var help = suggestion?.help ?? []
            if Quantifier(rawValue: name.name) != nil {
                help.append("`\(name.name)` is a quantifier: `\(name.name) line in window\(Quantifier(rawValue: name.name)!.usesWhere ? " where" : ":") ...`")
            }
            report(.unknownFunction, "cannot find function `\(name.name)`", at: name.range, help: help,
                   fixIts: suggestion?.fixIts ?? [])
            _ = arguments.map { check($0.value) }
            return TypedExpression(kind: .boolean(false), type: .error, range: range)
        }
        // Positional arguments first, then labeled ones in the builtin's label order.
        var checked: [TypedExpression] = []
        var labeled: [String: (TypedExpression, ArgumentSyntax)] = [:]
        for argument in arguments {
            let value = check(argument.value)
            if let label = argument.label {
                guard builtin.labels.contains(label.name) else {
                    report(.unknownArgumentLabel, "`\(builtin.name)` has no parameter labeled `\(label.name)`", at: label.range,
                           help: builtin.labels.isEmpty ? ["`\(builtin.name)` takes no labeled arguments"] : ["labels of `\(builtin.name)`: \(builtin.labels.joined(separator: ", "))"])
                    continue
                }
                labeled[label.name] = (value, argument)
            } else {
                if !labeled.isEmpty {
                    report(.unknownArgumentLabel, "positional arguments come before labeled ones", at: argument.value.range)
                }
                checked.append(value)
            }
        }
        let total = checked.count + labeled.count
        guard builtin.arity.contains(total) else {
            let expected = builtin.arity.count == 1 ? "\(builtin.arity.lowerBound)" : "\(builtin.arity.lowerBound) to \(builtin.arity.upperBound)"
            report(.wrongArgumentCount, "`\(builtin.name)` takes \(expected) argument\(builtin.arity.upperBound == 1 ? "" : "s"), found \(total)",
                   at: range, notes: builtin.signatures.map { "signature: \($0)" })
            return TypedExpression(kind: .boolean(false), type: .error, range: range)
        }
        for label in builtin.labels {
            if let (value, _) = labeled[label] { checked.append(value) }
        }
        return typeBuiltin(BuiltinCall(definition: builtin, arguments: checked, range: range))
    }
}
