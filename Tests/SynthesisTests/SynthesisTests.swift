import Foundation
import PCRE2
import RuleInterpreter
import RuleLanguage
import RuleLint
import RuleRuntime
import Synchronization
@testable import Synthesis
import Testing
import WardenCore

/// Small labeled data: routine windows of service chatter; abnormal windows
/// with a disk failure on varying devices.
func syntheticData(seed: UInt64 = 1) -> TrainingData {
    var random = SeededGenerator(seed: seed)
    func routine() -> [String] {
        (0..<6).map { _ in ["service heartbeat ok", "request served in \(random.next() % 90)ms", "cache hit ratio 0.\(random.next() % 9)",
                            "disk sda health ok"][Int(random.next() % 4)] }
    }
    func abnormal() -> [String] {
        var lines = routine()
        lines[Int(random.next() % 6)] = "kernel: disk failure on sd\(["a", "b", "c"][Int(random.next() % 3)]) sector \(random.next() % 9000)"
        return lines
    }
    func windows(_ count: Int) -> [LabeledWindow] {
        (0..<count).map { index in
            let isAbnormal = index % 4 == 0
            return LabeledWindow(window: Window(id: index, texts: isAbnormal ? abnormal() : routine()), isAbnormal: isAbnormal)
        }
    }
    return TrainingData(train: windows(40), validation: windows(12), test: windows(20))
}


@Suite("Sampling")
struct SamplingTests {
    @Test("Features, clusters and anchors are deterministic; the anchor is from the largest cluster")
    func deterministic() {
        let data = syntheticData()
        let windows = data.train.map(\.window)
        let features = WindowFeatures(windows: windows, settings: SamplingSettings())
        #expect(features.windowSize == 3)
        let targets = data.train.indices.filter { data.train[$0].isAbnormal }
        let opposites = data.train.indices.filter { !data.train[$0].isAbnormal }
        let clusters = Clustering.clusters(targets, features: features, iterations: 4)
        #expect(clusters.flatMap { $0 }.sorted() == targets)
        #expect(clusters == Clustering.clusters(targets, features: features, iterations: 4))
        let sample = AnchorSampling.samples(targets: targets, opposites: opposites, features: WindowFeatures(windows: windows, settings: SamplingSettings()),
                                            settings: SamplingSettings(), excludingAnchors: []).first
        let again = AnchorSampling.samples(targets: targets, opposites: opposites, features: features, settings: SamplingSettings(), excludingAnchors: []).first
        #expect(sample?.anchor == again?.anchor && sample?.targets == again?.targets && sample?.opposites == again?.opposites)
        #expect(clusters[0].contains(sample!.anchor))
        #expect(sample!.targets.allSatisfy { data.train[$0].isAbnormal })
        #expect(sample!.opposites.count == 5 && sample!.opposites.allSatisfy { !data.train[$0].isAbnormal })
    }

    @Test("A line's tokens are the runs of bytes between spaces and tabs, as the text splits into them")
    func tokens() {
        func split(_ text: String) -> [String] {
            var tokens: [String] = []
            Array(text.utf8).withUnsafeBufferPointer { bytes in Tokens.forEach(in: bytes) { tokens.append($0) } }
            return tokens
        }
        #expect(split("  INFO\tdfs.DataNode  Receiving block blk_1 ") == ["INFO", "dfs.DataNode", "Receiving", "block", "blk_1"])
        #expect(split("") == [] && split(" \t ") == [])
        for text in ["naïve café über 東京 ok", "a\tb c", "x"] {
            #expect(split(text) == text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
        }
    }

    @Test("Besides the most diverse anchor, the most typical member of its cluster anchors a second sample")
    func typicalAnchor() {
        // One cluster: windows of the same three lines, and one that also logs many other words
        // (the most diverse, and the least like the rest).
        let common = ["disk failure on sda", "retrying disk sda", "disk sda offline"]
        var windows = (0..<6).map { Window(id: $0, texts: common) }
        windows.append(Window(id: 6, texts: common + ["disk sda vendor acme model x9 firmware rev", "disk sda cache flushed by controller"]))
        windows += (7..<12).map { Window(id: $0, texts: ["service heartbeat ok", "request served", "cache hit"]) }
        let features = WindowFeatures(windows: windows, settings: SamplingSettings())
        let samples = AnchorSampling.samples(targets: Array(0..<7), opposites: Array(7..<12), features: features,
                                             settings: SamplingSettings(), excludingAnchors: [])
        #expect(samples.count == 2)
        #expect(samples.first?.anchor == 6, "the most diverse window anchors the first sample")
        #expect(samples.last.map { (0..<6).contains($0.anchor) } == true, "a typical window anchors the second")
        // Where the most diverse window is also the most typical, there is one sample.
        let alike = AnchorSampling.samples(targets: Array(0..<6), opposites: Array(7..<12), features: features,
                                           settings: SamplingSettings(), excludingAnchors: [])
        #expect(alike.count == 1)
    }

    @Test("Line abstraction: variables for tokens with digits; template regexes abstract ids, paths and key=value")
    func templates() throws {
        let pieces = LineTemplates.pieces("kernel: disk failure on sdb sector 812 (code=0x1f)")
        #expect(pieces == ["kernel:", "disk", "failure", "on", "sdb", "sector", nil, nil])
        let rendered = try #require(LineVocabulary.templateRegex(["kernel:", "disk", "failure", "<*>", "(code=0x1f)", "chdir(/home/draeger/x)"]))
        #expect(rendered.regex == #"kernel\: disk failure \S+ \(code\=\S* chdir\(\S*$"#)
        #expect(rendered.name == "kernel_disk_failure")
        #expect(LineVocabulary.templateRegex(["<*>", "<*>", "ok"]) == nil)
        #expect(LineVocabulary.phrases(["kernel:", "disk", "failure", "<*>"]) == ["kernel disk", "disk failure"])
        #expect(LineVocabulary.identifier("count") == "count_lines" && LineVocabulary.identifier("9 lives") == "m_9_lives")
    }
}

@Suite("Line vocabulary")
struct LineVocabularyTests {
    @Test("Templates, phrases and levels are counted per window; lines at a level that follow no routine template too")
    func counts() throws {
        let vocabulary = LineVocabulary(layout: LineLayout(levelField: 1))
        let normal = Window(texts: ["a1 INFO disk sda0 healthy today", "a2 FATAL fan speed low again"])
        let abnormal = Window(texts: ["a3 INFO disk sdb1 healthy today", "a4 FATAL disk failure on sdc"])
        vocabulary.prepare([LabeledWindow(window: normal, isAbnormal: false), LabeledWindow(window: normal, isAbnormal: false),
                            LabeledWindow(window: abnormal, isAbnormal: true)])
        let names = vocabulary.features.map(\.name)
        let unusualFatal = try #require(names.firstIndex(of: "unusual_level_fatal"))
        let fatal = try #require(names.firstIndex(of: "level_fatal"))
        #expect(vocabulary.corpus[2].count(unusualFatal) == 1 && vocabulary.corpus[0].count(unusualFatal) == 0)
        #expect(vocabulary.corpus[0].count(fatal) == 1)
        // A new window: the fan message is routine, a new FATAL message is not.
        let fresh = vocabulary.counts(of: Window(texts: ["b1 FATAL fan speed low again", "b2 FATAL power supply lost"]))
        #expect(fresh.count(fatal) == 2 && fresh.count(unusualFatal) == 1 && fresh.unroutine == 1)
    }

