import Foundation
import Synchronization
import RuleInterpreter
import RuleLanguage
import RuleLint
import RuleRuntime
import WardenCore

/// Settings of the agent loop (CodeAD defaults where the paper gives them).
public struct SynthesisSettings: Sendable, Codable {
    public var sampling = SamplingSettings()
    /// Rollouts per epoch (r).
    public var rollouts = 2
    /// Repair attempts per rollout.
    public var repairs = 3
    /// Refinements per rollout.
    public var refinements = 2
    /// Minimum share of the remaining target windows a rule must cover before refinement stops (g_nor, g_abn).
    public var normalGeneralization = 0.05
    public var abnormalGeneralization = 0.05
    /// Stop when this share of the target class is covered (R_nor, R_abn).
    public var normalCoverageGoal = 0.98
    public var abnormalCoverageGoal = 0.98
    /// Pack capacity per kind (D_nor, D_abn).
    public var normalCapacity = 200
    public var abnormalCapacity = 200
    /// Consecutive epochs without an accepted rule before a phase stops.
    public var patience = 6
    /// Selection keeps a candidate unless its precision on the validation windows
    /// it would decide (target windows it holds on over all such windows it holds on)
    /// is below this with 95 % confidence (Wilson interval: a few validation hits
    /// cannot sink a rule, many can). Normal rules swallow anomalies when wrong, so
    /// their bound is stricter; an abnormal rule at precision 0.5 or more never lowers
    /// window F1, whatever the pack's F1 is.
    public var normalPrecision = 0.995
    public var abnormalPrecision = 0.5
    /// Training windows a normal rule must hold on (not covered before it) to be kept, per
    /// condition it joins with `and`: every condition is fitted to those windows, and a
    /// conjunction of many fitted to a few describes those windows, not the normal class.
    public var normalSupport = 3
    /// Training windows an abnormal rule must hold on (not covered before it): one window is
    /// an example, not yet a pattern. (Counted once, not per condition as for normal rules:
    /// per condition it lowered the sweep's BGL_2k in windows of 10 lines from 81.8 to 70.0.)
    public var abnormalSupport = 2
    /// The local test passes when the rule holds on the anchor, misses at most
    /// this share of the other sampled targets and holds on at most this share
    /// of the sampled opposites (labels are noisy; sequential covering picks up
    /// missed targets in later epochs).
    public var localMissedShare = 0.5
    public var localWrongShare = 0.2

    public init() {}
}

/// A rule the loop accepted.
public struct AcceptedRule: Sendable {
    public var kind: RuleKind
    public var name: String
    public var doc: [String]
    /// The rule's body: bindings and condition, as written by the proposer.
    public var body: String
    public var epoch: Int
    /// Share of the target class's training windows it covered when accepted.
    public var coverage: Double
    /// The contrastive windows it was learned from (anchor first).
    public var anchor: Window?
    public var opposite: Window?
}

/// What the loop reports as it goes.
public enum SynthesisEvent: Sendable {
    case epochStarted(kind: RuleKind, epoch: Int, remaining: Int, total: Int)
    case candidate(kind: RuleKind, rollout: Int, step: String)
    case accepted(AcceptedRule, covered: Int, total: Int)
    case rejected(kind: RuleKind, epoch: Int, reason: String)
    case phaseFinished(kind: RuleKind, rules: Int, coverage: Double)
    /// The rules learned again with the validation windows: kept or not, by the pack's validation F1.
    case relearned(kept: Bool, validationF1: (before: Double, after: Double))
    /// An abnormal rule left out after the routine templates were learned again: on the
    /// validation windows it now decides, `wrong` of its `hits` are normal.
    case droppedAfterRelearning(rule: String, wrong: Int, hits: Int)
    /// A normal rule that holds on an abnormal rule's lines: kept or left out, by the pack's
    /// F1 on the training and validation windows with and without it.
    case swallowing(rule: String, kept: Bool, f1: (with: Double, without: Double))
}

