import ArgumentParser
import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses, as a usage error, two output flags naming the same file: one write would silently replace the other.
///
/// Paths are the same file when they name the same existing file (device and inode), or the same name in the same
/// folder once the folder's links are resolved (`out.csv`, `./out.csv`, `$PWD/out.csv`).
/// - Parameter outputs: each flag as the user spelled it (`-o`, `--history`) and its path, if given.
/// - Throws: `ValidationError` naming both flags and the file.
func refuseSharedOutputs(_ outputs: [(flag: String, path: String?)]) throws {
  let given = outputs.compactMap { o in o.path.map { (flag: o.flag, path: $0) } }
  for i in given.indices {
    for j in given.indices where j > i && isSameFile(given[i].path, given[j].path) {
      throw ValidationError("\(given[i].flag) and \(given[j].flag) name the same file (\(given[j].path)); give each its own")
    }
  }
}

/// Checks, before long work starts, that every output can be written (see `AtomicFile.checkWritable`).
/// - Throws: `FileError` (exit 1) for the first that cannot.
func checkWritable(_ paths: [String?]) throws {
  for case let path? in paths { try AtomicFile.checkWritable(path) }
}

/// Checks that the file system holding `location` (the output's temporary file, else the output) has room for
/// `bytes` more, as far as this user may fill it (`statvfs`'s `f_bavail`); where that cannot be told, it passes.
/// - Throws: `FileError` naming `path` (exit 1) with what is needed and what is free.
func checkFreeSpace(_ path: String, at location: String? = nil, bytes: Int) throws {
  var info = statvfs()
  guard statvfs(location ?? path, &info) == 0 else { return }
  let (free, overflow) = Int(clamping: info.f_bavail).multipliedReportingOverflow(by: Int(clamping: info.f_frsize))
  guard !overflow, bytes > free else { return }
  throw FileError(
    path: path, operation: "cannot write",
    systemMessage: "it needs \(MemoryBudget.format(bytes: bytes)) and its file system has \(MemoryBudget.format(bytes: free)) free")
}

private func isSameFile(_ a: String, _ b: String) -> Bool {
  if a == b { return true }
  var sa = stat(), sb = stat()
  if stat(a, &sa) == 0 && stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
  return canonicalName(a) == canonicalName(b)
}

/// The real path of `path`'s folder joined with its last component.
private func canonicalName(_ path: String) -> String {
  let slash = path.lastIndex(of: "/")
  let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
  let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
  guard let real = realpath(folder, nil) else { return path }
  defer { free(real) }
  return String(cString: real) + "/" + base
}