    @Test("Where the input labels lines, a normal line in an abnormal window makes its template routine")
    func routineFromLineLabels() throws {
        // The register dump is only ever logged next to a failure, on lines labeled normal.
        let quiet = Window(texts: ["a1 INFO disk sda0 healthy today", "a2 INFO fan speed fine again"])
        let failing = Window(texts: ["a3 FATAL register dump r1 follows", "a4 FATAL disk failure on sdc"])
        func prepared(normalLines: [Bool]) throws -> (vocabulary: LineVocabulary, unusualFatal: Int) {
            let vocabulary = LineVocabulary(layout: LineLayout(levelField: 1))
            vocabulary.prepare([LabeledWindow(window: quiet, isAbnormal: false), LabeledWindow(window: quiet, isAbnormal: false),
                                LabeledWindow(window: failing, isAbnormal: true, normalLines: normalLines),
                                LabeledWindow(window: failing, isAbnormal: true, normalLines: normalLines)])
            return (vocabulary, try #require(vocabulary.features.map(\.name).firstIndex(of: "unusual_level_fatal")))
        }
        let dump = Window(texts: ["b1 FATAL register dump r7 follows"])
        // Window labels alone: the dump never occurs in a normal window, so it is unusual.
        let windowLabels = try prepared(normalLines: [])
        #expect(windowLabels.vocabulary.counts(of: dump).count(windowLabels.unusualFatal) == 1)
        #expect(windowLabels.vocabulary.corpus[2].count(windowLabels.unusualFatal) == 2)
        // Line labels: the dump is routine; the failure is not. Each training window still needs
        // the dump from another window (leave one out), which the second failing window gives.
        let lineLabels = try prepared(normalLines: [true, false])
        #expect(lineLabels.vocabulary.counts(of: dump).count(lineLabels.unusualFatal) == 0)
        #expect(lineLabels.vocabulary.corpus[2].count(lineLabels.unusualFatal) == 1)
    }

    @Test("Routine templates that share their first words make a family: a new ending of the message is routine, unless an anomaly shares them")
    func routineFamilies() throws {
        let quiet = Window(texts: ["a1 INFO disk sda0 healthy today", "a2 INFO fan speed fine again"])
        let loads = [Window(texts: ["a3 FATAL loader could not open program image /p/x1: No such file or directory"]),
                     Window(texts: ["a4 FATAL loader could not open program image /p/x2: Exec format error"])]
        let failure = Window(texts: ["a5 FATAL loader could not open program image /p/x3: node card is down"])
        func prepared(withFailure: Bool) throws -> (vocabulary: LineVocabulary, unusualFatal: Int) {
            let vocabulary = LineVocabulary(layout: LineLayout(levelField: 1))
            var windows = [quiet, quiet, loads[0], loads[0], loads[1], loads[1]].map { LabeledWindow(window: $0, isAbnormal: false) }
            if withFailure { windows.append(LabeledWindow(window: failure, isAbnormal: true)) }
            vocabulary.prepare(windows)
            return (vocabulary, try #require(vocabulary.features.map(\.name).firstIndex(of: "unusual_level_fatal")))
        }
        let newEnding = Window(texts: ["b1 FATAL loader could not open program image /q/y: Permission denied"])
        let family = #"FATAL loader could not open program image \S+(?:\s|$)"#
        let learned = try prepared(withFailure: false)
        #expect(learned.vocabulary.counts(of: newEnding).count(learned.unusualFatal) == 0)
        // The family stands for its templates in the routine list.
        let regexes = learned.vocabulary.routineRegexes()
        #expect(regexes.contains(family) && !regexes.contains { $0.hasPrefix("FATAL loader") && $0 != family })
        // A line of an anomaly that starts the same way keeps the family out, and new endings unusual.
        let guarded = try prepared(withFailure: true)
        #expect(guarded.vocabulary.counts(of: newEnding).count(guarded.unusualFatal) == 1)
        #expect(!guarded.vocabulary.routineRegexes().contains(family))
        // Prefixes: at least half of both templates' parts and four literal tokens.
        let parts = [["loader", "could", "not", "open", #"\S+"#, "No", "such"], ["loader", "could", "not", "open", #"\S+"#, "Exec"],
                     ["job", "done", "in", #"\S+"#], ["job", "done", "at", #"\S+"#]]
        #expect(LineVocabulary.familyPrefixes(parts) == [["loader", "could", "not", "open", #"\S+"#]])
        #expect(LineVocabulary.familyPrefixes([["a", "b", "c", "d", "e", "f", "g", "h", "i"], ["a", "b", "c", "d", "x", "y", "z", "w", "v"]]).isEmpty)
    }

    @Test("Thunderbird lines: the program is the component, whatever its process id; there is no level field")
    func thunderbirdLayout() throws {
        let layout = LineLayout(format: .thunderbird)
        #expect(layout.levelField == nil && layout.componentField == 7)
        let header = "1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228"
        let window = Window(texts: ["\(header) crond(pam_unix)[2915]: session closed for user root",
                                    "\(header) crond(pam_unix)[3001]: session opened for user root",
                                    "\(header) kernel: ib_mad_dispatch: timeout on port 2",
                                    "\(header) /apps/x86_64/ganglia-3.0.1/sbin/gmetad[1682]: data_thread() got no answer"])
        let vocabulary = LineVocabulary(layout: layout)
        vocabulary.prepare([LabeledWindow(window: window, isAbnormal: false), LabeledWindow(window: window, isAbnormal: true)])
        let components = vocabulary.features.filter { $0.kind == .component }
        #expect(components.map(\.name) == ["component_crond_pam_unix", "component_kernel"])
        #expect(components.first?.regex == #"^(?:\S+\s+){7}crond\(pam_unix\)(?:\[\d+\])?\:\s"#)
        #expect(components.last?.regex == #"^(?:\S+\s+){7}kernel\:\s"#)
        #expect(!vocabulary.features.contains { $0.kind == .level })
        let crond = try #require(vocabulary.features.firstIndex { $0.name == "component_crond_pam_unix" })
        #expect(vocabulary.corpus[0].count(crond) == 2)
        // Drain mines the messages, after the program.
        #expect(vocabulary.features.contains { $0.kind == .template && $0.regex.hasPrefix("session") })
        #expect(LineVocabulary.withoutProcessID("sshd[12]:") == ("sshd:", true) && LineVocabulary.withoutProcessID("crond[7]") == ("crond", true))
        #expect(LineVocabulary.withoutProcessID("KERNEL") == ("KERNEL", false) && LineVocabulary.withoutProcessID("[12]:") == ("[12]:", false)
                && LineVocabulary.withoutProcessID("x[a1]:") == ("x[a1]:", false))
    }

    @Test("A level field is found where a format names none: a level word, bracketed or not, in one field of nearly every line")
    func detectedLevelField() throws {
        let levels = ["INFO", "[WARN]", "ERROR:", "info", "<Fatal>"]
        let lines = (0..<100).map { "2024-03-01 10:00:\($0 % 60) \(levels[$0 % levels.count]) svc\($0 % 3): request \($0) done" }
        let windows = stride(from: 0, to: 100, by: 10).map { Window(texts: Array(lines[$0..<($0 + 10)])) }
        let found = try #require(LineLayout.detectedLevelField(in: windows))
        #expect(found.field == 2 && found.share == 1)
        // Continuation lines (a stack trace) leave it the level field while levels are on most lines, not on half.
        func interleaved(_ continuations: Int) -> [Window] {
            windows.map { window in Window(texts: (0..<window.count).map { $0 < continuations ? "    at svc.Handler.run(Handler.java:42)" : window.text($0) }) }
        }
        #expect(LineLayout.detectedLevelField(in: interleaved(4))?.field == 2 && LineLayout.detectedLevelField(in: interleaved(4))?.share == 0.6)
        #expect(LineLayout.detectedLevelField(in: interleaved(5)) == nil)
        // Blank lines count as lines without a level. Nor is a last field with nothing after it a level field.
        #expect(LineLayout.detectedLevelField(in: [Window(texts: ["", "   ", "x INFO y", "x WARN y", "x ERROR y"])])?.field == 1)
        #expect(LineLayout.detectedLevelField(in: [Window(texts: ["request done INFO", "request done WARN"])]) == nil)
        // A layout takes it, and Drain mines what follows it (the message, not the header).
        var layout = LineLayout()
        #expect(layout.findLevelField(in: windows)?.field == 2 && layout.levelField == 2 && layout.contentField == 3)
        let content = Array("2024-03-01 10:00:01 [WARN] svc1: request 1 done".utf8).withUnsafeBytes { String(decoding: layout.content($0), as: UTF8.self) }
        #expect(content == "svc1: request 1 done")
        var named = LineLayout(format: .hdfs)
        #expect(named.findLevelField(in: windows) == nil && named.levelField == 3 && named.contentField == nil)
        // The learner then counts lines at each level, and new messages at one.
        let vocabulary = LineVocabulary(layout: layout)
        vocabulary.prepare(windows.map { LabeledWindow(window: $0, isAbnormal: false) })
        #expect(vocabulary.features.contains { $0.name == "unusual_level_error" })
    }

    @Test("A session's span is a feature; a count window's is not (it measures how fast the log was written)")
    func spanOfSessionsOnly() {
        func window(key: String?) -> Window {
            var window = Window(key: key)
            for (offset, seconds) in [0, 90, 3_600].enumerated() {
                window.append(Array("line \(offset)".utf8), number: offset + 1, timestamp: Int64(seconds) * 1_000)
            }
            return window
        }
        #expect(LineVocabulary.span(of: window(key: "blk_1")) == 3_600)
        #expect(LineVocabulary.span(of: window(key: nil)) == 0)
    }
}

@Suite("Numbers")
struct NumberFeatureTests {
    /// Routine requests take 50–350 ms; slow windows hold one that takes seconds.
    func latencyData(seed: UInt64) -> TrainingData {
        var random = SeededGenerator(seed: seed)
        func windows(_ count: Int) -> [LabeledWindow] {
            (0..<count).map { index in
                let slow = index % 5 == 0
                var lines = (0..<6).map { _ in "api request served in \(50 + random.next() % 300) ms" }
                if slow { lines[Int(random.next() % 6)] = "api request served in \(4000 + random.next() % 5000) ms" }
                return LabeledWindow(window: Window(id: index, texts: lines), isAbnormal: slow)
            }
        }
        return TrainingData(train: windows(60), validation: windows(20), test: windows(40))
    }

    @Test("A threshold on a captured number: max(numbers(...)) over the template's variable, checked by the interpreter")
    func learnsLatencyThreshold() async throws {
        let data = latencyData(seed: 7)
        let synthesizer = Synthesizer(data: data, proposer: BuiltinProposer(), packName: "latency")
        try await synthesizer.run { _ in }
        let text = try PackAssembler.finalPack(name: "latency", description: nil, rules: synthesizer.accepted,
                                               provenance: SynthesisProvenance(backend: "builtin", model: "none"))
        #expect(text.contains("max(numbers(window, /api request served in (\\S+) ms$/))"), "\(text)")
        let pack = try #require(Frontend.check(SourceFile(path: "latency.warden", text: text)).pack)
        let engine = DetectionEngine(rules: Interpreter.ruleSet(for: pack))
        let context = engine.makeContext()
        let correct = data.test.filter { (engine.detect($0.window, in: context).verdict == .abnormal) == $0.isAbnormal }.count
        #expect(correct == data.test.count, "\(text)")
    }
}

@Suite("Rule learner")
struct RuleLearnerTests {
    /// Feature 0 opens, feature 1 closes, feature 2 is an error message.
    func window(_ open: Int, _ close: Int, error: Int = 0) -> WindowCounts {
        WindowCounts(counts: [(0, open), (1, close), (2, error)].filter { $0.1 > 0 }, lines: open + close + error, unroutine: 0)
    }

    @Test("Sequential covering finds a count equality for routine windows and a presence test for anomalies")
    func learnsRelations() {
        let routine = (1...30).map { window($0 % 4 + 1, $0 % 4 + 1) }
        let broken = (1...10).map { window($0 % 3 + 2, $0 % 3 + 1) }
        let normal = RuleLearner(targets: routine, opposites: broken)
        let rule = normal.grow(seed: routine[0])
        let equal: [Condition] = [.equal(.feature(0), .feature(1))]
        #expect(rule == equal)
        #expect(normal.coverage(rule).targets == 30 && normal.coverage(rule).opposites == 0)
        let failing = (1...10).map { _ in window(2, 2, error: 1) }
        let abnormal = RuleLearner(targets: failing, opposites: routine)
        let error: [Condition] = [.atLeast(.feature(2), 1)]
        #expect(abnormal.grow(seed: failing[0]) == error)
    }

    @Test("Order and time: a request–reply pair in the wrong order, and slow windows")
    func orderAndSpan() {
        // Feature 0 is a request, feature 1 its reply; routine windows have the reply last.
        func ordered(_ replyFirst: Bool, span: Int = 5) -> WindowCounts {
            WindowCounts(counts: [(0, 1), (1, 1)], lines: 2, unroutine: 0, positions: replyFirst ? [(1, 1), (0, 0)] : [(0, 0), (1, 1)], span: span)
        }
        let routine = (0..<20).map { _ in ordered(false) }
        let swapped = (0..<5).map { _ in ordered(true) }
        let learner = RuleLearner(targets: swapped, opposites: routine)
        // Either way of saying it: no reply after the request, or the reply before the request.
        let rule = learner.grow(seed: swapped[0])
        #expect(rule == [Condition.notFollows(0, 1)] || rule == [Condition.follows(1, 0)])
        // A feature no regex names (lines at a level that follow no routine template) takes no order.
        var unordered = learner
        unordered.isOrdered = { $0 != 1 }
        #expect(!unordered.candidates(seed: swapped[0]).contains { if case .follows = $0 { true } else if case .notFollows = $0 { true } else { false } })
        #expect(learner.candidates(seed: swapped[0]).contains(.follows(1, 0)))
        let slow = (0..<5).map { _ in ordered(false, span: 4_321) }
        let timing = RuleLearner(targets: slow, opposites: routine).grow(seed: slow[0])
        let rounded: [Condition] = [.atLeast(.span, 4_300)]
        #expect(timing == rounded)
        #expect(RuleLearner.significant(4_321, up: true) == 4_400 && RuleLearner.significant(87, up: false) == 87)
    }

    @Test("A count equality is supported by the windows where its lines occur, not by those where both are absent")
    func vacuousRelations() {
        // Features 3 and 4 occur together in one target window (the seed); the other targets have neither,
        // so `feature 3 == feature 4` holds on all of them, ten times only because both counts are zero.
        func counts(_ a: Int, _ b: Int) -> WindowCounts {
            WindowCounts(counts: [(2, 1), (3, a), (4, b)].filter { $0.1 > 0 }, lines: 1 + a + b, unroutine: 0)
        }
        let targets = [counts(1, 1)] + (0..<11).map { _ in counts(0, 0) }
        let opposites = [counts(1, 2), counts(2, 1), counts(2, 0), counts(0, 2)].flatMap { Array(repeating: $0, count: 5) }
        let learner = RuleLearner(targets: targets, opposites: opposites)
        let rule = learner.grow(seed: targets[0])
        #expect(!rule.contains(.equal(.feature(3), .feature(4))), "\(rule)")
        #expect(learner.coverage(rule).targets == 12 && learner.coverage(rule).opposites == 0, "\(rule)")
        // Where the lines do occur on enough targets, the same equality is learned.
        let occurring = (1...12).map { counts($0 % 3 + 1, $0 % 3 + 1) }
        let equal: [Condition] = [.equal(.feature(3), .feature(4))]
        #expect(RuleLearner(targets: occurring, opposites: opposites).grow(seed: occurring[0]) == equal)
    }

    @Test("Counts kept by feature, searched per row, teach the same rules as the dense table; thresholds ranked by feature as by row")
    func sparseColumns() {
        var random = SeededGenerator(seed: 11)
        // Random windows over 40 features, a few per window, with positions; targets favour features 0–4.
        func window(target: Bool) -> WindowCounts {
            var features = Set((0..<Int(random.next() % 6)).map { _ in Int(random.next() % 40) })
            if target { features.insert(Int(random.next() % 5)) }
            let sorted = features.sorted()
            let counts = sorted.map { ($0, Int(random.next() % 4) + 1) }
            let positions = sorted.map { _ in (Int(random.next() % 5), Int(random.next() % 5) + 5) }
            return WindowCounts(counts: counts, lines: counts.reduce(0) { $0 + $1.1 } + 1, unroutine: Int(random.next() % 3),
                                positions: positions)
        }
        for _ in 0..<20 {
            let targets = (0..<30).map { _ in window(target: true) }
            let opposites = (0..<60).map { _ in window(target: false) }
            let dense = RuleLearner(targets: targets, opposites: opposites)
            var byRow = dense
            byRow.ranksByFeature = false
            let sparse = RuleLearner(targets: targets, opposites: opposites, denseLimit: 0)
            for seed in targets.prefix(5) {
                #expect(sparse.candidates(seed: seed) == dense.candidates(seed: seed))
                let choices = dense.firstChoices(seed: seed, count: 20)
                #expect(sparse.firstChoices(seed: seed, count: 20) == choices)
                #expect(byRow.firstChoices(seed: seed, count: 20) == choices)
                let rule = dense.grow(seed: seed)
                #expect(sparse.grow(seed: seed) == rule && byRow.grow(seed: seed) == rule)
                #expect(sparse.coverage(rule) == dense.coverage(rule))
            }
        }
    }

    @Test("Relations and orders between two features ranked over the features' rows rank as over every row")
    func relationsByFeature() {
        var random = SeededGenerator(seed: 5)
        // Few features, most windows holding several with counts that often tie: relations have support.
        func window(target: Bool) -> WindowCounts {
            var features = Set((0..<Int(random.next() % 4 + 2)).map { _ in Int(random.next() % 7) })
            if target { features.formUnion([0, 1]) }
            let sorted = features.sorted()
            let counts = sorted.map { ($0, Int(random.next() % (target ? 2 : 3)) + 1) }
            let positions = sorted.map { _ in (Int(random.next() % 5), Int(random.next() % 5) + 3) }
            return WindowCounts(counts: counts, lines: counts.reduce(0) { $0 + $1.1 }, unroutine: 0, positions: positions)
        }
        var relations = 0
        for _ in 0..<10 {
            let targets = (0..<40).map { _ in window(target: true) }
            let opposites = (0..<40).map { _ in window(target: false) }
            for denseLimit in [RuleLearner.Columns.denseLimit, 0] {
                let byFeature = RuleLearner(targets: targets, opposites: opposites, denseLimit: denseLimit)
                var byRow = byFeature
                byRow.ranksByFeature = false
                for seed in targets.prefix(5) {
                    let choices = byRow.firstChoices(seed: seed, count: 60)
                    #expect(byFeature.firstChoices(seed: seed, count: 60) == choices)
                    relations += choices.count { $0.complexity > 0 }
                    #expect(byFeature.grow(seed: seed) == byRow.grow(seed: seed))
                }
            }
        }
        #expect(relations > 100, "the windows must give relations and orders support: \(relations)")
    }

    @Test("Pruning drops conditions that do not pay for themselves; excluded first conditions give another rule")
    func pruning() {
        let targets = (1...20).map { window(1, 0, error: $0 % 2 + 1) }
        let opposites = (1...20).map { _ in window(1, 1) }
        let learner = RuleLearner(targets: targets, opposites: opposites)
        let both: [Condition] = [.atLeast(.feature(2), 1), .atLeast(.feature(0), 1)]
        let single: [Condition] = [.atLeast(.feature(2), 1)]
        #expect(learner.prune(both) == single)
        let first = learner.grow(seed: targets[0])
        let other = learner.grow(seed: targets[0], excludedFirst: Set(first))
        #expect(first != other && learner.coverage(other).opposites == 0)
    }
}

@Suite("Builtin synthesis")
struct BuiltinSynthesisTests {
    @Test("The builtin backend learns a pack that checks, passes its own tests and generalises to the test split")
    func learnsPack() async throws {
        let data = syntheticData()
        let synthesizer = Synthesizer(data: data, proposer: BuiltinProposer(), packName: "synthetic")
        try await synthesizer.run { _ in }
        let text = try PackAssembler.finalPack(name: "synthetic", description: nil, rules: synthesizer.accepted,
                                               provenance: SynthesisProvenance(backend: "builtin", model: "none"))
        let result = Frontend.check(SourceFile(path: "synthetic.warden", text: text))
        let pack = try #require(result.pack)
        #expect(result.diagnostics.isEmpty)
        #expect(Formatter().format(SourceFile(path: "s", text: text)) == text)
        #expect(pack.rules.contains { $0.kind == .abnormal })
        // Named after their first condition, and described in words.
        #expect(pack.rules.map(\.name) == ["routine_lines_only", "unusual_lines"])
        #expect(pack.rules.allSatisfy { $0.provenance?.backend == "builtin" })
        #expect(!pack.tests.isEmpty && PackTestRunner.run(pack).allSatisfy(\.passed))
        // Lint clean at the default severities: documented, attributed, tested, nothing pinned or redundant.
        let findings = Linter().lint(SourceFile(path: "synthetic.warden", text: text)).findings
        #expect(findings.isEmpty, "\(findings.map { "\($0.diagnostic.code): \($0.diagnostic.message)" })")
        #expect(pack.rules.filter { $0.kind == .abnormal }.allSatisfy { $0.severity != nil && $0.domain != nil })
        let engine = DetectionEngine(rules: Interpreter.ruleSet(for: pack))
        let context = engine.makeContext()
        let correct = data.test.filter { (engine.detect($0.window, in: context).verdict == .abnormal) == $0.isAbnormal }.count
        #expect(correct == data.test.count)
        // Same data, same pack.
        let again = Synthesizer(data: data, proposer: BuiltinProposer(), packName: "synthetic")
        try await again.run { _ in }
        #expect(try PackAssembler.finalPack(name: "synthetic", description: nil, rules: again.accepted,
                                            provenance: SynthesisProvenance(backend: "builtin", model: "none")) == text)
    }

    @Test("An epoch's rollouts sent at once give the rules and events they give one after another")
    func concurrentRollouts() async throws {
        /// The builtin proposer, asked one request at a time.
        struct OneAtATime: RuleProposer {
            let inner = BuiltinProposer()
            var backend: String { inner.backend }
            var model: String { inner.model }
            var namesRules: Bool { inner.namesRules }
            var offersKnownAlerts: Bool { inner.offersKnownAlerts }
            func propose(_ request: RuleRequest, feedback: Feedback?) async throws -> String? { try await inner.propose(request, feedback: feedback) }
            func prepare(corpus: [LabeledWindow]) { inner.prepare(corpus: corpus) }
            func relearned(_ rules: [AcceptedRule], corpus: [LabeledWindow]) -> [AcceptedRule] { inner.relearned(rules, corpus: corpus) }
        }
        #expect(BuiltinProposer().answersConcurrently && !OneAtATime().answersConcurrently)
        let data = syntheticData()
        func run(_ proposer: any RuleProposer) async throws -> (rules: [String], events: [String]) {
            let events = Mutex<[String]>([])
            let synthesizer = Synthesizer(data: data, proposer: proposer, packName: "s", onEvent: { event in
                events.withLock { $0.append(String(describing: event)) }
            })
            try await synthesizer.run { _ in }
            return (synthesizer.accepted.map { $0.name + "\n" + $0.body }, events.withLock { $0 })
        }
        let atOnce = try await run(BuiltinProposer()), inTurn = try await run(OneAtATime())
        #expect(atOnce.rules == inTurn.rules && !atOnce.rules.isEmpty)
        #expect(atOnce.events == inTurn.events)
        #expect(atOnce.events.filter { $0.hasPrefix("candidate(") }.count > 2)
    }

    @Test("Resuming from a partial pack keeps its rules and continues")
    func resume() async throws {
        let data = syntheticData()
        let first = Synthesizer(data: data, proposer: BuiltinProposer(), packName: "s")
        var checkpoints: [String] = []
        try await first.run { rules in
            checkpoints.append(PackAssembler.packText(name: "s", rules: rules, provenance: SynthesisProvenance(backend: "builtin", model: "none"), tests: []))
        }
        let partial = try #require(checkpoints.first)
        let resumed = try PackAssembler.acceptedRules(fromPack: partial, path: "s.warden")
        #expect(resumed.count == 1)
        let second = Synthesizer(data: data, proposer: BuiltinProposer(), packName: "s", resume: resumed)
        try await second.run { _ in }
        #expect(second.accepted.count == first.accepted.count)
        let squeeze = { (text: String?) in text?.filter { !$0.isWhitespace }.replacingOccurrences(of: ",]", with: "]") }
        #expect(squeeze(second.accepted.first?.body) == squeeze(first.accepted.first?.body))
    }

    @Test("After the routine templates are learned again, abnormal rules are selected again on the validation windows they then decide")
    func reselectedAfterRelearning() throws {
        func window(_ id: Int, _ texts: [String], abnormal: Bool) -> LabeledWindow {
            LabeledWindow(window: Window(id: id, texts: texts), isAbnormal: abnormal)
        }
        func rule(_ name: String, _ word: String) -> AcceptedRule {
            AcceptedRule(kind: .abnormal, name: name, doc: [], body: "any line in window: line contains \"\(word)\"", epoch: 1, coverage: 1)
        }
        let quiet = rule("quiet", "never logged")
        // `fan` decides four routine validation windows, all normal: dropped. `disk`, before it, decides
        // the anomalies, including the one that also logs `fan` (which `fan` therefore does not decide).
        let validation = [window(0, ["disk failure"], abnormal: true), window(1, ["disk failure", "fan slow"], abnormal: true)]
            + (2..<6).map { window($0, ["fan slow"], abnormal: false) }
        let synthesizer = Synthesizer(data: TrainingData(train: syntheticData().train, validation: validation), proposer: BuiltinProposer(),
                                      packName: "s")
        let (kept, dropped) = try synthesizer.reselected([rule("disk", "disk"), rule("fan", "fan"), quiet])
        #expect(kept.map(\.name) == ["disk", "quiet"])
        #expect(dropped.count == 1 && dropped.first?.0 == "fan" && dropped.first?.1 == 4 && dropped.first?.2 == 4)
        // Right on three of the five windows it decides: kept (few hits cannot sink a rule).
        let mixed = validation.prefix(4) + [window(6, ["fan slow", "disk failure"], abnormal: true), window(7, ["fan slow"], abnormal: true)]
        let lenient = Synthesizer(data: TrainingData(train: syntheticData().train, validation: Array(mixed)), proposer: BuiltinProposer(), packName: "s")
        #expect(try lenient.reselected([rule("fan", "fan"), rule("disk", "disk")]).0.map(\.name) == ["fan", "disk"])
    }

    @Test("After selection the routine templates are learned again with the validation windows, unless that lowers the pack's validation F1 or the evidence is mostly abnormal")
    func routineRelearnedWithValidation() async throws {
        // Every anomaly is a message type of its own, so the learner flags lines that follow no routine template.
        let failures = ["disk gone away", "fan stopped spinning", "link went down", "memory looks corrupt", "power rail failed",
                        "clock drift detected", "cache lost coherence", "board overheated", "bus stalled badly", "queue overflowed"]
        func data(validation: [LabeledWindow], alongside: String = "job done") -> TrainingData {
            TrainingData(train: (0..<30).map { LabeledWindow(window: Window(id: $0, texts: ["service heartbeat ok", "job done"]), isAbnormal: false) }
                + failures.indices.map { LabeledWindow(window: Window(id: 30 + $0, texts: [$0 < 3 ? alongside : "job done", "kernel: " + failures[$0]]),
                                                       isAbnormal: true) },
                         validation: validation)
        }
        func run(_ data: TrainingData) async throws -> (routine: String, relearned: Bool) {
            let synthesizer = Synthesizer(data: data, proposer: BuiltinProposer(), packName: "s")
            try await synthesizer.run { _ in }
            return (synthesizer.accepted.map(\.body).joined(), synthesizer.relearnedWithValidation)
        }
        // Validation brings a routine message training never saw: it joins the routine templates.
        let routineValidation = (0..<6).map { LabeledWindow(window: Window(id: 100 + $0, texts: ["maintenance window opened", "job done"]), isAbnormal: false) }
            + [LabeledWindow(window: Window(id: 110, texts: ["job done", "kernel: printer jammed again"]), isAbnormal: true)]
        let kept = try await run(data(validation: routineValidation))
        #expect(kept.relearned && kept.routine.contains("maintenance window opened"), "\(kept.routine)")
        // Validation logs a message in normal windows and, alone, in an anomaly: as a routine
        // template it would hide that anomaly, so the training windows' templates stay.
        let misleading = (0..<5).map { LabeledWindow(window: Window(id: 100 + $0, texts: ["service heartbeat ok", "job done"]), isAbnormal: false) }
            + [LabeledWindow(window: Window(id: 105, texts: ["replicating block to peer", "job done"]), isAbnormal: false),
               LabeledWindow(window: Window(id: 110, texts: ["job done", "replicating block to peer"]), isAbnormal: true)]
        let vetoed = try await run(data(validation: misleading))
        #expect(!vetoed.relearned && vetoed.routine.contains("let routine") && !vetoed.routine.contains("replicating block"), "\(vetoed.routine)")
        // A message three training anomalies log, in one normal validation window: where lines take
        // their session's label, that one window is weak evidence, and the message stays unusual.
        let abnormalMostly = (0..<5).map { LabeledWindow(window: Window(id: 100 + $0, texts: ["service heartbeat ok", "job done"]), isAbnormal: false) }
            + [LabeledWindow(window: Window(id: 105, texts: ["block info missing", "job done"]), isAbnormal: false),
               LabeledWindow(window: Window(id: 110, texts: ["job done", "kernel: printer jammed again"]), isAbnormal: true),
               LabeledWindow(window: Window(id: 111, texts: ["job done", "kernel: tape stuck fast"]), isAbnormal: true)]
        let unchanged = try await run(data(validation: abnormalMostly, alongside: "block info missing"))
        #expect(!unchanged.relearned && unchanged.routine.contains("let routine") && !unchanged.routine.contains("block info missing"),
                "\(unchanged.routine)")
    }

    @Test("Learning from the training split holds the test split out; learning from all windows splits them 6:1")
    func learningSplits() {
        func shares(_ learning: Learning, _ count: Int) -> [Split: Int] {
            Dictionary(grouping: 0..<count) { learning.split(of: $0, count: count) }.mapValues(\.count)
        }
        #expect(shares(.train, 100) == [.train: 60, .val: 10, .test: 30])
        #expect(shares(.all, 100) == [.train: 85, .val: 15])
        // Windows stay in input order: the validation windows come last.
        #expect((0..<70).allSatisfy { Learning.all.split(of: $0, count: 70) == ($0 < 60 ? .train : .val) })
    }

    /// Learns from `windows` (the first two thirds train, the next sixth validates) with the level
    /// in field 1; the first abnormal rule accepted, and every rule.
    static func firstAbnormalRule(_ windows: [LabeledWindow]) async throws -> (AcceptedRule, [AcceptedRule]) {
        let (train, validation) = (windows.count * 2 / 3, windows.count * 5 / 6)
        let data = TrainingData(train: Array(windows[..<train]), validation: Array(windows[train..<validation]), test: Array(windows[validation...]))
        let synthesizer = Synthesizer(data: data, proposer: BuiltinProposer(layout: LineLayout(levelField: 1)), packName: "s")
        try await synthesizer.run { _ in }
        return (try #require(synthesizer.accepted.first { $0.kind == .abnormal }), synthesizer.accepted)
    }

    @Test("A rule on lines at a level that follow no routine template is named and described after them")
    func unusualLevelRule() async throws {
        var random = SeededGenerator(seed: 3)
        let failures = ["power supply lost on rack", "disk failure on sdc", "memory parity error in bank", "link down on port",
                        "fan stopped in tray", "voltage out of range on board"]
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
                     "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray"]
        // Each of its own length, so that no two share a template.
        let oneOff = words.indices.map { (0...$0).map { words[($0 * 5) % words.count] }.joined(separator: " ") }
        func window(_ id: Int) -> LabeledWindow {
            var lines = (0..<5).map { "t\($0) INFO job \(random.next() % 900) finished" } + ["t5 FATAL fan speed low again"]
            let isAbnormal = id % 4 == 0
            if isAbnormal { lines[Int(random.next() % 5)] = "t9 FATAL " + failures[(id / 4) % failures.count] }
            // Routine windows log one-off INFO messages and more FATAL fan messages too: neither
            // unusual lines nor the number of lines at a level tell the anomalies apart.
            if id % 4 == 2 { lines[0] = "t0 INFO " + oneOff[id / 4] }
            if id % 4 == 1 { lines[1] = "t1 FATAL fan speed low again" }
            return LabeledWindow(window: Window(id: id, texts: lines), isAbnormal: isAbnormal)
        }
        let (rule, _) = try await Self.firstAbnormalRule((0..<96).map(window))
        #expect(rule.name == "unusual_level_fatal")
        #expect(rule.doc == ["Windows where a line at level FATAL follows no routine template."])
    }

    @Test("Alert templates: on abnormal lines of two windows and no normal line; each training window needs two others")
    func alertTemplates() throws {
        let vocabulary = LineVocabulary(layout: LineLayout(levelField: 1))
        let quiet = Window(texts: ["a1 INFO disk sda0 healthy today", "a2 INFO fan speed fine again"])
        func failing(_ failure: String) -> Window { Window(texts: ["a1 INFO disk sda0 healthy today", "a9 ERROR " + failure]) }
        // Messages of different lengths, so that no two share a template.
        let windows = [
            LabeledWindow(window: quiet, isAbnormal: false),
            LabeledWindow(window: quiet, isAbnormal: false),
            LabeledWindow(window: Window(texts: ["a3 INFO power supply lost"]), isAbnormal: false),
            LabeledWindow(window: failing("disk failure detected on device sda1 now"), isAbnormal: true),
            LabeledWindow(window: failing("disk failure detected on device sdb2 now"), isAbnormal: true),
            LabeledWindow(window: failing("disk failure detected on device sdc3 now"), isAbnormal: true),
            LabeledWindow(window: failing("network link went down on port"), isAbnormal: true),
            LabeledWindow(window: failing("network link went down on port"), isAbnormal: true),
            LabeledWindow(window: failing("power supply lost"), isAbnormal: true),
            LabeledWindow(window: failing("power supply lost"), isAbnormal: true),
        ]
        vocabulary.prepare(windows)
        // Learned again without counting the windows (as after selection): the same lists.
        let lists = LineVocabulary(layout: LineLayout(levelField: 1))
        lists.prepare(windows, countingWindows: false)
        #expect(lists.corpus.isEmpty && !lists.routineRegexes().isEmpty)
        #expect(lists.routineRegexes() == vocabulary.routineRegexes() && lists.alertRegexes() == vocabulary.alertRegexes())
        let alert = try #require(vocabulary.features.firstIndex { $0.kind == .alert })
        // The disk failure in three windows, the link in two; the power supply also on a normal line.
        #expect(vocabulary.alertRegexes().count == 2)
        #expect(vocabulary.counts(of: failing("network link went down on port")).count(alert) == 1)
        #expect(vocabulary.counts(of: failing("disk failure detected on device sdf9 now")).count(alert) == 1)
        #expect(vocabulary.counts(of: failing("power supply lost")).count(alert) == 0)
        #expect(vocabulary.counts(of: failing("memory parity error")).count(alert) == 0)
        // Left out, each disk window still has two others; each link window only one.
        #expect((3...5).map { vocabulary.corpus[$0].count(alert) } == [1, 1, 1])
        #expect((6...7).map { vocabulary.corpus[$0].count(alert) } == [0, 0])
        // A normal window's own lines are left out too: the healthy disk is on the other quiet window.
        #expect(vocabulary.corpus[0].count(alert) == 0)
    }

    @Test("Where routine windows log one-off messages, the anomalies' known alerts make the abnormal rule; a normal rule never rests on their absence")
    func alertRule() async throws {
        var random = SeededGenerator(seed: 5)
        let failures = ["power supply lost on rack", "disk failure on sdc", "memory parity error in bank"]
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
                     "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray"]
        func window(_ id: Int) -> LabeledWindow {
            var lines = (0..<5).map { "t\($0) INFO job \(random.next() % 900) finished" }
            let isAbnormal = id % 4 == 0
            // Known failures, at FATAL or at INFO.
            if isAbnormal { lines[Int(random.next() % 4)] = "t9 \((id / 4) % 2 == 0 ? "FATAL" : "INFO") " + failures[(id / 4) % failures.count] }
            // Two thirds of the windows log a message no other window logs, at FATAL or at INFO:
            // neither unusual lines nor unusual lines at a level tell the anomalies apart.
            if id % 3 != 0 {
                lines[4] = "t4 \(id % 2 == 0 ? "FATAL" : "INFO") " + (0..<(3 + id % 7)).map { _ in words[Int(random.next() % 24)] }.joined(separator: " ")
            }
            return LabeledWindow(window: Window(id: id, texts: lines), isAbnormal: isAbnormal)
        }
        let (rule, accepted) = try await Self.firstAbnormalRule((0..<120).map(window))
        #expect(rule.name == "alert_lines")
        #expect(rule.doc == ["Windows where a line follows an alert template (one only anomalous training lines showed)."])
        #expect(rule.body.contains("let alerts = [") && rule.body.contains("count line in window where line matches alerts"))
        #expect(!accepted.contains { $0.kind == .normal && $0.body.contains("alerts") })
    }

