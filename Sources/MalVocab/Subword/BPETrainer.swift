import MalStream

/// Learns a byte-pair-encoding vocabulary from word counts, exactly as HuggingFace `tokenizers`' `BpeTrainer`.
///
/// The words are the space-separated tokens of `mal tokenize`'s output, counted by `TokenCounts`. Training starts
/// from the reserved tokens (ids 0, 1, …), then the alphabet — every Unicode scalar of the words, in code-point
/// order — and merges the most frequent adjacent pair of pieces until the vocabulary has `vocabularySize`
/// tokens. Equal counts go to the pair whose ids are smaller (left id first, then right), as `BpeTrainer`
/// breaks ties; so with no prefix and no suffix the tokens, ids and merges equal `BpeTrainer`'s on the same
/// words (`Tests/MalVocabTests/SubwordParityTests.swift` checks HF's own output on NSMC and IMDB samples).
///
///     var counts = TokenCounts()
///     for line in ["low low low low low", "lower lower", "newest newest newest newest newest newest",
///                  "widest widest widest"] { counts.add(document: line) }
///     let model = try BPETrainer(vocabularySize: 20).train(counts)
///     model.tokens.prefix(13)     // [PAD] [UNK] d e i l n o r s t w es
///     model.pieces(of: "lowest")  // ["low", "est"]
///
/// With `continuingSubwordPrefix` or `endOfWordSuffix`, the marked pieces (`##a`, `a</w>`) get their ids in
/// the order the words are first seen; `BpeTrainer` numbers them in its hash map's order, which changes from
/// run to run, so HF's own results then differ between runs where counts tie.
public struct BPETrainer: Sendable, Hashable {
  /// The largest vocabulary, reserved tokens and alphabet included (HF's `vocab_size`; default 30,000).
  public var vocabularySize: Int
  /// Pairs seen fewer times are never merged (HF's `min_frequency`; default 0).
  public var minFrequency: Int
  /// Reserved tokens, first in the vocabulary in this order (HF's `special_tokens`; Mal's `[PAD]` = 0, `[UNK]` = 1).
  public var specialTokens: [String]
  /// Keep only the most frequent characters (HF's `limit_alphabet`); `nil` keeps all. Ties in count drop the
  /// higher code point first (HF's order among ties is unspecified).
  public var limitAlphabet: Int?
  /// Characters in the alphabet even if the corpus lacks them (HF's `initial_alphabet`).
  public var initialAlphabet: [Unicode.Scalar]
  /// Marks pieces that continue a word, as WordPiece's `##` (HF's `continuing_subword_prefix`).
  public var continuingSubwordPrefix: String?
  /// Marks pieces that end a word, as `</w>` (HF's `end_of_word_suffix`).
  public var endOfWordSuffix: String?
  /// No merge makes a piece longer than this many characters (HF's `max_token_length`).
  public var maxTokenLength: Int?
  /// Trains on `▁` + each word (U+2581, `WordMark`), as HF's `BpeTrainer` behind a `Metaspace` pre-tokenizer
  /// and sentencepiece's BPE do: pieces that start words differ from those inside them, and the model can be saved
  /// as a sentencepiece `.model`. Not with `continuingSubwordPrefix` or `endOfWordSuffix`.
  public var marksWordStarts: Bool
  /// The trained model turns a run of unknown characters into one unknown id (HF's `fuse_unk`, what sentencepiece
  /// does).
  public var fusesUnknown: Bool
  /// Marked pieces (`##a`, `a</w>`) to number first, in this order: replays the numbering of one HF run, which
  /// takes them in its hash map's order, so that tests can compare with that run exactly.
  var markedPieceOrder: [String] = []

