import Bundles
import FAME
import Foundation
import LogInput
import Logging
import Metrics
import RuleRuntime
import Runs
import ServiceLifecycle
import Synchronization
import WardenCore

/// How a long-running detector runs.
public struct LiveConfiguration: Sendable {
    public var bundle: BundleLocation
    public var key: VerificationKey
    /// Where the last good bundle is kept, to start from when the bundle's source is down.
    public var stateDirectory: String
    /// Files to follow (`-` for standard input).
    public var inputs: [String]
    /// Skip what the files already hold (like `tail -F`); by default they are read from the start.
    public var fromEnd = false
    /// How often the bundle's source is polled; each wait varies by ±`jitter` of it, so a fleet does not poll in step.
    public var pollInterval: Duration = .seconds(30)
    public var jitter = 0.1
    public var fetchTimeout: TimeInterval = 10
    /// How long to wait when no input had anything new.
    public var readInterval: Duration = .milliseconds(100)
    /// Accept a bundle of a lower revision than the active one.
    public var allowRollback = false
    public var records: DetectionRun.Records = .abnormal
    public var maximumLineLength = 4 << 20

    public init(bundle: BundleLocation, key: VerificationKey, stateDirectory: String, inputs: [String]) {
        self.bundle = bundle
        self.key = key
        self.stateDirectory = stateDirectory
        self.inputs = inputs
    }
}

/// What the detector reports about itself (for `/health`).
public struct LiveStatus: Sendable, Encodable {
    public var status = "starting"
    public var bundle: String?
    public var revision: Int?
    public var lines = 0
    public var windows = 0
    public var reloads = 0
    public var refusedBundles = 0
    public var lastRefusal: String?
}

/// Follows logs, runs the active bundle's rules over their windows, writes one JSON line per
/// window it is asked to (all, or the abnormal ones: the alerts), and takes new bundles as
/// they are published: verified, then activated between two windows, so every window is
/// judged by one bundle. A bundle that is refused is reported, and the active one keeps running.
/// On graceful shutdown every open window is closed and judged.
public final class LiveDetector: Service, Sendable {
    let configuration: LiveConfiguration
    let logger: Logger
    let output: @Sendable ([UInt8]) throws -> Void
    private let pending = Mutex<LoadedBundle?>(nil)
    private let stopping = Mutex(false)
    public let status = Mutex(LiveStatus())
    private let metrics = DetectorMetrics()

    /// `output` receives each record line (with its newline).
    public init(configuration: LiveConfiguration, logger: Logger, output: @escaping @Sendable ([UInt8]) throws -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.output = output
    }

