// Runs the compiled `logins` pack (generated at build time as `LoginsPack`)
// over three windows and checks the verdicts; traps on any surprise.
import RuleRuntime

let engine = DetectionEngine(rules: LoginsPack.ruleSet, fallback: nil)
let context = engine.makeContext()
let windows: [(lines: [String], expected: Verdict)] = [
    (Array(repeating: "sshd: Failed password for root from 10.0.0.9", count: 6), .abnormal),
    (["sshd: Accepted password for alice", "sshd: Accepted password for bob"], .normal),
    (["sshd: Failed password for alice", "cron: job started"], .undecided),
]
var failed = false
for (index, window) in windows.enumerated() {
    let detection = engine.detect(Window(id: index, texts: window.lines), in: context)
    let evidence = detection.evidence.map { String($0 + 1) }.joined(separator: ",")
    print("window \(index): \(detection.verdict.rawValue) by \(detection.rule ?? "-") evidence [\(evidence)]")
    if detection.verdict != window.expected {
        print("  expected \(window.expected.rawValue)")
        failed = true
    }
}
if failed { fatalError("the compiled pack gave unexpected verdicts") }
print("LoginMonitor: the compiled pack \(LoginsPack.ruleSet.name) \(LoginsPack.ruleSet.version) works")
