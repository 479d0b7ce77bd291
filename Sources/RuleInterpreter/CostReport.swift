import RuleLanguage
import RuleRuntime

/// What a pack costs per line: how the prefilter takes each line test (one
/// Vectorscan scan per window and stage, PCRE2 only to confirm candidates or for
/// tests it falls back on, and why), which tests are scanned for only when no
/// normal rule decides a window, and which quantifiers over the window are
/// decided from line-test bitsets rather than line by line.
public struct CostReport: Sendable {
    /// One line test and how the prefilter decides it.
    public struct Test: Sendable {
        public let index: Int
        /// The test as written: `/regex/flags`, `contains "text"`, ….
        public let source: String
        public let role: Prefilter.Role
        /// How many literals the scan looks for in its place (word-bounded literals), or 0.
        public let wordLiterals: Int
        /// Whether it is matched by tokens as a log template instead of scanned.
        public let isTokenTemplate: Bool
        /// Whether it is matched as a test of one field instead of scanned.
        public let isFieldTest: Bool
        /// Its prefilter stage: 0 for the tests the normal rules ask about (every test when a
        /// normal rule does not say), 1 for those scanned only when no normal rule decides the window.
        public let stage: Int
    }

    public let pack: String
    public let tests: [Test]
    /// The Vectorscan databases' size in bytes (`nil` when no test is in one).
    public let databaseBytes: Int?
    /// Quantifiers over the window decided from bitsets, and those evaluated line by line.
    public let bitwiseQuantifiers: Int
    public let perLineQuantifiers: Int

    public init(pack: CheckedPack) {
        let prefilter = Interpreter.ruleSet(for: pack).prefilter
        tests = pack.lineTests.enumerated().map { index, plan in
            let source: String = switch plan {
            case .regex(let regex):
                "/" + String(decoding: pack.regexes[regex].literal.pattern, as: UTF8.self) + "/" + pack.regexes[regex].literal.flags
            case .contains(let bytes): "contains \"\(String(decoding: bytes, as: UTF8.self))\""
            case .startsWith(let bytes): "startswith \"\(String(decoding: bytes, as: UTF8.self))\""
            case .endsWith(let bytes): "endswith \"\(String(decoding: bytes, as: UTF8.self))\""
            }
            return Test(index: index, source: source, role: prefilter.roles[index], wordLiterals: prefilter.wordLiteralCount(test: index),
                        isTokenTemplate: prefilter.isTokenTemplate(test: index), isFieldTest: prefilter.isFieldTest(test: index),
                        stage: prefilter.stageOfTest[index])
        }
        self.pack = pack.name
        databaseBytes = prefilter.databaseSize
        var bitwise = 0, perLine = 0
        for rule in pack.rules {
            for expression in [rule.condition] + rule.bindings.map(\.value) {
                Self.countQuantifiers(expression, bindings: rule.bindings, bitwise: &bitwise, perLine: &perLine)
            }
        }
        bitwiseQuantifiers = bitwise
        perLineQuantifiers = perLine
    }

    private static func countQuantifiers(_ e: TypedExpression, bindings: [TypedBinding], bitwise: inout Int, perLine: inout Int) {
        switch e.kind {
        case .quantifier(_, _, let source, let predicate):
            if case .window = source.kind {
                if e.windowLineQuantifier(bindings: bindings) != nil { bitwise += 1 } else { perLine += 1 }
            }
            countQuantifiers(source, bindings: bindings, bitwise: &bitwise, perLine: &perLine)
            countQuantifiers(predicate, bindings: bindings, bitwise: &bitwise, perLine: &perLine)
        case .list(let elements), .call(_, let elements):
            for element in elements { countQuantifiers(element, bindings: bindings, bitwise: &bitwise, perLine: &perLine) }
        case .not(let operand), .negate(let operand), .intToFloat(let operand), .member(_, let operand), .lineTest(_, let operand):
            countQuantifiers(operand, bindings: bindings, bitwise: &bitwise, perLine: &perLine)
        case .binary(_, let left, let right):
            countQuantifiers(left, bindings: bindings, bitwise: &bitwise, perLine: &perLine)
            countQuantifiers(right, bindings: bindings, bitwise: &bitwise, perLine: &perLine)
        default:
            break
        }
    }
}
