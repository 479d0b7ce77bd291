import Foundation
import SentenceEncoder
import Testing

/// The Swift MiniLM against goldens recorded with sentence-transformers
/// (`scripts/record-encoder-goldens.py`): same token ids, cosine ≥ 0.999.
@Suite("Sentence encoder")
struct EncoderParityTests {
    struct Goldens: Decodable {
        struct Record: Decodable { let text: String; let tokens: [Int32]; let embedding: [Float] }
        let maximumTokens: Int
        let records: [Record]
    }

    static let goldens: Goldens = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Encoder/goldens.json")
        return try! JSONDecoder().decode(Goldens.self, from: Data(contentsOf: url))
    }()

    @Test("Swift embeddings of 50 log lines match the reference implementation (cosine ≥ 0.999), token for token")
    func parity() throws {
        let encoder = try SentenceEncoder(directory: try EncoderLocation.find(), maximumTokens: Self.goldens.maximumTokens)
        #expect(Self.goldens.records.count == 50)
        var worst: Float = 1
        for record in Self.goldens.records {
            #expect(encoder.tokenIDs(record.text) == record.tokens, "tokens of \(record.text.prefix(60))")
            let embedding = encoder.embed(record.text)
            #expect(embedding.count == record.embedding.count)
            var dot: Float = 0, a: Float = 0, b: Float = 0
            for (x, y) in zip(embedding, record.embedding) { dot += x * y; a += x * x; b += y * y }
            let cosine = dot / (a.squareRoot() * b.squareRoot())
            worst = min(worst, cosine)
            #expect(cosine >= 0.999, "cosine \(cosine) for \(record.text.prefix(60))")
        }
        print("encoder parity: worst cosine \(worst) over \(Self.goldens.records.count) texts")
    }

    @Test("A 4 MiB line is tokenized whole in linear time and cut to the token limit")
    func longLine() throws {
        let encoder = try SentenceEncoder(directory: try EncoderLocation.find())
        let word = String(repeating: "x", count: 4 << 20)
        let ids = encoder.tokenIDs(word + " error " + word)
        #expect(ids.count == 5)  // [CLS] [UNK] error [UNK] [SEP]: words over 100 characters are unknown
        let many = encoder.tokenIDs(String(repeating: "disk error ", count: 1 << 18))
        #expect(many.count == encoder.maximumTokens)
    }

    @Test("A model directory that is missing or damaged is refused with the reason")
    func refusals() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("encoder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: EncoderError.self) { try SentenceEncoder(directory: empty) }
        let real = try EncoderLocation.find()
        for name in ["config.json", "vocab.txt"] {
            try FileManager.default.copyItem(at: real.appendingPathComponent(name), to: empty.appendingPathComponent(name))
        }
        // A truncated weights file: the header promises more than the file holds.
        let weights = try Data(contentsOf: real.appendingPathComponent("model.safetensors"))
        try weights.prefix(4096).write(to: empty.appendingPathComponent("model.safetensors"))
        do {
            _ = try SentenceEncoder(directory: empty)
            Issue.record("a truncated model.safetensors was accepted")
        } catch let error as EncoderError {
            #expect(error.description.contains("model.safetensors"))
        }
    }
}
