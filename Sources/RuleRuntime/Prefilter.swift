import Synchronization
import Vectorscan
import WardenCore

/// The multi-pattern prefilter of a pack: every line test Vectorscan can take,
/// compiled into one database per ``Stage``, so that one scan of a window answers
/// all the tests of a stage for every line at once.
///
/// Each test gets a ``Role``:
/// - ``Role/exact``: the scan's answer is the test's answer (literal tests on every
///   line, regexes on lines that are entirely ASCII, where Vectorscan's byte mode and
///   PCRE2's UTF-8 mode agree); regexes in the shape of a log template are matched by
///   tokens instead (``TokenTemplate``), at a cost per line that does not grow with their number;
/// - ``Role/candidate``: compiled in Vectorscan's prefilter mode, an approximation that
///   matches at least wherever the regex does: a line without a match fails the test,
///   and PCRE2 confirms a line with one;
/// - ``Role/fallback``: not in the database; PCRE2 (or the byte comparison) runs on
///   each line a rule asks about.
///
/// A test the scan decides exactly never reaches a PCRE2 resource limit.
public struct Prefilter: Sendable {
    /// Line tests run one by one with PCRE2 (lines × tests) past which compiling a prefilter
    /// for them pays for itself: the learner's candidate rule sets and the linter's pack tests.
    public static let testRunsToPayForCompiling = 100_000

    /// How the prefilter decides a line test.
    public enum Role: Sendable, Hashable {
        case exact
        /// In prefilter mode: a match is a candidate PCRE2 confirms. The reason says why.
        case candidate(reason: String)
        /// Not in the database; the reason says why.
        case fallback(reason: String)

        /// Why the test is not decided by the scan alone.
        public var reason: String? {
            switch self {
            case .exact: nil
            case .candidate(let reason), .fallback(let reason): reason
            }
        }
    }

    /// The role of each of the pack's line tests, in line-test order.
    public let roles: [Role]
    /// The tests scanned together, in the order a window is scanned for them: the tests of the
    /// normal rules first, the others only when no normal rule decides the window (see
    /// ``RuleSet``). One stage when the pack is not split.
    public let stages: [Stage]
    /// The stage of each test (an index into ``stages``).
    public let stageOfTest: [Int]
    /// Whether each test is a regex (whose scan answer holds on ASCII lines only).
    let isRegex: [Bool]

    /// Tests a window is scanned for at once: their database, their token templates and their field tests.
    public struct Stage: Sendable {
        /// The stage's tests, in line-test order.
        public let tests: [Int]
        /// The database, or `nil` when no test of the stage is in one.
        public let database: Database?
        /// The stage's tests matched by tokens rather than scanned (regexes in the shape of a log template).
        let templates: TemplateIndex
        /// The stage's tests matched by fields rather than scanned (regexes that test one field).
        let fields: FieldIndex
    }

    /// The bytes of every stage's database.
    public var databaseSize: Int? {
        let sizes = stages.compactMap { $0.database?.size }
        return sizes.isEmpty ? nil : sizes.reduce(0, +)
    }

    /// How many literals test `test` is scanned as (a regex of word-bounded literals such as
    /// `\b(INFO|WARNING)\b`, whose boundaries are checked on the bytes), or 0.
    public func wordLiteralCount(test: Int) -> Int {
        wordLiterals.count { $0.test == test }
    }

    /// Literals scanned for regexes of word-bounded literals: the database's expression
    /// `lineTests.count + i` is `wordLiterals[i]` (expressions below that are the tests themselves).
    let wordLiterals: [WordLiteral]

    private let templateTests: Set<Int>

    /// Whether test `test` is matched by tokens as a log template (``TokenTemplate``).
    public func isTokenTemplate(test: Int) -> Bool { templateTests.contains(test) }

    private let fieldTests: Set<Int>

    /// Whether test `test` is matched as a test of one field (``FieldTest``).
    public func isFieldTest(test: Int) -> Bool { fieldTests.contains(test) }

