import FAME
import Foundation
import LogInput
import LogParsing
import RuleInterpreter
import RuleLanguage
import RuleRuntime
import WardenCore

/// What a bundle is built from: packs, an optional FAME model and Drain state, and how they run.
public struct BundleSource: Sendable {
    public var name: String
    public var version: String
    public var revision: Int
    public var settings: DetectionSettings
    /// Each pack's path (its file name is its name in the bundle) and source.
    public var packs: [(path: String, bytes: [UInt8])]
    public var fameModel: [UInt8]?
    public var drainState: [UInt8]?

    public init(name: String, version: String, revision: Int, settings: DetectionSettings,
                packs: [(path: String, bytes: [UInt8])], fameModel: [UInt8]? = nil, drainState: [UInt8]? = nil) {
        self.name = name
        self.version = version
        self.revision = revision
        self.settings = settings
        self.packs = packs
        self.fameModel = fameModel
        self.drainState = drainState
    }
}

/// A bundle that verified and loaded: every check passed, and these are its parts ready to run.
public struct LoadedBundle: Sendable {
    public let manifest: BundleManifest
    /// The bundle file itself (to keep as the last good bundle).
    public let bytes: [UInt8]
    public let packs: [CheckedPack]
    /// The packs' sources as they are in the bundle, for diffs and inspection.
    public let packSources: [SourceFile]
    public let fameModel: FAMEModel?
    public let drain: Drain?

    /// Every pack's rules as one rule set.
    public var ruleSet: RuleSet { Interpreter.ruleSet(for: packs, name: manifest.name, version: manifest.version) }

    /// The bundle's FAME model as a fallback, deciding at the bundle's threshold (else the model's).
    public var fameFallback: FAMEFallback? {
        fameModel.map { FAMEFallback(model: $0, decision: manifest.settings.fameThreshold.map { WindowDecision(threshold: $0) }) }
    }
}

/// Building, signing, verifying and loading rule bundles (docs/bundles.md).
public enum RuleBundle {
    public static let manifestName = "manifest.json"
    public static let signatureName = "signature.ed25519"

    /// A signed bundle of `source`. The packs must check and pass their tests, the model and
    /// state must load, and the settings must be valid; warnings are returned for the caller to show.
    public static func build(_ source: BundleSource, key: SigningKey, created: Date = Date()) throws(BundleError) -> (bytes: [UInt8], warnings: [String]) {
        try requireName(source.name)
        guard isSemanticVersion(source.version) else { throw .build("version `\(source.version)` is not a semantic version such as 1.4.0") }
        guard source.revision >= 1 else { throw .build("the revision must be a positive integer (it orders bundles of one name)") }
        guard !source.packs.isEmpty else { throw .build("a bundle needs at least one pack") }
        var warnings: [String] = []
        var payload: [(file: BundleFile, bytes: [UInt8])] = []
        for (path, bytes) in source.packs {
            let name = "packs/" + URL(fileURLWithPath: path).lastPathComponent
            guard name.hasSuffix(".warden") else { throw .build("\(path): a pack's file name ends in .warden") }
            guard !payload.contains(where: { $0.file.path == name }) else { throw .build("two packs are named \(name): rename one") }
            let file = SourceFile(path: path, bytes: bytes)
            let result = Frontend.check(file)
            guard let pack = result.pack else {
                throw .build("\(path) does not check:\n" + HumanRenderer(colored: false).render(result.diagnosed))
            }
            warnings += result.diagnostics.map { "\(path): warning[\($0.code.rawValue)]: \($0.message)" }
            let failed = PackTestRunner.run(pack).filter { !$0.passed }
            guard failed.isEmpty else {
                throw .build("\(path): \(failed.count == 1 ? "1 test fails" : "\(failed.count) tests fail"): " + failed.map { "\"\($0.test.name)\"" }.joined(separator: ", ")
                    + " (see `warden test \(path)`)")
            }
            payload.append((try fileEntry(name, .pack, bytes), bytes))
        }
        if let model = source.fameModel { payload.append((try fileEntry("fame/model.fame", .fameModel, model), model)) }
        if let state = source.drainState { payload.append((try fileEntry("drain/state.json", .drainState, state), state)) }
        let manifest = BundleManifest(name: source.name, version: source.version, revision: source.revision,
                                      created: timestamp(created), wardenVersion: WardenVersion.current,
                                      languageVersion: WardenVersion.language, signer: key.publicKey.id,
                                      settings: source.settings, files: payload.map(\.file))
        let manifestBytes: [UInt8]
        let signature: [UInt8]
        do {
            manifestBytes = try manifest.canonicalBytes()
            signature = try key.sign(manifestBytes)
        } catch {
            throw .build("cannot sign the manifest: \(error)")
        }
        let bytes = BundleArchive.write([BundleArchive.Entry(name: manifestName, bytes: manifestBytes), BundleArchive.Entry(name: signatureName, bytes: signature)]
            + payload.map { BundleArchive.Entry(name: $0.file.path, bytes: $0.bytes) })
        // What is shipped must load: the same checks a detector makes.
        do { _ = try open(bytes, key: key.publicKey) } catch {
            throw .build(error.description)
        }
        if case .session(_, nil, let maximumLines)? = try? source.settings.windowing().policy {
            warnings.append("settings: session windows without --idle: a long-running detector keeps every session open until it reaches "
                + "\(maximumLines) lines (--max-window-lines), so its memory grows with the sessions the logs open; --idle closes quiet ones")
        }
        return (bytes, warnings)
    }

