import ArgumentParser
import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--max-memory`, on every command that reads input or files: the most memory that one allocation sized by the
/// input, a file or a flag may take (`MemoryBudget.standard`). Without the flag, `MAL_MAX_MEMORY` sets it, so one
/// variable covers every stage of a pipeline; without either, half of physical memory.
struct MemoryOptions: ParsableArguments {
  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp(
      "Most memory a size read from the input, a file or a flag may ask for: bytes, 512M, 4G or 75% (of physical memory). Default: $MAL_MAX_MEMORY, else half of physical memory.",
      valueName: "size"))
  var maxMemory: String?

  /// Sets the process's budget (validation runs before `run()`, so every check of the command sees it).
  func validate() throws {
    if let maxMemory {
      MemoryBudget.configure(try Self.budget(maxMemory, source: "--max-memory"))
    } else if let value = getenv("MAL_MAX_MEMORY").map({ String(cString: $0) }), !value.isEmpty {
      MemoryBudget.configure(try Self.budget(value, source: "MAL_MAX_MEMORY"))
    }
  }

  private static func budget(_ text: String, source: String) throws -> MemoryBudget {
    guard let budget = MemoryBudget(parsing: text, source: source) else {
      throw ValidationError("\(source): expected a size such as 1000000, 512M, 4G or 75%, got '\(text)'")
    }
    return budget
  }
}
