import Foundation
import LogInput
import LogParsing
import PCRE2
import RuleLanguage
import RuleRuntime
import WardenCore

/// Where a format keeps the header fields the learner can name: the message
/// content (what Drain mines) and the level and component fields.
public struct LineLayout: Sendable {
    public var header: MessageHeader
    /// 0-based whitespace-separated field holding the level (`INFO`, `FATAL`), if any.
    public var levelField: Int?
    /// 0-based field holding the component (`KERNEL`, `dfs.DataNode$DataXceiver:`), if any.
    public var componentField: Int?
    /// Where the message content starts, as a 0-based field, when the level field was found in
    /// the input (``findLevelField(in:)``) rather than named by the format: after the level,
    /// so that Drain mines messages rather than headers. `nil`: `header` says.
    public var contentField: Int?

    public init(header: MessageHeader = .none, levelField: Int? = nil, componentField: Int? = nil) {
        self.header = header
        self.levelField = levelField
        self.componentField = componentField
    }

    /// The layout of a log format's lines (labels already stripped).
    public init(format: LogFormat) {
        switch format {
        case .bgl: self.init(header: .bgl, levelField: 7, componentField: 6)
        // Thunderbird: seconds, date, node, month, day, time, location, then the program
        // (`crond(pam_unix)[2915]:`) and the message; no level field.
        case .thunderbird: self.init(header: .bgl, componentField: 7)
        case .hdfs: self.init(header: .hdfs, levelField: 3, componentField: 4)
        case .hadoop: self.init(header: .hadoop, levelField: 2)
        case .lines, .jsonl: self.init()
        }
    }

    /// For a format that names no level field (plain lines, JSON messages): the level field
    /// the input shows (``detectedLevelField(in:)``), with the content after it. Returns what
    /// was found; the layout is unchanged when nothing was (or the format names a level field).
    public mutating func findLevelField(in windows: [Window]) -> (field: Int, share: Double)? {
        guard levelField == nil, let found = Self.detectedLevelField(in: windows) else { return nil }
        levelField = found.field
        contentField = found.field + 1
        return found
    }

    /// The message content of `line`: what Drain mines.
    func content(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let contentField else { return header.content(line) }
        return UnsafeRawBufferPointer(rebasing: line[MessageHeader.contentStart(afterFields: contentField, line)...])
    }

    /// Words that name a level, compared in capitals without brackets or a trailing colon.
    static let levelWords: Set<String> = [
        "TRACE", "DEBUG", "FINE", "FINER", "FINEST", "CONFIG", "INFO", "INFORMATION", "NOTICE", "WARN", "WARNING",
        "ERROR", "ERR", "SEVERE", "FATAL", "CRITICAL", "CRIT", "ALERT", "EMERG", "EMERGENCY", "FAILURE", "PANIC",
    ]

    /// Lines read, at most, to find the level field.
    static let detectionLines = 10_000

    /// The 0-based whitespace-separated field (among the first ten) that holds a level word,
    /// with more after it, on most of the first lines of `windows` (up to ``detectionLines``;
    /// a majority, since continuation lines such as stack frames have no level), and the share
    /// of those lines it holds one on; `nil` when none does.
    public static func detectedLevelField(in windows: [Window]) -> (field: Int, share: Double)? {
        let positions = 10
        var hits = [Int](repeating: 0, count: positions)
        var lines = 0
        scanning: for window in windows {
            for line in 0..<window.count {
                guard lines < detectionLines else { break scanning }
                lines += 1
                let fields = window.withLine(line) { Array($0).split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }) }
                for position in 0..<max(0, min(positions, fields.count - 1)) where isLevelWord(fields[position]) { hits[position] += 1 }
            }
        }
        guard lines > 0, let best = hits.indices.max(by: { (hits[$0], -$0) < (hits[$1], -$1) }),
              2 * hits[best] > lines else { return nil }
        return (best, Double(hits[best]) / Double(lines))
    }

    private static func isLevelWord(_ field: ArraySlice<UInt8>) -> Bool {
        let trimmed = field.drop { "[<(".utf8.contains($0) }.reversed().drop { "]>):,".utf8.contains($0) }.reversed()
        guard !trimmed.isEmpty, trimmed.count <= 11 else { return false }
        return levelWords.contains(String(decoding: trimmed, as: UTF8.self).uppercased())
    }
}

