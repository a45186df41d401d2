import Foundation
import MalStream
import MalTestSupport
import Synchronization
import Testing

@Suite("AtomicFile and OutputWriter")
struct OutputTests {
  let folder = TemporaryFolder()

  @Test("a committed file appears whole, with no temporary file left")
  func commit() throws {
    let path = folder.path + "/vocab.txt"
    let file = try AtomicFile(path: path)
    let writer = OutputWriter(file: file)
    writer.buffer.append("[PAD]\n[UNK]\n")
    try writer.flush()
    #expect(folder.contents.count == 1 && folder.contents[0].hasPrefix(".vocab.txt.tmp-"))
    #expect(!FileManager.default.fileExists(atPath: path))
    try file.commit()
    #expect(folder.contents == ["vocab.txt"])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "[PAD]\n[UNK]\n")
  }

  @Test("a discarded file leaves the old file untouched and no temporary file")
  func discard() throws {
    let path = folder.file("model.bin", "old")
    do {
      let file = try AtomicFile(path: path)
      let writer = OutputWriter(file: file)
      writer.buffer.append("half-writ")
      try writer.flush()
      file.discard()
    }
    #expect(folder.contents == ["model.bin"])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
  }

  @Test("an uncommitted file is removed when it goes away")
  func deinitDiscards() throws {
    _ = try AtomicFile(path: folder.path + "/x.txt")
    #expect(folder.contents.isEmpty)
  }

  @Test("a folder that does not exist is a FileError")
  func unwritableFolder() {
    #expect(throws: FileError.self) { try AtomicFile(path: folder.path + "/no/such/dir/x.txt") }
  }

  /// The folder whose files the SIGUSR2 handler of `registerRacingSignal` removes (a handler captures nothing).
  nonisolated(unsafe) static var signalFolder: UnsafeMutablePointer<CChar>? = nil

  // These tests empty the table only under their own folder (`removeAll(startingWith:)`): the whole table holds the
  // unfinished files of every test running beside them in this process.
  @Test("every unfinished AtomicFile is in the table an interrupt handler empties; a finished one is not")
  func registersUnfinishedFiles() throws {
    UnfinishedFiles.prepare()
    let file = try AtomicFile(path: folder.path + "/v.json")
    #expect(folder.contents.count == 1)
    UnfinishedFiles.removeAll(startingWith: folder.path + "/")
    #expect(folder.contents.isEmpty)
    file.discard()
    let finished = try AtomicFile(path: folder.path + "/w.txt")
    try finished.commit()
    UnfinishedFiles.removeAll(startingWith: folder.path + "/")
    #expect(folder.contents == ["w.txt"])
  }

  @Test("register and unregister racing a signal whose handler empties the table neither hang nor crash")
  func registerRacingSignal() throws {
    UnfinishedFiles.prepare()
    Self.signalFolder = strdup(folder.path + "/")
    signal(SIGUSR2) { _ in if let folder = OutputTests.signalFolder { UnfinishedFiles.removeAll(startingWith: folder) } }
    // Test threads (dispatch workers) block signals: let this one take SIGUSR2 while the test runs.
    var set = sigset_t(), old = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGUSR2)
    pthread_sigmask(SIG_UNBLOCK, &set, &old)
    defer {
      pthread_sigmask(SIG_SETMASK, &old, nil)
      signal(SIGUSR2, SIG_IGN)  // drops a signal still pending
    }
    let target = pthread_self()
    let done = Atomic<Bool>(false)
    let sender = Thread {
      while !done.load(ordering: .relaxed) { pthread_kill(target, SIGUSR2); usleep(20) }
    }
    sender.start()
    for i in 0..<2_000 {
      let path = folder.path + "/f\(i % 7)"
      let slot = try #require(UnfinishedFiles.register(path))
      UnfinishedFiles.unregister(slot)
    }
    done.store(true, ordering: .relaxed)
    // Registered and ready: the next signal removes it.
    let kept = folder.file("kept", "x")
    let slot = try #require(UnfinishedFiles.register(kept))
    raise(SIGUSR2)
    #expect(folder.contents.isEmpty)
    UnfinishedFiles.unregister(slot)
  }

  @Test("writing to a pipe nobody reads throws BrokenPipe")
  func brokenPipe() throws {
    signal(SIGPIPE, SIG_IGN)
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    close(fds[0])
    let writer = OutputWriter(fileDescriptor: fds[1], name: "<pipe>")
    writer.buffer.append("x\n")
    #expect(throws: BrokenPipe()) { try writer.flush() }
    close(fds[1])
  }

  @Test("ByteBuffer grows and keeps its bytes")
  func byteBuffer() {
    let buffer = ByteBuffer(capacity: 16)
    for i in 0..<1000 { buffer.append(byte: UInt8(i % 256)) }
    buffer.append("끝")
    #expect(buffer.count == 1003)
    #expect(buffer.bytes.prefix(3) == [0, 1, 2])
    buffer.removeLast(3)
    #expect(buffer.count == 1000)
    buffer.appendWithUnsafeCapacity(upTo: 4) { p in
      p[0] = 0x41
      return 1
    }
    #expect(buffer.bytes.last == 0x41)
    buffer.removeAll()
    #expect(buffer.isEmpty)
  }
}
