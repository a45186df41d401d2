import MalRecurrent

/// Every `__metadata__` key of a Mal model file beside the architecture, in one place (the safetensors layout is in
/// docs/formats/safetensors.md). `ModelFile` owns `format` and `mal.model` (the architecture); the rest are
/// written and read by `TrainedModel` alone.
///
/// Format versions: `mal-model-1` stored the tokenizer as a JSON array of `mal tokenize` flags; `mal-model-2`
/// stores `TokenizerOptions` as a JSON object and may add `mal.provenance`. Both load.
public enum ModelMetadata {
  /// JSON array of the label names, in class order.
  public static let labels = "mal.labels"
  /// The ids per row the model was trained on (decimal).
  public static let maxlen = "mal.maxlen"
  /// How ids become the first layer's input: `ids`, `one-hot` or `scalar`.
  public static let input = "mal.input"
  /// The tokenizer (`TokenizerOptions` as JSON; a JSON array of flags in `mal-model-1` files).
  public static let tokenizer = "mal.tokenizer"
  /// The vocabulary's tokens, one per line: line N is id N.
  public static let vocabulary = "mal.vocabulary"
  /// JSON: the vocabulary's `padding` and `unknown` tokens, `num_words`, and `split_unknown`.
  public static let vocabularySpecial = "mal.vocabulary.special"
  /// The vocabulary's fingerprint (`Vocabulary.fingerprint`), checked on load.
  public static let vocabularyFingerprint = "mal.vocabulary.fnv1a64"
  /// A subword vocabulary as HF `tokenizer.json` text, when the ids are pieces (`mal vocab --subword`); then
  /// `vocabulary` and its companions are absent.
  public static let subword = "mal.subword"
  /// The subword vocabulary's fingerprint (`SubwordModel.fingerprint`), checked on load.
  public static let subwordFingerprint = "mal.subword.fnv1a64"
  /// `sentencepiece` when the subword vocabulary came from a sentencepiece `.model` and cuts text as sentencepiece
  /// does (`SubwordModel.isSentencePieceForm`); absent, it cuts as HF tokenizers reads its `tokenizer.json`.
  public static let subwordLibrary = "mal.subword.library"
  /// `PadSequences` as JSON: maxlen, padding, truncating, value.
  public static let pad = "mal.pad"
  /// JSON array of the epochs' results: epoch, loss, accuracy, val_loss, val_accuracy.
  public static let history = "mal.history"
  /// JSON object: how the model was trained and how far (optimizer, steps, seed, …).
  public static let training = "mal.training"
  /// The `#mal` provenance line of the rows the model was trained on, if they had one.
  public static let provenance = "mal.provenance"

  /// The format this Mal writes, and the ones it reads.
  public static let formatVersion = ModelFile.formatValue
  public static let readableFormats: Set<String> = ["mal-model-1", "mal-model-2"]
}
