/// The training words of a unigram vocabulary as one array of character ids: what `UnigramTrainer` finds seed
/// pieces in and runs EM over.
///
/// Every distinct word of the counts becomes `▁` + its characters, followed by a terminator; a `▁` inside a token
/// starts a new word there, as sentencepiece's `SplitIntoWords` and HF's `Metaspace` split it. Character ids are
/// sentencepiece's order of required characters: most frequent first (occurrences weighted by word counts), ties
/// by code point. Every character is kept (sentencepiece's `character_coverage` 1.0).
///
///     "영화 영화 좋다" → words ▁영화 (×2), ▁좋다 (×1); text [▁ 영 화 ⊣ ▁ 좋 다 ⊣] as ids [0 1 2 -1 0 3 4 -1]
struct UnigramCorpus {
  /// Ends every word in `text`.
  static let terminator: Int32 = -1

  /// Every word's character ids, each followed by `terminator`.
  var text: [Int32] = []
  /// Where each word starts in `text`, and `text.count` at the end: word *w* is
  /// `text[wordStarts[w] ..< wordStarts[w + 1] - 1]`.
  var wordStarts: [Int32] = [0]
  /// How often each word occurs.
  var wordCounts: [Int] = []
  /// The scalar of each character id.
  var scalars: [UInt32] = []
  /// How often each character occurs (weighted by word counts), by id.
  var characterCounts: [Int] = []

  var wordCount: Int { wordCounts.count }

  /// The words of `counts`.
  /// - Throws: `SubwordError.emptyCorpus` if there is no word.
  init(_ counts: TokenCounts) throws(SubwordError) {
    let source = counts.table
    if source.count == 0 { throw SubwordError(.emptyCorpus) }
    let mark: UInt32 = 0x2581
    // Pass 1: character counts, to number the characters in sentencepiece's order.
    var scalarCounts = [Int](repeating: 0, count: 0x110000)
    source.arena.withUnsafeBufferPointer { arena in
      for entry in source.entries {
        let word = UnsafeBufferPointer(rebasing: arena[Int(entry.start)..<(Int(entry.start) + Int(entry.length))])
        Self.forEachWord(word) { value in scalarCounts[Int(value)] &+= entry.count }
      }
    }
    var alphabet: [(scalar: UInt32, count: Int)] = []
    for (scalar, count) in scalarCounts.enumerated() where count > 0 { alphabet.append((UInt32(scalar), count)) }
    alphabet.sort { $0.count != $1.count ? $0.count > $1.count : $0.scalar < $1.scalar }
    var idOfScalar = [Int32](repeating: -1, count: 0x110000)
    for (id, character) in alphabet.enumerated() { idOfScalar[Int(character.scalar)] = Int32(id) }
    scalars = alphabet.map(\.scalar)
    characterCounts = alphabet.map(\.count)
    scalarCounts = []

    // Pass 2: the text.
    let markID = idOfScalar[Int(mark)]
    text.reserveCapacity(source.arena.count / 2 + source.count * 2)
    source.arena.withUnsafeBufferPointer { arena in
      for entry in source.entries {
        let word = UnsafeBufferPointer(rebasing: arena[Int(entry.start)..<(Int(entry.start) + Int(entry.length))])
        var isFirst = true
        Self.forEachWord(word) { value in
          if value == mark {
            if !isFirst {
              text.append(Self.terminator)
              wordStarts.append(Int32(text.count))
              wordCounts.append(entry.count)
            }
            text.append(markID)
          } else {
            text.append(idOfScalar[Int(value)])
          }
          isFirst = false
        }
        text.append(Self.terminator)
        wordStarts.append(Int32(text.count))
        wordCounts.append(entry.count)
      }
    }
  }

  /// Calls `body` with the scalars of one token as training words: `▁` first (unless the token starts with one),
  /// then the token's scalars; a later `▁` starts the next word.
  private static func forEachWord(_ token: UnsafeBufferPointer<UInt8>, _ body: (UInt32) -> Void) {
    var first = true
    forEachScalar(token) { value, _, _ in
      if first && value != 0x2581 { body(0x2581) }
      first = false
      body(value)
    }
  }

