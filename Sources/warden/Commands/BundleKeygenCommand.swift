import ArgumentParser
import Bundles
import Foundation

/// `warden bundle keygen`: a new Ed25519 signing key and its public key.
struct BundleKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for signing bundles: KEY (private, mode 0600) and KEY.pub.",
        discussion: """
            Both are PEM (PKCS#8 and SPKI, RFC 8410), so OpenSSL reads them, and a key made with \
            `openssl genpkey -algorithm ed25519` works here too. Existing files are never overwritten.
            """
    )

    @Option(name: .shortAndLong, help: "Where to write the private key; the public key goes to the same path plus .pub.")
    var output: String

    func run() throws {
        let key = SigningKey()
        try createExclusively(output, Data(key.pem.utf8), mode: 0o600)
        try createExclusively(output + ".pub", Data(key.publicKey.pem.utf8), mode: 0o644)
        print("private key: \(output) (keep it secret)\npublic key:  \(output).pub (key id \(key.publicKey.id))")
    }

    /// Writes a new file with `mode`; an existing file is an error, not replaced.
    private func createExclusively(_ path: String, _ data: Data, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            throw CommandFailure(errno == EEXIST ? "\(path) exists; keygen never overwrites a key" : "\(path): cannot create (\(String(cString: strerror(errno))))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do { try handle.write(contentsOf: data); try handle.close() } catch {
            throw CommandFailure("\(path): cannot write (\(OutputFile.reason(error)))")
        }
    }
}
