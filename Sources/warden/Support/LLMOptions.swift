import ArgumentParser
import ChatCompletions
import Foundation
import LogInput
import Synthesis

/// Where an OpenAI-compatible chat-completions endpoint is and how to call it.
struct EndpointOptions: ParsableArguments {
    @Option(help: "Chat-completions base URL (env WARDEN_LLM_BASE_URL; default https://api.openai.com/v1).")
    var baseURL: String?

    @Option(help: "Model name (env WARDEN_LLM_MODEL; default gpt-5-mini).")
    var model: String?

    @Option(help: "Environment variable holding the API key.")
    var apiKeyEnv: String = "OPENAI_API_KEY"

    @Option(help: "Sampling temperature.")
    var temperature: Double = 0.2

    @Option(help: "Seconds per request before it times out.")
    var timeout: Double = 120

    @Option(help: "Retries after 429, 5xx, timeouts and garbled answers (exponential backoff).")
    var retries: Int = 4

    @Option(help: "Send this GBNF grammar with each request (servers such as llama.cpp constrain decoding with it).")
    var grammar: String?

    func endpoint() throws -> ChatEndpoint {
        let environment = ProcessInfo.processInfo.environment
        let base = baseURL ?? environment["WARDEN_LLM_BASE_URL"] ?? "https://api.openai.com/v1"
        guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--base-url: not an http(s) URL: \(base)")
        }
        let grammarText = try grammar.map { path -> String in
            guard let data = FileContents.read(path) else { throw CommandFailure("cannot read the grammar \(path): \(FileContents.reason(path))") }
            guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure("the grammar \(path) is not UTF-8 text") }
            return text
        }
        return ChatEndpoint(baseURL: url, model: model ?? environment["WARDEN_LLM_MODEL"] ?? "gpt-5-mini",
                            apiKey: environment[apiKeyEnv], temperature: temperature, timeout: timeout,
                            maximumRetries: retries, grammar: grammarText)
    }
}

/// Options of the `openai` synthesis backend.
struct LLMOptions: ParsableArguments {
    @OptionGroup var endpoint: EndpointOptions

    @Option(help: "USD per million input tokens (overrides the built-in price table).")
    var priceInput: Double?

    @Option(help: "USD per million output tokens.")
    var priceOutput: Double?

    @Option(help: "Record every exchange to this JSON Lines transcript.")
    var transcript: String?

    @Option(help: "Replay a transcript instead of calling a model (deterministic, no network).")
    var replay: String?

    func proposer(layout: LineLayout) throws -> any RuleProposer {
        if let replay { return try ReplayProposer(path: replay) }
        let price = priceInput.map { ($0, priceOutput ?? 0) }
        return try ChatProposer(client: ChatClient(endpoint: try endpoint.endpoint()), transcriptPath: transcript, price: price,
                                learner: BuiltinProposer(layout: layout))
    }
}
