import Foundation
import Fuzzing

#if LIBFUZZER
/// libFuzzer's entry for a program that has its own `main` (linked from `libclang_rt.fuzzer_no_main`).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The target libFuzzer's callback runs (set once, before the driver starts).
nonisolated(unsafe) var activeTarget = FuzzTarget.pack

extension WardenFuzz {
    /// Hands the process to libFuzzer; a broken property aborts, so libFuzzer saves the input.
    static func fuzz(_ target: FuzzTarget, flags: [String]) -> Never {
        activeTarget = target
        setenv(workerTargetVariable, target.rawValue, 1)
        let arguments = [CommandLine.arguments[0]] + flags
        var argc = CInt(arguments.count)
        var pointers = arguments.map { strdup($0) } + [nil]
        let status = pointers.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress!
            return runDriver(&argc, &argv) { data, size in
                let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
                do { try activeTarget.run(bytes) } catch {
                    FileHandle.standardError.write(Data("warden-fuzz \(activeTarget.rawValue): \(error)\n".utf8))
                    abort()
                }
                return 0
            }
        }
        exit(status)
    }
}
#else
extension WardenFuzz {
    static func fuzz(_ target: FuzzTarget, flags: [String]) -> Never {
        fail("this build has no libFuzzer: build with scripts/fuzz.sh, which also runs it")
    }
}
#endif
