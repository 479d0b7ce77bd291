import CPCRE2
import Synchronization

/// A compiled PCRE2 regular expression over UTF-8 bytes.
///
/// A pattern is compiled once with UTF and `PCRE2_MATCH_INVALID_UTF`, so any
/// subject bytes can be matched: invalid UTF-8 never matches a character and
/// never makes a match fail. It is JIT-compiled when the platform allows and
/// falls back to PCRE2's interpreter otherwise (``engine`` says which). JIT
/// compilation waits for the first match (or the first question about the
/// engine): a pack's regexes that a scan answers never pay for it.
///
/// A `Pattern` is immutable and may be shared by any number of threads. Each
/// thread matches with its own ``MatchScratch`` (the default is one per thread).
public final class Pattern: @unchecked Sendable {
    // Sendable: `code` is written in `init` and then only by the one JIT compilation,
    // under `jitLock` before `jitState` says it is done; PCRE2 documents compiled
    // (and JIT-compiled) code as safe to share across threads as long as each thread
    // has its own match data and JIT stack.

    /// Compile-time flags, each one a PCRE2 compile option.
    public struct Options: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `(?i)`: letters match both cases.
        public static let caseInsensitive = Options(rawValue: PCRE2_CASELESS)
        /// `(?m)`: `^` and `$` match at line breaks inside the subject.
        public static let multiline = Options(rawValue: PCRE2_MULTILINE)
        /// `(?s)`: `.` also matches a newline.
        public static let dotMatchesNewlines = Options(rawValue: PCRE2_DOTALL)
        /// `(?x)`: whitespace and `#` comments in the pattern are ignored.
        public static let extended = Options(rawValue: PCRE2_EXTENDED)
        /// `(?U)`: quantifiers are lazy by default.
        public static let ungreedy = Options(rawValue: PCRE2_UNGREEDY)
        /// The match must start at the start offset.
        public static let anchored = Options(rawValue: PCRE2_ANCHORED)
        /// The pattern is a literal string; no character is special.
        public static let literal = Options(rawValue: PCRE2_LITERAL)