/// One line feature the learner counts per window: a message template, a
/// level or a component, each as the regex a rule will use.
struct LineFeature: Sendable {
    enum Kind: String, Sendable {
        case template, phrase, level, component
        /// Lines at a level that follow no routine template (a new message at, say, FATAL).
        case unusualLevel
        /// The largest number a template's lines carry at one variable position (`regex` captures it).
        case number
        /// The first words that two or more templates share, followed by anything (`ciod: Error
        /// loading … invalid or missing program image, …`): routine when all of its templates are,
        /// so a new ending of a routine message is routine too. Never a condition of its own.
        case family
        /// Lines that follow an alert template: one on lines labeled abnormal in at least
        /// ``LineVocabulary/alertSupport`` training windows and on none labeled normal (a known
        /// failure message, whatever its level). One feature for the whole list.
        case alert
    }
    var kind: Kind
    /// PCRE2 source (no slashes), variables abstracted.
    var regex: String
    /// The template in words, variables as `…` (for doc comments).
    var words: String
    /// A snake_case name for the rule's `let` binding.
    var name: String
}

/// The line vocabulary of a training corpus: Drain templates of the message
/// content with ids, numbers, paths and addresses abstracted, plus the level
/// and component values, and each window as its counts of them.
///
/// Lines that differ only in tokens holding digits share a *pattern*; regexes
/// are run once per pattern (on its first line, all of them at once by a
/// ``FeatureMatcher``), so counting costs one dictionary lookup per line. A window's counts are exactly what
/// `count line in window where line matches /regex/` gives for lines of known
/// patterns; the loop re-runs every candidate through the interpreter anyway.
///
/// `@unchecked Sendable`: ``prepare(_:)`` runs once, before the
/// vocabulary is shared (the synthesizer prepares its proposer before the
/// loop); after it, everything but the pattern tables is read-only, and the
/// pattern tables (`patternIDs`, `matchesOfPattern`), which ``counts(of:)``
/// extends with the patterns of unseen lines, are read and written only under `lock`.
final class LineVocabulary: @unchecked Sendable {
    let layout: LineLayout
    private(set) var features: [LineFeature] = []
    /// Templates of lines labeled normal in some training window (the routine templates).
    private(set) var routine: Set<Int> = []
    /// Alert templates: on lines labeled abnormal in at least ``alertSupport`` training windows
    /// and on none labeled normal.
    private(set) var alerts: Set<Int> = []
    /// The alert feature's index, when the corpus has alert templates.
    private var alertFeature: Int?
    /// Windows whose abnormal lines must show a template (and no normal line does) for it to be an alert template.
    static let alertSupport = 2
    /// For each template, in how many windows it is on a line labeled normal and on one labeled abnormal.
    private var lineLabels: [Int: (normal: Int, abnormal: Int)] = [:]
    /// Matches lines against the features' regexes (set once the features are known).
    private var matcher = FeatureMatcher(patterns: [])
    private var patternIDs: [[String?]: Int] = [:]
    /// For each pattern, the features its lines match (sorted).
    private var matchesOfPattern: [[Int32]] = []
    private let lock = NSLock()
    /// Each corpus window's counts.
    private(set) var corpus: [WindowCounts] = []

    init(layout: LineLayout) {
        self.layout = layout
    }

