import Foundation
import WardenCore

/// A progress bar on standard error, drawn only when it is a terminal and the size is known.
struct ProgressBar {
    let total: Int?
    let enabled: Bool
    private var lastDrawn = -1

    init(total: Int?) {
        self.total = total
        enabled = total != nil && isatty(STDERR_FILENO) == 1
    }

    mutating func update(_ done: Int) {
        guard enabled, let total, total > 0 else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)%".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Advice for skip reasons a user can fix with an option.
func skipHints(_ skipped: [SkipReason: Int]) -> [String] {
    var hints: [String] = []
    if let count = skipped[.noMessageField] {
        hints.append("hint: \(count) JSON Lines record\(count == 1 ? " has" : "s have") no string under the message field: name it with --message-field")
    }
    if let count = skipped[.tooLong] {
        hints.append("hint: \(count) line\(count == 1 ? " is" : "s are") longer than --max-line-length")
    }
    return hints
}
