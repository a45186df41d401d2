import Foundation
import MalTokenize
import Testing

/// One input and the tokens expected from it under some options.
struct TokenCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: String
  var expected: [String]
  var options = TokenizerOptions()
  var testDescription: String { name }

  init(_ name: String, _ input: String, _ expected: [String], _ configure: (inout TokenizerOptions) -> Void = { _ in }) {
    self.name = name
    self.input = input
    self.expected = expected
    configure(&options)
  }
}

@Suite("Tokenizer: word mode")
struct WordModeTests {
  static let cases: [TokenCase] = [
    TokenCase("Korean sentence with punctuation", "욕나온다!쓸데없이 눈살 찌푸리게 만드는 영화!", ["욕나온다", "!", "쓸데없이", "눈살", "찌푸리게", "만드는", "영화", "!"]),
    TokenCase("jamo runs stay apart from syllables", "재밌어요ㅋㅋ 최고ㅠㅠ", ["재밌어요", "ㅋㅋ", "최고", "ㅠㅠ"]),
    TokenCase("script boundaries", "CG가 20년이 넘은 3D영화", ["CG", "가", "20", "년이", "넘은", "3", "D", "영화"]),
    TokenCase("English apostrophes and numbers", "I don't pay $1,000 for 3.5 stars.", ["I", "don't", "pay", "$", "1,000", "for", "3.5", "stars", "."]),
    TokenCase("curly apostrophe inside a word", "It’s fine", ["It’s", "fine"]),
    TokenCase("apostrophe not inside a word", "'quoted' dogs'", ["'", "quoted", "'", "dogs", "'"]),
    TokenCase("full-width number with a point", "３.５점", ["３.５", "점"]),
    TokenCase("number ending in a period", "It costs 5. Then", ["It", "costs", "5", ".", "Then"]),
    TokenCase("each punctuation mark alone", "wow!!! ...ok?", ["wow", "!", "!", "!", ".", ".", ".", "ok", "?"]),
    TokenCase("emoji with skin tone and ZWJ family stay whole", "좋아요👍🏻👨‍👩‍👧", ["좋아요", "👍🏻", "👨‍👩‍👧"]),
    TokenCase("flags pair up", "🇰🇷🇯🇵", ["🇰🇷", "🇯🇵"]),
    TokenCase("keycap stays with its digit", "1️⃣ 등", ["1️⃣", "등"]),
    TokenCase("symbols are tokens", "♥♥ 10/10 ★★★", ["♥", "♥", "10", "/", "10", "★", "★", "★"]),
    TokenCase("heart with variation selector", "❤️영화", ["❤️", "영화"]),
    TokenCase("NFD Hangul becomes NFC", "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}", ["한글"]),
    TokenCase("NFD Latin becomes NFC", "Cafe\u{301} ole\u{301}", ["Café", "olé"]),
    TokenCase("precomposed letters are already NFC", "café naïve", ["café", "naïve"]),
    TokenCase("singleton decompositions are normalized", "\u{2126} \u{212B}ngstr\u{F6}m", ["\u{3A9}", "\u{C5}ngstr\u{F6}m"]),
    TokenCase("full-width forms kept under NFC", "ＡＢＣ１２３", ["ＡＢＣ", "１２３"]),
    TokenCase("NFKC folds full-width forms", "ＡＢＣ１２３！", ["ABC", "123", "!"]) { $0.normalization = .nfkc },
    TokenCase("NFKC turns compatibility jamo into conjoining jamo", "ㅋㅋ", ["\u{110F}\u{110F}"]) { $0.normalization = .nfkc },
    TokenCase("no normalization leaves NFD alone", "\u{1112}\u{1161}\u{11AB}", ["\u{1112}\u{1161}\u{11AB}"]) { $0.normalization = .none },
    TokenCase("case folding", "The CAFÉ Straße ΣΑΣ", ["the", "café", "strasse", "σασ"]) { $0.lowercase = true },
    TokenCase("control characters removed and separate", "a\u{0}b\u{7}c\u{85}d", ["a", "b", "c", "d"]),
    TokenCase("soft hyphen and bidi marks dropped", "co\u{AD}operate \u{200E}x", ["cooperate", "x"]),
    TokenCase("other whitespace splits", "가\u{3000}나\u{A0}다\u{200B}라", ["가", "나", "다", "라"]),
    TokenCase("scripts split from each other (kana is one script)", "東京タワーでпривет", ["東京", "タワーで", "привет"]),
    TokenCase("empty text", "", []),
    TokenCase("only spaces", "   ", []),
    TokenCase("U+FFFD is a symbol token", "a\u{FFFD}b", ["a", "\u{FFFD}", "b"]),
  ]

