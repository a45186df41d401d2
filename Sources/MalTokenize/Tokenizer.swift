import MalStream

/// Turns UTF-8 text into space-separated tokens: normalization, then segmentation by `TokenizerOptions.mode`.
///
/// Works on bytes: ASCII and precomposed Hangul take a fast path, and text that is already in the asked
/// normal form (nearly all text) costs no normalization work. Scratch buffers are reused across calls, so a
/// `Tokenizer` belongs to one thread; make one per thread.
///
///     let tokenizer = Tokenizer(options: TokenizerOptions())
///     tokenizer.tokens(of: "재밌어요ㅋㅋ 👍🏻 don't, 1,000원!")
///     // ["재밌어요", "ㅋㅋ", "👍🏻", "don't", ",", "1,000", "원", "!"]
///
/// Output tokens never contain a space, tab or newline; an empty or all-space text gives no tokens.
public final class Tokenizer {
  public let options: TokenizerOptions
  private let normalizing: Bool
  private let compatibility: Bool
  private var scalars: [Int32] = []
  private let normalized = ByteBuffer(capacity: 1 << 12)
  private let collapsed = ByteBuffer(capacity: 1 << 12)
  private let words = ByteBuffer(capacity: 1 << 12)
  private let wordStartMarker: [UInt8]
  private let jamoSyllableEnd: UInt32
  private let kerasFilter: KerasFilter

  public init(options: TokenizerOptions = TokenizerOptions()) {
    self.options = options
    normalizing = options.normalization != .none
    compatibility = options.normalization == .nfkc
    wordStartMarker = Array((options.wordStartMarker ?? "").utf8)
    jamoSyllableEnd = options.jamoSyllableEnd.unicodeScalars.first!.value
    kerasFilter = KerasFilter(options.kerasFilters)
  }

  /// Appends the tokens of `text` (well-formed UTF-8) to `output`, separated by single spaces.
  /// - Complexity: O(n) in the bytes of `text`.
  public func tokenize(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    switch options.mode {
    case .keras:
      KerasTokenizer.legacyTokenize(text, filter: kerasFilter, into: output)
      return
    case .kerasTextVectorization:
      KerasTokenizer.textVectorizationTokenize(text, into: output)
      return
    default: break
    }
    normalized.removeAll()
    var input = text
    if (normalizing || options.lowercase) && !isStable(text) {
      normalize(text, into: normalized)
      input = normalized.withUnsafeBytes { $0 }
    }
    if let limit = options.repeatLimit {
      collapsed.removeAll()
      RepeatCollapser.collapse(input, limit: limit, into: collapsed)
      input = collapsed.withUnsafeBytes { $0 }
    }
    switch options.mode {
    case .word:
      segmentWords(input, into: output)
    case .jamo:
      words.removeAll()
      segmentWords(input, into: words)
      words.withUnsafeBytes {
        Jamo.decompose($0, form: options.jamoForm, syllableEnd: jamoSyllableEnd, into: output)
      }
    case .char:
      segmentCharacters(input, into: output)
    case .whitespace:
      splitWhitespace(input, into: output)
    case .keras, .kerasTextVectorization:
      break
    }
  }

  /// The tokens of `text`, as strings: a convenience for tests and small inputs.
  public func tokens(of text: String) -> [String] {
    let output = ByteBuffer()
    var text = text
    text.withUTF8 { tokenize($0, into: output) }
    return output.bytes.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
  }

  // MARK: Normalization