  public init(
    vocabularySize: Int = 30000, minFrequency: Int = 0, specialTokens: [String] = ["[PAD]", "[UNK]"],
    limitAlphabet: Int? = nil, initialAlphabet: [Unicode.Scalar] = [], continuingSubwordPrefix: String? = nil,
    endOfWordSuffix: String? = nil, maxTokenLength: Int? = nil, marksWordStarts: Bool = false,
    fusesUnknown: Bool = false
  ) {
    precondition(!marksWordStarts || (continuingSubwordPrefix == nil && endOfWordSuffix == nil))
    self.marksWordStarts = marksWordStarts
    self.fusesUnknown = fusesUnknown
    self.vocabularySize = vocabularySize
    self.minFrequency = minFrequency
    self.specialTokens = specialTokens
    self.limitAlphabet = limitAlphabet
    self.initialAlphabet = initialAlphabet
    self.continuingSubwordPrefix = continuingSubwordPrefix
    self.endOfWordSuffix = endOfWordSuffix
    self.maxTokenLength = maxTokenLength
  }

  /// Trains on the words of `counts` and returns the model: its tokens (by id) and merges (by rank).
  ///
  /// - Parameter unknownToken: the model's unknown token (HF's `unk_token`), used only if among `specialTokens`.
  /// - Throws: `SubwordError.emptyCorpus` if `counts` has no word; `.sizeBelowAlphabet` if `vocabularySize` is
  ///   smaller than the reserved tokens plus the alphabet; `.invalidSpecialToken` for a reserved token that is
  ///   empty, holds whitespace or is named twice.
  /// - Complexity: O(*p* log *p* + Σ words touched by each merge), *p* the number of distinct pairs.
  public func train(
    _ counts: TokenCounts, unknownToken: String? = "[UNK]", progress: ((Int) -> Void)? = nil
  ) throws(SubwordError) -> BPEModel {
    let result = try learn(counts, progress: progress)
    let unknown = unknownToken.flatMap { specialTokens.contains($0) ? $0 : nil }
    return BPEModel(
      table: result.table, merges: result.merges, specialTokens: specialTokens, unknownToken: unknown,
      continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
      marksWordStarts: marksWordStarts, fusesUnknown: fusesUnknown)
  }

  /// One queued candidate merge: HF's `Merge { pair, count, pos }`, its positions a list in the pool.
  private struct Candidate {
    var count: Int
    var pair: UInt64
    var list: Int32

    /// Whether `self` is merged before `other`: higher count, then the smaller pair of ids (HF's tie-break),
    /// then the older list (HF leaves two entries of one pair with one count in hash order).
    @inline(__always)
    func precedes(_ other: Candidate) -> Bool {
      if count != other.count { return count > other.count }
      if pair != other.pair { return pair < other.pair }
      return list < other.list
    }
  }