  @Test("tokens", arguments: cases)
  func tokens(_ c: TokenCase) {
    #expect(Tokenizer(options: c.options).tokens(of: c.input) == c.expected)
  }

  @Test("reusing one tokenizer gives the same result as fresh ones")
  func reuse() {
    let shared = Tokenizer()
    for c in Self.cases where c.options == TokenizerOptions() {
      #expect(shared.tokens(of: c.input) == c.expected, "\(c.name)")
    }
  }
}

@Suite("Tokenizer: Korean options")
struct KoreanOptionTests {
  static let particles: [TokenCase] = [
    TokenCase("subject particle after a vowel", "영화가 좋다", ["영화", "가", "좋다"]),
    TokenCase("object particle after a consonant", "사람을 만났다", ["사람", "을", "만났다"]),
    TokenCase("wrong-sound particle is not split", "사람가", ["사람가"]),
    TokenCase("two-syllable particle", "집에서 봤다", ["집", "에서", "봤다"]),
    TokenCase("으로 not after ㄹ, 로 after ㄹ", "서울로 가방으로", ["서울", "로", "가방", "으로"]),
    TokenCase("two particles come off", "영화에서도", ["영화", "에서", "도"]),
    TokenCase("one-syllable stems keep one-syllable particles", "내가 책을 정도", ["내가", "책을", "정도"]),
    TokenCase("genitive", "배우들의 연기", ["배우들", "의", "연기"]),
    TokenCase("non-Hangul tokens untouched", "CG가", ["CG", "가"]),
  ].map { var c = $0; c.options.splitsParticles = true; return c }

  @Test("particle splitting", arguments: particles)
  func splitParticles(_ c: TokenCase) {
    #expect(Tokenizer(options: c.options).tokens(of: c.input) == c.expected)
  }

  static let repeats: [TokenCase] = [
    TokenCase("laughter", "ㅋㅋㅋㅋㅋ", ["ㅋㅋ"]),
    TokenCase("crying", "ㅠㅠㅠㅠ최고", ["ㅠㅠ", "최고"]),
    TokenCase("exclamation marks", "와!!!!!", ["와", "!", "!"]),
    TokenCase("repeated syllable", "하하하하", ["하하"]),
    TokenCase("repeated Hangul pair", "ㅋㅎㅋㅎㅋㅎ", ["ㅋㅎㅋㅎ"]),
    TokenCase("two repeats untouched", "ㅋㅋ 하하", ["ㅋㅋ", "하하"]),
    TokenCase("digits never collapse", "1000000원", ["1000000", "원"]),
    TokenCase("English letters", "soooo good", ["soo", "good"]),
  ].map { var c = $0; c.options.repeatLimit = 2; return c }

  @Test("repeat collapsing to 2", arguments: repeats)
  func collapseRepeats(_ c: TokenCase) {
    #expect(Tokenizer(options: c.options).tokens(of: c.input) == c.expected)
  }

  @Test("repeat limit 3 and particles together")
  func combined() {
    var options = TokenizerOptions()
    options.repeatLimit = 3
    options.splitsParticles = true
    #expect(Tokenizer(options: options).tokens(of: "영화가ㅋㅋㅋㅋㅋ") == ["영화", "가", "ㅋㅋㅋ"])
  }
}

