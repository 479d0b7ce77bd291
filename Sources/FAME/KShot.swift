import LogParsing
import WardenCore

/// One message with its label, for training or evaluating FAME. Only the
/// content reaches features and templates; the label is used for training
/// (K-shot samples) and scoring.
public struct LabeledMessage: Sendable {
    public var content: [UInt8]
    public var abnormal: Bool
    /// Where the message came from (1-based line of its file; 0 when it has none).
    public var line: Int

    public init(content: [UInt8], abnormal: Bool, line: Int = 0) {
        self.content = content
        self.abnormal = abnormal
        self.line = line
    }
}

/// What the labels of a template's sample say.
public enum TemplateIndicator: String, Sendable, Codable, Hashable {
    case alwaysNormal = "always-normal"
    case alwaysAbnormal = "always-anomalous"
    case mixed
}

/// A template with its K-shot labels, as shown to a domain proposer.
public struct TemplateSummary: Sendable, Codable, Hashable {
    public var id: Int
    public var template: String
    /// Training messages with this template.
    public var count: Int
    /// Labeled (sampled) messages and how many of them are abnormal.
    public var labeled: Int
    public var abnormal: Int
    public var indicator: TemplateIndicator
    /// Up to three distinct sampled messages.
    public var examples: [String]
    /// Lower-cased words of the template (letters, at least 3 long).
    public var words: Set<String>
}

/// At most K labeled messages per template, chosen with a seeded shuffle.
public struct KShotSample: Sendable {
    /// Indices into the training messages, in input order.
    public var indices: [Int]
    public var summaries: [TemplateSummary]

    public init(messages: [LabeledMessage], templates: [Int], drain: Drain, k: Int, seed: UInt64) {
        var byTemplate: [Int: [Int]] = [:]
        for (index, template) in templates.enumerated() { byTemplate[template, default: []].append(index) }
        var generator = SeededGenerator(seed: seed)
        var chosen: [Int] = []
        var summaries: [TemplateSummary] = []
        for template in byTemplate.keys.sorted() {
            var members = byTemplate[template]!
            if members.count > k {
                members.shuffle(using: &generator)
                members = Array(members.prefix(k)).sorted()
            }
            chosen += members
            let abnormal = members.filter { messages[$0].abnormal }.count
            var examples: [String] = []
            for member in members where examples.count < 3 {
                let text = String(decoding: messages[member].content, as: UTF8.self)
                if !examples.contains(text) { examples.append(text) }
            }
            summaries.append(TemplateSummary(
                id: template, template: drain.template(template), count: byTemplate[template]!.count,
                labeled: members.count, abnormal: abnormal,
                indicator: abnormal == 0 ? .alwaysNormal : abnormal == members.count ? .alwaysAbnormal : .mixed,
                examples: examples, words: Self.words(drain.literals(template))))
        }
        indices = chosen.sorted()
        self.summaries = summaries
    }

    static func words(_ literals: [String]) -> Set<String> {
        var words = Set<String>()
        for literal in literals {
            for part in literal.lowercased().split(whereSeparator: { !$0.isLetter }) where part.count >= 3 {
                words.insert(String(part))
            }
        }
        return words
    }
}
