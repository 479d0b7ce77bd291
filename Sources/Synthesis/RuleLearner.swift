import Foundation

/// A number the learner reads off a window.
enum Quantity: Hashable, Comparable, Sendable {
    /// Lines matching a vocabulary feature.
    case feature(Int)
    /// Lines that follow no routine template.
    case unroutine
    /// All lines of the window.
    case lines
    /// Seconds from the window's first to its last timestamp.
    case span

    func value(in window: WindowCounts) -> Int {
        switch self {
        case .feature(let feature): window.count(feature)
        case .unroutine: window.unroutine
        case .lines: window.lines
        case .span: window.span
        }
    }
}

/// One test on a window's counts; a learned rule is a conjunction of them.
enum Condition: Hashable, Comparable, Sendable {
    case atLeast(Quantity, Int)
    case atMost(Quantity, Int)
    case equal(Quantity, Quantity)
    case notEqual(Quantity, Quantity)
    case less(Quantity, Quantity)
    /// A line of the first feature is followed by a line of the second.
    case follows(Int, Int)
    /// No line of the second feature comes after a line of the first.
    case notFollows(Int, Int)

    var quantities: [Quantity] {
        switch self {
        case .atLeast(let q, _), .atMost(let q, _): [q]
        case .equal(let a, let b), .notEqual(let a, let b), .less(let a, let b): [a, b]
        case .follows(let a, let b), .notFollows(let a, let b): [.feature(a), .feature(b)]
        }
    }

    /// Relations between two counts are harder to read than a threshold: on equal gain, thresholds win.
    var complexity: Int {
        switch self {
        case .atLeast, .atMost: 0
        case .equal, .notEqual, .less, .follows, .notFollows: 1
        }
    }
}

/// Sequential covering in the RIPPER / CN2 style, one rule at a time.
///
/// The training windows of the request are reduced to their distinct count
/// vectors, each weighted by how many target and opposite windows share it.
/// A rule grows from the anchor window: every candidate condition holds on
/// the anchor (thresholds at values the data shows, presence and absence of
/// each feature, equalities and orderings of two counts the anchor has), and
/// the one with the highest FOIL information gain joins, until the rule
/// covers no opposite window (or reaches the precision goal, for noisy
/// labels). Pruning then drops every condition whose removal does not lower
/// (p − n) / (p + n), so a rule says no more than the data needs.
struct RuleLearner {
    struct Row {
        var counts: WindowCounts
        var targets: Double
        var opposites: Double
    }

    let rows: [Row]
    /// How candidate conditions are ranked while a rule grows.
    enum Bias: Sendable {
        /// FOIL information gain: broad rules, specialised until they exclude the opposites.
        case gain
        /// Laplace precision, (p + 1) / (p + n + 2): the purest condition first (CN2's choice),
        /// so a narrow, exact rule is proposed next to the broad one.
        case precision
    }
    var bias = Bias.gain
    /// How general each feature is (lower first on equal gain): shorter regexes assume less.
    var generality: (Int) -> Int = { _ in 0 }
    /// Whether a feature counts lines; others (numbers) take thresholds only, no relations or order.
    var isCount: (Int) -> Bool = { _ in true }
    /// Whether a regex names a feature's lines, so that a rule can say they follow another's;
    /// others (lines at a level that follow no routine template) take no order.
    var isOrdered: (Int) -> Bool = { _ in true }
    /// Whether a rule of this request may test a feature at all.
    var isUsable: (Int) -> Bool = { _ in true }
    /// Fewest target windows a condition must hold on; relations between two counts need more,
    /// counting only the windows where the relation does not hold merely because a count is zero.
    var minimumSupport = 2.0
    var minimumRelationSupport = 10.0
    /// Stop growing once this share of the covered training windows are targets.
    var precisionGoal = 1.0
    /// Most conditions in one rule.
    var maximumConditions = 5
    /// Thresholds tried per count and direction.
    var thresholdsPerQuantity = 8
    /// Whether a threshold on a feature, and a relation or an order between two features, is
    /// ranked over the rows that hold the features (otherwise over every covered row, as other
    /// conditions are; the tests compare the two).
    var ranksByFeature = true