    public func run() async throws {
        let store = BundleStore(directory: configuration.stateDirectory, key: configuration.key)
        let fetcher = BundleFetcher(location: configuration.bundle, timeout: configuration.fetchTimeout)
        var active = store.load(logger: logger)
        var tag = active?.tag
        switch await fetcher.fetch(ifNoneMatch: tag) {
        case .fetched(let bytes, let newTag):
            if let bundle = accept(bytes, over: active?.bundle) {
                store.save(bundle, tag: newTag, logger: logger)
                active = (bundle, newTag)
            }
            tag = newTag
        case .unchanged: break
        case .failed(let reason):
            logger.warning("bundle source unavailable", metadata: ["source": "\(configuration.bundle)", "reason": "\(reason)"])
        }
        guard let first = active?.bundle else {
            throw LiveError("no bundle to run: \(configuration.bundle) gave none that verifies, and \(configuration.stateDirectory) holds no earlier one")
        }
        let polledTag = tag
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in try await poll(fetcher, store: store, active: first, tag: polledTag) }
            try await withGracefulShutdownHandler {
                try await follow(starting: first)
            } onGracefulShutdown: { [self] in
                stopping.withLock { $0 = true }
            }
            group.cancelAll()
        }
    }

    /// Verifies a fetched bundle against the active one: the same bytes are no change; a lower
    /// revision is a rollback (refused unless allowed); the same revision with other bytes is refused.
    private func accept(_ bytes: [UInt8], over active: LoadedBundle?) -> LoadedBundle? {
        if let active, active.bytes == bytes { return nil }
        do throws(BundleError) {
            let minimum = configuration.allowRollback ? nil : active?.manifest.revision
            let bundle = try RuleBundle.open(bytes, key: configuration.key, minimumRevision: minimum)
            if let active, bundle.manifest.revision == active.manifest.revision {
                throw BundleError.manifest("revision \(bundle.manifest.revision) is already active with other contents: publish a higher revision")
            }
            return bundle
        } catch {
            metrics.reloadFailures.increment()
            status.withLock {
                $0.refusedBundles += 1
                $0.lastRefusal = error.description
            }
            logger.error("bundle refused; the active bundle keeps running", metadata: ["source": "\(configuration.bundle)", "reason": "\(error.description)"])
            return nil
        }
    }

    /// Polls the source at the interval (with jitter) and hands each accepted bundle to the reader.
    private func poll(_ fetcher: BundleFetcher, store: BundleStore, active: LoadedBundle, tag: String?) async throws {
        var tag = tag
        var current = active
        while !Task.isCancelled {
            try await Task.sleep(for: configuration.pollInterval * (1 + Double.random(in: -configuration.jitter...configuration.jitter)))
            switch await fetcher.fetch(ifNoneMatch: tag) {
            case .unchanged: continue
            case .failed(let reason):
                metrics.pollFailures.increment()
                logger.warning("bundle source unavailable; the active bundle keeps running", metadata: ["reason": "\(reason)"])
            case .fetched(let bytes, let newTag):
                tag = newTag
                guard let bundle = accept(bytes, over: current) else { continue }
                store.save(bundle, tag: newTag, logger: logger)
                current = bundle
                pending.withLock { $0 = bundle }
            }
        }
    }

    /// The reader: follows every input until shutdown, judging each closed window with the active bundle.
    private func follow(starting bundle: LoadedBundle) async throws {
        var judge = try Judge(bundle)
        activated(bundle)
        let streams = configuration.inputs.map {
            LiveStream(file: FollowedFile(path: $0, fromEnd: configuration.fromEnd), decoder: judge.decoder, policy: judge.policy,
                       maximumLineLength: configuration.maximumLineLength)
        }
        let encoder = DetectionRecordEncoder()
        var failure: (any Error)?
        func emit(_ stream: LiveStream) -> (Window) -> Void {
            { [self] window in
                guard failure == nil else { return }
                do { try record(judge.detect(window), window: window, path: stream.path, judge: judge, encoder: encoder) } catch { failure = error }
            }
        }
        status.withLock { $0.status = "running" }
        while !stopping.withLock({ $0 }) {
            if let next = pending.withLock({ bundle in defer { bundle = nil }; return bundle }) {
                // Between windows: open windows stay open if the windowing is the same, else they close under the old rules.
                let replacement = try Judge(next)
                if replacement.settings != judge.settings {
                    for stream in streams { stream.restart(decoder: replacement.decoder, policy: replacement.policy, emit(stream)) }
                }
                judge = replacement
                activated(next)
            }
            var read = 0
            for stream in streams {
                let before = stream.accounting.read
                read += stream.poll(emit(stream))
                metrics.lines.increment(by: stream.accounting.read - before)
                if let idle = judge.idle { stream.closeIdle(after: idle, emit(stream)) }
            }
            if let failure { throw failure }
            if streams.allSatisfy({ $0.file.ended }) { break }
            if read == 0 { try await Task.sleep(for: configuration.readInterval) }
        }
        status.withLock { $0.status = "stopping" }
        for stream in streams {
            _ = stream.poll(emit(stream))
            stream.finish(emit(stream))
        }
        if let failure { throw failure }
        for stream in streams {
            let accounting = stream.accounting
            logger.info("input closed", metadata: ["input": "\(stream.path)", "read": "\(accounting.read)", "windowed": "\(accounting.windowed)",
                                                    "skipped": "\(accounting.read - accounting.windowed)"])
        }
        status.withLock { $0.status = "stopped" }
    }

    private func record(_ detection: Detection, window: Window, path: String, judge: Judge, encoder: DetectionRecordEncoder) throws {
        metrics.windows.increment()
        metrics.verdict(detection.verdict).increment()
        if let rule = detection.rule { metrics.hits(rule).increment() }
        if !detection.inconclusive.isEmpty { metrics.inconclusive.increment() }
        status.withLock {
            $0.windows += 1
            $0.lines += window.count
        }
        guard configuration.records == .all || (configuration.records == .abnormal && detection.verdict == .abnormal) else { return }
        let line = try encoder.line(DetectionRecord(input: path, window: window, detection: detection,
                                                    metadata: detection.rule.flatMap(judge.engine.rules.metadata(of:))))
        try output(line + [0x0A])
    }

    private func activated(_ bundle: LoadedBundle) {
        metrics.revision.record(bundle.manifest.revision)
        metrics.reloads.increment()
        status.withLock {
            $0.bundle = "\(bundle.manifest.name) \(bundle.manifest.version)"
            $0.revision = bundle.manifest.revision
            $0.reloads += 1
        }
        logger.info("bundle active", metadata: ["bundle": "\(bundle.manifest.name)", "version": "\(bundle.manifest.version)",
                                                "revision": "\(bundle.manifest.revision)", "signer": "\(bundle.manifest.signer)"])
    }
}

