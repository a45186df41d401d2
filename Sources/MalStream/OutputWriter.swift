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
/// so no half-written output is ever left under `path`. Until then the temporary file is registered with
/// `UnfinishedFiles`, so an interrupt handler can remove it too.
///
/// - A regular file at `path` is replaced whole, and the new file keeps its permission bits (and, run as root,
///   its owner); a new file gets mode 644.
/// - A character device, FIFO or socket at `path` (`/dev/null`, `/dev/stdout`, a named pipe) is written to
///   directly, never replaced: there is no temporary file, and what was written before a failure stays written.
/// - A symbolic link at `path` is followed: the file it points to is replaced atomically (the temporary file sits
///   beside that file) and the link stays a link. A dangling link makes the file it names.
/// - A directory at `path` is an error.
/// - Temporary files are named `.NAME.tmp-PID-RANDOM` (NAME cut to its first 230 bytes, so that a name of up to
///   255 bytes can be written). A run killed with SIGKILL cannot remove its own; the next
///   `AtomicFile` for the same target removes those whose process `PID` is gone.
///
///     let file = try AtomicFile(path: "vocab.txt")
///     let out = OutputWriter(file: file)
///     out.buffer.append("[PAD]\n"); try out.flush()
///     try file.commit()
public final class AtomicFile {
  /// The path as given.
  public let path: String
  /// The temporary file being written, or `nil` when writing straight to a device or pipe.
  public let temporaryPath: String?
  /// The descriptor written to; valid until `commit()` or `discard()`.
  public let fileDescriptor: Int32
  private var isOpen = true
  private let slot: Int?
  /// Where the temporary file is renamed to: `path`, or the file a symbolic link at `path` points to.
  private let target: String

  /// Opens `path`'s device or pipe, or creates the temporary file beside the file `path` names.
  /// - Throws: `FileError` if `path` is a directory, its folder is missing or not writable, or a device or pipe
  ///   cannot be opened for writing.
  public init(path: String) throws {
    self.path = path
    let target = Self.followingSymbolicLinks(path)
    self.target = target
    if let stream = Self.openDescriptorNumber(path) {
      // `/dev/stdout` and friends: share the open file (its offset, its append mode), as a shell redirection does.
      let fd = fcntl(stream, F_DUPFD_CLOEXEC, 0)
      if fd < 0 { throw FileError(path: path, operation: "cannot write", systemMessage: systemErrorMessage()) }
      (fileDescriptor, temporaryPath, slot) = (fd, nil, nil)
      return
    }
    var info = stat()
    let exists = stat(path, &info) == 0
    let type = info.st_mode & S_IFMT
    if exists && type == S_IFDIR {
      throw FileError(path: path, operation: "cannot write", systemMessage: String(cString: strerror(EISDIR)))
    }
    if exists && type != S_IFREG {
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      if fd < 0 { throw FileError(path: path, operation: "cannot write", systemMessage: systemErrorMessage()) }
      (fileDescriptor, temporaryPath, slot) = (fd, nil, nil)
      return
    }
    let slash = target.lastIndex(of: "/")
    let folder = slash.map { String(target[...$0]) } ?? ""
    let base = slash.map { String(target[target.index(after: $0)...]) } ?? target
    // Refused now, not at the rename after all the work: the temporary name is cut short, the final one cannot be.
    if base.utf8.count > 255 {
      throw FileError(path: path, operation: "cannot write", systemMessage: String(cString: strerror(ENAMETOOLONG)))
    }
    let prefix = ".\(Self.temporaryNameStem(of: base)).tmp-"
    Self.removeStaleTemporaryFiles(in: folder, prefix: prefix)
    var fd: Int32 = -1
    var temporary = ""
    var registered: Int? = nil
    for _ in 0..<100 {
      temporary = folder + prefix + "\(getpid())-" + String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
      // Registered before it exists: a signal between open and register must not leave it behind.
      registered = UnfinishedFiles.register(temporary)
      fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      if fd >= 0 { break }
      let error = errno
      if let registered { UnfinishedFiles.unregister(registered) }
      registered = nil
      if error != EEXIST { errno = error; break }
    }
    if fd < 0 {
      throw FileError(path: path, operation: "cannot write", systemMessage: systemErrorMessage())
    }
    if exists {
      if getuid() == 0 { _ = fchown(fd, info.st_uid, info.st_gid) }
      fchmod(fd, info.st_mode & 0o7777)
    } else {
      fchmod(fd, 0o644)
    }
    fileDescriptor = fd
    temporaryPath = temporary
    slot = registered
  }

