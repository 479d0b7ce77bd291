import AsyncHTTPClient
import Foundation
import NIOCore

/// One message of a chat completion request.
public struct ChatMessage: Sendable, Codable, Hashable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// Where and how to reach an OpenAI-compatible chat-completions endpoint.
public struct ChatEndpoint: Sendable {
    /// e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`.
    public var baseURL: URL
    public var model: String
    public var apiKey: String?
    public var temperature: Double
    /// Seconds per request.
    public var timeout: Double
    /// Retries after 429, 5xx, timeouts and connection errors.
    public var maximumRetries: Int
    /// First backoff in seconds; doubles per retry (a `Retry-After` header wins).
    public var backoff: Double
    /// A GBNF grammar sent as `grammar` (llama.cpp-style servers constrain decoding with it).
    public var grammar: String?

    public init(baseURL: URL, model: String, apiKey: String? = nil, temperature: Double = 0.2, timeout: Double = 120,
                maximumRetries: Int = 4, backoff: Double = 1, grammar: String? = nil) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.temperature = temperature
        self.timeout = timeout
        self.maximumRetries = maximumRetries
        self.backoff = backoff
        self.grammar = grammar
    }
}

/// A completion with its token usage.
public struct ChatCompletion: Sendable, Hashable {
    public var text: String
    public var promptTokens: Int
    public var completionTokens: Int
    /// Wall time of the successful attempt, in milliseconds.
    public var latencyMilliseconds: Int
    /// Attempts made (1 when the first succeeded).
    public var attempts: Int
}

/// Why a chat request failed for good.
public enum ChatError: Error, CustomStringConvertible, Hashable {
    case http(status: Int, body: String)
    case malformedResponse(String)
    case transport(String)
    case exhausted(attempts: Int, last: String)

    public var description: String {
        switch self {
        case .http(let status, let body): "the endpoint answered HTTP \(status): \(body.prefix(300))"
        case .malformedResponse(let reason): "the endpoint's answer is not a chat completion: \(reason)"
        case .transport(let reason): "cannot reach the endpoint: \(reason)"
        case .exhausted(let attempts, let last): "gave up after \(attempts) attempts; last error: \(last)"
        }
    }
}

/// A minimal client for `POST {baseURL}/chat/completions` with retries.
public struct ChatClient: Sendable {
    public let endpoint: ChatEndpoint

    public init(endpoint: ChatEndpoint) {
        self.endpoint = endpoint
    }

    public func complete(_ messages: [ChatMessage]) async throws -> ChatCompletion {
        var body: [String: Any] = [
            "model": endpoint.model,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
            "temperature": endpoint.temperature,
        ]
        if let grammar = endpoint.grammar { body["grammar"] = grammar }
        let payload = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let url = endpoint.baseURL.appendingPathComponent("chat/completions")
        let client = HTTPTransport.client(for: url)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = endpoint.apiKey, !key.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(key)") }

        var lastError = ""
        for attempt in 1...(endpoint.maximumRetries + 1) {
            let started = Date()
            var retryAfter: Double?
            do {
                request.body = .bytes(ByteBuffer(bytes: payload))
                let response = try await client.execute(request, timeout: .milliseconds(Int64(endpoint.timeout * 1000)))
                let data = Data((try await response.body.collect(upTo: Self.largestAnswer)).readableBytesView)
                let status = Int(response.status.code)
                let text = String(decoding: data, as: UTF8.self)
                if status == 429 || (500...599).contains(status) {
                    lastError = "HTTP \(status)"
                    retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
                } else if status != 200 {
                    throw ChatError.http(status: status, body: text)
                } else {
                    var completion = try Self.parse(data)
                    completion.latencyMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
                    completion.attempts = attempt
                    return completion
                }
            } catch let error as ChatError {
                guard case .malformedResponse = error else { throw error }
                lastError = "\(error)"   // a truncated or garbled body is worth another try
            } catch {
                lastError = "\(error)"
            }
            if attempt <= endpoint.maximumRetries {
                let delay = min(retryAfter ?? endpoint.backoff * pow(2, Double(attempt - 1)), 60)
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            }
        }
        throw ChatError.exhausted(attempts: endpoint.maximumRetries + 1, last: lastError)
    }

    /// A larger answer is refused rather than read into memory.
    static let largestAnswer = 64 << 20

    static func parse(_ data: Data) throws -> ChatCompletion {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ChatError.malformedResponse("not a JSON object (\(data.count) bytes)")
        }
        guard let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any],
              let content = message["content"] as? String else {
            throw ChatError.malformedResponse("no choices[0].message.content")
        }
        let usage = object["usage"] as? [String: Any]
        return ChatCompletion(text: content, promptTokens: usage?["prompt_tokens"] as? Int ?? 0,
                              completionTokens: usage?["completion_tokens"] as? Int ?? 0, latencyMilliseconds: 0, attempts: 1)
    }
}
