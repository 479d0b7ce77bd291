import ArgumentParser

/// `warden fame`: the message-level fallback (FAME).
struct FameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fame",
        abstract: "Train and evaluate FAME, the message-level fallback for windows no rule decides.",
        subcommands: [FameTrainCommand.self, FameEvalCommand.self]
    )
}
