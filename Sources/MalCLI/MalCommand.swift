import ArgumentParser
import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
      Word2VecCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self, SummaryCommand.self, EnsembleCommand.self,
    ])

  /// Subcommands that `mal` also answers to when invoked under their own name (`tokenize` → `mal tokenize`).
  public static let stageNames: [String] = configuration.subcommands.map { $0._commandName }

  /// Prints the stage names, one a line, for Scripts/setup.sh to make its symlinks.
  @Flag(name: .customLong("stage-names"), help: .hidden)
  var printsStageNames = false

  // A flag of the root command only: CommandConfiguration's `version` would add --version to every stage's help.
  @Flag(name: .customLong("version"), help: "Print the version and the commit the binary was built from.")
  var printsVersion = false

  public init() {}

  public func run() throws {
    if printsVersion {
      try reportingErrors(command: "mal") { try writeStandardOutput("mal \(MalVersion.description)\n") }
      return
    }
    if printsStageNames {
      try reportingErrors(command: "mal") { try writeStandardOutput(Self.stageNames.joined(separator: "\n") + "\n") }
      return
    }
    throw CleanExit.helpRequest(self)
  }

  /// Runs the command line `arguments` and exits, as `main(_:)` does, but writes help (`--help`, `mal help STAGE`)
  /// through `OutputWriter`: a help page that cannot be written exits 1 with `<stdout>: error: …` on standard
  /// error, not 0 as ArgumentParser's `print` would; and a usage error's message, which quotes the arguments,
  /// has its control bytes escaped.
  public static func run(_ arguments: [String]) -> Never {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
    } catch {
      if exitCode(for: error) == .success {
        let message = fullMessage(for: error)
        do {
          if !message.isEmpty { try writeStandardOutput(message + "\n") }
        } catch is BrokenPipe {
        } catch let error as any MalError {
          Diagnostics.write(render(error, command: "mal") + "\n")
          Foundationless.exit(ExitStatus.failure)
        } catch {}
        Foundationless.exit(0)
      }
      // ArgumentParser's own messages quote the arguments as given: escape their control bytes as ours are.
      let message = fullMessage(for: error)
      if !message.isEmpty { Diagnostics.write(escapingControlCharacters(message) + "\n") }
      Foundationless.exit(exitCode(for: error).rawValue)
    }
    exit()
  }
}

/// Writes `text` to standard output at once.
/// - Throws: `FileError` naming `<stdout>` if it cannot be written (a full disk), `BrokenPipe` if the reader left.
func writeStandardOutput(_ text: String) throws {
  let out = OutputWriter()
  out.buffer.append(text)
  try out.flush()
}

/// The C library's `exit`, under a name that the `ParsableCommand.exit` methods do not shadow.
private enum Foundationless {
  static func exit(_ status: Int32) -> Never {
    #if canImport(Glibc)
    Glibc.exit(status)
    #else
    Darwin.exit(status)
    #endif
  }
}
