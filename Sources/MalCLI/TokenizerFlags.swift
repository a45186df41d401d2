import ArgumentParser
import MalTokenize

extension TokenizerOptions.Mode: ExpressibleByArgument {}
extension TokenizerOptions.Normalization: ExpressibleByArgument {}
extension TokenizerOptions.JamoForm: ExpressibleByArgument {}

/// The tokenizer's flags, shared by `mal tokenize` and `mal train` (which checks them against the stream's `#mal`
/// line, or records them in the model for rows without one). Options with a value are optional here so that
/// `isEmpty` can tell whether any was given; `options` fills in the defaults.
struct TokenizerFlags: ParsableArguments {
  @Option(help: "Tokenization: word (the default), char (grapheme clusters), jamo (Hangul spelled in jamo), whitespace, keras (Keras Tokenizer), keras-text-vectorization.")
  var mode: TokenizerOptions.Mode?

  @Flag(help: "Reproduce Keras's legacy Tokenizer exactly (same as --mode keras): lower(), default filters, split on spaces.")
  var keras = false

  @Option(name: .customLong("normalize"), help: "Unicode normalization: nfc (the default), nfkc (also folds full-width forms), or none.")
  var normalization: TokenizerOptions.Normalization?

  @Flag(help: "Lowercase with Unicode case folding.")
  var lower = false

  @Flag(help: "Split Korean particles (josa such as 은/는/이/가/을/를/에서/으로) off Hangul words: 영화가 → 영화 가.")
  var splitParticles = false

  @Option(name: .customLong("repeat"), parsing: .unconditional, help: ArgumentHelp("Collapse runs of a repeated character longer than N to N: ㅋㅋㅋㅋ → ㅋㅋ, !!!!! → !! for N=2.", valueName: "n"))
  var repeatLimit: Int?

  @Option(help: ArgumentHelp("In char mode, put this marker before each word's first character (e.g. ▁), so mal detokenize can rebuild words.", valueName: "marker"))
  var marker: String?

  @Option(help: "In jamo mode: compatibility jamo (the default: ㅇㅕㅇ, with an end mark per syllable) or conjoining jamo (U+1100…, recomposed by NFC).")
  var jamo: TokenizerOptions.JamoForm?

  @Option(help: ArgumentHelp("In keras mode, the characters replaced by spaces (Keras's filters; default: its own, !\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~ with tab and newline).", valueName: "chars"))
  var filters: String?

  @Option(name: .customLong("ngrams"), help: ArgumentHelp("Also emit each line's word n-grams up to N after its tokens, joined by _ (fastText's -wordNgrams as tokens): not good → not good not_good for N=2. 1 (the default) is off.", valueName: "n"))
  var wordNGrams: Int?

  var effectiveMode: TokenizerOptions.Mode { keras ? .keras : mode ?? .word }

  /// Whether no tokenizer flag was given.
  var isEmpty: Bool {
    mode == nil && !keras && normalization == nil && !lower && !splitParticles && repeatLimit == nil && marker == nil
      && jamo == nil && filters == nil && wordNGrams == nil
  }

  func validate() throws {
    if keras, let mode, mode != .word && mode != .keras {
      throw ValidationError("--keras and --mode \(mode.rawValue) contradict each other; --keras means --mode keras")
    }
    if filters != nil && effectiveMode != .keras { throw ValidationError("--filters applies to --mode keras only") }
    if let n = repeatLimit, n < 1 { throw ValidationError("--repeat must be at least 1, got \(n)") }
    if let n = wordNGrams, !(1...TokenizerOptions.maximumWordNGrams).contains(n) {
      throw ValidationError("--ngrams must be 1 to \(TokenizerOptions.maximumWordNGrams), got \(n)")
    }
    if let marker {
      if effectiveMode != .char { throw ValidationError("--marker applies to --mode char only") }
      if marker.isEmpty || marker.contains(where: { $0.isWhitespace }) {
        throw ValidationError("--marker must be non-empty and contain no whitespace")
      }
    }
    let kerasLike = effectiveMode == .keras || effectiveMode == .kerasTextVectorization
    if kerasLike && (splitParticles || repeatLimit != nil || (normalization ?? .nfc) != .nfc) {
      throw ValidationError(
        "--mode \(effectiveMode.rawValue) reproduces Keras exactly; --split-particles, --repeat and --normalize do not apply")
    }
  }

  /// The tokenizer these flags describe.
  var options: TokenizerOptions {
    var options = TokenizerOptions()
    options.mode = effectiveMode
    options.normalization = normalization ?? options.normalization
    options.lowercase = lower
    options.splitsParticles = splitParticles
    options.repeatLimit = repeatLimit
    options.wordStartMarker = marker
    options.jamoForm = jamo ?? options.jamoForm
    options.kerasFilters = filters ?? TokenizerOptions.kerasDefaultFilters
    options.wordNGrams = wordNGrams ?? options.wordNGrams
    return options
  }

  /// The flags that give `options` (defaults left out): how messages and `mal summary` show a tokenizer.
  static func arguments(for options: TokenizerOptions) -> [String] {
    var arguments: [String] = []
    if options.mode != .word { arguments += ["--mode", options.mode.rawValue] }
    if options.normalization != .nfc { arguments += ["--normalize", options.normalization.rawValue] }
    if options.lowercase { arguments.append("--lower") }
    if options.splitsParticles { arguments.append("--split-particles") }
    if let n = options.repeatLimit { arguments += ["--repeat", String(n)] }
    if let marker = options.wordStartMarker { arguments += ["--marker", marker] }
    if options.mode == .jamo && options.jamoForm != .compatibility { arguments += ["--jamo", options.jamoForm.rawValue] }
    if options.mode == .keras && options.kerasFilters != TokenizerOptions.kerasDefaultFilters {
      arguments += ["--filters", options.kerasFilters]
    }
    if options.wordNGrams > 1 { arguments += ["--ngrams", String(options.wordNGrams)] }
    return arguments
  }

  /// `mal tokenize` and its flags for `options`, as a reader would type them: `tokenize --split-particles`.
  static func commandLine(for options: TokenizerOptions) -> String {
    (["tokenize"] + arguments(for: options).map { $0.contains(where: { $0 == " " || $0 == "\"" }) ? "'\($0)'" : $0 })
      .joined(separator: " ")
  }
}
