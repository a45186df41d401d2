/// sentencepiece's word mark `▁` (U+2581), and the words it makes of a token.
///
/// HF's `Metaspace` pre-tokenizer (`prepend_scheme` always, `split`) puts it before each word and cuts before every
/// later one; sentencepiece puts it where spaces were and never lets a piece hold one inside. A token of
/// `mal tokenize` output is one word unless it holds a `▁` itself.
///
///     "영화"   → ["▁영화"]
///     "▁영화"  → ["▁영화"]           (no second mark)
///     "a▁b"   → ["▁a", "▁b"]
enum WordMark {
  static let scalar: UInt32 = 0x2581
  static let bytes: [UInt8] = [0xE2, 0x96, 0x81]

  /// Calls `body` with each word `token` makes: `▁` + the token (unless it starts with one), cut before every
  /// later `▁`.
  static func forEachWord(in token: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var marked = token.starts(with: bytes) ? [] : bytes
    marked.append(contentsOf: token)
    marked.withUnsafeBufferPointer { marked in
      var start = 0
      var i = bytes.count
      while i <= marked.count {
        if i == marked.count || (marked[i] == bytes[0] && marked[i...].starts(with: bytes)) {
          body(UnsafeBufferPointer(rebasing: marked[start..<i]))
          start = i
          i += bytes.count
        } else {
          i += 1
        }
      }
    }
  }
}

extension WordMark {
  /// The text of `pieces` as HF's `Metaspace` decoder makes it: `▁` becomes a space, and the first piece's
  /// leading one is dropped.
  static func decode(_ pieces: [String]) -> String {
    var text = ""
    for (i, piece) in pieces.enumerated() {
      var spaced = piece.replacingAll(UnigramModel.wordMark, with: " ")
      if i == 0 && spaced.utf8.first == 0x20 { spaced = String(spaced.dropFirst()) }
      text += spaced
    }
    return text
  }
}

extension TokenCounts {
  /// The counts of the words `WordMark` makes of these tokens (each `▁`-marked): what HF's `BpeTrainer` counts
  /// behind a `Metaspace` pre-tokenizer.
  func markingWordStarts() -> TokenCounts {
    var marked = TokenCounts()
    table.arena.withUnsafeBufferPointer { arena in
      for entry in table.entries {
        let token = UnsafeBufferPointer(rebasing: arena[Int(entry.start)..<(Int(entry.start) + Int(entry.length))])
        WordMark.forEachWord(in: token) { marked.add(token: $0, count: entry.count) }
      }
    }
    return marked
  }
}
