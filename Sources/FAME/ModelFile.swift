import Crypto
import Foundation
import LogParsing
import WardenCore

/// The model file: writing it, and reading it back with every part checked.
extension FAMEModel {
    /// The first line of every model file.
    public static let magic = "warden-fame"
    public static let fileVersion = 1

    /// The file: `warden-fame 1\n`, `sha256 <hex of the payload>\n`, then the
    /// payload: the JSON length (8 bytes, little endian), the JSON metadata and
    /// Drain state, and the weights as little-endian Float32 (router, experts, global).
    public func fileData() throws -> Data {
        struct Header: Encodable { let metadata: Metadata; let drain: Drain }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(Header(metadata: metadata, drain: drain))
        var payload = [UInt8]()
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { payload.append(contentsOf: $0) }
        payload.append(contentsOf: json)
        func append(_ floats: [Float]) {
            for value in floats {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { payload.append(contentsOf: $0) }
            }
        }
        if let router { append(router.weights); append(router.biases) }
        for expert in experts { if let expert { append(expert.weights); append([expert.bias]) } }
        append(global.weights)
        append([global.bias])
        return Data(Self.framed(payload: payload))
    }

    /// A payload behind the header and its checksum: a model file, whether or not the payload is a model.
    public static func framed(payload: [UInt8]) -> [UInt8] {
        Array("\(magic) \(fileVersion)\nsha256 \(sha256Hex(payload))\n".utf8) + payload
    }

    /// Reads a model file; a file that is not one, of another version,
    /// corrupt or truncated is refused with the reason.
    public init(fileData data: Data) throws {
        let bytes = [UInt8](data)
        guard let firstEnd = bytes.firstIndex(of: 0x0A), firstEnd < 64 else {
            throw FAMEError.modelFile("not a FAME model file (no `\(Self.magic)` header)")
        }
        if firstEnd > 0, bytes[firstEnd - 1] == 0x0D {
            throw FAMEError.modelFile("the model file's header ends in CRLF: a text tool converted its line endings and so damaged it; copy the file in binary mode or retrain")
        }
        let first = String(decoding: bytes[..<firstEnd], as: UTF8.self).split(separator: " ")
        guard first.count == 2, first[0] == Self.magic else { throw FAMEError.modelFile("not a FAME model file (no `\(Self.magic)` header)") }
        guard let version = Int(first[1]), version == Self.fileVersion else {
            throw FAMEError.modelFile("model file version \(first[1]); this warden reads version \(Self.fileVersion) — retrain with `warden fame train`")
        }
        guard let secondEnd = bytes[(firstEnd + 1)...].firstIndex(of: 0x0A), secondEnd - firstEnd < 80 else {
            throw FAMEError.modelFile("model file has no checksum line")
        }
        let second = String(decoding: bytes[(firstEnd + 1)..<secondEnd], as: UTF8.self).split(separator: " ")
        guard second.count == 2, second[0] == "sha256" else { throw FAMEError.modelFile("model file has no checksum line") }
        let payload = Array(bytes[(secondEnd + 1)...])
        guard sha256Hex(payload) == second[1] else {
            throw FAMEError.modelFile("checksum mismatch: the model file is corrupt or truncated")
        }
        guard payload.count >= 8 else { throw FAMEError.modelFile("model payload is truncated") }
        let length = payload[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(payload.count - 8) else { throw FAMEError.modelFile("model payload is truncated") }
        struct Header: Decodable { let metadata: Metadata; let drain: Drain }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(payload[8..<(8 + Int(length))])) } catch {
            throw FAMEError.modelFile("model metadata is invalid (\(error))")
        }
        let metadata = header.metadata
        guard let extractor = try FeatureExtractors.named(metadata.features), extractor.dimension == metadata.dimension else {
            throw FAMEError.modelFile("model uses features `\(metadata.features)`, which this warden does not provide")
        }
        guard metadata.hasExpert.count == metadata.domains.count, !metadata.domains.isEmpty else {
            throw FAMEError.modelFile("model metadata is inconsistent (domains and experts)")
        }
        guard metadata.threshold.isFinite, (0...1).contains(metadata.threshold) else {
            throw FAMEError.modelFile("model threshold \(metadata.threshold) is not a probability (0…1)")
        }
        guard metadata.gate.isFinite, (0...1).contains(metadata.gate) else {
            throw FAMEError.modelFile("model gate \(metadata.gate) is not a probability (0…1)")
        }
        if let chosen = metadata.windowDecision?.decision,
           !chosen.threshold.isFinite || !(0...1).contains(chosen.threshold) || chosen.minimumMessages < 1 {
            throw FAMEError.modelFile("model window decision (threshold \(chosen.threshold), \(chosen.minimumMessages) messages) is out of range")
        }
        guard metadata.k >= 1 else { throw FAMEError.modelFile("model K \(metadata.k) is not a positive count") }
        if let validation = metadata.validationMessages, validation < 0 || validation > metadata.trainingMessages {
            throw FAMEError.modelFile("model says \(validation) of its \(metadata.trainingMessages) training messages were validation messages")
        }
        var offset = 8 + Int(length)
        func floats(_ count: Int) throws -> [Float] {
            guard payload.count - offset >= count * 4 else { throw FAMEError.modelFile("model weights are truncated") }
            var out = [Float](repeating: 0, count: count)
            for index in 0..<count {
                let base = offset + index * 4
                let bits = UInt32(payload[base]) | UInt32(payload[base + 1]) << 8 | UInt32(payload[base + 2]) << 16 | UInt32(payload[base + 3]) << 24
                out[index] = Float(bitPattern: bits)
            }
            offset += count * 4
            guard out.allSatisfy(\.isFinite) else { throw FAMEError.modelFile("model weights hold NaN or infinite values") }
            return out
        }
        let dimension = metadata.dimension
        var router: SoftmaxModel?
        if metadata.domains.count > 1 {
            var model = SoftmaxModel(classes: metadata.domains.count, dimension: dimension)
            model.weights = try floats(metadata.domains.count * dimension)
            model.biases = try floats(metadata.domains.count)
            router = model
        }
        var experts: [LogisticModel?] = []
        for has in metadata.hasExpert {
            guard has else { experts.append(nil); continue }
            var expert = LogisticModel(dimension: dimension)
            expert.weights = try floats(dimension)
            expert.bias = try floats(1)[0]
            experts.append(expert)
        }
        var global = LogisticModel(dimension: dimension)
        global.weights = try floats(dimension)
        global.bias = try floats(1)[0]
        guard offset == payload.count else { throw FAMEError.modelFile("model file has \(payload.count - offset) unexpected trailing bytes") }
        self.init(metadata: metadata, extractor: extractor, drain: header.drain, router: router, experts: experts, global: global)
    }
}

/// The SHA-256 of `bytes` in lower-case hex.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