  /// Whether every scalar of `text` is already in the asked normal form (and case-folded, with `lowercase`);
  /// ASCII uppercase counts as stable because segmentation lowers it on the fly.
  private func isStable(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let p = text.baseAddress else { return true }
    let n = text.count
    var i = 0
    while i < n {
      while i + 8 <= n, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
        i += 8
      }
      if i >= n { break }
      let b = p[i]
      if b < 0x80 {
        i += 1
        continue
      }
      let (scalar, length) = UTF8Scalar.decode(p, at: i)
      i += length
      if scalar >= 0xAC00 && scalar <= 0xD7A3 { continue }
      if !UnicodeData.isStable(scalar, compatibility: compatibility, caseFolding: options.lowercase, normalizing: normalizing) {
        return false
      }
    }
    return true
  }

  /// Writes the normalized (and case-folded) form of `text` to `output` through utf8proc.
  private func normalize(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    let count = UnicodeData.normalize(
      text, into: &scalars, compose: normalizing, compatibility: compatibility, caseFolding: options.lowercase)
    output.appendWithUnsafeCapacity(upTo: count * 4) { p in
      var w = 0
      for k in 0..<count { w += UTF8Scalar.encode(UInt32(bitPattern: scalars[k]), to: p, at: w) }
      return w
    }
  }

  // MARK: Word segmentation

  /// Word mode: see `TokenizerOptions.Mode.word`.
  private func segmentWords(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    let lowercase = options.lowercase
    let splitsParticles = options.splitsParticles
    let asciiKind = ScalarKind.ascii
    // Every input byte yields at most one output byte plus a separating space, and a particle split adds one
    // space to a token of at least six bytes.
    output.appendWithUnsafeCapacity(upTo: 2 * n + 8) { out in
      var w = 0
      var open: UInt8 = 0  // class of the token being written; 0 when none is open
      var tokenStart = 0
      var previous: UInt32 = 0
      var graphemeState: Int32 = 0

      @inline(__always) func close() {
        if open == ScalarKind.hangul && splitsParticles {
          w = ParticleSplitter.split(out, tokenStart: tokenStart, end: w)
        }
        open = 0
      }
      @inline(__always) func start(_ kind: UInt8) {
        close()
        if w > 0 {
          out[w] = 0x20
          w += 1
        }
        tokenStart = w
        open = kind
      }
      @inline(__always) func copy(_ from: Int, _ length: Int) {
        for k in 0..<length { out[w + k] = p[from + k] }
        w += length
      }

      var i = 0
      while i < n {
        let b = p[i]
        var scalar: UInt32
        var length: Int
        var kind: UInt8
        if b < 0x80 {
          scalar = UInt32(b)
          length = 1
          kind = asciiKind[Int(b)]
        } else {
          (scalar, length) = UTF8Scalar.decode(p, at: i)
          kind = ScalarKind.of(scalar)
        }

        // Inside a symbol cluster, the grapheme rules decide (emoji ZWJ sequences, flags, keycaps).
        if open == ScalarKind.symbol && kind != ScalarKind.separator {
          if !UnicodeData.isGraphemeBreak(previous, scalar, state: &graphemeState) {
            copy(i, length)
            previous = scalar
            i += length
            continue
          }
        }

        switch kind {
        case ScalarKind.separator:
          close()
        case ScalarKind.ignorable:
          break
        case ScalarKind.extend:
          if open == 0 {
            start(ScalarKind.symbol)
            graphemeState = 0
          }
          copy(i, length)
        case ScalarKind.punctuation:
          let next = i + length < n ? p[i + length] : 0
          if open == ScalarKind.latin && (scalar == 0x27 || scalar == 0x2019) && i + length < n
            && (next < 0x80 ? asciiKind[Int(next)] == ScalarKind.latin
              : ScalarKind.of(UTF8Scalar.decode(p, at: i + length).scalar) == ScalarKind.latin)
          {
            copy(i, length)  // don't, l'amour, rock'n'roll
          } else if open == ScalarKind.digit && (scalar == 0x2E || scalar == 0x2C) && next >= 0x30 && next <= 0x39 {
            copy(i, length)  // 1,000  3.5
          } else {
            start(ScalarKind.punctuation)
            copy(i, length)
          }
        case ScalarKind.symbol:
          start(ScalarKind.symbol)
          graphemeState = 0
          copy(i, length)
        default:  // a letter of some script, or a digit
          if open != kind { start(kind) }
          if lowercase && length == 1 && scalar >= 0x41 && scalar <= 0x5A {
            out[w] = b | 0x20
            w += 1
          } else {
            copy(i, length)
          }
        }
        previous = scalar
        i += length
      }
      close()
      return w
    }
  }

  // MARK: Other modes

  /// Char mode: one token per grapheme cluster; whitespace and control characters are dropped, and with a
  /// word-start marker the first cluster of each word carries it.
  private func segmentCharacters(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    let lowercase = options.lowercase
    let marker = wordStartMarker
    output.appendWithUnsafeCapacity(upTo: n * (2 + marker.count) + 8) { out in
      var w = 0
      var inCluster = false
      var atWordStart = true
      var previous: UInt32 = 0
      var state: Int32 = 0
      var i = 0
      while i < n {
        let b = p[i]
        let (scalar, length) = b < 0x80 ? (UInt32(b), 1) : UTF8Scalar.decode(p, at: i)
        let kind = b < 0x80 ? ScalarKind.ascii[Int(b)] : ScalarKind.of(scalar)
        if kind == ScalarKind.separator {
          inCluster = false
          atWordStart = true
        } else if kind != ScalarKind.ignorable {
          if !inCluster || UnicodeData.isGraphemeBreak(previous, scalar, state: &state) {
            if w > 0 {
              out[w] = 0x20
              w += 1
            }
            if atWordStart {
              for m in marker {
                out[w] = m
                w += 1
              }
            }
            if !inCluster { state = 0 }
            inCluster = true
            atWordStart = false
          }
          if lowercase && b >= 0x41 && b <= 0x5A {
            out[w] = b | 0x20
            w += 1
          } else {
            for k in 0..<length { out[w + k] = p[i + k] }
            w += length
          }
          previous = scalar
        }
        i += length
      }
      return w
    }
  }

  /// Whitespace mode: tokens are the runs between whitespace (and control characters).
  private func splitWhitespace(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    let lowercase = options.lowercase
    output.appendWithUnsafeCapacity(upTo: n + 8) { out in
      var w = 0
      var inToken = false
      var i = 0
      while i < n {
        let b = p[i]
        let (scalar, length) = b < 0x80 ? (UInt32(b), 1) : UTF8Scalar.decode(p, at: i)
        let kind = b < 0x80 ? ScalarKind.ascii[Int(b)] : ScalarKind.of(scalar)
        if kind == ScalarKind.separator {
          inToken = false
        } else if kind != ScalarKind.ignorable {
          if !inToken {
            if w > 0 {
              out[w] = 0x20
              w += 1
            }
            inToken = true
          }
          if lowercase && b >= 0x41 && b <= 0x5A {
            out[w] = b | 0x20
            w += 1
          } else {
            for k in 0..<length { out[w + k] = p[i + k] }
            w += length
          }
        }
        i += length
      }
      return w
    }
  }
}
