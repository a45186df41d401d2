import Foundation
import MalTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A device number, as C's `makedev` macro (not imported into Swift) makes it for small numbers.
private func deviceNumber(_ major: UInt32, _ minor: UInt32) -> dev_t {
  #if os(Linux)
  dev_t(major << 8 | minor)
  #else
  dev_t(bitPattern: Int32(bitPattern: major << 24 | minor))
  #endif
}

/// Whether this process may make device nodes (root, outside a restricted container).
private let canMakeDevices: Bool = {
  let folder = TemporaryFolder()
  return mknod(folder.path + "/null", S_IFCHR | 0o666, deviceNumber(1, 3)) == 0
}()

/// A file's type and permission bits, following links.
private func mode(_ path: String) -> mode_t {
  var info = stat()
  return stat(path, &info) == 0 ? info.st_mode : 0
}

@Suite("Writing onto devices, pipes, links and private files")
struct OutputTargetTests {
  static let row = "영화가 좋다\n"

  @Test("-o onto a FIFO writes into the pipe and leaves the FIFO in place")
  func fifo() throws {
    let folder = TemporaryFolder()
    let fifo = folder.path + "/pipe"
    #expect(mkfifo(fifo, 0o644) == 0)
    let received = LockedData()
    // Opening a FIFO waits for the other end: read on a thread while mal writes.
    let reader = Thread {
      var bytes: [UInt8] = []
      let fd = open(fifo, O_RDONLY)
      var chunk = [UInt8](repeating: 0, count: 4096)
      while fd >= 0 {
        let n = read(fd, &chunk, chunk.count)
        if n <= 0 { break }
        bytes += chunk[0..<n]
      }
      if fd >= 0 { close(fd) }
      received.set(Data(bytes))
    }
    reader.start()
    let result = try Mal.run(["tokenize", "--plain", "-o", fifo], input: Self.row)
    #expect(result.status == 0, "\(result)")
    var waited = 0
    while !received.isSet && waited < 5000 { usleep(1000); waited += 1 }
    // If mal never opened the FIFO, the reader still waits in open: open the other end to let it go.
    if !received.isSet { let fd = open(fifo, O_WRONLY | O_NONBLOCK); if fd >= 0 { close(fd) } }
    #expect(String(decoding: received.value, as: UTF8.self) == "영화가 좋다\n")
    #expect(mode(fifo) & S_IFMT == S_IFIFO)
    #expect(folder.contents == ["pipe"])
  }

  @Test("-o onto a character device writes to it and leaves the device in place",
    .enabled(if: canMakeDevices, "mknod is not permitted here (not root, or a restricted container)"))
  func characterDevice() throws {
    let folder = TemporaryFolder()
    let null = folder.path + "/null"
    #expect(mknod(null, S_IFCHR | 0o666, deviceNumber(1, 3)) == 0)
    for arguments in [["tokenize", "-o", null], ["pad", "--npy", null]] {
      let result = try Mal.run(arguments, input: arguments[0] == "pad" ? "3 4\n" : Self.row)
      #expect(result.status == 0, "\(arguments): \(result)")
      #expect(mode(null) & S_IFMT == S_IFCHR, "\(arguments)")
      #expect(folder.contents == ["null"], "\(arguments)")
    }
  }

  @Test("-o onto a full device says so and keeps the device",
    .enabled(if: canMakeDevices, "mknod is not permitted here (not root, or a restricted container)"))
  func fullDevice() throws {
    let folder = TemporaryFolder()
    #expect(mknod(folder.path + "/full", S_IFCHR | 0o666, deviceNumber(1, 7)) == 0)
    try Mal.expect(
      ErrorCase(id: "full", arguments: ["tokenize", "-o", "full"], input: Self.row,
        message: "full: error: cannot write: No space left on device\n", status: 1),
      directory: folder.path)
    #expect(mode(folder.path + "/full") & S_IFMT == S_IFCHR)
    #expect(folder.contents == ["full"])
  }

  @Test("-o /dev/stdout writes to standard output")
  func standardOutput() throws {
    let result = try Mal.run(["tokenize", "--plain", "-o", "/dev/stdout"], input: Self.row)
    #expect(result.status == 0 && result.stdout == "영화가 좋다\n", "\(result)")
  }

