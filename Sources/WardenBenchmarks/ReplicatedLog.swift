import Foundation

/// Runs `wc -l` on `path` (the reference the throughput benchmarks print next to their own figures).
func wordCount(_ path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["wc", "-l", path]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
}

/// A BGL-format sample without its label field, repeated to at least `lines` lines, in a temporary file.
func replicatedLog(sample: String, lines: Int) throws -> (path: String, lines: Int, bytes: Int) {
    let text = try String(contentsOfFile: sample, encoding: .utf8)
    let stripped = text.split(separator: "\n").map { line in line.drop { $0 != " " }.dropFirst() }
    let block = stripped.joined(separator: "\n") + "\n"
    let copies = (lines + stripped.count - 1) / stripped.count
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-\(getpid()).log").path
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    let data = Data(block.utf8)
    for _ in 0..<copies { handle.write(data) }
    try handle.close()
    return (path, copies * stripped.count, copies * data.count)
}