    @Test("A proposer that names its rules keeps its names, made unique in the pack; the others' rules are named as requested")
    func ruleNames() async throws {
        let data = syntheticData()
        let normal = AcceptedRule(kind: .normal, name: "disk_failure", doc: [], body: "not (any line in window: line contains \"failure\")",
                                  epoch: 1, coverage: 1)
        let abnormal = [RuleKind.abnormal: "any line in window: line contains \"disk failure\""]
        for (proposer, expected) in [(FixedProposer(rules: abnormal, name: "disk_failure"), "disk_failure_2"),
                                     (FixedProposer(rules: abnormal), "abnormal_1")] {
            let synthesizer = Synthesizer(data: data, proposer: proposer, packName: "s", resume: [normal])
            try await synthesizer.run { _ in }
            #expect(synthesizer.accepted.map(\.name) == ["disk_failure", expected])
        }
        #expect(Synthesizer.unique("a", among: ["a", "a_2", "b"]) == "a_3")
    }

    @Test("An interrupted run stops and leaves what it accepted")
    func interrupted() async throws {
        let synthesizer = Synthesizer(data: syntheticData(), proposer: BuiltinProposer(), packName: "s", isInterrupted: { true })
        try await synthesizer.run { _ in }
        #expect(synthesizer.accepted.isEmpty)
    }
}

