/// Everything that decides how `Tokenizer` turns text into tokens. The defaults are `mal tokenize`'s.
///
///     var options = TokenizerOptions()
///     options.lowercase = true
///     options.splitsParticles = true
///     Tokenizer(options: options).tokens(of: "영화가 Great!")   // ["영화", "가", "great", "!"]
public struct TokenizerOptions: Sendable, Hashable {
  /// The Unicode normalization applied before segmentation.
  public enum Normalization: String, Sendable, CaseIterable {
    /// Canonical composition: NFD Hangul (macOS) becomes precomposed syllables; nothing else changes.
    case nfc
    /// Compatibility composition: also folds full-width forms, ligatures, circled digits…
    /// Note that it also turns compatibility jamo (ㅋ) into conjoining jamo (ᄏ), as the standard says.
    case nfkc
    /// No normalization.
    case none
  }

  /// How text is cut into tokens.
  public enum Mode: String, Sendable, CaseIterable {
    /// Whitespace and script boundaries, punctuation marks alone, symbols and emoji as grapheme clusters.
    case word
    /// One token per grapheme cluster (user-perceived character).
    case char
    /// As `word`, with each Hangul syllable spelled out in jamo.
    case jamo
    /// Whitespace only.
    case whitespace
    /// Keras's legacy `Tokenizer`: `lower()`, filter characters become spaces, split on spaces.
    case keras
    /// Keras `TextVectorization` default standardization `lower_and_strip_punctuation`, then whitespace split.
    case kerasTextVectorization = "keras-text-vectorization"
  }

  /// Which jamo `Mode.jamo` writes.
  public enum JamoForm: String, Sendable, CaseIterable {
    /// Compatibility jamo (ㅇㅕㅇ), readable; every syllable ends with `jamoSyllableEnd` so it can be recomposed.
    case compatibility
    /// Conjoining jamo (U+1100…), what NFD gives; recomposed by NFC.
    case conjoining
  }

  /// Keras `Tokenizer`'s default `filters`.
  public static let kerasDefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"

  public var normalization: Normalization = .nfc
  /// Unicode case folding (full folding: `ß` → `ss`).
  public var lowercase = false
  public var mode: Mode = .word
  /// Split Korean particles (josa) off Hangul words; see `ParticleSplitter` for the rule.
  public var splitsParticles = false
  /// Collapse runs of one repeated character longer than this to this many (`ㅋㅋㅋㅋ` → `ㅋㅋ` for 2); `nil` is off.
  public var repeatLimit: Int? = nil
  /// In `char` mode, a marker put before the first character of each word (e.g. `▁`) so words can be rebuilt.
  public var wordStartMarker: String? = nil
  public var jamoForm: JamoForm = .compatibility
  /// In compatibility `jamo` mode, the mark ending each syllable.
  public var jamoSyllableEnd: Character = "ᴥ"
  /// Characters that `keras` mode replaces by spaces.
  public var kerasFilters: String = TokenizerOptions.kerasDefaultFilters
  /// Also emit the line's word n-grams up to this length after its tokens, joined by `_` (`not_good`); 1 is off.
  /// See `WordNGrams`.
  public var wordNGrams = 1
  /// The most `wordNGrams` may be.
  public static let maximumWordNGrams = 8

  public init() {}
}

extension TokenizerOptions.Normalization: Codable {}
extension TokenizerOptions.Mode: Codable {}
extension TokenizerOptions.JamoForm: Codable {}

/// Tokenizer options as stored in a stream's `#mal` line and in a model file's `mal.tokenizer`, named as
/// `mal tokenize`'s flags are. Every field that changes tokens in the mode is written, defaults included, so a
/// stored tokenizer never depends on what the defaults are today; `marker`, `jamo`, `jamo_syllable_end` and
/// `filters` only in the modes they act in (char with a marker, jamo, keras); `ngrams` only when above 1, so
/// records made before it existed read the same.
///
///     {"lower":false,"mode":"word","normalize":"nfc","repeat":2,"split_particles":true}
///
/// Decoding takes a missing key as its default, so options written by an older Mal still load.
extension TokenizerOptions: Codable {
  private enum CodingKeys: String, CodingKey {
    case mode, normalization = "normalize", lowercase = "lower", splitsParticles = "split_particles"
    case repeatLimit = "repeat", wordStartMarker = "marker", jamoForm = "jamo", jamoSyllableEnd = "jamo_syllable_end"
    case kerasFilters = "filters", wordNGrams = "ngrams"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init()
    mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? mode
    normalization = try c.decodeIfPresent(Normalization.self, forKey: .normalization) ?? normalization
    lowercase = try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? lowercase
    splitsParticles = try c.decodeIfPresent(Bool.self, forKey: .splitsParticles) ?? splitsParticles
    repeatLimit = try c.decodeIfPresent(Int.self, forKey: .repeatLimit)
    if let limit = repeatLimit, limit < 1 {
      throw DecodingError.dataCorruptedError(forKey: .repeatLimit, in: c, debugDescription: "repeat must be at least 1, found \(limit)")
    }
    wordStartMarker = try c.decodeIfPresent(String.self, forKey: .wordStartMarker)
    jamoForm = try c.decodeIfPresent(JamoForm.self, forKey: .jamoForm) ?? jamoForm
    if let end = try c.decodeIfPresent(String.self, forKey: .jamoSyllableEnd) {
      guard end.count == 1, let character = end.first else {
        throw DecodingError.dataCorruptedError(forKey: .jamoSyllableEnd, in: c, debugDescription: "jamo_syllable_end must be one character")
      }
      jamoSyllableEnd = character
    }
    kerasFilters = try c.decodeIfPresent(String.self, forKey: .kerasFilters) ?? kerasFilters
    wordNGrams = try c.decodeIfPresent(Int.self, forKey: .wordNGrams) ?? wordNGrams
    guard (1...Self.maximumWordNGrams).contains(wordNGrams) else {
      throw DecodingError.dataCorruptedError(
        forKey: .wordNGrams, in: c, debugDescription: "ngrams must be 1 to \(Self.maximumWordNGrams), found \(wordNGrams)")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(mode, forKey: .mode)
    try c.encode(normalization, forKey: .normalization)
    try c.encode(lowercase, forKey: .lowercase)
    try c.encode(splitsParticles, forKey: .splitsParticles)
    try c.encode(repeatLimit, forKey: .repeatLimit)
    // The mode-specific settings only where they act: they change no token elsewhere.
    try c.encodeIfPresent(wordStartMarker, forKey: .wordStartMarker)
    if mode == .jamo {
      try c.encode(jamoForm, forKey: .jamoForm)
      try c.encode(String(jamoSyllableEnd), forKey: .jamoSyllableEnd)
    }
    if mode == .keras { try c.encode(kerasFilters, forKey: .kerasFilters) }
    // Only when on: streams and models made before n-grams existed keep their records.
    if wordNGrams > 1 { try c.encode(wordNGrams, forKey: .wordNGrams) }
  }
}
