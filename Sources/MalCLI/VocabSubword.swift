import ArgumentParser
import MalModel
import MalStream
import MalVocab

/// The kinds of subword vocabulary `--subword` trains.
enum SubwordKind: String, ExpressibleByArgument, CaseIterable {
  case bpe
  case wordpiece
  case unigram
}

/// `--subword`: train (with --save) or read (with --load) a subword vocabulary instead of a word-level one.
struct SubwordOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Learn subword pieces instead of whole tokens: bpe or wordpiece, exactly as HF tokenizers' BpeTrainer/WordPieceTrainer (--max-size is its vocab_size, default 30000; --min-count its min_frequency; bpe saved as spm marks words with ▁ as sentencepiece's BPE does), or unigram, sentencepiece's unigram language model (--max-size is its vocab_size, default 8000); each token becomes the ids of its pieces. With --load, reads a WordPiece vocab.txt (a tokenizer.json or sentencepiece .model is recognized without it).", valueName: "kind"))
  var subword: SubwordKind?

  @Flag(help: "With --subword: learn pieces over jamo. Each token is decomposed first (Unicode NFD: a Hangul syllable becomes its jamo, 영 → ᄋ ᅧ ᆼ), and the saved tokenizer.json names the NFD normalizer, so it (and HF tokenizers) decomposes raw text the same way and NFD input gives the same ids; vocab decode recomposes syllables. Saved as hf-json only.")
  var jamo = false

  /// The format to save a subword vocabulary in: hf-json, (WordPiece) txt or (Unigram) spm, else from the name.
  func saveFormat(_ explicit: VocabularyFormat?, path: String) throws -> SubwordFormat {
    let format = try namedFormat(explicit, path: path)
    if jamo && format != .hfJSON {
      throw ValidationError("--jamo pieces are of decomposed text, which only a tokenizer.json can say (its NFD normalizer): save as .json or --vocab-format hf-json")
    }
    return format
  }

  private func namedFormat(_ explicit: VocabularyFormat?, path: String) throws -> SubwordFormat {
    switch explicit ?? VocabularyFormat(pathExtensionOf: path) ?? (path.hasSuffix(".json") ? .hfJSON : nil) {
    case .hfJSON?: return .hfJSON
    case .txt?:
      switch subword {
      case .bpe?: throw ValidationError("a BPE vocabulary needs its merges: save it with --vocab-format hf-json")
      case .unigram?: throw ValidationError("a Unigram vocabulary needs its scores: save it with --vocab-format hf-json or spm")
      default: return .txt
      }
    case .sentencePiece?:
      if subword == .wordpiece {
        throw ValidationError("a sentencepiece model holds a Unigram or BPE vocabulary: use --subword unigram or bpe, or --vocab-format hf-json")
      }
      return .sentencePiece
    case .some(let other):
      throw ValidationError("--subword saves hf-json (or, for wordpiece, txt; for unigram and bpe, spm), not \(other.rawValue)")
    case nil:
      throw ValidationError("cannot tell the format of '\(path)' from its name; add --vocab-format hf-json")
    }
  }

  /// Trains the chosen kind on `counts` with the reserved tokens and sizes of the word-level options, for a file in
  /// `format`: BPE for a sentencepiece model marks words with ▁ and fuses unknown runs, as sentencepiece's BPE does.
  func train(
    _ counts: TokenCounts, specials: SpecialTokens, build: BuildOptions, threads: Int, format: SubwordFormat
  ) throws -> SubwordModel {
    guard jamo else { return try train(kind: subword, counts, specials: specials, build: build, threads: threads, format: format) }
    return try train(kind: subword, counts.decomposed(), specials: specials, build: build, threads: threads, format: format)
      .decomposing(true)
  }

  private func train(
    kind subword: SubwordKind?, _ counts: TokenCounts, specials: SpecialTokens, build: BuildOptions, threads: Int,
    format: SubwordFormat
  ) throws -> SubwordModel {
    let size = build.maxSize ?? (subword == .unigram ? 8000 : 30000)
    switch subword {
    case .wordpiece?:
      guard let unknown = specials.unknown else {
        throw ValidationError("WordPiece needs an unknown token for words it cannot cut; drop --no-unk")
      }
      let trainer = WordPieceTrainer(vocabularySize: size, minFrequency: build.minCount, specialTokens: specials.all)
      return .wordPiece(try trainer.train(counts, unknownToken: unknown))
    case .unigram?:
      let trainer = UnigramTrainer(vocabularySize: size, specialTokens: specials.all, threads: threads)
      return .unigram(try trainer.train(counts, unknownToken: specials.unknown ?? "[UNK]"))
    default:
      let sentencePiece = format == .sentencePiece
      if sentencePiece && specials.unknown == nil {
        throw ValidationError("a sentencepiece model needs an unknown token; drop --no-unk")
      }
      let trainer = BPETrainer(
        vocabularySize: size, minFrequency: build.minCount, specialTokens: specials.all, marksWordStarts: sentencePiece,
        fusesUnknown: sentencePiece)
      return .bpe(try trainer.train(counts, unknownToken: specials.unknown))
    }
  }

  func validate(build: BuildOptions, splitUnknown: Bool, specials: SpecialTokens) throws {
    if jamo && subword == nil { throw ValidationError("--jamo learns subword pieces over jamo: add --subword KIND") }
    guard subword != nil else { return }
    if subword == .unigram {
      if build.minCount != 1 { throw ValidationError("--min-count applies to bpe and wordpiece; unigram trains on every word") }
      if specials.unknown == nil { throw ValidationError("Unigram needs an unknown token for characters it has not seen; drop --no-unk") }
    }
    if build.numWords != nil { throw ValidationError("--num-words applies to word-level vocabularies, not --subword") }
    if splitUnknown { throw ValidationError("--split-unknown applies to word-level vocabularies; --subword always splits") }
    if build.order != .count { throw ValidationError("--order applies to word-level vocabularies, not --subword") }
  }
}

