#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file or standard input as lines of raw bytes, in big chunks, with memory bounded by the longest line.
///
/// Lines end at LF; a CR before the LF is dropped (CRLF files); input whose lines end in CR alone (classic Mac)
/// is an error; a UTF-8 byte-order mark at the start of the input is skipped; a last line without a newline is still a line.
/// Lines of any length work up to `maximumLineLength` (a quarter of the memory budget by default), where a file with
/// no line breaks, or `/dev/zero`, gets an error instead of taking every byte of memory.
/// Bytes are passed on as they are: `RecordReader` checks UTF-8.
///
///     let reader = try LineReader(path: "reviews.txt")
///     try reader.forEachLine { line, lineNumber in print(lineNumber, line.count) }
public final class LineReader {
  /// The input's name in messages: the path as given, or `<stdin>`.
  public let name: String
  private let fileDescriptor: Int32
  private let ownsDescriptor: Bool
  fileprivate var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// The most bytes one line may have; a longer one is an `InputError` (`lineTooLong`).
  public let maximumLineLength: Int

  /// A quarter of `MemoryBudget.standard`: room for a line and what a stage makes of it (tokens, normalized text).
  /// (Read when a reader is made, so `--max-memory` and `MAL_MAX_MEMORY` set it.)
  public static var defaultMaximumLineLength: Int { MemoryBudget.standard.bytes / 4 }

