import LogInput
import RuleRuntime
import WardenCore

/// Runs an engine over one log and, on the worker threads, encodes the
/// JSON record of each window the run is asked to write (so encoding scales
/// with the threads, like detection).
public struct DetectionRun: Sendable {
    /// Which windows get a record.
    public enum Records: Sendable {
        case none, all, abnormal
    }

    public let engine: DetectionEngine
    public let records: Records

    public init(engine: DetectionEngine, records: Records) {
        self.engine = engine
        self.records = records
    }

    /// Detects every window of `reader`'s log (named `path` in the records);
    /// `sink` gets each window, its detection and its record line, in order.
    public func run(
        _ reader: LogReader, path: String, policy: WindowPolicy, threads: Int,
        sink: (Window, Detection, [UInt8]?) throws -> Void, progress: ((Int) -> Void)? = nil
    ) throws {
        let pipeline = WindowPipeline(reader: reader, policy: policy, threads: threads)
        let engine = engine, records = records
        try pipeline.run(worker: { Worker(context: engine.makeContext(), encoder: DetectionRecordEncoder()) }, process: { window, worker in
            let detection = engine.detect(window, in: worker.context)
            guard records == .all || (records == .abnormal && detection.verdict == .abnormal) else {
                return Outcome(detection: detection, record: .success(nil))
            }
            let record = DetectionRecord(input: path, window: window, detection: detection,
                                         metadata: detection.rule.flatMap(engine.rules.metadata(of:)))
            return Outcome(detection: detection, record: Result { try worker.encoder.line(record) }.map { Optional($0) })
        }, sink: { window, outcome in try sink(window, outcome.detection, try outcome.record.get()) }, progress: progress)
    }

    private struct Worker {
        let context: EvaluationContext
        let encoder: DetectionRecordEncoder
    }

    private struct Outcome: Sendable {
        let detection: Detection
        let record: Result<[UInt8]?, any Error>
    }
}
