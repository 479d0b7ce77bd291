// Rules and the engine speak WardenCore's vocabulary (`Verdict`, `RuleKind`,
// `Severity`, `Stage`). Code that runs compiled packs imports RuleRuntime
// alone, so RuleRuntime re-exports the vocabulary with it.
@_exported import WardenCore