  @Test("pad --npy onto a pipe is an error: the header is written last and needs a file that can seek")
  func npyToPipe() throws {
    let result = try Mal.run(["pad", "--npy", "/dev/stdout"], input: "3 4\n")
    #expect(result.status == 1)
    #expect(result.stderr == "/dev/stdout: error: cannot write: a .npy file cannot go to a pipe: its header, written last, needs a file that can seek\n")
  }

  @Test("replacing a file keeps its permission bits (600 stays 600)")
  func keepsMode() throws {
    let folder = TemporaryFolder()
    let path = folder.file("private.tsv", "old\n")
    #expect(chmod(path, 0o600) == 0)
    let result = try Mal.run(["tokenize", "--plain", "-o", path], input: Self.row)
    #expect(result.status == 0, "\(result)")
    #expect(try folder.read("private.tsv") == "영화가 좋다\n")
    #expect(mode(path) & 0o7777 == 0o600)
  }

  @Test("-o through a symbolic link replaces the file it points to; the link stays a link")
  func followsLinks() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createDirectory(atPath: folder.path + "/real", withIntermediateDirectories: false)
    let target = folder.file("real/out.tsv", "old\n")
    #expect(chmod(target, 0o640) == 0)
    #expect(symlink("real/out.tsv", folder.path + "/link.tsv") == 0)
    let result = try Mal.run(["tokenize", "--plain", "-o", "link.tsv"], input: Self.row, directory: folder.path)
    #expect(result.status == 0, "\(result)")
    var info = stat()
    #expect(lstat(folder.path + "/link.tsv", &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
    #expect(try folder.read("real/out.tsv") == "영화가 좋다\n")
    #expect(mode(target) & 0o7777 == 0o640)
    #expect(folder.contents == ["link.tsv", "real"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/real") == ["out.tsv"])
  }

  @Test("a temporary file left by a killed run is removed by the next write of that file; a live run's stays")
  func staleTemporaryFiles() throws {
    let folder = TemporaryFolder()
    // No process has this id (it is over Linux's and Darwin's pid limits).
    folder.file(".out.tsv.tmp-2147483000-abc", "stale")
    let live = ".out.tsv.tmp-\(getpid())-abc"
    folder.file(live, "in use")
    folder.file(".other.tsv.tmp-2147483000-abc", "another file's")
    let result = try Mal.run(["tokenize", "-o", "out.tsv"], input: Self.row, directory: folder.path)
    #expect(result.status == 0, "\(result)")
    #expect(folder.contents == [".other.tsv.tmp-2147483000-abc", live, "out.tsv"])
  }
}

@Suite("Outputs are checked before the work starts")
struct OutputCheckTests {
  static let data = SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko-ids.tsv").path
  static let train = ["train", "--epochs", "1", "--units", "4", "--embedding-dim", "4", "--threads", "1", data]
  static func usage(_ message: String, _ command: String) -> String {
    "Error: \(message)\nUsage: mal \(command) [<options>] [<inputs> ...]\(command == "train" ? " --output <output>" : "")\n  See 'mal \(command) --help' for more information.\n"
  }

