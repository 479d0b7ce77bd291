import WardenCore

/// Pack tests: `test "name" expect VERDICT [evidence [...]] { "line" ... }`.
extension Parser {
    mutating func parseTest(comments: [String], start: Int) -> TestSyntax? {
        advance()
        guard let name = expectString("the test's name as a string") else {
            recoverToItem()
            return nil
        }
        guard expectKeyword(.expect, "after the test's name") else {
            recoverToItem()
            return nil
        }
        let verdict: Verdict
        switch current.kind {
        case .keyword(.normal): verdict = .normal
        case .keyword(.abnormal): verdict = .abnormal
        case .identifier("undecided"): verdict = .undecided
        default:
            error(.expectedToken, "expected `normal`, `abnormal` or `undecided` after `expect`, found \(current.kind.displayName)",
                  at: current.range)
            recoverToItem()
            return nil
        }
        advance()
        var evidence: [Int]?
        var evidenceRange: SourceRange?
        if isKeyword(.evidence) {
            let evidenceStart = advance().range.start
            guard expect(.leftBracket, "after `evidence`") else {
                recoverToItem()
                return nil
            }
            var numbers: [Int] = []
            while !isPunctuation(.rightBracket), !atEnd {
                guard case .integer(let number) = current.kind else {
                    error(.expectedToken, "expected a line number in `evidence [...]`, found \(current.kind.displayName)", at: current.range)
                    recoverToItem()
                    return nil
                }
                numbers.append(number)
                advance()
                if !isPunctuation(.comma) { break }
                advance()
            }
            guard expect(.rightBracket, "to close the evidence list") else {
                recoverToItem()
                return nil
            }
            evidence = numbers
            evidenceRange = SourceRange(start: evidenceStart, end: previousEnd)
        }
        guard expect(.leftBrace, "to open the test's lines") else {
            recoverToItem()
            return nil
        }
        var lines: [StringLiteral] = []
        while !isPunctuation(.rightBrace), !atEnd {
            guard let line = expectString("a log line as a string literal") else {
                recoverToItem()
                return nil
            }
            lines.append(line)
        }
        expect(.rightBrace, "to close the test")
        return TestSyntax(comments: comments, name: name, expected: verdict, evidence: evidence,
                          evidenceRange: evidenceRange, lines: lines, range: SourceRange(start: start, end: previousEnd))
    }
}
