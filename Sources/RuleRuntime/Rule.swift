import PCRE2
import WardenCore

/// What the engine and the reports need to know about a rule.
public struct RuleMetadata: Sendable, Hashable {
    public var name: String
    public var kind: RuleKind
    public var severity: Severity?
    public var domain: String?
    public var tags: [String]

    public init(name: String, kind: RuleKind, severity: Severity? = nil, domain: String? = nil, tags: [String] = []) {
        self.name = name
        self.kind = kind
        self.severity = severity
        self.domain = domain
        self.tags = tags
    }
}

/// A rule over a window, interpreted or compiled to Swift.
///
/// A rule reads its window through the ``EvaluationContext``, which memoises
/// line tests shared by every rule of the pack.
public protocol WindowRule: Sendable {
    var metadata: RuleMetadata { get }
    /// Whether the rule holds on the context's current window.
    /// - Throws: ``RuleFailure`` when a regex reaches a PCRE2 resource limit.
    func holds(in context: EvaluationContext) throws(RuleFailure) -> Bool
    /// Line tests one of which must pass on some line for the rule to hold on a window with
    /// lines, and whose failing everywhere the rule's evaluation would see without a PCRE2 error;
    /// `nil` when the rule has none. The engine skips a rule whose triggers the scan ruled out.
    var triggers: [Int]? { get }
    /// Every line test the rule may ask about (more will do), or `nil` when not known. When
    /// every normal rule says, the engine scans a window for the normal rules' tests first and
    /// for the others only when no normal rule decides the window.
    var lineTests: [Int]? { get }
}

extension WindowRule {
    public var triggers: [Int]? { nil }
    public var lineTests: [Int]? { nil }
}

extension WindowRule {
    /// The 0-based positions of the lines that make the rule hold.
    ///
    /// Evaluates the rule again while the context records the lines that
    /// support the result: elements for which a quantifier's predicate held
    /// (or, under `not`, failed), lines returned by `unpaired`, lines matched by
    /// `sequence` and found by `first`. A rule about the window as a whole
    /// (say `count(window) >= 20`) supports itself with every line.
    public func evidence(in context: EvaluationContext) throws(RuleFailure) -> [Int] {
        try context.collectingEvidence { () throws(RuleFailure) in _ = try holds(in: context) }
    }
}

/// A rule could not be evaluated on a window: a regex reached a PCRE2 limit.
public struct RuleFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var failure: MatchFailure

    public init(_ failure: MatchFailure) { self.failure = failure }

    public var description: String { "\(failure)" }
}

/// A test on one line's bytes that the pack's rules share; the context runs
/// each test at most once per line and window, whichever rules ask.
public enum LineTest: Sendable {
    case matches(Pattern)
    case contains([UInt8])
    case startsWith([UInt8])
    case endsWith([UInt8])

    /// Runs the test on `line`.
    public func run(_ line: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) throws(RuleFailure) -> Bool {
        switch self {
        case .matches(let pattern):
            do { return try pattern.matches(line, scratch: scratch) } catch { throw RuleFailure(error) }
        case .contains(let needle): return Text.contains(line, needle)
        case .startsWith(let prefix): return Text.hasPrefix(line, prefix)
        case .endsWith(let suffix): return Text.hasSuffix(line, suffix)
        }
    }
}

/// A pack ready to run: its line tests and its rules in pack order.
public struct RuleSet: Sendable {
    public var name: String
    public var version: String
    /// Line tests shared by the rules; rules refer to them by index.
    public let lineTests: [LineTest]
    public let normalRules: [any WindowRule]
    public let abnormalRules: [any WindowRule]
    private let metadataByName: [String: RuleMetadata]
    /// The rules a window can make hold, from their ``WindowRule/triggers``.
    let normalSelection: RuleSelection
    let abnormalSelection: RuleSelection
    /// The prefilter stage of each line test: 1 for the tests no normal rule asks about, when
    /// every normal rule says which it asks about (``WindowRule/lineTests``); 0 for the others.
    let stageOfTest: [Int]
    private let prefilterCache = PrefilterCache()
    /// For a compiled pack, the code generator's fingerprint of what it was generated from.
    public let digest: String?

