/// A stable diagnostic code, such as `E0203` from the checker or `W1101` from a
/// lint. A code is never reused: a retired code keeps its entry and its
/// documentation page. ``DiagnosticRegistry`` holds what each code means.
///
/// Front-end ranges: E00xx lexical, E01xx syntax, E02xx types, E03xx names,
/// E04xx regexes, E05xx pack structure and attributes; W0xxx are the front end's
/// warnings. W1xxx belong to the linter (`RuleLint`).
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The severity the front end gives a diagnostic with this code: W-codes warn, the rest are errors.
    public var severity: Diagnostic.Severity {
        rawValue.hasPrefix("W") ? .warning : .error
    }
}

extension DiagnosticCode {
    public static let unexpectedCharacter = DiagnosticCode("E0001")
    public static let unterminatedString = DiagnosticCode("E0002")
    public static let invalidEscape = DiagnosticCode("E0003")
    public static let unterminatedRegex = DiagnosticCode("E0004")
    public static let invalidUTF8 = DiagnosticCode("E0005")
    public static let invalidNumber = DiagnosticCode("E0006")
    public static let invalidRegexFlag = DiagnosticCode("E0007")
    public static let loneCarriageReturn = DiagnosticCode("E0008")
    public static let notText = DiagnosticCode("E0009")
    public static let expectedToken = DiagnosticCode("E0101")
    public static let expectedExpression = DiagnosticCode("E0102")
    public static let expectedPackHeader = DiagnosticCode("E0103")
    public static let missingCondition = DiagnosticCode("E0104")
    public static let nestingTooDeep = DiagnosticCode("E0105")
    public static let unexpectedItem = DiagnosticCode("E0106")
    public static let extraCondition = DiagnosticCode("E0107")
    public static let typeMismatch = DiagnosticCode("E0201")
    public static let conditionNotBool = DiagnosticCode("E0202")
    public static let incomparableTypes = DiagnosticCode("E0203")
    public static let invalidOperand = DiagnosticCode("E0204")
    public static let wrongArgumentCount = DiagnosticCode("E0205")
    public static let unknownArgumentLabel = DiagnosticCode("E0206")
    public static let noSuchCaptureGroup = DiagnosticCode("E0207")
    public static let regexNotStatic = DiagnosticCode("E0208")
    public static let mixedListElements = DiagnosticCode("E0209")
    public static let noSuchMember = DiagnosticCode("E0210")
    public static let unknownName = DiagnosticCode("E0301")
    public static let unknownFunction = DiagnosticCode("E0302")
    public static let duplicateRule = DiagnosticCode("E0303")
    public static let duplicateBinding = DiagnosticCode("E0304")
    public static let unusedBinding = DiagnosticCode("W0301")
    public static let invalidRegex = DiagnosticCode("E0401")
    public static let unknownAttribute = DiagnosticCode("E0501")
    public static let invalidAttributeArgument = DiagnosticCode("E0502")
    public static let duplicateAttribute = DiagnosticCode("E0503")
    public static let invalidVersion = DiagnosticCode("E0504")
    public static let emptyTest = DiagnosticCode("E0505")
    public static let evidenceOutOfRange = DiagnosticCode("E0506")
    public static let duplicateTest = DiagnosticCode("E0507")
    public static let noRules = DiagnosticCode("W0501")

    /// Every code the front end reports, in code order.
    public static let frontEnd: [DiagnosticCode] = [
        .unexpectedCharacter, .unterminatedString, .invalidEscape, .unterminatedRegex,
        .invalidUTF8, .invalidNumber, .invalidRegexFlag, .loneCarriageReturn,
        .notText, .expectedToken, .expectedExpression, .expectedPackHeader,
        .missingCondition, .nestingTooDeep, .unexpectedItem, .extraCondition,
        .typeMismatch, .conditionNotBool, .incomparableTypes, .invalidOperand,
        .wrongArgumentCount, .unknownArgumentLabel, .noSuchCaptureGroup, .regexNotStatic,
        .mixedListElements, .noSuchMember, .unknownName, .unknownFunction,
        .duplicateRule, .duplicateBinding, .unusedBinding, .invalidRegex,
        .unknownAttribute, .invalidAttributeArgument, .duplicateAttribute, .invalidVersion,
        .emptyTest, .evidenceOutOfRange, .duplicateTest, .noRules,
    ].sorted()
}