    /// Mines templates on the corpus lines and counts every window; with `countingWindows` false,
    /// only the templates and which of them are routine and alerts (``routineRegexes(keeping:)``,
    /// ``alertRegexes()``), and no window is counted.
    func prepare(_ labeled: [LabeledWindow], countingWindows: Bool = true) {
        let windows = labeled.map(\.window)
        var drain = Drain(settings: { var s = DrainSettings(); s.masking = .all; return s }())
        var representatives: [[UInt8]] = []
        var linePatterns: [[Int]] = []
        var local: [[String?]: Int] = [:]
        for window in windows {
            var ids: [Int] = []
            ids.reserveCapacity(window.count)
            for line in 0..<window.count {
                let pieces = window.withLine(line) { LineTemplates.pieces($0) }
                if let id = local[pieces] { ids.append(id); continue }
                let id = representatives.count
                local[pieces] = id
                let bytes = window.withLine(line) { Array($0) }
                representatives.append(bytes)
                _ = bytes.withUnsafeBytes { drain.add(layout.content($0)) }
                ids.append(id)
            }
            linePatterns.append(ids)
        }
        // Templates, abstracted and de-duplicated by their regex.
        var byRegex: [String: Int] = [:]
        var names = Set<String>()
        var compiled: [Pattern] = []
        func addFeature(_ kind: LineFeature.Kind, regex: String, words: String, name: String) {
            guard byRegex[regex] == nil, let pattern = try? Pattern(bytes: Array(regex.utf8)) else { return }
            var unique = name
            var suffix = 2
            while names.contains(unique) { unique = name + "_\(suffix)"; suffix += 1 }
            names.insert(unique)
            byRegex[regex] = features.count
            features.append(LineFeature(kind: kind, regex: regex, words: words, name: unique))
            compiled.append(pattern)
        }
        var phrases: [String] = []
        for cluster in drain.clusters.sorted(by: { ($0.size, -$0.id) > ($1.size, -$1.id) }) {
            let tokens = drain.template(cluster.id).split(separator: " ").map(String.init)
            guard let rendered = Self.templateRegex(tokens) else { continue }
            addFeature(.template, regex: rendered.regex, words: rendered.words, name: rendered.name)
            if let index = byRegex[rendered.regex], templateParts[index] == nil {
                templateParts[index] = rendered.parts
            }
            phrases += Self.phrases(tokens)
        }
        // Two-word phrases: shared by templates that differ elsewhere, so they carry over to messages not seen yet.
        for phrase in phrases {
            addFeature(.phrase, regex: #"\b"# + LineTemplates.escape(phrase) + #"\b"#, words: phrase, name: Self.identifier(phrase))
        }
        // Level and component values, by field position.
        for (kind, field) in [(LineFeature.Kind.level, layout.levelField), (.component, layout.componentField)] {
            guard let field else { continue }
            var values: [String: Int] = [:]
            var withProcessID = Set<String>()
            for bytes in representatives {
                let fields = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
                guard fields.count > field + 1 else { continue }
                let (value, hadProcessID) = Self.withoutProcessID(String(decoding: fields[field], as: UTF8.self))
                guard !value.contains(where: \.isNumber), value.count <= 40 else { continue }
                values[value, default: 0] += 1
                if hadProcessID { withProcessID.insert(value) }
            }
            for value in values.keys.sorted() {
                var escaped = LineTemplates.escape(value)
                if withProcessID.contains(value) {
                    // The process id goes where it was cut out: before a closing colon, or at the end.
                    let colon = value.hasSuffix(":")
                    escaped = LineTemplates.escape(colon ? String(value.dropLast()) : value) + #"(?:\[\d+\])?"# + (colon ? #"\:"# : "")
                }
                let regex = #"^(?:\S+\s+){\#(field)}"# + escaped + #"\s"#
                addFeature(kind, regex: regex, words: "\(kind.rawValue) \(value)", name: Self.identifier(kind.rawValue + " " + value))
            }
        }
        // Families: the first words that templates share, from the templates' parts.
        for prefix in Self.familyPrefixes(templateParts.keys.sorted().map { templateParts[$0]! }) {
            let words = prefix.map { $0 == #"\S+"# ? "…" : $0.replacingOccurrences(of: "\\", with: "") }.joined(separator: " ")
            let regex = prefix.joined(separator: " ") + #"(?:\s|$)"#
            addFeature(.family, regex: regex, words: words + " …", name: Self.identifier(words) + "_family")
            if let index = byRegex[regex], features[index].kind == .family { familyParts[index] = prefix }
        }
        isFamily = features.map { $0.kind == .family }
        matcher = FeatureMatcher(patterns: compiled)
        let found = matcher.matches(representatives)
        lock.withLock {
            for (id, bytes) in representatives.enumerated() {
                matchesOfPattern.append(found[id])
                patternIDs[bytesPieces(bytes)] = id
            }
        }
        if countingWindows { corpus = zip(linePatterns, windows).map { counts(patterns: $0, span: Self.span(of: $1)) } }
        // Routine templates: those of lines labeled normal, in normal training windows and,
        // where the input labels lines, in abnormal ones too (a register dump logged next to
        // a failure is as routine as one logged alone). A training window's own templates
        // must occur in another window to count as routine for it (leave one out), so the
        // learner sees how often a new template turns up in routine windows it has not seen,
        // as it will on new data.
        var ownRoutine: [Set<Int32>] = []
        var ownAbnormal: [Set<Int32>] = []
        for (index, window) in labeled.enumerated() {
            var own = Set<Int32>()
            var abnormal = Set<Int32>()
            for (position, pattern) in linePatterns[index].enumerated() {
                let templates = matchesOfPattern[pattern].filter { features[Int($0)].kind == .template || isFamily[Int($0)] }
                if window.isNormalLine(position) { own.formUnion(templates) } else { abnormal.formUnion(templates) }
            }
            for feature in own { lineLabels[Int(feature), default: (0, 0)].normal += 1 }
            for feature in abnormal { lineLabels[Int(feature), default: (0, 0)].abnormal += 1 }
            ownRoutine.append(own)
            ownAbnormal.append(abnormal)
        }
        routine = Set(lineLabels.filter { $0.value.normal > 0 && !isFamily[$0.key] }.keys)
        // A family is routine when two of its templates are and every training line of it
        // follows a routine template: no line only ever seen on anomalies shares its first words.
        // One pass over the routine templates' prefixes and one over the line patterns.
        let familyOfPrefix = Dictionary(uniqueKeysWithValues: familyParts.map { ($0.value, $0.key) })
        var routineMembers: [Int: Int] = [:]
        for template in routine {
            guard let parts = templateParts[template] else { continue }
            for end in parts.indices {
                if let family = familyOfPrefix[Array(parts[...end])] { routineMembers[family, default: 0] += 1 }
            }
        }
        var unroutineLines = Set<Int>()
        for found in matchesOfPattern where !found.contains(where: { routine.contains(Int($0)) }) {
            for feature in found where isFamily[Int(feature)] { unroutineLines.insert(Int(feature)) }
        }
        let routineFamilies = Set(familyParts.keys.filter { family in
            lineLabels[family] != nil && routineMembers[family, default: 0] >= 2 && !unroutineLines.contains(family)
        })
        for family in familyParts.keys where !routineFamilies.contains(family) { lineLabels[family] = nil }
        for index in ownRoutine.indices { ownRoutine[index] = ownRoutine[index].filter { lineLabels[Int($0)] != nil } }
        routine.formUnion(routineFamilies)
        // Per level, the lines at that level that follow no routine template.
        for (index, feature) in features.enumerated() where feature.kind == .level {
            derived.append((features.count, index))
            features.append(LineFeature(kind: .unusualLevel, regex: feature.regex, words: feature.words, name: "unusual_" + feature.name))
        }
        if countingWindows { numberSlots(windows, linePatterns: linePatterns) }
        // Alert templates, then their feature (the last, so that counts stay in feature order).
        alerts = Set(lineLabels.filter { !isFamily[$0.key] && $0.value.normal == 0 && $0.value.abnormal >= Self.alertSupport }.keys)
        guard countingWindows else { return }
        if !alerts.isEmpty {
            alertFeature = features.count
            features.append(LineFeature(kind: .alert, regex: "", words: "lines that follow an alert template", name: "alert_lines"))
        }
        // Templates that may be alerts for a window that shows them (leaving it out removes at most one of each count).
        let mayAlert = Set(lineLabels.filter { !isFamily[$0.key] && $0.value.normal <= 1 && $0.value.abnormal >= Self.alertSupport }.keys)
        let table = matchesOfPattern
        let labels = lineLabels
        for (index, patterns) in linePatterns.enumerated() {
            let own = ownRoutine[index], ownAlerts = ownAbnormal[index]
            let unusual = { (pattern: Int) in !table[pattern].contains { (labels[Int($0)]?.normal ?? 0) - (own.contains($0) ? 1 : 0) >= 1 } }
            corpus[index].unroutine = patterns.filter(unusual).count
            addDerived(&corpus[index], patterns: patterns, table: table, isUnroutine: unusual)
            addNumbers(&corpus[index], window: windows[index], patterns: patterns, table: table)
            // Alerts as learned without this window, as for the routine templates.
            let alert = { (pattern: Int) in
                table[pattern].contains { template in
                    guard mayAlert.contains(Int(template)), let label = labels[Int(template)] else { return false }
                    return label.normal - (own.contains(template) ? 1 : 0) == 0
                        && label.abnormal - (ownAlerts.contains(template) ? 1 : 0) >= Self.alertSupport
                }
            }
            addAlerts(&corpus[index], patterns: patterns, isAlert: alert)
        }
    }

    /// The routine templates' regexes, in feature order. With `learned` (the routine regexes of
    /// an earlier vocabulary), a template not among them is kept only when it is on lines labeled
    /// normal in at least as many windows as on lines labeled abnormal: where lines take their
    /// session's label, one normal session is weak evidence.
    /// A template of a routine family is left out: the family's regex matches its lines.
    func routineRegexes(keeping learned: Set<String>? = nil) -> [String] {
        let families = routine.compactMap { familyParts[$0] }
        return routine.sorted().filter { template in
            if let parts = templateParts[template], isFamily[template] == false,
               families.contains(where: { parts.starts(with: $0) }) { return false }
            guard let learned, !learned.contains(features[template].regex) else { return true }
            let labels = lineLabels[template] ?? (0, 0)
            return labels.normal >= labels.abnormal
        }.map { features[$0].regex }
    }

    /// The alert templates' regexes, in feature order.
    func alertRegexes() -> [String] {
        alerts.sorted().map { features[$0].regex }
    }

    /// Adds the alert feature to a window's counts: its lines that follow an alert template.
    private func addAlerts(_ counts: inout WindowCounts, patterns: [Int], isAlert: (Int) -> Bool) {
        guard let alertFeature else { return }
        Self.add(alertFeature, to: &counts, patterns: patterns, where: isAlert)
    }

    /// Adds `feature` to a window's counts with the lines whose pattern `holds` for, unless there are none.
    private static func add(_ feature: Int, to counts: inout WindowCounts, patterns: [Int], where holds: (Int) -> Bool) {
        var count = 0, first = 0, last = 0
        for (position, pattern) in patterns.enumerated() where holds(pattern) {
            if count == 0 { first = position }
            last = position
            count += 1
        }
        guard count > 0 else { return }
        counts.counts.append((feature, count))
        counts.positions.append((first, last))
    }

    /// Derived features: (its index, the level feature it refines).
    private var derived: [(feature: Int, level: Int)] = []
    /// The regex parts (one per token) of each template feature.
    private var templateParts: [Int: [String]] = [:]
    /// The regex parts of each family feature: the first parts of its templates.
    private var familyParts: [Int: [String]] = [:]
    /// Whether each feature is a family (which the windows' counts leave out).
    private var isFamily: [Bool] = []
    /// Number features: (its index, the template feature, the token position in the template's parts).
    private var numbers: [(feature: Int, template: Int, slot: Int)] = []

    /// Whether a feature counts lines (numbers are values, not counts: no relations or order between them).
    func isCount(_ feature: Int) -> Bool { features[feature].kind != .number }

    /// A line's whitespace-separated tokens.
    private static func tokens(_ line: UnsafeBufferPointer<UInt8>) -> [ArraySlice<UInt8>] {
        Array(line).split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
    }

    /// The integer a template's line (as `tokens`) holds at `slot` of its `parts`, aligned from the line's end.
    private static func number(in tokens: [ArraySlice<UInt8>], slot: Int, of parts: Int) -> Int? {
        let index = tokens.count - parts + slot
        guard index >= 0, index < tokens.count else { return nil }
        let token = tokens[index]
        guard !token.isEmpty, token.count <= 10, token.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(String(decoding: token, as: UTF8.self)).flatMap { $0 <= Int(Int32.max) ? $0 : nil }
    }

    /// Adds the number features to a window's counts: the largest value per (template, slot) among its lines.
    /// Only lines of a template with number features are tokenised, each once.
    private func addNumbers(_ counts: inout WindowCounts, window: Window, patterns: [Int], table: [[Int32]]) {
        guard !numbers.isEmpty else { return }
        var tokens: [Int: [ArraySlice<UInt8>]] = [:]
        for (feature, template, slot) in numbers {
            guard let parts = templateParts[template] else { continue }
            var largest: Int?, first = 0, last = 0
            for (position, pattern) in patterns.enumerated() where table[pattern].contains(Int32(template)) {
                if tokens[position] == nil { tokens[position] = window.withLine(position, Self.tokens) }
                guard let value = Self.number(in: tokens[position]!, slot: slot, of: parts.count) else { continue }
                if largest == nil { first = position }
                last = position
                largest = max(largest ?? value, value)
            }
            guard let largest, largest > 0 else { continue }
            counts.counts.append((feature, largest))
            counts.positions.append((first, last))
        }
    }

    /// Template positions whose tokens are integers on (nearly) every training line, with varying values.
    private func numberSlots(_ windows: [Window], linePatterns: [[Int]]) {
        var numeric: [[Int]: (numbers: Int, total: Int, values: Set<Int>)] = [:]
        let table = matchesOfPattern
        for (window, patterns) in zip(windows, linePatterns) {
            for (position, pattern) in patterns.enumerated() {
                var tokens: [ArraySlice<UInt8>]?
                for template in table[pattern] where templateParts[Int(template)] != nil {
                    let parts = templateParts[Int(template)]!
                    for slot in parts.indices where parts[slot] == #"\S+"# {
                        if tokens == nil { tokens = window.withLine(position, Self.tokens) }
                        var entry = numeric[[Int(template), slot]] ?? (0, 0, [])
                        entry.total += 1
                        if let value = Self.number(in: tokens!, slot: slot, of: parts.count) {
                            entry.numbers += 1
                            if entry.values.count < 3 { entry.values.insert(value) }
                        }
                        numeric[[Int(template), slot]] = entry
                    }
                }
            }
        }
        for key in numeric.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let entry = numeric[key]!
            guard entry.total >= 5, Double(entry.numbers) >= 0.99 * Double(entry.total), entry.values.count >= 2 else { continue }
            let (template, slot) = (key[0], key[1])
            var parts = templateParts[template]!
            parts[slot] = #"(\S+)"#
            let words = features[template].words.split(separator: " ")
            let before = words.prefix(slot).suffix(2).joined(separator: " ")
            numbers.append((features.count, template, slot))
            features.append(LineFeature(kind: .number, regex: parts.joined(separator: " ") + "$",
                                        words: "the largest number after '\(before)' in \"\(features[template].words)\"",
                                        name: "largest_" + Self.identifier(before.isEmpty ? features[template].name : before)))
        }
    }