    /// Compiles the tests Vectorscan can take, a database per stage (`stageOfTest`: each test's
    /// stage, numbered from 0; by default every test is in stage 0). A test Vectorscan rejects in
    /// exact mode is retried in prefilter mode, and one it rejects in both falls back to PCRE2.
    /// With a `cache` (by default ``DatabaseCache/shared``), a stage compiled before is read back instead.
    public init(lineTests: [LineTest], stageOfTest: [Int]? = nil, cache: DatabaseCache? = DatabaseCache.shared) {
        let stageOfTest = stageOfTest ?? [Int](repeating: 0, count: lineTests.count)
        precondition(stageOfTest.count == lineTests.count && stageOfTest.allSatisfy { $0 >= 0 }, "a stage per line test")
        self.stageOfTest = stageOfTest
        let stageCount = (stageOfTest.max() ?? 0) + 1
        var forms = lineTests.enumerated().map { index, test in Self.expression(for: test, id: UInt32(index)) }
        isRegex = lineTests.map { if case .matches = $0 { true } else { false } }
        // A regex that tests one field is matched by fields, outside the database.
        var fields: [FieldIndex.Entry] = []
        for (index, test) in lineTests.enumerated() {
            guard case .matches(let pattern) = test, case .exact = forms[index], let field = FieldTest(pattern: pattern) else { continue }
            fields.append(FieldIndex.Entry(test: index, field: field))
            forms[index] = .field
        }
        fieldTests = Set(fields.map(\.test))
        // A regex in the shape of a log template is matched by tokens, outside the database.
        var templates: [TemplateIndex.Entry] = []
        var unkeyed = 0
        for (index, test) in lineTests.enumerated() {
            guard case .matches(let pattern) = test, case .exact = forms[index],
                  let template = TokenTemplate(pattern: pattern) else { continue }
            if !template.isKeyed {
                guard unkeyed < TemplateIndex.unkeyedLimit else { continue }
                unkeyed += 1
            }
            templates.append(TemplateIndex.Entry(test: index, template: template))
            forms[index] = .template
        }
        templateTests = Set(templates.map(\.test))
        // A regex of word-bounded literals is scanned as its literals (ids after the tests').
        var wordLiterals: [WordLiteral] = []
        var literalExpressions: [Int: [Database.Expression]] = [:]
        for (index, test) in lineTests.enumerated() {
            guard case .matches(let pattern) = test, case .exact(let expression) = forms[index],
                  let split = WordLiteral.split(pattern.source) else { continue }
            for literal in split.literals {
                let id = UInt32(lineTests.count + wordLiterals.count)
                wordLiterals.append(WordLiteral(test: index, length: literal.count,
                                                boundedBefore: split.boundedBefore, boundedAfter: split.boundedAfter))
                literalExpressions[index, default: []].append(
                    Database.Expression(source: Self.escaped(literal), flags: expression.flags, id: id))
            }
        }
        self.wordLiterals = wordLiterals
        var roles: [Role] = forms.map { form in
            switch form {
            case .template, .field, .exact: .exact
            case .candidate(_, let reason): .candidate(reason: reason)
            case .fallback(let reason): .fallback(reason: reason)
            }
        }
        var stages: [Stage] = []
        for stage in 0..<stageCount {
            let tests = stageOfTest.indices.filter { stageOfTest[$0] == stage }
            let database = Self.database(tests: tests, forms: forms, literals: literalExpressions, wordLiterals: wordLiterals,
                                         lineTests: lineTests, roles: &roles, cache: cache)
            stages.append(Stage(tests: tests, database: database,
                                templates: TemplateIndex(templates.filter { stageOfTest[$0.test] == stage }),
                                fields: FieldIndex(fields.filter { stageOfTest[$0.test] == stage })))
        }
        self.roles = roles
        self.stages = stages
    }

    /// The database of `tests`, read back from `cache` or compiled (which settles their `roles`).
    private static func database(tests: [Int], forms: [Form], literals literalExpressions: [Int: [Database.Expression]],
                                 wordLiterals: [WordLiteral], lineTests: [LineTest], roles: inout [Role],
                                 cache: DatabaseCache?) -> Database? {
        guard !tests.isEmpty else { return nil }
        let key = cacheKey(tests.map { ($0, forms[$0]) }, literals: tests.flatMap { literalExpressions[$0] ?? [] })
        if let cached = cache?.load(key: key, tests: tests.count) {
            for (position, test) in tests.enumerated() { roles[test] = cached.roles[position] }
            return cached.database
        }
        var expressions: [Int: Database.Expression] = [:]
        for index in tests {
            // A match must end inside its line, so a pattern that can match the empty string stays with PCRE2.
            switch forms[index] {
            case .exact(let expression), .candidate(let expression, _):
                if Database.minimumWidth(of: expression) == 0 {
                    roles[index] = .fallback(reason: "it can match the empty string (the scan places a match by its last byte)")
                } else if let literals = literalExpressions[index] {
                    for literal in literals { expressions[Int(literal.id)] = literal }
                } else {
                    expressions[index] = expression
                }
            case .template, .field, .fallback: break
            }
        }
        var database: Database?
        // Each failed compile names the expression at fault: demote it (exact → prefilter mode →
        // fallback) and compile again; at most two demotions per test.
        while !expressions.isEmpty {
            let order = expressions.keys.sorted()
            do {
                database = try Database(order.map { expressions[$0]! })
                break
            } catch {
                guard let position = error.expression else {
                    for index in order where index < lineTests.count {
                        roles[index] = .fallback(reason: "Vectorscan: \(error.message)")
                    }
                    for index in order where index >= lineTests.count {
                        roles[wordLiterals[index - lineTests.count].test] = .fallback(reason: "Vectorscan: \(error.message)")
                    }
                    expressions.removeAll()
                    break
                }
                var index = order[position]
                if index >= lineTests.count {
                    // A literal of a word-bounded regex: the test goes back to its regex.
                    index = wordLiterals[index - lineTests.count].test
                    for literal in literalExpressions[index]! { expressions[Int(literal.id)] = nil }
                    if case .exact(let expression) = forms[index] { expressions[index] = expression }
                    continue
                }
                if roles[index] == .exact, case .matches = lineTests[index] {
                    roles[index] = .candidate(reason: "Vectorscan cannot match it exactly (\(error.message))")
                    expressions[index]!.flags.insert(.prefilter)
                } else {
                    roles[index] = .fallback(reason: "Vectorscan cannot compile it (\(error.message))")
                    expressions[index] = nil
                }
            }
        }
        cache?.store(key: key, roles: tests.map { roles[$0] }, database: database)
        return database
    }

