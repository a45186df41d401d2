import MalStream

/// A unigram language-model vocabulary: pieces with log probabilities, as sentencepiece's `unigram` model and HF
/// `tokenizers`' `Unigram`.
///
/// Made by `UnigramTrainer` or read from a `tokenizer.json` or a sentencepiece `.model`. A word is encoded as
/// `▁` (U+2581, sentencepiece's word mark) followed by its characters — the word as sentencepiece and HF's
/// `Metaspace` see it — cut into the pieces whose scores add up to the most (Viterbi). A character no piece starts
/// with becomes the unknown piece, and a run of them one unknown piece, as both libraries do.
///
///     let model = try UnigramModel(
///       tokens: ["[PAD]", "[UNK]", "▁", "영", "화", "▁영화", "가"], scores: [0, 0, -3, -4, -4, -2, -3])
///     model.pieces(of: "영화가")   // ["▁영화", "가"]
///     model.pieces(of: "화영")     // ["▁", "화", "영"]
public struct UnigramModel: Sendable {
  /// What a piece is, with sentencepiece's numbers (`ModelProto.SentencePiece.Type`).
  public enum PieceKind: Int, Sendable, Hashable {
    /// A piece text is cut into.
    case normal = 1
    /// The unknown piece, for characters no piece covers.
    case unknown = 2
    /// A reserved token (`[PAD]`, `[CLS]`): never cut out of text.
    case control = 3
    /// A piece always cut out where it occurs (sentencepiece's `user_defined_symbols`).
    case userDefined = 4
    /// A piece that is never produced.
    case unused = 5
  }

  /// sentencepiece's word mark, U+2581, put before every word.
  public static let wordMark = "\u{2581}"
  static let wordMarkBytes = WordMark.bytes
  /// Added to the lowest score to make the unknown piece's score (sentencepiece's and HF's `kUnkPenalty`).
  static let unknownPenalty = 10.0

  /// Every piece, indexed by id.
  public let tokens: [String]
  /// Each piece's score: its log probability (0 for reserved tokens).
  public let scores: [Double]
  /// Each piece's kind.
  public let kinds: [PieceKind]
  /// The reserved tokens (control pieces and the unknown piece), in id order.
  public let specialTokens: [String]
  /// The id of the unknown piece.
  public let unknownID: Int
  /// The unknown piece.
  public var unknownToken: String { tokens[unknownID] }

  /// How scores add up along a segmentation, which decides exact ties (`oo` + `oooo` against `oooo` + `oo`)
  /// the way one of the two libraries does.
  public enum Arithmetic: Sendable, Hashable {
    /// HF `tokenizers`' `Unigram`: each word on its own, in `Double`.
    case huggingFace
    /// sentencepiece's `EncodeOptimized`: a line's words one after another, each continuing from the best score
    /// of the line so far, in `Float`.
    case sentencePiece
  }

  /// The arithmetic of the library that reads the model's file: `.sentencePiece` for a model read from or saved
  /// as a `.model`, else `.huggingFace`.
  public var arithmetic = Arithmetic.huggingFace

  /// Every prefix (at a character boundary) of every piece text can be cut into, so that the search stops as
  /// soon as no piece can continue, as a trie would.
  let prefixes: TokenTable
  /// For each entry of `prefixes`: the piece id, or -1 when it is only a prefix (or an unused piece).
  let prefixPieceIDs: [Int32]
  let longestPieceByteCount: Int
  /// The score of the unknown piece with HF's arithmetic: the lowest score of all pieces minus 10.
  let unknownScore: Double
  /// The lowest score of a normal piece: sentencepiece's `min_score_`, from which its unknown score is made.
  let lowestNormalScore: Double
  /// sentencepiece's `max_score_`, which gives user-defined pieces their score (length × it − 0.1).
  let highestScore: Double

