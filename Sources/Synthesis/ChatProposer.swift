import ChatCompletions
import Foundation
import Synchronization
import RuleRuntime

/// Proposers that can report token usage and cost.
public protocol UsageReporting: Sendable {
    /// e.g. `12 LLM calls, 48,210 tokens, $0.031`.
    var usageSummary: String? { get }
}

/// USD per million tokens (input, output) for common models; `--price-input`
/// and `--price-output` override it.
public enum PriceTable {
    public static let perMillionTokens: [String: (input: Double, output: Double)] = [
        "gpt-5": (1.25, 10.0), "gpt-5-mini": (0.25, 2.0), "gpt-5-nano": (0.05, 0.4),
        "gpt-4.1": (2.0, 8.0), "gpt-4.1-mini": (0.4, 1.6), "gpt-4o": (2.5, 10.0), "gpt-4o-mini": (0.15, 0.6),
    ]
}

/// One recorded exchange with the model.
public struct TranscriptEntry: Sendable, Codable, Hashable {
    public var sequence: Int
    /// `generate`, `repair` or `refine`.
    public var step: String
    public var rule: String
    public var messages: [ChatMessage]
    public var response: String?
    public var error: String?
    public var promptTokens: Int
    public var completionTokens: Int
    public var latencyMilliseconds: Int
    public var attempts: Int
}

/// Appends exchanges to a JSON Lines transcript; whole lines, from any thread.
final class TranscriptWriter: Sendable {
    private let handle: FileHandle?
    private let lock = NSLock()

    init(path: String?) throws {
        guard let path else { handle = nil; return }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func append(_ entry: TranscriptEntry) {
        guard let handle, let data = try? JSONEncoder.sorted.encode(entry) else { return }
        lock.lock()
        handle.write(data + Data("\n".utf8))
        lock.unlock()
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// Token and cost accounting shared across concurrent calls.
final class UsageMeter: Sendable {
    private struct Usage {
        var calls = 0, promptTokens = 0, completionTokens = 0
    }

    private let usage = Mutex(Usage())
    let price: (input: Double, output: Double)?

    init(price: (input: Double, output: Double)?) {
        self.price = price
    }

    func add(prompt: Int, completion: Int) {
        usage.withLock { usage in
            usage.calls += 1
            usage.promptTokens += prompt
            usage.completionTokens += completion
        }
    }

    var summary: String {
        let (calls, promptTokens, completionTokens) = usage.withLock { ($0.calls, $0.promptTokens, $0.completionTokens) }
        var text = "\(calls) LLM call\(calls == 1 ? "" : "s"), \(promptTokens + completionTokens) tokens (\(promptTokens) in, \(completionTokens) out)"
        if let price {
            let cost = (Double(promptTokens) * price.input + Double(completionTokens) * price.output) / 1_000_000
            text += String(format: ", $%.4f", cost)
        } else {
            text += ", cost unknown (no price for this model)"
        }
        return text
    }
}

/// Asks an OpenAI-compatible chat model for rules and records every exchange.
public final class ChatProposer: RuleProposer, UsageReporting, Sendable {
    public let client: ChatClient
    public var backend: String { "openai" }
    public var model: String { client.endpoint.model }
    private let transcript: TranscriptWriter
    private let meter: UsageMeter
    private let sequence = Mutex(0)
    /// The builtin learner, run on the same requests: its findings (the templates and
    /// count relations that separate the windows, and the rule it would write) go
    /// into the first prompt of each rollout, so the model starts from evidence.
    private let learner: BuiltinProposer?

    public init(client: ChatClient, transcriptPath: String?, price: (input: Double, output: Double)?, learner: BuiltinProposer? = nil) throws {
        self.client = client
        self.learner = learner
        transcript = try TranscriptWriter(path: transcriptPath)
        meter = UsageMeter(price: price ?? PriceTable.perMillionTokens[client.endpoint.model])
    }

    public var usageSummary: String? { meter.summary }

    public func prepare(corpus: [LabeledWindow]) {
        learner?.prepare(corpus: corpus)
    }

    public func propose(_ request: RuleRequest, feedback: Feedback?) async throws -> String? {
        let user: String
        switch feedback {
        case nil: user = Prompts.generate(request, findings: learner?.findings(for: request))
        case .repair(let diagnostics, let misclassified, let previous):
            user = Prompts.repair(request, diagnostics: diagnostics, misclassified: misclassified, previous: previous)
        case .refine(let coverage, let previous, let specific):
            user = Prompts.refine(request, coverage: coverage, previous: previous, specific: specific)
        }
        let messages = [ChatMessage(role: "system", content: Prompts.system), ChatMessage(role: "user", content: user)]
        let number = nextSequence()
        let step = feedback?.step ?? "generate"
        do {
            let completion = try await client.complete(messages)
            meter.add(prompt: completion.promptTokens, completion: completion.completionTokens)
            transcript.append(TranscriptEntry(sequence: number, step: step, rule: request.name, messages: messages, response: completion.text,
                                              error: nil, promptTokens: completion.promptTokens, completionTokens: completion.completionTokens,
                                              latencyMilliseconds: completion.latencyMilliseconds, attempts: completion.attempts))
            return Prompts.extractRule(completion.text)
        } catch {
            transcript.append(TranscriptEntry(sequence: number, step: step, rule: request.name, messages: messages, response: nil,
                                              error: "\(error)", promptTokens: 0, completionTokens: 0, latencyMilliseconds: 0, attempts: 0))
            throw error
        }
    }

    private func nextSequence() -> Int {
        sequence.withLock { sequence in
            sequence += 1
            return sequence
        }
    }
}

/// Replays a transcript: answers each request with the next recorded response,
/// so a synthesis re-runs exactly, without a model.
public final class ReplayProposer: RuleProposer, Sendable {
    public let backend: String
    public let model: String
    private let entries: [TranscriptEntry]
    /// The index of the next entry to answer with.
    private let next = Mutex(0)

    public init(path: String, backend: String = "openai", model: String = "replay") throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let recorded = try text.split(separator: "\n").map { try JSONDecoder().decode(TranscriptEntry.self, from: Data($0.utf8)) }
            .sorted { $0.sequence < $1.sequence }
        entries = recorded
        self.backend = backend
        self.model = model
    }

    public func propose(_ request: RuleRequest, feedback: Feedback?) async throws -> String? {
        guard let entry = nextEntry() else { throw ReplayError.exhausted(rule: request.name) }
        let step = feedback?.step ?? "generate"
        guard entry.step == step, entry.rule == request.name else {
            throw ReplayError.diverged(expected: "\(entry.step) \(entry.rule)", got: "\(step) \(request.name)")
        }
        if let error = entry.error { throw ReplayError.recordedFailure(error) }
        return entry.response.map(Prompts.extractRule)
    }

    private func nextEntry() -> TranscriptEntry? {
        next.withLock { next in
            guard next < entries.count else { return nil }
            next += 1
            return entries[next - 1]
        }
    }
}

/// A replay that does not match the run.
public enum ReplayError: Error, CustomStringConvertible {
    case exhausted(rule: String)
    case diverged(expected: String, got: String)
    case recordedFailure(String)

    public var description: String {
        switch self {
        case .exhausted(let rule): "the transcript has no more exchanges (asked for \(rule))"
        case .diverged(let expected, let got): "the run diverged from the transcript: it recorded \(expected), the run asked for \(got)"
        case .recordedFailure(let error): "the recorded exchange failed: \(error)"
        }
    }
}
