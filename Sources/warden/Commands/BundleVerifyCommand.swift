import ArgumentParser
import Bundles
import Foundation

/// `warden bundle verify`: every check a detector makes before it loads a bundle.
struct BundleVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a bundle's signature, files, revision and contents; exit 1 with the reason when it is refused."
    )

    @Argument(help: "The bundle file.")
    var bundle: String

    @OptionGroup var keyOptions: BundleKeyOptions

    func run() throws {
        let loaded = try keyOptions.open(bundle, data: try readFile(bundle))
        let manifest = loaded.manifest
        print("ok: \(manifest.name) \(manifest.version), revision \(manifest.revision), \(manifest.files.count) file\(manifest.files.count == 1 ? "" : "s") match, signed by key \(manifest.signer)")
    }
}
