import Foundation

/// A BERT sentence encoder (all-MiniLM-L6-v2 and its kin) in plain Swift:
/// WordPiece ids → embeddings → transformer layers → mean pooling → unit
/// length. It reads a model directory as sentence-transformers ships it
/// (`config.json`, `vocab.txt`, `model.safetensors`) and needs nothing at run time.
public final class SentenceEncoder: Sendable {
    /// Length of every embedding.
    public let dimension: Int
    /// Longest input in tokens, `[CLS]` and `[SEP]` included; longer texts are cut.
    public let maximumTokens: Int
    private let tokenizer: WordPiece
    private let heads: Int
    private let intermediate: Int
    private let epsilon: Float
    private let wordEmbeddings: [Float]
    private let positionEmbeddings: [Float]
    private let typeEmbedding: [Float]
    private let embeddingNorm: Norm
    private let layers: [Layer]

    struct Norm { var weight: [Float]; var bias: [Float] }
    struct Linear { var weight: [Float]; var bias: [Float]; var inputs: Int; var outputs: Int }
    struct Layer { var query, key, value, attentionOutput, intermediate, output: Linear; var attentionNorm, outputNorm: Norm }

    /// Loads the model in `directory`.
    public init(directory: URL, maximumTokens: Int = 256) throws {
        let configURL = directory.appendingPathComponent("config.json")
        guard let data = try? Data(contentsOf: configURL),
              let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EncoderError.model("no readable config.json in \(directory.path)")
        }
        guard let hidden = config["hidden_size"] as? Int, let layerCount = config["num_hidden_layers"] as? Int,
              let heads = config["num_attention_heads"] as? Int, let intermediate = config["intermediate_size"] as? Int,
              let vocabulary = config["vocab_size"] as? Int, let positions = config["max_position_embeddings"] as? Int,
              hidden > 0, heads > 0, hidden % heads == 0 else {
            throw EncoderError.model("config.json in \(directory.path) is not a BERT configuration")
        }
        guard (config["hidden_act"] as? String ?? "gelu") == "gelu" else {
            throw EncoderError.model("config.json: activation \(config["hidden_act"] ?? "") is not supported (gelu only)")
        }
        let weights = try SafeTensors(contentsOf: directory.appendingPathComponent("model.safetensors"))
        tokenizer = try WordPiece(vocabulary: directory.appendingPathComponent("vocab.txt"))
        dimension = hidden
        self.maximumTokens = min(maximumTokens, positions)
        self.heads = heads
        self.intermediate = intermediate
        epsilon = Float(config["layer_norm_eps"] as? Double ?? 1e-12)
        func norm(_ prefix: String) throws -> Norm {
            Norm(weight: try weights.tensor(prefix + ".weight", shape: [hidden]), bias: try weights.tensor(prefix + ".bias", shape: [hidden]))
        }
        func linear(_ prefix: String, _ inputs: Int, _ outputs: Int) throws -> Linear {
            Linear(weight: try weights.tensor(prefix + ".weight", shape: [outputs, inputs]), bias: try weights.tensor(prefix + ".bias", shape: [outputs]),
                   inputs: inputs, outputs: outputs)
        }
        wordEmbeddings = try weights.tensor("embeddings.word_embeddings.weight", shape: [vocabulary, hidden])
        positionEmbeddings = try weights.tensor("embeddings.position_embeddings.weight", shape: [positions, hidden])
        typeEmbedding = Array(try weights.tensor("embeddings.token_type_embeddings.weight", shape: [config["type_vocab_size"] as? Int ?? 2, hidden])[0..<hidden])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<layerCount).map { index in
            let prefix = "encoder.layer.\(index)."
            return Layer(query: try linear(prefix + "attention.self.query", hidden, hidden),
                         key: try linear(prefix + "attention.self.key", hidden, hidden),
                         value: try linear(prefix + "attention.self.value", hidden, hidden),
                         attentionOutput: try linear(prefix + "attention.output.dense", hidden, hidden),
                         intermediate: try linear(prefix + "intermediate.dense", hidden, intermediate),
                         output: try linear(prefix + "output.dense", intermediate, hidden),
                         attentionNorm: try norm(prefix + "attention.output.LayerNorm"),
                         outputNorm: try norm(prefix + "output.LayerNorm"))
        }
        guard tokenizer.largestID < vocabulary else { throw EncoderError.model("vocab.txt has more entries than the model's vocab_size") }
    }

    /// The tokens `text` is cut into, `[CLS]` and `[SEP]` included.
    public func tokenIDs(_ text: String) -> [Int32] { tokenizer.encode(text, limit: maximumTokens) }

    /// The unit-length embedding of `text`.
    public func embed(_ text: String) -> [Float] {
        let ids = tokenIDs(text)
        let count = ids.count, width = dimension
        var hidden = [Float](repeating: 0, count: count * width)
        for (position, id) in ids.enumerated() {
            let word = Int(id) * width, place = position * width, row = position * width
            for index in 0..<width {
                hidden[row + index] = wordEmbeddings[word + index] + positionEmbeddings[place + index] + typeEmbedding[index]
            }
        }
        normalise(&hidden, rows: count, embeddingNorm)
        var query = [Float](repeating: 0, count: count * width), key = query, value = query, context = query, projected = query
        var expanded = [Float](repeating: 0, count: count * intermediate)
        var scores = [Float](repeating: 0, count: count)
        let headWidth = width / heads
        let scale = 1 / Float(headWidth).squareRoot()
        for layer in layers {
            apply(layer.query, hidden, rows: count, into: &query)
            apply(layer.key, hidden, rows: count, into: &key)
            apply(layer.value, hidden, rows: count, into: &value)
            for head in 0..<heads {
                let offset = head * headWidth
                for row in 0..<count {
                    var largest = -Float.infinity
                    for column in 0..<count {
                        var sum: Float = 0
                        for index in 0..<headWidth { sum += query[row * width + offset + index] * key[column * width + offset + index] }
                        scores[column] = sum * scale
                        largest = max(largest, scores[column])
                    }
                    var total: Float = 0
                    for column in 0..<count { scores[column] = expf(scores[column] - largest); total += scores[column] }
                    for index in 0..<headWidth { context[row * width + offset + index] = 0 }
                    for column in 0..<count {
                        let weight = scores[column] / total
                        for index in 0..<headWidth { context[row * width + offset + index] += weight * value[column * width + offset + index] }
                    }
                }
            }
            apply(layer.attentionOutput, context, rows: count, into: &projected)
            for index in hidden.indices { hidden[index] += projected[index] }
            normalise(&hidden, rows: count, layer.attentionNorm)
            apply(layer.intermediate, hidden, rows: count, into: &expanded)
            for index in expanded.indices {
                let x = expanded[index]
                expanded[index] = 0.5 * x * (1 + erff(x * 0.707_106_77))
            }
            apply(layer.output, expanded, rows: count, into: &projected)
            for index in hidden.indices { hidden[index] += projected[index] }
            normalise(&hidden, rows: count, layer.outputNorm)
        }
        // Mean over tokens, then unit length.
        var pooled = [Float](repeating: 0, count: width)
        for row in 0..<count { for index in 0..<width { pooled[index] += hidden[row * width + index] } }
        var length: Float = 0
        for index in 0..<width { pooled[index] /= Float(count); length += pooled[index] * pooled[index] }
        let inverse = 1 / max(length.squareRoot(), 1e-12)
        for index in 0..<width { pooled[index] *= inverse }
        return pooled
    }

    /// `output[row] = layer.weight · input[row] + layer.bias`, four rows at a time so each weight row is loaded once per four.
    private func apply(_ layer: Linear, _ input: [Float], rows: Int, into output: inout [Float]) {
        let inputs = layer.inputs, outputs = layer.outputs
        precondition(inputs % 8 == 0, "layer widths are multiples of 8")
        input.withUnsafeBufferPointer { x in
            layer.weight.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    let xb = UnsafeRawPointer(x.baseAddress!), wb = UnsafeRawPointer(w.baseAddress!)
                    func load(_ base: UnsafeRawPointer, _ element: Int) -> SIMD8<Float> {
                        base.loadUnaligned(fromByteOffset: element * 4, as: SIMD8<Float>.self)
                    }
                    var row = 0
                    while row < rows {
                        let block = min(4, rows - row)
                        let r0 = row * inputs, r1 = (row + min(1, block - 1)) * inputs
                        let r2 = (row + min(2, block - 1)) * inputs, r3 = (row + min(3, block - 1)) * inputs
                        for out in 0..<outputs {
                            let wr = out * inputs
                            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                            var index = 0
                            while index < inputs {
                                let weights = load(wb, wr + index)
                                a0 += weights * load(xb, r0 + index)
                                a1 += weights * load(xb, r1 + index)
                                a2 += weights * load(xb, r2 + index)
                                a3 += weights * load(xb, r3 + index)
                                index += 8
                            }
                            let bias = layer.bias[out]
                            y[row * outputs + out] = a0.sum() + bias
                            if block > 1 { y[(row + 1) * outputs + out] = a1.sum() + bias }
                            if block > 2 { y[(row + 2) * outputs + out] = a2.sum() + bias }
                            if block > 3 { y[(row + 3) * outputs + out] = a3.sum() + bias }
                        }
                        row += block
                    }
                }
            }
        }
    }

    private func normalise(_ values: inout [Float], rows: Int, _ norm: Norm) {
        let width = dimension
        for row in 0..<rows {
            let base = row * width
            var mean: Float = 0
            for index in 0..<width { mean += values[base + index] }
            mean /= Float(width)
            var variance: Float = 0
            for index in 0..<width { let d = values[base + index] - mean; variance += d * d }
            let inverse = 1 / (variance / Float(width) + epsilon).squareRoot()
            for index in 0..<width { values[base + index] = (values[base + index] - mean) * inverse * norm.weight[index] + norm.bias[index] }
        }
    }
}