  /// Makes a model from pieces by id.
  ///
  /// - Parameters:
  ///   - kinds: each piece's kind; `nil` makes `specialTokens` control pieces, `unknownToken` the unknown piece and
  ///     the others normal.
  /// - Throws: `SubwordError.repeatedToken` for a piece given twice; `.missingUnknownToken` if `unknownToken` is
  ///   not a piece (or, with `kinds`, no piece is `.unknown`).
  public init(
    tokens: [String], scores: [Double], kinds: [PieceKind]? = nil, specialTokens: [String] = ["[PAD]", "[UNK]"],
    unknownToken: String = "[UNK]"
  ) throws(SubwordError) {
    precondition(tokens.count == scores.count && (kinds?.count ?? tokens.count) == tokens.count)
    let kinds = kinds ?? tokens.map { token in
      token == unknownToken ? .unknown : specialTokens.contains(token) ? .control : .normal
    }
    guard let unknownID = kinds.firstIndex(of: .unknown) else { throw SubwordError(.missingUnknownToken(unknownToken)) }
    var seen = TokenTable(minimumCapacity: tokens.count)
    var table = TokenTable(minimumCapacity: tokens.count * 2)
    var pieceIDs: [Int32] = []
    var longest = 0
    var lowest = Double.infinity
    var lowestOfAll = Double.infinity
    var highest = Double(Float.leastNormalMagnitude)
    for (id, token) in tokens.enumerated() {
      var token = token
      let bytes = Array(token.utf8)
      if !token.withUTF8({ seen.insert($0).inserted }) { throw SubwordError(.repeatedToken(token)) }
      lowestOfAll = min(lowestOfAll, scores[id])
      if kinds[id] == .normal {
        lowest = min(lowest, scores[id])
        highest = max(highest, scores[id])
      }
      guard kinds[id] == .normal || kinds[id] == .userDefined || kinds[id] == .unused, !bytes.isEmpty else { continue }
      longest = max(longest, bytes.count)
      bytes.withUnsafeBufferPointer { all in
        var end = 0
        while end < all.count {
          end += 1
          while end < all.count && all[end] & 0xC0 == 0x80 { end += 1 }
          let (entry, inserted) = table.insert(UnsafeBufferPointer(rebasing: all[..<end]))
          if inserted { pieceIDs.append(-1) }
          if end == all.count && kinds[id] != .unused { pieceIDs[entry] = Int32(id) }
        }
      }
    }
    self.tokens = tokens
    self.scores = scores
    self.kinds = kinds
    self.specialTokens = zip(tokens, kinds).filter { $0.1 == .control || $0.1 == .unknown }.map(\.0)
    self.unknownID = unknownID
    self.prefixes = table
    self.prefixPieceIDs = pieceIDs
    self.longestPieceByteCount = longest
    self.unknownScore = (lowestOfAll.isFinite ? lowestOfAll : 0) - Self.unknownPenalty
    self.lowestNormalScore = lowest.isFinite ? lowest : Double(Float.greatestFiniteMagnitude)
    self.highestScore = highest
  }

  /// The id of `token`, or `nil`.
  public func id(for token: String) -> Int? {
    var token = token
    if let entry = token.withUTF8({ prefixes.index(of: $0) }), prefixPieceIDs[entry] >= 0 {
      return Int(prefixPieceIDs[entry])
    }
    return tokens.firstIndex(of: token)
  }

  /// Scratch space for `appendIDs`, kept between words so that encoding does not allocate.
  struct Scratch {
    var bytes: [UInt8] = []
    var best: [Double] = []
    var bestFloat: [Float] = []
    var start: [Int32] = []
    var piece: [Int32] = []
    var path: [Int32] = []
  }

