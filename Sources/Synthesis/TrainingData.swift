import LogInput
import RuleRuntime
import WardenCore

/// A window with its ground truth, for synthesis only. Rules never see the labels.
public struct LabeledWindow: Sendable {
    public var window: Window
    public var isAbnormal: Bool
    /// For each line, whether it is labeled normal, when the input labels lines (BGL's first
    /// field; an HDFS line takes its block's label). Empty: every line takes the window's label.
    public var normalLines: [Bool]

    public init(window: Window, isAbnormal: Bool, normalLines: [Bool] = []) {
        precondition(normalLines.isEmpty || normalLines.count == window.count, "one label per line of the window, or none")
        self.window = window
        self.isAbnormal = isAbnormal
        self.normalLines = normalLines
    }

    /// Whether the line at `position` is labeled normal.
    public func isNormalLine(_ position: Int) -> Bool {
        normalLines.isEmpty ? !isAbnormal : normalLines[position]
    }
}

/// The labeled windows of one input, split chronologically: 6:1:3 (training,
/// validation, held out for testing), or 6:1 with nothing held out when a pack is
/// learned from every window (``Learning/all``).
public struct TrainingData: Sendable {
    public var train: [LabeledWindow]
    public var validation: [LabeledWindow]
    public var test: [LabeledWindow]
    /// Windows without a label (left out).
    public var unlabeled: Int
    /// Sessions the end of input cut off (left out unless kept).
    public var truncated = 0

    public init(train: [LabeledWindow], validation: [LabeledWindow], test: [LabeledWindow] = [], unlabeled: Int = 0) {
        self.train = train
        self.validation = validation
        self.test = test
        self.unlabeled = unlabeled
    }

    /// Reads and windows a labeled log; labels stay outside the windows.
    /// Truncated sessions keep their place in the chronological split (as in
    /// `eval`) but are left out unless `keepTruncated`. `learning` says which windows learn and
    /// select. `progress` is called with the bytes read so far.
    public static func load(reader: LogReader, policy: WindowPolicy, keepTruncated: Bool = false, learning: Learning = .train,
                            progress: ((Int) -> Void)? = nil) throws -> TrainingData {
        let pipeline = WindowPipeline(reader: reader, policy: policy, threads: 1, recordTruth: true)
        var windows: [(Window, Truth?)] = []
        try pipeline.windows { window in
            windows.append((window, pipeline.truth(of: window)))
            progress?(reader.source.bytesRead)
        }
        var data = TrainingData(train: [], validation: [], test: [])
        for (index, (window, truth)) in windows.enumerated() {
            guard let truth else { data.unlabeled += 1; continue }
            if window.isTruncated {
                data.truncated += 1
                if !keepTruncated { continue }
            }
            let isAbnormal = truth == .abnormal
            // Line labels only where the learner reads them: its training and validation windows.
            let normalLines = { (0..<window.count).map { pipeline.truth(ofLine: window.number(at: $0)) == .normal } }
            switch learning.split(of: index, count: windows.count) {
            case .train: data.train.append(LabeledWindow(window: window, isAbnormal: isAbnormal, normalLines: normalLines()))
            case .val: data.validation.append(LabeledWindow(window: window, isAbnormal: isAbnormal, normalLines: normalLines()))
            case .test, .all: data.test.append(LabeledWindow(window: window, isAbnormal: isAbnormal))
            }
        }
        return data
    }
}
