#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer of bytes to standard output or to an `AtomicFile`.
///
/// Stages append to `buffer` (tokenizers write into it directly) and call `flushIfFull()` once per row.
/// A reader that went away (`| head`) surfaces as `BrokenPipe`.
///
///     let out = OutputWriter()          // standard output
///     out.buffer.append("안녕 세상\n")
///     try out.flush()
public final class OutputWriter {
  /// Bytes not yet written.
  public let buffer: ByteBuffer
  /// The destination's name in messages.
  public let name: String
  private let fileDescriptor: Int32
  private let flushThreshold: Int

  /// Writes to an open file descriptor, standard output (1) by default; it is not closed.
  public init(fileDescriptor: Int32 = 1, name: String = "<stdout>", flushThreshold: Int = 1 << 18) {
    self.fileDescriptor = fileDescriptor
    self.name = name
    self.flushThreshold = flushThreshold
    buffer = ByteBuffer(capacity: flushThreshold + (flushThreshold >> 2))
  }

  /// Writes to `file`'s temporary file; call `file.commit()` after the last `flush()`.
  public convenience init(file: AtomicFile) {
    self.init(fileDescriptor: file.fileDescriptor, name: file.path)
  }

  /// Writes the buffer out if it has grown past the threshold.
  @inline(__always)
  public func flushIfFull() throws {
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Writes all buffered bytes.
  /// - Throws: `BrokenPipe` if the reader has gone away, `FileError` for other write failures.
  public func flush() throws {
    try buffer.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          if errno == EPIPE { throw BrokenPipe() }
          throw FileError(path: name, operation: "cannot write", systemMessage: systemErrorMessage())
        }
        offset += written
      }
    }
    buffer.removeAll()
  }
}

/// An output file that appears under its name only when complete: written to a temporary file in the same
/// folder, then renamed over `path` by `commit()`.
///
/// If the file is never committed (an error, an interrupted run), `discard()` or deinit removes the temporary file,
/// so no half-written output is ever left under `path`.
///
///     let file = try AtomicFile(path: "vocab.txt")
///     let out = OutputWriter(file: file)
///     out.buffer.append("[PAD]\n"); try out.flush()
///     try file.commit()
public final class AtomicFile {
  /// The final path.
  public let path: String
  /// The temporary file being written.
  public let temporaryPath: String
  /// The temporary file's descriptor; valid until `commit()` or `discard()`.
  public let fileDescriptor: Int32
  private var isOpen = true

  /// Creates the temporary file next to `path`.
  /// - Throws: `FileError` if the folder is not writable.
  public init(path: String) throws {
    self.path = path
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var template = Array("\(folder).\(base).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 {
      throw FileError(path: path, operation: "cannot create a temporary file beside it", systemMessage: systemErrorMessage())
    }
    fchmod(fd, 0o644)
    fileDescriptor = fd
    temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  deinit { discard() }

  /// Closes the temporary file and renames it to `path`, replacing any file there.
  /// - Throws: `FileError` if closing or renaming fails (the temporary file is then removed).
  public func commit() throws {
    precondition(isOpen, "commit() after commit() or discard()")
    isOpen = false
    if close(fileDescriptor) != 0 {
      let message = systemErrorMessage()
      unlink(temporaryPath)
      throw FileError(path: path, operation: "cannot write", systemMessage: message)
    }
    if rename(temporaryPath, path) != 0 {
      let message = systemErrorMessage()
      unlink(temporaryPath)
      throw FileError(path: path, operation: "cannot rename the finished file into place", systemMessage: message)
    }
  }

  /// Closes and removes the temporary file; `path` is left as it was.
  public func discard() {
    guard isOpen else { return }
    isOpen = false
    close(fileDescriptor)
    unlink(temporaryPath)
  }
}