  /// Learns the token table (ids in insertion order) and the merges (left, right, result) in the order made.
  func learn(
    _ counts: TokenCounts, progress: ((Int) -> Void)? = nil
  ) throws(SubwordError) -> (table: TokenTable, merges: [BPEModel.Merge]) {
    let counts = marksWordStarts ? counts.markingWordStarts() : counts
    var table = TokenTable(minimumCapacity: max(vocabularySize, 1024))
    var tokenChars: [Int] = []
    // 1. Reserved tokens.
    try checkSpecialTokens(specialTokens)
    for token in specialTokens {
      _ = Array(token.utf8).withUnsafeBufferPointer { table.insert($0) }
      tokenChars.append(token.unicodeScalars.count)
    }
    if counts.distinctCount == 0 { throw SubwordError(.emptyCorpus) }
    let source = counts.table
    let wordCounts = counts.counts

    // 2. The alphabet: characters weighted by word counts, optionally cut to the most frequent, in code-point order.
    var scalarCounts = [Int](repeating: 0, count: 0x110000)
    source.arena.withUnsafeBufferPointer { arena in
      for (i, entry) in source.entries.enumerated() {
        let word = UnsafeBufferPointer(rebasing: arena[Int(entry.start)..<(Int(entry.start) + Int(entry.length))])
        let count = wordCounts[i]
        forEachScalar(word) { value, _, _ in scalarCounts[Int(value)] &+= count }
      }
    }
    for scalar in initialAlphabet { scalarCounts[Int(scalar.value)] = Int.max }
    var alphabet: [(scalar: Int, count: Int)] = []
    for (scalar, count) in scalarCounts.enumerated() where count != 0 { alphabet.append((scalar, count)) }
    if let limit = limitAlphabet, alphabet.count > limit {
      alphabet.sort { $0.count != $1.count ? $0.count < $1.count : $0.scalar > $1.scalar }
      alphabet.removeFirst(alphabet.count - limit)
      alphabet.sort { $0.scalar < $1.scalar }
    }
    var scalarID = [Int32](repeating: -1, count: 0x110000)
    for (scalar, _) in alphabet {
      let bytes = utf8Bytes(of: UInt32(scalar))
      let (id, inserted) = bytes.withUnsafeBufferPointer { table.insert($0) }
      if inserted { tokenChars.append(1) }
      scalarID[scalar] = Int32(id)
    }

    // 3. Words as runs of piece ids in one array: each word is a header [length, count low, count high] followed
    // by its ids, so a merge that visits a word touches one place in memory (profiling showed separate
    // start/length/count arrays as one cache miss each). Words are named by their header's offset. Characters
    // outside the alphabet are left out; words of fewer than two pieces have no pair and are not kept.
    let prefix = continuingSubwordPrefix.map { Array($0.utf8) }
    let suffix = endOfWordSuffix.map { Array($0.utf8) }
    // Every word's header and ids go into one buffer of the most they can take (3 + one id per byte), so that the
    // array neither grows nor is copied for the merges; pages never written are never touched.
    let capacity = 3 * source.count + source.arena.count
    let words = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(capacity, 1))
    defer { words.deallocate() }
    var positionCount = 0
    var wordOffsets: [Int32] = []
    wordOffsets.reserveCapacity(source.count)
    var marked: [UInt8] = []
    for piece in markedPieceOrder {
      var piece = piece
      if piece.withUTF8({ table.insert($0).inserted }) { tokenChars.append(1) }
    }
    source.arena.withUnsafeBufferPointer { arena in
      for (i, entry) in source.entries.enumerated() {
        let word = UnsafeBufferPointer(rebasing: arena[Int(entry.start)..<(Int(entry.start) + Int(entry.length))])
        let header = positionCount
        let count = wordCounts[i]
        words[header] = 0
        words[header + 1] = Int32(truncatingIfNeeded: count)
        words[header + 2] = Int32(truncatingIfNeeded: count >> 32)
        positionCount += 3
        let n = word.count
        forEachScalar(word) { value, offset, length in
          var id = scalarID[Int(value)]
          if id < 0 { return }
          let isFirst = offset == 0
          let isLast = offset + length == n
          if (!isFirst && prefix != nil) || (isLast && suffix != nil) {
            marked.removeAll(keepingCapacity: true)
            if !isFirst, let prefix { marked.append(contentsOf: prefix) }
            marked.append(contentsOf: UnsafeBufferPointer(rebasing: word[offset..<(offset + length)]))
            if isLast, let suffix { marked.append(contentsOf: suffix) }
            let (markedID, inserted) = marked.withUnsafeBufferPointer { table.insert($0) }
            if inserted { tokenChars.append(1) }
            id = Int32(markedID)
          }
          words[positionCount] = id
          positionCount += 1
        }
        let length = positionCount - header - 3
        if length < 2 {
          positionCount = header
        } else {
          words[header] = Int32(length)
          wordOffsets.append(Int32(header))
        }
      }
    }
    if alphabet.isEmpty { throw SubwordError(.emptyCorpus) }
    if vocabularySize < table.count {
      throw SubwordError(
        .sizeBelowAlphabet(size: vocabularySize, reserved: specialTokens.count, alphabet: table.count - specialTokens.count))
    }
    @inline(__always)
    func countOfWord(_ w: UnsafeMutableBufferPointer<Int32>, _ header: Int) -> Int {
      Int(UInt32(bitPattern: w[header + 1])) | Int(w[header + 2]) << 32
    }

