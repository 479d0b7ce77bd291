import Foundation
import LogInput
import RuleInterpreter
import RuleLanguage
import PCRE2
import RuleRuntime
import TestSupport

/// Checks pack source text and compiles it for the engine; fails the test on diagnostics.
func ruleSet(_ source: String, file: String = "test.warden") throws -> RuleSet {
    Interpreter.ruleSet(for: try checkedPack(source, file: file))
}

func checkedPack(_ source: String, file: String = "test.warden") throws -> CheckedPack {
    let result = Frontend.check(SourceFile(path: file, bytes: Array(source.utf8)))
    guard let pack = result.pack else {
        throw PackError(diagnostics: HumanRenderer(colored: false).render(result.diagnosed))
    }
    return pack
}

func checkedPack(atPath path: String) throws -> CheckedPack {
    try checkedPack(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self), file: path)
}

struct PackError: Error, CustomStringConvertible {
    let diagnostics: String
    var description: String { diagnostics }
}

/// A one-rule pack around `condition` (with optional `let` lines), as an abnormal rule.
func rulePack(_ condition: String, lets: [String] = []) -> String {
    """
    pack t version "1.0.0"
    abnormal rule r {
    \(lets.map { "    " + $0 }.joined(separator: "\n"))
        \(condition)
    }
    """
}

/// Whether the single abnormal rule of `source` holds on `lines`, and its evidence (1-based).
func evaluate(_ source: String, on lines: [String]) throws -> (holds: Bool, evidence: [Int]) {
    let rules = try ruleSet(source)
    let context = EvaluationContext(lineTests: rules.lineTests)
    context.reset(to: Window(texts: lines))
    let rule = rules.abnormalRules[0]
    let holds = try rule.holds(in: context)
    return (holds, holds ? try rule.evidence(in: context).map { $0 + 1 } : [])
}

/// Writes `contents` to a fresh temporary file and returns its path.
func temporaryFile(_ contents: [UInt8], suffix: String = ".log") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("warden-\(UUID().uuidString)\(suffix)")
    try Data(contents).write(to: url)
    return url.path
}

/// `bytes` compressed by the system's gzip.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let input = try temporaryFile(bytes)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-c", input]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
}

/// Runs a pack over a file through the whole pipeline; returns windows and detections in order.
func detectFile(
    _ path: String, rules: RuleSet, format: LogFormat, policy: WindowPolicy = .codeAD, threads: Int = 1,
    labels: String? = nil, sessionKey: String? = nil
) throws -> (windows: [Window], detections: [Detection], reader: LogReader, pipeline: WindowPipeline) {
    let key = try sessionKey.map { try Pattern($0) }
    let labeling = try Labeling.forFormat(format, labelFile: labels, sessionKey: key)
    let reader = try LogReader(path: path, decoder: LineDecoder(format: format), labeling: labeling)
    let pipeline = WindowPipeline(reader: reader, policy: policy, threads: threads, batchSize: 7, recordTruth: true)
    let engine = DetectionEngine(rules: rules)
    var windows: [Window] = [], detections: [Detection] = []
    try pipeline.run(worker: engine.makeContext, process: { window, context in engine.detect(window, in: context) }, sink: {
        windows.append($0)
        detections.append($1)
    })
    return (windows, detections, reader, pipeline)
}
