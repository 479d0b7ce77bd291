/// Settings of the Drain template miner (defaults are the reference
/// implementation's: depth 4, similarity 0.4, 100 children, numeric tokens
/// routed to the wildcard branch, no masking).
public struct DrainSettings: Sendable, Hashable, Codable {
    /// Depth of the prefix tree, counting the root and the token-count layer (≥ 3).
    public var depth = 4
    /// Share of a template's literal tokens a line must equal to join it.
    public var similarity = 0.4
    /// Most children of a tree node before new tokens go to the wildcard branch.
    public var maxChildren = 100
    /// Route tokens holding a digit to the wildcard branch of the tree.
    public var parametrizeNumericTokens = true
    /// Strings replaced by a space before splitting (after masking).
    public var extraDelimiters: [String] = []
    /// Token classes masked before mining.
    public var masking = Masking.none

    public init() {}

    /// Problems with these settings, for a clear error before mining starts.
    public var problems: [String] {
        var problems: [String] = []
        if depth < 3 { problems.append("depth must be at least 3 (got \(depth))") }
        if !(0...1).contains(similarity) { problems.append("similarity must lie in 0…1 (got \(similarity))") }
        if maxChildren < 2 { problems.append("max children must be at least 2 (got \(maxChildren))") }
        if extraDelimiters.contains("") { problems.append("an extra delimiter is empty") }
        return problems
    }
}

/// One template and the lines that joined it.
public struct TemplateCluster: Sendable, Hashable, Codable {
    /// 1-based, in order of creation.
    public var id: Int
    /// Token ids; `TokenTable.wildcard` marks a variable.
    public var tokens: [Int32]
    /// Lines that joined it.
    public var size: Int
}

/// What adding a line did.
public enum TemplateChange: String, Sendable, Codable {
    case created, changed, none
}

/// The Drain template miner: a fixed-depth prefix tree keyed by token count
/// and the first tokens of a line, with a similarity search among the
/// templates in a leaf. Behaves like the reference implementation (drain3)
/// with the same settings; see docs/templates.md for the documented
/// differences. `add` learns; `match` only reads and is safe from many threads.
public struct Drain: Sendable {
    public let settings: DrainSettings
    public private(set) var tokens = TokenTable()
    public private(set) var clusters: [TemplateCluster] = []
    private var nodes: [Node] = []
    /// Token ids of the line being added, kept to reuse its storage.
    private var scratch: [Int32] = []
    /// The node for each token count, `-1` where none yet.
    private var roots: [Int32] = []

    /// A node's children: token ids sorted ascending (the wildcard, id 0, first) with their nodes.
    struct ChildMap: Sendable {
        private(set) var keys: [Int32] = []
        private(set) var values: [Int32] = []

        var count: Int { keys.count }

        subscript(token: Int32) -> Int32? {
            get {
                if token == TokenTable.wildcard { return keys.first == TokenTable.wildcard ? values[0] : nil }
                var low = 0, high = keys.count
                while low < high {
                    let middle = (low + high) >> 1
                    if keys[middle] < token { low = middle + 1 } else { high = middle }
                }
                return low < keys.count && keys[low] == token ? values[low] : nil
            }
            set {
                guard let newValue else { return }
                var low = 0, high = keys.count
                while low < high {
                    let middle = (low + high) >> 1
                    if keys[middle] < token { low = middle + 1 } else { high = middle }
                }
                if low < keys.count, keys[low] == token {
                    values[low] = newValue
                } else {
                    keys.insert(token, at: low)
                    values.insert(newValue, at: low)
                }
            }
        }

        var pairs: Zip2Sequence<[Int32], [Int32]> { zip(keys, values) }
    }

    struct Node: Sendable, Codable {
        var children = ChildMap()
        var clusterIDs: [Int32] = []

        init() {}

        private enum CodingKeys: String, CodingKey { case children, clusters }

