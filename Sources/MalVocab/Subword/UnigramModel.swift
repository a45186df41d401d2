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
  /// Whether words are decomposed (Unicode NFD) before they are cut, as HF's `NFD` normalizer does: pieces of
  /// jamo for Korean (`--jamo`).
  public internal(set) var decomposesText = false

  /// Every piece, for `id(for:)`.
  let table: TokenTable
  /// The pieces text can be cut into (normal and user-defined), as a trie of their characters' codes: one walk
  /// from a position finds every piece that starts there, as sentencepiece's and HF's tries do.
  let trie: DoubleArrayTrie
  /// The codes of the characters of the pieces in `trie`.
  let characters: CharacterCodes
  /// The code of `▁`.
  let wordMarkCode: Int32
  /// The score of the unknown piece with HF's arithmetic: the lowest score of all pieces minus 10.
  let unknownScore: Double
  /// The lowest score of a normal piece: sentencepiece's `min_score_`, from which its unknown score is made.
  let lowestNormalScore: Double
  /// sentencepiece's `max_score_`, which gives user-defined pieces their score (length × it − 0.1).
  let highestScore: Double
  /// Each piece's score with sentencepiece's arithmetic, by id, as `floatScore(of:)` gives it for the piece's
  /// edges: every edge of a piece is as long as the piece, so a user-defined piece's score is fixed too.
  let floatScores: [Float]

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
    var table = TokenTable(minimumCapacity: tokens.count)
    var triePieces: [(token: String, id: Int32)] = []
    var lowest = Double.infinity
    var lowestOfAll = Double.infinity
    var highest = Double(Float.leastNormalMagnitude)
    for (id, token) in tokens.enumerated() {
      var token = token
      if !token.withUTF8({ table.insert($0).inserted }) { throw SubwordError(.repeatedToken(token)) }
      lowestOfAll = min(lowestOfAll, scores[id])
      if kinds[id] == .normal {
        lowest = min(lowest, scores[id])
        highest = max(highest, scores[id])
      }
      guard kinds[id] == .normal || kinds[id] == .userDefined, !token.isEmpty else { continue }
      triePieces.append((token, Int32(id)))
    }
    self.tokens = tokens
    self.scores = scores
    self.kinds = kinds
    self.specialTokens = zip(tokens, kinds).filter { $0.1 == .control || $0.1 == .unknown }.map(\.0)
    self.unknownID = unknownID
    self.table = table
    let characters = CharacterCodes(triePieces.map(\.token))
    self.characters = characters
    self.wordMarkCode = characters.code(of: "\u{2581}")
    self.trie = DoubleArrayTrie(
      triePieces.map { (labels: $0.token.unicodeScalars.map(characters.code(of:)), id: $0.id) },
      labelCount: characters.count)
    self.unknownScore = (lowestOfAll.isFinite ? lowestOfAll : 0) - Self.unknownPenalty
    self.lowestNormalScore = lowest.isFinite ? lowest : Double(Float.greatestFiniteMagnitude)
    self.highestScore = highest
    let unknownFloatScore = Float(lowestNormalScore) - Float(Self.unknownPenalty)
    self.floatScores = tokens.indices.map { id in
      if id == unknownID { return unknownFloatScore }
      if kinds[id] == .userDefined { return Float(tokens[id].utf8.count) * Float(highest) - 0.1 }
      return Float(scores[id])
    }
  }

  /// The id of `token`, or `nil`.
  public func id(for token: String) -> Int? {
    var token = token
    return token.withUTF8 { table.index(of: $0) }
  }

  /// Scratch space for encoding, kept between words so that encoding does not allocate.
  struct Scratch {
    /// The codes of the characters of `▁` + the word, and where each one ends (`prepare`).
    var codes: [Int32] = []
    var ends: [Int32] = []
    var edges: [Edge] = []
    var best: [Double] = []
    var runnerUp: [Double] = []
    var start: [Int32] = []
    var piece: [Int32] = []
    var path: [Int32] = []

    /// Makes `start`, `piece` and `best` hold `count` elements, `start` all -1 (no path yet).
    mutating func resetPaths(count: Int) {
      if start.count < count {
        start = Array(repeating: -1, count: 2 * count)
        piece = start
      }
      if best.count < count { best = Array(repeating: 0, count: 2 * count) }
      start.withUnsafeMutableBufferPointer { start in
        for i in 0..<count { start[i] = -1 }
      }
    }
  }

  /// Appends the piece ids of one word (UTF-8 bytes, no space) to `ids`: the best segmentation of `▁` + the word,
  /// with HF's arithmetic (`Double` sums, the word on its own).
  ///
  /// Ties go to the segmentation found first, scanning start positions left to right and pieces from short to
  /// long — sentencepiece's and HF's optimized Viterbi. A word that already starts with `▁` gets no second one
  /// (HF's `Metaspace`).
  /// - Returns: how many unknown ids were appended (a run of unknown characters is one).
  /// - Complexity: O(*n*·*m*) trie steps for a word of *n* characters and a longest piece of *m* characters.
  @discardableResult
  func appendIDs(of word: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout Scratch) -> Int {
    let n = searchLattice(of: word, from: 0.0, scratch: &scratch) { s, e, id in
      score(of: Edge(start: Int32(s), end: Int32(e), id: id))
    }
    return forEachIDOfPath(byteCount: n, scratch: &scratch) { ids.append($0) }
  }

  /// Calls `body` with the ids of the best path that `scratch.start` and `scratch.piece` hold, in reading order; a
  /// run of unknown pieces becomes one (HF's `fuse_unk`, sentencepiece's merged unknowns).
  /// - Returns: how many unknown ids `body` got.
  private func forEachIDOfPath(byteCount n: Int, scratch: inout Scratch, _ body: (Int32) -> Void) -> Int {
    // A path of an n-byte word has at most n pieces.
    if scratch.path.count < n { scratch.path = Array(repeating: 0, count: 2 * n) }
    return scratch.start.withUnsafeBufferPointer { start in
      scratch.piece.withUnsafeBufferPointer { piece in
        scratch.path.withUnsafeMutableBufferPointer { path in
          var count = 0
          var end = n
          while end > 0 {
            path[count] = piece[end]
            count += 1
            end = Int(start[end])
          }
          return forEachIDFromEnd(UnsafeBufferPointer(rebasing: path[..<count]), body)
        }
      }
    }
  }

  /// Calls `body` with the ids of `path`, which runs from the word's end back to its start, in reading order; a run
  /// of unknown pieces becomes one (HF's `fuse_unk`, sentencepiece's merged unknowns).
  /// - Returns: how many unknown ids `body` got.
  func forEachIDFromEnd(_ path: UnsafeBufferPointer<Int32>, _ body: (Int32) -> Void) -> Int {
    let unknown = Int32(unknownID)
    var unknownCount = 0
    var previousWasUnknown = false
    for id in path.reversed() {
      if id == unknown {
        if previousWasUnknown { continue }
        unknownCount += 1
      }
      previousWasUnknown = id == unknown
      body(id)
    }
    return unknownCount
  }

  /// One node of a word's lattice: the piece `id` covers bytes `start ..< end` of `▁` + the word.
  struct Edge {
    var start: Int32
    var end: Int32
    var id: Int32
  }

  /// Appends the lattice of one word to `edges`, in the order the Viterbi search meets them (`forEachEdge`).
  /// - Returns: the byte count of `▁` + the word.
  func appendEdges(of word: UnsafeBufferPointer<UInt8>, to edges: inout [Edge], scratch: inout Scratch) -> Int {
    let count = prepare(word, scratch: &scratch)
    scratch.codes.withUnsafeBufferPointer { codes in
      scratch.ends.withUnsafeBufferPointer { ends in
        forEachEdge(codes: UnsafeBufferPointer(rebasing: codes[..<count]), ends: ends) { s, e, id in
          edges.append(Edge(start: Int32(s), end: Int32(e), id: id))
        }
      }
    }
    return Int(scratch.ends[count - 1])
  }

  /// Makes `scratch.codes` and `scratch.ends` hold the code of each character of `▁` + `word` (`word` alone if it
  /// already starts with `▁`, as HF's `Metaspace`) and the byte offset where it ends. A character is what
  /// `utf8Length(lead:)` says, so stray and cut-off bytes are characters too, of code 0.
  /// - Returns: the number of characters.
  private func prepare(_ word: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> Int {
    let marks = !word.starts(with: Self.wordMarkBytes)
    if scratch.codes.count < word.count + 1 {
      scratch.codes = Array(repeating: 0, count: 2 * (word.count + 1))
      scratch.ends = scratch.codes
    }
    return scratch.codes.withUnsafeMutableBufferPointer { codes in
      scratch.ends.withUnsafeMutableBufferPointer { ends in
        var count = 0
        if marks {
          codes[0] = wordMarkCode
          ends[0] = Int32(Self.wordMarkBytes.count)
          count = 1
        }
        let offset = marks ? Self.wordMarkBytes.count : 0
        var s = 0
        while s < word.count {
          let length = min(utf8Length(lead: word[s]), word.count - s)
          codes[count] = characters.code(of: word, at: s, length: length)
          s += length
          ends[count] = Int32(offset + s)
          count += 1
        }
        return count
      }
    }
  }

  /// Calls `body` with each node of the lattice of the characters with `codes` that end at `ends` (`prepare`): its
  /// start and end (byte offsets) and its piece, in the order the Viterbi search meets them: by start, then from
  /// short to long, an unknown node last where no piece is one character long.
  @inline(__always)
  private func forEachEdge(
    codes: UnsafeBufferPointer<Int32>, ends: UnsafeBufferPointer<Int32>,
    _ body: (_ start: Int, _ end: Int, _ id: Int32) -> Void
  ) {
    let unknown = Int32(unknownID)
    let count = codes.count
    trie.units.withUnsafeBufferPointer { units in
      for first in 0..<count {
        let s = first == 0 ? 0 : Int(ends[first - 1])
        var hasSingle = false
        var node = 0
        var next = first
        while next < count {
          // Every base + labelCount - 1 is a unit (`DoubleArrayTrie.units`); no piece has code 0.
          let child = Int(units[node].base) &+ Int(codes[next])
          if units[child].check != Int32(truncatingIfNeeded: node) { break }
          node = child
          next += 1
          let id = units[node].piece
          if id >= 0 {
            body(s, Int(ends[next - 1]), id)
            if next == first + 1 { hasSingle = true }
          }
        }
        if !hasSingle { body(s, Int(ends[first]), unknown) }
      }
    }
  }

  /// The Viterbi search over the lattice of one word (UTF-8 bytes, no space), run while the trie is walked: each
  /// node's score comes from `score`, added to the best score of its start in `Score`'s arithmetic, and a node
  /// replaces the best path to its end only if it scores more, so ties go to the node met first. Leaves in `scratch.best` each byte offset's best score from `first` at offset 0 (a `Float`
  /// score held exactly as a `Double`), and the best path in `scratch.start` and `scratch.piece`.
  /// - Returns: the byte count of `▁` + the word.
  @inline(__always)
  private func searchLattice<Score: BinaryFloatingPoint>(
    of word: UnsafeBufferPointer<UInt8>, from first: Score, scratch: inout Scratch,
    score: (_ start: Int, _ end: Int, _ id: Int32) -> Score
  ) -> Int {
    let count = prepare(word, scratch: &scratch)
    let n = Int(scratch.ends[count - 1])
    scratch.resetPaths(count: n + 1)
    scratch.best[0] = Double(first)
    scratch.best.withUnsafeMutableBufferPointer { best in
      scratch.start.withUnsafeMutableBufferPointer { start in
        scratch.piece.withUnsafeMutableBufferPointer { piece in
          scratch.codes.withUnsafeBufferPointer { codes in
            scratch.ends.withUnsafeBufferPointer { ends in
              // The nodes come by start, so a node's start has its best score before the node is met.
              forEachEdge(codes: UnsafeBufferPointer(rebasing: codes[..<count]), ends: ends) { s, e, id in
                let candidate = score(s, e, id) + Score(best[s])
                if start[e] < 0 || candidate > Score(best[e]) {
                  best[e] = Double(candidate)
                  start[e] = Int32(s)
                  piece[e] = id
                }
              }
            }
          }
        }
      }
    }
    return n
  }

  /// Calls `body` with the ids of the best path through the lattice of one word (UTF-8 bytes, no space) with
  /// sentencepiece's arithmetic, starting from `lineScore` (the best score of the line before the word) and leaving
  /// there the best score after it; a run of unknown pieces is one unknown id.
  /// - Returns: how many unknown ids `body` got.
  func forEachIDOfBestPath(
    of word: UnsafeBufferPointer<UInt8>, lineScore: inout Float, scratch: inout Scratch, _ body: (Int32) -> Void
  ) -> Int {
    let n = floatScores.withUnsafeBufferPointer { scores in
      // `score + best_path_score_till_here` in floats, as the released library computes it (measured: with the
      // score widened to a double, 9 of NSMC's 50,000 test lines break ties differently from it).
      searchLattice(of: word, from: lineScore, scratch: &scratch) { _, _, id in scores[Int(id)] }
    }
    lineScore = Float(scratch.best[n])
    return forEachIDOfPath(byteCount: n, scratch: &scratch, body)
  }

  /// The score of `edge`'s piece with HF's arithmetic, as the Viterbi search and the sampler count it: the lowest
  /// score minus 10 for the unknown piece, `length × max_score - 0.1` for a user-defined one (length in bytes).
  @inline(__always)
  func score(of edge: Edge) -> Double {
    let id = Int(edge.id)
    if id == unknownID { return unknownScore }
    return kinds[id] == .userDefined ? Double(edge.end - edge.start) * highestScore - 0.1 : scores[id]
  }

  /// The score of `edge`'s piece with sentencepiece's arithmetic, a float: `min_score() - kUnkPenalty` for the
  /// unknown piece, `length × max_score() - 0.1` for a user-defined one (length in bytes).
  @inline(__always)
  func floatScore(of edge: Edge) -> Float { floatScores[Int(edge.id)] }

  /// One piece of a path with sentencepiece's arithmetic: its id, or -1 for an unknown piece fused into the unknown
  /// piece before it, and its score (`floatScore(of:)`).
  struct ScoredPiece {
    var id: Int32
    var score: Float
  }

  /// Appends the pieces of the best path through a word's lattice with sentencepiece's arithmetic that holds
  /// wherever the word is in a line, first piece first, a run of unknown pieces as one unknown id.
  ///
  /// `forEachIDOfBestPath` from any `lineScore` with `abs(lineScore) < lineScoreLimit` finds this path and leaves as
  /// `lineScore` the path's scores added to it one by one (`lineScore = score + lineScore`). The path is the best
  /// in exact sums from 0 (doubles). In the line, each candidate at a node is a float sum of `lineScore` and at
  /// most *n* scores, each addition off by at most half an ulp of *M* = |lineScore| + Σ|score| (over the
  /// lattice), so two candidates move by at most *n* ulps against each other. The limit keeps the smallest gap
  /// between the winner and another candidate at a node of the path above 4 × (*n* + 2) ulps of *M*; an exact tie
  /// gives a limit below 0.
  /// - Returns: the limit.
  /// - Complexity: O(edges).
  func appendLineIndependentPath(
    _ edges: UnsafeBufferPointer<Edge>, byteCount n: Int, to pieces: inout [ScoredPiece], scratch: inout Scratch
  ) -> Double {
    scratch.resetPaths(count: n + 1)
    if scratch.runnerUp.count < n + 1 { scratch.runnerUp = Array(repeating: 0, count: 2 * (n + 1)) }
    // Σ|score| over the lattice: no sum along a path goes further from 0.
    var scoreBound = 0.0
    scratch.best.withUnsafeMutableBufferPointer { best in
      scratch.runnerUp.withUnsafeMutableBufferPointer { runnerUp in
        scratch.start.withUnsafeMutableBufferPointer { start in
          scratch.piece.withUnsafeMutableBufferPointer { piece in
            best[0] = 0
            for edge in edges {
              let s = Int(edge.start)
              let e = Int(edge.end)
              let score = Double(floatScore(of: edge))
              scoreBound += abs(score)
              let candidate = score + best[s]
              if start[e] < 0 || candidate > best[e] {
                runnerUp[e] = start[e] < 0 ? -.infinity : best[e]
                best[e] = candidate
                start[e] = Int32(s)
                piece[e] = edge.id
              } else {
                runnerUp[e] = max(runnerUp[e], candidate)
              }
            }
          }
        }
      }
    }
    let first = pieces.count
    var margin = Double.infinity
    var end = n
    while end > 0 {
      let start = scratch.start[end]
      let id = scratch.piece[end]
      margin = min(margin, scratch.best[end] - scratch.runnerUp[end])
      pieces.append(ScoredPiece(id: id, score: floatScore(of: Edge(start: start, end: Int32(end), id: id))))
      end = Int(start)
    }
    pieces[first...].reverse()
    let unknown = Int32(unknownID)
    var previousWasUnknown = false
    for k in first..<pieces.count {
      let isUnknown = pieces[k].id == unknown
      if isUnknown && previousWasUnknown { pieces[k].id = -1 }
      previousWasUnknown = isUnknown
    }
    // An ulp of a float x ≥ 0 is at most x·2⁻²³ + 2⁻¹⁴⁹ (2⁻¹⁴⁹ for subnormals).
    return (margin / Double(4 * (n + 2)) - 0x1p-149) * 0x1p23 - scoreBound
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
