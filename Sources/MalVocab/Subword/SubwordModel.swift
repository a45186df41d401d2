import MalStream

/// A trained subword vocabulary, BPE, WordPiece or Unigram: what `mal vocab --subword` saves and `--load` applies.
///
/// Ids follow Mal's convention for every vocabulary: the reserved tokens come first (`[PAD]` = 0, `[UNK]` = 1,
/// then any others), then the pieces. Files are HF `tokenizer.json` (every kind, read back by
/// `tokenizers.Tokenizer.from_file`, which then encodes `mal tokenize` output to the same ids), BERT `vocab.txt`
/// (WordPiece) and sentencepiece `.model` (Unigram, read back by `SentencePieceProcessor` with the same ids).
public enum SubwordModel: Sendable {
  case bpe(BPEModel)
  case wordPiece(WordPieceModel)
  case unigram(UnigramModel)

  /// Every piece, indexed by id.
  public var tokens: [String] {
    switch self {
    case .bpe(let m): return m.tokens
    case .wordPiece(let m): return m.tokens
    case .unigram(let m): return m.tokens
    }
  }

  /// The reserved tokens.
  public var specialTokens: [String] {
    switch self {
    case .bpe(let m): return m.specialTokens
    case .wordPiece(let m): return m.specialTokens
    case .unigram(let m): return m.specialTokens
    }
  }

  /// The id of the unknown token, if the model has one.
  public var unknownID: Int? {
    switch self {
    case .bpe(let m): return m.unknownID
    case .wordPiece(let m): return m.unknownID
    case .unigram(let m): return m.unknownID
    }
  }

  /// The model as the library that reads `format` applies it: a Unigram model saved as `spm` breaks exact ties
  /// with sentencepiece's arithmetic (`UnigramModel.Arithmetic`), one saved as `hf-json` with HF's; a BPE model
  /// saved as `spm` merges by the scores of the pieces it makes, as sentencepiece reads the file (which can cut
  /// a word differently from merging by the rank of each pair, as HF does).
  public func matching(_ format: SubwordFormat) -> SubwordModel {
    switch self {
    case .unigram(var m):
      m.arithmetic = format == .sentencePiece ? .sentencePiece : .huggingFace
      return .unigram(m)
    case .bpe where format == .sentencePiece:
      guard let pieces = try? SentencePieceFile.pieces(of: self), let model = try? SentencePieceFile.model(from: pieces) else {
        return self
      }
      return model
    default:
      return self
    }
  }

  /// The id of `token`, or `nil`.
  public func id(for token: String) -> Int? {
    switch self {
    case .bpe(let m): return m.id(for: token)
    case .wordPiece(let m): return m.id(for: token)
    case .unigram(let m): return m.id(for: token)
    }
  }

  /// The prefix that marks pieces continuing a word, if the model uses one (WordPiece's `##`).
  var continuingPrefix: String? {
    switch self {
    case .bpe(let m): return m.continuingSubwordPrefix
    case .wordPiece(let m): return m.continuingSubwordPrefix
    case .unigram: return nil
    }
  }

  /// Appends the text of the space-separated ids of `field` to `out`, as HF's `Tokenizer.decode` with the
  /// decoder Mal writes (reserved tokens kept, except padding with `skippingPadding`).
  ///
  /// WordPiece (and BPE with a prefix): a piece with the prefix is glued to the one before, others start a new
  /// word, so decoding gives back the token stream. BPE with an end-of-word suffix: the suffix becomes a space.
  /// Plain BPE marks no word boundary: the pieces come out separated by spaces, as HF decodes with no decoder.
  /// Unigram and BPE with word marks: `▁` becomes a space (HF's `Metaspace` decoder), which gives back the token
  /// stream.
  ///
  ///     WordPiece pieces [PAD] [UNK] un ##aff ##able a:  "2 3 4 5" → "unaffable a"
  /// - Throws: `MalformedID` for an item that is not a non-negative integer or not an id of this vocabulary.
  public func decode(_ field: UnsafeBufferPointer<UInt8>, into out: ByteBuffer, skippingPadding: Bool = false)
    throws(MalformedID)
  {
    let tokens = self.tokens
    let paddingID = specialTokens.first == "[PAD]" ? 0 : -1
    var pieces: [Int] = []
    try field.forEachSpaceSeparated { (item: UnsafeBufferPointer<UInt8>, start: Int) throws(MalformedID) -> Bool in
      guard let id = parseDecimal(item) else {
        throw MalformedID(reason: .notAnInteger(found: String(decoding: item, as: UTF8.self)), byteOffset: start)
      }
      guard id < tokens.count else {
        throw MalformedID(reason: .idOutsideVocabulary(id: id, vocabularySize: tokens.count), byteOffset: start)
      }
      if !(skippingPadding && id == paddingID) { pieces.append(id) }
      return true
    }
    let text = Self.decode(pieces.map { tokens[$0] }, model: self)
    out.append(decomposesText ? Decomposition.nfc(text) : text)  // jamo back into syllables
  }

