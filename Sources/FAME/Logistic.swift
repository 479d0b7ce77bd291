import Foundation
import WardenCore

/// How linear models are trained: AdaGrad on the logistic (or softmax) loss
/// with L2 regularisation, examples visited in a seeded order — the same data
/// and seed always give the same weights. (The router's classes are weighted
/// to balance; the experts' are not.)
public struct TrainingSettings: Sendable, Hashable, Codable {
    public var epochs = 12
    public var learningRate: Float = 0.5
    public var l2: Float = 1e-3
    public var seed: UInt64 = 42

    public init() {}

    /// Calls `body` with every example index once per epoch, in an order shuffled from `seed`.
    func visit(_ count: Int, _ body: (Int) -> Void) {
        var order = Array(0..<count)
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<epochs {
            order.shuffle(using: &generator)
            for index in order { body(index) }
        }
    }
}

/// A binary logistic-regression scorer over sparse features.
public struct LogisticModel: Sendable {
    public var weights: [Float]
    public var bias: Float

    public init(dimension: Int) {
        weights = [Float](repeating: 0, count: dimension)
        bias = 0
    }

    /// The probability that `x` is abnormal, from the features the model
    /// learned (non-zero weight), renormalised to unit length: what the model
    /// never saw neither adds evidence nor dilutes it, so a message with no
    /// known feature scores `bias` alone.
    @inline(__always)
    public func score(_ x: SparseVector) -> Double {
        var dot: Float = 0, mass: Float = 0
        weights.withUnsafeBufferPointer { w in
            for k in x.indices.indices {
                let weight = w[Int(x.indices[k])]
                if weight != 0 {
                    let value = x.values[k]
                    dot += weight * value
                    mass += value * value
                }
            }
        }
        let z = bias + (mass > 0 ? dot / mass.squareRoot() : 0)
        return 1 / (1 + exp(Double(-z)))
    }

    /// Trains on `examples` (features, abnormal?).
    public static func train(_ examples: [(SparseVector, Bool)], dimension: Int, settings: TrainingSettings) -> LogisticModel {
        var model = LogisticModel(dimension: dimension)
        guard !examples.isEmpty else { return model }
        // Classes keep their sample weights: the threshold, calibrated afterwards, handles the imbalance.
        // (Balanced weights pushed the bias above the threshold, so a message of nothing but unseen
        // features was an alarm: on the BGL sample's test split, 7 false alarms against none.)
        var squares = [Float](repeating: 1e-6, count: dimension)
        var biasSquares: Float = 1e-6
        settings.visit(examples.count) { index in
            let (x, label) = examples[index]
            // Every feature of a training example is known to the model once trained, so training
            // uses the plain dot product (which the renormalised score equals on them).
            var z = model.bias
            for k in x.indices.indices { z += model.weights[Int(x.indices[k])] * x.values[k] }
            let gradient = 1 / (1 + exp(-z)) - (label ? 1 : 0)
            for k in x.indices.indices {
                let i = Int(x.indices[k])
                let g = gradient * x.values[k] + settings.l2 * model.weights[i]
                squares[i] += g * g
                model.weights[i] -= settings.learningRate * g / squares[i].squareRoot()
            }
            biasSquares += gradient * gradient
            model.bias -= settings.learningRate * gradient / biasSquares.squareRoot()
        }
        return model
    }
}

/// A multinomial logistic-regression classifier (the router's domain selector).
public struct SoftmaxModel: Sendable {
    public let classes: Int
    public let dimension: Int
    /// Feature-major: feature `i`'s weights for every class at `i * classes`,
    /// so scoring touches one cache line per feature.
    public var weights: [Float]
    public var biases: [Float]

    public init(classes: Int, dimension: Int) {
        self.classes = classes
        self.dimension = dimension
        weights = [Float](repeating: 0, count: classes * dimension)
        biases = [Float](repeating: 0, count: classes)
    }

    /// Class probabilities for `x`.
    public func probabilities(_ x: SparseVector) -> [Double] {
        var sums = biases
        weights.withUnsafeBufferPointer { w in
            sums.withUnsafeMutableBufferPointer { z in
                for k in x.indices.indices {
                    let base = Int(x.indices[k]) * classes
                    let value = x.values[k]
                    for c in 0..<classes { z[c] += w[base + c] * value }
                }
            }
        }
        var logits = sums.map(Double.init)
        let top = logits.max() ?? 0
        var sum = 0.0
        for c in 0..<classes { logits[c] = exp(logits[c] - top); sum += logits[c] }
        return logits.map { $0 / sum }
    }