    // 4. Pair counts, and for each pair the words it occurs in (a list in `pool`).
    // Sized for the pairs NSMC's words start with (171k in 5.5M positions); it grows for more. A table sized for
    // every position (64 MiB) cost more in page faults than the growth does.
    var pairs = PairIndex(minimumCapacity: positionCount / 32)
    var pairKey: [UInt64] = []
    // Count, last word seen and number of words per pair side by side: one cache miss per position, not three.
    struct PairTally {
      var count: Int
      var lastWord: Int32
      var words: Int32
    }
    var tallies: [PairTally] = []
    // The pair number at each position, so that the second pass (filling the lists) hashes nothing.
    var pairAt = [Int32](repeating: -1, count: positionCount)
    for header32 in wordOffsets {
      let header = Int(header32)
      let count = countOfWord(words, header)
      let start = header + 3
      for k in start..<(start + Int(words[header]) - 1) {
        let key = PairIndex.key(words[k], words[k + 1])
        let (p, inserted) = pairs.value(for: key, inserting: Int32(pairKey.count))
        pairAt[k] = p
        if inserted {
          pairKey.append(key)
          tallies.append(PairTally(count: 0, lastWord: -1, words: 0))
        }
        tallies.withUnsafeMutableBufferPointer { t in
          let pi = Int(p)
          t[pi].count += count
          if t[pi].lastWord != header32 {
            t[pi].lastWord = header32
            t[pi].words += 1
          }
        }
      }
    }
    var pairCount = tallies.map(\.count)
    var listLength = tallies.map { Int($0.words) }
    tallies = []
    var lastWord = [Int32](repeating: -1, count: pairKey.count)
    var listStart = [Int](repeating: 0, count: pairKey.count)
    var total = 0
    for p in 0..<pairKey.count {
      listStart[p] = total
      total += listLength[p]
    }
    var pool = [Int32](repeating: 0, count: total)
    // Room for the lists the merges add, so that the pool is not copied as it grows (unwritten room is not touched).
    pool.reserveCapacity(2 * total)
    var fill = listStart
    for header32 in wordOffsets {
      let start = Int(header32) + 3
      for k in start..<(start + Int(words[Int(header32)]) - 1) {
        let pi = Int(pairAt[k])
        if lastWord[pi] != header32 {
          lastWord[pi] = header32
          pool[fill[pi]] = header32
          fill[pi] += 1
        }
      }
    }
    fill = []
    lastWord = []
    wordOffsets = []
    pairAt = []
    var heap: [Candidate] = []
    heap.reserveCapacity(pairKey.count)
    for p in 0..<pairKey.count where pairCount[p] > 0 {
      heap.append(Candidate(count: pairCount[p], pair: pairKey[p], list: Int32(p)))
    }
    Self.heapify(&heap)

    // 5. Merges, over a buffer of the words made here and freed on return: with no closure around the loop, its
    // local state needs no dynamic exclusivity checks (they were 6% of the time in perf).
    // Twice the pairs the words start with: the merges add pairs, and the map should seldom grow.
    var state = PairState(counts: PairCounts(minimumCapacity: 2 * pairKey.count))
    for p in 0..<pairKey.count { state.counts.add(pairCount[p], to: pairKey[p]) }
    pairs = PairIndex()
    pairKey = []
    pairCount = []
    let maxLength = maxTokenLength ?? Int.max
    var merges: [BPEModel.Merge] = []
    var newToken: [UInt8] = []
    while table.count < vocabularySize, var top = Self.pop(&heap) {
      let current = state.counts.value(for: top.pair)!
      if top.count != current {
        top.count = current
        Self.push(top, into: &heap)
        continue
      }
      if top.count < 1 || minFrequency > top.count { break }
      let left = Int32(truncatingIfNeeded: top.pair >> 32)
      let right = Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF)
      newToken.removeAll(keepingCapacity: true)
      table.withBytes(of: Int(left)) { newToken.append(contentsOf: $0) }
      table.withBytes(of: Int(right)) { b in
        if let prefix, b.count >= prefix.count, b.prefix(prefix.count).elementsEqual(prefix) {
          newToken.append(contentsOf: b.dropFirst(prefix.count))
        } else {
          newToken.append(contentsOf: b)
        }
      }
      let (made, inserted) = newToken.withUnsafeBufferPointer { table.insert($0) }
      if inserted { tokenChars.append(tokenChars[Int(left)] + tokenChars[Int(right)]) }
      let result = Int32(made)
      merges.append(BPEModel.Merge(left: Int(left), right: Int(right), result: made))
      let newLength = tokenChars[made]