/// A bundle ready to judge windows: its engine and context, and its windowing.
struct Judge {
    let settings: DetectionSettings
    let engine: DetectionEngine
    let context: EvaluationContext
    let decoder: LineDecoder
    let policy: WindowPolicy
    /// The idle timeout of session windows, in milliseconds.
    let idle: Int64?

    init(_ bundle: LoadedBundle) throws {
        settings = bundle.manifest.settings
        let (format, policy) = try settings.windowing()
        self.policy = policy
        if case .session(_, let idle, _) = policy { self.idle = idle } else { idle = nil }
        decoder = settings.decoder(for: format)
        engine = DetectionEngine(rules: bundle.ruleSet, fallback: bundle.fameFallback ?? UndecidedIsNormal())
        context = engine.makeContext()
    }

    func detect(_ window: Window) -> Detection { engine.detect(window, in: context) }
}

/// The last good bundle on disk: `active.wbundle` and the tag it was fetched with.
struct BundleStore: Sendable {
    let directory: String
    let key: VerificationKey

    private var bundlePath: String { directory + "/active.wbundle" }
    private var tagPath: String { directory + "/active.tag" }

    /// The stored bundle, verified again (a damaged store is reported and ignored).
    func load(logger: Logger) -> (bundle: LoadedBundle, tag: String?)? {
        guard let data = FileManager.default.contents(atPath: bundlePath) else { return nil }
        do throws(BundleError) {
            let bundle = try RuleBundle.open([UInt8](data), key: key)
            let tag = FileManager.default.contents(atPath: tagPath).map { String(decoding: $0, as: UTF8.self) }
            return (bundle, tag)
        } catch {
            logger.error("the stored bundle is refused", metadata: ["path": "\(bundlePath)", "reason": "\(error.description)"])
            return nil
        }
    }

    func save(_ bundle: LoadedBundle, tag: String?, logger: Logger) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(bundle.bytes).write(to: URL(fileURLWithPath: bundlePath), options: .atomic)
            try Data((tag ?? "").utf8).write(to: URL(fileURLWithPath: tagPath), options: .atomic)
        } catch {
            logger.error("cannot keep the active bundle", metadata: ["path": "\(bundlePath)", "reason": "\(error)"])
        }
    }
}

/// Why the detector cannot run.
public struct LiveError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
