import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
            if let tag { request.setValue(tag, forHTTPHeaderField: "If-None-Match") }
            switch await Self.get(request, deadline: timeout) {
            case .success(let (data, response)):
                guard let http = response as? HTTPURLResponse else { return .failed("\(url): not an HTTP response") }
                switch http.statusCode {
                case 304: return .unchanged
                case 200: return .fetched(bytes: [UInt8](data), tag: http.value(forHTTPHeaderField: "ETag"))
                default: return .failed("\(url): HTTP \(http.statusCode)")
                }
            case .failure(let error):
                return .failed("\(url): \(error.localizedDescription)")
            }
        }
    }

    /// The response, or the error; a request still running at `deadline` seconds is cancelled
    /// (URLRequest's own timeout only bounds the time between two packets, so a server that
    /// trickles bytes would hold a poll for ever).
    private static func get(_ request: URLRequest, deadline: TimeInterval) async -> Result<(Data, URLResponse), any Error> {
        await withCheckedContinuation { continuation in
            let task = URLSession.shared.dataTask(with: request) { data, response, error in
                if let data, let response {
                    continuation.resume(returning: .success((data, response)))
                } else {
                    let timedOut = (error as? URLError)?.code == .cancelled
                    continuation.resume(returning: .failure(timedOut ? URLError(.timedOut) : error ?? URLError(.badServerResponse)))
                }
            }
            task.resume()
            DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { task.cancel() }
        }
    }
}
