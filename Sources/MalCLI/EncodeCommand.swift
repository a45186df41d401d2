import ArgumentParser
import MalSequence
import MalStream
import MalWord2Vec

extension BagOfWords.Mode: ExpressibleByArgument {}
extension EmbeddingMatrix.Missing: ExpressibleByArgument {}

/// What `--labels` turns the label column into.
enum LabelEncoding: String, ExpressibleByArgument, CaseIterable {
  case oneHot = "one-hot"
}

struct EncodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "encode",
    abstract: "Turn rows of ids into one-hot vectors, bags of words or pretrained embedding vectors.",
    discussion: """
      Streams when everything it needs is given up front (--depth, --classes, --idf-from); otherwise it \
      reads all input first (copied to a temporary file) to find the largest id or label, or the document \
      frequencies for tfidf. The working column holds space-separated integer ids; other columns pass through.

      --one-hot: each id as a one-hot vector of --depth values (keras.utils.to_categorical). Written sparse \
      by default, as the positions of the ones in the flattened rows × depth row (id + t × depth), because \
      dense one-hot rows are depth times larger; --dense writes every value; --npy a 3-D float array \
      (rows × length × depth; rows must be padded first). --bag: the row as one vector of --depth values, \
      as Keras's Tokenizer.texts_to_matrix modes binary, count, freq and tfidf; sparse as column:value pairs. \
      --embedding: each id as its pretrained vector (word2vec text or binary), found through --vocab (one \
      token a line, line number = id); tokens without a vector get zeros or the mean vector (--missing), the \
      padding id gets zeros, and the coverage is reported on standard error. --labels one-hot turns the label \
      column into one-hot vectors for a softmax head.

      Examples:
        printf '1 3\\n2\\n' | mal encode --one-hot --depth 4
        printf '1 3\\n2 0\\n' | mal encode --one-hot --depth 4 --dense
        printf '3 1 3\\n2\\n' | mal encode --bag count --depth 5
        printf 'text\\tlabel\\n1 2\\t2\\n3\\t0\\n' | mal encode --labels one-hot --classes 3
      """)

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions

  @Flag(name: .customLong("one-hot"), help: "Encode each id as a one-hot vector (keras.utils.to_categorical).")
  var oneHot = false

  @Option(help: "Encode each row as one vector (Keras texts_to_matrix mode): binary, count, freq or tfidf.")
  var bag: BagOfWords.Mode?

  @Option(help: ArgumentHelp("Replace each id by its vector from this word2vec file (.vec text or .bin binary); needs --vocab.", valueName: "file"))
  var embedding: String?

  @Option(help: ArgumentHelp("The vocabulary of the ids: one token a line, line number (from 0) = id.", valueName: "file"))
  var vocab: String?

  @Option(help: "What tokens without a pretrained vector get: zero or mean (of all the file's vectors).")
  var missing: EmbeddingMatrix.Missing = .zero

  @Option(name: .customLong("padding-id"), parsing: .unconditional, help: ArgumentHelp("The padding id, which always gets the zero vector.", valueName: "id"))
  var paddingID: Int = 0

  @Option(name: .customLong("vectors-format"), help: "The --embedding file's format (default: binary for .bin, else text).")
  var vectorsFormat: VectorFormat?

  @Option(parsing: .unconditional, help: ArgumentHelp(
    "Vector length for --one-hot and --bag (Keras num_classes / num_words); ids must be below it. Default: largest id + 1 (reads all input first).",
    valueName: "n"))
  var depth: Int?

  @Option(name: .customLong("idf-from"), help: ArgumentHelp(
    "For --bag tfidf: count document frequencies in this file of id rows (the training rows) instead of the input.",
    valueName: "file"))
  var idfFrom: String?

  @Option(name: .customLong("oov-id"), parsing: .unconditional, help: ArgumentHelp(
    "For --bag tfidf: this id's document frequency counts as 0, as Keras does for its oov_token.", valueName: "id"))
  var oovID: Int32?

  @Option(help: "Encode the label column: one-hot (keras.utils.to_categorical).")
  var labels: LabelEncoding?

  @Option(parsing: .unconditional, help: ArgumentHelp("Number of classes for --labels one-hot. Default: largest label + 1 (reads all input first).", valueName: "k"))
  var classes: Int?

  @Option(name: .customLong("label-column"), help: ArgumentHelp(
    "The label column, by header name or 1-based number (default: the first named label, class, sentiment, target, topic, y, …).",
    valueName: "name|n"))
  var labelColumn: String?

  @Flag(help: "Write every value of each vector instead of the sparse form.")
  var dense = false

  @Option(help: ArgumentHelp("Write the encoded rows to this NumPy .npy file instead of text.", valueName: "file"))
  var npy: String?

  @Option(name: .customLong("labels-npy"), help: ArgumentHelp("With --npy and --labels one-hot: write the one-hot labels (rows × classes) to this .npy file.", valueName: "file"))
  var labelsNpy: String?

  @Option(name: .customLong("dtype"), help: "The .npy files' element type: float32 or float64.")
  var floatType: FloatType = .float32

  var dtype: NpyWriter.ElementType { floatType.elementType }

  func validate() throws {
    let encodings = (oneHot ? 1 : 0) + (bag != nil ? 1 : 0) + (embedding != nil ? 1 : 0)
    if encodings > 1 { throw ValidationError("choose one of --one-hot, --bag and --embedding") }
    if encodings == 0 && labels == nil { throw ValidationError("nothing to encode: give --one-hot, --bag, --embedding or --labels") }
    if embedding != nil && vocab == nil { throw ValidationError("--embedding needs --vocab to know which token each id is") }
    if vocab != nil && embedding == nil { throw ValidationError("--vocab applies to --embedding only") }
    if let depth, depth <= 0 { throw ValidationError("--depth must be at least 1, got \(depth)") }
    if depth != nil && !oneHot && bag == nil { throw ValidationError("--depth applies to --one-hot and --bag only") }
    if let depth {  // one dense vector (Double for --bag) must fit before any row is encoded
      do { try MemoryBudget.standard.check([depth], bytesPerElement: 8, for: "one vector of \(depth) values") } catch {
        throw ValidationError("--depth \(depth): \(error.message)")
      }
    }
    if let classes, classes <= 0 { throw ValidationError("--classes must be at least 1, got \(classes)") }
    if classes != nil && labels == nil { throw ValidationError("--classes applies to --labels only") }
    if (idfFrom != nil || oovID != nil) && bag != .tfidf { throw ValidationError("--idf-from and --oov-id apply to --bag tfidf only") }
    if dense && (embedding != nil || encodings == 0) { throw ValidationError("--dense applies to --one-hot and --bag (embeddings are always dense)") }
    if npy != nil && encodings == 0 { throw ValidationError("--npy needs --one-hot, --bag or --embedding") }
    if npy != nil && stream.output != nil { throw ValidationError("--npy and --output both name the output; choose one") }
    if npy != nil && dense { throw ValidationError("--dense applies to text output; .npy files are always dense") }
    if labelsNpy != nil && (npy == nil || labels == nil) { throw ValidationError("--labels-npy needs --npy and --labels one-hot") }
    if npy != nil && labels != nil && labelsNpy == nil { throw ValidationError("with --npy, --labels one-hot needs --labels-npy") }
    try refuseSharedOutputs([("--npy", npy), ("--labels-npy", labelsNpy)])
  }

  func run() throws {
    try reportingErrors(command: "encode") {
      try encode()
    }
  }

  private func encode() throws {
    // Pretrained vectors first: a bad vector file should fail before any input is read.
    var matrix: EmbeddingMatrix? = nil
    if let embedding, let vocab {
      let vectors = try readWordVectors(embedding, format: vectorsFormat)
      let tokens = try readVocabularyTokens(vocab)
      let built = EmbeddingMatrix(vectors: vectors, vocabulary: tokens, missing: missing, paddingID: paddingID)
      matrix = built
      let counted = tokens.count - (paddingID < tokens.count ? 1 : 0)
      var message = "coverage: \(grouped(built.coveredCount)) of \(grouped(counted)) vocabulary entries have a vector"
      message += counted > 0 ? " (\(fixed(Double(built.coveredCount) / Double(counted) * 100, 1))%)" : ""
      message += "; the others get \(missing == .zero ? "zeros" : "the mean vector"), padding id \(paddingID) gets zeros\n"
      Diagnostics.write(message)
    }

    var row = IDRow()
    func labelColumn(_ reader: RecordReader, _ record: Record) throws -> Int {
      try reader.labelColumn(self.labelColumn, for: record)
    }
    func label(_ reader: RecordReader, _ record: Record) throws -> Int32 {
      let value = try parseLabel(record, column: try labelColumn(reader, record), as: .int32).int
      if value < 0 {
        let range = record.fieldRange(ofColumn: try labelColumn(reader, record))
        throw record.error(.negativeLabel(Int(value)), atByte: range.lowerBound)
      }
      if let classes, Int(value) >= classes {
        let range = record.fieldRange(ofColumn: try labelColumn(reader, record))
        throw record.error(.labelOutOfRange(label: Int(value), classes: classes), atByte: range.lowerBound)
      }
      return value
    }

    // Document frequencies from another file, before the input.
    var frequencies = DocumentFrequencies(ignoring: oovID)
    if bag == .tfidf, let idfFrom {
      let reader = RecordReader(inputs: [idfFrom], options: stream.recordOptions)
      try reader.forEachRecord(header: { _ in }) { record in
        if record.isBlank { return true }
        try row.parse(record, depth: depth)
        frequencies.add(row.values)
        return true
      }
    }

    let needsDepth = (oneHot || bag != nil) && depth == nil
    let needsFrequencies = bag == .tfidf && idfFrom == nil
    let needsClasses = labels != nil && classes == nil
    var reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
    var spool: Spool? = nil
    var largestID: Int32 = -1
    var largestLabel: Int32 = -1
    if needsDepth || needsFrequencies || needsClasses {
      let (copy, second) = try spoolInput(stream) { first, record in
        if record.isBlank { return }
        if oneHot || bag != nil || matrix != nil {
          try row.parse(record, depth: depth, vocabularySize: matrix?.rowCount)
          largestID = max(largestID, row.values.max() ?? -1)
          if needsFrequencies { frequencies.add(row.values) }
        }
        if labels != nil { largestLabel = max(largestLabel, try label(first, record)) }
      }
      spool = copy
      reader = second
    }
    _ = spool
    let width = depth ?? matrix?.rowCount ?? max(1, Int(largestID) + 1)
    let classCount = classes ?? max(1, Int(largestLabel) + 1)

    let bagOfWords = bag.map { BagOfWords(mode: $0, width: width, documentFrequencies: frequencies) }
    let oneHotEncoder = oneHot ? OneHot(depth: width) : nil

    if let npy {
      let output = try NpyWriter(path: npy, elementType: dtype)
      let labelWriter = try labelsNpy.map { try NpyWriter(path: $0, elementType: dtype) }
      var rows = 0
      var length: Int? = nil
      var vector = [Float]()
      let pass = reader
      try pass.forEachRecord(header: { _ in }) { record in
        if record.isBlank { return true }
        try row.parse(record, depth: width, vocabularySize: matrix?.rowCount)
        if let bagOfWords {
          try output.append(try bagOfWords.dense(row.values))
        } else {
          if let length, length != row.count {
            throw IDError(.lengthMismatch(found: row.count, expected: length), byteOffset: 0).at(record.position(atFieldByte: 0))
          }
          length = row.count
          if let oneHotEncoder {
            try output.append(try oneHotEncoder.encode(row.values))
          } else if let matrix {
            try output.append(try matrix.lookup(row.values))
          }
        }
        if let labelWriter {
          let k = try label(pass, record)
          vector = [Float](repeating: 0, count: classCount)
          vector[Int(k)] = 1
          try labelWriter.append(vector)
        }
        rows += 1
        return true
      }
      let shape: [Int]
      if bagOfWords != nil {
        shape = [rows, width]
      } else if let matrix {
        shape = [rows, length ?? 0, matrix.dimension]
      } else {
        shape = [rows, length ?? 0, width]
      }
      try output.finish(shape: shape)
      try labelWriter?.finish(shape: [rows, classCount])
      return
    }

    try withOutput(stream.output) { writer in
      let out = writer.buffer
      let encodesIDs = oneHot || bag != nil || matrix != nil
      let pass = reader
      try pass.forEachRecord(header: { header in
        provenance.output(Provenance.Step(stage: "encode", column: nil)).append(for: pass, to: out)
        out.append(header)
        out.append(byte: 0x0A)
      }) { record in
        if record.isBlank {
          out.append(byte: 0x0A)
          try writer.flushIfFull()
          return true
        }
        let labelRange: Range<Int>? = labels != nil ? record.fieldRange(ofColumn: try labelColumn(pass, record)) : nil
        let labelValue: Int32? = labels != nil ? try label(pass, record) : nil
        if encodesIDs { try row.parse(record, depth: width, vocabularySize: matrix?.rowCount) }
        // Rebuild the line column by column: the working column and the label column change, the rest is copied.
        var pieces: [(Range<Int>, Int)] = [(record.field, 0)]
        if let labelRange { pieces.append((labelRange, 1)) }
        pieces.sort { $0.0.lowerBound < $1.0.lowerBound }
        var at = 0
        for (range, kind) in pieces {
          out.append(UnsafeBufferPointer(rebasing: record.line[at..<range.lowerBound]))
          if kind == 0 {
            if encodesIDs {
              try appendEncoded(row, oneHot: oneHotEncoder, bag: bagOfWords, matrix: matrix, width: width, to: out)
            } else {
              out.append(UnsafeBufferPointer(rebasing: record.line[range]))
            }
          } else if let labelValue {
            for k in 0..<classCount {
              if k > 0 { out.append(byte: 0x20) }
              out.append(byte: k == Int(labelValue) ? 0x31 : 0x30)
            }
          }
          at = range.upperBound
        }
        out.append(UnsafeBufferPointer(rebasing: record.line[at...]))
        out.append(byte: 0x0A)
        try writer.flushIfFull()
        return true
      }
    }
    if spool == nil { warnAboutReplacements(reader, command: "encode") }
  }

  /// Appends the encoded form of `row` (sparse or dense text) to `out`.
  private func appendEncoded(
    _ row: IDRow, oneHot: OneHot?, bag: BagOfWords?, matrix: EmbeddingMatrix?, width: Int, to out: ByteBuffer
  ) throws {
    if let oneHot {
      if dense {
        for (t, id) in row.values.enumerated() {
          for k in 0..<oneHot.depth {
            if t > 0 || k > 0 { out.append(byte: 0x20) }
            out.append(byte: k == Int(id) ? 0x31 : 0x30)
          }
        }
      } else {
        for (t, index) in try oneHot.sparseIndices(row.values).enumerated() {
          if t > 0 { out.append(byte: 0x20) }
          out.append(String(index))
        }
      }
    } else if let bag {
      if dense {
        for (k, v) in try bag.dense(row.values).enumerated() {
          if k > 0 { out.append(byte: 0x20) }
          appendNumber(v, to: out)
        }
      } else {
        for (k, entry) in try bag.encode(row.values).enumerated() {
          if k > 0 { out.append(byte: 0x20) }
          out.append(String(entry.column))
          out.append(byte: 0x3A)
          appendNumber(entry.value, to: out)
        }
      }
    } else if let matrix {
      for (k, v) in try matrix.lookup(row.values).enumerated() {
        if k > 0 { out.append(byte: 0x20) }
        appendNumber(v, to: out)
      }
    }
  }
}

/// Appends a number in its shortest exact form, whole numbers without a decimal point: 1 → "1", 0.25 → "0.25".
func appendNumber<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, to out: ByteBuffer) {
  if value == value.rounded(), abs(value) < 1e15 {
    out.append(String(Int64(value)))
  } else {
    out.append(value.description)
  }
}