        /// Children are written as (token, node) pairs sorted by token, so equal states give equal bytes.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(children.pairs.map { [$0.0, $0.1] }, forKey: .children)
            try container.encode(clusterIDs, forKey: .clusters)
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            for pair in try container.decode([[Int32]].self, forKey: .children) {
                guard pair.count == 2 else {
                    throw DecodingError.dataCorruptedError(forKey: .children, in: container, debugDescription: "a child entry is not a (token, node) pair")
                }
                children[pair[0]] = pair[1]
            }
            clusterIDs = try container.decode([Int32].self, forKey: .clusters)
        }
    }

    /// Whether lines are masked or re-delimited before splitting.
    private let needsPreparation: Bool
    /// `settings` values the per-line path reads, held apart so reading them never copies the settings.
    private let maxNodeDepth: Int
    private let similarity: Double

    public init(settings: DrainSettings = DrainSettings()) {
        self.settings = settings
        needsPreparation = !settings.masking.classes.isEmpty || !settings.extraDelimiters.isEmpty
        maxNodeDepth = settings.depth - 2
        similarity = settings.similarity
    }



    // MARK: Tokenising

    /// The bytes Drain splits: masked, extra delimiters replaced.
    func prepared(_ line: UnsafeRawBufferPointer) -> [UInt8]? {
        guard needsPreparation else { return nil }
        var bytes = settings.masking.classes.isEmpty ? Array(line) : settings.masking.apply(line)
        for delimiter in settings.extraDelimiters { bytes = Self.replace(Array(delimiter.utf8), in: bytes) }
        return bytes
    }

    private static func replace(_ needle: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, bytes.count >= needle.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + needle.count <= bytes.count, bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(0x20)
                i += needle.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    private func withPrepared<T>(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        if let bytes = prepared(line) { return bytes.withUnsafeBytes(body) }
        return body(line)
    }

    /// The token ids of a line without learning new tokens (unknown ones are `TokenTable.unknown`).
    public func tokenIDs(_ line: UnsafeRawBufferPointer) -> [Int32] {
        withPrepared(line) { bytes in
            var ids: [Int32] = []
            ids.reserveCapacity(bytes.count / 4 + 4)  // one allocation: a token takes a separator and a byte or more
            Tokens.forEach(in: bytes) { ids.append(tokens.lookup(UnsafeRawBufferPointer(rebasing: bytes[$0]))) }
            return ids
        }
    }

    // MARK: Learning

    /// Adds a line: joins the most similar template (generalising it) or starts a new one.
    @discardableResult
    public mutating func add(_ line: UnsafeRawBufferPointer) -> (cluster: Int, change: TemplateChange) {
        if let bytes = prepared(line) { return bytes.withUnsafeBytes { addPrepared($0) } }
        return addPrepared(line)
    }

    /// Tokens are looked up, not interned, until the line starts a template:
    /// a token the table has never seen cannot equal a template token, so
    /// unique values (ids, addresses, counters) never fill the table.
    private mutating func addPrepared(_ line: UnsafeRawBufferPointer) -> (cluster: Int, change: TemplateChange) {
        let ids = tokenIDs(line, intern: false)
        if let found = treeSearch(ids, threshold: similarity, includeParameters: false) {
            var changed = false
            clusters.withUnsafeMutableBufferPointer { all in
                all[found - 1].size += 1
                for index in ids.indices {
                    let token = all[found - 1].tokens[index]
                    if token != ids[index], token != TokenTable.wildcard {
                        all[found - 1].tokens[index] = TokenTable.wildcard
                        changed = true
                    }
                }
            }
            scratch = ids
            return (found, changed ? .changed : .none)
        }
        scratch = ids
        let interned = tokenIDs(line, intern: true)
        scratch = []
        let id = clusters.count + 1
        clusters.append(TemplateCluster(id: id, tokens: interned, size: 1))
        insert(clusterID: Int32(id), tokens: interned)
        return (id, .created)
    }

    /// Adds a line given as bytes.
    @discardableResult
    public mutating func add(_ line: [UInt8]) -> (cluster: Int, change: TemplateChange) {
        line.withUnsafeBytes { add($0) }
    }

    /// Adds a line given as text.
    @discardableResult
    public mutating func add(_ line: String) -> (cluster: Int, change: TemplateChange) {
        var line = line
        return line.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    /// The line's token ids in the reused scratch buffer; unknown tokens are
    /// `TokenTable.unknown` unless `intern`.
    private mutating func tokenIDs(_ bytes: UnsafeRawBufferPointer, intern: Bool) -> [Int32] {
        var ids = scratch
        scratch = []
        ids.removeAll(keepingCapacity: true)
        // The same walk as `Tokens.forEach`, written out: a closure that mutates
        // `tokens` measured about 10 % slower on this path.
        var index = 0
        let count = bytes.count
        while index < count {
            while index < count, Tokens.isSeparator(bytes[index]) { index += 1 }
            let start = index
            index = Tokens.tokenEnd(bytes, from: index)
            guard index > start else { continue }
            let token = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            ids.append(intern ? tokens.intern(token) : tokens.lookup(token))
        }
        return ids
    }

    private mutating func newNode() -> Int32 {
        nodes.append(Node())
        return Int32(nodes.count - 1)
    }

    private mutating func insert(clusterID: Int32, tokens ids: [Int32]) {
        let count = ids.count
        var current: Int32
        if roots.count <= count { roots += [Int32](repeating: -1, count: count + 1 - roots.count) }
        if roots[count] >= 0 { current = roots[count] } else { current = newNode(); roots[count] = current }
        if count == 0 {
            nodes[Int(current)].clusterIDs = [clusterID]
            return
        }
        var depth = 1
        for token in ids {
            if depth >= maxNodeDepth || depth >= count {
                nodes[Int(current)].clusterIDs.append(clusterID)
                return
            }
            let children = nodes[Int(current)].children
            if let child = children[token] {
                current = child
            } else if settings.parametrizeNumericTokens, tokens.containsDigit(token) {
                if let wildcard = children[TokenTable.wildcard] {
                    current = wildcard
                } else {
                    let child = newNode()
                    nodes[Int(current)].children[TokenTable.wildcard] = child
                    current = child
                }
            } else if children[TokenTable.wildcard] != nil {
                if children.count < settings.maxChildren {
                    let child = newNode()
                    nodes[Int(current)].children[token] = child
                    current = child
                } else {
                    current = children[TokenTable.wildcard]!
                }
            } else if children.count + 1 < settings.maxChildren {
                let child = newNode()
                nodes[Int(current)].children[token] = child
                current = child
            } else if children.count + 1 == settings.maxChildren {
                let child = newNode()
                nodes[Int(current)].children[TokenTable.wildcard] = child
                current = child
            } else {
                // Unreachable in the reference algorithm's invariants; keep the current node.
                current = children[TokenTable.wildcard] ?? current
            }
            depth += 1
        }
    }

    // MARK: Matching

    private func treeSearch(_ ids: [Int32], threshold: Double, includeParameters: Bool) -> Int? {
        let count = ids.count
        guard count < roots.count, roots[count] >= 0 else { return nil }
        // Borrowed buffers: no reference counting on the hot path.
        return nodes.withUnsafeBufferPointer { nodes -> Int? in
            var current = Int(roots[count])
            if count == 0 { return nodes[current].clusterIDs.first.map(Int.init) }
            var depth = 1
            for token in ids {
                if depth >= maxNodeDepth || depth == count { break }
                guard let next = nodes[current].children[token] ?? nodes[current].children[TokenTable.wildcard] else { return nil }
                current = Int(next)
                depth += 1
            }
            return bestMatch(nodes[current].clusterIDs, ids, threshold: threshold, includeParameters: includeParameters)
        }
    }

    private func bestMatch(_ candidates: [Int32], _ ids: [Int32], threshold: Double, includeParameters: Bool) -> Int? {
        var bestSimilarity = -1.0, bestParameters = -1
        var best: Int?
        clusters.withUnsafeBufferPointer { clusters in
            ids.withUnsafeBufferPointer { ids in
                for candidate in candidates {
                    let cluster = Int(candidate) - 1
                    let length = clusters[cluster].tokens.count
                    guard length > 0 else {
                        bestSimilarity = 1
                        best = Int(candidate)
                        return
                    }
                    var same = 0, parameters = 0
                    clusters[cluster].tokens.withUnsafeBufferPointer { template in
                        for index in 0..<length {
                            let token = template[index]
                            if token == TokenTable.wildcard { parameters += 1 } else if token == ids[index] { same += 1 }
                        }
                    }
                    if includeParameters { same += parameters }
                    let similarity = Double(same) / Double(length)
                    if similarity > bestSimilarity || (similarity == bestSimilarity && parameters > bestParameters) {
                        bestSimilarity = similarity
                        bestParameters = parameters
                        best = Int(candidate)
                    }
                }
            }
        }
        return bestSimilarity >= threshold ? best : nil
    }

    /// The template a line belongs to, without learning: every literal token
    /// of the template must equal the line's (the reference's `match`, tree
    /// search only). `nil` for a line unlike any template seen.
    public func match(_ line: UnsafeRawBufferPointer) -> Int? {
        treeSearch(tokenIDs(line), threshold: 1.0, includeParameters: true)
    }

    /// The template a line would join if it were added (the same similarity
    /// search as `add`), without learning: `nil` when it would start a new one.
    public func nearest(_ line: UnsafeRawBufferPointer) -> Int? {
        treeSearch(tokenIDs(line), threshold: similarity, includeParameters: false)
    }

    /// ``match(_:)``, and ``nearest(_:)`` when nothing matches exactly: the
    /// template the line belongs to and whether it is an exact match, tokenising the line once.
    public func classify(_ line: UnsafeRawBufferPointer) -> (template: Int?, exact: Bool) {
        let ids = tokenIDs(line)
        if let exact = treeSearch(ids, threshold: 1.0, includeParameters: true) { return (exact, true) }
        return (treeSearch(ids, threshold: similarity, includeParameters: false), false)
    }

    public func match(_ line: String) -> Int? {
        var line = line
        return line.withUTF8 { match(UnsafeRawBufferPointer($0)) }
    }

    // MARK: Reading templates

    /// A template as text: tokens joined by single spaces, variables as `<*>`.
    public func template(_ id: Int) -> String {
        clusters[id - 1].tokens.map(tokens.text).joined(separator: " ")
    }

    /// The literal tokens of a template.
    public func literals(_ id: Int) -> [String] {
        clusters[id - 1].tokens.filter { $0 != TokenTable.wildcard }.map(tokens.text)
    }
}

extension Drain: Codable {
    private enum CodingKeys: String, CodingKey { case format, settings, tokens, clusters, nodes, roots }
    /// The version of the saved state's layout.
    public static let stateFormat = "warden-drain-1"

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.stateFormat, forKey: .format)
        try container.encode(settings, forKey: .settings)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(clusters, forKey: .clusters)
        try container.encode(nodes, forKey: .nodes)
        try container.encode(roots.enumerated().filter { $0.element >= 0 }.map { [$0.offset, Int($0.element)] }, forKey: .roots)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let format = try container.decode(String.self, forKey: .format)
        guard format == Self.stateFormat else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: container, debugDescription: "state format \(format), expected \(Self.stateFormat)")
        }
        settings = try container.decode(DrainSettings.self, forKey: .settings)
        if let problem = settings.problems.first {
            throw DecodingError.dataCorruptedError(forKey: .settings, in: container, debugDescription: "settings out of range: \(problem)")
        }
        needsPreparation = !settings.masking.classes.isEmpty || !settings.extraDelimiters.isEmpty
        maxNodeDepth = settings.depth - 2
        similarity = settings.similarity
        tokens = try container.decode(TokenTable.self, forKey: .tokens)
        clusters = try container.decode([TemplateCluster].self, forKey: .clusters)
        nodes = try container.decode([Node].self, forKey: .nodes)
        for pair in try container.decode([[Int]].self, forKey: .roots) {
            guard pair.count == 2, (0..<(1 << 24)).contains(pair[0]), (0..<Int(Int32.max)).contains(pair[1]) else {
                throw DecodingError.dataCorruptedError(forKey: .roots, in: container, debugDescription: "a root entry is not a (token count, node) pair")
            }
            if roots.count <= pair[0] { roots += [Int32](repeating: -1, count: pair[0] + 1 - roots.count) }
            roots[pair[0]] = Int32(pair[1])
        }
        // Every reference must point inside the state, so a damaged file cannot crash matching.
        let nodeCount = Int32(nodes.count), clusterCount = Int32(clusters.count), tokenCount = Int32(tokens.count)
        let valid = roots.allSatisfy { $0 == -1 || (0..<nodeCount).contains($0) }
            && nodes.allSatisfy { node in
                node.children.pairs.allSatisfy { (0..<tokenCount).contains($0.0) && (0..<nodeCount).contains($0.1) }
                    && node.clusterIDs.allSatisfy { (1...max(1, clusterCount)).contains($0) && $0 <= clusterCount }
            }
            && clusters.enumerated().allSatisfy { index, cluster in
                cluster.id == index + 1 && cluster.tokens.allSatisfy { (0..<tokenCount).contains($0) }
            }
        guard valid else {
            throw DecodingError.dataCorruptedError(forKey: .nodes, in: container, debugDescription: "the tree refers to nodes, templates or tokens it does not hold")
        }
    }
}
