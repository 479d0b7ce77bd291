import LogInput
import RuleRuntime
import WardenCore

/// One followed input on its way to windows: its lines, decoded in a format and
/// windowed by a policy, with every line counted as windowed or skipped by reason.
/// Line numbers run on across rotations and truncations.
final class LiveStream {
    let file: FollowedFile
    private var splitter: LineSplitter
    private var decoder: LineDecoder
    private var windower: Windower
    private(set) var accounting = LineAccounting()
    /// When a line last arrived (for closing idle sessions while the log is quiet).
    private var lastArrival = ContinuousClock.now

    init(file: FollowedFile, decoder: LineDecoder, policy: WindowPolicy, maximumLineLength: Int) {
        self.file = file
        self.decoder = decoder
        splitter = LineSplitter(maximumLineLength: maximumLineLength)
        windower = Windower(policy: policy)
    }

    var path: String { file.path }

    /// Reads what arrived; completed windows go to `emit`. Returns the bytes read.
    func poll(_ emit: (Window) -> Void) -> Int {
        let read = file.poll(restarted: { flushLine(emit) }) { chunk in
            splitter.feed(chunk, line: { raw, number in take(raw, number, emit) }, tooLong: { _ in skipTooLong() })
        }
        if read > 0 { lastArrival = .now }
        return read
    }

    /// Closes sessions idle for `idle` milliseconds: log time is taken to run on with the wall clock
    /// since the last line arrived.
    func closeIdle(after idle: Int64, _ emit: (Window) -> Void) {
        guard let latest = windower.latestTimestamp else { return }
        let quiet = Int64((ContinuousClock.now - lastArrival) / .milliseconds(1))
        windower.closeIdle(before: latest + quiet - idle, emit)
    }

    /// Delivers a last line that had no newline and closes every open window (shutdown, or new settings).
    func finish(_ emit: (Window) -> Void) {
        flushLine(emit)
        windower.finish(emit: emit)
    }

    /// Closes the open windows under the old settings, then windows what follows by `policy` in `decoder`'s format.
    func restart(decoder: LineDecoder, policy: WindowPolicy, _ emit: (Window) -> Void) {
        windower.finish(emit: emit)
        self.decoder = decoder
        windower = Windower(policy: policy)
    }

    var openSessions: Int { windower.openSessions }

    private func flushLine(_ emit: (Window) -> Void) {
        splitter.finish(line: { raw, number in take(raw, number, emit) }, tooLong: { _ in skipTooLong() })
    }

    private func skipTooLong() {
        accounting.read += 1
        accounting.skipped[.tooLong, default: 0] += 1
    }

    private func take(_ raw: UnsafeBufferPointer<UInt8>, _ number: Int, _ emit: (Window) -> Void) {
        accounting.read += 1
        let failure = decoder.decode(raw) { line in
            if let reason = windower.add(line.message, number: number, timestamp: line.timestamp, emit: emit) {
                accounting.skipped[reason, default: 0] += 1
            } else {
                accounting.windowed += 1
            }
        }
        if let failure { accounting.skipped[failure, default: 0] += 1 }
    }
}
