import ChatCompletions
import ChatTestSupport
import Foundation
import RuleLanguage
import RuleRuntime
@testable import Synthesis
import Testing

@Suite("OpenAI-compatible backend", .serialized)
struct ChatBackendTests {
    static var settings: SynthesisSettings {
        var settings = SynthesisSettings()
        settings.rollouts = 1
        settings.normalCapacity = 0
        settings.abnormalCapacity = 1
        settings.repairs = 4
        settings.refinements = 1
        settings.abnormalGeneralization = 1.01   // every passing rule is sent back once for refinement
        settings.sampling.windowsPerSide = 3
        return settings
    }

    @Test("generate → retries (429, truncated JSON, timeout) → repair from diagnostics → repair from misclassified windows → refine → select; then replay")
    func fullLoop() async throws {
        let script: [ScriptedServer.Response] = [
            .init(status: 429, headers: ["Retry-After": "0"], body: #"{"error":"rate limited"}"#),
            .init(body: #"{"choices": [{"message": {"content": "abnor"#),
            .init(body: #"{}"#, delay: 2.5),
            ScriptedServer.completion("Here it is:\n```warden\n/// Disk trouble.\nabnormal rule x {\n    any line in window: line contains\n}\n```"),
            ScriptedServer.completion("```warden\nabnormal rule x {\n    count(window) + \"a\" > 1\n}\n```"),
            ScriptedServer.completion("```warden\n/// Anything about disks.\nabnormal rule x {\n    any line in window: line contains \"disk\"\n}\n```"),
            ScriptedServer.completion("```warden\n/// A failing disk.\nabnormal rule x {\n    any line in window: line matches /disk failure on sd[a-z]/\n}\n```"),
            ScriptedServer.completion("```warden\n/// A failing disk, any device.\nabnormal rule x {\n    any line in window: line matches /disk failure/\n}\n```"),
        ]
        let server = try ScriptedServer(script: script)
        defer { server.stop() }
        let transcript = FileManager.default.temporaryDirectory.appendingPathComponent("transcript-\(UUID().uuidString).jsonl").path
        let endpoint = ChatEndpoint(baseURL: server.baseURL, model: "gpt-5-mini", apiKey: "test-key", timeout: 1, maximumRetries: 3, backoff: 0.01)
        let proposer = try ChatProposer(client: ChatClient(endpoint: endpoint), transcriptPath: transcript, price: nil, learner: BuiltinProposer())
        let data = syntheticData()
        let synthesizer = Synthesizer(data: data, proposer: proposer, settings: Self.settings, packName: "chat")
        try await synthesizer.run { _ in }

        #expect(server.remaining == 0)
        let requests = server.requests
        #expect(requests.count == 8)
        #expect(requests[4].contains("did not compile") && requests[4].contains("E0"))
        #expect(requests[5].contains("did not compile") && requests[5].contains("E0202") || requests[5].contains("cannot apply"))
        #expect(requests[6].contains("misclassified these windows"))
        #expect(requests[7].contains("Make it more general"))
        #expect(requests[3].contains("\"model\":\"gpt-5-mini\""))
        // The first prompt carries the learner's findings: the separating conditions and its own rule.
        #expect(requests[3].contains("Evidence from the training windows") && requests[3].contains("disk failure"))
        #expect(!requests[6].contains("Evidence from the training windows"))
        let accepted = try #require(synthesizer.accepted.first)
        #expect(synthesizer.accepted.count == 1)
        #expect(accepted.name == "abnormal_1" && accepted.body.contains("disk failure on sd[a-z]"))
        #expect(accepted.doc == ["A failing disk."])
        #expect(proposer.usageSummary?.hasPrefix("5 LLM calls, 600 tokens (500 in, 100 out), $0.0003") == true)
        let lines = try String(contentsOfFile: transcript, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5)

        let provenance = SynthesisProvenance(backend: proposer.backend, model: proposer.model)
        let pack = try PackAssembler.finalPack(name: "chat", description: nil, rules: synthesizer.accepted, provenance: provenance)
        #expect(pack.contains("@provenance(backend: \"openai\", model: \"gpt-5-mini\""))
        // Replay: the same run without the server.
        let replayer = try ReplayProposer(path: transcript, model: "gpt-5-mini")
        let replayed = Synthesizer(data: data, proposer: replayer, settings: Self.settings, packName: "chat")
        try await replayed.run { _ in }
        #expect(try PackAssembler.finalPack(name: "chat", description: nil, rules: replayed.accepted, provenance: provenance) == pack)
    }

    @Test("A rule that names one address or id is sent back to be abstracted, and dropped if it still does")
    func specificLiterals() async throws {
        let named = "```warden\n/// Disk failures, or that one host.\nabnormal rule x {\n    any line in window: line matches /disk failure/ or line contains \"10.0.0.1\"\n}\n```"
        let general = "```warden\n/// Disk failures.\nabnormal rule x {\n    any line in window: line matches /disk failure/\n}\n```"
        var settings = Self.settings
        settings.abnormalGeneralization = 0   // only the linter's overfitting finding asks for refinement
        let server = try ScriptedServer(script: [ScriptedServer.completion(named), ScriptedServer.completion(general)])
        defer { server.stop() }
        let endpoint = ChatEndpoint(baseURL: server.baseURL, model: "m", apiKey: "k", timeout: 2, maximumRetries: 0, backoff: 0.01)
        let proposer = try ChatProposer(client: ChatClient(endpoint: endpoint), transcriptPath: nil, price: nil)
        let synthesizer = Synthesizer(data: syntheticData(), proposer: proposer, settings: settings, packName: "chat")
        try await synthesizer.run { _ in }
        #expect(server.requests.count == 2)
        #expect(server.requests[1].contains("keys on literals that name one thing") && server.requests[1].contains("an IPv4 address (`10.0.0.1`)"))
        #expect(synthesizer.accepted.count == 1 && !(synthesizer.accepted.first?.body.contains("10.0.0.1") ?? true))

        // Still naming it after the refinement: the candidate is dropped with the reason.
        let stubborn = try ScriptedServer(script: [ScriptedServer.completion(named), ScriptedServer.completion(named)])
        defer { stubborn.stop() }
        let events = EventLog()
        let again = Synthesizer(data: syntheticData(), proposer: try ChatProposer(client: ChatClient(endpoint: ChatEndpoint(
            baseURL: stubborn.baseURL, model: "m", apiKey: "k", timeout: 2, maximumRetries: 0, backoff: 0.01)), transcriptPath: nil, price: nil),
            settings: { var s = settings; s.patience = 1; return s }(), packName: "chat", onEvent: { events.append($0) })
        do { try await again.run { _ in } } catch {}
        #expect(again.accepted.isEmpty)
        #expect(events.reasons.contains { $0.contains("keys on literals that name one thing: this literal pins an IPv4 address (`10.0.0.1`)") })
    }

    @Test("A client error is not retried; exhausted retries say why")
    func failures() async throws {
        let server = try ScriptedServer(script: [
            .init(status: 401, body: #"{"error":"bad key"}"#),
            .init(status: 503, body: "busy"), .init(status: 503, body: "busy"),
        ])
        defer { server.stop() }
        let client = ChatClient(endpoint: ChatEndpoint(baseURL: server.baseURL, model: "m", timeout: 2, maximumRetries: 1, backoff: 0.01))
        await #expect(throws: ChatError.http(status: 401, body: #"{"error":"bad key"}"#)) {
            try await client.complete([ChatMessage(role: "user", content: "hi")])
        }
        await #expect(throws: ChatError.exhausted(attempts: 2, last: "HTTP 503")) {
            try await client.complete([ChatMessage(role: "user", content: "hi")])
        }
    }

    @Test("Prompts come from the checker's builtin table; rules are pulled out of fenced answers")
    func prompts() {
        for builtin in BuiltinDefinition.all { #expect(Prompts.system.contains(builtin.signatures[0])) }
        #expect(Prompts.extractRule("text\n```warden\nabnormal rule a { true }\n```\nmore") == "abnormal rule a { true }")
        #expect(Prompts.extractRule("  normal rule b { true }  ") == "normal rule b { true }")
    }
}

/// Collects the reasons of rejection events.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    func append(_ event: SynthesisEvent) {
        guard case .rejected(_, _, let reason) = event else { return }
        lock.withLock { collected.append(reason) }
    }

    var reasons: [String] { lock.withLock { collected } }
}
