import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers each request with the next
/// scripted response (in order of arrival) and records what it was asked.
public final class ScriptedServer: @unchecked Sendable {
    public struct Response {
        public var status = 200
        public var headers: [String: String] = [:]
        public var body: String
        /// Seconds to wait before answering (to provoke client timeouts).
        public var delay: Double = 0

        public init(status: Int = 200, headers: [String: String] = [:], body: String, delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }
    }

    private let lock = NSLock()
    private var script: [Response]
    public private(set) var requests: [String] = []
    private let socketDescriptor: Int32
    public let port: UInt16

    public init(script: [Response]) throws {
        self.script = script
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        socketDescriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in serve() }
    }

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    public var remaining: Int { lock.withLock { script.count } }

    public func stop() {
        shutdown(socketDescriptor, Int32(SHUT_RDWR))
        close(socketDescriptor)
    }

    private func serve() {
        while true {
            let client = accept(socketDescriptor, nil, nil)
            guard client >= 0 else { return }
            // A connection per thread, so a delayed answer does not hold up the next request.
            Thread.detachNewThread { [self] in handle(client) }
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        // Read headers, then Content-Length bytes of body.
        while true {
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { return }
            data.append(contentsOf: buffer[0..<count])
            if let headerEnd = data.range(of: Data("\r\n\r\n".utf8)) {
                let header = String(decoding: data[..<headerEnd.lowerBound], as: UTF8.self)
                let length = header.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if data.count - headerEnd.upperBound >= length {
                    let body = String(decoding: data[headerEnd.upperBound...], as: UTF8.self)
                    lock.withLock { requests.append(body) }
                    break
                }
            }
        }
        let response: Response = lock.withLock { script.isEmpty ? Response(status: 500, body: "script exhausted") : script.removeFirst() }
        if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
        var head = "HTTP/1.1 \(response.status) Scripted\r\nContent-Type: application/json\r\nConnection: close\r\n"
        head += "Content-Length: \(response.body.utf8.count)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        let bytes = Array((head + "\r\n" + response.body).utf8)
        _ = bytes.withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
    }

    /// A chat completion body whose message is `content`.
    public static func completion(_ content: String, promptTokens: Int = 100, completionTokens: Int = 20) -> Response {
        let object: [String: Any] = [
            "id": "scripted", "object": "chat.completion",
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens, "total_tokens": promptTokens + completionTokens],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(body: String(decoding: data, as: UTF8.self))
    }
}
