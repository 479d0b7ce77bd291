import CPCRE2

/// Facts about the PCRE2 library Warden is linked against.
public enum PCRE2Library {
    /// PCRE2's version string, e.g. "10.42 2022-12-11".
    public static let version: String = {
        let length = pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), nil)
        guard length > 0 else { return "unknown" }
        var buffer = [UInt8](repeating: 0, count: Int(length))
        _ = buffer.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }()

    /// Whether this PCRE2 build has a JIT compiler for this machine.
    public static let isJITAvailable: Bool = {
        var value: UInt32 = 0
        _ = pcre2_config_8(UInt32(PCRE2_CONFIG_JIT), &value)
        return value == 1
    }()

    /// PCRE2's message for an error code.
    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            pcre2_get_error_message_8(code, $0.baseAddress, $0.count)
        }
        guard length >= 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}
