/// Every diagnostic Warden's front end can emit. A code is never reused: a
/// retired code keeps its entry and its documentation page.
///
/// Ranges: E00xx lexical, E01xx syntax, E02xx types, E03xx names,
/// E04xx regexes, E05xx pack structure and attributes; W-codes are warnings.
public enum DiagnosticCode: String, Sendable, Hashable, CaseIterable, Codable {
    case unexpectedCharacter = "E0001"
    case unterminatedString = "E0002"
    case invalidEscape = "E0003"
    case unterminatedRegex = "E0004"
    case invalidUTF8 = "E0005"
    case invalidNumber = "E0006"
    case invalidRegexFlag = "E0007"
    case loneCarriageReturn = "E0008"
    case notText = "E0009"

    case expectedToken = "E0101"
    case expectedExpression = "E0102"
    case expectedPackHeader = "E0103"
    case missingCondition = "E0104"
    case nestingTooDeep = "E0105"
    case unexpectedItem = "E0106"
    case extraCondition = "E0107"

    case typeMismatch = "E0201"
    case conditionNotBool = "E0202"
    case incomparableTypes = "E0203"
    case invalidOperand = "E0204"
    case wrongArgumentCount = "E0205"
    case unknownArgumentLabel = "E0206"
    case noSuchCaptureGroup = "E0207"
    case regexNotStatic = "E0208"
    case mixedListElements = "E0209"
    case noSuchMember = "E0210"

    case unknownName = "E0301"
    case unknownFunction = "E0302"
    case duplicateRule = "E0303"
    case duplicateBinding = "E0304"
    case unusedBinding = "W0301"

    case invalidRegex = "E0401"

    case unknownAttribute = "E0501"
    case invalidAttributeArgument = "E0502"
    case duplicateAttribute = "E0503"
    case invalidVersion = "E0504"
    case emptyTest = "E0505"
    case evidenceOutOfRange = "E0506"
    case duplicateTest = "E0507"
    case noRules = "W0501"

    /// The severity a diagnostic with this code has.
    public var severity: Diagnostic.Severity {
        rawValue.hasPrefix("W") ? .warning : .error
    }

    /// A one-line summary.
    public var title: String { documentation.title }

    /// A longer explanation in Markdown: when the code is reported and how to fix it.
    public var explanation: String { documentation.explanation }
}