  /// The characters of word `w`: its range in `text`, terminator left out.
  @inline(__always)
  func range(ofWord w: Int) -> Range<Int> { Int(wordStarts[w])..<(Int(wordStarts[w + 1]) - 1) }

  /// The UTF-8 text of `length` characters of `text` from `position`.
  func string(at position: Int, length: Int) -> String {
    var s = String.UnicodeScalarView()
    for k in position..<(position + length) { s.append(Unicode.Scalar(scalars[Int(text[k])])!) }
    return String(s)
  }
}

/// A substring of the training words that may seed the vocabulary: a group of suffixes of the suffix array that
/// share their first `length` characters.
struct SeedCandidate {
  /// The group: `suffixArray[lower ..< upper]`.
  var lower: Int32
  var upper: Int32
  /// Characters.
  var length: Int32
  /// Occurrences, weighted by word counts.
  var frequency: Int
  /// sentencepiece's seed score: frequency × length ("character-wise coverage").
  var score: Int { frequency * Int(length) }
}

extension UnigramCorpus {
  /// The suffixes of the words sorted on their first `maxLength + 1` characters, and the substrings that may seed
  /// the vocabulary — what sentencepiece's suffix array (esaxx) yields, found with the same rule.
  ///
  /// A candidate is a valid piece (`PieceScriptState`) of 2 to `maxLength` characters that occurs at least twice
  /// and is right-branching: followed by two different characters, or ending a word (every word end counts as a
  /// context of its own, as each is followed by a different next word or sentence end in sentencepiece's input).
  /// Substrings that are always followed by the same character are left out: the longer substring has the same
  /// frequency and a higher score. Strings are grown one character at a time by sorting each group of suffixes on
  /// the next character (multikey radix sorting), so nothing past `maxLength` + 1 characters is ever compared.
  /// - Returns: the sorted suffix start positions and the candidates, groups of that array.
  /// - Complexity: O(*n*·*d*·log *n*) for *n* characters and *d* the typical depth at which suffixes part.
  func seedCandidates(maxLength: Int, splitsByScript: Bool) -> (suffixes: [Int32], candidates: [SeedCandidate]) {
    var suffixes: [Int32] = []
    suffixes.reserveCapacity(text.count - wordCount)
    var wordOfPosition = [Int32](repeating: -1, count: text.count)
    for w in 0..<wordCount {
      for p in range(ofWord: w) {
        wordOfPosition[p] = Int32(w)
      }
    }
    // The root: counting sort on the first character (the largest group by far).
    let alphabetSize = scalars.count
    var bucketStart = [Int](repeating: 0, count: alphabetSize + 1)
    for p in 0..<text.count where text[p] >= 0 { bucketStart[Int(text[p]) + 1] += 1 }
    for c in 0..<alphabetSize { bucketStart[c + 1] += bucketStart[c] }
    suffixes = [Int32](repeating: 0, count: bucketStart[alphabetSize])
    var fill = bucketStart
    for p in 0..<text.count where text[p] >= 0 {
      suffixes[fill[Int(text[p])]] = Int32(p)
      fill[Int(text[p])] += 1
    }
    fill = []
    var candidates: [SeedCandidate] = []
    var keys = [UInt64](repeating: 0, count: suffixes.count)
    text.withUnsafeBufferPointer { text in
      wordOfPosition.withUnsafeBufferPointer { wordOfPosition in
        wordCounts.withUnsafeBufferPointer { wordCounts in
          suffixes.withUnsafeMutableBufferPointer { suffixes in
            keys.withUnsafeMutableBufferPointer { keys in
              var search = SeedSearch(
                text: text, scalars: scalars, wordOfPosition: wordOfPosition, wordCounts: wordCounts,
                suffixes: suffixes, keys: keys, maxLength: maxLength, splitsByScript: splitsByScript)
              for c in 0..<alphabetSize where bucketStart[c + 1] > bucketStart[c] {
                let state = search.extend(PieceScriptState(), with: c)
                search.visit(bucketStart[c], bucketStart[c + 1], depth: 1, state: state)
              }
              candidates = search.candidates
            }
          }
        }
      }
    }
    return (suffixes, candidates)
  }
}

