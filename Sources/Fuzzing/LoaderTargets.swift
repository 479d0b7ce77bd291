import Bundles
import FAME
import Foundation
import LogParsing

/// The FAME model and Drain state loaders: refuse with a reason, or load
/// something that saves and loads again to the same bytes.
enum LoaderTargets {
    static func fameModel(_ bytes: [UInt8]) throws(FuzzFailure) {
        let model: FAMEModel
        do { model = try FAMEModel(fileData: Data(bytes)) } catch let error as FAMEError {
            guard !error.description.isEmpty else { throw FuzzFailure("refused without a reason") }
            return
        } catch {
            throw FuzzFailure("refused with \(type(of: error)), not a FAMEError: \(error)")
        }
        do {
            let saved = try model.fileData()
            let again = try FAMEModel(fileData: saved)
            guard try again.fileData() == saved else { throw FuzzFailure("a loaded model does not save to the same bytes twice") }
        } catch let failure as FuzzFailure {
            throw failure
        } catch {
            throw FuzzFailure("a loaded model does not save and load again: \(error)")
        }
    }

    static func famePayload(_ bytes: [UInt8]) throws(FuzzFailure) {
        try fameModel(FAMEModel.framed(payload: bytes))
    }

    static func drainState(_ bytes: [UInt8]) throws(FuzzFailure) {
        let drain: Drain
        do { drain = try JSONDecoder().decode(Drain.self, from: Data(bytes)) } catch {
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            let saved = try encoder.encode(drain)
            let again = try encoder.encode(try JSONDecoder().decode(Drain.self, from: saved))
            guard again == saved else { throw FuzzFailure("a loaded Drain state does not save to the same bytes twice") }
        } catch let failure as FuzzFailure {
            throw failure
        } catch {
            throw FuzzFailure("a loaded Drain state does not save and load again: \(error)")
        }
    }

    /// The key fuzzed bundles are checked against (fixed, so that seeds signed with it stay valid between runs).
    static let key = try! SigningKey(raw: Array(0..<32))

    static func bundle(_ bytes: [UInt8]) throws(FuzzFailure) {
        if let entries = try? BundleArchive.read(bytes), BundleArchive.write(entries) != bytes {
            throw FuzzFailure("an archive that reads does not write back to the same bytes: not canonical")
        }
        do throws(BundleError) { _ = try RuleBundle.open(bytes, key: key.publicKey) } catch {
            guard !error.description.isEmpty else { throw FuzzFailure("refused without a reason") }
        }
    }
}
