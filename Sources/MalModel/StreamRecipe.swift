#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import MalSequence
import MalStream
import MalTokenize
import MalVocab

/// The vocabulary a stream's ids came from, as `mal vocab` records it in the `#mal` line: where it is saved, how to
/// read it, and its fingerprint.
///
///     {"extra":[],"file":"v.txt","fnv1a64":"e4dfe79fef604d6f","format":"txt","num_words":null,
///      "padding":"[PAD]","split_unknown":false,"tokens":195,"unknown":"[UNK]"}
public struct VocabularySource: Codable, Sendable, Hashable {
  /// The path it was saved to or loaded from, as the user gave it (relative to the folder the stage ran in);
  /// `nil` when it was never saved.
  public var file: String?
  /// Its file format (`VocabularyFormat`'s raw value); `nil`: told by the file's content.
  public var format: String?
  /// Its number of tokens, reserved ones included.
  public var tokens: Int
  /// `Vocabulary.fingerprint`.
  public var fingerprint: String
  public var padding: String?
  public var unknown: String?
  public var extra: [String]
  /// Keras `num_words`, if the ids were capped.
  public var numWords: Int?
  /// Tokens the vocabulary lacks were split into vocabulary tokens (`--split-unknown`).
  public var splitsUnknown: Bool

  private enum CodingKeys: String, CodingKey {
    case file, format, tokens, fingerprint = "fnv1a64", padding, unknown, extra, numWords = "num_words"
    case splitsUnknown = "split_unknown"
  }

  /// The record of `vocabulary`, saved at or loaded from `file` (`nil` or `-`: not saved).
  public init(_ vocabulary: Vocabulary, file: String?, format: VocabularyFormat?, splitsUnknown: Bool) {
    // As given, not made absolute: a #mal line names no folder of the machine it was made on, and a pipeline
    // runs its stages in one folder.
    self.file = file == "-" ? nil : file
    self.format = format?.rawValue
    tokens = vocabulary.count
    fingerprint = vocabulary.fingerprint
    padding = vocabulary.specialTokens.padding
    unknown = vocabulary.specialTokens.unknown
    extra = vocabulary.specialTokens.extra
    numWords = vocabulary.numWords
    self.splitsUnknown = splitsUnknown
  }

  public var specialTokens: SpecialTokens { SpecialTokens(padding: padding, unknown: unknown, extra: extra) }

  /// Whether `vocabulary` is this one: the same tokens in the same order.
  public func matches(_ vocabulary: Vocabulary) -> Bool {
    vocabulary.count == tokens && vocabulary.fingerprint == fingerprint
  }

  /// How messages name it: `v.txt (195 tokens, fnv1a64 e4dfe79fef604d6f)`.
  public var description: String {
    "\(file ?? "a vocabulary that was not saved") (\(tokens) tokens, fnv1a64 \(fingerprint))"
  }

  /// Reads the vocabulary from `path` (default: where it was saved) as it was read when the ids were made.
  /// - Throws: `FileError` or `InputError` when the file cannot be read; `PipelineMismatch` when it holds
  ///   another vocabulary than this one (it changed since the ids were made, or it is another file).
  public func load(from path: String? = nil) throws -> Vocabulary {
    guard let path = path ?? file else {
      throw FileError(path: "<stream>", operation: "names no vocabulary file: the ids come from \(description)")
    }
    let vocabulary = try Vocabulary.read(
      path: path, format: format.flatMap(VocabularyFormat.init(rawValue:)), specialTokens: specialTokens, numWords: numWords)
    guard matches(vocabulary) else {
      throw PipelineMismatch(
        file: path,
        message: "holds another vocabulary (\(vocabulary.count) tokens, fnv1a64 \(vocabulary.fingerprint)) than the one the ids were made with, \(description)")
    }
    return vocabulary
  }
}

/// The subword vocabulary a stream's ids came from, as `mal vocab --subword` (or `--load` of one) records it in the
/// `#mal` line, stage `vocab subword`: its kind, where it is saved, its size and fingerprint.
///
///     {"kind":"bpe","file":"tokenizer.json","tokens":16000,"fnv1a64":"1f0c…"}
public struct SubwordSource: Codable, Sendable, Hashable {
  /// `bpe` or `wordpiece` (`SubwordModel.kind`).
  public var kind: String
  /// The path it was saved to or loaded from, as the user gave it; `nil` when it was never saved.
  public var file: String?
  /// Its number of pieces, reserved tokens included.
  public var tokens: Int
  /// `SubwordModel.fingerprint`; `nil` in streams written before Mal recorded it.
  public var fingerprint: String?

  private enum CodingKeys: String, CodingKey {
    case kind, file, tokens, fingerprint = "fnv1a64"
  }

  /// The record of `model`, saved at or loaded from `file` (`nil` or `-`: not saved).
  public init(_ model: SubwordModel, file: String?) {
    kind = model.kind
    self.file = file == "-" ? nil : file
    tokens = model.tokens.count
    fingerprint = model.fingerprint
  }

