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

  public init() {}
}
