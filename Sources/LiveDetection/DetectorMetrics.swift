import Metrics
import Synchronization
import WardenCore

/// The detector's metrics through swift-metrics (exported by whatever backend the
/// program bootstraps; `warden run` serves them in Prometheus format).
final class DetectorMetrics: Sendable {
    let lines = Counter(label: "warden_lines_total")
    let windows = Counter(label: "warden_windows_total")
    let inconclusive = Counter(label: "warden_inconclusive_windows_total")
    let reloads = Counter(label: "warden_bundle_reloads_total", dimensions: [("result", "success")])
    let reloadFailures = Counter(label: "warden_bundle_reloads_total", dimensions: [("result", "failure")])
    let pollFailures = Counter(label: "warden_bundle_poll_failures_total")
    let revision = Gauge(label: "warden_bundle_revision")
    private let verdicts: [Verdict: Counter] = Dictionary(uniqueKeysWithValues: Verdict.allCases.map {
        ($0, Counter(label: "warden_verdicts_total", dimensions: [("verdict", $0.rawValue)]))
    })
    private let ruleHits = Mutex<[String: Counter]>([:])

    func verdict(_ verdict: Verdict) -> Counter { verdicts[verdict]! }

    func hits(_ rule: String) -> Counter {
        ruleHits.withLock { counters in
            if let counter = counters[rule] { return counter }
            let counter = Counter(label: "warden_rule_hits_total", dimensions: [("rule", rule)])
            counters[rule] = counter
            return counter
        }
    }
}