    /// `denseLimit`: most rows × features laid out densely (``Columns/denseLimit``; tests lower it).
    init(targets: [WindowCounts], opposites: [WindowCounts], denseLimit: Int = Columns.denseLimit) {
        var index: [WindowCounts: Int] = [:]
        var rows: [Row] = []
        for (window, isTarget) in targets.map({ ($0, true) }) + opposites.map({ ($0, false) }) {
            let at = index[window] ?? rows.count
            if at == rows.count { index[window] = at; rows.append(Row(counts: window, targets: 0, opposites: 0)) }
            if isTarget { rows[at].targets += 1 } else { rows[at].opposites += 1 }
        }
        self.rows = rows
        columns = Columns(rows.map(\.counts), denseLimit: denseLimit)
        (totalTargets, totalOpposites) = rows.reduce((0.0, 0.0)) { ($0.0 + $1.targets, $0.1 + $1.opposites) }
    }

    /// The target and opposite weight of all rows.
    private let totalTargets: Double
    private let totalOpposites: Double

    /// Every row's quantities, kept by feature: for each feature the rows where it is not zero,
    /// with its count there, so that a threshold on a feature is ranked over the rows that hold
    /// it alone. A condition on any row reads a dense table (one array read) while rows ×
    /// features stay within ``Columns/denseLimit``; past it (a vocabulary of thousands of
    /// templates over many distinct windows) a row's counts are searched instead, so memory
    /// grows with the counts the rows hold rather than with rows × features.
    struct Columns {
        /// Per feature id: the rows where it is not zero, ascending, and its value in each.
        let rowsOf: [[Int32]]
        let valuesOf: [[Int32]]
        /// Per feature id, in the order of `rowsOf`: the first and last line position of its
        /// lines in each row (-1 when the row does not say).
        let firstsOf: [[Int32]]
        let lastsOf: [[Int32]]
        let counts: [WindowCounts]
        /// The dense table; read only when `isDense` (otherwise it is empty).
        let dense: Dense
        let isDense: Bool
        /// Whether a row lists a feature with a count of zero (its order still reads its positions).
        let hasZeroCounts: Bool

        /// Row-major: `features` feature counts, then unroutine, lines, span; the first and
        /// last line position of each feature per row (-1 when absent).
        struct Dense {
            let features: Int
            let values: [Int32]
            let firsts: [Int32]
            let lasts: [Int32]
        }

        /// Most rows × features laid out densely.
        static let denseLimit = 4_000_000

        init(_ rows: [WindowCounts], denseLimit: Int) {
            let features = (rows.flatMap { $0.counts.map(\.0) }.max() ?? -1) + 1
            var rowsOf = [[Int32]](repeating: [], count: features)
            var valuesOf = [[Int32]](repeating: [], count: features)
            var firstsOf = [[Int32]](repeating: [], count: features)
            var lastsOf = [[Int32]](repeating: [], count: features)
            for (row, window) in rows.enumerated() {
                for (slot, (feature, count)) in window.counts.enumerated() where count != 0 {
                    rowsOf[feature].append(Int32(row))
                    valuesOf[feature].append(Int32(clamping: count))
                    let known = slot < window.positions.count
                    firstsOf[feature].append(known ? Int32(clamping: window.positions[slot].0) : -1)
                    lastsOf[feature].append(known ? Int32(clamping: window.positions[slot].1) : -1)
                }
            }
            self.rowsOf = rowsOf
            self.valuesOf = valuesOf
            self.firstsOf = firstsOf
            self.lastsOf = lastsOf
            hasZeroCounts = rows.contains { $0.counts.contains { $0.1 == 0 } }
            counts = rows
            isDense = rows.count * (features + 3) <= denseLimit
            dense = isDense ? Self.dense(rows, features: features) : Dense(features: 0, values: [], firsts: [], lasts: [])
        }