/// The CodeAD agent loop over a proposer: sample, generate, test, repair,
/// check generalisation, refine, select, remove covered windows, repeat.
/// Run it once; the rules it has accepted and the epochs it has run can be
/// read from any thread while it runs.
public final class Synthesizer: Sendable {
    public let data: TrainingData
    public let proposer: any RuleProposer
    public let settings: SynthesisSettings
    public let packName: String
    private let onEvent: @Sendable (SynthesisEvent) -> Void
    private let isInterrupted: @Sendable () -> Bool
    private let features: WindowFeatures
    private let progress: Mutex<Progress>

    private struct Progress {
        var accepted: [AcceptedRule]
        var epochsRun: Int
        var relearned = false
        var swallowingLeftOut: [String] = []
    }

    /// Whether the accepted rules were learned again with the validation windows (their
    /// validation figures are then in sample).
    public var relearnedWithValidation: Bool { progress.withLock { $0.relearned } }
    /// Normal rules left out because they hold on an abnormal rule's lines and the pack does no worse without them.
    public var swallowingLeftOut: [String] { progress.withLock { $0.swallowingLeftOut } }

    /// The rules accepted so far (with those resumed from), in order.
    public var accepted: [AcceptedRule] { progress.withLock { $0.accepted } }
    /// Epochs run so far, across both phases (a resumed run continues the count).
    public var epochsRun: Int { progress.withLock { $0.epochsRun } }

    public init(
        data: TrainingData, proposer: any RuleProposer, settings: SynthesisSettings = SynthesisSettings(), packName: String,
        resume: [AcceptedRule] = [], isInterrupted: @escaping @Sendable () -> Bool = { false },
        onEvent: @escaping @Sendable (SynthesisEvent) -> Void = { _ in }
    ) {
        self.data = data
        self.proposer = proposer
        self.settings = settings
        self.packName = packName
        progress = Mutex(Progress(accepted: resume, epochsRun: resume.map(\.epoch).max() ?? 0))
        self.isInterrupted = isInterrupted
        self.onEvent = onEvent
        features = WindowFeatures(windows: data.train.map(\.window), settings: settings.sampling)
    }

    /// Runs both phases (normal rules, then abnormal rules); `checkpoint` is
    /// called with the accepted rules after every epoch.
    public func run(checkpoint: ([AcceptedRule]) throws -> Void) async throws {
        proposer.prepare(corpus: data.train)
        for kind in [RuleKind.normal, .abnormal] {
            try await phase(kind, checkpoint: checkpoint)
            if isInterrupted() { return }
        }
        try relearn(checkpoint: checkpoint)
        try settleSwallowing(checkpoint: checkpoint)
    }

    /// A normal rule that holds on the lines an abnormal rule fires on hides that rule's failures
    /// in the windows they share. Yet the abnormal rules were learned on the windows the normal
    /// rules leave, so their lines may be normal on their own (a routine message whose number is
    /// out of range), and leaving the normal rule out would set them loose on windows they were
    /// never selected on. Each such normal rule stays only when the pack's F1 on the training and
    /// validation windows is higher with it than without it.
    private func settleSwallowing(checkpoint: ([AcceptedRule]) throws -> Void) throws {
        var rules = accepted
        let windows = data.train + data.validation
        let flagged = try PackAssembler.swallowingNormalRules(rules).sorted()
        guard !flagged.isEmpty else { return }
        var current = try f1(rules, on: windows)
        for name in flagged {
            let without = rules.filter { $0.name != name }
            let alone = try f1(without, on: windows)
            let kept = current > alone
            onEvent(.swallowing(rule: name, kept: kept, f1: (current, alone)))
            if !kept { (rules, current) = (without, alone) }
        }
        guard rules.count != accepted.count else { return }
        let left = accepted.map(\.name).filter { name in !rules.contains { $0.name == name } }
        progress.withLock { progress in
            progress.accepted = rules
            progress.swallowingLeftOut = left
        }
        try checkpoint(rules)
    }

