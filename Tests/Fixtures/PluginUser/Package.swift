// swift-tools-version: 6.2
// A package that uses Warden the way an outside user does: it depends on Warden
// by path, compiles its rule packs with the WardenRules build plugin, and runs
// them with RuleRuntime.

import PackageDescription

let package = Package(
    name: "PluginUser",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Warden", path: "../../.."),
    ],
    targets: [
        .executableTarget(
            name: "LoginMonitor",
            dependencies: [.product(name: "RuleRuntime", package: "Warden")],
            plugins: [.plugin(name: "WardenRules", package: "Warden")]
        ),
    ]
)