    private func addDerived(_ counts: inout WindowCounts, patterns: [Int], table: [[Int32]], isUnroutine: (Int) -> Bool) {
        for (feature, level) in derived {
            Self.add(feature, to: &counts, patterns: patterns) { table[$0].contains(Int32(level)) && isUnroutine($0) }
        }
    }

    /// The counts of any window (corpus or not).
    func counts(of window: Window) -> WindowCounts {
        var patterns: [Int] = []
        patterns.reserveCapacity(window.count)
        // Lines of patterns not seen yet are matched together, then given their pattern ids.
        var unknown: [(line: Int, pieces: [String?])] = []
        for line in 0..<window.count {
            let pieces = window.withLine(line) { LineTemplates.pieces($0) }
            let known = lock.withLock { patternIDs[pieces] }
            patterns.append(known ?? -1)
            if known == nil { unknown.append((line, pieces)) }
        }
        if !unknown.isEmpty {
            let found = matcher.matches(unknown.map { entry in window.withLine(entry.line) { Array($0) } })
            lock.withLock {
                for (index, entry) in unknown.enumerated() {
                    if let raced = patternIDs[entry.pieces] {
                        patterns[entry.line] = raced
                        continue
                    }
                    matchesOfPattern.append(found[index])
                    patternIDs[entry.pieces] = matchesOfPattern.count - 1
                    patterns[entry.line] = matchesOfPattern.count - 1
                }
            }
        }
        var result = counts(patterns: patterns, span: Self.span(of: window))
        result.unroutine = patterns.filter { isUnroutine(pattern: $0) }.count
        let table = lock.withLock { matchesOfPattern }
        addDerived(&result, patterns: patterns, table: table, isUnroutine: isUnroutine(pattern:))
        addNumbers(&result, window: window, patterns: patterns, table: table)
        let alerts = self.alerts
        addAlerts(&result, patterns: patterns) { pattern in table[pattern].contains { alerts.contains(Int($0)) } }
        return result
    }