    /// Verifies and loads a bundle. The signature is checked before anything in the manifest
    /// is believed; then the format version, the file list, every file's hash, the revision
    /// (not below `minimumRevision`), the settings, and that the packs check and the model loads.
    public static func open(_ bytes: [UInt8], key: VerificationKey, minimumRevision: Int? = nil) throws(BundleError) -> LoadedBundle {
        let entries = try BundleArchive.read(bytes)
        guard entries.count >= 2, entries[0].name == manifestName, entries[1].name == signatureName else {
            throw .malformed("a bundle starts with \(manifestName) and \(signatureName); this one has \(entries.prefix(2).map(\.name).joined(separator: ", "))")
        }
        let manifestBytes = entries[0].bytes
        guard key.isValid(entries[1].bytes, for: manifestBytes) else {
            let claimed = try? JSONDecoder().decode(BundleManifest.self, from: Data(manifestBytes)).signer
            if let claimed, claimed != key.id {
                throw .badSignature("the bundle was signed by key \(claimed), not by the key given (\(key.id))")
            }
            throw .badSignature("the manifest or its signature was changed after signing, or another key signed it (key given: \(key.id))")
        }
        let manifest: BundleManifest
        do { manifest = try JSONDecoder().decode(BundleManifest.self, from: Data(manifestBytes)) } catch {
            let version = (try? JSONSerialization.jsonObject(with: Data(manifestBytes)) as? [String: Any])?["formatVersion"] as? Int
            if let version, version > BundleManifest.currentFormatVersion {
                throw .manifest("format version \(version) is newer than this Warden reads (\(BundleManifest.currentFormatVersion)): upgrade warden")
            }
            throw .manifest("the manifest does not decode: \(error)")
        }
        guard manifest.format == BundleManifest.formatName else { throw .manifest("format `\(manifest.format)`, expected \(BundleManifest.formatName)") }
        guard manifest.formatVersion <= BundleManifest.currentFormatVersion else {
            throw .manifest("format version \(manifest.formatVersion) is newer than this Warden reads (\(BundleManifest.currentFormatVersion)): upgrade warden")
        }
        guard manifest.languageVersion <= WardenVersion.language else {
            throw .manifest("its packs are in rule language version \(manifest.languageVersion); this Warden checks version \(WardenVersion.language): upgrade warden")
        }
        let payload = entries.dropFirst(2)
        let listed = manifest.files.map(\.path), present = payload.map(\.name)
        if let missing = listed.first(where: { !present.contains($0) }) { throw .manifest("\(missing) is listed in the manifest but missing from the bundle") }
        if let extra = present.first(where: { !listed.contains($0) }) { throw .manifest("\(extra) is in the bundle but not listed in the manifest") }
        guard listed == present else { throw .manifest("the files are not in the manifest's order, or one appears twice") }
        for (file, entry) in zip(manifest.files, payload) {
            guard entry.bytes.count == file.size, BundleFile.digest(entry.bytes) == file.sha256 else {
                throw .tampered("\(file.path): its SHA-256 is \(BundleFile.digest(entry.bytes)), the manifest says \(file.sha256)")
            }
        }
        if let minimumRevision, manifest.revision < minimumRevision { throw .rollback(active: minimumRevision, offered: manifest.revision) }
        return try load(manifest, entries: Array(payload), bytes: bytes)
    }