        private static func dense(_ rows: [WindowCounts], features: Int) -> Dense {
            let width = features + 3
            var values = [Int32](repeating: 0, count: rows.count * width)
            var firsts = [Int32](repeating: -1, count: rows.count * features)
            var lasts = [Int32](repeating: -1, count: rows.count * features)
            for (row, window) in rows.enumerated() {
                for (slot, (feature, count)) in window.counts.enumerated() {
                    values[row * width + feature] = Int32(clamping: count)
                    if slot < window.positions.count {
                        firsts[row * features + feature] = Int32(clamping: window.positions[slot].0)
                        lasts[row * features + feature] = Int32(clamping: window.positions[slot].1)
                    }
                }
                values[row * width + features] = Int32(clamping: window.unroutine)
                values[row * width + features + 1] = Int32(clamping: window.lines)
                values[row * width + features + 2] = Int32(clamping: window.span)
            }
            return Dense(features: features, values: values, firsts: firsts, lasts: lasts)
        }

        @inline(__always) func value(_ quantity: Quantity, row: Int) -> Int {
            if isDense {
                let width = dense.features + 3
                switch quantity {
                case .feature(let feature): return feature < dense.features ? Int(dense.values[row * width + feature]) : 0
                case .unroutine: return Int(dense.values[row * width + dense.features])
                case .lines: return Int(dense.values[row * width + dense.features + 1])
                case .span: return Int(dense.values[row * width + dense.features + 2])
                }
            }
            switch quantity {
            case .feature(let feature): return Int(Int32(clamping: counts[row].count(feature)))
            case .unroutine: return Int(Int32(clamping: counts[row].unroutine))
            case .lines: return Int(Int32(clamping: counts[row].lines))
            case .span: return Int(Int32(clamping: counts[row].span))
            }
        }

        /// The rows where `feature` is not zero and its values there (none for an unknown feature).
        @inline(__always) func column(_ feature: Int) -> (rows: [Int32], values: [Int32]) {
            feature < rowsOf.count ? (rowsOf[feature], valuesOf[feature]) : ([], [])
        }

        /// The first and last line positions of `feature` in the rows of ``column(_:)``, in its order.
        @inline(__always) func positions(_ feature: Int) -> (firsts: [Int32], lasts: [Int32]) {
            feature < firstsOf.count ? (firstsOf[feature], lastsOf[feature]) : ([], [])
        }

        @inline(__always) func follows(_ first: Int, then: Int, row: Int) -> Bool {
            guard isDense else { return counts[row].follows(first, then: then) }
            guard first < dense.features, then < dense.features else { return false }
            let a = dense.firsts[row * dense.features + first], b = dense.lasts[row * dense.features + then]
            return a >= 0 && b >= 0 && a < b
        }

        /// Whether a relation holds where a count it relates is zero: `a == b` with neither
        /// line present, `a != b` or `a < b` with one absent (a presence test in disguise, which
        /// the learner has as a condition of its own), no `b` after `a` with one missing.
        @inline(__always) func holdsVacuously(_ condition: Condition, row: Int) -> Bool {
            switch condition {
            case .equal(let a, let b), .notEqual(let a, let b), .less(let a, let b): value(a, row: row) == 0 || value(b, row: row) == 0
            case .notFollows(let a, let b): value(.feature(a), row: row) == 0 || value(.feature(b), row: row) == 0
            default: false
            }
        }

        @inline(__always) func holds(_ condition: Condition, row: Int) -> Bool {
            switch condition {
            case .atLeast(let q, let k): value(q, row: row) >= k
            case .atMost(let q, let k): value(q, row: row) <= k
            case .equal(let a, let b): value(a, row: row) == value(b, row: row)
            case .notEqual(let a, let b): value(a, row: row) != value(b, row: row)
            case .less(let a, let b): value(a, row: row) < value(b, row: row)
            case .follows(let a, let b): follows(a, then: b, row: row)
            case .notFollows(let a, let b): !follows(a, then: b, row: row)
            }
        }
    }

