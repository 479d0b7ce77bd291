// Words for diagnostics: articles and "did you mean" suggestions.

/// "a `Line`" or "an `Int`", for labels.
func article(_ type: ValueType) -> String {
    let name = type.description
    return ("AEIOU".contains(name.first ?? "x") ? "an" : "a") + " `\(name)`"
}

/// "Did you mean" advice for a misspelt name: a help line and a fix-it that
/// replaces the name, or `nil` when no candidate is close. `prefix` is shown
/// before the candidate (e.g. `@` for attributes) but not inserted.
func didYouMean(
    _ name: String, among candidates: [String], at range: SourceRange, shownWith prefix: String = ""
) -> (help: [String], fixIts: [Diagnostic.FixIt])? {
    guard let candidate = closest(to: name, among: candidates) else { return nil }
    return (["did you mean `\(prefix)\(candidate)`?"],
            [Diagnostic.FixIt("replace with `\(prefix)\(candidate)`", edits: [.init(range: range, replacement: candidate)])])
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
func closest(to name: String, among candidates: [String]) -> String? {
    let threshold = max(1, name.count / 3)
    return candidates
        .filter { $0 != name }
        .map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        .filter { $0.1 <= threshold }
        .min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
}

/// Levenshtein distance between two strings (by Unicode scalars).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
