/// Thresholds certification applies before any expert is trained.
public struct CertificationSettings: Sendable, Hashable, Codable {
    /// Labeled (K-shot) messages each domain needs.
    public var minimumExamples = 5
    /// Most domains repairs leave: past it the smallest merge too. An operator reads a few dozen
    /// failure domains, not thousands, and the router's cost per message grows with their number.
    public var maximumDomains = 64
    /// Share of a domain's labeled messages that must agree with their template's majority label.
    public var minimumConsistency = 0.9
    /// Accuracy a domain's expert must reach on templates it did not train on.
    public var minimumTransfer = 0.6

    public init() {}
}

/// One check and its outcome.
public struct CertificationCheck: Sendable, Hashable, Codable {
    public var name: String
    public var passed: Bool
    public var detail: String
    /// The domains that failed it (for checks made per domain).
    public var domains: [String] = []
}

/// The readable outcome of certifying a partition.
public struct CertificationReport: Sendable, Hashable, Codable {
    public var checks: [CertificationCheck] = []
    /// What a repair changed, in order.
    public var repairs: [String] = []

    public var passed: Bool { checks.allSatisfy(\.passed) }
    public var failures: [String] { checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" } }

    /// Repairs the text lists one by one; past them it says how many more there were.
    static let repairsShown = 20

    /// The report as text, one line per check.
    public var text: String {
        var lines = repairs.prefix(Self.repairsShown).map { "repaired: " + $0 }
        if repairs.count > Self.repairsShown { lines.append("repaired: \(repairs.count - Self.repairsShown) more, of the same kinds") }
        lines += checks.map { "\($0.passed ? "pass" : "FAIL") \($0.name): \($0.detail)" }
        return lines.joined(separator: "\n")
    }
}

/// Checks a partition against the K-shot sample: every template in exactly
/// one domain, no empty domain, enough labeled messages per domain, labels
/// consistent within domains, and experts that transfer to held-out templates.
public enum Certification {
    public static func certify(
        _ partition: DomainPartition, summaries: [TemplateSummary], examples: [(template: Int, features: SparseVector, abnormal: Bool)],
        dimension: Int, settings: CertificationSettings, training: TrainingSettings
    ) -> CertificationReport {
        var report = CertificationReport()
        let known = Set(summaries.map(\.id))
        var seen: [Int: [String]] = [:]
        for domain in partition.domains { for template in domain.templates { seen[template, default: []].append(domain.name) } }
        let missing = known.subtracting(seen.keys).sorted()
        let twice = seen.filter { $0.value.count > 1 }.keys.sorted()
        let unknown = Set(seen.keys).subtracting(known).sorted()
        var coverage: [String] = []
        if !missing.isEmpty { coverage.append("templates in no domain: \(list(missing))") }
        if !twice.isEmpty { coverage.append("templates in more than one domain: \(list(twice))") }
        if !unknown.isEmpty { coverage.append("ids that are no template: \(list(unknown))") }
        report.checks.append(CertificationCheck(name: "every template in exactly one domain", passed: coverage.isEmpty,
                                                detail: coverage.isEmpty ? "\(known.count) templates, \(partition.domains.count) domains" : coverage.joined(separator: "; ")))
        let names = partition.domains.map(\.name)
        let duplicateNames = Dictionary(names.map { ($0, 1) }, uniquingKeysWith: +).filter { $0.value > 1 }.keys.sorted()
        report.checks.append(CertificationCheck(name: "domain names unique", passed: duplicateNames.isEmpty,
                                                detail: duplicateNames.isEmpty ? "\(names.count) names" : "repeated: \(duplicateNames.joined(separator: ", "))"))
        let empty = partition.domains.filter { $0.templates.isEmpty }.map(\.name)
        report.checks.append(CertificationCheck(name: "no empty domain", passed: empty.isEmpty,
                                                detail: empty.isEmpty ? "every domain has templates" : "empty: \(empty.joined(separator: ", "))",
                                                domains: empty))

        let domainOf = partition.domainOfTemplate
        var perDomain = [[(template: Int, features: SparseVector, abnormal: Bool)]](repeating: [], count: partition.domains.count)
        for example in examples { if let domain = domainOf[example.template] { perDomain[domain].append(example) } }
        let small = partition.domains.indices.filter { perDomain[$0].count < settings.minimumExamples && !partition.domains[$0].templates.isEmpty }
        report.checks.append(CertificationCheck(
            name: "at least \(settings.minimumExamples) labeled messages per domain", passed: small.isEmpty,
            detail: small.isEmpty ? "smallest has \(perDomain.map(\.count).min() ?? 0)"
                : small.map { "\(partition.domains[$0].name) has \(perDomain[$0].count)" }.joined(separator: ", "),
            domains: small.map { partition.domains[$0].name }))

        // Label consistency: labels agreeing with the majority label of their template.
        var inconsistent: [String] = [], inconsistentDomains: [String] = []
        for (index, members) in perDomain.enumerated() where !members.isEmpty {
            var byTemplate: [Int: (Int, Int)] = [:]
            for member in members { byTemplate[member.template, default: (0, 0)].0 += member.abnormal ? 1 : 0; byTemplate[member.template, default: (0, 0)].1 += 1 }
            let agreeing = byTemplate.values.reduce(0) { $0 + max($1.0, $1.1 - $1.0) }
            let share = Double(agreeing) / Double(members.count)
            if share < settings.minimumConsistency {
                inconsistent.append("\(partition.domains[index].name) \(percent(share))")
                inconsistentDomains.append(partition.domains[index].name)
            }
        }
        report.checks.append(CertificationCheck(
            name: "labels consistent within domains (≥ \(percent(settings.minimumConsistency)))", passed: inconsistent.isEmpty,
            detail: inconsistent.isEmpty ? "every domain" : inconsistent.joined(separator: ", "), domains: inconsistentDomains))

        // Transfer: hold out every third template of a domain, train on the rest, score the held-out ones.
        var transfers: [String] = [], failedTransfers: [String] = [], failedDomains: [String] = []
        for (index, members) in perDomain.enumerated() {
            let templates = Set(members.map(\.template)).sorted()
            guard templates.count >= 3 else { continue }
            let heldOut = Set(templates.enumerated().filter { $0.offset % 3 == 2 }.map(\.element))
            let train = members.filter { !heldOut.contains($0.template) }
            let test = members.filter { heldOut.contains($0.template) }
            guard Set(train.map(\.abnormal)).count == 2, !test.isEmpty else { continue }
            let expert = LogisticModel.train(train.map { ($0.features, $0.abnormal) }, dimension: dimension, settings: training)
            let correct = test.filter { (expert.score($0.features) >= 0.5) == $0.abnormal }.count
            let accuracy = Double(correct) / Double(test.count)
            let entry = "\(partition.domains[index].name) \(percent(accuracy)) on \(heldOut.count) held-out templates"
            transfers.append(entry)
            if accuracy < settings.minimumTransfer {
                failedTransfers.append(entry)
                failedDomains.append(partition.domains[index].name)
            }
        }
        report.checks.append(CertificationCheck(
            name: "experts transfer to held-out templates (≥ \(percent(settings.minimumTransfer)))", passed: failedTransfers.isEmpty,
            detail: failedTransfers.isEmpty
                ? (transfers.isEmpty ? "no domain has 3 templates and both labels to test" : transfers.joined(separator: "; "))
                : failedTransfers.joined(separator: "; "),
            domains: failedDomains))
        return report
    }

    private static func list(_ ids: [Int]) -> String {
        ids.prefix(10).map { "T\($0)" }.joined(separator: ", ") + (ids.count > 10 ? ", … (\(ids.count))" : "")
    }

    static func percent(_ value: Double) -> String {
        let tenths = (value * 1000).rounded() / 10
        return "\(tenths)%"
    }
}