/// The subword vocabulary in `path`, if it is one: a tokenizer.json with a BPE, WordPiece or Unigram model, a
/// sentencepiece .model, or any file when `kind` is given (a WordPiece vocab.txt).
func subwordModel(path: String, kind: SubwordKind?) throws -> SubwordModel? {
  if kind != nil || SubwordModel.isSentencePieceModel(path: path) { return try SubwordModel.read(path: path) }
  guard path != "-", try VocabularyFormat.detect(path: path) == .hfJSON else { return nil }
  switch try SubwordModel.modelType(path: path) {
  case "WordLevel"?, nil: return nil
  default: return try SubwordModel.read(path: path)
  }
}

/// `--pieces`: write a subword vocabulary's pieces instead of their ids.
struct PiecesOption: ParsableArguments {
  @Flag(help: "With a subword vocabulary: write each token's pieces instead of their ids (sentencepiece's --output_format=piece): text for word2vec train, to pretrain piece vectors.")
  var pieces = false

  /// The `#mal` step of pieces: the stream holds tokens again, not ids, so the step is not `vocab subword`.
  func provenance(_ options: ProvenanceOptions, model: SubwordModel, file: String?) -> ProvenanceOutput {
    guard pieces else { return options.subword(model, file: file) }
    return options.output(.pieces(SubwordSource(model, file: file), column: nil))
  }

  /// Refuses `--pieces` with a word-level vocabulary, whose pieces would be its tokens.
  func refuseWordLevel(_ file: String) throws {
    if pieces {
      throw ValidationError("--pieces cuts tokens with a subword vocabulary; \(file) is a word-level one (its pieces would be the tokens)")
    }
  }
}

/// `--sample ALPHA` and `--seed N`: subword regularization with a Unigram vocabulary.
struct SamplingOptions: ParsableArguments {
  @Option(help: ArgumentHelp("With a Unigram vocabulary: cut each word into a segmentation drawn at random, each with probability proportional to its likelihood to the power alpha (sentencepiece's subword regularization over all segmentations; 0.1 is usual, larger comes closer to the best cut). Run once per epoch with another --seed to train on rows cut differently each time.", valueName: "alpha"))
  var sample: Double?

