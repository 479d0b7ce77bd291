/// Why a bundle was not built or not loaded. Every case says what was wrong
/// and with which part; nothing of a refused bundle is used.
public enum BundleError: Error, Equatable, CustomStringConvertible {
    /// The file is not a bundle in the form Warden writes: truncated, changed or another kind of file.
    case malformed(String)
    /// A key file that cannot be used.
    case badKey(String)
    /// The signature does not verify with the key given.
    case badSignature(String)
    /// The manifest is unreadable, from a newer Warden, or lists files the archive does not hold as listed.
    case manifest(String)
    /// A file whose contents do not match the manifest's hash or size.
    case tampered(String)
    /// A revision lower than the one already active.
    case rollback(active: Int, offered: Int)
    /// What the bundle carries does not check or load here.
    case content(String)
    /// What a bundle is built from is not fit to ship.
    case build(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "not a valid bundle: \(reason)"
        case .badKey(let reason): "unusable key: \(reason)"
        case .badSignature(let reason): "signature check failed: \(reason)"
        case .manifest(let reason): "manifest refused: \(reason)"
        case .tampered(let reason): "contents changed since signing: \(reason)"
        case .rollback(let active, let offered):
            "revision \(offered) is older than the active revision \(active) (rollback refused; allow it explicitly to roll back)"
        case .content(let reason): "bundle contents refused: \(reason)"
        case .build(let reason): "cannot build the bundle: \(reason)"
        }
    }
}
