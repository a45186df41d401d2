import ArgumentParser
import MalStream
import MalTokenize

extension TokenizerOptions.Mode: ExpressibleByArgument {}
extension TokenizerOptions.Normalization: ExpressibleByArgument {}
extension TokenizerOptions.JamoForm: ExpressibleByArgument {}

struct TokenizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenize",
    abstract: "Split Korean and English text into space-separated tokens.",
    discussion: """
      Streams: reads lines (plain text, or TSV with a header) and writes each row at once, with the working \
      column replaced by its tokens and every other column passed through. Row count in = row count out; an \
      empty document gives an empty column.

      Word mode (the default) normalizes to NFC, splits at whitespace and where the script changes (Hangul, \
      Latin, digits, other scripts), gives each punctuation mark its own token and keeps emoji and other \
      symbols whole as grapheme clusters. It keeps apostrophes inside English words (don't) and numbers \
      with , or . inside (1,000 3.5), and keeps runs of compatibility jamo (ㅋㅋ, ㅠㅠ) apart from syllables.

      Examples:
        mal tokenize < ../shared/corpora/nsmc/ratings_test.txt | head -3
        echo "영화가 정말 재밌네요ㅋㅋㅋㅋ!!" | mal tokenize --split-particles --repeat 2
        echo "I don't like it, 3.5/10 😡" | mal tokenize --lower
        echo "It's a dog's life!" | mal tokenize --keras
        echo "영화" | mal tokenize --mode jamo | mal detokenize --jamo compatibility
      """)

  @OptionGroup var stream: StreamOptions

  @Option(help: "Tokenization: word, char (grapheme clusters), jamo (Hangul spelled in jamo), whitespace, keras (Keras Tokenizer), keras-text-vectorization.")
  var mode: TokenizerOptions.Mode = .word

  @Flag(help: "Reproduce Keras's legacy Tokenizer exactly (same as --mode keras): lower(), default filters, split on spaces.")
  var keras = false

  @Option(name: .customLong("normalize"), help: "Unicode normalization: nfc, nfkc (also folds full-width forms), or none.")
  var normalization: TokenizerOptions.Normalization = .nfc

  @Flag(help: "Lowercase with Unicode case folding.")
  var lower = false

  @Flag(help: "Split Korean particles (josa such as 은/는/이/가/을/를/에서/으로) off Hangul words: 영화가 → 영화 가.")
  var splitParticles = false

  @Option(name: .customLong("repeat"), help: ArgumentHelp("Collapse runs of a repeated character longer than N to N: ㅋㅋㅋㅋ → ㅋㅋ, !!!!! → !! for N=2.", valueName: "n"))
  var repeatLimit: Int?

  @Option(help: ArgumentHelp("In char mode, put this marker before each word's first character (e.g. ▁), so mal detokenize can rebuild words.", valueName: "marker"))
  var marker: String?

  @Option(help: "In jamo mode: compatibility jamo (ㅇㅕㅇ, with an end mark per syllable) or conjoining jamo (U+1100…, recomposed by NFC).")
  var jamo: TokenizerOptions.JamoForm = .compatibility

  @Option(help: ArgumentHelp("In keras mode, the characters replaced by spaces (Keras's filters; default: its own, !\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~ with tab and newline).", valueName: "chars"))
  var filters: String?

  var effectiveMode: TokenizerOptions.Mode { keras ? .keras : mode }

  func validate() throws {
    if keras && mode != .word && mode != .keras {
      throw ValidationError("--keras and --mode \(mode.rawValue) contradict each other; --keras means --mode keras")
    }
    if filters != nil && effectiveMode != .keras { throw ValidationError("--filters applies to --mode keras only") }
    if let n = repeatLimit, n < 1 { throw ValidationError("--repeat must be at least 1, got \(n)") }
    if let marker {
      if effectiveMode != .char { throw ValidationError("--marker applies to --mode char only") }
      if marker.isEmpty || marker.contains(where: { $0.isWhitespace }) {
        throw ValidationError("--marker must be non-empty and contain no whitespace")
      }
    }
    let kerasLike = effectiveMode == .keras || effectiveMode == .kerasTextVectorization
    if kerasLike && (splitParticles || repeatLimit != nil || normalization != .nfc) {
      throw ValidationError(
        "--mode \(effectiveMode.rawValue) reproduces Keras exactly; --split-particles, --repeat and --normalize do not apply")
    }
  }

  var tokenizerOptions: TokenizerOptions {
    var options = TokenizerOptions()
    options.mode = effectiveMode
    options.normalization = normalization
    options.lowercase = lower
    options.splitsParticles = splitParticles
    options.repeatLimit = repeatLimit
    options.wordStartMarker = marker
    options.jamoForm = jamo
    options.kerasFilters = filters ?? TokenizerOptions.kerasDefaultFilters
    return options
  }

  func run() throws {
    let tokenizer = Tokenizer(options: tokenizerOptions)
    try runLineFilter(stream, command: "tokenize") { field, out in tokenizer.tokenize(field, into: out) }
  }
}

struct DetokenizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "detokenize",
    abstract: "Rebuild text from the tokens of mal tokenize's char and jamo modes.",
    discussion: """
      Streams. Recomposes jamo into Hangul syllables (--jamo) and rebuilds words from word-start markers \
      (--marker). Word mode cannot be undone exactly: tokens are joined with single spaces.

      Examples:
        echo 영화가 좋다 | mal tokenize --mode jamo | mal detokenize --jamo compatibility
        echo 영화가 좋다 | mal tokenize --mode char --marker ▁ | mal detokenize --marker ▁
      """)

  @OptionGroup var stream: StreamOptions

  @Option(help: "Recompose this jamo form into syllables: compatibility or conjoining.")
  var jamo: TokenizerOptions.JamoForm?

  @Option(help: ArgumentHelp("The marker mal tokenize --mode char put before each word.", valueName: "marker"))
  var marker: String?

  func run() throws {
    let detokenizer = Detokenizer(jamo: jamo, wordStartMarker: marker)
    try runLineFilter(stream, command: "detokenize") { field, out in
      out.append(detokenizer.detokenize(String(decoding: field, as: UTF8.self)))
    }
  }
}