  /// Appends the piece ids of one word (UTF-8 bytes, no space) to `ids`: the best segmentation of `▁` + the word.
  ///
  /// Ties go to the segmentation found first, scanning start positions left to right and pieces from short to
  /// long — sentencepiece's and HF's optimized Viterbi. A word that already starts with `▁` gets no second one
  /// (HF's `Metaspace`).
  /// - Returns: how many unknown ids were appended (a run of unknown characters is one).
  /// - Complexity: O(*n*·*m*) lookups for a word of *n* bytes and a longest piece of *m* characters.
  @discardableResult
  func appendIDs(of word: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout Scratch) -> Int {
    scratch.bytes.removeAll(keepingCapacity: true)
    if !word.starts(with: Self.wordMarkBytes) { scratch.bytes.append(contentsOf: Self.wordMarkBytes) }
    scratch.bytes.append(contentsOf: word)
    let n = scratch.bytes.count
    scratch.best.removeAll(keepingCapacity: true)
    scratch.best.append(contentsOf: repeatElement(0, count: n + 1))
    scratch.start.removeAll(keepingCapacity: true)
    scratch.start.append(contentsOf: repeatElement(-1, count: n + 1))
    scratch.piece.removeAll(keepingCapacity: true)
    scratch.piece.append(contentsOf: repeatElement(-1, count: n + 1))
    let unknown = Int32(unknownID)
    scratch.bytes.withUnsafeBufferPointer { bytes in
      scratch.best.withUnsafeMutableBufferPointer { best in
        scratch.start.withUnsafeMutableBufferPointer { start in
          scratch.piece.withUnsafeMutableBufferPointer { piece in
            @inline(__always) func offer(_ end: Int, _ from: Int, _ id: Int32, _ score: Double) {
              if start[end] < 0 || score > best[end] {
                best[end] = score
                start[end] = Int32(from)
                piece[end] = id
              }
            }
            var s = 0
            while s < n {
              let base = best[s]
              let characterLength = min(utf8Length(lead: bytes[s]), n - s)
              var hasSingle = false
              var e = s + characterLength
              while e - s <= longestPieceByteCount {
                guard let entry = prefixes.index(of: UnsafeBufferPointer(rebasing: bytes[s..<e])) else { break }
                let id = prefixPieceIDs[entry]
                if id >= 0 {
                  let score = kinds[Int(id)] == .userDefined ? Double(e - s) * highestScore - 0.1 : scores[Int(id)]
                  offer(e, s, id, score + base)
                  if e - s == characterLength { hasSingle = true }
                }
                if e >= n { break }
                e += min(utf8Length(lead: bytes[e]), n - e)
              }
              if !hasSingle { offer(s + characterLength, s, unknown, unknownScore + base) }
              s += characterLength
            }
          }
        }
      }
    }
    return appendPath(byteCount: n, to: &ids, scratch: &scratch)
  }

  /// Appends the best path that `scratch.start` and `scratch.piece` hold, from the end back; a run of unknown
  /// pieces becomes one (HF's `fuse_unk`, sentencepiece's merged unknowns).
  /// - Returns: how many unknown ids were appended.
  private func appendPath(byteCount n: Int, to ids: inout [Int32], scratch: inout Scratch) -> Int {
    let unknown = Int32(unknownID)
    scratch.path.removeAll(keepingCapacity: true)
    var end = n
    while end > 0 {
      scratch.path.append(scratch.piece[end])
      end = Int(scratch.start[end])
    }
    var unknownCount = 0
    var previousWasUnknown = false
    for id in scratch.path.reversed() {
      if id == unknown {
        if previousWasUnknown { continue }
        unknownCount += 1
      }
      previousWasUnknown = id == unknown
      ids.append(id)
    }
    return unknownCount
  }

  /// One node of a word's lattice: the piece `id` covers bytes `start ..< end` of `▁` + the word.
  struct Edge {
    var start: Int32
    var end: Int32
    var id: Int32
  }

