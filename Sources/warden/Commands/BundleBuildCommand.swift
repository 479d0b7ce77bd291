import ArgumentParser
import Bundles
import Foundation

/// `warden bundle build`: packs (and a FAME model) into one signed file.
struct BundleBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Check and test packs, then write them, with an optional FAME model, as one signed bundle.",
        discussion: """
            Refuses packs that do not check or whose tests fail, a model that does not load, and \
            invalid settings. The detection settings (--format, --window and the rest) are recorded \
            in the manifest; commands that run the bundle use them unless told otherwise. \
            SOURCE_DATE_EPOCH, when set, is the creation time (reproducible builds).
            """
    )

    @Argument(help: "Rule packs (*.warden).")
    var packs: [String]

    @Option(help: "A FAME model (from `warden fame train`) to ship as the fallback.")
    var fame: String?

    @Option(help: "With --fame: the fallback's decision threshold to record (default: the model's).")
    var fameThreshold: Double?

    @Option(help: "A Drain state (from `warden templates --save-state`) to ship.")
    var drainState: String?

    @Option(help: "The bundle's name (default: the first pack's name).")
    var name: String?

    @Option(name: .customLong("version"), help: "The semantic version of what ships (default: the first pack's version).")
    var version: String?

    @Option(help: "The revision: a positive integer, higher than every earlier bundle of this name (rollback protection).")
    var revision: Int

    @Option(help: "The PEM private key to sign with (from `warden bundle keygen`).")
    var key: String

    @Flag(help: "Refuse to write the bundle when there are warnings (from its packs or its settings).")
    var strict = false

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: "The bundle file to write.")
    var output: String

    func validate() throws {
        if let fameThreshold, !(0...1).contains(fameThreshold) { throw ValidationError("--fame-threshold takes a score between 0 and 1") }
        if fameThreshold != nil, fame == nil { throw ValidationError("--fame-threshold needs --fame") }
    }

    func run() throws {
        let signer: SigningKey
        let keyText = String(decoding: try readFile(key), as: UTF8.self)
        do throws(BundleError) { signer = try SigningKey(pem: keyText, source: key) } catch {
            throw CommandFailure(error.description)
        }
        let sources = try packs.map { (path: $0, bytes: [UInt8](try readFile($0))) }
        let first = try loadPack(packs[0])
        var settings = input.settings
        settings.fameThreshold = fameThreshold
        let source = BundleSource(name: name ?? first.name, version: version ?? first.version, revision: revision, settings: settings,
                                  packs: sources, fameModel: try fame.map { [UInt8](try readFile($0)) },
                                  drainState: try drainState.map { [UInt8](try readFile($0)) })
        let created = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:)) ?? Date()
        let built: (bytes: [UInt8], warnings: [String])
        do throws(BundleError) { built = try RuleBundle.build(source, key: signer, created: created) } catch {
            throw CommandFailure(error.description)
        }
        for warning in built.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        if strict, !built.warnings.isEmpty { throw CommandFailure("\(built.warnings.count) warning\(built.warnings.count == 1 ? "" : "s") with --strict; nothing written") }
        try OutputFile.write(Data(built.bytes), to: output)
        let loaded = try RuleBundle.open(built.bytes, key: signer.publicKey)
        print("""
            built \(output): \(loaded.manifest.name) \(loaded.manifest.version), revision \(loaded.manifest.revision), \
            \(loaded.packs.count) pack\(loaded.packs.count == 1 ? "" : "s"), \(loaded.ruleSet.rules.count) rules\
            \(loaded.fameModel == nil ? "" : ", FAME model"); signed by key \(loaded.manifest.signer); \
            sha256 \(BundleFile.digest(built.bytes))
            """)
    }
}
