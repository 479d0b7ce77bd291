import ArgumentParser
import Bundles
import Foundation
import GeneratedRules
import RuleCodegen
import RuleInterpreter
import RuleLanguage
import RuleRuntime

/// `--pack FILE`: a rule pack, or a signed bundle verified with `--key`.
struct PackOptions: ParsableArguments {
    @Option(help: "The rule pack to run, or a signed bundle (from `warden bundle build`).")
    var pack: String

    @OptionGroup var bundle: BundleKeyOptions

    @Flag(help: "Run the pack as the Swift compiled into this warden (the shipped packs of GeneratedRules) instead of interpreting it; refused unless the file is the pack that was compiled.")
    var compiled = false

    /// The rules `--pack` names, checked (and for a bundle, verified and loaded).
    func load() throws -> PackRules {
        let data = try readFile(pack)
        guard BundleArchive.looksLikeBundle(data) else {
            let checked = try loadPack(pack)
            guard compiled else {
                return PackRules(label: "pack \(checked.name)", ruleSet: Interpreter.ruleSet(for: checked), bundle: nil)
            }
            guard let rules = GeneratedPacks.named(checked.name) else {
                let names = GeneratedPacks.all.map(\.name).joined(separator: ", ")
                throw CommandFailure("--compiled: pack \(checked.name) is not compiled into this warden (it has \(names)); run it without --compiled")
            }
            guard rules.digest == CodeGenerator.digest(of: checked) else {
                throw CommandFailure("--compiled: \(pack) is not the pack \(checked.name) compiled into this warden (it changed since): rebuild warden, or run it without --compiled")
            }
            return PackRules(label: "pack \(checked.name) (compiled)", ruleSet: rules, bundle: nil)
        }
        if compiled { throw CommandFailure("--compiled runs a pack file, not a bundle") }
        let loaded = try bundle.open(pack, data: data)
        return PackRules(label: "bundle \(loaded.manifest.name) \(loaded.manifest.version) (revision \(loaded.manifest.revision))",
                         ruleSet: loaded.ruleSet, bundle: loaded)
    }
}

/// What `--pack` named: its rules, and the bundle they came from, if any.
struct PackRules {
    /// `pack NAME`, or `bundle NAME VERSION (revision N)`.
    let label: String
    let ruleSet: RuleSet
    let bundle: LoadedBundle?
}

/// `--key` and `--min-revision`: how a bundle is verified.
struct BundleKeyOptions: ParsableArguments {
    @Option(help: "With a bundle: the PEM public key that must have signed it (default: $WARDEN_BUNDLE_KEY).")
    var key: String?

    @Option(help: "With a bundle: refuse a revision below this one (rollback protection).")
    var minRevision: Int?

    /// Verifies and loads the bundle at `path`; a bundle is never used unverified.
    func open(_ path: String, data: Data) throws -> LoadedBundle {
        guard let keyPath = key ?? ProcessInfo.processInfo.environment["WARDEN_BUNDLE_KEY"] else {
            throw CommandFailure("\(path) is a signed bundle: pass --key with the public key that must have signed it")
        }
        let publicKey = try verificationKey(keyPath)
        do throws(BundleError) { return try RuleBundle.open([UInt8](data), key: publicKey, minimumRevision: minRevision) } catch {
            throw CommandFailure("\(path): \(error.description)")
        }
    }
}

/// Reads a PEM public key with a clear error.
func verificationKey(_ path: String) throws -> VerificationKey {
    let text = String(decoding: try readFile(path), as: UTF8.self)
    do throws(BundleError) { return try VerificationKey(pem: text, source: path) } catch { throw CommandFailure(error.description) }
}
