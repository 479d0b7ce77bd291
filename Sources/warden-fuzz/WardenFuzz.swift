import Foundation
import Fuzzing

/// `warden-fuzz`: the fuzz targets outside the test suite.
///
///     warden-fuzz seed TARGET DIR          write TARGET's seed corpus into DIR
///     warden-fuzz run TARGET FILE...       run TARGET on each file (replay a crash)
///     warden-fuzz fuzz TARGET [FLAGS...]   fuzz with libFuzzer (a build made by scripts/fuzz.sh)
///
/// Arguments are read by hand: `fuzz` passes libFuzzer's own `-flag=value` options through.
/// libFuzzer starts its workers (`-jobs`, `-fork`, `-minimize_crash`) as this program with its
/// own flags only; `fuzz` names the target for them in ``workerTargetVariable``.
@main
struct WardenFuzz {
    /// The environment variable through which `fuzz` tells libFuzzer's workers their target.
    static let workerTargetVariable = "WARDEN_FUZZ_TARGET"

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let targets = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        if !["seed", "run", "fuzz"].contains(arguments.first ?? ""),
           let name = ProcessInfo.processInfo.environment[workerTargetVariable] {
            guard let target = FuzzTarget(rawValue: name) else { fail("\(workerTargetVariable)=\(name) is no target; targets: \(targets)", status: 64) }
            fuzz(target, flags: arguments)
        }
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            fail("usage: warden-fuzz seed|run|fuzz TARGET ...; targets: \(targets)", status: 64)
        }
        switch arguments[0] {
        case "seed" where arguments.count == 3:
            let directory = URL(fileURLWithPath: arguments[2])
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let seeds = try await target.seeds(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                for (index, seed) in seeds.enumerated() {
                    try Data(seed).write(to: directory.appendingPathComponent(String(format: "seed-%03d", index)))
                }
                print("\(seeds.count) seeds for \(target.rawValue) in \(directory.path)")
            } catch {
                fail("cannot write seeds (run from the repository's root): \(error)")
            }
        case "run" where arguments.count >= 3:
            var failures = 0
            for path in arguments.dropFirst(2) {
                guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
                do { try target.run([UInt8](data)) } catch {
                    failures += 1
                    print("\(path): \(error)")
                }
            }
            print("\(arguments.count - 2) inputs, \(failures) failed")
            exit(failures == 0 ? 0 : 1)
        case "fuzz":
            fuzz(target, flags: Array(arguments.dropFirst(2)))
        default:
            fail("usage: warden-fuzz seed TARGET DIR | run TARGET FILE... | fuzz TARGET [libFuzzer flags]", status: 64)
        }
    }

    static func fail(_ message: String, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("warden-fuzz: \(message)\n".utf8))
        exit(status)
    }
}