  /// Opens `path` for reading; `-` means standard input.
  /// - Throws: `FileError` if the file cannot be opened.
  public convenience init(
    path: String, chunkSize: Int = 1 << 20, maximumLineLength: Int = LineReader.defaultMaximumLineLength
  ) throws {
    if path == "-" {
      self.init(fileDescriptor: 0, name: "<stdin>", chunkSize: chunkSize, maximumLineLength: maximumLineLength)
      return
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      throw FileError(path: path, operation: "cannot open for reading", systemMessage: systemErrorMessage())
    }
    var info = stat()
    if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw FileError(path: path, operation: "cannot read", systemMessage: "is a directory")
    }
    self.init(fileDescriptor: fd, name: path, ownsDescriptor: true, chunkSize: chunkSize, maximumLineLength: maximumLineLength)
  }

  /// Reads from an open file descriptor, standard input (0) by default; it is not closed.
  public init(
    fileDescriptor: Int32 = 0, name: String = "<stdin>", ownsDescriptor: Bool = false, chunkSize: Int = 1 << 20,
    maximumLineLength: Int = LineReader.defaultMaximumLineLength
  ) {
    self.fileDescriptor = fileDescriptor
    self.name = name
    self.ownsDescriptor = ownsDescriptor
    self.maximumLineLength = max(maximumLineLength, 16)
    capacity = max(min(chunkSize, self.maximumLineLength + 1), 16)
    buffer = .allocate(capacity: capacity)
  }

  deinit {
    buffer.deallocate()
    if ownsDescriptor { close(fileDescriptor) }
  }

  /// Calls `body` with each line (without its line ending) and its 1-based line number.
  ///
  /// `body` returns `false` to stop early. The pointer is valid only during the call.
  /// - Throws: `FileError` on a read failure, `InputError` (`carriageReturnLineEndings`) if the first line holds
  ///   a CR but no LF follows it within 64 KiB or before the end, `InputError` (`lineTooLong`) at the start of a
  ///   line longer than `maximumLineLength` bytes, or whatever `body` throws.
  public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool) throws {
    try readLines(body, blocks: { _, _, _ in false }, inBlocksAfterLines: false, blockBytes: 1)
  }

  /// Calls `lines` with each line, as `forEachLine(_:)` does, until it returns `false`. Then, if `blocks` is given,
  /// the rest of the input comes in blocks of whole lines instead, raw: each line still ends in its LF (and a
  /// CRLF's CR), the input's last line may lack its LF. A block holds about `blockBytes` (more when one line is
  /// longer) and comes with the line number of its first line and its number of lines; reading stops when `blocks`
  /// returns `false`. The checks are `forEachLine(_:)`'s: a line longer than `maximumLineLength` is an error in
  /// blocks too. This is how `RecordReader.forEachBlock` hands runs of lines to other threads without looking at
  /// each one.
  public func forEachLine(
    _ lines: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool,
    blocks: (UnsafeBufferPointer<UInt8>, Int, Int) throws -> Bool, blockBytes: Int = 1 << 18
  ) throws {
    try readLines(lines, blocks: blocks, inBlocksAfterLines: true, blockBytes: blockBytes)
  }

  /// Both `forEachLine`s: once `lines` returns `false`, reading stops, or with `inBlocksAfterLines` goes on in blocks.
  private func readLines(
    _ lines: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool,
    blocks: (UnsafeBufferPointer<UInt8>, Int, Int) throws -> Bool, inBlocksAfterLines: Bool, blockBytes: Int
  ) throws {
    var start = 0  // first byte of the current line
    var end = 0  // end of valid bytes
    var scan = 0  // where the search for '\n' resumes
    var atEOF = false
    var lineNumber = 0
    var checkedBOM = false
    var checkedLineEndings = false
    var inBlocks = false
    let blockBytes = max(blockBytes, 1)
    while true {
      if inBlocks {
        // Every whole line in [start, end) goes on; the partial one at the end waits for more input.
        if start < end, let found = lastNewline(buffer + start, end - start) {
          let cut = start + found + 1
          if try !deliver(start, cut, lineNumber: &lineNumber, blockBytes: blockBytes, blocks) { return }
          start = cut
        }
        scan = end
      } else if scan < end, let found = memchr(buffer + scan, 0x0A, end - scan) {
        // Find the next newline in [scan, end).
        let newline = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
        var lineEnd = newline
        if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        lineNumber += 1
        if try !lines(UnsafeBufferPointer(start: buffer + start, count: lineEnd - start), lineNumber) {
          guard inBlocksAfterLines else { return }
          inBlocks = true
        }
        start = newline + 1
        scan = start
        continue
      } else {
        scan = end
      }
      if atEOF {
        if start < end {
          if inBlocks {
            _ = try deliver(start, end, lineNumber: &lineNumber, blockBytes: blockBytes, blocks)
            return
          }
          var lineEnd = end
          if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
          lineNumber += 1
          _ = try lines(UnsafeBufferPointer(start: buffer + start, count: lineEnd - start), lineNumber)
        }
        return
      }
      // Make room: move the partial line to the front, grow if it fills the buffer.
      if start > 0 {
        let pending = end - start
        if pending > 0 { buffer.update(from: buffer + start, count: pending) }
        end = pending
        scan -= start
        start = 0
      }
      if end == capacity {
        // The buffer holds one partial line (and its line ending's CR, if any): it may grow to the limit + 1.
        if capacity > maximumLineLength {
          throw InputError(.lineTooLong(limit: maximumLineLength), at: SourcePosition(file: name, line: lineNumber + 1, column: 1))
        }
        let newCapacity = min(capacity * 2, maximumLineLength + 1)
        let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBuffer.update(from: buffer, count: end)
        buffer.deallocate()
        buffer = newBuffer
        capacity = newCapacity
      }
      let got = read(fileDescriptor, buffer + end, capacity - end)
      if got < 0 {
        if errno == EINTR { continue }
        throw FileError(path: name, operation: "cannot read", systemMessage: systemErrorMessage())
      }
      if got == 0 {
        atEOF = true
      } else {
        end += got
      }
      if !checkedBOM, end >= 3 || atEOF {
        checkedBOM = true
        if lineNumber == 0, start == 0, end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
          start = 3
          scan = 3
        }
      }
      // Classic Mac files end lines in CR alone: read as one line they would pass for a lone header. Judged on
      // the first line once 64 KiB of it or the whole input is in: no LF yet, but a CR before its last byte
      // (a CR as the very last byte may be the first half of a CRLF split between reads).
      if lineNumber == 0, !checkedLineEndings, atEOF || end - start >= 1 << 16 {
        checkedLineEndings = true
        if end - start > 1, memchr(buffer + start, 0x0A, end - start) == nil,
          let found = memchr(buffer + start, 0x0D, end - start - 1)
        {
          let carriageReturn = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
          throw InputError(
            .carriageReturnLineEndings, file: name, lineNumber: 1,
            line: UnsafeBufferPointer(start: buffer + start, count: carriageReturn - start),
            byteOffset: carriageReturn - start)
        }
      }
    }
  }
}

