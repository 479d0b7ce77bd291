import ChatCompletions
import Foundation

/// Asks a model behind an OpenAI-compatible endpoint for the partition, once.
/// The answer must be JSON of the form
/// `{"domains": [{"name": "...", "description": "...", "templates": [1, 2]}]}`;
/// an answer that does not parse or fit that schema is sent back with the
/// reason, up to `attempts` times. Certification then judges the partition
/// without repairing it.
public struct LLMDomainProposer: DomainProposer {
    public let client: ChatClient
    public var attempts = 3
    public var name: String { "llm:\(client.endpoint.model)" }
    public var repairable: Bool { false }

    public init(client: ChatClient) { self.client = client }

    public static let system = """
        You group log message templates into failure domains for an anomaly detector. \
        A failure domain is a part of the system that fails in its own way (for example \
        memory, network, storage, job scheduling). Every template id must appear in exactly \
        one domain. Use short lower-case names with hyphens. Answer with JSON only: \
        {"domains": [{"name": "...", "description": "...", "templates": [ids]}]}
        """

    public static func prompt(_ templates: [TemplateSummary]) -> String {
        var lines = ["Templates (id | messages | labels sampled: anomalous/total | template), each with an example message:"]
        for template in templates.sorted(by: { $0.id < $1.id }) {
            lines.append("\(template.id) | \(template.count) | \(template.abnormal)/\(template.labeled) \(template.indicator.rawValue) | \(template.template)")
            if let example = template.examples.first, example != template.template {
                lines.append("    e.g. " + (example.count > 160 ? String(example.prefix(160)) + "…" : example))
            }
        }
        lines.append("")
        lines.append("Partition all \(templates.count) templates into failure domains.")
        return lines.joined(separator: "\n")
    }

    public func propose(_ templates: [TemplateSummary]) async throws -> DomainPartition {
        var messages = [ChatMessage(role: "system", content: Self.system), ChatMessage(role: "user", content: Self.prompt(templates))]
        var lastProblem = ""
        for _ in 0..<max(1, attempts) {
            let answer = try await client.complete(messages)
            switch Self.parse(answer.text) {
            case .success(let partition):
                return DomainPartition(domains: partition.domains, proposer: name)
            case .failure(let problem):
                lastProblem = problem.description
                messages.append(ChatMessage(role: "assistant", content: answer.text))
                messages.append(ChatMessage(role: "user", content: "That answer is not valid: \(lastProblem). Answer again with the JSON object only."))
            }
        }
        throw FAMEError.proposer("the model gave no valid partition in \(attempts) attempts; last problem: \(lastProblem)")
    }

    /// Validates an answer against the partition schema (code fences allowed around it).
    public static func parse(_ text: String) -> Result<DomainPartition, FAMEError> {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let open = body.firstIndex(of: "{"), let close = body.lastIndex(of: "}"), open < close { body = String(body[open...close]) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            return .failure(.proposer("the answer is not a JSON object"))
        }
        guard let list = object["domains"] as? [Any] else { return .failure(.proposer("\"domains\" must be an array")) }
        var domains: [FailureDomain] = []
        for (index, entry) in list.enumerated() {
            guard let domain = entry as? [String: Any] else { return .failure(.proposer("domains[\(index)] must be an object")) }
            guard let name = domain["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .failure(.proposer("domains[\(index)].name must be a non-empty string"))
            }
            guard let ids = domain["templates"] as? [Any], ids.allSatisfy({ ($0 as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false }) else {
                return .failure(.proposer("domains[\(index)].templates must be an array of template ids"))
            }
            domains.append(FailureDomain(name: name, description: domain["description"] as? String,
                                         templates: ids.map { ($0 as! NSNumber).intValue }))
        }
        return .success(DomainPartition(domains: domains))
    }
}