  /// The text of `pieces` as HF's decoder for this model makes it.
  static func decode(_ pieces: [String], model: SubwordModel) -> String {
    if case .unigram = model { return WordMark.decode(pieces) }
    if case .bpe(let m) = model, m.marksWordStarts { return WordMark.decode(pieces) }
    if case .bpe(let m) = model, let suffix = m.endOfWordSuffix {
      // HF's BPEDecoder: every suffix becomes a space, except in the last piece.
      return pieces.enumerated().map { i, piece in
        piece.replacingAll(suffix, with: i == pieces.count - 1 ? "" : " ")
      }.joined()
    }
    guard let prefix = model.continuingPrefix else { return pieces.joined(separator: " ") }
    // HF's WordPiece decoder without cleanup.
    var text = ""
    for (i, piece) in pieces.enumerated() {
      if i == 0 {
        text += piece
      } else if piece.utf8.starts(with: prefix.utf8) {
        text += String(decoding: piece.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
      } else {
        text += " " + piece
      }
    }
    return text
  }
}

extension String {
  /// Every occurrence of `target` (by bytes) replaced with `replacement`.
  func replacingAll(_ target: String, with replacement: String) -> String {
    let t = Array(target.utf8)
    let s = Array(utf8)
    guard !t.isEmpty, s.count >= t.count else { return self }
    var out: [UInt8] = []
    var i = 0
    while i < s.count {
      if i + t.count <= s.count && s[i..<(i + t.count)].elementsEqual(t) {
        out.append(contentsOf: replacement.utf8)
        i += t.count
      } else {
        out.append(s[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Applies a `SubwordModel` to a token stream, remembering the pieces of words it has seen.
///
/// Each space-separated token of a field is one word (HF's `WhitespaceSplit`); its piece ids are written
/// separated by single spaces, so a row of *n* words becomes a row of at least *n* ids.
///
///     let model = SubwordModel.wordPiece(try WordPieceModel(tokens: ["[PAD]", "[UNK]", "un", "##aff", "##able", "a"]))
///     var encoder = SubwordEncoder(model: model)
///     encoder.ids(for: "unaffable a zz")   // [2, 3, 4, 5, 1]
public struct SubwordEncoder {
  public let model: SubwordModel
  // The model's payload, held apart so that encoding a word does not copy the enum's payload (and retain its
  // arrays) each time.
  private let bpe: BPEModel?
  private let wordPiece: WordPieceModel?
  private let unigram: UnigramModel?
  /// The Unigram model when it is applied with sentencepiece's arithmetic, held by reference: `forEachIDOfLine`
  /// changes the encoder while it uses the model, so it would otherwise copy the model out of the encoder once a
  /// line, retaining and releasing each of its arrays (perf: retain and release were 10 % of NSMC Unigram 32k
  /// `.model` encoding, 4 % held).
  private let lineModel: HeldModel?
  /// Words whose ids are remembered; no more than `cacheLimit`.
  private var rememberedPieces = RememberedPieces()
  private let cacheLimit: Int
  private var ids: [Int32] = []
  /// Each id as `encode` writes it (`decimals(count:)`).
  private let idDecimals: [UInt64]
  private var scratch: [UInt8] = []
  private var unigramScratch = UnigramModel.Scratch()
  /// With sentencepiece's arithmetic a word's pieces depend on the line before it: the encoder remembers each
  /// word's line-independent path instead (`UnigramModel.appendLineIndependentPath`).
  private var remembered = RememberedPaths()
  /// The words `remembered` has seen once: it admits a word on its second sighting (with sentencepiece's arithmetic).
  private var sightings: WordSightings
  private var edges: [UnigramModel.Edge] = []
  /// Whether words are decomposed (NFD) before they are cut, and the buffers that does it in.
  private let decomposes: Bool
  private var decomposed: [UInt8] = []
  private var decompositionScalars: [Int32] = []

  /// - Parameter cacheLimit: the most distinct words whose pieces are kept (the first ones seen, which in text
  ///   are mostly the frequent ones; with a sentencepiece `.model`, the first ones seen twice; the others are cut
  ///   again each time).
  public init(model: SubwordModel, cacheLimit: Int = 1 << 15) {
    self.model = model
    self.cacheLimit = cacheLimit
    if case .bpe(let m) = model { bpe = m } else { bpe = nil }
    if case .wordPiece(let m) = model { wordPiece = m } else { wordPiece = nil }
    if case .unigram(let m) = model { unigram = m } else { unigram = nil }
    lineModel = unigram.flatMap { $0.arithmetic == .sentencePiece ? HeldModel($0) : nil }
    // Only `forEachIDOfLine` (a `.model`'s arithmetic) admits words by sightings: the others keep the smallest set.
    sightings = WordSightings(limit: lineModel == nil ? 0 : cacheLimit)
    decomposes = model.decomposesText
    idDecimals = Self.decimals(count: model.tokens.count)
  }

  /// Appends the piece ids of the words of `field` to `out`, separated by single spaces.
  /// - Returns: the number of unknown ids written (WordPiece: words that could not be cut; BPE: characters
  ///   outside the alphabet; Unigram: runs of characters outside the alphabet).
  /// - Complexity: O(bytes) for remembered words.
  @discardableResult
  public mutating func encode(_ field: UnsafeBufferPointer<UInt8>, into out: ByteBuffer) -> Int {
    var first = true
    let decimals = idDecimals
    return forEachID(inWordsOf: field) { id in
      guard Int(id) < decimals.count else {
        if !first { out.append(byte: 0x20) }
        first = false
        appendDecimal(Int(id), to: out)
        return
      }
      // One store of 8 bytes; the count says how many of them are the id's.
      var packed = decimals[Int(id)]
      var count = Int(packed >> 56)
      packed &= 0x00FF_FFFF_FFFF_FFFF
      if first {
        packed >>= 8
        count -= 1
        first = false
      }
      out.appendWithUnsafeCapacity(upTo: 8) { p in
        UnsafeMutableRawPointer(p).storeBytes(of: packed.littleEndian, as: UInt64.self)
        return count
      }
    }
  }

  /// A space and the decimal digits of each id below 10⁶, packed little-endian into the low 7 bytes, with their
  /// count in the top byte: `encode` writes an id with one store (perf: formatting ids was 8 % of Unigram encoding).
  private static func decimals(count: Int) -> [UInt64] {
    (0..<min(count, 1_000_000)).map { id in
      let bytes = [0x20] + Array(String(id).utf8)
      var packed = UInt64(bytes.count) << 56
      for (k, byte) in bytes.enumerated() { packed |= UInt64(byte) << UInt64(8 * k) }
      return packed
    }
  }

  /// Appends the piece ids of the words of `field` to `ids`.
  /// - Returns: the number of unknown ids appended.
  /// - Complexity: O(bytes) for remembered words.
  @discardableResult
  public mutating func appendIDs(of field: UnsafeBufferPointer<UInt8>, to ids: inout [Int32]) -> Int {
    forEachID(inWordsOf: field) { ids.append($0) }
  }

  /// Calls `body` with each piece id of the space-separated words of `field`, in order; returns the number of
  /// unknown ids.
  ///
  /// Words are taken `batchSize` at a time and looked up in `rememberedPieces` in order; a word not remembered is
  /// cut and remembered where it is met, so a later word of the batch (the same word again, say) reads the live
  /// table. Remembered words are most of the text (82 % of NSMC's, 98 % of IMDB's), and a table of 32k of them
  /// does not stay in the cache: prefetching a batch's slots first overlaps their misses.
  private mutating func forEachID(inWordsOf field: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) -> Int {
    if let lineModel { return forEachIDOfLine(field, lineModel, body) }
    guard let base = field.baseAddress else { return 0 }
    var unknown = 0
    withUnsafeTemporaryAllocation(of: HashedWord.self, capacity: Self.batchSize) { buffer in
      var position = 0
      while true {
        let n = field.gatherWords(from: &position, into: buffer, hash: RememberedWords.hash)
        if n == 0 { return }
        let batch = UnsafeBufferPointer(rebasing: buffer[..<n])
        rememberedPieces.withLookup { lookup in
          for word in batch { lookup.prefetchSlot(hash: word.hash) }
          for word in batch { lookup.prefetchBeyondSlot(hash: word.hash, length: word.length) }
        }
        var next = 0
        while next < n {
          next = replayRemembered(batch, from: next, in: base, unknown: &unknown, body)
          guard next < n else { break }
          unknown += cutAndRemember(batch[next], in: base, body)
          next += 1
        }
      }
    }
    return unknown
  }

  /// A model held by reference (`lineModel`).
  private final class HeldModel {
    let model: UnigramModel
    init(_ model: UnigramModel) { self.model = model }
  }

  /// Words looked up together by `forEachID`: their first slots are asked for, then what lies beyond them, and
  /// only then are they compared, so the cache misses of a batch overlap instead of following one another.
  private static let batchSize = 16

  /// Calls `body` with the ids of the remembered words of `batch` from index `first` on, in order, up to the first
  /// word not remembered, and adds their unknown ids to `unknown`.
  /// - Returns: the index of that word, or `batch.count` if every word was remembered.
  @inline(__always)
  private func replayRemembered(
    _ batch: UnsafeBufferPointer<HashedWord>, from first: Int, in field: UnsafePointer<UInt8>, unknown: inout Int,
    _ body: (Int32) -> Void
  ) -> Int {
    rememberedPieces.withLookup { lookup in
      for j in first..<batch.count {
        let word = batch[j]
        guard let slot = lookup.slot(of: UnsafeBufferPointer(start: field + word.start, count: word.length), hash: word.hash)
        else { return j }
        unknown += Int(slot.unknown)
        lookup.forEachID(of: slot, body)
      }
      return batch.count
    }
  }

  /// Cuts `word` (not remembered), calls `body` with its ids and remembers them while there is room.
  /// - Returns: the number of unknown ids.
  private mutating func cutAndRemember(_ word: HashedWord, in field: UnsafePointer<UInt8>, _ body: (Int32) -> Void)
    -> Int
  {
    let bytes = UnsafeBufferPointer(start: field + word.start, count: word.length)
    ids.removeAll(keepingCapacity: true)
    let unknown = cutting(bytes) { encoder, word in encoder.cut(word) }
    for id in ids { body(id) }
    if rememberedPieces.count < cacheLimit && bytes.count <= RememberedPieces.longest
      && ids.count <= RememberedPieces.longest
    {
      rememberedPieces.insert(bytes, hash: word.hash, ids: ids, unknown: unknown)
    }
    return unknown
  }

  /// Calls `body` with each id of a segmentation drawn at random for each word of `field` (Unigram only; see
  /// `encodeSampling`); returns the number of unknown ids. Sampled cuts are not remembered.
  mutating func forEachSampledID(
    inWordsOf field: UnsafeBufferPointer<UInt8>, alpha: Double, random: inout SegmentationRandom,
    _ body: (Int32) -> Void
  ) -> Int {
    guard let unigram else { preconditionFailure("sampling needs a Unigram model") }
    var unknown = 0
    field.forEachSpaceSeparated { word, _ in
      ids.removeAll(keepingCapacity: true)
      unknown += cutting(word) { encoder, word in
        unigram.appendSampledIDs(
          of: word, alpha: alpha, random: &random, to: &encoder.ids, scratch: &encoder.unigramScratch)
      }
      for id in ids { body(id) }
      return true
    }
    return unknown
  }

  /// Appends the ids of `word`'s pieces to `ids`; returns how many are unknown.
  private mutating func cut(_ word: UnsafeBufferPointer<UInt8>) -> Int {
    if let bpe { return bpe.appendIDs(of: word, to: &ids, scratch: &scratch) }
    if let unigram { return unigram.appendIDs(of: word, to: &ids, scratch: &unigramScratch) }
    return wordPiece!.appendIDs(of: word, to: &ids)
  }

  /// Calls `cutter` with `word` as the model cuts it: the word itself, or its NFD (Hangul syllables as jamo) when
  /// the model decomposes text.
  private mutating func cutting(
    _ word: UnsafeBufferPointer<UInt8>, _ cutter: (inout SubwordEncoder, UnsafeBufferPointer<UInt8>) -> Int
  ) -> Int {
    guard decomposes else { return cutter(&self, word) }
    var bytes = decomposed
    bytes.removeAll(keepingCapacity: true)
    Decomposition.appendNFD(word, to: &bytes, scalars: &decompositionScalars)
    defer { decomposed = bytes }
    return bytes.withUnsafeBufferPointer { cutter(&self, $0) }
  }

  /// `forEachID` with sentencepiece's arithmetic: the words of the field in turn, each continuing from the line's
  /// best score so far. A remembered word whose path holds at that score adds its pieces' scores; the others are
  /// cut again.
  private mutating func forEachIDOfLine(
    _ field: UnsafeBufferPointer<UInt8>, _ held: HeldModel, _ body: (Int32) -> Void
  ) -> Int {
    guard let base = field.baseAddress else { return 0 }
    let n = field.count
    let unknownID = Int32(held.model.unknownID)
    var unknown = 0
    var lineScore: Float = 0
    // A remembered path's pieces: their scores added to the line's in order, their ids written.
    func replay(_ slot: RememberedPaths.Slot, _ lookup: RememberedPaths.Lookup) {
      lookup.forEachPiece(of: slot) { id, score in
        lineScore = score + lineScore
        if id >= 0 { body(id) }
        if id == unknownID { unknown += 1 }
      }
    }
    var i = 0
    while i < n {
      // The words the table answers, over raw pointers, up to one that must be remembered or cut (with the slot
      // the table has for it, if any: its path does not hold at this line score).
      var pending: (start: Int, hash: UInt64, slot: RememberedPaths.Slot?)?
      remembered.withLookup { lookup in
        while i < n {
          while i < n, base[i] == 0x20 { i += 1 }
          let start = i
          while i < n, base[i] != 0x20 { i += 1 }
          if i == start { return }
          let word = UnsafeBufferPointer(start: base + start, count: i - start)
          let hash = RememberedWords.hash(word)
          let slot = lookup.slot(of: word, hash: hash)
          if let slot, abs(lineScore) < slot.lineScoreLimit {
            replay(slot, lookup)
          } else {
            pending = (start, hash, slot)
            return
          }
        }
      }
      guard let (start, hash, found) = pending else { break }
      let word = UnsafeBufferPointer(start: base + start, count: i - start)
      if found == nil && remembered.count < cacheLimit && word.count <= RememberedPaths.longest,
        sightings.see(hash: hash), let slot = remember(word, hash: hash, held), abs(lineScore) < slot.lineScoreLimit
      {
        remembered.withLookup { replay(slot, $0) }
        continue
      }
      unknown += held.model.forEachIDOfBestPath(of: word, lineScore: &lineScore, scratch: &unigramScratch, body)
    }
    return unknown
  }

  /// Remembers `word` with its line-independent path; returns its slot, or `nil` if the path has too many pieces.
  private mutating func remember(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, _ held: HeldModel)
    -> RememberedPaths.Slot?
  {
    edges.removeAll(keepingCapacity: true)
    let n = held.model.appendEdges(of: word, to: &edges, scratch: &unigramScratch)
    let first = remembered.pieces.count
    let limit = edges.withUnsafeBufferPointer { edges in
      remembered.withPieces { held.model.appendLineIndependentPath(edges, byteCount: n, to: &$0, scratch: &unigramScratch) }
    }
    if remembered.pieces.count - first > RememberedPaths.longest {
      remembered.withPieces { $0.removeSubrange(first...) }
      return nil
    }
    let rounded = Float(limit)
    let lineScoreLimit = Double(rounded) > limit ? rounded.nextDown : rounded
    return remembered.insert(word, hash: hash, piecesFrom: first, lineScoreLimit: lineScoreLimit)
  }

  /// The piece ids of the space-separated words of `text`.
  public mutating func ids(for text: String) -> [Int] {
    let out = ByteBuffer(capacity: 256)
    var text = text
    text.withUTF8 { _ = encode($0, into: out) }
    return out.string.split(separator: " ").map { Int($0)! }
  }
}