    /// Gives the proposer the validation windows too, to learn again what its rules carry
    /// from the training windows (the builtin learner's routine templates). The validation
    /// windows then score the rules in sample, which flatters them; so the relearned rules
    /// are kept only when the pack's validation F1 does not fall (it may veto, not justify).
    private func relearn(checkpoint: ([AcceptedRule]) throws -> Void) throws {
        let learned = accepted
        let (relearned, dropped) = try reselected(proposer.relearned(learned, corpus: data.train + data.validation))
        guard relearned.map(\.body) != learned.map(\.body) else { return }
        let (before, after) = (try f1(learned, on: data.validation), try f1(relearned, on: data.validation))
        let kept = after >= before
        if kept {
            for (rule, wrong, hits) in dropped { onEvent(.droppedAfterRelearning(rule: rule, wrong: wrong, hits: hits)) }
        }
        onEvent(.relearned(kept: kept, validationF1: (before, after)))
        guard kept else { return }
        progress.withLock { progress in
            progress.accepted = relearned
            progress.relearned = true
        }
        try checkpoint(relearned)
    }

    /// `rules` without the abnormal rules that fail selection again on the validation windows
    /// they now decide (in the engine's order), and those dropped with their wrong and all hits
    /// there. Learned again with the validation lines, the routine templates call fewer
    /// validation lines unusual, and a rule behind an `unusual` one may now decide windows it
    /// never decided at selection. The figures are in sample, so they can veto a rule, not keep one.
    func reselected(_ rules: [AcceptedRule]) throws -> ([AcceptedRule], [(String, Int, Int)]) {
        let normal = RuleMatcher(try ruleSet(rules.filter { $0.kind == .normal }))
        var undecided = data.validation.filter { !normal.holds($0.window) }
        var kept: [AcceptedRule] = [], dropped: [(String, Int, Int)] = []
        for rule in rules {
            guard rule.kind == .abnormal else { kept.append(rule); continue }
            let matcher = RuleMatcher(try ruleSet([rule]))
            let decided = undecided.filter { matcher.holds($0.window) }
            let wrong = decided.count { !$0.isAbnormal }
            if Self.wilsonUpperBound(successes: decided.count - wrong, trials: decided.count) < settings.abnormalPrecision {
                dropped.append((rule.name, wrong, decided.count))
                continue
            }
            kept.append(rule)
            undecided.removeAll { matcher.holds($0.window) }
        }
        return (kept, dropped)
    }

    /// The pack's window F1 on `windows`: normal rules first, then abnormal rules; a window
    /// neither decides counts as normal.
    private func f1(_ rules: [AcceptedRule], on windows: [LabeledWindow]) throws -> Double {
        let normal = RuleMatcher(try ruleSet(rules.filter { $0.kind == .normal }))
        let abnormal = RuleMatcher(try ruleSet(rules.filter { $0.kind == .abnormal }))
        var confusion = Confusion()
        for labeled in windows {
            confusion.add(predicted: !normal.holds(labeled.window) && abnormal.holds(labeled.window), actual: labeled.isAbnormal)
        }
        return confusion.f1
    }

    // MARK: Phases and epochs

