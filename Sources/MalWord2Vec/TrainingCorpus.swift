#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MalStream

/// A tokenized corpus spooled once to a temporary file of 32-bit token ids, ready to be read by training threads.
///
/// Each record's working column is one sentence of space-separated tokens. Reading the input counts every distinct
/// token and writes its id (in order of first appearance) to an unlinked temporary file, so the corpus is read from
/// standard input only once and its size is bounded by the disk, not by memory; memory holds only the distinct
/// tokens. Ids are 4 bytes, so the spool is about the size of the tokenized text or smaller.
///
///     let reader = RecordReader(inputs: ["tokens.txt"])
///     let corpus = try TrainingCorpus(reader: reader)
///     let vocabulary = corpus.vocabulary(minCount: 5)
public final class TrainingCorpus: @unchecked Sendable {
  // @unchecked: after init nothing is mutated; the spool's descriptor is only read with pread(2), which takes an
  // explicit offset and is safe to call from several threads at once.

  /// Marks the end of a sentence in the spool.
  static let sentenceEnd = UInt32.max

  /// Number of tokens read (every token, however rare).
  public let tokenCount: Int
  /// Number of non-empty sentences read.
  public let sentenceCount: Int
  /// Number of distinct tokens read.
  public var distinctTokenCount: Int { table.count }

  let table: TokenTable
  /// Number of 32-bit entries in the spool: token ids and sentence ends.
  let spoolLength: Int
  private let fileDescriptor: Int32

  /// Reads every record of `reader` and spools its tokens.
  /// - Parameters:
  ///   - reader: the input; its working column holds space-separated tokens (the output of `mal tokenize`).
  ///   - temporaryDirectory: where the spool file is made (it is unlinked at once, so nothing is left behind).
  ///   - budget: the most memory the table of distinct words may take.
  /// - Throws: `FileError` if the input cannot be read or the spool cannot be written; `InputError` for bad input;
  ///   `SizeLimitError` at the sentence whose new words outgrow `budget`.
  public init(reader: RecordReader, temporaryDirectory: String = "/tmp", budget: MemoryBudget = .standard) throws {
    var template = Array("\(temporaryDirectory)/mal-word2vec-spool-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 {
      throw FileError(path: temporaryDirectory, operation: "cannot create the corpus spool file", systemMessage: String(cString: strerror(errno)))
    }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    var ok = false
    defer { if !ok { close(fd) } }

    var table = TokenTable()
    var tokens = 0
    var sentences = 0
    var written = 0
    var buffer = [UInt32]()
    buffer.reserveCapacity(1 << 16)
    func flush() throws {
      try buffer.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
          let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
          if n < 0 {
            if errno == EINTR { continue }
            throw FileError(path: temporaryDirectory, operation: "cannot write the corpus spool file", systemMessage: String(cString: strerror(errno)))
          }
          offset += n
        }
      }
      written += buffer.count
      buffer.removeAll(keepingCapacity: true)
    }
    try reader.forEachRecord(header: { _ in }) { record in
      if record.isBlank { return true }
      let field = record.value
      var start = -1
      var inSentence = 0
      for i in 0...field.count {
        if i == field.count || field[i] == 0x20 {
          if start >= 0 {
            let (entry, _) = table.insert(UnsafeBufferPointer(rebasing: field[start..<i]))
            table.add(1, at: entry)
            buffer.append(UInt32(entry))
            inSentence += 1
            start = -1
          }
        } else if start < 0 {
          start = i
        }
      }
      if inSentence > 0 {
        buffer.append(Self.sentenceEnd)
        tokens += inSentence
        sentences += 1
      }
      if buffer.count >= 1 << 16 - 4096 { try flush() }
      if table.byteCount > budget.bytes {
        throw SizeLimitError(
          what: "counting \(table.count) distinct words", neededBytes: table.byteCount, budget: budget,
          location: .position(record.position(atFieldByte: 0)), kind: .badData)
      }
      return true
    }
    try flush()
    self.table = table
    tokenCount = tokens
    sentenceCount = sentences
    spoolLength = written
    fileDescriptor = fd
    ok = true
  }

  deinit { close(fileDescriptor) }

  /// How many times `token` occurs in the corpus (0 if never).
  public func count(of token: String) -> Int {
    var token = token
    return token.withUTF8 { bytes in table.index(of: bytes).map { table.entries[$0].count } ?? 0 }
  }

  /// The words that occur at least `minCount` times, most frequent first (ties: first appearance first), at most
  /// `maxSize` of them. Matches the vocabulary `gensim.models.Word2Vec` builds with `min_count`.
  /// - Complexity: O(d log d) for d distinct tokens.
  public func vocabulary(minCount: Int, maxSize: Int? = nil) -> Word2VecVocabulary {
    let counts = table.entries.map(\.count)
    var ids = (0..<table.count).filter { counts[$0] >= minCount }
    ids.sort { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
    if let maxSize, ids.count > maxSize { ids.removeLast(ids.count - maxSize) }
    return Word2VecVocabulary(words: ids.map { table.string(at: $0) }, counts: ids.map { counts[$0] })
  }

  /// The words of `list` (a vocabulary file's tokens) that occur in the corpus, with their corpus counts, most
  /// frequent first (ties: in `list` order). Words that never occur, such as `[PAD]` or `[UNK]`, are left out:
  /// they would get no training.
  public func vocabulary(restrictedTo list: [String]) -> Word2VecVocabulary {
    var entries: [(word: String, count: Int, order: Int)] = []
    for (order, word) in list.enumerated() {
      let n = count(of: word)
      if n > 0 { entries.append((word, n, order)) }
    }
    entries.sort { $0.count != $1.count ? $0.count > $1.count : $0.order < $1.order }
    return Word2VecVocabulary(words: entries.map(\.word), counts: entries.map(\.count))
  }

  /// Maps each spooled id to its index in `vocabulary`, or -1 for a token outside it.
  func indexMap(for vocabulary: Word2VecVocabulary) -> [Int32] {
    var map = [Int32](repeating: -1, count: table.count)
    for (index, word) in vocabulary.words.enumerated() {
      var word = word
      if let id = word.withUTF8({ table.index(of: $0) }) { map[id] = Int32(index) }
    }
    return map
  }

  /// Reads spool entries `[start, start + buffer.count)` into `buffer`.
  func read(from start: Int, into buffer: UnsafeMutableBufferPointer<UInt32>) throws {
    let raw = UnsafeMutableRawBufferPointer(buffer)
    var done = 0
    while done < raw.count {
      let n = pread(fileDescriptor, raw.baseAddress! + done, raw.count - done, off_t(start * 4 + done))
      if n < 0 && errno == EINTR { continue }
      if n <= 0 {
        throw FileError(path: "corpus spool", operation: "cannot read", systemMessage: n < 0 ? String(cString: strerror(errno)) : "file shrank")
      }
      done += n
    }
  }
}
