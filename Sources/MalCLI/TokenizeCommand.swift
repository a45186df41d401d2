import ArgumentParser
import MalModel
import MalStream
import MalTokenize


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
        echo "Not good at all" | mal tokenize --lower --ngrams 2
        echo "It's a dog's life!" | mal tokenize --keras
        echo "영화" | mal tokenize --mode jamo | mal detokenize --jamo compatibility
      """)

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions

  @OptionGroup var tokenizer: TokenizerFlags
  @OptionGroup var threading: ThreadOptions

  func run() throws {
    let options = self.tokenizer.options
    let output = provenance.output(.tokenize(options, column: nil))
    try reportingErrors(command: "tokenize") {
      let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      try filterRecords(
        reader, output: stream.output, command: "tokenize", provenance: output,
        threads: threading.count(for: stream.inputs)
      ) {
        let tokenizer = Tokenizer(options: options)
        return { record, out in tokenizer.tokenize(record.value, into: out) }
      }
    }
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
  @OptionGroup var provenance: ProvenanceOptions

  @Option(help: "Recompose this jamo form into syllables: compatibility or conjoining.")
  var jamo: TokenizerOptions.JamoForm?

  @Option(help: ArgumentHelp("The marker mal tokenize --mode char put before each word.", valueName: "marker"))
  var marker: String?

  func run() throws {
    let detokenizer = Detokenizer(jamo: jamo, wordStartMarker: marker)
    let step = Provenance.Step(stage: "detokenize", column: nil)
    try runLineFilter(stream, command: "detokenize", provenance: provenance.output(step)) { field, out in
      out.append(detokenizer.detokenize(String(decoding: field, as: UTF8.self)))
    }
  }
}