  @Option(help: ArgumentHelp("The seed of --sample: the same seed gives the same pieces, for any --threads (default 1).", valueName: "n"))
  var seed: UInt64?

  func validate() throws {
    if let sample, !(sample > 0 && sample.isFinite) {
      throw ValidationError("--sample takes an alpha above 0, got \(sample)")
    }
    if seed != nil && sample == nil { throw ValidationError("--seed is the seed of --sample: add --sample ALPHA") }
  }

  /// Refuses `--sample` with a vocabulary that is not Unigram.
  func check(_ model: SubwordModel?, file: String) throws {
    guard sample != nil else { return }
    guard case .unigram? = model else {
      throw ValidationError("--sample draws among the segmentations of a Unigram vocabulary; \(file) is \(model.map { "a \($0.kind)" } ?? "a word-level") vocabulary")
    }
  }
}

/// `vocab --load` and `vocab apply` with a subword vocabulary: piece ids (or pieces) for every row, on every thread.
func applySubword(
  _ model: SubwordModel, file: String, stream: StreamOptions, provenance: ProvenanceOptions, pieces: PiecesOption,
  sampling: SamplingOptions, threads: Int
) throws {
  try sampling.check(model, file: file)
  let writesPieces = pieces.pieces
  let sample = sampling.sample.map { (alpha: $0, seed: sampling.seed ?? 1) }
  try runRecordFilter(stream, provenance: pieces.provenance(provenance, model: model, file: file), threads: threads) {
    // An applier caches words it has split: one for each thread.
    let applier = SubwordApplier(model, pieces: writesPieces, sample: sample)
    return { record, out in applier.encode(record, into: out) }
  }
}

/// Applies a subword model row by row, remembering the pieces of words it has seen: writes piece ids, or with
/// `pieces` the pieces themselves; with `sample`, each row's words are cut at random (`--sample`), the generator
/// seeded by the row's line number so that threads do not change the result.
final class SubwordApplier {
  var encoder: SubwordEncoder
  /// Each piece's bytes, by id, when the applier writes pieces.
  let pieceBytes: [[UInt8]]?
  let sample: (alpha: Double, seed: UInt64)?
  private var ids: [Int32] = []

  init(_ model: SubwordModel, pieces: Bool = false, sample: (alpha: Double, seed: UInt64)? = nil) {
    encoder = SubwordEncoder(model: model)
    pieceBytes = pieces ? model.tokens.map { Array($0.utf8) } : nil
    self.sample = sample
  }

  func encode(_ record: Record, into out: ByteBuffer) {
    if let sample {
      var random = SegmentationRandom(seed: sample.seed, row: record.lineNumber)
      guard let pieceBytes else {
        encoder.encodeSampling(record.value, alpha: sample.alpha, random: &random, into: out)
        return
      }
      ids.removeAll(keepingCapacity: true)
      encoder.appendSampledIDs(of: record.value, alpha: sample.alpha, random: &random, to: &ids)
      writePieces(pieceBytes, into: out)
      return
    }
    guard let pieceBytes else {
      encoder.encode(record.value, into: out)
      return
    }
    ids.removeAll(keepingCapacity: true)
    encoder.appendIDs(of: record.value, to: &ids)
    writePieces(pieceBytes, into: out)
  }

  private func writePieces(_ pieceBytes: [[UInt8]], into out: ByteBuffer) {
    for (i, id) in ids.enumerated() {
      if i > 0 { out.append(byte: 0x20) }
      pieceBytes[Int(id)].withUnsafeBufferPointer { out.append($0) }
    }
  }
}

extension ProvenanceOptions {
  /// The `#mal` step of ids made by a subword vocabulary: stage `vocab subword`, with the model's kind, file, size
  /// and fingerprint, which `mal train` reads to store the model.
  func subword(_ model: SubwordModel, file: String?) -> ProvenanceOutput {
    output(.subword(SubwordSource(model, file: file), column: nil))
  }
}