  deinit { discard() }

  /// The most bytes of a file's name that its temporary file's name repeats: with `.`, `.tmp-`, a PID of up to 10
  /// digits, `-` and 8 random characters, the temporary name stays within the 255 bytes a name may have.
  static let temporaryNameStemLength = 255 - 25

  /// `base` cut to `temporaryNameStemLength` bytes at a character boundary: a 254-byte name can be written too.
  static func temporaryNameStem(of base: String) -> String {
    guard base.utf8.count > temporaryNameStemLength else { return base }
    var stem = Substring(base)
    while stem.utf8.count > temporaryNameStemLength { stem = stem.dropLast() }
    return String(stem)
  }

  /// Checks that `path` can be written, without changing it: creates and removes a temporary file beside a regular
  /// file, or checks write permission on a device or pipe.
  /// - Throws: `FileError`, as `init(path:)` would.
  public static func checkWritable(_ path: String) throws {
    var info = stat()
    if openDescriptorNumber(path) == nil && stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG
      && info.st_mode & S_IFMT != S_IFDIR
    {
      // Opening a FIFO would wait for its reader: ask for permission only.
      if access(path, W_OK) != 0 {
        throw FileError(path: path, operation: "cannot write", systemMessage: systemErrorMessage())
      }
      return
    }
    try AtomicFile(path: path).discard()
  }

  /// Closes the file and renames the temporary file to `path`, replacing any file there.
  /// - Throws: `FileError` if closing or renaming fails (the temporary file is then removed).
  public func commit() throws {
    precondition(isOpen, "commit() after commit() or discard()")
    isOpen = false
    defer { if let slot { UnfinishedFiles.unregister(slot) } }
    if close(fileDescriptor) != 0 {
      let message = systemErrorMessage()
      if let temporaryPath { unlink(temporaryPath) }
      throw FileError(path: path, operation: "cannot write", systemMessage: message)
    }
    guard let temporaryPath else { return }
    if rename(temporaryPath, target) != 0 {
      let message = systemErrorMessage()
      unlink(temporaryPath)
      throw FileError(path: path, operation: "cannot rename the finished file into place", systemMessage: message)
    }
  }

  /// Closes and removes the temporary file; `path` is left as it was (a device or pipe keeps what was written).
  public func discard() {
    guard isOpen else { return }
    isOpen = false
    close(fileDescriptor)
    if let temporaryPath { unlink(temporaryPath) }
    if let slot { UnfinishedFiles.unregister(slot) }
  }

  /// The descriptor number `path` names: 1 for `/dev/stdout`, 2 for `/dev/stderr`, N for `/dev/fd/N` and
  /// `/proc/self/fd/N`.
  static func openDescriptorNumber(_ path: String) -> Int32? {
    switch path {
    case "/dev/stdout": return 1
    case "/dev/stderr": return 2
    default:
      for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
        return Int32(path.dropFirst(prefix.count)).flatMap { $0 >= 0 ? $0 : nil }
      }
      return nil
    }
  }

  /// The path `path` names once every symbolic link is followed (at most 40, as the kernel does); the last one
  /// may not exist.
  static func followingSymbolicLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
      var buffer = [CChar](repeating: 0, count: 4097)
      let n = readlink(current, &buffer, 4096)
      guard n > 0 else { return current }
      let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if link.hasPrefix("/") {
        current = link
      } else if let slash = current.lastIndex(of: "/") {
        current = String(current[...slash]) + link
      } else {
        current = link
      }
    }
    return current
  }

  /// Removes `folder`'s files named `PREFIX` + `PID-…` whose process is gone: what a killed run left behind.
  static func removeStaleTemporaryFiles(in folder: String, prefix: String) {
    guard let directory = opendir(folder.isEmpty ? "." : folder) else { return }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      guard name.hasPrefix(prefix) else { continue }
      let rest = name.dropFirst(prefix.count)
      guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + name) }
    }
  }
}

extension ByteBuffer {
  /// Writes the buffer's bytes to `path` through `AtomicFile`: the file appears complete or not at all.
  /// - Throws: `FileError` if it cannot be written.
  public func save(atomicallyTo path: String) throws {
    let file = try AtomicFile(path: path)
    let writer = OutputWriter(file: file)
    withUnsafeBytes { writer.buffer.append($0) }
    try writer.flush()
    try file.commit()
  }
}