        /// The options of a `/pattern/flags` literal's flag letters: `i`, `m`, `s`, `x`
        /// (other letters are ignored; the rule language's lexer accepts only these).
        public init(flags: String) {
            self = []
            if flags.contains("i") { insert(.caseInsensitive) }
            if flags.contains("m") { insert(.multiline) }
            if flags.contains("s") { insert(.dotMatchesNewlines) }
            if flags.contains("x") { insert(.extended) }
        }
    }

    /// How the pattern is executed.
    public enum Engine: String, Sendable {
        /// Machine code produced by PCRE2's JIT compiler.
        case jit
        /// PCRE2's portable interpreter.
        case interpreter
    }

    /// Whether to try the JIT compiler.
    public enum JITPolicy: Sendable, Hashable {
        /// JIT-compile when PCRE2 supports it here; use the interpreter if that fails.
        case automatic
        /// Always use the interpreter.
        case disabled
    }

    /// Resource limits applied to every match with this pattern.
    ///
    /// A match that reaches a limit fails with a ``MatchFailure`` instead of
    /// reporting "no match", so callers can tell a pathological pattern from an
    /// absent one.
    public struct Limits: Sendable, Hashable {
        /// Upper bound on PCRE2's internal backtracking steps for one match attempt.
        public var matchLimit: UInt32
        /// Upper bound on backtracking depth (interpreter only; JIT ignores it).
        public var depthLimit: UInt32
        /// Upper bound on heap memory for backtracking, in KiB (interpreter only).
        public var heapLimitKiB: UInt32

        public init(matchLimit: UInt32, depthLimit: UInt32, heapLimitKiB: UInt32) {
            self.matchLimit = matchLimit
            self.depthLimit = depthLimit
            self.heapLimitKiB = heapLimitKiB
        }

        /// Warden's defaults, tuned for single log lines: one million steps,
        /// depth 100,000 and 64 MiB of backtracking heap.
        public static let `default` = Limits(matchLimit: 1_000_000, depthLimit: 100_000, heapLimitKiB: 65_536)
    }

    /// A named capture group and its number.
    public struct NamedGroup: Sendable, Hashable {
        public let name: String
        public let index: Int
    }

    /// The pattern's source bytes, exactly as compiled.
    public let source: [UInt8]
    /// The compile-time flags.
    public let options: Options
    /// The limits every match with this pattern runs under.
    public let limits: Limits
    /// The engine matches run on.
    public var engine: Engine { usesJIT() ? .jit : .interpreter }
    /// Why JIT compilation was not used, when the policy was ``JITPolicy/automatic``
    /// and it failed or is unavailable; `nil` otherwise.
    public var jitUnavailableReason: String? {
        _ = usesJIT()
        return jitLock.withLock { $0 }
    }
    /// Number of capture groups (group 0, the whole match, not counted).
    public let captureCount: Int
    /// Named capture groups in order of their numbers.
    public let namedGroups: [NamedGroup]

    let code: OpaquePointer
    /// 0 until JIT compilation is tried, then 1 when matches run on JIT code, 2 when on the interpreter.
    private let jitState: Atomic<UInt8>
    /// Held while JIT-compiling; then why JIT is not used, if it is not.
    private let jitLock = Mutex<String?>(nil)

    /// Compiles a pattern given as UTF-8 bytes.
    ///
    /// - Throws: ``PatternError`` with PCRE2's message and the byte offset in
    ///   `bytes` where compilation failed.
    public init(
        bytes: [UInt8],
        options: Options = [],
        limits: Limits = .default,
        jit: JITPolicy = .automatic
    ) throws(PatternError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let flags = options.rawValue | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF
        let compiled: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(
                buffer.baseAddress ?? emptyBytes, buffer.count, flags,
                &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw PatternError(code: errorCode, message: PCRE2Library.message(for: errorCode), offset: errorOffset)
        }
        self.code = compiled
        self.source = bytes
        self.options = options
        self.limits = limits

        self.jitState = Atomic(jit == .automatic ? 0 : 2)
        self.captureCount = Int(Self.info(compiled, PCRE2_INFO_CAPTURECOUNT))
        self.namedGroups = Self.readNameTable(compiled)
    }

    /// Compiles a pattern given as a string (its UTF-8 bytes are compiled).
    public convenience init(
        _ pattern: String,
        options: Options = [],
        limits: Limits = .default,
        jit: JITPolicy = .automatic
    ) throws(PatternError) {
        try self.init(bytes: Array(pattern.utf8), options: options, limits: limits, jit: jit)
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// Whether matches run on JIT code, JIT-compiling the pattern the first time (once, under a lock).
    @inline(__always)
    func usesJIT() -> Bool {
        switch jitState.load(ordering: .acquiring) {
        case 1: true
        case 2: false
        default: compileJIT()
        }
    }

    private func compileJIT() -> Bool {
        jitLock.withLock { reason in
            let state = jitState.load(ordering: .relaxed)
            guard state == 0 else { return state == 1 }
            if !PCRE2Library.isJITAvailable {
                reason = "PCRE2 was built without JIT support"
            } else {
                let status = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE)
                if status != 0 { reason = PCRE2Library.message(for: status) }
            }
            jitState.store(reason == nil ? 1 : 2, ordering: .releasing)
            return reason == nil
        }
    }

    /// The pattern's source as text (invalid UTF-8 repaired for display).
    public var sourceText: String { String(decoding: source, as: UTF8.self) }

    /// The number of the first capture group called `name`, if there is one.
    public func groupIndex(named name: String) -> Int? {
        namedGroups.first { $0.name == name }?.index
    }

    private static func info(_ code: OpaquePointer, _ what: Int32) -> UInt32 {
        var value: UInt32 = 0
        _ = pcre2_pattern_info_8(code, UInt32(what), &value)
        return value
    }

    private static func readNameTable(_ code: OpaquePointer) -> [NamedGroup] {
        let count = Int(info(code, PCRE2_INFO_NAMECOUNT))
        guard count > 0 else { return [] }
        let entrySize = Int(info(code, PCRE2_INFO_NAMEENTRYSIZE))
        var table: UnsafePointer<UInt8>?
        _ = pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard let table else { return [] }
        var groups: [NamedGroup] = []
        groups.reserveCapacity(count)
        for entry in 0..<count {
            let start = table + entry * entrySize
            // Each entry: the group number as two big-endian bytes, then a NUL-terminated name.
            let index = Int(start[0]) << 8 | Int(start[1])
            groups.append(NamedGroup(name: String(cString: start + 2), index: index))
        }
        return groups.sorted { ($0.index, $0.name) < ($1.index, $1.name) }
    }
}

/// A valid address for an empty pattern or subject (PCRE2 rejects NULL pointers).
nonisolated(unsafe) let emptyBytes: UnsafePointer<UInt8> = {
    let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    storage.initialize(to: 0)
    return UnsafePointer(storage)
}()
