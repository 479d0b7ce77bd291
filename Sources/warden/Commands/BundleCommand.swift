import ArgumentParser

/// `warden bundle`: signed rule bundles, the unit Warden ships.
struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Build, sign, verify, inspect and compare rule bundles (see docs/bundles.md).",
        subcommands: [BundleKeygenCommand.self, BundleBuildCommand.self, BundleVerifyCommand.self,
                      BundleInspectCommand.self, BundleDiffCommand.self]
    )
}