  /// Appends the lattice of one word to `edges`, in the order the Viterbi search meets them: by start, then from
  /// short to long, an unknown node last where no piece is one character long.
  /// - Returns: the byte count of `▁` + the word.
  func appendEdges(of word: UnsafeBufferPointer<UInt8>, to edges: inout [Edge], scratch: inout Scratch) -> Int {
    scratch.bytes.removeAll(keepingCapacity: true)
    if !word.starts(with: Self.wordMarkBytes) { scratch.bytes.append(contentsOf: Self.wordMarkBytes) }
    scratch.bytes.append(contentsOf: word)
    let n = scratch.bytes.count
    let unknown = Int32(unknownID)
    scratch.bytes.withUnsafeBufferPointer { bytes in
      var s = 0
      while s < n {
        let characterLength = min(utf8Length(lead: bytes[s]), n - s)
        var hasSingle = false
        var e = s + characterLength
        while e - s <= longestPieceByteCount {
          guard let entry = prefixes.index(of: UnsafeBufferPointer(rebasing: bytes[s..<e])) else { break }
          let id = prefixPieceIDs[entry]
          if id >= 0 {
            edges.append(Edge(start: Int32(s), end: Int32(e), id: id))
            if e - s == characterLength { hasSingle = true }
          }
          if e >= n { break }
          e += min(utf8Length(lead: bytes[e]), n - e)
        }
        if !hasSingle { edges.append(Edge(start: Int32(s), end: Int32(s + characterLength), id: unknown)) }
        s += characterLength
      }
    }
    return n
  }

  /// Appends the best path through a word's lattice with sentencepiece's arithmetic, starting from `lineScore`
  /// (the best score of the line before the word) and leaving there the best score after it.
  /// - Returns: how many unknown ids were appended.
  func appendBestPath(
    _ edges: UnsafeBufferPointer<Edge>, byteCount n: Int, lineScore: inout Float, to ids: inout [Int32],
    scratch: inout Scratch
  ) -> Int {
    scratch.bestFloat.removeAll(keepingCapacity: true)
    scratch.bestFloat.append(contentsOf: repeatElement(0, count: n + 1))
    scratch.start.removeAll(keepingCapacity: true)
    scratch.start.append(contentsOf: repeatElement(-1, count: n + 1))
    scratch.piece.removeAll(keepingCapacity: true)
    scratch.piece.append(contentsOf: repeatElement(-1, count: n + 1))
    scratch.bestFloat[0] = lineScore
    let unknown = Int32(unknownID)
    // `min_score() - kUnkPenalty`: floats.
    let unknownScore = Float(lowestNormalScore) - Float(Self.unknownPenalty)
    let highestScore = Float(self.highestScore)
    scratch.bestFloat.withUnsafeMutableBufferPointer { best in
      scratch.start.withUnsafeMutableBufferPointer { start in
        scratch.piece.withUnsafeMutableBufferPointer { piece in
          for edge in edges {
            let s = Int(edge.start)
            let e = Int(edge.end)
            // `score + best_path_score_till_here` in floats, as the released library computes it (measured:
            // with the score widened to a double, 9 of NSMC's 50,000 test lines break ties differently from it).
            let score = edge.id == unknown ? unknownScore
              : kinds[Int(edge.id)] == .userDefined ? Float(e - s) * highestScore - 0.1 : Float(scores[Int(edge.id)])
            let candidate = score + best[s]
            if start[e] < 0 || candidate > best[e] {
              best[e] = candidate
              start[e] = Int32(s)
              piece[e] = edge.id
            }
          }
        }
      }
    }
    lineScore = scratch.bestFloat[n]
    return appendPath(byteCount: n, to: &ids, scratch: &scratch)
  }

  /// The pieces of one word, as strings (for examples and tests).
  public func pieces(of word: String) -> [String] {
    var ids: [Int32] = []
    var scratch = Scratch()
    var word = word
    word.withUTF8 { _ = appendIDs(of: $0, to: &ids, scratch: &scratch) }
    return ids.map { tokens[Int($0)] }
  }
}

/// The byte length of the UTF-8 sequence that `lead` starts (1 for a stray continuation byte).
@inline(__always)
func utf8Length(lead: UInt8) -> Int {
  lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
}