    public init(name: String, version: String, lineTests: [LineTest], rules: [any WindowRule], digest: String? = nil) {
        self.name = name
        self.version = version
        self.digest = digest
        self.lineTests = lineTests
        self.normalRules = rules.filter { $0.metadata.kind == .normal }
        self.abnormalRules = rules.filter { $0.metadata.kind == .abnormal }
        normalSelection = RuleSelection(normalRules, tests: lineTests.count)
        abnormalSelection = RuleSelection(abnormalRules, tests: lineTests.count)
        var stageOfTest = [Int](repeating: 0, count: lineTests.count)
        let asked = normalRules.map(\.lineTests)
        if !asked.contains(where: { $0 == nil }) {
            let normalTests = Set(asked.flatMap { $0! })
            for test in stageOfTest.indices where !normalTests.contains(test) { stageOfTest[test] = 1 }
        }
        self.stageOfTest = stageOfTest
        metadataByName = Dictionary(rules.map { ($0.metadata.name, $0.metadata) }, uniquingKeysWith: { first, _ in first })
    }

    /// The metadata of the rule named `name` (what decided a window), in constant time.
    public func metadata(of name: String) -> RuleMetadata? { metadataByName[name] }

    /// The multi-pattern prefilter of the line tests, compiled on first use and shared.
    public var prefilter: Prefilter { prefilterCache.prefilter(for: lineTests, stageOfTest: stageOfTest) }

    /// Every rule, normal rules first.
    public var rules: [any WindowRule] { normalRules + abnormalRules }
}

/// Which rules of a list a window can make hold, from the tests that may pass on it:
/// the rules without ``WindowRule/triggers``, and those with a trigger among the tests.
struct RuleSelection: Sendable {
    let ruleCount: Int
    /// Rules without triggers, as a bitset over the list.
    let untriggered: [UInt64]
    /// For each test, the rules it triggers.
    let rulesByTest: [[Int]]
    /// Whether some rule has triggers (otherwise every rule is a candidate: nothing to select by).
    let selects: Bool

    init(_ rules: [any WindowRule], tests: Int) {
        ruleCount = rules.count
        var untriggered = [UInt64](repeating: 0, count: (rules.count + 63) / 64)
        var rulesByTest = [[Int]](repeating: [], count: tests)
        for (index, rule) in rules.enumerated() {
            guard let triggers = rule.triggers, triggers.allSatisfy({ $0 < tests }) else {
                untriggered[index >> 6] |= 1 << UInt64(index & 63)
                continue
            }
            for test in Set(triggers) { rulesByTest[test].append(index) }
        }
        self.untriggered = untriggered
        self.rulesByTest = rulesByTest
        selects = rulesByTest.contains { !$0.isEmpty }
    }

    /// Calls `body` with each rule a window can make hold, in list order, until `body` returns
    /// `true`; `passing` is the tests that may pass on it (``EvaluationContext/passingTests()``,
    /// `nil`: every test), `scratch` a bitset over rules to reuse.
    @inline(__always)
    func forEachCandidate(passing: [UInt64]?, scratch: inout [UInt64], _ body: (Int) -> Bool) {
        guard let passing, selects else {
            for index in 0..<ruleCount where body(index) { return }
            return
        }
        if scratch.count < untriggered.count { scratch = [UInt64](repeating: 0, count: untriggered.count) }
        for word in untriggered.indices { scratch[word] = untriggered[word] }
        for word in passing.indices {
            var bits = passing[word]
            while bits != 0 {
                let test = word << 6 | bits.trailingZeroBitCount
                bits &= bits &- 1
                for rule in rulesByTest[test] { scratch[rule >> 6] |= 1 << UInt64(rule & 63) }
            }
        }
        for word in untriggered.indices {
            var bits = scratch[word]
            while bits != 0 {
                if body(word << 6 | bits.trailingZeroBitCount) { return }
                bits &= bits &- 1
            }
        }
    }
}

extension LineTest {
    /// A regex test from the pattern's bytes and the literal's flags (`i`, `m`,
    /// `s`, `x`), compiled and JIT-ed once. Compiled packs call this with patterns
    /// the checker already accepted, so failing here means a different PCRE2 build.
    public static func regex(_ pattern: [UInt8], flags: String) -> LineTest {
        do {
            return .matches(try Pattern(bytes: pattern, options: Pattern.Options(flags: flags)))
        } catch {
            preconditionFailure("a checked regex no longer compiles with this PCRE2 (\(PCRE2Library.version)): \(error)")
        }
    }
}

extension LineTest {
    /// ``regex(_:flags:)-([UInt8],_)`` for a pattern that is valid UTF-8.
    public static func regex(_ pattern: String, flags: String) -> LineTest {
        regex(Array(pattern.utf8), flags: flags)
    }
}
