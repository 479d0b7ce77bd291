import AsyncHTTPClient
import Foundation
import Synchronization

/// The HTTP clients Warden's requests go through (chat completions, bundle URLs):
/// async-http-client's shared client, or, for a URL the proxy environment sends
/// through a proxy, one client per proxy. The environment is read as curl reads
/// it: `https_proxy` for https URLs, `http_proxy` for http ones, `all_proxy` for
/// both (lower case first, then upper case), and `no_proxy`, a comma-separated list
/// of host names, domain suffixes (`example.com` and `.example.com` both cover
/// `api.example.com`) or `*` for every host. A proxy is an HTTP proxy
/// (`http://[user:password@]host[:port]`, or no scheme) or a SOCKS5 one
/// (`socks5://host[:port]`), port 1080 when not given; other kinds are not used.
public enum HTTPTransport {
    /// An HTTP proxy: where it is and the credentials it wants, if any.
    public struct Proxy: Hashable, Sendable {
        public var isSOCKS: Bool
        public var host: String
        public var port: Int
        public var user: String?
        public var password: String?

        public init(isSOCKS: Bool, host: String, port: Int, user: String? = nil, password: String? = nil) {
            self.isSOCKS = isSOCKS
            self.host = host
            self.port = port
            self.user = user
            self.password = password
        }
    }

    /// The client for requests to `url`.
    public static func client(for url: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> HTTPClient {
        guard let proxy = proxy(for: url, environment: environment) else { return .shared }
        return clients.withLock { clients in
            if let client = clients[proxy] { return client }
            var configuration = HTTPClient.Configuration()
            let authorization = proxy.user.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            configuration.proxy = proxy.isSOCKS ? .socksServer(host: proxy.host, port: proxy.port)
                : .server(host: proxy.host, port: proxy.port, authorization: authorization)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[proxy] = client
            return client
        }
    }

    /// Clients made for proxies, kept for the life of the process (as the shared one is).
    private static let clients = Mutex<[Proxy: HTTPClient]>([:])

    /// The proxy `environment` names for `url`, or `nil` for a direct connection.
    public static func proxy(for url: URL, environment: [String: String]) -> Proxy? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        func variable(_ name: String) -> String? {
            for key in [name.lowercased(), name.uppercased()] {
                if let value = environment[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
            }
            return nil
        }
        guard let setting = variable(scheme == "https" ? "https_proxy" : "http_proxy") ?? variable("all_proxy") else { return nil }
        if let exceptions = variable("no_proxy") {
            for entry in exceptions.split(separator: ",") {
                let pattern = entry.trimmingCharacters(in: .whitespaces).lowercased()
                let domain = pattern.hasPrefix(".") ? String(pattern.dropFirst()) : pattern
                if pattern == "*" || (!domain.isEmpty && (host == domain || host.hasSuffix("." + domain))) { return nil }
            }
        }
        guard let proxyURL = URL(string: setting.contains("://") ? setting : "http://" + setting), let proxyHost = proxyURL.host,
              let kind = proxyURL.scheme?.lowercased(), ["http", "socks5", "socks5h"].contains(kind) else { return nil }
        return Proxy(isSOCKS: kind != "http", host: proxyHost, port: proxyURL.port ?? 1080, user: proxyURL.user, password: proxyURL.password)
    }
}
