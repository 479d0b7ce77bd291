import ArgumentParser
import Foundation
import LogInput
import LogParsing
import WardenCore

/// `warden templates`: mine message templates with Drain.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        _superCommandName: "warden",
        abstract: "Mine message templates from a log with Drain.",
        discussion: """
            Prints one template per line with its id and the number of lines it \
            covers, largest first. The label field is stripped first; the format's \
            header fields (timestamps, node, level, component) are left out unless \
            --whole-message. With --truth (a Loghub *_structured*.csv with LineId \
            and EventId) it reports grouping accuracy against those events.
            """
    )

    @Argument(help: "The log file (`-` for standard input, .gz decompressed).")
    var file: String

    @Option(help: "Input format: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: LogFormat = .lines

    @OptionGroup var drain: DrainOptions

    @Option(help: "Continue from a saved miner state.")
    var loadState: String?

    @Option(help: "Save the miner's state here afterwards.")
    var saveState: String?

    @Option(help: "A structured CSV with the true event of each line: report grouping accuracy.")
    var truth: String?

    @Option(help: "Write the template id of every line (one per line) here.")
    var assignments: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Print the content Drain would mine, one line per input line, and stop (for comparing with other miners).")
    var contentOnly = false

    @Option(help: "Skip (and count) lines longer than this many bytes.")
    var maxLineLength: Int = 4 << 20

    func run() throws {
        var miner: Drain
        if let loadState {
            let data = try readFile(loadState)
            do { miner = try JSONDecoder().decode(Drain.self, from: data) } catch {
                throw CommandFailure("\(loadState): not a Drain state file (\(describeDecodingError(error)))")
            }
        } else {
            miner = Drain(settings: try drain.settings())
        }
        let header = drain.header(for: format)
        let reader = try LogReader(path: file, decoder: LineDecoder(format: format), maximumLineLength: maxLineLength)
        var perLine: [Int] = []
        if contentOnly {
            var out = Data()
            try reader.forEach { record in
                out.append(contentsOf: header.content(UnsafeRawBufferPointer(record.message)))
                out.append(0x0A)
                if out.count > 1 << 20 { try StandardOutput.write(out); out.removeAll(keepingCapacity: true) }
            }
            try StandardOutput.write(out)
            return
        }
        let started = Date()
        // A fault in the input (a truncated or corrupt gzip) still reports the templates of every line before it.
        var fault: InputError?
        var progress = ProgressBar(total: file == "-" ? nil : reader.source.totalBytes)
        do {
            try reader.forEach { record in
                let content = header.content(UnsafeRawBufferPointer(record.message))
                perLine.append(miner.add(content).cluster)
                if record.number % 4096 == 0 { progress.update(reader.source.bytesRead) }
            }
            progress.finish()
        } catch let error as InputError {
            progress.finish()
            guard case .stopped = error else { throw error }
            fault = error
        }
        let seconds = Date().timeIntervalSince(started)
        if let saveState {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try OutputFile.write(encoder.encode(miner), to: saveState)
        }
        if let assignments {
            try OutputFile.write(Data(perLine.map(String.init).joined(separator: "\n").appending("\n").utf8), to: assignments)
        }
        var accuracy: GroupingAccuracy?
        if let truth {
            let rows = CSV.rows(String(decoding: try readFile(truth), as: UTF8.self))
            guard let events = CSV.column("EventId", in: rows) else { throw CommandFailure("\(truth): no EventId column") }
            guard events.count == perLine.count else {
                throw CommandFailure("\(truth) has \(events.count) rows but \(file) gave \(perLine.count) lines")
            }
            accuracy = GroupingAccuracy(mined: perLine, truth: events)
        }
        let clusters = miner.clusters.sorted { ($0.size, -$0.id) > ($1.size, -$1.id) }
        if json {
            struct Entry: Encodable { let id: Int; let size: Int; let template: String }
            struct Report: Encodable {
                let lines: Int; let templates: [Entry]; let skipped: Int
                let groupingAccuracy: Double?
            }
            let report = Report(lines: perLine.count, templates: clusters.map { Entry(id: $0.id, size: $0.size, template: miner.template($0.id)) },
                                skipped: reader.accounting.skippedTotal, groupingAccuracy: accuracy?.accuracy)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let width = String(clusters.map(\.size).max() ?? 0).count
            for cluster in clusters {
                let size = String(cluster.size)
                print("T\(cluster.id)\t\(String(repeating: " ", count: max(0, width - size.count)))\(size)\t\(miner.template(cluster.id))")
            }
        }
        let skipped = reader.accounting.skippedTotal
        var summary = "\(file): \(perLine.count) line\(perLine.count == 1 ? "" : "s"), \(miner.clusters.count) template\(miner.clusters.count == 1 ? "" : "s")"
        if skipped > 0 { summary += ", \(skipped) line\(skipped == 1 ? "" : "s") skipped" }
        summary += String(format: ", %.0f lines/s", Double(perLine.count) / max(seconds, 1e-9))
        if let accuracy {
            summary += String(format: "; grouping accuracy %.3f (%d of %d lines; %d of %d templates exact; %d true events)",
                              accuracy.accuracy, accuracy.correct, accuracy.lines, accuracy.exactTemplates, accuracy.minedTemplates, accuracy.trueEvents)
        }
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        if let fault { throw CommandFailure(fault.description) }
    }
}