    private func isUnroutine(pattern: Int) -> Bool {
        let found = lock.withLock { matchesOfPattern[pattern] }
        return !found.contains { routine.contains(Int($0)) }
    }

    private func bytesPieces(_ bytes: [UInt8]) -> [String?] {
        bytes.withUnsafeBufferPointer { LineTemplates.pieces($0) }
    }

    private func counts(patterns: [Int], span: Int) -> WindowCounts {
        var counts: [Int: (count: Int, first: Int, last: Int)] = [:]
        let table = lock.withLock { matchesOfPattern }
        for (position, pattern) in patterns.enumerated() {
            for feature in table[pattern] where !isFamily[Int(feature)] {
                let feature = Int(feature)
                if let known = counts[feature] {
                    counts[feature] = (known.count + 1, known.first, position)
                } else {
                    counts[feature] = (1, position, position)
                }
            }
        }
        let sorted = counts.sorted { $0.key < $1.key }
        return WindowCounts(counts: sorted.map { ($0.key, $0.value.count) }, lines: patterns.count, unroutine: 0,
                            positions: sorted.map { ($0.value.first, $0.value.last) }, span: span)
    }

    /// How long a session took: seconds from its earliest to its latest line
    /// timestamp (0 with fewer than two). Count and time windows get 0, so no
    /// rule is learned on their span: it measures how fast the log was written,
    /// which changes with load and between a sampled file and the live log
    /// (BGL_2k holds 2,000 lines drawn from seven months, so its windows of 20
    /// lines span days; in the live log they span seconds).
    static func span(of window: Window) -> Int {
        guard window.key != nil else { return 0 }
        let known = window.timestamps.filter { $0 != Window.noTimestamp }
        guard let low = known.min(), let high = known.max() else { return 0 }
        return Int((high - low) / 1000)
    }

