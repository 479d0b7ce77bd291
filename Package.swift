// swift-tools-version: 6.2
// Warden: log anomaly detection with typed rule packs that compile to Swift.

import PackageDescription

/// Settings shared by every Warden target: Swift 6 language mode and no warnings.
let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Warden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "warden", targets: ["warden"]),
        .executable(name: "warden-bench", targets: ["WardenBenchmarks"]),
        .executable(name: "warden-compile", targets: ["warden-compile"]),
        .executable(name: "warden-fuzz", targets: ["warden-fuzz"]),
        .library(name: "WardenCore", targets: ["WardenCore"]),
        .library(name: "PCRE2", targets: ["PCRE2"]),
        .library(name: "Vectorscan", targets: ["Vectorscan"]),
        .library(name: "RuleLanguage", targets: ["RuleLanguage"]),
        .library(name: "RuleRuntime", targets: ["RuleRuntime"]),
        .library(name: "RuleInterpreter", targets: ["RuleInterpreter"]),
        .library(name: "RuleCodegen", targets: ["RuleCodegen"]),
        .library(name: "RuleLint", targets: ["RuleLint"]),
        .library(name: "LogParsing", targets: ["LogParsing"]),
        // For embedding detection: reading and windowing logs, the FAME fallback, evaluation and detection runs.
        .library(name: "LogInput", targets: ["LogInput"]),
        .library(name: "FAME", targets: ["FAME"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Runs", targets: ["Runs"]),
        .library(name: "GeneratedRules", targets: ["GeneratedRules"]),
        .plugin(name: "WardenRules", targets: ["WardenRules"]),
        .plugin(name: "GenerateRules", targets: ["GenerateRules"]),
        .plugin(name: "LintRules", targets: ["LintRules"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // The shared vocabulary: verdicts, rule kinds, severities, stages, truth, scores, splits. No dependencies.
        .target(
            name: "WardenCore",
            swiftSettings: strictSettings
        ),
        // PCRE2's 8-bit library from the system (Debian: libpcre2-dev).
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        // A safe Swift wrapper over PCRE2: compile, JIT, limits, captures.
        .target(
            name: "PCRE2",
            dependencies: ["CPCRE2"],
            swiftSettings: strictSettings
        ),
        // Vectorscan (the portable Hyperscan) from the system (Debian: libvectorscan-dev):
        // one scan matches every line test of a pack at once.
        .systemLibrary(
            name: "CVectorscan",
            pkgConfig: "libhs",
            providers: [.apt(["libvectorscan-dev"]), .brew(["vectorscan"])]
        ),
        // A safe Swift wrapper over Vectorscan's block mode: multi-pattern databases and scratch.
        .target(
            name: "Vectorscan",
            dependencies: ["CVectorscan"],
            swiftSettings: strictSettings
        ),
        // The rule language's front end: lexer, parser, checker, diagnostics, formatter.
        .target(
            name: "RuleLanguage",
            dependencies: ["WardenCore", "PCRE2"],
            swiftSettings: strictSettings
        ),
        // What interpreted and compiled rules execute against: windows, line tests,
        // evidence, builtin semantics and the detection engine.
        .target(
            name: "RuleRuntime",
            dependencies: ["WardenCore", "PCRE2", "Vectorscan"],
            swiftSettings: strictSettings
        ),
        // Runs checked packs: typed expressions compiled once to closures.
        .target(
            name: "RuleInterpreter",
            dependencies: ["RuleLanguage", "RuleRuntime"],
            swiftSettings: strictSettings
        ),
        // Checked packs → Swift source that imports only RuleRuntime.
        .target(
            name: "RuleCodegen",
            dependencies: ["WardenCore", "RuleLanguage"],
            swiftSettings: strictSettings
        ),
        // The linter: one file per lint (Lints/), configuration, suppressions, baseline, fix-its (docs/lint.md).
        .target(
            name: "RuleLint",
            dependencies: ["WardenCore", "PCRE2", "RuleLanguage", "RuleRuntime", "RuleInterpreter",
                           .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strictSettings
        ),
        // The lean compiler the plugins run: front end, linter and code generator.
        .executableTarget(
            name: "warden-compile",
            dependencies: ["RuleLanguage", "RuleCodegen", "RuleLint"],
            swiftSettings: strictSettings
        ),
        // Build tool plugin: *.warden in a target → Swift, at build time.
        .plugin(
            name: "WardenRules",
            capability: .buildTool(),
            dependencies: ["warden-compile"]
        ),
        // Command plugin: `swift package generate-rules` writes the generated Swift for review.
        .plugin(
            name: "GenerateRules",
            capability: .command(
                intent: .custom(verb: "generate-rules", description: "Write the Swift generated from each *.warden pack to Generated/<Target>/"),
                permissions: [.writeToPackageDirectory(reason: "writes the generated Swift to Generated/<Target>/ for review")]
            ),
            dependencies: ["warden-compile"]
        ),
        // Command plugin: `swift package lint-rules` lints every *.warden pack of the package's targets.
        .plugin(
            name: "LintRules",
            capability: .command(
                intent: .custom(verb: "lint-rules", description: "Lint every *.warden rule pack of the package's targets")
            ),
            dependencies: ["warden-compile"]
        ),
        // The shipped packs, compiled to Swift by the plugin.
        .target(
            name: "GeneratedRules",
            dependencies: ["RuleRuntime"],
            path: "GeneratedRules",
            exclude: ["README.md"],
            swiftSettings: strictSettings,
            plugins: ["WardenRules"]
        ),
        // The Drain template miner: tokens, masking, message content, grouping accuracy.
        .target(
            name: "LogParsing",
            dependencies: ["WardenCore"],
            swiftSettings: strictSettings
        ),
        // A BERT sentence encoder (all-MiniLM-L6-v2) in plain Swift: WordPiece, transformer, mean pooling.
        .target(
            name: "SentenceEncoder",
            // Optimised in debug builds too: unoptimised, one embedding takes seconds and the parity test minutes.
            swiftSettings: strictSettings + [.unsafeFlags(["-O"])]
        ),
        // FAME: K-shot labels, failure domains and their certification, router and experts, the model file.
        .target(
            name: "FAME",
            dependencies: ["WardenCore", "LogParsing", "ChatCompletions", "RuleRuntime", "SentenceEncoder",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // zlib from the system (Debian: zlib1g-dev), for gzip input.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // Reading logs: files, stdin and gzip; formats with label stripping; label files; windowing.
        .target(
            name: "LogInput",
            dependencies: ["WardenCore", "CZlib", "PCRE2", "RuleRuntime", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: strictSettings
        ),
        // Scores of a pack on labeled logs: window and message level, per rule, splits.
        .target(
            name: "Evaluation",
            dependencies: ["WardenCore", "RuleRuntime"],
            swiftSettings: strictSettings
        ),
        // A client for OpenAI-compatible chat-completions endpoints: retries, backoff, usage;
        // and the HTTP transport (proxies from the environment) every Warden request uses.
        .target(
            name: "ChatCompletions",
            dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // Rule synthesis (CodeAD): features, clustering, anchor sampling, the agent loop, proposers.
        .target(
            name: "Synthesis",
            dependencies: ["WardenCore", "PCRE2", "RuleLanguage", "RuleRuntime", "RuleInterpreter", "RuleLint", "LogInput", "LogParsing", "ChatCompletions"],
            swiftSettings: strictSettings
        ),
        // The library behind the commands: evaluation runs, detection records, labeled message sets.
        .target(
            name: "Runs",
            dependencies: ["WardenCore", "RuleRuntime", "LogInput", "LogParsing", "Evaluation", "FAME"],
            swiftSettings: strictSettings
        ),
        // The `warden` command-line tool.
        .executableTarget(
            name: "warden",
            dependencies: [
                "PCRE2",
                "RuleLanguage",
                "RuleRuntime",
                "RuleInterpreter",
                "RuleCodegen",
                "GeneratedRules",
                "RuleLint",
                "LogInput",
                "Evaluation",
                "Synthesis",
                "LogParsing",
                "ChatCompletions",
                "FAME",
                "Runs",
                "Bundles",
                "LiveDetection",
                "WardenCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Signed rule bundles: the archive, manifest, keys, verification and loading (docs/bundles.md).
        .target(
            name: "Bundles",
            dependencies: ["WardenCore", "RuleLanguage", "RuleRuntime", "RuleInterpreter", "LogInput", "LogParsing", "FAME",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The long-running detector: followed logs, bundles polled and activated live, metrics and health over HTTP.
        .target(
            name: "LiveDetection",
            dependencies: ["WardenCore", "RuleRuntime", "LogInput", "Runs", "Bundles", "FAME", "ChatCompletions",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // Fuzz targets for everything that reads untrusted bytes, shared by the suite and `warden-fuzz`.
        .target(
            name: "Fuzzing",
            dependencies: ["WardenCore", "CZlib", "RuleLanguage", "LogInput", "LogParsing", "FAME", "Bundles"],
            swiftSettings: strictSettings
        ),
        // `warden-fuzz`: seed corpora, replays and libFuzzer runs (scripts/fuzz.sh).
        .executableTarget(
            name: "warden-fuzz",
            dependencies: ["Fuzzing"],
            swiftSettings: strictSettings
        ),
        // `warden-bench`: throughput figures, kept apart from the test suite.
        .executableTarget(
            name: "WardenBenchmarks",
            dependencies: [
                "WardenCore",
                "PCRE2",
                "RuleLanguage",
                "RuleRuntime",
                "RuleInterpreter",
                "RuleCodegen",
                "RuleLint",
                "LogInput",
                "GeneratedRules",
                "Vectorscan",
                "LogParsing",
                "FAME",
                "Synthesis",
                "Evaluation",
                "Bundles",
                "LiveDetection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RuleLanguageTests",
            dependencies: ["TestSupport", "WardenCore", "RuleLanguage", "Fuzzing"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: ["TestSupport", "WardenCore", "RuleLanguage", "RuleRuntime", "RuleInterpreter", "LogInput", "Evaluation", "PCRE2"],
            swiftSettings: strictSettings
        ),
        // Golden generated Swift (compiled into this target) and differential tests against the interpreter.
        .testTarget(
            name: "CodegenTests",
            dependencies: ["TestSupport", "WardenCore", "PCRE2", "RuleLanguage", "RuleRuntime", "RuleInterpreter", "RuleCodegen", "LogInput"],
            exclude: ["RandomPacks", "BuiltinExamples"],
            swiftSettings: strictSettings
        ),
        // What every test target shares: repository paths and the golden-file recording switch.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        // A scripted chat-completions server on loopback, for tests of LLM clients.
        .target(
            name: "ChatTestSupport",
            path: "Tests/ChatTestSupport"
        ),
        .testTarget(
            name: "SynthesisTests",
            dependencies: ["TestSupport", "WardenCore", "Synthesis", "ChatCompletions", "ChatTestSupport", "RuleLanguage", "RuleRuntime", "RuleInterpreter", "RuleLint", "PCRE2"],
            swiftSettings: strictSettings
        ),
        // End-to-end tests of the `warden` executable.
        .testTarget(
            name: "CLITests",
            dependencies: ["TestSupport", "ChatCompletions", .target(name: "warden"), .target(name: "warden-compile"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LogParsingTests",
            dependencies: ["TestSupport", "WardenCore", "LogParsing", "LogInput"],
            exclude: ["Drain3", "Samples"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FAMETests",
            dependencies: ["TestSupport", "WardenCore", "FAME", "SentenceEncoder", "LogParsing", "LogInput", "RuleRuntime", "ChatCompletions", "ChatTestSupport"],
            exclude: ["Encoder"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FuzzingTests",
            dependencies: ["TestSupport", "WardenCore", "Fuzzing"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BundleTests",
            dependencies: ["TestSupport", "Bundles", "LogInput", "RuleRuntime"],
            swiftSettings: strictSettings
        ),
        // Every lint's examples, the rendered formats (golden files), configuration, suppression, baseline, --fix.
        .testTarget(
            name: "RuleLintTests",
            dependencies: ["TestSupport", "WardenCore", "RuleLanguage", "RuleRuntime", "RuleLint"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PCRE2Tests",
            dependencies: ["TestSupport", "PCRE2"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