@Suite("Tokenizer: other modes")
struct OtherModeTests {
  static let cases: [TokenCase] = [
    TokenCase("char: grapheme clusters", "영화 👍🏻!", ["영", "화", "👍🏻", "!"]) { $0.mode = .char },
    TokenCase("char: word-start marker", "영화 좋다", ["▁영", "화", "▁좋", "다"]) { $0.mode = .char; $0.wordStartMarker = "▁" },
    TokenCase("char: NFD normalized first", "\u{1112}\u{1161}\u{11AB}", ["한"]) { $0.mode = .char },
    TokenCase("char: combining marks stay", "e\u{301}\u{302}x", ["e\u{301}\u{302}", "x"]) { $0.mode = .char; $0.normalization = .none },
    TokenCase("whitespace: split only there", "영화가 좋다!! don't", ["영화가", "좋다!!", "don't"]) { $0.mode = .whitespace },
    TokenCase("whitespace: lowercase", "Hello WORLD", ["hello", "world"]) { $0.mode = .whitespace; $0.lowercase = true },
    TokenCase("jamo: compatibility with end marks", "영화가", ["ㅇㅕㅇᴥㅎㅘᴥㄱㅏᴥ"]) { $0.mode = .jamo },
    TokenCase("jamo: conjoining", "한", ["\u{1112}\u{1161}\u{11AB}"]) { $0.mode = .jamo; $0.jamoForm = .conjoining },
    TokenCase("jamo: other text untouched", "ㅋㅋ OK", ["ㅋㅋ", "OK"]) { $0.mode = .jamo },
    TokenCase("keras: apostrophes kept, Hangul only split on spaces", "It's a dog's life! 지루하다... 별로.", ["it's", "a", "dog's", "life", "지루하다", "별로"]) { $0.mode = .keras },
    TokenCase("keras: custom filters", "a-b c,d", ["a", "b", "c,d"]) { $0.mode = .keras; $0.kerasFilters = "-" },
    TokenCase("text vectorization strips apostrophes", "It's a dog's LIFE!", ["its", "a", "dogs", "life"]) { $0.mode = .kerasTextVectorization },
  ]

  @Test("tokens", arguments: cases)
  func tokens(_ c: TokenCase) {
    #expect(Tokenizer(options: c.options).tokens(of: c.input) == c.expected)
  }

  @Test("jamo round trip through the detokenizer", arguments: [TokenizerOptions.JamoForm.compatibility, .conjoining])
  func jamoRoundTrip(form: TokenizerOptions.JamoForm) {
    var options = TokenizerOptions()
    options.mode = .jamo
    options.jamoForm = form
    let text = "영화가 정말 재밌다 ㅋㅋ 꿻 OK"
    let tokens = Tokenizer(options: options).tokens(of: text).joined(separator: " ")
    #expect(Detokenizer(jamo: form).detokenize(tokens) == text)
  }

  @Test("char mode with a marker round trips through the detokenizer")
  func charRoundTrip() {
    var options = TokenizerOptions()
    options.mode = .char
    options.wordStartMarker = "▁"
    let text = "영화가 정말 👍🏻 good"
    let tokens = Tokenizer(options: options).tokens(of: text).joined(separator: " ")
    #expect(Detokenizer(wordStartMarker: "▁").detokenize(tokens) == text)
  }
}

@Suite("Runs of combining marks (UAX #15 Stream-Safe Text Format)")
struct CombiningMarkRunTests {
  /// A letter with `count` marks that alternate between two combining classes (230 and 220), so that canonical
  /// ordering has to move every one of them.
  static func letter(marks count: Int) -> String {
    "a" + String(String.UnicodeScalarView((0..<count).map { $0 % 2 == 0 ? "\u{301}" : "\u{316}" }))
  }

  @Test("30 marks in a row are normalized as they are; a COMBINING GRAPHEME JOINER follows every 30 in longer runs")
  func joinerAfterThirty() {
    // NFC puts the U+0316s (class 220) before the U+0301s (230), then composes a + U+0301 into á: 30 scalars.
    let thirty = Tokenizer().tokens(of: Self.letter(marks: 30))
    #expect(thirty.count == 1 && thirty[0].unicodeScalars.count == 30)
    #expect(thirty.first?.unicodeScalars.first == "á")
    #expect(thirty.first?.unicodeScalars.contains("\u{34F}") == false)
    let seventy = Tokenizer().tokens(of: Self.letter(marks: 70))
    #expect(seventy.count == 1)
    let scalars = Array(seventy[0].unicodeScalars)
    #expect(scalars.count == 70 + 2)
    #expect(scalars.indices.filter { scalars[$0] == "\u{34F}" } == [30, 61])
  }

