import ArgumentParser
import WardenCore
import PCRE2

/// `warden version`: Warden's version and the PCRE2 it runs on.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        _superCommandName: "warden",
        abstract: "Print Warden's version and the PCRE2 library in use."
    )

    func run() {
        print("warden \(WardenVersion.current) (rule language \(WardenVersion.language))")
        print("PCRE2 \(PCRE2Library.version) (JIT \(PCRE2Library.isJITAvailable ? "available" : "unavailable"))")
    }
}