      state.updates.removeAll(keepingCapacity: true)
      state.merged = result
      let list = Int(top.list)
      let listEnd = listStart[list] + listLength[list]
            for k in listStart[list]..<listEnd {
              // The words of a pair are scattered over the buffer: ask for the one a few visits ahead now, so that
              // it is in the cache when its turn comes (waiting for each word was a quarter of the merge loop).
              if k + Self.wordPrefetchDistance < listEnd {
                prefetch(words.baseAddress! + Int(pool[k + Self.wordPrefetchDistance]))
              }
              // Half as far ahead, that word is in the cache: ask for the counts its merge will change.
              if k + Self.pairPrefetchDistance < listEnd {
                Self.prefetchChangedPairs(
                  ofWordAt: Int(pool[k + Self.pairPrefetchDistance]), in: words, merging: left, right, into: result,
                  counts: state.counts)
              }
              let w = pool[k]
              let header = Int(w)
              let count = countOfWord(words, header)
              let start = header + 3
              let n = Int(words[header])
              var r = 0
              var o = 0
              // HF's Word::merge, compacting in place: the pair's neighbours lose their pairs with it and gain
              // pairs with the merged piece (unless that would pass `maxTokenLength`).
              while r < n {
                let s = words[start + r]
                if s == left && r + 1 < n && words[start + r + 1] == right {
                  if o > 0 {
                    let previous = words[start + o - 1]
                    state.lose(previous, left, count: count)
                    if tokenChars[Int(previous)] + newLength < maxLength { state.gain(previous, result, word: w, count: count) }
                  }
                  words[start + o] = result
                  o += 1
                  r += 2
                  if r < n {
                    let next = words[start + r]
                    state.lose(right, next, count: count)
                    if tokenChars[Int(next)] + newLength < maxLength { state.gain(result, next, word: w, count: count) }
                  }
                } else {
                  words[start + o] = s
                  o += 1
                  r += 1
                }
              }
              words[header] = Int32(o)
            }
      // New pairs enter the queue with the words they were made in (HF's where_to_update), one entry per pair.
      state.updates.sort()
      var u = 0
      while u < state.updates.count {
        let gained = state.updates[u] >> 32
        let start = pool.count
        var previousWord: UInt64 = .max
        while u < state.updates.count && state.updates[u] >> 32 == gained {
          let w = state.updates[u] & 0xFFFF_FFFF
          if w != previousWord { pool.append(Int32(truncatingIfNeeded: w)) }
          previousWord = w
          u += 1
        }
        let pair = state.pair(gained)
        let count = state.counts.value(for: pair)!
        if count > 0 {
          listStart.append(start)
          listLength.append(pool.count - start)
          Self.push(Candidate(count: count, pair: pair, list: Int32(listStart.count - 1)), into: &heap)
        } else {
          pool.removeSubrange(start...)
        }
      }
      progress?(merges.count)
    }
    return (table, merges)
  }

  /// How many words ahead of the one it merges the merge loop prefetches.
  private static let wordPrefetchDistance = 8
  /// How many words ahead of the one it merges the merge loop prefetches the pair counts that word will change.
  private static let pairPrefetchDistance = 4

  /// Asks for the slots of the pair counts that merging (left, right) into `result` will change in the word whose
  /// header is at `header`: the pairs on either side of each occurrence, lost and gained. A hint: where occurrences
  /// overlap (`a a a`), the neighbours it names may not be the ones the merge meets.
  @inline(__always)
  private static func prefetchChangedPairs(
    ofWordAt header: Int, in words: UnsafeMutableBufferPointer<Int32>, merging left: Int32, _ right: Int32,
    into result: Int32, counts: PairCounts
  ) {
    let start = header + 3
    let n = Int(words[header])
    var r = 0
    while r + 1 < n {
      guard words[start + r] == left && words[start + r + 1] == right else {
        r += 1
        continue
      }
      if r > 0 {
        let previous = words[start + r - 1]
        counts.prefetchSlot(of: PairIndex.key(previous, left))
        counts.prefetchSlot(of: PairIndex.key(previous, result))
      }
      if r + 2 < n {
        let next = words[start + r + 2]
        counts.prefetchSlot(of: PairIndex.key(right, next))
        counts.prefetchSlot(of: PairIndex.key(result, next))
      }
      r += 2
    }
  }

  /// The pair counts while merging: a struct whose mutating methods the merge loop calls, so that its arrays are
  /// accessed with static exclusivity (a local function capturing them made perf show dynamic checks).
  private struct PairState {
    var counts: PairCounts
    /// The token the current merge makes: every pair the merge gains has it on one side.
    var merged: Int32 = 0
    /// One entry for each pair a merge gained in a word (HF's where_to_update): the pair in the upper 32 bits
    /// (`gainedPair`), the word below, so that sorted they group by pair, each pair's words in order.
    var updates: [UInt64] = []

    /// Takes `count` occurrences from the pair (a, b).
    @inline(__always)
    mutating func lose(_ a: Int32, _ b: Int32, count: Int) {
      counts.add(-count, to: PairIndex.key(a, b))
    }

    /// Adds `count` occurrences to the pair (a, b), one of them `merged`, and notes the word for the queue.
    @inline(__always)
    mutating func gain(_ a: Int32, _ b: Int32, word: Int32, count: Int) {
      counts.add(count, to: PairIndex.key(a, b))
      updates.append(gainedPair(a, b) << 32 | UInt64(UInt32(bitPattern: word)))
    }

    /// The 32 bits that name a pair with `merged` on one side: the other id, with bit 31 set when it is the left.
    @inline(__always)
    private func gainedPair(_ a: Int32, _ b: Int32) -> UInt64 {
      a == merged ? UInt64(UInt32(bitPattern: b)) : 1 << 31 | UInt64(UInt32(bitPattern: a))
    }

    /// The pair (`PairIndex.key`) that `gainedPair` named `code`.
    @inline(__always)
    func pair(_ code: UInt64) -> UInt64 {
      let other = Int32(truncatingIfNeeded: code & 0x7FFF_FFFF)
      return code & (1 << 31) == 0 ? PairIndex.key(merged, other) : PairIndex.key(other, merged)
    }
  }

  // MARK: Binary heap, highest priority at index 0.

  private static func heapify(_ heap: inout [Candidate]) {
    if heap.count < 2 { return }
    for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(&heap, from: i) }
  }

  private static func siftDown(_ heap: inout [Candidate], from index: Int) {
    heap.withUnsafeMutableBufferPointer { h in
      var i = index
      let n = h.count
      let item = h[i]
      while true {
        var child = 2 * i + 1
        if child >= n { break }
        if child + 1 < n && h[child + 1].precedes(h[child]) { child += 1 }
        if !h[child].precedes(item) { break }
        h[i] = h[child]
        i = child
      }
      h[i] = item
    }
  }

  private static func push(_ candidate: Candidate, into heap: inout [Candidate]) {
    heap.append(candidate)
    heap.withUnsafeMutableBufferPointer { h in
      var i = h.count - 1
      while i > 0 {
        let parent = (i - 1) / 2
        if !candidate.precedes(h[parent]) { break }
        h[i] = h[parent]
        i = parent
      }
      h[i] = candidate
    }
  }

  private static func pop(_ heap: inout [Candidate]) -> Candidate? {
    guard let last = heap.popLast() else { return nil }
    if heap.isEmpty { return last }
    let top = heap[0]
    heap[0] = last
    siftDown(&heap, from: 0)
    return top
  }
}