    private func phase(_ kind: RuleKind, checkpoint: ([AcceptedRule]) throws -> Void) async throws {
        let normalMatcher = RuleMatcher(try ruleSet(accepted.filter { $0.kind == .normal }))
        // Abnormal rules learn on the anomalies the normal rules leave, against every
        // normal training window: they must stay precise where a normal rule does not
        // generalise to new data.
        let targets = data.train.indices.filter {
            data.train[$0].isAbnormal == (kind == .abnormal) && (kind == .normal || !normalMatcher.holds(data.train[$0].window))
        }
        let opposites = data.train.indices.filter { data.train[$0].isAbnormal != (kind == .abnormal) }
        let capacity = kind == .normal ? settings.normalCapacity : settings.abnormalCapacity
        let goal = kind == .normal ? settings.normalCoverageGoal : settings.abnormalCoverageGoal
        let existing = try ruleSet(accepted.filter { $0.kind == kind })
        let existingMatcher = RuleMatcher(existing)
        var remaining = targets.filter { !existingMatcher.holds(data.train[$0].window) }
        // The validation windows a new rule of this kind would decide: those no rule
        // before it in the engine's order (the normal rules, then the earlier rules of
        // its kind) decides already. Selection judges a candidate on these alone.
        var undecided = data.validation.indices.filter {
            !existingMatcher.holds(data.validation[$0].window) && (kind == .normal || !normalMatcher.holds(data.validation[$0].window))
        }
        var failedAnchors = Set<Int>()
        var failures = 0
        while !remaining.isEmpty, !isInterrupted(), accepted.filter({ $0.kind == kind }).count < capacity,
              Double(targets.count - remaining.count) / Double(max(1, targets.count)) < goal, failures < settings.patience {
            let epoch = progress.withLock { progress in
                progress.epochsRun += 1
                return progress.epochsRun
            }
            onEvent(.epochStarted(kind: kind, epoch: epoch, remaining: remaining.count, total: targets.count))
            // Every rollout runs on the most diverse anchor's sample; on the most typical one's, the
            // rollout that takes the single best condition (the simplest rule, the cheapest search).
            let samples = AnchorSampling.samples(targets: remaining, opposites: opposites, features: features,
                                                 settings: settings.sampling, excludingAnchors: failedAnchors)
            guard !samples.isEmpty else { break }
            // After the highest number in use: a resumed pack may lack rules the final lint left out.
            let taken = accepted.filter { $0.kind == kind }.compactMap { Int($0.name.dropFirst(kind.rawValue.count + 1)) }
            let name = "\(kind.rawValue)_\((taken.max() ?? 0) + 1)"
            let trainingTargets = remaining.map { data.train[$0].window }, trainingOpposites = opposites.map { data.train[$0].window }
            func request(_ sample: ContrastiveSample, rollout: Int, knownAlerts: Bool = false) -> Rollout {
                Rollout(request: RuleRequest(
                    kind: kind, name: name, targets: sample.targets.map { data.train[$0].window },
                    opposites: sample.opposites.map { data.train[$0].window }, rollout: rollout, repairs: 0,
                    trainingTargets: trainingTargets, trainingOpposites: trainingOpposites,
                    trainingTargetIndices: remaining, trainingOppositeIndices: opposites, knownAlerts: knownAlerts), sample: sample)
            }
            var requests = samples.enumerated().flatMap { index, sample in
                (0..<max(1, settings.rollouts)).filter { index == 0 || $0 == 1 }.map { request(sample, rollout: $0) }
            }
            // And the simplest abnormal rule that may rest on the messages only anomalies showed.
            if kind == .abnormal, proposer.offersKnownAlerts { requests.append(request(samples[0], rollout: 1, knownAlerts: true)) }
            let candidates = try await run(requests)
            let chosen = select(candidates, kind: kind, epoch: epoch, validation: undecided)
            guard let best = chosen, let sample = best.sample else {
                for sample in samples { failedAnchors.insert(sample.anchor) }
                failures += 1
                onEvent(.rejected(kind: kind, epoch: epoch, reason: candidates.isEmpty ? "no candidate passed its local test" : "no candidate reached the validation precision bound"))
                continue
            }
            failures = 0
            let rules = try ruleSet([best.rule])
            let matcher = RuleMatcher(rules)
            let covered = Set(remaining.filter { matcher.holds(data.train[$0].window) })
            remaining.removeAll { covered.contains($0) }
            undecided.removeAll { matcher.holds(data.validation[$0].window) }
            var rule = best.rule
            rule.name = Self.unique(rule.name, among: Set(accepted.map(\.name)))
            rule.epoch = epoch
            rule.coverage = Double(covered.count) / Double(max(1, targets.count))
            rule.anchor = data.train[sample.anchor].window
            rule.opposite = sample.opposites.first.map { data.train[$0].window }
            let acceptedNow = progress.withLock { progress in
                progress.accepted.append(rule)
                return progress.accepted
            }
            onEvent(.accepted(rule, covered: targets.count - remaining.count, total: targets.count))
            try checkpoint(acceptedNow)
        }
        let coverage = Double(targets.count - remaining.count) / Double(max(1, targets.count))
        onEvent(.phaseFinished(kind: kind, rules: accepted.filter { $0.kind == kind }.count, coverage: coverage))
    }

    private struct Candidate: Sendable {
        var rule: AcceptedRule
        /// Remaining training targets it holds on.
        var coverage: Int
        /// Training windows of the opposite class it holds on (computed for the best candidates only).
        var opposites: Int? = nil
        /// The conditions its condition joins with `and` (1 when it is not a conjunction).
        var conditions = 1
        /// The contrastive windows it was learned from.
        var sample: ContrastiveSample?
        /// Whether it was asked for as a rule that may rest on known alerts.
        var knownAlerts = false
    }

