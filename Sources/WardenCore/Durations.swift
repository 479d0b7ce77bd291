/// Durations as rule packs and the command line write them: a non-negative
/// integer and a unit (`250ms`, `5s`, `2m`, `1h`, `7d`).
public enum Durations {
    /// Milliseconds per unit.
    public static let unitMilliseconds: [String: Int64] = ["ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]

    /// The milliseconds `text` spells (`5m` → 300000); `nil` when it is not a
    /// duration or does not fit in an `Int64`.
    public static func milliseconds(_ text: String) -> Int64? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let unit = unitMilliseconds[String(text.dropFirst(digits.count))], let count = Int64(digits) else {
            return nil
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: unit)
        return overflow ? nil : product
    }
}
