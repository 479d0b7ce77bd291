import PCRE2
import WardenCore

/// Rule attributes: `@severity`, `@domain`, `@tags`, `@provenance`.
extension Checker {
    struct DecodedAttributes {
        var severity: Severity?
        var domain: String?
        var tags: [String] = []
        var provenance: Provenance?
    }

    mutating func checkAttributes(_ attributes: [AttributeSyntax]) -> DecodedAttributes {
        var decoded = DecodedAttributes()
        var seen: [String: SourceRange] = [:]
        let known = ["severity", "domain", "tags", "provenance"]
        for attribute in attributes {
            let name = attribute.name.name
            guard known.contains(name) else {
                let suggestion = didYouMean(name, among: known, at: attribute.name.range, shownWith: "@")
                report(.unknownAttribute, "unknown attribute `@\(name)`", at: attribute.name.range,
                       help: suggestion?.help ?? ["rules take @severity, @domain, @tags and @provenance"],
                       fixIts: suggestion?.fixIts ?? [])
                continue
            }
            if let first = seen[name] {
                report(.duplicateAttribute, "`@\(name)` appears more than once", at: attribute.range,
                       secondary: [.init(first, "first given here")])
                continue
            }
            seen[name] = attribute.range
            switch name {
            case "severity":
                let levels = Severity.allCases.map(\.rawValue)
                if attribute.arguments.count == 1, attribute.arguments[0].label == nil,
                   case .name(let level) = attribute.arguments[0].value.kind, let severity = Severity(rawValue: level) {
                    decoded.severity = severity
                } else {
                    report(.invalidAttributeArgument, "`@severity` takes one of \(levels.joined(separator: ", "))",
                           at: attribute.range)
                }
            case "domain":
                if attribute.arguments.count == 1, attribute.arguments[0].label == nil,
                   case .string(let domain) = attribute.arguments[0].value.kind, !domain.isEmpty {
                    decoded.domain = domain
                } else {
                    report(.invalidAttributeArgument, "`@domain` takes one non-empty string, e.g. `@domain(\"network\")`",
                           at: attribute.range)
                }
            case "tags":
                var tags: [String] = []
                for argument in attribute.arguments {
                    if argument.label == nil, case .string(let tag) = argument.value.kind, !tag.isEmpty {
                        tags.append(tag)
                    } else {
                        report(.invalidAttributeArgument, "`@tags` takes non-empty strings, e.g. `@tags(\"kernel\", \"memory\")`",
                               at: argument.value.range)
                    }
                }
                if attribute.arguments.isEmpty {
                    report(.invalidAttributeArgument, "`@tags` needs at least one tag", at: attribute.range)
                }
                decoded.tags = tags
            default:
                decoded.provenance = checkProvenance(attribute)
            }
        }
        return decoded
    }

    mutating func checkProvenance(_ attribute: AttributeSyntax) -> Provenance {
        var provenance = Provenance()
        var seenLabels: Set<String> = []
        for argument in attribute.arguments {
            guard let label = argument.label else {
                report(.invalidAttributeArgument, "`@provenance` arguments are labeled: backend, model, epoch, coverage",
                       at: argument.value.range)
                continue
            }
            guard seenLabels.insert(label.name).inserted else {
                report(.invalidAttributeArgument, "`\(label.name)` is given twice", at: label.range)
                continue
            }
            switch (label.name, argument.value.kind) {
            case ("backend", .string(let value)): provenance.backend = value
            case ("model", .string(let value)): provenance.model = value
            case ("epoch", .integer(let value)) where value >= 0: provenance.epoch = value
            case ("coverage", .float(let value, _)) where (0...1).contains(value): provenance.coverage = value
            case ("coverage", .integer(let value)) where value == 0 || value == 1: provenance.coverage = Double(value)
            case ("backend", _), ("model", _):
                report(.invalidAttributeArgument, "`\(label.name)` takes a string", at: argument.value.range)
            case ("epoch", _):
                report(.invalidAttributeArgument, "`epoch` takes a non-negative integer", at: argument.value.range)
            case ("coverage", _):
                report(.invalidAttributeArgument, "`coverage` takes a number between 0 and 1", at: argument.value.range)
            default:
                let suggestion = closest(to: label.name, among: ["backend", "model", "epoch", "coverage"])
                report(.invalidAttributeArgument, "`@provenance` has no argument `\(label.name)`", at: label.range,
                       help: suggestion.map { ["did you mean `\($0)`?"] } ?? [])
            }
        }
        return provenance
    }

    // MARK: - Expressions
}
