/// Warden's release version and the rule language's version (bundles record both).
public enum WardenVersion {
    public static let current = "0.1.0"
    /// Raised when the language gains syntax or semantics an older Warden cannot check.
    public static let language = 1
}
