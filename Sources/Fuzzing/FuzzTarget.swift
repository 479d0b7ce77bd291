import Foundation

/// A parser or loader that takes untrusted bytes, with the properties it must
/// keep on any input. The test suite runs each over a seeded corpus and
/// mutations of it; `warden-fuzz` runs them under libFuzzer for as long as you like.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A rule pack: check, render diagnostics, format, and reparse what the formatter prints.
    case pack
    /// The line splitter, fed in uneven chunks: the lines it delivers are the input's.
    case lines
    /// Every format's line decoder: a line is decoded once or skipped with a reason;
    /// a BGL or Thunderbird label never reaches the message.
    case decoders
    /// JSON Lines with message, label and timestamp fields.
    case jsonl
    /// Per-line label files.
    case labels
    /// Key label files (HDFS blocks, Hadoop applications).
    case keyLabels = "key-labels"
    /// Reading a file, plain or gzip: every line read is delivered or counted, and a
    /// fault names how many lines came before it.
    case gzip
    /// A FAME model file as it is on disk (header, checksum, payload).
    case fameModel = "fame-model"
    /// A FAME model payload behind a valid header and checksum, so that the
    /// decoder beyond the checksum is reached.
    case famePayload = "fame-payload"
    /// A Drain state file (`templates --save-state`).
    case drainState = "drain-state"
    /// A rule bundle: refused with a reason or loaded; an archive that reads writes back to the same bytes.
    case bundle

    /// Runs the target on one input; throws when a property does not hold.
    public func run(_ bytes: [UInt8]) throws(FuzzFailure) {
        switch self {
        case .pack: try PackTarget.run(bytes)
        case .lines: try InputTargets.lines(bytes)
        case .decoders: try InputTargets.decoders(bytes)
        case .jsonl: try InputTargets.jsonl(bytes)
        case .labels: try InputTargets.labels(bytes)
        case .keyLabels: try InputTargets.keyLabels(bytes)
        case .gzip: try InputTargets.gzip(bytes)
        case .fameModel: try LoaderTargets.fameModel(bytes)
        case .famePayload: try LoaderTargets.famePayload(bytes)
        case .drainState: try LoaderTargets.drainState(bytes)
        case .bundle: try LoaderTargets.bundle(bytes)
        }
    }
}

/// A property a fuzz target broke, with what it saw.
public struct FuzzFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
