import Crypto
import Foundation

/// An Ed25519 key pair's private half, for signing bundles. Stored as PEM
/// (PKCS#8, RFC 8410), so `openssl genpkey -algorithm ed25519` makes one too
/// and `openssl pkey -in KEY -pubout` derives its public key.
public struct SigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() {
        key = Curve25519.Signing.PrivateKey()
    }

    /// The key whose 32-byte seed is `raw` (RFC 8032).
    public init(raw: [UInt8]) throws(BundleError) {
        do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch {
            throw .badKey("an Ed25519 private key is 32 bytes, not \(raw.count)")
        }
    }

    /// Reads a PEM `PRIVATE KEY`; `source` names it in errors.
    public init(pem: String, source: String) throws(BundleError) {
        let raw = try PEM.decode(pem, label: "PRIVATE KEY", prefix: PEM.privatePrefix, source: source)
        do throws(BundleError) { try self.init(raw: raw) } catch {
            throw .badKey("\(source): not an Ed25519 private key")
        }
    }

    public var pem: String { PEM.encode(PEM.privatePrefix + [UInt8](key.rawRepresentation), label: "PRIVATE KEY") }
    public var publicKey: VerificationKey { VerificationKey(key: key.publicKey) }

    /// The Ed25519 signature of `bytes`.
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] { [UInt8](try key.signature(for: bytes)) }
}

/// An Ed25519 public key, for verifying bundles. Stored as PEM (`PUBLIC KEY`, SPKI, RFC 8410).
public struct VerificationKey: Sendable, Equatable {
    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) { self.key = key }

    /// Reads a PEM `PUBLIC KEY`; `source` names it in errors.
    public init(pem: String, source: String) throws(BundleError) {
        let raw = try PEM.decode(pem, label: "PUBLIC KEY", prefix: PEM.publicPrefix, source: source)
        do { key = try Curve25519.Signing.PublicKey(rawRepresentation: raw) } catch {
            throw .badKey("\(source): not an Ed25519 public key")
        }
    }

    public var pem: String { PEM.encode(PEM.publicPrefix + [UInt8](key.rawRepresentation), label: "PUBLIC KEY") }

    /// The first 16 hex digits of the SHA-256 of the raw key: what manifests and messages name a key by.
    public var id: String { String(BundleFile.digest([UInt8](key.rawRepresentation)).prefix(16)) }

    func isValid(_ signature: [UInt8], for bytes: [UInt8]) -> Bool { key.isValidSignature(signature, for: bytes) }

    public static func == (a: VerificationKey, b: VerificationKey) -> Bool { a.key.rawRepresentation == b.key.rawRepresentation }
}

/// PEM armour around the fixed DER of Ed25519 keys (RFC 8410: the algorithm identifier 1.3.101.112, then the 32 key bytes).
enum PEM {
    static let privatePrefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }

    static func decode(_ text: String, label: String, prefix: [UInt8], source: String) throws(BundleError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            let other = label == "PUBLIC KEY" && text.contains("PRIVATE KEY") ? " (this is a private key: pass the .pub file)" : ""
            throw .badKey("\(source): no `\(begin)` block\(other)")
        }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(body)).map([UInt8].init), der.count == prefix.count + 32, Array(der.prefix(prefix.count)) == prefix else {
            throw .badKey("\(source): not an Ed25519 key (RFC 8410 DER expected)")
        }
        return Array(der.suffix(32))
    }
}