    /// What the compiled prefilter depends on: Vectorscan's version and every test's form (FNV-1a, 64 bits).
    private static func cacheKey(_ forms: [(test: Int, form: Form)], literals: [Database.Expression]) -> String {
        var fingerprint = Fingerprint()
        func add(_ bytes: some Sequence<UInt8>) {
            fingerprint.add(bytes)
            fingerprint.endField()
        }
        add(Database.version.utf8)
        for (test, form) in forms {
            add(String(test).utf8)
            switch form {
            case .exact(let expression), .candidate(let expression, _):
                add(expression.source)
                add(String(expression.flags.rawValue).utf8)
                add(String(expression.id).utf8)
            case .fallback(let reason):
                add(reason.utf8)
            case .template:
                add("token template".utf8)
            case .field:
                add("field test".utf8)
            }
            if case .candidate(_, let reason) = form { add(reason.utf8) }
        }
        for literal in literals {
            add(literal.source)
            add(String(literal.id).utf8)
        }
        return fingerprint.hex
    }

    private enum Form {
        case exact(Database.Expression)
        case candidate(Database.Expression, reason: String)
        case fallback(reason: String)
        /// Matched by tokens, not scanned.
        case template
        /// Matched by fields, not scanned.
        case field
    }

    /// `bytes` as a Vectorscan pattern that matches exactly them.
    private static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.map { byte in "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined().utf8)
    }

    /// Vectorscan's form of a test, or why it has none.
    private static func expression(for test: LineTest, id: UInt32) -> Form {
        let flags: Database.Flags = [.multiline]
        func literal(_ bytes: [UInt8], prefix: String, suffix: String) -> Form {
            guard !bytes.isEmpty else { return .fallback(reason: "an empty literal holds on every line") }
            guard !bytes.contains(0x0A) else { return .fallback(reason: "a literal with a newline (a line never holds one)") }
            return .exact(Database.Expression(source: Array(prefix.utf8) + escaped(bytes) + Array(suffix.utf8), flags: flags, id: id))
        }
        switch test {
        case .contains(let needle): return literal(needle, prefix: "", suffix: "")
        case .startsWith(let prefix): return literal(prefix, prefix: "^", suffix: "")
        case .endsWith(let suffix): return literal(suffix, prefix: "", suffix: "$")
        case .matches(let pattern):
            var flags = flags
            var options = pattern.options
            if options.contains(.caseInsensitive) { flags.insert(.caseless); options.remove(.caseInsensitive) }
            // A line holds no newline, so `m` and `s` change nothing a line can show.
            options.remove(.multiline)
            options.remove(.dotMatchesNewlines)
            if options.contains(.extended) { return .fallback(reason: "the x flag (Vectorscan has no extended syntax)") }
            guard options.isEmpty else { return .fallback(reason: "PCRE2 options Vectorscan has no equivalent for") }
            switch LineRegex.rewrite(pattern.source) {
            case .exact(let source):
                return .exact(Database.Expression(source: source, flags: flags, id: id))
            case .approximate(let source, let reason):
                return .candidate(Database.Expression(source: source, flags: flags.union(.prefilter), id: id), reason: reason)
            case .unsupported(let reason):
                return .fallback(reason: reason)
            }
        }
    }
}

/// Compiles a rule set's prefilter once, on first use, for every context made from it.
final class PrefilterCache: Sendable {
    private let storage = Mutex<Prefilter?>(nil)

    func prefilter(for lineTests: [LineTest], stageOfTest: [Int]) -> Prefilter {
        storage.withLock { cached in
            if let cached { return cached }
            let built = Prefilter(lineTests: lineTests, stageOfTest: stageOfTest)
            cached = built
            return built
        }
    }
}