    /// The verified payload, checked as it would run.
    private static func load(_ manifest: BundleManifest, entries: [BundleArchive.Entry], bytes: [UInt8]) throws(BundleError) -> LoadedBundle {
        _ = try manifest.settings.windowing()
        var packs: [CheckedPack] = [], sources: [SourceFile] = []
        var model: FAMEModel?, drain: Drain?
        var ruleNames: [String: String] = [:]
        for (file, entry) in zip(manifest.files, entries) {
            switch file.role {
            case .pack:
                let source = SourceFile(path: file.path, bytes: entry.bytes)
                let pack: CheckedPack
                do throws(PackErrors) { pack = try Frontend.pack(source) } catch {
                    throw .content("\(file.path) no longer checks with this Warden:\n\(error.description)")
                }
                for rule in pack.rules {
                    if let other = ruleNames[rule.name] { throw .content("rule \(rule.name) is in both \(other) and \(file.path)") }
                    ruleNames[rule.name] = file.path
                }
                packs.append(pack)
                sources.append(source)
            case .fameModel:
                do { model = try FAMEModel(fileData: Data(entry.bytes)) } catch { throw .content("\(file.path): \(error)") }
            case .drainState:
                do { drain = try JSONDecoder().decode(Drain.self, from: Data(entry.bytes)) } catch { throw .content("\(file.path): not a Drain state (\(error))") }
            }
        }
        guard !packs.isEmpty else { throw .content("the bundle holds no pack") }
        return LoadedBundle(manifest: manifest, bytes: bytes, packs: packs, packSources: sources, fameModel: model, drain: drain)
    }

    private static func fileEntry(_ path: String, _ role: BundleFile.Role, _ bytes: [UInt8]) throws(BundleError) -> BundleFile {
        guard path.utf8.count <= BundleArchive.maximumNameLength,
              path.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-/".unicodeScalars.contains($0) }) else {
            throw .build("\(path): bundle file names use letters, digits, `.`, `_` and `-`, up to \(BundleArchive.maximumNameLength) bytes")
        }
        return BundleFile(path: path, role: role, size: bytes.count, sha256: BundleFile.digest(bytes))
    }

    private static func requireName(_ name: String) throws(BundleError) {
        guard !name.isEmpty, name.utf8.count <= 64,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }) else {
            throw .build("bundle name `\(name)`: use letters, digits, `.`, `_` and `-`, up to 64")
        }
    }

    /// `MAJOR.MINOR.PATCH`, with an optional `-prerelease` and `+build`.
    static func isSemanticVersion(_ text: String) -> Bool {
        let core = text.split(separator: "+", maxSplits: 1).first.map { $0.split(separator: "-", maxSplits: 1).first ?? "" } ?? ""
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        return numbers.count == 3 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && ($0 == "0" || $0.first != "0") }
            && !text.hasSuffix("-") && !text.hasSuffix("+")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
