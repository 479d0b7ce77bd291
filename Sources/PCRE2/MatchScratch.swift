import CPCRE2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reusable per-thread working memory for matching: PCRE2 match data, a match
/// context carrying the limits, and a JIT stack that grows on demand.
///
/// A scratch belongs to one thread at a time and is not `Sendable`. Matching
/// functions use ``forCurrentThread`` unless given one explicitly, so a hot
/// loop allocates nothing per match.
public final class MatchScratch {
    /// The largest JIT stack a scratch will grow to, in bytes.
    public static let maximumJITStackSize = 64 << 20

    private(set) var matchData: OpaquePointer
    private var ovectorPairs: Int
    let matchContext: OpaquePointer
    private var jitStack: OpaquePointer?
    private var jitStackSize = 0
    private var appliedLimits: Pattern.Limits?

    public init() {
        ovectorPairs = 16
        matchData = pcre2_match_data_create_8(UInt32(ovectorPairs), nil)!
        matchContext = pcre2_match_context_create_8(nil)!
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(matchContext)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// The calling thread's scratch, created on first use and freed when the thread exits.
    public static var forCurrentThread: MatchScratch {
        if let pointer = pthread_getspecific(scratchKey) {
            return Unmanaged<MatchScratch>.fromOpaque(pointer).takeUnretainedValue()
        }
        let scratch = MatchScratch()
        pthread_setspecific(scratchKey, Unmanaged.passRetained(scratch).toOpaque())
        return scratch
    }

    /// Makes the match data large enough for `pattern` and applies its limits.
    func prepare(for pattern: Pattern) {
        let pairsNeeded = pattern.captureCount + 1
        if pairsNeeded > ovectorPairs {
            pcre2_match_data_free_8(matchData)
            ovectorPairs = max(pairsNeeded, ovectorPairs * 2)
            matchData = pcre2_match_data_create_8(UInt32(ovectorPairs), nil)!
        }
        if appliedLimits != pattern.limits {
            pcre2_set_match_limit_8(matchContext, pattern.limits.matchLimit)
            pcre2_set_depth_limit_8(matchContext, pattern.limits.depthLimit)
            pcre2_set_heap_limit_8(matchContext, pattern.limits.heapLimitKiB)
            appliedLimits = pattern.limits
        }
    }

    /// Replaces the JIT stack with one twice as large. Returns `false` when the
    /// stack is already at ``maximumJITStackSize``.
    func growJITStack() -> Bool {
        // PCRE2's default JIT stack is 32 KiB on the machine stack.
        let next = jitStackSize == 0 ? 256 << 10 : jitStackSize * 2
        guard next <= Self.maximumJITStackSize,
              let stack = pcre2_jit_stack_create_8(32 << 10, next, nil) else { return false }
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        jitStack = stack
        jitStackSize = next
        pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(stack))
        return true
    }
}

/// The thread-local slot holding each thread's ``MatchScratch``.
private let scratchKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key, releaseScratch)
    precondition(status == 0, "pthread_key_create failed with \(status)")
    return key
}()

#if canImport(Glibc)
private func releaseScratch(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    Unmanaged<MatchScratch>.fromOpaque(pointer).release()
}
#else
private func releaseScratch(_ pointer: UnsafeMutableRawPointer) {
    Unmanaged<MatchScratch>.fromOpaque(pointer).release()
}
#endif