  static let errors: [ErrorCase] = [
    ErrorCase(id: "-o into a missing folder", arguments: train + ["-o", "missing/m.safetensors"],
      message: "missing/m.safetensors: error: cannot write: No such file or directory\n", status: 1),
    ErrorCase(id: "-o onto a folder", arguments: train + ["-o", "folder"],
      message: "folder: error: cannot write: Is a directory\n", status: 1),
    ErrorCase(id: "--checkpoint into a missing folder", arguments: train + ["-o", "m.safetensors", "--checkpoint", "missing/c.safetensors"],
      message: "missing/c.safetensors: error: cannot write: No such file or directory\n", status: 1),
    ErrorCase(id: "--history onto a folder", arguments: train + ["-o", "m.safetensors", "--history", "folder"],
      message: "folder: error: cannot write: Is a directory\n", status: 1),
    ErrorCase(id: "--plot into a missing folder", arguments: train + ["-o", "m.safetensors", "--plot", "missing/p.svg"],
      message: "missing/p.svg: error: cannot write: No such file or directory\n", status: 1),
    ErrorCase(id: "vocab --save into a missing folder", arguments: ["vocab", "--save", "missing/v.txt"], input: "영화 좋다\n",
      message: "missing/v.txt: error: cannot write: No such file or directory\n", status: 1),
    ErrorCase(id: "pad --npy onto a folder", arguments: ["pad", "--npy", "folder"], input: "3 4\n",
      message: "folder: error: cannot write: Is a directory\n", status: 1),
    ErrorCase(id: "word2vec -o into a missing folder", arguments: ["word2vec", "train", "-o", "missing/v.vec"], input: "영화 좋다\n",
      message: "missing/v.vec: error: cannot write: No such file or directory\n", status: 1),
    ErrorCase(id: "-o and --history the same file", arguments: train + ["-o", "m.safetensors", "--history", "m.safetensors"],
      message: usage("-o and --history name the same file (m.safetensors); give each its own", "train"), status: 64),
    ErrorCase(id: "-o and --plot the same file, spelled differently", arguments: train + ["-o", "m.safetensors", "--plot", "./m.safetensors"],
      message: usage("-o and --plot name the same file (./m.safetensors); give each its own", "train"), status: 64),
    ErrorCase(id: "--checkpoint and --history the same file", arguments: train + ["-o", "m.safetensors", "--checkpoint", "c", "--history", "c"],
      message: usage("--checkpoint and --history name the same file (c); give each its own", "train"), status: 64),
    ErrorCase(id: "vocab --save and -o the same file", arguments: ["vocab", "--save", "v.txt", "-o", "v.txt"], input: "영화 좋다\n",
      message: "Error: --save and -o name the same file (v.txt); give each its own\nUsage: mal vocab ids [<options>] [<inputs> ...]\n  See 'mal vocab ids --help' for more information.\n", status: 64),
    ErrorCase(id: "pad --npy and --labels-npy the same file, spelled differently", arguments: ["pad", "--npy", "a.npy", "--labels-npy", "./a.npy"], input: "3 4\n",
      message: usage("--npy and --labels-npy name the same file (./a.npy); give each its own", "pad"), status: 64),
    ErrorCase(id: "pad -o and --stats-svg the same file", arguments: ["pad", "--maxlen", "2", "-o", "p.tsv", "--stats-svg", "p.tsv"], input: "3 4\n",
      message: usage("-o and --stats-svg name the same file (p.tsv); give each its own", "pad"), status: 64),
  ]

  @Test("an output that cannot be written fails at once (no epoch runs), two flags naming one file are refused",
    arguments: errors)
  func error(_ c: ErrorCase) throws {
    let folder = TemporaryFolder()
    try FileManager.default.createDirectory(atPath: folder.path + "/folder", withIntermediateDirectories: false)
    try Mal.expect(c, directory: folder.path)
    #expect(folder.contents == ["folder"])
  }

  @Test("train -o into a folder it may not write fails at once",
    .enabled(if: getuid() != 0, "run as root: folder permissions do not stop root from writing"))
  func unwritableFolder() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createDirectory(atPath: folder.path + "/locked", withIntermediateDirectories: false)
    #expect(chmod(folder.path + "/locked", 0o555) == 0)
    defer { chmod(folder.path + "/locked", 0o755) }
    try Mal.expect(
      ErrorCase(id: "locked", arguments: Self.train + ["-o", "locked/m.safetensors"],
        message: "locked/m.safetensors: error: cannot write: Permission denied\n", status: 1),
      directory: folder.path)
  }
}