    private let columns: Columns

    /// Target and opposite weight of the rows where every condition holds.
    func coverage(_ conditions: [Condition]) -> (targets: Double, opposites: Double) {
        var p = 0.0, n = 0.0
        for index in rows.indices where conditions.allSatisfy({ columns.holds($0, row: index) }) {
            p += rows[index].targets
            n += rows[index].opposites
        }
        return (p, n)
    }

    /// Conditions that hold on `seed`, drawn from the values the rows show.
    func candidates(seed: WindowCounts) -> [Condition] {
        var present = Set<Int>()
        for row in rows { for (feature, _) in row.counts.counts { present.insert(feature) } }
        var quantities: [Quantity] = present.sorted().filter(isUsable).map { .feature($0) }
        quantities.append(.unroutine)
        quantities.append(.lines)
        quantities.append(.span)
        var result: [Condition] = []
        for quantity in quantities {
            let own = quantity.value(in: seed)
            let values = distinctValues(quantity)
            guard values.count > 1 else { continue }
            let below = values.filter { $0 >= 1 && $0 <= own }
            let above = values.filter { $0 >= own && $0 < values.last! }
            if case .feature(let feature) = quantity, !isCount(feature) {
                // A captured number: thresholds halfway between neighbouring values where the
                // classes change (the widest margin the data allows), at two significant digits.
                for (low, high) in boundaries(quantity, values: values) {
                    let middle = (low + high + 1) / 2
                    let up = Self.significant(middle, up: false), down = Self.significant(middle - 1, up: true)
                    if own >= high { result.append(.atLeast(quantity, up > low ? up : middle)) }
                    if own <= low { result.append(.atMost(quantity, down < high ? down : middle - 1)) }
                }
                continue
            }
            // Durations read better, and assume less, at two significant digits (rounded away from the seed).
            let round = quantity == .span
            for k in Set(Self.spread(below, thresholdsPerQuantity).map { round ? Self.significant($0, up: false) : $0 }).sorted() {
                result.append(.atLeast(quantity, k))
            }
            for k in Set(Self.spread(above, thresholdsPerQuantity).map { round ? Self.significant($0, up: true) : $0 }).sorted() {
                result.append(.atMost(quantity, k))
            }
        }
        // Relations between the counts the seed has, and the order of their lines.
        let features = seed.counts.map(\.0).filter { isCount($0) && isUsable($0) }.prefix(16)
        let held = features.map { Quantity.feature($0) } + [.lines]
        for (i, a) in held.enumerated() {
            for b in held.dropFirst(i + 1) {
                let (va, vb) = (a.value(in: seed), b.value(in: seed))
                if va == vb { result.append(.equal(a, b)) } else { result.append(.notEqual(a, b)); result.append(va < vb ? .less(a, b) : .less(b, a)) }
            }
        }
        let ordered = features.filter(isOrdered)
        for a in ordered {
            for b in ordered where a != b {
                result.append(seed.follows(a, then: b) ? .follows(a, b) : .notFollows(a, b))
            }
        }
        return result
    }

    /// The values `quantity` takes in the rows, ascending.
    private func distinctValues(_ quantity: Quantity) -> [Int] {
        guard case .feature(let feature) = quantity else {
            return Set(rows.indices.map { columns.value(quantity, row: $0) }).sorted()
        }
        let column = columns.column(feature)
        var values = Set(column.values.map(Int.init))
        if column.rows.count < rows.count { values.insert(0) }
        return values.sorted()
    }

