import CUTF8Proc

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unicode canonical decomposition (NFD) and composition (NFC) through utf8proc, for subword vocabularies over
/// decomposed text (`--jamo`): NFD is what HF `tokenizers`' `NFD` normalizer does, so a Hangul syllable becomes
/// its conjoining jamo (`영` → `ᄋ` `ᅧ` `ᆼ`) and `é` becomes `e` + U+0301.
enum Decomposition {
  /// Appends the NFD of the well-formed UTF-8 `bytes` to `out`; `scalars` is scratch space.
  static func appendNFD(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], scalars: inout [Int32]) {
    if bytes.allSatisfy({ $0 < 0x80 }) {
      out.append(contentsOf: bytes)  // ASCII has no decomposition
      return
    }
    let flags = utf8proc_option_t(rawValue: UTF8PROC_STABLE.rawValue | UTF8PROC_DECOMPOSE.rawValue)
    if scalars.count < bytes.count * 3 + 16 { scalars = [Int32](repeating: 0, count: bytes.count * 3 + 16) }
    var n = 0
    while true {
      n = scalars.withUnsafeMutableBufferPointer {
        utf8proc_decompose(bytes.baseAddress, bytes.count, $0.baseAddress, $0.count, flags)
      }
      if n < 0 {  // not UTF-8: left as it is (streams are checked before they get here)
        out.append(contentsOf: bytes)
        return
      }
      if n <= scalars.count { break }
      scalars = [Int32](repeating: 0, count: n + 16)
    }
    var encoded = [UInt8](repeating: 0, count: 4)
    for k in 0..<n {
      let length = encoded.withUnsafeMutableBufferPointer { utf8proc_encode_char(scalars[k], $0.baseAddress) }
      out.append(contentsOf: encoded[0..<length])
    }
  }

  /// The NFC of `text`: jamo recomposed into syllables (how `vocab decode` shows pieces of a `--jamo` vocabulary).
  static func nfc(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes -> String in
      var result: UnsafeMutablePointer<UInt8>? = nil
      let flags = utf8proc_option_t(rawValue: UTF8PROC_STABLE.rawValue | UTF8PROC_COMPOSE.rawValue)
      let n = utf8proc_map(bytes.baseAddress, bytes.count, &result, flags)
      guard n >= 0, let result else { return String(decoding: bytes, as: UTF8.self) }
      defer { free(result) }
      return String(decoding: UnsafeBufferPointer(start: result, count: n), as: UTF8.self)
    }
  }
}

extension SubwordModel {
  /// Whether the model decomposes words (Unicode NFD) before cutting them: learned with `--jamo`, or read from a
  /// `tokenizer.json` whose normalizer is `NFD`.
  public var decomposesText: Bool {
    switch self {
    case .bpe(let m): return m.decomposesText
    case .wordPiece(let m): return m.decomposesText
    case .unigram(let m): return m.decomposesText
    }
  }

  /// The model with `decomposesText` set to `decomposes`.
  public func decomposing(_ decomposes: Bool) -> SubwordModel {
    switch self {
    case .bpe(var m):
      m.decomposesText = decomposes
      return .bpe(m)
    case .wordPiece(var m):
      m.decomposesText = decomposes
      return .wordPiece(m)
    case .unigram(var m):
      m.decomposesText = decomposes
      return .unigram(m)
    }
  }
}

extension TokenCounts {
  /// The counts with every token decomposed (Unicode NFD), tokens that become the same summed, in order of first
  /// occurrence: what `--jamo` trains on.
  public func decomposed() -> TokenCounts {
    var result = TokenCounts()
    var out: [UInt8] = []
    var scalars: [Int32] = []
    for index in 0..<distinctCount {
      out.removeAll(keepingCapacity: true)
      var token = self.token(at: index)
      token.withUTF8 { Decomposition.appendNFD($0, to: &out, scalars: &scalars) }
      out.withUnsafeBufferPointer { result.add(token: $0, count: count(at: index)) }
    }
    return result
  }
}