/// Proposes the same rule text for every request of a kind, named as the request says or,
/// when it has a name of its own, by that name.
private struct FixedProposer: RuleProposer {
    let rules: [RuleKind: String]
    var name: String? = nil
    var backend: String { "fixed" }
    var model: String { "none" }
    var namesRules: Bool { name != nil }

    func propose(_ request: RuleRequest, feedback: Feedback?) async throws -> String? {
        rules[request.kind].map { "\(request.kind.rawValue) rule \(name ?? request.name) {\n    \($0)\n}" }
    }
}

@Suite("Selection")
struct SelectionTests {
    /// `count` labeled windows of the same lines, with ids from `first`.
    func windows(_ texts: [String], count: Int, abnormal: Bool, from first: Int) -> [LabeledWindow] {
        (0..<count).map { LabeledWindow(window: Window(id: first + $0, texts: texts), isAbnormal: abnormal) }
    }

    /// Runs the loop; the kinds of the rules it accepted and why it rejected the others.
    fileprivate func synthesize(_ data: TrainingData, _ proposer: FixedProposer, settings: SynthesisSettings = SynthesisSettings())
        async throws -> (kinds: [RuleKind], rejections: [String]) {
        let rejections = Mutex<[String]>([])
        let synthesizer = Synthesizer(data: data, proposer: proposer, settings: settings, packName: "s", onEvent: { event in
            if case .rejected(_, _, let reason) = event { rejections.withLock { $0.append(reason) } }
        })
        try await synthesizer.run { _ in }
        return (synthesizer.accepted.map(\.kind), rejections.withLock { $0 })
    }

