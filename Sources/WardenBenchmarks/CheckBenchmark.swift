import ArgumentParser
import Foundation
import RuleCodegen
import RuleLanguage

/// Measures how long the front end takes to check a pack of generated rules.
struct CheckBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Time to parse and check a generated pack of N rules (target: 200 rules in under 200 ms)."
    )

    @Option(help: "Number of rules in the generated pack.")
    var rules: Int = 200

    @Option(help: "Number of timed runs.")
    var runs: Int = 20

    func run() {
        let text = Self.pack(rules: rules)
        let file = SourceFile(path: "generated.warden", text: text)
        let clock = ContinuousClock()
        var times: [Double] = []
        var diagnostics = 0
        for _ in 0..<runs {
            let start = clock.now
            let result = Frontend.check(file)
            let elapsed = clock.now - start
            diagnostics = result.diagnostics.count
            times.append(elapsed.seconds * 1000)
        }
        times.sort()
        print("checked \(rules) rules (\(text.utf8.count) bytes), \(diagnostics) diagnostics")
        print(String(format: "median %.1f ms, min %.1f ms, max %.1f ms over %d runs", times[times.count / 2], times[0], times[times.count - 1], runs))
    }

    /// A pack mixing the language's rule shapes, each rule with its own regexes.
    static func pack(rules: Int) -> String {
        var text = "pack generated version \"1.0.0\"\n"
        for index in 0..<rules {
            let body: String
            switch index % 5 {
            case 0: body = "any line in window: line matches /component\(index) (error|failure) code=\\d+/ and not (line contains \"retry\")"
            case 1: body = "let n = count line in window where line matches /E\(index)[0-9a-f]{4}/i\n    n > \(index % 7 + 1)"
            case 2: body = "let t = numbers(window, /took (?<ms>\\d+(?:\\.\\d+)?)ms id\(index)/, group: \"ms\")\n    percentile(t, 95) > 500 or mean(t) > 200.0"
            case 3: body = "sequence(window, /start \(index)/, /warn \(index)/, /stop \(index)/)"
            default: body = "let open = unpaired(window, /job(\\d+) begin \(index)/, /job(\\d+) end \(index)/)\n    count(open) > 0 and count(window) >= 20"
            }
            text += "\n/// Generated rule \(index).\n@severity(high)\nabnormal rule r\(index) {\n    \(body)\n}\n"
        }
        return text
    }
}

/// Measures check plus Swift generation for a pack of many rules (the
/// translator was once quadratic in them: 20,000 rules took 36 s).
struct CompileBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Time to check a generated pack of N rules and generate its Swift, against checking alone."
    )

    @Option(help: "Number of rules in the generated pack (each tests its own literal).")
    var rules: Int = 20_000

    @Option(help: "Number of timed runs (the median is reported).")
    var runs: Int = 3

    func run() throws {
        let text = Self.pack(rules: rules)
        let file = SourceFile(path: "generated.warden", text: text)
        let clock = ContinuousClock()
        var checking: [Duration] = [], compiling: [Duration] = []
        var bytes = 0
        for _ in 0..<runs {
            let start = clock.now
            let pack = try Frontend.pack(file)
            let checked = clock.now
            bytes = CodeGenerator.swiftSource(for: pack, sourcePath: file.path).utf8.count
            compiling.append(clock.now - start)
            checking.append(checked - start)
        }
        let check = checking.sorted()[runs / 2], compile = compiling.sorted()[runs / 2]
        print("\(rules) rules (\(text.utf8.count) bytes of pack, \(bytes) bytes of Swift)")
        print("check \(check.formatted(.units(allowed: [.seconds, .milliseconds]))), check + generate \(compile.formatted(.units(allowed: [.seconds, .milliseconds]))) (median of \(runs)); \(String(format: "%.0f", Double(rules) / compile.seconds)) rules/s")
    }

    /// `N` abnormal rules, each testing one literal of its own.
    static func pack(rules: Int) -> String {
        var text = "pack generated version \"1.0.0\"\n"
        for index in 0..<rules { text += "\nabnormal rule r\(index) {\n    any line in window: line contains \"error \(index)\"\n}\n" }
        return text
    }
}
