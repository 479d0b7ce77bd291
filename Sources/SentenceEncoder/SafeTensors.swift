import Foundation

/// The float32 tensors of a `.safetensors` file: an 8-byte little-endian
/// header length, a JSON header naming each tensor's dtype, shape and byte
/// range, then the data. Anything else — another dtype, a range outside the
/// file, a shape that does not match its bytes — is refused with the reason.
struct SafeTensors {
    struct Tensor {
        var shape: [Int]
        var values: [Float]
    }

    private var tensors: [String: Tensor] = [:]

    init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw EncoderError.model("cannot read \(url.path): \(error.localizedDescription)")
        }
        guard data.count >= 8 else { throw EncoderError.model("\(url.lastPathComponent) is not a safetensors file (too short)") }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(data.count - 8) else { throw EncoderError.model("\(url.lastPathComponent): header runs past the end of the file") }
        let base = 8 + Int(length)
        let header: [String: Any]
        do {
            header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<base)) as? [String: Any] ?? [:]
        } catch {
            throw EncoderError.model("\(url.lastPathComponent): the header is not JSON (\(error.localizedDescription))")
        }
        for (name, entry) in header where name != "__metadata__" {
            guard let entry = entry as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw EncoderError.model("\(url.lastPathComponent): tensor \(name) has no dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { continue }  // Only float tensors are weights (position ids are I64).
            let (start, end) = (offsets[0], offsets[1])
            let count = shape.reduce(1, *)
            guard start >= 0, end >= start, base + end <= data.count, end - start == count * 4 else {
                throw EncoderError.model("\(url.lastPathComponent): tensor \(name) does not fit its byte range")
            }
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { target in
                _ = data.copyBytes(to: target, from: (base + start)..<(base + end))
            }
            #if _endian(big)
            for index in values.indices { values[index] = Float(bitPattern: UInt32(littleEndian: values[index].bitPattern)) }
            #endif
            tensors[name] = Tensor(shape: shape, values: values)
        }
    }

    /// The tensor `name`, which must have `shape`.
    func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = tensors[name] else { throw EncoderError.model("the weights have no tensor \(name)") }
        guard tensor.shape == shape else { throw EncoderError.model("tensor \(name) has shape \(tensor.shape), expected \(shape)") }
        return tensor.values
    }
}
