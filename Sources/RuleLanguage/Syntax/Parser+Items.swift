/// The pack header, top-level items, attributes and recovery between items.
extension Parser {
    mutating func parsePack() -> PackSyntax {
        let (comments, doc) = leadingTrivia()
        var header: PackHeader?
        if isKeyword(.pack) {
            header = parseHeader(comments: comments, doc: doc)
            header?.comments += takeCommentsBeforeItem()
        } else {
            error(.expectedPackHeader, "expected a pack header `pack NAME version \"X.Y.Z\"`, found \(current.kind.displayName)",
                  at: current.range,
                  fixIts: [Diagnostic.FixIt("insert a pack header",
                                            edits: [.init(range: .at(current.range.start), replacement: "pack rules version \"0.1.0\"\n\n")])])
        }
        var items: [ItemSyntax] = []
        // Without a header, the leading comments and doc belong to the first item.
        var carriedComments = header == nil ? comments : []
        var carriedDoc = header == nil ? doc : []
        while !atEnd {
            let start = index
            if let item = parseItem(comments: carriedComments, doc: carriedDoc) { items.append(item) }
            carriedComments = []
            carriedDoc = []
            if index == start { advance() }
        }
        return PackSyntax(header: header, items: items, trailingComments: takeComments())
    }

    /// Comments consumed since the last declaration (but not the current token's).
    mutating func takeCommentsBeforeItem() -> [String] {
        defer { pendingComments = [] }
        return pendingComments
    }

    /// The `//` comments and `///` doc lines before the next item.
    mutating func leadingTrivia() -> (comments: [String], doc: [String]) {
        var comments = takeComments()
        var doc: [String] = []
        while case .docComment(let text) = current.kind {
            doc.append(text)
            advance()
            comments += takeComments()
        }
        return (comments, doc)
    }

    mutating func parseHeader(comments: [String], doc: [String]) -> PackHeader? {
        let start = advance().range.start
        guard let name = expectIdentifier("the pack's name after `pack`") else {
            recoverToItem()
            return nil
        }
        guard expectKeyword(.version, "after the pack name"), let version = expectString("a version string such as \"1.0.0\"") else {
            recoverToItem()
            return nil
        }
        var description: StringLiteral?
        if isKeyword(.description) {
            advance()
            description = expectString("a description string")
        }
        return PackHeader(comments: comments, doc: doc, name: name, version: version,
                          description: description, range: SourceRange(start: start, end: previousEnd))
    }

    mutating func parseItem(comments: [String], doc: [String]) -> ItemSyntax? {
        let trivia = leadingTrivia()
        let comments = comments + trivia.comments
        let doc = doc + trivia.doc
        let start = current.range.start
        var attributes: [AttributeSyntax] = []
        while isPunctuation(.at) {
            if let attribute = parseAttribute() { attributes.append(attribute) }
        }
        if isKeyword(.normal) || isKeyword(.abnormal) {
            let comments = comments + takeComments()
            return parseRule(comments: comments, doc: doc, attributes: attributes, start: start).map(ItemSyntax.rule)
        }
        if isKeyword(.test), attributes.isEmpty {
            let comments = comments + takeComments()
            guard var test = parseTest(comments: comments, start: start) else { return nil }
            test.comments += takeCommentsBeforeItem()
            return .test(test)
        }
        if atEnd, attributes.isEmpty, doc.isEmpty { return nil }
        error(.unexpectedItem, "expected `normal rule`, `abnormal rule` or `test`, found \(current.kind.displayName)",
              at: current.range)
        recoverToItem()
        return nil
    }

    /// Skips to the next token that can start an item, stepping over balanced braces.
    mutating func recoverToItem() {
        var braces = 0
        while !atEnd {
            if braces == 0, startsItem(current.kind) { return }
            if isPunctuation(.leftBrace) { braces += 1 }
            if isPunctuation(.rightBrace) {
                braces -= 1
                if braces <= 0 {
                    advance()
                    return
                }
            }
            advance()
        }
    }

    func startsItem(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .keyword(.normal), .keyword(.abnormal), .keyword(.test), .docComment, .punctuation(.at): true
        default: false
        }
    }

    mutating func parseAttribute() -> AttributeSyntax? {
        let start = advance().range.start
        guard let name = expectIdentifier("an attribute name after `@`") else { return nil }
        var arguments: [ArgumentSyntax] = []
        if isPunctuation(.leftParen) {
            advance()
            arguments = parseArguments(closing: .rightParen, context: "to close the attribute's arguments")
        }
        return AttributeSyntax(name: name, arguments: arguments, range: SourceRange(start: start, end: previousEnd))
    }
}