    /// Neighbouring values of `quantity` between which the rows change from one class mix to another.
    private func boundaries(_ quantity: Quantity, values: [Int]) -> [(Int, Int)] {
        var mix: [Int: (Double, Double)] = [:]
        if case .feature(let feature) = quantity {
            // The rows without the feature make up the mix at zero.
            let column = columns.column(feature)
            var zero = (totalTargets, totalOpposites)
            for (row, value) in zip(column.rows, column.values) {
                let (p, n) = mix[Int(value)] ?? (0, 0)
                mix[Int(value)] = (p + rows[Int(row)].targets, n + rows[Int(row)].opposites)
                zero = (zero.0 - rows[Int(row)].targets, zero.1 - rows[Int(row)].opposites)
            }
            if column.rows.count < rows.count { mix[0] = zero }
        } else {
            for index in rows.indices {
                let value = columns.value(quantity, row: index)
                let (p, n) = mix[value] ?? (0, 0)
                mix[value] = (p + rows[index].targets, n + rows[index].opposites)
            }
        }
        func kind(_ value: Int) -> Int {
            let (p, n) = mix[value]!
            return p == 0 ? 0 : n == 0 ? 1 : 2
        }
        let pairs = zip(values, values.dropFirst()).filter { kind($0.0) != kind($0.1) || kind($0.0) == 2 }
        return Array(Self.spread(Array(pairs.indices), thresholdsPerQuantity).map { pairs[$0] })
    }

    /// `value` at two significant digits, rounded down or up.
    static func significant(_ value: Int, up: Bool) -> Int {
        var unit = 1
        while value / unit >= 100 { unit *= 10 }
        return up ? (value + unit - 1) / unit * unit : value / unit * unit
    }

    /// `count` values spread over `values` (all of them when there are few).
    static func spread(_ values: [Int], _ count: Int) -> [Int] {
        guard values.count > count else { return values }
        return (0..<count).map { values[$0 * (values.count - 1) / (count - 1)] }.reduce(into: [Int]()) { if $0.last != $1 { $0.append($1) } }
    }

    /// Grows a rule from `seed` out of `pool` (by default its candidates); `excludedFirst` are
    /// conditions the rule may not start with.
    func grow(seed: WindowCounts, pool given: [Condition]? = nil, excludedFirst: Set<Condition> = []) -> [Condition] {
        let pool = given ?? candidates(seed: seed)
        var covered = rows.indices.filter { rows[$0].targets + rows[$0].opposites > 0 }
        var conditions: [Condition] = []
        let (p, n) = weights(covered)
        if n == 0 {
            // No opposite window left: the condition of the seed that most targets share.
            return rank(pool, on: covered, p0: p, n0: n, excluding: excludedFirst).first.map { [$0.condition] } ?? []
        }
        while conditions.count < maximumConditions {
            let (p0, n0) = weights(covered)
            guard n0 > 0, p0 / (p0 + n0) < precisionGoal else { break }
            let ranked = rank(pool, on: covered, p0: p0, n0: n0, excluding: conditions.isEmpty ? excludedFirst : Set(conditions))
            guard let best = ranked.first, best.gain > 0 else { break }
            conditions.append(best.condition)
            covered = covered.filter { columns.holds(best.condition, row: $0) }
        }
        return prune(conditions)
    }

    /// The first conditions a rule from `seed` would start with, best first (out of `pool`, by default its candidates).
    func firstChoices(seed: WindowCounts, pool given: [Condition]? = nil, count: Int) -> [Condition] {
        let covered = rows.indices.filter { rows[$0].targets + rows[$0].opposites > 0 }
        let (p0, n0) = weights(covered)
        return rank(given ?? candidates(seed: seed), on: covered, p0: p0, n0: n0, excluding: []).prefix(count).map(\.condition)
    }

    private func weights(_ indices: [Int]) -> (Double, Double) {
        indices.reduce((0.0, 0.0)) { ($0.0 + rows[$1].targets, $0.1 + rows[$1].opposites) }
    }

