/// Why a sentence encoder could not be loaded.
public enum EncoderError: Error, CustomStringConvertible, Sendable {
    case model(String)

    public var description: String {
        switch self {
        case .model(let reason): return reason
        }
    }
}