  @Test("a line of 200,000 alternating marks is tokenized and detokenized in linear time")
  func longRun() {
    let text = Self.letter(marks: 200_000)
    let tokens = Tokenizer().tokens(of: text)
    #expect(tokens.count == 1)
    #expect(tokens[0].unicodeScalars.count == 1 + 200_000 + 200_000 / 30 - 1)
    #expect(Detokenizer(wordStartMarker: "▁").detokenize("▁" + text + " ▁b") == text + " b")
  }
}

@Suite("Tokenizer: word n-grams (--ngrams)")
struct WordNGramTests {
  static let cases: [TokenCase] = [
    TokenCase("bigrams after the tokens", "not good at all", ["not", "good", "at", "all", "not_good", "good_at", "at_all"]) { $0.wordNGrams = 2 },
    TokenCase(
      "trigrams after the bigrams", "a b c d",
      ["a", "b", "c", "d", "a_b", "b_c", "c_d", "a_b_c", "b_c_d"]) { $0.wordNGrams = 3 },
    TokenCase("more n than tokens: as many as there are", "a b", ["a", "b", "a_b"]) { $0.wordNGrams = 5 },
    TokenCase("one token: no n-grams", "영화", ["영화"]) { $0.wordNGrams = 2 },
    TokenCase("no tokens: nothing", "   ", []) { $0.wordNGrams = 2 },
    TokenCase(
      "of the tokens the options make: lowercase, particles, collapsed repeats", "Not 영화가 ㅋㅋㅋㅋ",
      ["not", "영화", "가", "ㅋㅋ", "not_영화", "영화_가", "가_ㅋㅋ"]) {
        $0.wordNGrams = 2; $0.lowercase = true; $0.splitsParticles = true; $0.repeatLimit = 2
      },
    TokenCase("jamo mode: of the spelled words", "영 화", ["ㅇㅕㅇᴥ", "ㅎㅘᴥ", "ㅇㅕㅇᴥ_ㅎㅘᴥ"]) { $0.mode = .jamo; $0.wordNGrams = 2 },
    TokenCase("char mode: character bigrams", "영화", ["영", "화", "영_화"]) { $0.mode = .char; $0.wordNGrams = 2 },
    TokenCase("keras mode", "It's GOOD!", ["it's", "good", "it's_good"]) { $0.mode = .keras; $0.wordNGrams = 2 },
  ]

  @Test("tokens", arguments: cases)
  func tokens(_ c: TokenCase) {
    #expect(Tokenizer(options: c.options).tokens(of: c.input) == c.expected)
  }

  @Test("a long line: every n-gram, in order, from one reused tokenizer")
  func longLine() {
    var options = TokenizerOptions()
    options.wordNGrams = 2
    let tokenizer = Tokenizer(options: options)
    // Letters only (word mode would cut "w12" into "w" and "12"), every word different.
    let words = (0..<5000).map { n in String((0..<3).map { Character(Unicode.Scalar(UInt8(97 + n / [1, 26, 676][$0] % 26))) }) }
    let expected = words + zip(words, words.dropFirst()).map { "\($0)_\($1)" }
    #expect(tokenizer.tokens(of: "short line") == ["short", "line", "short_line"])
    let tokens = tokenizer.tokens(of: words.joined(separator: " "))
    #expect(tokens.count == 9999 && tokens.elementsEqual(expected))
    #expect(tokenizer.tokens(of: "x y") == ["x", "y", "x_y"])
  }

  @Test("stored as ngrams only when on; read back; out of range refused")
  func coding() throws {
    var options = TokenizerOptions()
    let plain = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
    #expect(!plain.contains("ngrams"))
    options.wordNGrams = 3
    let stored = try JSONEncoder().encode(options)
    #expect(String(decoding: stored, as: UTF8.self).contains(#""ngrams":3"#))
    #expect(try JSONDecoder().decode(TokenizerOptions.self, from: stored) == options)
    #expect(try JSONDecoder().decode(TokenizerOptions.self, from: Data(#"{"mode":"word"}"#.utf8)).wordNGrams == 1)
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(TokenizerOptions.self, from: Data(#"{"mode":"word","ngrams":9}"#.utf8))
    }
  }
}
