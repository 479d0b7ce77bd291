import Foundation
import Fuzzing
import Testing
import TestSupport
import WardenCore

/// Every fuzz target over its seed corpus and seeded mutations of it. The
/// counts are printed, so a CI log shows how many inputs each target ran;
/// `scripts/fuzz.sh` runs the same targets under libFuzzer for longer.
@Suite("Fuzz targets")
struct FuzzTargetTests {
    /// Mutated inputs per target in the suite (the front end has its own, larger runs in RuleLanguageTests).
    static func mutations(_ target: FuzzTarget) -> Int {
        switch target {
        case .pack: 500
        case .gzip, .fameModel, .famePayload, .bundle: 1_500
        default: 3_000
        }
    }

    @Test("Each fuzz target keeps its properties on its seeds and on seeded mutations of them", arguments: FuzzTarget.allCases)
    func seededRun(_ target: FuzzTarget) async throws {
        let seeds = try await target.seeds(root: Repository.root)
        #expect(!seeds.isEmpty)
        var random = SeededGenerator(seed: UInt64(FuzzTarget.allCases.firstIndex(of: target)! + 1))
        var failures = 0
        func exercise(_ input: [UInt8]) {
            do { try target.run(input) } catch {
                failures += 1
                if failures <= 3 { Issue.record("\(target.rawValue): \(error); input (base64): \(Data(input).base64EncodedString())") }
            }
        }
        for seed in seeds { exercise(seed) }
        for _ in 0..<Self.mutations(target) { exercise(Mutation.mutate(seeds.randomElement(using: &random)!, using: &random)) }
        // Truncations of the first seed: at most 300 cuts, evenly spaced.
        let first = seeds[0]
        let step = max(1, first.count / 300)
        var truncations = 0
        for length in stride(from: 0, to: first.count, by: step) {
            exercise(Array(first.prefix(length)))
            truncations += 1
        }
        print("fuzz target \(target.rawValue): \(seeds.count + Self.mutations(target) + truncations) inputs (\(seeds.count) seeds, \(Self.mutations(target)) mutations, \(truncations) truncations), \(failures) failed")
    }
}