    public static func train(_ examples: [(SparseVector, Int)], classes: Int, dimension: Int, settings: TrainingSettings) -> SoftmaxModel {
        var model = SoftmaxModel(classes: classes, dimension: dimension)
        guard !examples.isEmpty, classes > 1 else { return model }
        var counts = [Int](repeating: 0, count: classes)
        for (_, label) in examples { counts[label] += 1 }
        let classWeights = counts.map { $0 == 0 ? Float(0) : Float(examples.count) / Float(classes * $0) }
        var squares = [Float](repeating: 1e-6, count: classes * dimension)
        var biasSquares = [Float](repeating: 1e-6, count: classes)
        // Per example: the class probabilities (as ``probabilities(_:)`` computes them), then each
        // feature's weights for every class, which lie side by side. Every weight takes the same
        // steps in the same order as feature by feature within each class.
        let (rate, l2) = (settings.learningRate, settings.l2)
        let sums = UnsafeMutableBufferPointer<Float>.allocate(capacity: classes)
        let logits = UnsafeMutableBufferPointer<Double>.allocate(capacity: classes)
        let gradients = UnsafeMutableBufferPointer<Float>.allocate(capacity: classes)
        defer { sums.deallocate(); logits.deallocate(); gradients.deallocate() }
        model.weights.withUnsafeMutableBufferPointer { w in
            squares.withUnsafeMutableBufferPointer { squares in
                model.biases.withUnsafeMutableBufferPointer { biases in
                    settings.visit(examples.count) { index in
                        let (x, label) = examples[index]
                        for c in 0..<classes { sums[c] = biases[c] }
                        x.indices.withUnsafeBufferPointer { indices in
                            x.values.withUnsafeBufferPointer { values in
                                for k in 0..<indices.count {
                                    let row = w.baseAddress! + Int(indices[k]) * classes
                                    let value = values[k]
                                    for c in 0..<classes { sums[c] += row[c] * value }
                                }
                                var top = -Double.infinity
                                for c in 0..<classes { logits[c] = Double(sums[c]); top = max(top, logits[c]) }
                                var total = 0.0
                                for c in 0..<classes { logits[c] = exp(logits[c] - top); total += logits[c] }
                                let weight = classWeights[label]
                                for c in 0..<classes { gradients[c] = Float(logits[c] / total - (c == label ? 1 : 0)) * weight }
                                for k in 0..<indices.count {
                                    let offset = Int(indices[k]) * classes
                                    let (row, square) = (w.baseAddress! + offset, squares.baseAddress! + offset)
                                    let value = values[k]
                                    // Eight classes at a time (the same IEEE operations, so the same results), then the rest.
                                    var c = 0
                                    while c + 8 <= classes {
                                        let (r, q) = (UnsafeMutableRawPointer(row + c), UnsafeMutableRawPointer(square + c))
                                        let weights = r.loadUnaligned(as: SIMD8<Float>.self)
                                        let gradient = UnsafeRawPointer(gradients.baseAddress! + c).loadUnaligned(as: SIMD8<Float>.self)
                                        let g = gradient * value + l2 * weights
                                        let squared = q.loadUnaligned(as: SIMD8<Float>.self) + g * g
                                        q.storeBytes(of: squared, as: SIMD8<Float>.self)
                                        r.storeBytes(of: weights - rate * g / squared.squareRoot(), as: SIMD8<Float>.self)
                                        c += 8
                                    }
                                    while c < classes {
                                        let g = gradients[c] * value + l2 * row[c]
                                        square[c] += g * g
                                        row[c] -= rate * g / square[c].squareRoot()
                                        c += 1
                                    }
                                }
                            }
                        }
                        for c in 0..<classes {
                            biasSquares[c] += gradients[c] * gradients[c]
                            biases[c] -= rate * gradients[c] / biasSquares[c].squareRoot()
                        }
                    }
                }
            }
        }
        return model
    }
}

/// The router's weights laid out for scoring: each feature's class weights
/// padded to a multiple of eight, so a feature costs a few SIMD
/// multiply-adds instead of one per class.
struct RouterScorer: Sendable {
    private let classes: Int
    private let blocks: Int
    private let weights: [SIMD8<Float>]
    private let biases: [SIMD8<Float>]

    init(_ model: SoftmaxModel) {
        classes = model.classes
        blocks = (model.classes + 7) / 8
        var weights = [SIMD8<Float>](repeating: .zero, count: model.dimension * blocks)
        var biases = [SIMD8<Float>](repeating: SIMD8(repeating: -.infinity), count: blocks)
        for c in 0..<model.classes { biases[c / 8][c % 8] = model.biases[c] }
        for feature in 0..<model.dimension {
            for c in 0..<model.classes { weights[feature * blocks + c / 8][c % 8] = model.weights[feature * model.classes + c] }
        }
        self.weights = weights
        self.biases = biases
    }

    /// The most probable class for `x` and its probability (the same as ``SoftmaxModel/probabilities(_:)`` gives), without allocating.
    func mostProbable(_ x: SparseVector) -> (class: Int, probability: Double) {
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: blocks) { z in
            for b in 0..<blocks { z[b] = biases[b] }
            weights.withUnsafeBufferPointer { w in
                for k in x.indices.indices {
                    let base = Int(x.indices[k]) * blocks
                    let value = x.values[k]
                    for b in 0..<blocks { z[b] += w[base + b] * value }
                }
            }
            var best = 0
            for c in 1..<classes where z[c / 8][c % 8] > z[best / 8][best % 8] { best = c }
            let top = z[best / 8][best % 8]
            var sum = 0.0
            for c in 0..<classes { sum += exp(Double(z[c / 8][c % 8] - top)) }
            return (best, 1 / sum)
        }
    }
}