@Suite("Interrupted writes leave nothing behind")
struct InterruptedWriteTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    /// Standard input, written whole and then closed (or kept open to interrupt the reading).
    var input: String
    var keepsInputOpen: Bool
    /// The prefix of the temporary file to wait for before the signal (at most `patience` seconds).
    var temporary: String
    var patience: Double = 60
    var signal: Int32
    var testDescription: String { "\(arguments.joined(separator: " ")) \(signal == SIGINT ? "SIGINT" : "SIGTERM")" }
  }

  // The vocabulary files of `vocab --save` and `vocab export -o` exist for a millisecond, too short to signal
  // reliably; `AtomicFileTests` checks that every AtomicFile is in the table the handler empties. Here: the spools.
  static let cases: [Case] = [SIGINT, SIGTERM].flatMap { signal in
    [
      Case(arguments: ["pad", "--npy", "p.npy"], input: String(repeating: "3 4 5\n", count: 100_000), keepsInputOpen: true,
        temporary: "mal-spool-", patience: 0.5, signal: signal),
      Case(arguments: ["encode", "--one-hot", "--depth", "8", "--npy", "e.npy"], input: String(repeating: "3 4 5\n", count: 100_000),
        keepsInputOpen: true, temporary: "mal-spool-", patience: 0.5, signal: signal),
      Case(arguments: ["vocab", "--save", "v.txt", "-o", "ids.tsv"], input: String(repeating: "영화 좋다\n", count: 100_000),
        keepsInputOpen: true, temporary: "mal-vocab-spool", patience: 0.5, signal: signal),
    ]
  }

  @Test("a signal while the file is written removes its temporary file", arguments: cases)
  func interrupt(_ c: Case) throws {
    let folder = TemporaryFolder()
    let work = folder.path + "/work"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Mal.executable)
    process.arguments = c.arguments
    process.currentDirectoryURL = URL(fileURLWithPath: work)
    var environment = ProcessInfo.processInfo.environment
    environment["TMPDIR"] = work
    process.environment = environment
    let stdin = Pipe()
    process.standardInput = stdin
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    stdin.fileHandleForWriting.write(Data(c.input.utf8))
    if !c.keepsInputOpen { try stdin.fileHandleForWriting.close() }
    // Catch the temporary file while it exists: poll without sleeping.
    let started = Date()
    var seen = false
    while !seen && process.isRunning && Date().timeIntervalSince(started) < c.patience {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: work)) ?? []
      seen = names.contains { $0.hasPrefix(c.temporary) }
    }
    // A spool unlinked at once is never seen: then the half second of reading is the moment to interrupt.
    seen = seen || c.keepsInputOpen
    if seen { kill(process.processIdentifier, c.signal) }
    process.waitUntilExit()
    if c.keepsInputOpen { try? stdin.fileHandleForWriting.close() }
    let left = try FileManager.default.contentsOfDirectory(atPath: work)
    if seen && process.terminationReason == .uncaughtSignal {
      #expect(process.terminationStatus == c.signal)
      #expect(left.isEmpty, "\(left)")
    } else {
      // The run finished before the signal could land: then only the finished output may be there.
      #expect(left.allSatisfy { !$0.hasPrefix(".") && !$0.hasPrefix("mal-spool-") }, "\(left)")
      Issue.record("the run ended before the signal (seen: \(seen)); nothing was tested")
    }
  }

  @Test("SIGTERM again and again while train saves: it ends at once and leaves no temporary file")
  func repeatedSignalsWhileSaving() throws {
    let data = SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko-ids.tsv").path
    for attempt in 0..<5 {
      let folder = TemporaryFolder()
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Mal.executable)
      process.arguments = [
        "train", "--epochs", "1", "--units", "8", "--embedding-dim", "8", "--threads", "1", data,
        "-o", "m.safetensors", "--checkpoint", "c.safetensors",
      ]
      process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
      process.standardError = FileHandle.nullDevice
      try process.run()
      // The first save (the checkpoint, after epoch 1) makes the cleanup table's first entry: signal from then on.
      let started = Date()
      while process.isRunning && !folder.contents.contains(where: { $0.hasPrefix(".c.safetensors.tmp-") })
        && Date().timeIntervalSince(started) < 60 {}
      var signalled: Date? = nil
      while process.isRunning {
        kill(process.processIdentifier, SIGTERM)
        if signalled == nil { signalled = Date() }
        if Date().timeIntervalSince(signalled!) > 10 { break }
        usleep(50)
      }
      let hung = process.isRunning
      if hung { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
      #expect(!hung, "attempt \(attempt): still running 10 s after SIGTERM")
      #expect(!folder.contents.contains { $0.contains(".tmp-") }, "attempt \(attempt): \(folder.contents)")
    }
  }
}
