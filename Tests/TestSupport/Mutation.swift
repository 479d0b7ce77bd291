/// Byte-level mutations for seeded fuzzing: replace, insert or remove a byte, or
/// copy a run of the input elsewhere, one to six times.
public enum Mutation {
    /// Bytes that tend to matter to parsers: quotes, brackets, separators, newlines, NUL and bytes of broken UTF-8.
    public static let interesting: [UInt8] = Array("\"/\\(){}[]@:,.=<>!-+*%\n\r\t 0aZ_é".utf8) + [0x00, 0xFF, 0xC3, 0xE2, 0x80, 0x1F, 0x8B]

    public static func mutate(_ input: [UInt8], using random: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[position] = interesting.randomElement(using: &random)!
            case 1: bytes.insert(interesting.randomElement(using: &random)!, at: position)
            case 2: bytes.remove(at: position)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &random))
                let run = Array(bytes[position..<end])
                bytes.insert(contentsOf: run, at: Int.random(in: 0...bytes.count, using: &random))
            }
        }
        return bytes
    }
}