/// (`LineReader` continues here.)
extension LineReader {
  /// Hands `buffer[from..<to]` (whole lines) to `blocks` in pieces of about `blockBytes`, counting their lines in
  /// `lineNumber`. (A method, not a local function, so the line loop's variables stay in registers.)
  /// - Returns: `false` when `blocks` asks to stop.
  fileprivate func deliver(
    _ from: Int, _ to: Int, lineNumber: inout Int, blockBytes: Int,
    _ blocks: (UnsafeBufferPointer<UInt8>, Int, Int) throws -> Bool
  ) throws -> Bool {
    var from = from
    while from < to {
      var cut = to
      if to - from > blockBytes {
        // After the last LF within blockBytes, else after the first LF past them.
        if let found = lastNewline(buffer + from, blockBytes) {
          cut = from + found + 1
        } else if let found = memchr(buffer + from + blockBytes, 0x0A, to - from - blockBytes) {
          cut = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        }
      }
      let count = newlineCount(buffer + from, cut - from) + (buffer[cut - 1] == 0x0A ? 0 : 1)
      let first = lineNumber + 1
      lineNumber += count
      if try !blocks(UnsafeBufferPointer(start: buffer + from, count: cut - from), first, count) { return false }
      from = cut
    }
    return true
  }
}

/// The offset of the last LF in `bytes[0..<count]`, searched from the end (lines are short next to a block).
func lastNewline(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int? {
  var i = count - 1
  while i >= 0 {
    if bytes[i] == 0x0A { return i }
    i -= 1
  }
  return nil
}

/// The number of LF bytes in `bytes[0..<count]`.
func newlineCount(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
  var lines = 0
  var at = bytes
  let end = bytes + count
  while at < end, let found = memchr(at, 0x0A, end - at) {
    lines += 1
    at = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
  }
  return lines
}

/// The C library's message for the current `errno`.
func systemErrorMessage() -> String {
  String(cString: strerror(errno))
}

/// The exact bytes of the file at `path` (`-` for standard input), for binary formats and small whole-file reads.
///
/// `checkPrefix`, if given, sees the first `prefixLength` bytes (or the whole file, if shorter) as soon as they are
/// read: a reader of a format whose first bytes say what follows refuses an endless device or stream there.
/// The whole file must fit `budget`: a larger regular file is refused before it is read, an endless stream
/// (`/dev/zero`) once that much has come in.
/// - Throws: `FileError` if the file cannot be opened or read; `SizeLimitError` if it does not fit `budget`; what
///   `checkPrefix` throws.
public func readFile(
  atPath path: String, prefixLength: Int = 0, budget: MemoryBudget = .standard,
  checkPrefix: (([UInt8]) throws -> Void)? = nil
) throws -> [UInt8] {
  let fd: Int32
  if path == "-" {
    fd = 0
  } else {
    fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      throw FileError(path: path, operation: "cannot open for reading", systemMessage: systemErrorMessage())
    }
  }
  defer { if fd != 0 { close(fd) } }
  var info = stat()
  if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
    throw FileError(path: path, operation: "cannot read", systemMessage: "is a directory")
  }
  let name = path == "-" ? "<stdin>" : path
  func tooLarge(_ bytes: Int) -> SizeLimitError {
    SizeLimitError(what: "reading the whole file", neededBytes: bytes, budget: budget, location: .file(name), kind: .badData)
  }
  if (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > budget.bytes { throw tooLarge(Int(info.st_size)) }
  var bytes: [UInt8] = []
  // Sized to the file when its size is known (+1 to see the end in one read): a 1 MiB chunk, zeroed on every
  // call, cost a small model or vector file more than reading it.
  let size = Int(info.st_size)
  var chunk = [UInt8](repeating: 0, count: size > 0 ? min(size + 1, 1 << 20) : 1 << 16)
  while true {
    let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if got < 0 {
      if errno == EINTR { continue }
      throw FileError(path: path, operation: "cannot read", systemMessage: systemErrorMessage())
    }
    if got == 0 {
      if let checkPrefix, bytes.count < prefixLength { try checkPrefix(bytes) }
      return bytes
    }
    let before = bytes.count
    if before + got > budget.bytes { throw tooLarge(before + got) }
    bytes.append(contentsOf: chunk[0..<got])
    if let checkPrefix, before < prefixLength, bytes.count >= prefixLength { try checkPrefix(Array(bytes[..<prefixLength])) }
  }
}