    private func rank(_ pool: [Condition], on covered: [Int], p0: Double, n0: Double, excluding: Set<Condition>)
        -> [(condition: Condition, gain: Double, targets: Double)] {
        let before = log2(p0 / (p0 + n0))
        var scored: [(condition: Condition, gain: Double, targets: Double)] = []
        var isCovered = [Bool](repeating: false, count: rows.count)
        for index in covered { isCovered[index] = true }
        for condition in pool where !excluding.contains(condition) {
            var p = 0.0, n = 0.0, instances = 0.0
            if ranksByFeature, let (p1, n1) = thresholdWeights(condition, isCovered: isCovered, p0: p0, n0: n0) {
                (p, n) = (p1, n1)
            } else if ranksByFeature, let weights = relationWeights(condition, isCovered: isCovered, p0: p0, n0: n0) {
                (p, n, instances) = weights
            } else {
                for index in covered where columns.holds(condition, row: index) {
                    p += rows[index].targets
                    n += rows[index].opposites
                    if condition.complexity > 0, !columns.holdsVacuously(condition, row: index) { instances += rows[index].targets }
                }
            }
            // A relation is supported by the target windows where both of its counts take part,
            // not by those where it holds because a line does not occur.
            guard p >= min(p0, condition.complexity > 0 ? minimumRelationSupport : minimumSupport), p > 0,
                  condition.complexity == 0 || instances >= min(p0, minimumRelationSupport),
                  n < n0 || p < p0 || n0 == 0 else { continue }
            switch bias {
            case .gain: scored.append((condition, p * (log2(p / (p + n)) - before), p))
            case .precision: scored.append((condition, (p + 1) / (p + n + 2) - (p0 + 1) / (p0 + n0 + 2), p))
            }
        }
        return scored.sorted { a, b in
            if abs(a.gain - b.gain) > 1e-9 { return a.gain > b.gain }
            if a.targets != b.targets { return a.targets > b.targets }
            if a.condition.complexity != b.condition.complexity { return a.condition.complexity < b.condition.complexity }
            let (ga, gb) = (cost(a.condition), cost(b.condition))
            if ga != gb { return ga < gb }
            return a.condition < b.condition
        }
    }

    /// The target and opposite weight of the covered rows where a threshold on a feature holds,
    /// from the rows that hold the feature (`p0`, `n0`: the weight of all covered rows); `nil`
    /// for other conditions. The weights are whole numbers, so sums and differences are exact.
    private func thresholdWeights(_ condition: Condition, isCovered: [Bool], p0: Double, n0: Double) -> (Double, Double)? {
        let feature: Int, holdsAtZero: Bool, holds: (Int32) -> Bool
        switch condition {
        case .atLeast(.feature(let f), let k): (feature, holdsAtZero, holds) = (f, 0 >= k, { Int($0) >= k })
        case .atMost(.feature(let f), let k): (feature, holdsAtZero, holds) = (f, 0 <= k, { Int($0) <= k })
        default: return nil
        }
        let column = columns.column(feature)
        var p = 0.0, n = 0.0
        // Where the condition holds at zero, sum the covered rows with the feature where it does
        // not hold and take them from all covered rows; otherwise sum those where it holds.
        for (row, value) in zip(column.rows, column.values) where isCovered[Int(row)] && holds(value) != holdsAtZero {
            p += rows[Int(row)].targets
            n += rows[Int(row)].opposites
        }
        return holdsAtZero ? (p0 - p, n0 - n) : (p, n)
    }

