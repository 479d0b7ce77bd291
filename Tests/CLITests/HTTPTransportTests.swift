import AsyncHTTPClient
import ChatCompletions
import Foundation
import Testing

/// Requests follow the proxy environment as curl reads it.
@Suite("HTTP transport")
struct HTTPTransportTests {
    @Test("The proxy for a URL: scheme, upper and lower case, all_proxy, no_proxy, default port, credentials")
    func proxyFromEnvironment() {
        func proxy(_ url: String, _ environment: [String: String]) -> HTTPTransport.Proxy? {
            HTTPTransport.proxy(for: URL(string: url)!, environment: environment)
        }
        let https = "https://api.example.com/v1", http = "http://bundles.example.com/app.wbundle"
        #expect(proxy(https, [:]) == nil)
        #expect(proxy(https, ["https_proxy": "http://proxy:3128"]) == .init(isSOCKS: false, host: "proxy", port: 3128))
        #expect(proxy(https, ["HTTPS_PROXY": "proxy"]) == .init(isSOCKS: false, host: "proxy", port: 1080))
        #expect(proxy(https, ["http_proxy": "http://proxy:3128"]) == nil)
        #expect(proxy(http, ["http_proxy": "http://u:p@proxy:8080"]) == .init(isSOCKS: false, host: "proxy", port: 8080, user: "u", password: "p"))
        #expect(proxy(http, ["all_proxy": "socks5://gateway"]) == .init(isSOCKS: true, host: "gateway", port: 1080))
        #expect(proxy(http, ["http_proxy": "https://proxy:443"]) == nil)
        for exception in ["example.com", ".example.com", "bundles.example.com", "other.org, example.com", "*"] {
            #expect(proxy(http, ["http_proxy": "proxy:3128", "no_proxy": exception]) == nil, "\(exception)")
        }
        for notAnException in ["ample.com", "api.example.com", "example.org"] {
            #expect(proxy(http, ["http_proxy": "proxy:3128", "NO_PROXY": notAnException]) != nil, "\(notAnException)")
        }
    }

    @Test("A request goes to the proxy the environment names, or straight to the server when no_proxy covers it (nginx on loopback)")
    func throughProxy() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-proxy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let nginx = try Nginx(directory: directory)
        try nginx.publish(Data("served".utf8), as: "app.wbundle")
        try await nginx.ready()
        let url = URL(string: nginx.url + "/app.wbundle")!
        func get(_ environment: [String: String], seconds: Int64 = 10) async throws -> String {
            let response = try await HTTPTransport.client(for: url, environment: environment)
                .execute(HTTPClientRequest(url: url.absoluteString), timeout: .seconds(seconds))
            let body = try await response.body.collect(upTo: 1 << 20)
            return "\(response.status.code) " + String(decoding: body.readableBytesView, as: UTF8.self)
        }
        #expect(try await get([:]) == "200 served")
        // A proxy where nothing listens: the request fails, so it went there.
        let nowhere = "http://127.0.0.1:\(try Nginx.freePort())"
        await #expect(throws: (any Error).self) { _ = try await get(["http_proxy": nowhere], seconds: 2) }
        #expect(try await get(["http_proxy": nowhere, "no_proxy": "127.0.0.1"]) == "200 served")
    }
}