    /// One rollout: generate → local test → repair → generalisation check → refine.
    ///
    /// A candidate passes its local test when it holds on the anchor and gets
    /// few enough of the other contrastive windows wrong (see the settings).
    /// When repairs run out, the best candidate that rejects every
    /// contrastive opposite and recognises the anchor is kept as a partial
    /// answer: later epochs sample the target windows it missed.
    private func rollout(_ request: RuleRequest, report: (SynthesisEvent) -> Void) async throws -> Candidate? {
        var request = request
        var feedback: Feedback?
        var best: Candidate?
        var partial: Candidate?
        var refinements = 0
        var specificDropped: [String] = []
        while request.repairs <= settings.repairs, !isInterrupted() {
            guard let text = try await proposer.propose(request, feedback: feedback) else { break }
            report(.candidate(kind: request.kind, rollout: request.rollout, step: feedback == nil ? "generate" : feedback!.step))
            let outcome = test(text, request)
            let missedAllowed = Int(settings.localMissedShare * Double(max(0, request.targets.count - 1)))
            let wrongAllowed = Int(settings.localWrongShare * Double(request.opposites.count))
            guard var rule = outcome.rule, !outcome.missedAnchor, outcome.missed.count <= missedAllowed,
                  outcome.wrong.count <= wrongAllowed else {
                if var rule = outcome.rule, outcome.wrong.isEmpty, !outcome.missedAnchor, outcome.specific.isEmpty {
                    let coverage = try coverage(of: rule, on: request.trainingTargets)
                    rule.coverage = Double(coverage) / Double(max(1, request.trainingTargets.count))
                    if partial == nil || coverage > partial!.coverage { partial = Candidate(rule: rule, coverage: coverage, conditions: outcome.conditions) }
                }
                feedback = .repair(diagnostics: outcome.diagnostics, misclassified: outcome.missed + outcome.wrong, previous: text)
                request.repairs += 1
                continue
            }
            let coverage = try coverage(of: rule, on: request.trainingTargets)
            rule.coverage = Double(coverage) / Double(max(1, request.trainingTargets.count))
            // A rule that names one id, address or path does not generalise: abstract it, or drop it.
            guard outcome.specific.isEmpty else {
                guard refinements < settings.refinements else { specificDropped = outcome.specific; break }
                refinements += 1
                feedback = .refine(coverage: rule.coverage, previous: text, specific: outcome.specific)
                continue
            }
            if best == nil || coverage > best!.coverage { best = Candidate(rule: rule, coverage: coverage, conditions: outcome.conditions) }
            let threshold = request.kind == .normal ? settings.normalGeneralization : settings.abnormalGeneralization
            guard rule.coverage < threshold, refinements < settings.refinements else { break }
            refinements += 1
            feedback = .refine(coverage: rule.coverage, previous: text)
        }
        if best == nil, partial == nil, !specificDropped.isEmpty {
            report(.rejected(kind: request.kind, epoch: epochsRun, reason: "candidate dropped: it keys on literals that name one thing: "
                + specificDropped.joined(separator: ", ")))
        }
        guard var chosen = best ?? partial else { return nil }
        chosen.opposites = try self.coverage(of: chosen.rule, on: request.trainingOpposites)
        return chosen
    }

    /// A rollout to run: its request and the contrastive sample it was made from.
    private struct Rollout: Sendable {
        var request: RuleRequest
        var sample: ContrastiveSample
    }

