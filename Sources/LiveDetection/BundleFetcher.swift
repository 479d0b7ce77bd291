import AsyncHTTPClient
import ChatCompletions
import Foundation
import NIOCore

/// Where a detector takes its bundle from: a file, or an HTTP(S) URL polled with `If-None-Match`.
public enum BundleLocation: Sendable, CustomStringConvertible {
    case file(String)
    case url(URL)

    /// `http://…` and `https://…` are URLs; anything else is a path.
    public init(_ text: String) {
        if let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            self = .url(url)
        } else {
            self = .file(text)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .url(let url): url.absoluteString
        }
    }
}

/// What one poll of a bundle location found.
enum FetchResult: Sendable {
    /// The same as last time (HTTP 304, or a file with the same size, time and inode).
    case unchanged
    case fetched(bytes: [UInt8], tag: String?)
    case failed(String)
}

/// Fetches a bundle, telling the server (or the file system) what it already has.
struct BundleFetcher: Sendable {
    let location: BundleLocation
    let timeout: TimeInterval

    func fetch(ifNoneMatch tag: String?) async -> FetchResult {
        switch location {
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else { return .failed("\(path): \(String(cString: strerror(errno)))") }
            #if canImport(Darwin)
            let modified = info.st_mtimespec
            #else
            let modified = info.st_mtim
            #endif
            let current = "\(info.st_size)-\(modified.tv_sec).\(modified.tv_nsec)-\(info.st_ino)"
            if current == tag { return .unchanged }
            guard let data = FileManager.default.contents(atPath: path) else { return .failed("\(path): cannot read it") }
            return .fetched(bytes: [UInt8](data), tag: current)
        case .url(let url):
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "Cache-Control", value: "no-cache")
            if let tag { request.headers.add(name: "If-None-Match", value: tag) }
            do {
                // The deadline bounds the whole request, so a server that trickles bytes cannot hold a poll for ever.
                let response = try await HTTPTransport.client(for: url).execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                switch response.status.code {
                case 304:
                    return .unchanged
                case 200:
                    let body = try await response.body.collect(upTo: Self.largestBundle)
                    return .fetched(bytes: Array(body.readableBytesView), tag: response.headers.first(name: "ETag"))
                default:
                    return .failed("\(url): HTTP \(response.status.code)")
                }
            } catch {
                return .failed("\(url): \(error)")
            }
        }
    }

    /// A larger answer is refused rather than read into memory.
    static let largestBundle = 1 << 30
}
