import ArgumentParser
import MalStream
import MalVocab

struct VocabInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Describe a vocabulary: size, reserved ids, top tokens, count histogram, and its coverage of a corpus.",
    discussion: """
      With corpus files (tokenized rows; '-' for standard input), also reports the share of tokens and rows \
      that would be OOV and the most frequent OOV tokens; for a subword vocabulary (tokenizer.json), the \
      pieces per word and the unknown pieces. The report goes to standard output.

      Examples:
        mal vocab inspect vocab-en.txt --top 5
        mal tokenize Corpora/sample-ko.tsv | mal vocab inspect vocab.txt -
      """)

  @Argument(help: "The vocabulary file.")
  var vocabularyPath: String

  @OptionGroup var stream: StreamOptions
  @OptionGroup var load: LoadOptions

  @Option(parsing: .unconditional, help: ArgumentHelp("How many top tokens (and top OOV tokens) to list.", valueName: "n"))
  var top = 10

  func validate() throws {
    if load.load != nil { throw ValidationError("inspect reads the vocabulary named as its first argument; drop --load") }
    if stream.output != nil { throw ValidationError("inspect writes its report to standard output; drop -o") }
    if top < 0 { throw ValidationError("--top must be at least 0, got \(top)") }
  }

  func run() throws {
    try reportingErrors(command: "vocab") {
      if let model = try subwordModel(path: vocabularyPath, kind: nil) {
        try inspect(model)
        return
      }
      let vocabulary = try load.vocabulary(path: vocabularyPath)
      let writer = OutputWriter()
      let out = writer.buffer
      out.append(describe(vocabulary))
      if !stream.inputs.isEmpty {
        var coverage = Coverage()
        let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
        try reader.forEachRecord(header: { _ in }) { record in
          if !record.isBlank { coverage.add(document: try record.tokens(), vocabulary: vocabulary) }
          return true
        }
        warnAboutReplacements(reader, command: "vocab")
        out.append(describe(coverage, corpus: stream.inputs.joined(separator: " ")))
      }
      try writer.flush()
    }
  }

  /// A subword vocabulary: its kind and pieces, and with a corpus how finely it cuts the corpus's words.
  private func inspect(_ model: SubwordModel) throws {
    let writer = OutputWriter()
    let out = writer.buffer
    let tokens = model.tokens
    var lines = ["subword vocabulary: \(vocabularyPath), \(model.kind), \(tokens.count) pieces (ids 0…\(tokens.count - 1)), fnv1a64 \(model.fingerprint)"]
    let reserved = model.specialTokens.compactMap { token in model.id(for: token).map { "\(token)=\($0)" } }
    lines.append("reserved: \(reserved.isEmpty ? "none" : reserved.joined(separator: " "))"
      + (model.unknownID == nil ? " (no unknown piece: characters outside the alphabet are dropped)" : ""))
    if case .bpe(let bpe) = model { lines.append("merges: \(bpe.merges.count)") }
    let special = Set(model.specialTokens)
    lines.append("first pieces: " + tokens.lazy.filter { !special.contains($0) }.prefix(top).joined(separator: " "))
    out.append(lines.joined(separator: "\n") + "\n")
    if !stream.inputs.isEmpty {
      var encoder = SubwordEncoder(model: model)
      var ids: [Int32] = []
      var rows = 0, words = 0, pieces = 0, unknown = 0, whole = 0
      let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      try reader.forEachRecord(header: { _ in }) { record in
        guard !record.isBlank else { return true }
        rows += 1
        try record.tokens().forEachSpaceSeparated { word, _ in
          ids.removeAll(keepingCapacity: true)
          unknown += encoder.appendIDs(of: word, to: &ids)
          words += 1
          pieces += ids.count
          if ids.count == 1 { whole += 1 }
          return true
        }
        return true
      }
      warnAboutReplacements(reader, command: "vocab")
      let thousandths = words == 0 ? 0 : Int((Double(pieces) / Double(words) * 1000).rounded())
      let perWord = "\(thousandths / 1000)." + String(String(thousandths % 1000 + 1000).dropFirst())
      out.append("""
        corpus: \(stream.inputs.joined(separator: " ")): \(rows) rows, \(words) words, \(pieces) pieces
        pieces per word: \(perWord); words that are one piece: \(whole) (\(percent(whole, words)))
        unknown pieces: \(unknown) (\(percent(unknown, pieces)))

        """)
    }
    try writer.flush()
  }

  private func describe(_ vocabulary: Vocabulary) -> String {
    var lines: [String] = []
    lines.append("vocabulary: \(vocabularyPath), \(vocabulary.count) tokens (ids 0…\(vocabulary.count - 1))")
    let reserved = vocabulary.specialIDs.map { "\(vocabulary.tokens[$0])=\($0)" }
    lines.append("reserved: \(reserved.isEmpty ? "none" : reserved.joined(separator: " "))"
      + (vocabulary.unknownID == nil ? " (no OOV token: unknown tokens are dropped)" : ""))
    if let numWords = vocabulary.numWords { lines.append("num_words: \(numWords) (ids >= \(numWords) count as OOV)") }
    let special = Set(vocabulary.specialIDs)
    let ordinary = (0..<vocabulary.count).filter { !special.contains($0) }
    if let counts = vocabulary.counts {
      let total = ordinary.reduce(0) { $0 + counts[$1] }
      lines.append("tokens counted: \(total)" + (vocabulary.documentCount.map { " in \($0) documents" } ?? ""))
      lines.append("top \(min(top, ordinary.count)) tokens (id, token, count):")
      for id in ordinary.sorted(by: { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }).prefix(top) {
        lines.append("  \(id)\t\(vocabulary.tokens[id])\t\(counts[id])")
      }
      // Power-of-two buckets, as in word-frequency plots: 1, 2–3, 4–7, …
      var buckets: [Int: Int] = [:]
      for id in ordinary {
        let c = counts[id]
        let bucket = c <= 0 ? 0 : (Int.bitWidth - 1 - c.leadingZeroBitCount)
        buckets[bucket, default: 0] += 1
      }
      lines.append("count histogram (count range: tokens):")
      for bucket in buckets.keys.sorted() {
        let low = bucket == 0 && ordinary.allSatisfy({ counts[$0] > 0 }) == false ? 0 : 1 << bucket
        let high = (1 << (bucket + 1)) - 1
        let range = low == high || low == 0 ? "\(low)" : "\(low)-\(high)"
        lines.append("  \(range)\t\(buckets[bucket]!)")
      }
    } else {
      lines.append("first tokens: " + ordinary.prefix(top).map { vocabulary.tokens[$0] }.joined(separator: " "))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func describe(_ coverage: Coverage, corpus: String) -> String {
    var lines: [String] = []
    lines.append("corpus: \(corpus): \(coverage.documentCount) rows, \(coverage.tokenCount) tokens")
    lines.append("OOV tokens: \(coverage.unknownTokenCount) (\(percent(coverage.unknownTokenCount, coverage.tokenCount))), \(coverage.unknownTokens.distinctCount) distinct")
    lines.append("rows with OOV: \(coverage.documentsWithUnknown) (\(percent(coverage.documentsWithUnknown, coverage.documentCount)))")
    let unknown = coverage.unknownTokens
    let order = (0..<unknown.distinctCount).sorted {
      unknown.count(at: $0) != unknown.count(at: $1) ? unknown.count(at: $0) > unknown.count(at: $1) : $0 < $1
    }
    if !order.isEmpty {
      lines.append("top OOV tokens (token, count):")
      for i in order.prefix(top) { lines.append("  \(unknown.token(at: i))\t\(unknown.count(at: i))") }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// `part` of `whole` as a percentage with two decimals: `12.50%`.
private func percent(_ part: Int, _ whole: Int) -> String {
  let hundredths = whole == 0 ? 0 : Int((Double(part) / Double(whole) * 10000).rounded())
  let fraction = hundredths % 100
  return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
}
