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
  private let table: ScalarTable
  private var nGrams: WordNGrams?

  public init(options: TokenizerOptions = TokenizerOptions()) {
    self.options = options
    normalizing = options.normalization != .none
    compatibility = options.normalization == .nfkc
    wordStartMarker = Array((options.wordStartMarker ?? "").utf8)
    jamoSyllableEnd = options.jamoSyllableEnd.unicodeScalars.first!.value
    kerasFilter = KerasFilter(options.kerasFilters)
    table = ScalarTable(compatibility: compatibility, caseFolding: options.lowercase, normalizing: normalizing)
    nGrams = options.wordNGrams > 1 ? WordNGrams(upTo: options.wordNGrams) : nil
  }

  /// Appends the tokens of `text` to `output`, separated by single spaces.
  /// - Precondition: `text` is well-formed UTF-8 (`RecordReader` guarantees it; check other bytes with
  ///   `UTF8Validation.firstInvalidOffset(in:)` first).
  /// - Complexity: O(n) in the bytes of `text` (times `wordNGrams`).
  public func tokenize(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    guard nGrams != nil else { return tokenizeText(text, into: output) }
    let start = output.count
    tokenizeText(text, into: output)
    nGrams!.append(to: output, tokensFrom: start)
  }

  private func tokenizeText(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    switch options.mode {
    case .keras:
      KerasTokenizer.legacyTokenize(text, filter: kerasFilter, into: output)
      return
    case .kerasTextVectorization:
      KerasTokenizer.textVectorizationTokenize(text, into: output)
      return
    default: break
    }
    let needsCheck = normalizing || options.lowercase
    if (options.mode == .word || options.mode == .jamo) && options.repeatLimit == nil {
      // Fast path: segment while checking that the text is already normalized; redo from normalized text
      // only in the rare case it is not.
      let target = options.mode == .jamo ? words : output
      if options.mode == .jamo { words.removeAll() }
      let mark = target.count
      if !segmentWords(text, into: target, checkingStability: needsCheck) {
        target.removeLast(target.count - mark)
        normalized.removeAll()
        normalize(text, into: normalized)
        normalized.withUnsafeBytes { _ = segmentWords($0, into: target, checkingStability: false) }
      }
      if options.mode == .jamo {
        words.withUnsafeBytes {
          Jamo.decompose($0, form: options.jamoForm, syllableEnd: jamoSyllableEnd, into: output)
        }
      }
      return
    }
    normalized.removeAll()
    var input = text
    if needsCheck && !isStable(text) {
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
      _ = segmentWords(input, into: output, checkingStability: false)
    case .jamo:
      words.removeAll()
      _ = segmentWords(input, into: words, checkingStability: false)
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
      if table.entry(scalar) & ScalarTable.unstable != 0 { return false }
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
  /// - Returns: `false`, having written nothing useful, if `checkingStability` and the text needs normalizing.
  private func segmentWords(
    _ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer, checkingStability: Bool
  ) -> Bool {
    guard let p = text.baseAddress, text.count > 0 else { return true }
    let n = text.count
    let lowercase = options.lowercase
    let table = self.table
    let unstableMask: UInt8 = checkingStability ? ScalarTable.unstable : 0
    var stable = true
    // Every input byte yields at most one output byte plus a separating space, and a particle split adds one
    // space to a token of at least six bytes.
    output.appendWithUnsafeCapacity(upTo: 2 * n + 8) { out in
      var writer = WordWriter(out: out, splitsParticles: options.splitsParticles)
      var previous: UInt32 = 0
      var graphemeState: Int32 = 0
      var i = 0
      while i < n {
        let b = p[i]
        var scalar: UInt32
        var length: Int
        var kind: UInt8
        if b < 0x80 {
          scalar = UInt32(b)
          length = 1
          kind = table.entries[Int(b)]
        } else if b >= 0xEA && b <= 0xED {
          // Precomposed Hangul syllables U+AC00…U+D7A3 have lead bytes EA…ED.
          scalar = UInt32(b & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
          length = 3
          if scalar >= 0xAC00 && scalar <= 0xD7A3 {
            kind = ScalarKind.hangul
          } else {
            let entry = table.entry(scalar)
            if entry & unstableMask != 0 {
              stable = false
              return 0
            }
            kind = entry & ScalarTable.kindMask
          }
        } else {
          (scalar, length) = UTF8Scalar.decode(p, at: i)
          let entry = table.entry(scalar)
          if entry & unstableMask != 0 {
            stable = false
            return 0
          }
          kind = entry & ScalarTable.kindMask
        }

        // Inside a symbol cluster, the grapheme rules decide (emoji ZWJ sequences, flags, keycaps).
        if writer.open == ScalarKind.symbol && kind != ScalarKind.separator
          && !UnicodeData.isGraphemeBreak(previous, scalar, state: &graphemeState)
        {
          writer.copy(p, i, length)
          previous = scalar
          i += length
          continue
        }

        switch kind {
        case ScalarKind.hangul:
          if writer.open != kind { writer.start(kind) }
          writer.copy3(p, i)
        case ScalarKind.separator:
          writer.close()
        case ScalarKind.ignorable:
          break
        case ScalarKind.extend:
          if writer.open == 0 {
            writer.start(ScalarKind.symbol)
            graphemeState = 0
          }
          writer.copy(p, i, length)
        case ScalarKind.punctuation:
          let next = i + length < n ? p[i + length] : 0
          if writer.open == ScalarKind.latin && (scalar == 0x27 || scalar == 0x2019) && i + length < n
            && (next < 0x80
              ? table.entries[Int(next)] == ScalarKind.latin
              : table.entry(UTF8Scalar.decode(p, at: i + length).scalar) & ScalarTable.kindMask == ScalarKind.latin)
          {
            writer.copy(p, i, length)  // don't, l'amour, rock'n'roll
          } else if writer.open == ScalarKind.digit && (scalar == 0x2E || scalar == 0x2C) && i + length < n
            && (next < 0x80
              ? next >= 0x30 && next <= 0x39
              : table.entry(UTF8Scalar.decode(p, at: i + length).scalar) & ScalarTable.kindMask == ScalarKind.digit)
          {
            writer.copy(p, i, length)  // 1,000  3.5  ３.５
          } else {
            writer.start(ScalarKind.punctuation)
            writer.copy(p, i, length)
          }
        case ScalarKind.symbol:
          writer.start(ScalarKind.symbol)
          graphemeState = 0
          writer.copy(p, i, length)
        default:  // a letter of some script, or a digit
          if writer.open != kind { writer.start(kind) }
          if length == 1 {
            // An ASCII word or number: take the whole run of its class at once.
            writer.append(lowercase && b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            var j = i + 1
            while j < n, p[j] < 0x80, table.entries[Int(p[j])] == kind {
              let c = p[j]
              writer.append(lowercase && c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
              j += 1
            }
            previous = UInt32(p[j - 1])
            i = j
            continue
          } else {
            writer.copy(p, i, length)
          }
        }
        previous = scalar
        i += length
      }
      writer.close()
      return writer.w
    }
    return stable
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
      var writer = WordWriter(out: out, splitsParticles: false)
      var atWordStart = true
      var previous: UInt32 = 0
      var state: Int32 = 0
      var i = 0
      while i < n {
        let (scalar, length) = p[i] < 0x80 ? (UInt32(p[i]), 1) : UTF8Scalar.decode(p, at: i)
        let kind = table.entry(scalar) & ScalarTable.kindMask
        if kind == ScalarKind.separator {
          writer.close()
          atWordStart = true
        } else if kind != ScalarKind.ignorable {
          if writer.open == 0 || UnicodeData.isGraphemeBreak(previous, scalar, state: &state) {
            if writer.open == 0 { state = 0 }
            writer.start(ScalarKind.symbol)
            if atWordStart {
              for m in marker { writer.append(m) }
              atWordStart = false
            }
          }
          writer.copy(p, i, length, lowercasingASCII: lowercase)
          previous = scalar
        }
        i += length
      }
      return writer.w
    }
  }

  /// Whitespace mode: tokens are the runs between whitespace (and control characters).
  private func splitWhitespace(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    let lowercase = options.lowercase
    output.appendWithUnsafeCapacity(upTo: n + 8) { out in
      var writer = WordWriter(out: out, splitsParticles: false)
      var i = 0
      while i < n {
        let (scalar, length) = p[i] < 0x80 ? (UInt32(p[i]), 1) : UTF8Scalar.decode(p, at: i)
        let kind = table.entry(scalar) & ScalarTable.kindMask
        if kind == ScalarKind.separator {
          writer.close()
        } else if kind != ScalarKind.ignorable {
          if writer.open == 0 { writer.start(ScalarKind.otherLetter) }
          writer.copy(p, i, length, lowercasingASCII: lowercase)
        }
        i += length
      }
      return writer.w
    }
  }
}

/// The output side of word segmentation: one token open at a time, tokens separated by single spaces.
private struct WordWriter {
  let out: UnsafeMutablePointer<UInt8>
  let splitsParticles: Bool
  /// Bytes written.
  var w = 0
  /// Class of the open token (a `ScalarKind` token class), or 0 when none is open.
  var open: UInt8 = 0
  var tokenStart = 0

  init(out: UnsafeMutablePointer<UInt8>, splitsParticles: Bool) {
    self.out = out
    self.splitsParticles = splitsParticles
  }

  @inline(__always) mutating func close() {
    if open == ScalarKind.hangul && splitsParticles {
      w = ParticleSplitter.split(out, tokenStart: tokenStart, end: w)
    }
    open = 0
  }

  @inline(__always) mutating func start(_ kind: UInt8) {
    close()
    if w > 0 {
      out[w] = 0x20
      w += 1
    }
    tokenStart = w
    open = kind
  }

  @inline(__always) mutating func append(_ byte: UInt8) {
    out[w] = byte
    w += 1
  }

  @inline(__always) mutating func copy3(_ p: UnsafePointer<UInt8>, _ from: Int) {
    out[w] = p[from]
    out[w + 1] = p[from + 1]
    out[w + 2] = p[from + 2]
    w += 3
  }

  @inline(__always) mutating func copy(_ p: UnsafePointer<UInt8>, _ from: Int, _ length: Int) {
    for k in 0..<length { out[w + k] = p[from + k] }
    w += length
  }

  /// Copies one scalar, lowering it first if it is ASCII A–Z and `lowercasingASCII` is set.
  @inline(__always) mutating func copy(_ p: UnsafePointer<UInt8>, _ from: Int, _ length: Int, lowercasingASCII: Bool) {
    let b = p[from]
    if lowercasingASCII && b >= 0x41 && b <= 0x5A {
      append(b | 0x20)
    } else {
      copy(p, from, length)
    }
  }
}

/// Per-scalar facts for the tokenizer, cached for the first two planes (all of the BMP and the emoji): the
/// `ScalarKind` in the low bits and whether the scalar needs normalization work under this tokenizer's options.
final class ScalarTable {
  static let kindMask: UInt8 = 0x3F
  static let unstable: UInt8 = 0x40
  private static let unknown: UInt8 = 0xFF
  static let cachedScalars = 0x20000
  /// One entry per scalar below `cachedScalars`, filled on first use; ASCII is filled up front.
  let entries: UnsafeMutablePointer<UInt8>
  private let compatibility: Bool
  private let caseFolding: Bool
  private let normalizing: Bool

  init(compatibility: Bool, caseFolding: Bool, normalizing: Bool) {
    self.compatibility = compatibility
    self.caseFolding = caseFolding
    self.normalizing = normalizing
    entries = .allocate(capacity: Self.cachedScalars)
    entries.initialize(repeating: Self.unknown, count: Self.cachedScalars)
    // ASCII is always stable: segmentation lowers A–Z itself.
    for b in 0..<128 { entries[b] = ScalarKind.ascii[b] }
  }

  deinit { entries.deallocate() }

  @inline(__always)
  func entry(_ scalar: UInt32) -> UInt8 {
    if scalar < Self.cachedScalars {
      let cached = entries[Int(scalar)]
      if cached != Self.unknown { return cached }
      let computed = compute(scalar)
      entries[Int(scalar)] = computed
      return computed
    }
    return compute(scalar)
  }

  private func compute(_ scalar: UInt32) -> UInt8 {
    let stable = UnicodeData.isStable(
      scalar, compatibility: compatibility, caseFolding: caseFolding, normalizing: normalizing)
    return ScalarKind.of(scalar) | (stable ? 0 : Self.unstable)
  }
}
