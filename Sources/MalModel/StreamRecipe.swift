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

extension Provenance.Step {
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
    let order = ["tokenize", "vocab", "pad"]
    var last = -1
    for step in steps {
      guard let position = order.firstIndex(of: step.stage), position > last else {
        unsupported = "the column went through \(stages.joined(separator: " | ")), not tokenize | vocab | pad"
        tokenizer = nil
        vocabulary = nil
        pad = nil
        return
      }
      last = position
      do {
        switch step.stage {
        case "tokenize": tokenizer = try CodableJSON.decode(TokenizerOptions.self, from: step.settings)
        case "vocab": vocabulary = try CodableJSON.decode(VocabularySource.self, from: step.settings)
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
