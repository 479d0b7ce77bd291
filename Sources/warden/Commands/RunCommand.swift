import ArgumentParser
import Bundles
import Foundation
import LiveDetection
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import WardenCore

/// `warden run`: the long-running detector.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        _superCommandName: "warden",
        abstract: "Follow logs with a signed bundle's rules, write alerts as JSON Lines, and take new bundles live.",
        discussion: """
            Follows each file like `tail -F` (rotation and truncation handled) or standard input, \
            windows its lines by the bundle's settings, and writes one JSON line per abnormal window \
            (--all-windows: every window) to standard output; logs go to standard error. The bundle \
            comes from a path or an http(s) URL, polled with If-None-Match; a new revision is \
            verified, kept in --state as the last good bundle, and activated between two windows. \
            A refused bundle is reported and the active one keeps running; when the source is down \
            at start, the kept bundle runs. SIGTERM or SIGINT closes open windows, judges them and \
            exits. GET /health and GET /metrics (Prometheus) are served on --listen.
            """
    )

    @Option(help: "The bundle: a path or an http(s) URL.")
    var bundle: String

    @Option(help: "The PEM public key that must have signed every bundle.")
    var key: String

    @Option(help: "Where to keep the last good bundle.")
    var state: String = ".warden-state"

    @Option(help: "How often to poll the bundle's source (e.g. 30s, 5m); each wait varies by ±10%.")
    var poll: String = "30s"

    @Option(help: "Give up on a bundle fetch after this long (e.g. 10s).")
    var fetchTimeout: String = "10s"

    @Option(help: "Where to serve /health and /metrics: HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:9464"

    @Flag(help: "Skip what the files hold already; read only what is appended.")
    var fromEnd = false

    @Flag(help: "Write every window, not only the abnormal ones.")
    var allWindows = false

    @Flag(help: "Accept a bundle of a lower revision than the active one (a deliberate rollback).")
    var allowRollback = false

    @Argument(help: "Log files to follow (`-` for standard input).")
    var inputs: [String] = ["-"]

    func validate() throws {
        guard let milliseconds = Durations.milliseconds(poll), milliseconds >= 100 else { throw ValidationError("--poll takes a duration of at least 100ms, such as 30s") }
        guard let timeout = Durations.milliseconds(fetchTimeout), timeout >= 100 else { throw ValidationError("--fetch-timeout takes a duration of at least 100ms, such as 10s") }
        guard listenAddress != nil else { throw ValidationError("--listen takes HOST:PORT, such as 127.0.0.1:9464") }
    }

    private var listenAddress: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        return (String(listen[..<colon]), port)
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var configuration = LiveConfiguration(bundle: BundleLocation(bundle), key: try verificationKey(key), stateDirectory: state, inputs: inputs)
        configuration.pollInterval = .milliseconds(Durations.milliseconds(poll)!)
        configuration.fetchTimeout = TimeInterval(Durations.milliseconds(fetchTimeout)!) / 1000
        configuration.fromEnd = fromEnd
        configuration.allowRollback = allowRollback
        configuration.records = allWindows ? .all : .abnormal
        let logger = Logger(label: "warden.run")
        let detector = LiveDetector(configuration: configuration, logger: logger) { line in try StandardOutput.write(Data(line)) }
        let (host, port) = listenAddress!
        do {
            try await StatusServer.run(detector: detector, registry: registry, host: host, port: port, logger: logger) { bound in
                logger.info("status server listening", metadata: ["address": "http://\(host):\(bound)"])
            }
        } catch let error as LiveError {
            throw CommandFailure(error.description)
        } catch let error as ServiceGroupError {
            throw CommandFailure("\(error)")
        }
    }
}