    /// Runs an epoch's rollouts in the order given, their candidates in that order: all at once
    /// when the proposer answers requests concurrently (they share nothing but what they read;
    /// each rollout's events are then reported when all are done, in the same order), else one
    /// after another, each event reported as it happens. Either way the candidates and events are the same.
    private func run(_ rollouts: [Rollout]) async throws -> [Candidate] {
        func finished(_ rollout: Rollout, _ candidate: Candidate?) -> Candidate? {
            var candidate = candidate
            candidate?.sample = rollout.sample
            candidate?.knownAlerts = rollout.request.knownAlerts
            return candidate
        }
        guard proposer.answersConcurrently, rollouts.count > 1 else {
            var candidates: [Candidate] = []
            for rollout in rollouts where !isInterrupted() {
                if let found = finished(rollout, try await self.rollout(rollout.request, report: onEvent)) { candidates.append(found) }
            }
            return candidates
        }
        let results = try await withThrowingTaskGroup(of: (Int, Candidate?, [SynthesisEvent]).self) { group in
            for (index, rollout) in rollouts.enumerated() {
                group.addTask {
                    var events: [SynthesisEvent] = []
                    let candidate = finished(rollout, try await self.rollout(rollout.request) { events.append($0) })
                    return (index, candidate, events)
                }
            }
            var results = [(Candidate?, [SynthesisEvent])](repeating: (nil, []), count: rollouts.count)
            for try await (index, candidate, events) in group { results[index] = (candidate, events) }
            return results
        }
        for (_, events) in results { events.forEach(onEvent) }
        return results.compactMap(\.0)
    }

    private func coverage(of rule: AcceptedRule, on windows: [Window]) throws -> Int {
        let rules = try ruleSet([rule])
        let matcher = RuleMatcher(rules)
        return windows.filter { matcher.holds($0) }.count
    }

    /// Keeps candidates whose validation precision reaches the kind's bound
    /// (a candidate that holds on no validation window keeps its training
    /// verdict); picks the one covering the most target windows. Every
    /// dropped candidate is reported with its reason.
    private func select(_ candidates: [Candidate], kind: RuleKind, epoch: Int, validation undecided: [Int]) -> Candidate? {
        let bound = kind == .normal ? settings.normalPrecision : settings.abnormalPrecision
        let survivors = candidates.filter { candidate in
            let condition = candidate.rule.body.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            // Normal rules need their support once per condition; abnormal rules once.
            let needed = kind == .normal ? settings.normalSupport * candidate.conditions : settings.abnormalSupport
            if candidate.coverage < needed {
                let rule = kind == .abnormal ? "an abnormal rule" : candidate.conditions == 1 ? "a normal rule"
                    : "a normal rule of \(candidate.conditions) conditions"
                onEvent(.rejected(kind: kind, epoch: epoch, reason: String(
                    format: "candidate `%@` dropped: it holds on %d training window%@, fewer than the %d %@ needs",
                    condition, candidate.coverage, candidate.coverage == 1 ? "" : "s", needed, rule)))
                return false
            }
            guard let rules = try? ruleSet([candidate.rule]) else { return false }
            // Precise on the training windows first: there the figures are large enough to trust as they are.
            if let opposites = candidate.opposites, candidate.coverage + opposites > 0 {
                let precision = Double(candidate.coverage) / Double(candidate.coverage + opposites)
                if precision < bound {
                    onEvent(.rejected(kind: kind, epoch: epoch, reason: String(
                        format: "candidate `%@` dropped: training precision %.3f (%d of its %d training hits are %@ windows) below %.3f",
                        condition, precision, opposites, candidate.coverage + opposites, kind == .normal ? "abnormal" : "normal", bound)))
                    return false
                }
            }
            let matcher = RuleMatcher(rules)
            var hits = 0, wrong = 0
            for index in undecided where matcher.holds(data.validation[index].window) {
                let labeled = data.validation[index]
                hits += 1
                if labeled.isAbnormal != (kind == .abnormal) { wrong += 1 }
            }
            let precision = hits == 0 ? 1 : Double(hits - wrong) / Double(hits)
            // Few validation hits say little: drop only when even the upper end of the
            // precision's one-sided 95 % Wilson interval is below the bound.
            if Self.wilsonUpperBound(successes: hits - wrong, trials: hits) < bound {
                onEvent(.rejected(kind: kind, epoch: epoch, reason: String(
                    format: "candidate `%@` (covers %d training windows) dropped: validation precision %.3f (%d of %d hits wrong), below %.3f with 95%% confidence",
                    condition, candidate.coverage, precision, wrong, hits, bound)))
                return false
            }
            return true
        }
        // Most coverage; among equals one that does not rest on known alerts (it may catch failures
        // of new kinds too), then the one that holds on fewer training windows of the other class,
        // then the shorter rule, which assumes less (then the earlier rollout).
        return survivors.enumerated().min { a, b in
            (-a.element.coverage, a.element.knownAlerts ? 1 : 0, a.element.opposites ?? 0, a.element.rule.body.count, a.offset)
                < (-b.element.coverage, b.element.knownAlerts ? 1 : 0, b.element.opposites ?? 0, b.element.rule.body.count, b.offset)
        }?.element
    }