    /// Runs `proposer` on each case: its rule of `kind` is kept where the case says so, and
    /// otherwise dropped with `reason`.
    fileprivate func expectSupport(_ cases: [(data: TrainingData, settings: SynthesisSettings, kept: Bool)], _ proposer: FixedProposer,
                                   kind: RuleKind, reason: String) async throws {
        for (number, test) in cases.enumerated() {
            let run = try await synthesize(test.data, proposer, settings: test.settings)
            #expect(run.kinds.contains(kind) == test.kept, "case \(number): \(run.rejections)")
            if !test.kept { #expect(run.rejections.contains { $0.contains(reason) }, "case \(number): \(run.rejections)") }
        }
    }

    @Test("A candidate is judged on the validation windows it would decide, not on those an earlier rule decides")
    func judgedOnUndecidedWindows() async throws {
        // Every normal window mentions maintenance. In validation, ten of them also log an
        // error: the normal rule decides those, so the abnormal rule never sees them.
        let data = TrainingData(
            train: windows(["maintenance window open", "job done"], count: 30, abnormal: false, from: 0)
                + windows(["job failed", "error: disk gone"], count: 10, abnormal: true, from: 30),
            validation: windows(["maintenance window open", "error: retry later"], count: 10, abnormal: false, from: 40)
                + windows(["error: disk gone", "job failed"], count: 2, abnormal: true, from: 50))
        let proposer = FixedProposer(rules: [.normal: "any line in window: line contains \"maintenance\"",
                                             .abnormal: "any line in window: line contains \"error\""])
        let run = try await synthesize(data, proposer)
        // On all twelve validation windows the abnormal rule is right twice (precision 0.17);
        // on the two that reach it, twice of two.
        #expect(run.kinds == [.normal, .abnormal], "\(run.rejections)")
    }

    @Test("A normal rule that holds on fewer training windows than the support it needs is dropped")
    func normalRulesNeedSupport() async throws {
        // Two normal training windows hold a register dump; nothing else tells them apart.
        let data = TrainingData(
            train: windows(["register dump follows", "job done"], count: 2, abnormal: false, from: 0)
                + windows(["job failed", "error: disk gone"], count: 10, abnormal: true, from: 2),
            validation: windows(["job done"], count: 4, abnormal: false, from: 12))
        let cases = [(3, false), (2, true)].map { support, kept in
            var settings = SynthesisSettings()
            settings.normalSupport = support
            return (data: data, settings: settings, kept: kept)
        }
        try await expectSupport(cases, FixedProposer(rules: [.normal: "any line in window: line contains \"register dump\""]),
                                kind: .normal, reason: "holds on 2 training windows, fewer than the 3 a normal rule needs")
    }

    @Test("A normal rule that holds on an abnormal rule's lines stays, suppressed with its reason, only where the pack does better with it")
    func swallowingNormalRules() async throws {
        func run(_ data: TrainingData, _ proposer: FixedProposer) async throws -> (Synthesizer, String) {
            let synthesizer = Synthesizer(data: data, proposer: proposer, packName: "s")
            try await synthesizer.run { _ in }
            let text = try PackAssembler.finalPack(name: "s", description: nil, rules: synthesizer.accepted,
                                                   provenance: SynthesisProvenance(backend: "fixed", model: "none"))
            return (synthesizer, text)
        }
        func swallowFindings(_ text: String) -> Int {
            Linter().lint(SourceFile(path: "s.warden", text: text)).findings.count { $0.diagnostic.code.description == "W1105" }
        }
        // Retries are routine where nothing fails; only beside an error do they mark the failure. On
        // its own a retry line is normal, so the normal rule (no error) holds on the abnormal rule's
        // lines, yet without it the abnormal rule would flag every routine retry.
        let retries = TrainingData(
            train: windows(["job ok", "error: disk gone"], count: 4, abnormal: false, from: 0)
                + windows(["retry ok", "cache warm", "cache warm", "cache warm"], count: 5, abnormal: false, from: 4)
                + windows(["retry ok", "error: disk gone"], count: 10, abnormal: true, from: 10),
            validation: windows(["job ok", "error: disk gone"], count: 3, abnormal: false, from: 30)
                + windows(["retry ok", "cache warm", "cache warm", "cache warm"], count: 3, abnormal: false, from: 33)
                + windows(["error: disk gone", "retry ok"], count: 2, abnormal: true, from: 40))
        let (kept, keptText) = try await run(retries, FixedProposer(rules: [
            .normal: "(count line in window where line contains \"error\") == 0", .abnormal: "any line in window: line contains \"retry\""]))
        #expect(kept.accepted.map(\.kind) == [.normal, .abnormal] && kept.swallowingLeftOut.isEmpty)
        #expect(keptText.contains(PackAssembler.decisionListSuppression) && swallowFindings(keptText) == 0, "\(keptText)")
        // The report tells the two apart: the abnormal rule holds on the routine retries too, and
        // decides only the windows the normal rule leaves, all of them failures.
        let report = SynthesisReport(pack: try #require(Frontend.check(SourceFile(path: "s.warden", text: keptText)).pack), data: retries)
        let abnormal = try #require(report.rules.first { $0.kind == .abnormal })
        #expect(abnormal.train.hits == 15 && abnormal.train.hitPrecision == 10.0 / 15 && abnormal.train.decided == 10 && abnormal.train.decidedPrecision == 1)
        #expect(report.rules.first { $0.kind == .normal }?.train.decided == 5 && report.render().contains("decided"))
        // A normal rule that lets one retry pass: the abnormal rule does as well alone, and the
        // normal rule would hide a window with a single failed retry, so it is left out.
        let failedRetries = TrainingData(
            train: windows(["job ok", "job ok"], count: 20, abnormal: false, from: 0)
                + windows(["retry failed", "retry ok"], count: 6, abnormal: true, from: 20),
            validation: windows(["job ok"], count: 4, abnormal: false, from: 30)
                + windows(["retry ok", "retry failed", "job ok"], count: 2, abnormal: true, from: 40))
        let (left, leftText) = try await run(failedRetries, FixedProposer(rules: [
            .normal: "(count line in window where line contains \"retry\") < 2", .abnormal: "any line in window: line contains \"failed\""]))
        #expect(left.accepted.map(\.kind) == [.abnormal] && left.swallowingLeftOut.count == 1)
        #expect(!leftText.contains("warden-lint") && swallowFindings(leftText) == 0, "\(leftText)")
    }

    @Test("An abnormal rule that holds on one training window is dropped; on two it is kept")
    func abnormalRulesNeedSupport() async throws {
        let cases = [(1, false), (2, true)].map { failures, kept in
            (data: TrainingData(train: windows(["job done"], count: 20, abnormal: false, from: 0)
                                    + windows(["job failed", "error: disk gone"], count: failures, abnormal: true, from: 20),
                                validation: windows(["job done"], count: 4, abnormal: false, from: 100)),
             settings: SynthesisSettings(), kept: kept)
        }
        try await expectSupport(cases, FixedProposer(rules: [.abnormal: "any line in window: line contains \"disk gone\""]),
                                kind: .abnormal, reason: "holds on 1 training window, fewer than the 2 an abnormal rule needs")
    }

    @Test("A normal rule needs its support once for every condition it joins with and")
    func normalSupportPerCondition() async throws {
        // A register dump in a few normal training windows, told apart by two conditions.
        let cases = [(5, false), (6, true)].map { dumps, kept in
            (data: TrainingData(train: windows(["register dump follows", "job done"], count: dumps, abnormal: false, from: 0)
                                    + windows(["job failed", "error: disk gone"], count: 10, abnormal: true, from: dumps),
                                validation: windows(["job done"], count: 4, abnormal: false, from: 100)),
             settings: SynthesisSettings(), kept: kept)
        }
        let conjunction = "(any line in window: line contains \"register dump\") and (any line in window: line contains \"job done\")"
        try await expectSupport(cases, FixedProposer(rules: [.normal: conjunction]), kind: .normal,
                                reason: "holds on 5 training windows, fewer than the 6 a normal rule of 2 conditions needs")
    }
}

@Suite("Feature matcher")
struct FeatureMatcherTests {
    @Test("The prefilter's answers for many regexes at once are PCRE2's, line by line, across batches")
    func agreesWithPCRE2() throws {
        let sources = [
            #"ciod\: Error loading \S+ invalid or missing program image\, No such file or directory$"#,  // a template: by tokens
            #"instruction cache parity error corrected$"#,
            #"generating core\.\S*$"#,
            #"\bparity error\b"#, #"\bcore\b"#,  // phrases: word-bounded literals
            #"^(?:\S+\s+){1}FATAL\s"#, #"^(?:\S+\s+){1}INFO\s"#,  // a level field
            #"(\w+) \1"#,  // a back-reference: PCRE2 alone
            #"(?<=error) corrected"#,  // a lookbehind
            #"(?i)NAÏVE"#, #"\p{Lu}{3}"#,  // caseless and Unicode
        ]
        let patterns = try sources.map { try Pattern($0) }
        let texts = ["a1 INFO instruction cache parity error corrected", "a2 FATAL generating core.1234",
                     "a3 FATAL ciod: Error loading /bgl/x: invalid or missing program image, No such file or directory",
                     "a4 INFO core core dumped", "a5 WARNING naïve parity error", "a6 INFO ÉTÉ été"]
        var random = SeededGenerator(seed: 5)
        // More lines than one batch, with invalid UTF-8 among them.
        let lines: [[UInt8]] = (0..<(FeatureMatcher.batchLines + 300)).map { index in
            if index % 97 == 0 { return [0x61, 0x37, 0x20, 0x49, 0x4E, 0x46, 0x4F, 0x20, 0xFF, 0xFE, 0x63, 0x6F, 0x72, 0x65] }
            return Array(texts[Int(random.next() % UInt64(texts.count))].utf8)
        }
        let found = FeatureMatcher(patterns: patterns).matches(lines)
        for (index, line) in lines.enumerated() {
            let expected = patterns.indices.filter { (try? patterns[$0].matches(line)) == true }.map(Int32.init)
            #expect(found[index] == expected, "line \(index): \(String(decoding: line, as: UTF8.self))")
        }
        #expect(Set(found.flatMap { $0 }).count >= sources.count - 1)
    }
}

@Suite("Rule matcher")
struct RuleMatcherTests {
    @Test("The learner's matcher answers as PCRE2 line by line does, before and after it switches to the prefilter")
    func prefilterSwitch() throws {
        let text = #"""
        pack matcher version "1.0.0" description "the learner's rule shapes"

        abnormal rule unusual_failures {
            let routine = [/disk sd\S+ health ok$/, /request served in \S+$/, /cache hit ratio \S+$/]
            let unusual = count line in window where line matches /(?i)failure|ok$/ and not (line matches routine)
            unusual > 0
        }

        abnormal rule many_retries {
            let retries = count line in window where line contains "retry"
            retries >= 2
        }
        """#
        let pack = try #require(Frontend.check(SourceFile(path: "matcher.warden", text: text)).pack)
        let rules = Interpreter.ruleSet(for: pack)
        var random = SeededGenerator(seed: 3)
        let pool = ["disk sda health ok", "disk sdb health ok", "request served in 12ms", "cache hit ratio 0.7",
                    "kernel: disk FAILURE on sdc", "retry 1 of 3", "probe ok", "naïve ok", "disk sdé health ok", "heartbeat"]
        // Enough lines that the matcher switches part way through.
        let windows = (0..<(2 * RuleMatcher.linesBeforePrefilter(rules) / 8)).map { index in
            Window(id: index, texts: (0..<8).map { _ in pool[Int(random.next() % UInt64(pool.count))] })
        }
        let matcher = RuleMatcher(rules)
        let reference = EvaluationContext(lineTests: rules.lineTests)
        var holding = 0
        for window in windows {
            reference.reset(to: window)
            let expected = try rules.rules.contains { try $0.holds(in: reference) }
            #expect(matcher.holds(window) == expected, "window \(window.id)")
            if expected { holding += 1 }
        }
        #expect(holding > windows.count / 4 && holding < windows.count)
    }
}