    /// The target and opposite weight of the covered rows where a relation or an order between two
    /// features holds, and the target weight of those where it holds with both lines present (see
    /// ``Columns/holdsVacuously(_:row:)``), from the rows that hold either feature: elsewhere both
    /// counts are zero, so the relation holds everywhere or nowhere, and always vacuously. `nil` for
    /// other conditions. Rows × conditions become the two features' rows per condition.
    private func relationWeights(_ condition: Condition, isCovered: [Bool], p0: Double, n0: Double)
        -> (p: Double, n: Double, instances: Double)? {
        let first: Int, second: Int, relation: Relation
        switch condition {
        case .equal(.feature(let a), .feature(let b)): (first, second, relation) = (a, b, .equal)
        case .notEqual(.feature(let a), .feature(let b)): (first, second, relation) = (a, b, .notEqual)
        case .less(.feature(let a), .feature(let b)): (first, second, relation) = (a, b, .less)
        case .follows(let a, let b) where !columns.hasZeroCounts: (first, second, relation) = (a, b, .follows)
        case .notFollows(let a, let b) where !columns.hasZeroCounts: (first, second, relation) = (a, b, .notFollows)
        default: return nil
        }
        let a = columns.column(first), b = columns.column(second)
        // Where the first line of `first` is and the last of `second`, for an order (read from the columns, not searched per row).
        let firstsA = columns.positions(first).firsts, lastsB = columns.positions(second).lasts
        var p = 0.0, n = 0.0, instances = 0.0, listedTargets = 0.0, listedOpposites = 0.0
        // The union of the two rows lists, ascending, with each feature's value (0 where absent).
        var i = 0, j = 0
        while i < a.rows.count || j < b.rows.count {
            let rowA = i < a.rows.count ? a.rows[i] : .max, rowB = j < b.rows.count ? b.rows[j] : .max
            let row = min(rowA, rowB)
            let x = rowA == row ? a.values[i] : 0, y = rowB == row ? b.values[j] : 0
            let start: Int32 = rowA == row ? firstsA[i] : -1, end: Int32 = rowB == row ? lastsB[j] : -1
            if rowA == row { i += 1 }
            if rowB == row { j += 1 }
            guard isCovered[Int(row)] else { continue }
            let (targets, opposites) = (rows[Int(row)].targets, rows[Int(row)].opposites)
            listedTargets += targets
            listedOpposites += opposites
            guard relation.holds(x, y, ordered: start >= 0 && end >= 0 && start < end) else { continue }
            p += targets
            n += opposites
            if x != 0, y != 0 { instances += targets }
        }
        if relation.holds(0, 0, ordered: false) {
            p += p0 - listedTargets
            n += n0 - listedOpposites
        }
        return (p, n, instances)
    }

    /// A relation or an order between two features' counts, as ``relationWeights(_:isCovered:p0:n0:)`` ranks it.
    private enum Relation {
        case equal, notEqual, less, follows, notFollows

        /// Whether it holds for counts `x` and `y`; `ordered`: a line of the first comes before a later line of the second.
        @inline(__always) func holds(_ x: Int32, _ y: Int32, ordered: Bool) -> Bool {
            switch self {
            case .equal: x == y
            case .notEqual: x != y
            case .less: x < y
            case .follows: x != 0 && y != 0 && ordered
            case .notFollows: !(x != 0 && y != 0 && ordered)
            }
        }
    }

    private func cost(_ condition: Condition) -> Int {
        condition.quantities.reduce(0) { total, quantity in
            if case .feature(let feature) = quantity { return total + generality(feature) }
            return total
        }
    }

    /// Drops conditions while (p − n) / (p + n) on the training windows does not fall.
    func prune(_ conditions: [Condition]) -> [Condition] {
        var kept = conditions
        func value(_ rule: [Condition]) -> Double {
            let (p, n) = coverage(rule)
            return p + n == 0 ? -1 : (p - n) / (p + n)
        }
        var current = value(kept)
        while kept.count > 1 {
            let options = kept.indices.map { index -> (Int, Double) in
                var without = kept
                without.remove(at: index)
                return (index, value(without))
            }
            guard let best = options.max(by: { ($0.1, -$0.0) < ($1.1, -$1.0) }), best.1 >= current else { break }
            kept.remove(at: best.0)
            current = best.1
        }
        return kept
    }

    /// A more general rule: the condition whose removal gains the most target
    /// windows while precision stays at least `precision`; `nil` when none can go.
    func generalize(_ conditions: [Condition], precision: Double) -> [Condition]? {
        guard conditions.count > 1 else { return nil }
        let (p0, _) = coverage(conditions)
        var best: ([Condition], Double)?
        for index in conditions.indices {
            var without = conditions
            without.remove(at: index)
            let (p, n) = coverage(without)
            guard p > p0, p / (p + n) >= precision else { continue }
            if best == nil || p > best!.1 { best = (without, p) }
        }
        return best?.0
    }
}