    // MARK: Rendering templates

    /// A Drain template as a regex on the whole line: literal tokens escaped,
    /// variables as `\S+`, tokens that name one thing (holding digits, paths,
    /// `key=value`, addresses) abstracted after their alphabetic prefix, and
    /// anchored at the line's end. `nil` when nothing literal and telling remains.
    static func templateRegex(_ tokens: [String]) -> (regex: String, words: String, name: String, parts: [String])? {
        var parts: [String] = []
        var words: [String] = []
        var nameWords: [String] = []
        var literalLetters = 0
        for token in tokens {
            let (prefix, isVariable) = abstracted(token)
            if isVariable {
                parts.append(prefix.isEmpty ? #"\S+"# : LineTemplates.escape(prefix) + #"\S*"#)
                words.append(prefix.isEmpty ? "…" : prefix + "…")
            } else {
                parts.append(LineTemplates.escape(prefix))
                words.append(prefix)
                literalLetters += prefix.filter(\.isLetter).count
                let word = prefix.filter { $0.isLetter }
                if word.count >= 2, nameWords.count < 3 { nameWords.append(word) }
            }
        }
        guard literalLetters >= 4 else { return nil }
        // Leading variables say nothing; trailing ones are anchored by `$`.
        while parts.first == #"\S+"# { parts.removeFirst(); words.removeFirst() }
        let regex = parts.joined(separator: " ") + "$"
        return (regex, words.joined(separator: " "), identifier(nameWords.joined(separator: " ")), parts)
    }

    /// The first parts that templates share, where they make at least half of each template's
    /// parts and hold four literal tokens: templates sorted by their parts, each next to the
    /// one it shares the most with, so every maximal shared prefix is between two neighbours.
    static func familyPrefixes(_ templates: [[String]]) -> [[String]] {
        let sorted = templates.sorted { $0.lexicographicallyPrecedes($1) }
        var prefixes = Set<[String]>()
        for (first, second) in zip(sorted, sorted.dropFirst()) {
            let shared = zip(first, second).prefix { $0 == $1 }.count
            let longer = max(first.count, second.count)
            guard shared < longer, 2 * shared >= longer else { continue }
            let prefix = Array(first.prefix(shared))
            guard prefix.filter({ !$0.contains(#"\S"#) }).count >= 4 else { continue }
            prefixes.insert(prefix)
        }
        return prefixes.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// A syslog-style component without its process id (`sshd[2915]:` is `sshd:`, `crond[7]` is
    /// `crond`), and whether it had one: the program, not the process, is what a rule can name.
    static func withoutProcessID(_ field: String) -> (String, Bool) {
        let colon = field.hasSuffix(":")
        let body = colon ? field.dropLast() : Substring(field)
        guard body.hasSuffix("]"), let open = body.lastIndex(of: "["), open > body.startIndex else { return (field, false) }
        let digits = body[body.index(after: open)..<body.index(before: body.endIndex)]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return (field, false) }
        return (String(body[..<open]) + (colon ? ":" : ""), true)
    }

    /// Pairs of adjacent literal words of a template (letters only, three or more each).
    static func phrases(_ tokens: [String]) -> [String] {
        let words = tokens.map { token -> String? in
            let (literal, isVariable) = abstracted(token)
            guard !isVariable else { return nil }
            let word = literal.trimmingCharacters(in: .punctuationCharacters)
            return word.count >= 3 && word.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }) && word == literal.trimmingCharacters(in: .init(charactersIn: ",.:;")) ? word : nil
        }
        var result: [String] = []
        for index in words.indices.dropLast() {
            if let first = words[index], let second = words[index + 1] { result.append(first + " " + second) }
        }
        return result
    }

    /// A token as (literal, false) or as (alphabetic prefix, true) when it is a variable.
    private static func abstracted(_ token: String) -> (String, Bool) {
        if token == "<*>" { return ("", true) }
        let cut = token.firstIndex { $0.isNumber || $0 == "/" || $0 == "=" || $0 == "@" || $0 == "<" || $0 == "\\" }
        guard let cut else { return (token, false) }
        var prefix = String(token[..<cut])
        if token[cut] == "=" { prefix.append("=") }
        return (prefix.filter(\.isLetter).count >= 2 ? prefix : "", true)
    }

    /// Names a binding must not take: keywords, builtins and the quantifier variables.
    static let reservedNames: Set<String> = Set([
        "window", "line", "routine", "alerts", "alert_lines", "lines", "unusual", "size", "duration", "any", "all", "filter", "first", "count", "sum", "min", "max", "mean",
        "percentile", "numbers", "captures", "capture", "sequence", "unpaired", "distinct", "lower", "upper", "length",
        "int", "float", "abs", "div", "span",
    ]).union(Keyword.allCases.map(\.rawValue))

    /// A snake_case identifier from words.
    static func identifier(_ text: String) -> String {
        var out = ""
        var lastUnderscore = true
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
                lastUnderscore = false
            } else if !lastUnderscore {
                out.append("_")
                lastUnderscore = true
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        if out.isEmpty || out.first!.isNumber { out = "m_" + out }
        if out.count > 32 { out = String(out.prefix(32)); while out.hasSuffix("_") { out.removeLast() } }
        if reservedNames.contains(out) { out += "_lines" }
        return out
    }
}

/// A window as the learner sees it: how many of its lines match each feature
/// (and where the first and last of them are), how many lines it has, how many
/// follow no routine template, and how long it spans.
struct WindowCounts: Hashable, Sendable {
    var counts: [(Int, Int)]
    var lines: Int
    var unroutine: Int
    /// The first and last line position of each feature in `counts`, in the same order.
    var positions: [(Int, Int)] = []
    /// Seconds from the first to the last timestamp.
    var span = 0

    static func == (a: WindowCounts, b: WindowCounts) -> Bool {
        a.lines == b.lines && a.unroutine == b.unroutine && a.span == b.span && a.counts.elementsEqual(b.counts, by: { $0 == $1 })
            && a.positions.elementsEqual(b.positions, by: { $0 == $1 })
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(lines)
        hasher.combine(unroutine)
        hasher.combine(span)
        for (feature, count) in counts { hasher.combine(feature); hasher.combine(count) }
        for (first, last) in positions { hasher.combine(first); hasher.combine(last) }
    }

    private func index(of feature: Int) -> Int? {
        var low = 0, high = counts.count
        while low < high {
            let mid = (low + high) / 2
            if counts[mid].0 == feature { return mid }
            if counts[mid].0 < feature { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    func count(_ feature: Int) -> Int {
        index(of: feature).map { counts[$0].1 } ?? 0
    }

    /// Whether a line matching `first` comes before a (later) line matching `then`.
    func follows(_ first: Int, then: Int) -> Bool {
        guard let a = index(of: first), let b = index(of: then), a < positions.count, b < positions.count else { return false }
        return positions[a].0 < positions[b].1
    }
}
