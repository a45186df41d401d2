import MalCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A closed pipe (`mal tokenize big.txt | head`) must end the run quietly: ignore SIGPIPE and let the writer see EPIPE.
signal(SIGPIPE, SIG_IGN)
// Before any output file is made: an interrupted run removes its temporary files (see InterruptCleanup).
InterruptCleanup.install()

// Invoked as `tokenize`, `vocab`, … through a symlink: behave as `mal tokenize`, `mal vocab`, …
let invokedAs = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "mal"
var arguments = Array(CommandLine.arguments.dropFirst())
if MalCommand.stageNames.contains(invokedAs) { arguments.insert(invokedAs, at: 0) }
MalCommand.run(arguments)