    /// The upper end of the one-sided 95 % Wilson score interval of a proportion (1 with no trials).
    static func wilsonUpperBound(successes: Int, trials: Int) -> Double {
        guard trials > 0 else { return 1 }
        let n = Double(trials), p = Double(successes) / n, z = 1.645
        let center = p + z * z / (2 * n)
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        return min(1, (center + half) / (1 + z * z / n))
    }

    private struct TestOutcome {
        var rule: AcceptedRule?
        var diagnostics = ""
        var missed: [Window] = []
        var wrong: [Window] = []
        var missedAnchor = false
        /// The linter's overfitting findings: literals that name one thing.
        var specific: [String] = []
        /// The conditions the rule's condition joins with `and`.
        var conditions = 1
    }

    /// The lints every candidate gets: overfitting and correctness.
    static let candidateLinter = Linter(configuration: .only([.overfitting, .correctness]))

    /// Parses and checks a candidate, lints it, then runs it on the contrastive windows.
    private func test(_ text: String, _ request: RuleRequest) -> TestOutcome {
        // A candidate may come as a bare rule or as a whole pack (grammar-constrained decoding).
        let isPack = text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("pack ")
        let source = isPack ? text : "pack candidate version \"0.0.0\"\n\n" + text + "\n"
        let result = Frontend.check(SourceFile(path: "candidate.warden", text: source))
        guard let pack = result.pack else {
            return TestOutcome(diagnostics: JSONRenderer().render([result.diagnosed]))
        }
        let syntaxRules = result.syntax.items.compactMap { item -> RuleSyntax? in if case .rule(let rule) = item { rule } else { nil } }
        guard pack.rules.count == 1, let syntax = syntaxRules.first else {
            return TestOutcome(diagnostics: Self.message("write exactly one rule (found \(pack.rules.count))"))
        }
        guard pack.rules[0].kind == request.kind else {
            return TestOutcome(diagnostics: Self.message("the rule must be a `\(request.kind.rawValue) rule`"))
        }
        let name = proposer.namesRules ? pack.rules[0].name : request.name
        let rule = AcceptedRule(kind: request.kind, name: name, doc: syntax.doc,
                                body: Self.body(of: syntax, in: result.file), epoch: 0, coverage: 0)
        guard let rules = try? ruleSet([rule]) else {
            return TestOutcome(diagnostics: Self.message("the rule does not check after renaming it to \(name)"))
        }
        // The linter's overfitting findings send the candidate back to be abstracted (refine);
        // its correctness findings (a constant condition, say) send it back like checker errors (repair).
        let lint = Self.candidateLinter.lint(result.file).findings
        let correctness = lint.filter { Linter.descriptor(named: $0.diagnostic.code.rawValue)?.category == .correctness }
        guard correctness.isEmpty else {
            return TestOutcome(diagnostics: JSONRenderer().render([DiagnosedFile(file: result.file, diagnostics: correctness.map(\.diagnostic))]))
        }
        var outcome = TestOutcome(rule: rule)
        outcome.conditions = syntax.condition.map(Self.conjuncts) ?? 1
        outcome.specific = lint.filter { Linter.descriptor(named: $0.diagnostic.code.rawValue)?.category == .overfitting }.map(\.diagnostic.message)
        let matcher = RuleMatcher(rules)
        outcome.missed = request.targets.filter { !matcher.holds($0) }
        outcome.wrong = request.opposites.filter { matcher.holds($0, countInconclusive: true) }
        outcome.missedAnchor = request.targets.first.map { !matcher.holds($0) } ?? true
        return outcome
    }

