import ArgumentParser
import LogInput
import LogParsing
import WardenCore

/// Drain settings from the command line (shared by `templates` and `fame train`).
struct DrainOptions: ParsableArguments {
    @Option(help: "Prefix-tree depth (≥ 3).")
    var depth = 4

    @Option(help: "Similarity a line needs to join a template (0…1).")
    var similarity = 0.4

    @Option(help: "Most children of a tree node.")
    var maxChildren = 100

    @Flag(help: "Do not route tokens holding digits to the wildcard branch.")
    var noNumericRouting = false

    @Option(name: .customLong("extra-delimiter"), help: "Also split on this string (repeatable).")
    var extraDelimiters: [String] = []

    @Option(help: ArgumentHelp("Mask token classes first: all, none, or a comma-separated list of \(MaskClass.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "classes"))
    var mask = "none"

    /// The classes `--mask` names.
    func maskClasses() throws -> Set<MaskClass> {
        switch mask {
        case "none", "": return []
        case "all": return Set(MaskClass.allCases)
        default:
            return Set(try mask.split(separator: ",").map { name in
                guard let kind = MaskClass(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--mask: unknown class \(name); use all, none or \(MaskClass.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return kind
            })
        }
    }

    @Flag(help: "Mine whole messages instead of the content after the format's header fields.")
    var wholeMessage = false

    func settings() throws -> DrainSettings {
        var settings = DrainSettings()
        settings.depth = depth
        settings.similarity = similarity
        settings.maxChildren = maxChildren
        settings.parametrizeNumericTokens = !noNumericRouting
        settings.extraDelimiters = extraDelimiters
        settings.masking = Masking(try maskClasses())
        if let problem = settings.problems.first { throw ValidationError(problem) }
        return settings
    }

    func header(for format: LogFormat) -> MessageHeader { wholeMessage ? .none : format.messageHeader }
}