  /// Whether `model` is this one: the same pieces and the same way of cutting words.
  public func matches(_ model: SubwordModel) -> Bool {
    model.tokens.count == tokens && (fingerprint.map { $0 == model.fingerprint } ?? true)
  }

  /// How messages name it: `tokenizer.json (bpe, 16000 pieces, fnv1a64 1f0c…)`.
  public var description: String {
    "\(file ?? "a subword vocabulary that was not saved") (\(kind), \(tokens) pieces\(fingerprint.map { ", fnv1a64 \($0)" } ?? ""))"
  }

  /// Reads the model from `path` (default: where it was saved), checking it is the one the ids were made with.
  /// - Throws: `FileError`, `InputError` or `SubwordError` when the file cannot be read; `PipelineMismatch`
  ///   when it holds another model than this one.
  public func load(from path: String? = nil) throws -> SubwordModel {
    guard let path = path ?? file else {
      throw FileError(path: "<stream>", operation: "names no subword vocabulary file: the ids come from \(description)")
    }
    let model = try SubwordModel.read(path: path)
    guard matches(model) else {
      throw PipelineMismatch(
        file: path,
        message: "holds another subword vocabulary (\(model.kind), \(model.tokens.count) pieces, fnv1a64 \(model.fingerprint)) than the one the ids were made with, \(description)")
    }
    return model
  }
}

extension Provenance.Step {
  /// `mal vocab --subword`'s step: the subword vocabulary the ids come from.
  public static func subword(_ source: SubwordSource, column: String?) -> Self {
    Self(stage: "vocab subword", column: column, settings: CodableJSON.value(source))
  }

  /// `mal vocab --pieces`'s step: the subword vocabulary that cut the tokens into the pieces the column holds.
  public static func pieces(_ source: SubwordSource, column: String?) -> Self {
    Self(stage: "vocab pieces", column: column, settings: CodableJSON.value(source))
  }

  /// `mal tokenize`'s step: the tokenizer's options.
  public static func tokenize(_ options: TokenizerOptions, column: String?) -> Self {
    Self(stage: "tokenize", column: column, settings: CodableJSON.value(options))
  }

  /// `mal vocab`'s step: the vocabulary the ids come from.
  public static func vocabulary(_ source: VocabularySource, column: String?) -> Self {
    Self(stage: "vocab", column: column, settings: CodableJSON.value(source))
  }

  /// `mal pad`'s step: the padding, with the length the rows got.
  public static func pad(_ pad: PadSequences, column: String?) -> Self {
    Self(stage: "pad", column: column, settings: CodableJSON.value(pad))
  }
}

/// How a stream's working column was made, read from its `#mal` line: the tokenizer, the vocabulary and the padding
/// of a `tokenize | vocab | pad` pipeline — what a model needs to take raw text.
///
///     let recipe = try StreamRecipe(provenance: reader.provenance, column: reader.workingColumnName, file: path)
///     recipe.tokenizer   // TokenizerOptions, if a tokenize step made the column
///
/// Steps on other columns are ignored. Each part is `nil` when no step made it; all are `nil`, and `unsupported`
/// says why, when the column went through other stages or through one stage twice.
public struct StreamRecipe: Sendable {
  public var tokenizer: TokenizerOptions?
  public var vocabulary: VocabularySource?
  /// The subword vocabulary, when a `vocab subword` step made the ids (then `vocabulary` is `nil`).
  public var subword: SubwordSource?
  public var pad: PadSequences?
  /// The stages that made the column, in order.
  public var stages: [String] = []
  /// Why the steps are not a tokenize → vocab → pad recipe, if they are not.
  public var unsupported: String?

  /// A stream without provenance.
  public init() {}

  /// - Throws: `InputError` at line 1 of `file` when a step's settings cannot be read.
  public init(provenance: Provenance?, column: String?, file: String) throws {
    guard let provenance else { return }
    let steps = provenance.steps(onColumn: column)
    stages = steps.map(\.stage)
    // A subword vocabulary takes the vocabulary's place.
    let order = ["tokenize": 0, "vocab": 1, "vocab subword": 1, "pad": 2]
    var last = -1
    for step in steps {
      guard let position = order[step.stage], position > last else {
        unsupported = "the column went through \(stages.joined(separator: " | ")), not tokenize | vocab | pad"
        tokenizer = nil
        vocabulary = nil
        subword = nil
        pad = nil
        return
      }
      last = position
      do {
        switch step.stage {
        case "tokenize": tokenizer = try CodableJSON.decode(TokenizerOptions.self, from: step.settings)
        case "vocab": vocabulary = try CodableJSON.decode(VocabularySource.self, from: step.settings)
        case "vocab subword": subword = try CodableJSON.decode(SubwordSource.self, from: step.settings)
        default: pad = try CodableJSON.decode(PadSequences.self, from: step.settings)
        }
      } catch {
        throw InputError(
          .badProvenance("the \(step.stage) step's settings: \(CodableJSON.describe(error))"),
          at: SourcePosition(file: file, line: 1, column: 1))
      }
    }
  }
}

/// Rows and a file that do not belong together: ids made with another vocabulary than the one given, or than a
/// model's.
public typealias PipelineMismatch = FileContentError
