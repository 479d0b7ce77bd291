import CPCRE2

extension Pattern {
    /// Whether the pattern matches anywhere in `subject` at or after byte `start`.
    ///
    /// - Throws: ``MatchFailure`` when a resource limit or PCRE2 error ends the
    ///   attempt; a limit is never reported as `false`.
    public func matches(
        _ subject: some MatchSubject, from start: Int = 0, scratch: MatchScratch? = nil
    ) throws(MatchFailure) -> Bool {
        let scratch = scratch ?? .forCurrentThread
        let status = subject.withSubjectBytes { bytes in
            execute(bytes, from: start, options: 0, scratch: scratch)
        }
        return try interpret(status)
    }

    /// The first match in `subject` at or after byte `start`, or `nil`.
    public func firstMatch(
        in subject: some MatchSubject, from start: Int = 0, scratch: MatchScratch? = nil
    ) throws(MatchFailure) -> Match? {
        let scratch = scratch ?? .forCurrentThread
        let result: Result<Match?, MatchFailure> = subject.withSubjectBytes { bytes in
            let status = execute(bytes, from: start, options: 0, scratch: scratch)
            return Result { () throws(MatchFailure) in
                try interpret(status) ? readMatch(scratch) : nil
            }
        }
        return try result.get()
    }

    /// Every non-overlapping match in `subject`, left to right.
    ///
    /// After an empty match the search retries at the same place for a non-empty
    /// match, then moves on by one character, so iteration always terminates.
    /// - Parameter maximumCount: stop after this many matches.
    public func allMatches(
        in subject: some MatchSubject, maximumCount: Int = .max, scratch: MatchScratch? = nil
    ) throws(MatchFailure) -> [Match] {
        let scratch = scratch ?? .forCurrentThread
        let result: Result<[Match], MatchFailure> = subject.withSubjectBytes { bytes in
            Result { () throws(MatchFailure) in
                try collectMatches(bytes, maximumCount: maximumCount, scratch: scratch)
            }
        }
        return try result.get()
    }

    private func collectMatches(
        _ bytes: UnsafeBufferPointer<UInt8>, maximumCount: Int, scratch: MatchScratch
    ) throws(MatchFailure) -> [Match] {
        var matches: [Match] = []
        var start = 0
        var retryingEmpty = false
        while matches.count < maximumCount, start <= bytes.count {
            let options: UInt32 = retryingEmpty ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0
            let status = execute(bytes, from: start, options: options, scratch: scratch)
            guard try interpret(status) else {
                guard retryingEmpty else { break }
                // No non-empty match here: move on by one character.
                retryingEmpty = false
                start = Self.nextCharacterOffset(in: bytes, after: start)
                continue
            }
            let match = readMatch(scratch)
            matches.append(match)
            start = match.range.upperBound
            retryingEmpty = match.range.isEmpty
        }
        return matches
    }

    /// The offset of the next UTF-8 lead byte after `offset` (or one past the end).
    private static func nextCharacterOffset(in bytes: UnsafeBufferPointer<UInt8>, after offset: Int) -> Int {
        var next = offset + 1
        while next < bytes.count, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    /// Runs one match attempt and returns PCRE2's status code, growing the JIT
    /// stack and retrying when it runs out.
    func execute(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, options: UInt32, scratch: MatchScratch
    ) -> Int32 {
        guard start >= 0, start <= bytes.count else { return PCRE2_ERROR_BADOFFSET }
        let jit = usesJIT()
        scratch.prepare(for: self)
        let base = bytes.baseAddress ?? emptyBytes
        // pcre2_jit_match skips argument checks and supports these match options;
        // anything else (ANCHORED at match time) goes through pcre2_match.
        let jitOptions = PCRE2_NOTEMPTY_ATSTART | PCRE2_NOTEMPTY | PCRE2_NOTBOL | PCRE2_NOTEOL
        while true {
            let status: Int32
            if jit, options & ~jitOptions == 0 {
                status = pcre2_jit_match_8(
                    code, base, bytes.count, start, options, scratch.matchData, scratch.matchContext)
            } else {
                status = pcre2_match_8(
                    code, base, bytes.count, start, options, scratch.matchData, scratch.matchContext)
            }
            if status == PCRE2_ERROR_JIT_STACKLIMIT, scratch.growJITStack() { continue }
            return status
        }
    }

    /// Turns a PCRE2 status into matched / not matched / failure.
    func interpret(_ status: Int32) throws(MatchFailure) -> Bool {
        if status >= 0 { return true }
        switch status {
        case PCRE2_ERROR_NOMATCH: return false
        case PCRE2_ERROR_MATCHLIMIT: throw .matchLimit
        case PCRE2_ERROR_DEPTHLIMIT: throw .depthLimit
        case PCRE2_ERROR_HEAPLIMIT: throw .heapLimit
        case PCRE2_ERROR_JIT_STACKLIMIT: throw .jitStackLimit
        default: throw .other(code: status, message: PCRE2Library.message(for: status))
        }
    }

    /// Reads the ranges of the last successful match out of `scratch`.
    func readMatch(_ scratch: MatchScratch) -> Match {
        let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
        let unset = warden_pcre2_unset()
        func range(_ pair: Int) -> Range<Int>? {
            let lower = ovector[2 * pair], upper = ovector[2 * pair + 1]
            guard lower != unset, upper != unset else { return nil }
            // \K can report an end before the start; clamp to an empty range.
            return lower..<max(lower, upper)
        }
        var captures: [Range<Int>?] = []
        captures.reserveCapacity(captureCount)
        var group = 1
        while group <= captureCount {
            captures.append(range(group))
            group += 1
        }
        return Match(range: range(0) ?? 0..<0, captures: captures)
    }
}
