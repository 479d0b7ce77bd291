import RuleRuntime

/// The rule packs of this target, compiled to Swift at build time by the
/// `WardenRules` plugin (one `<Name>Pack` type per `Packs/*.warden`).
public enum GeneratedPacks {
    /// Every pack, in name order.
    public static let all: [RuleSet] = [BglPack.ruleSet, BglSynthesizedPack.ruleSet, HdfsPack.ruleSet, HdfsSynthesizedPack.ruleSet]

    /// The pack with this name, if the target has it.
    public static func named(_ name: String) -> RuleSet? {
        all.first { $0.name == name }
    }
}
