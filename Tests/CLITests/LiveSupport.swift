import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A `warden run` in the background: its records on disk, its status over HTTP, stopped with SIGTERM.
final class LiveWarden {
    let process = Process()
    let stdout: URL
    let stderr: URL

    init(_ arguments: [String], directory: URL) throws {
        stdout = directory.appendingPathComponent("run-\(UUID().uuidString).jsonl")
        stderr = directory.appendingPathComponent("run-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.executableURL = Warden.executable
        process.arguments = ["run", "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = Warden.root
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { if process.isRunning { process.terminate() } }

    var log: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }
    var records: [[String: Any]] {
        let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The status server's port, once it listens.
    func port() async throws -> Int {
        try await waitFor("the status server") {
            guard let range = self.log.range(of: #"address=http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
            return Int(self.log[range].split(separator: ":").last!)
        }
    }

    func get(_ path: String) async throws -> (status: Int, body: String) {
        let url = URL(string: "http://127.0.0.1:\(try await port())\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// A metric's value from /metrics (`name` with its labels, as Prometheus prints it).
    func metric(_ name: String) async throws -> Double? {
        let body = try await get("/metrics").body
        return body.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    /// Stops it as a service manager would, and waits.
    func stop() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Polls `probe` until it gives a value (at most 60 s: a bound for a stuck test, not a timing assertion).
func waitFor<T>(_ what: String, _ probe: @escaping () async throws -> T?) async throws -> T {
    for _ in 0..<600 {
        if let value = try? await probe() { return value }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw WaitedTooLong(what: what)
}

struct WaitedTooLong: Error, CustomStringConvertible {
    let what: String
    var description: String { "waited 60 s for \(what)" }
}

/// A real nginx on loopback serving a directory, with switches for failures: a file named
/// `fail500` in the directory makes it answer 500, `slow` makes it send a byte every 100 ms.
final class Nginx {
    let root: URL
    let port: Int
    private let process = Process()

    init(directory: URL) throws {
        root = directory.appendingPathComponent("htdocs")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        port = try Self.freePort()
        let prefix = directory.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let configuration = """
            worker_processes 1;
            pid \(prefix.path)/nginx.pid;
            error_log \(prefix.path)/logs/error.log;
            events { worker_connections 64; }
            http {
                access_log \(prefix.path)/logs/access.log;
                client_body_temp_path \(prefix.path)/body;
                proxy_temp_path \(prefix.path)/proxy;
                fastcgi_temp_path \(prefix.path)/fastcgi;
                uwsgi_temp_path \(prefix.path)/uwsgi;
                scgi_temp_path \(prefix.path)/scgi;
                server {
                    listen 127.0.0.1:\(port);
                    root \(root.path);
                    location / {
                        if (-f $document_root/fail500) { return 500; }
                        if (-f $document_root/slow) { set $limit_rate 10; }
                    }
                }
            }
            """
        let file = prefix.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") ? "/usr/sbin/nginx" : "/usr/bin/nginx")
        process.arguments = ["-p", prefix.path, "-c", file.path, "-g", "daemon off;"]
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Waits until nginx answers.
    func ready() async throws {
        _ = try await waitFor("nginx") { () -> Bool? in
            let (_, response) = try await URLSession.shared.data(from: URL(string: self.url + "/")!)
            return (response as? HTTPURLResponse) != nil ? true : nil
        }
    }

    /// Publishes `bytes` at `name` atomically (as a deploy would). nginx's ETag is the file's
    /// modification time in seconds and its size, so each publish gets a later second of its own.
    func publish(_ bytes: Data, as name: String) throws {
        let file = root.appendingPathComponent(name)
        try bytes.write(to: file, options: .atomic)
        published += 1
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(Double(published))], ofItemAtPath: file.path)
    }
    private var published = 0

    func setSwitch(_ name: String, _ on: Bool) throws {
        let path = root.appendingPathComponent(name).path
        if on { _ = FileManager.default.createFile(atPath: path, contents: Data()) } else { try? FileManager.default.removeItem(atPath: path) }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw WaitedTooLong(what: "a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
