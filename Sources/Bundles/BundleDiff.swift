import RuleLanguage

/// A rule that one bundle has and the other has not, or has in another form.
public struct RuleChange: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Encodable {
        case added, removed, changed
    }

    public var kind: Kind
    public var rule: String
    /// The pack file (in the bundle) that holds the rule: the new one's, or the old one's for a removal.
    public var pack: String
    /// The rule's canonical form before and after (no comments; see `Formatter.canonicalForm(of:)`).
    public var before: String?
    public var after: String?
}

extension LoadedBundle {
    /// Every rule by name: its pack file and canonical form.
    var canonicalRules: [String: (pack: String, form: String)] {
        var rules: [String: (String, String)] = [:]
        for source in packSources {
            for case .rule(let rule) in Parser.parse(source).syntax.items {
                rules[rule.name.name] = (source.path, Formatter().canonicalForm(of: rule))
            }
        }
        return rules
    }

    /// Rules added, removed or changed from `old` to this bundle, by rule name.
    public func ruleChanges(since old: LoadedBundle) -> [RuleChange] {
        let before = old.canonicalRules, after = canonicalRules
        var changes: [RuleChange] = []
        for name in Set(before.keys).union(after.keys).sorted() {
            switch (before[name], after[name]) {
            case (nil, let new?): changes.append(RuleChange(kind: .added, rule: name, pack: new.pack, after: new.form))
            case (let gone?, nil): changes.append(RuleChange(kind: .removed, rule: name, pack: gone.pack, before: gone.form))
            case (let was?, let now?) where was.form != now.form:
                changes.append(RuleChange(kind: .changed, rule: name, pack: now.pack, before: was.form, after: now.form))
            default: break
            }
        }
        return changes
    }
}
