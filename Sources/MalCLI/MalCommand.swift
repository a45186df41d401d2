import ArgumentParser

/// `mal`: the root command; every stage is a subcommand, also reachable under its own name through a symlink.
public struct MalCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "mal",
    abstract: "Korean and English text to tokens, vocabularies, padded ids and recurrent classifiers, one Unix-pipe stage at a time.",
    discussion: """
      Every stage reads UTF-8 lines (plain text or TSV with a header) from files or standard input and writes \
      lines to standard output; messages go to standard error. Run 'mal help STAGE' for a stage's options.

      Example:
        mal tokenize < Corpora/sample-ko.tsv | head
      """,
    subcommands: [
      TokenizeCommand.self, DetokenizeCommand.self, VocabCommand.self, PadCommand.self, EncodeCommand.self,
      Word2VecCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self, SummaryCommand.self,
    ])

  /// Subcommands that `mal` also answers to when invoked under their own name (`tokenize` → `mal tokenize`).
  public static let stageNames: [String] = configuration.subcommands.map { $0._commandName }

  /// Prints the stage names, one a line, for Scripts/setup.sh to make its symlinks.
  @Flag(name: .customLong("stage-names"), help: .hidden)
  var printsStageNames = false

  public init() {}

  public func run() throws {
    if printsStageNames {
      print(Self.stageNames.joined(separator: "\n"))
      return
    }
    throw CleanExit.helpRequest(self)
  }
}
