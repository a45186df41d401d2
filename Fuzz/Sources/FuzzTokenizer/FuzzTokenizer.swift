import FuzzSupport
import MalStream
import MalTokenize

// Every tokenizer mode and option over text that RecordReader would pass on (bad UTF-8 already repaired).
// Checked: tokens are single-space separated, never empty, never hold a tab or newline (as documented); the output is UTF-8;
// and compatibility jamo, detokenized, gives word mode's tokens back (for text without jamo or the syllable mark).

nonisolated(unsafe) var tokenizers: [TokenizerOptions: Tokenizer] = [:]  // libFuzzer runs one thread
nonisolated(unsafe) let output = ByteBuffer()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  var options = TokenizerOptions()
  options.mode = input.pick(TokenizerOptions.Mode.allCases)
  options.normalization = input.pick(TokenizerOptions.Normalization.allCases)
  let flags = input.takeByte()
  options.lowercase = flags & 1 != 0
  options.splitsParticles = flags & 2 != 0
  options.jamoForm = flags & 4 != 0 ? .conjoining : .compatibility
  options.repeatLimit = [nil, 1, 2, 3][Int(flags >> 3) & 3]
  options.wordStartMarker = [nil, "▁", "##", "▁"][Int(flags >> 5) & 3]
  let text = Array(String(decoding: input.rest, as: UTF8.self).utf8)

  let line = tokens(text, options)
  if options.mode == .jamo, options.jamoForm == .compatibility, options.normalization == .nfc,
    !String(decoding: text, as: UTF8.self).unicodeScalars.contains(where: isJamoOrMark)
  {
    var word = options
    word.mode = .word
    let rebuilt = Detokenizer(jamo: .compatibility).detokenize(line)
    precondition(rebuilt == tokens(text, word), "jamo tokens detokenize to \(rebuilt)")
  } else {
    _ = Detokenizer(jamo: options.mode == .jamo ? options.jamoForm : nil, wordStartMarker: options.wordStartMarker)
      .detokenize(line)
  }
  return 0
}

/// The checked token line of `text`.
func tokens(_ text: [UInt8], _ options: TokenizerOptions) -> String {
  let tokenizer = tokenizers[options] ?? Tokenizer(options: options)
  tokenizers[options] = tokenizer
  output.removeAll()
  text.withUnsafeBufferPointer { tokenizer.tokenize($0, into: output) }
  return output.withUnsafeBytes { out in
    precondition(UTF8Validation.firstInvalidOffset(in: out) == nil, "tokens are not UTF-8")
    var previous: UInt8 = 0x20
    for byte in out {
      precondition(byte != 0x09 && byte != 0x0A, "a tab or newline in a token")
      precondition(!(byte == 0x20 && previous == 0x20), "an empty token")
      previous = byte
    }
    precondition(out.isEmpty || previous != 0x20, "a space at the end")
    return String(decoding: out, as: UTF8.self)
  }
}

/// Compatibility jamo (U+3131…U+318E), conjoining jamo (U+1100…U+11FF) and the syllable mark ᴥ.
func isJamoOrMark(_ scalar: Unicode.Scalar) -> Bool {
  (0x3131...0x318E).contains(scalar.value) || (0x1100...0x11FF).contains(scalar.value) || scalar.value == 0x1D25
}

@main enum Main {
  static func main() { runFuzzer(fuzzTokenizer) }
}