    /// `name`, or `name_2`, `name_3` … when rules of the pack have it already.
    static func unique(_ name: String, among taken: Set<String>) -> String {
        guard taken.contains(name) else { return name }
        return (2...).lazy.map { "\(name)_\($0)" }.first { !taken.contains($0) }!
    }

    /// A problem with a candidate that is not a checker diagnostic, as JSON of the checker's shape (an array of records).
    static func message(_ text: String) -> String {
        struct Problem: Encodable {
            let severity = "error"
            let message: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode([Problem(message: text)])) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// How many conditions an expression joins with `and` at its top level.
    static func conjuncts(_ expression: ExpressionSyntax) -> Int {
        guard case .binary(.and, let left, let right) = expression.kind else { return 1 }
        return conjuncts(left) + conjuncts(right)
    }

    /// The source between a rule's braces.
    static func body(of rule: RuleSyntax, in file: SourceFile) -> String {
        let bytes = file.bytes[rule.range.start..<rule.range.end]
        guard let open = bytes.firstIndex(of: UInt8(ascii: "{")), let close = bytes.lastIndex(of: UInt8(ascii: "}")), open < close else { return "" }
        return String(decoding: file.bytes[(open + 1)..<close], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Running rules

    /// A rule set of accepted rules, checked as a pack.
    func ruleSet(_ rules: [AcceptedRule]) throws -> RuleSet {
        let text = PackAssembler.packText(name: "candidate", rules: rules, provenance: nil, tests: [])
        return Interpreter.ruleSet(for: try PackAssembler.check(SourceFile(path: "candidate.warden", text: text)))
    }
}

/// Runs one rule set over many windows with one evaluation context. It tests lines with
/// PCRE2 one by one at first; once it has run enough tests to pay for compiling the
/// prefilter (Vectorscan, token templates), it scans each window once for every test
/// instead (the same answers, several times faster on large corpora, and a cost per line
/// that hardly grows with the tests: a routine list of thousands of templates).
final class RuleMatcher {
    let rules: RuleSet
    private var context: EvaluationContext
    private var linesBeforePrefilter: Int

    /// The lines `rules` are tested on one by one before the prefilter pays for itself.
    static func linesBeforePrefilter(_ rules: RuleSet) -> Int { Prefilter.testRunsToPayForCompiling / max(1, rules.lineTests.count) }

    init(_ rules: RuleSet) {
        self.rules = rules
        context = EvaluationContext(lineTests: rules.lineTests)
        linesBeforePrefilter = Self.linesBeforePrefilter(rules)
    }

    /// A context to run `rules` over windows of `lines` lines in all: prefiltered when they are
    /// enough to pay for compiling the prefilter. Uncached: the learner's rule sets are many and short-lived.
    static func context(for rules: RuleSet, lines: Int) -> EvaluationContext {
        lines < linesBeforePrefilter(rules) ? EvaluationContext(lineTests: rules.lineTests) : prefiltered(rules)
    }

    private static func prefiltered(_ rules: RuleSet) -> EvaluationContext {
        EvaluationContext(lineTests: rules.lineTests, prefilter: Prefilter(lineTests: rules.lineTests, cache: nil))
    }

    /// Whether any rule holds on `window` (inconclusive counts as holding when asked).
    func holds(_ window: Window, countInconclusive: Bool = false) -> Bool {
        if linesBeforePrefilter > 0 {
            linesBeforePrefilter -= window.count
            if linesBeforePrefilter <= 0 { context = Self.prefiltered(rules) }
        }
        context.reset(to: window)
        for rule in rules.rules {
            do { if try rule.holds(in: context) { return true } } catch { if countInconclusive { return true } }
        }
        return false
    }
}

extension Feedback {
    var step: String {
        switch self {
        case .repair: "repair"
        case .refine: "refine"
        }
    }
}

/// Synthesis cannot go on.
public enum SynthesisError: Error, CustomStringConvertible {
    case invalidRules(String)
    case noTrainingData(String)

    public var description: String {
        switch self {
        case .invalidRules(let diagnostics): "accepted rules no longer check:\n\(diagnostics)"
        case .noTrainingData(let reason): reason
        }
    }
}
