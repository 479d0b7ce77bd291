import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The detector's HTTP side: `GET /health` (the detector's status as JSON; 503 until it
/// runs) and `GET /metrics` (Prometheus text format). Hummingbird runs it as a service next
/// to the detector, and shuts both down gracefully on SIGTERM or SIGINT.
public enum StatusServer {
    /// Runs the server and the detector until a signal, or until the detector's inputs end:
    /// the detector stops first (closing and judging its open windows), then the server.
    /// `listening` is called with the bound port.
    public static func run(detector: LiveDetector, registry: PrometheusCollectorRegistry, host: String, port: Int,
                           logger: Logger, listening: @escaping @Sendable (Int) -> Void) async throws {
        let server = application(detector: detector, registry: registry, host: host, port: port, logger: logger, listening: listening)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [
            .init(service: server),
            .init(service: detector, successTerminationBehavior: .gracefullyShutdownGroup),
        ], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    private static func application(detector: LiveDetector, registry: PrometheusCollectorRegistry, host: String, port: Int,
                                    logger: Logger, listening: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health") { _, _ -> Response in
            let status = detector.status.withLock { $0 }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = (try? encoder.encode(status)) ?? Data()
            return Response(status: status.status == "running" ? .ok : .serviceUnavailable,
                            headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "warden"),
                           onServerRunning: { channel in listening(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