/// The depth-first walk of `seedCandidates`: each call sorts one group of suffixes on its next character.
private struct SeedSearch {
  let text: UnsafeBufferPointer<Int32>
  let scalars: [UInt32]
  let wordOfPosition: UnsafeBufferPointer<Int32>
  let wordCounts: UnsafeBufferPointer<Int>
  let suffixes: UnsafeMutableBufferPointer<Int32>
  let keys: UnsafeMutableBufferPointer<UInt64>
  let maxLength: Int
  let splitsByScript: Bool
  var candidates: [SeedCandidate] = []

  init(
    text: UnsafeBufferPointer<Int32>, scalars: [UInt32], wordOfPosition: UnsafeBufferPointer<Int32>,
    wordCounts: UnsafeBufferPointer<Int>, suffixes: UnsafeMutableBufferPointer<Int32>,
    keys: UnsafeMutableBufferPointer<UInt64>, maxLength: Int, splitsByScript: Bool
  ) {
    self.text = text
    self.scalars = scalars
    self.wordOfPosition = wordOfPosition
    self.wordCounts = wordCounts
    self.suffixes = suffixes
    self.keys = keys
    self.maxLength = maxLength
    self.splitsByScript = splitsByScript
  }

  /// The validity of a piece grown by character id `c`.
  func extend(_ state: PieceScriptState, with c: Int) -> PieceScriptState {
    let scalar = scalars[c]
    if !splitsByScript {
      // Only the word-mark rule: scripts never make a piece invalid.
      return state.appending(scalar == 0x2581 ? scalar : 0x41)
    }
    return state.appending(scalar)
  }

  @inline(__always)
  func weight(_ position: Int32) -> Int { wordCounts[Int(wordOfPosition[Int(position)])] }

  /// Visits the group `suffixes[lower ..< upper]`, whose suffixes share their first `depth` characters (a valid
  /// piece so far, described by `state`).
  mutating func visit(_ lower: Int, _ upper: Int, depth: Int, state: PieceScriptState) {
    if upper - lower == 1 {
      leaf(lower, depth: depth, state: state)
      return
    }
    // Sort the group on the character at `depth`; terminators (all -1, so 0xFFFF_FFFF here) go last.
    for k in lower..<upper {
      let p = suffixes[k]
      keys[k] = UInt64(UInt32(bitPattern: text[Int(p) + depth])) << 32 | UInt64(UInt32(bitPattern: p))
    }
    var group = UnsafeMutableBufferPointer(rebasing: keys[lower..<upper])
    group.sort()
    var runs = 0
    var ends = 0
    var previous: UInt64 = .max
    var frequency = 0
    for k in lower..<upper {
      let p = Int32(truncatingIfNeeded: keys[k] & 0xFFFF_FFFF)
      suffixes[k] = p
      frequency += weight(p)
      let symbol = keys[k] >> 32
      if symbol == 0xFFFF_FFFF {
        ends += 1
      } else if symbol != previous {
        runs += 1
        previous = symbol
      }
    }
    if depth >= 2 && runs + ends >= 2 {
      candidates.append(SeedCandidate(lower: Int32(lower), upper: Int32(upper), length: Int32(depth), frequency: frequency))
    }
    if depth == maxLength { return }
    var start = lower
    while start < upper {
      let symbol = keys[start] >> 32
      if symbol == 0xFFFF_FFFF { break }
      var end = start + 1
      while end < upper && keys[end] >> 32 == symbol { end += 1 }
      let next = extend(state, with: Int(symbol))
      if next.isValid { visit(start, end, depth: depth + 1, state: next) }
      start = end
    }
  }

  /// A group of one suffix: the whole rest of its word is a candidate if it is short enough, valid, and its word
  /// occurs at least twice.
  mutating func leaf(_ k: Int, depth: Int, state: PieceScriptState) {
    let p = Int(suffixes[k])
    let count = weight(Int32(p))
    if count < 2 { return }
    var state = state
    var length = depth
    while text[p + length] != UnigramCorpus.terminator {
      if length == maxLength { return }
      state = extend(state, with: Int(text[p + length]))
      if !state.isValid { return }
      length += 1
    }
    if length >= 2 {
      candidates.append(SeedCandidate(lower: Int32(k), upper: Int32(k + 1), length: Int32(length), frequency: count))
    }
  }
}
