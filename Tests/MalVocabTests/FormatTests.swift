import Foundation
import MalStream
import MalTestSupport
import Testing
@testable import MalVocab

@Suite("Vocabulary files")
struct FormatTests {
  static func sample(_ options: VocabularyOptions = VocabularyOptions()) throws -> Vocabulary {
    try Vocabulary(counts: TokenCounts(documents: ["영화 정말 좋다", "영화 \"따옴\\표\" 👍", "영화"]), options: options)
  }

  @Test("vocab.txt and token<TAB>count: exact text, and read back to the same ids and counts")
  func textFormats() throws {
    let folder = TemporaryFolder()
    let v = try Self.sample()
    #expect(try v.text(.txt) == "[PAD]\n[UNK]\n영화\n\"따옴\\표\"\n정말\n좋다\n👍\n")
    #expect(try v.text(.counts) == "[PAD]\t0\n[UNK]\t0\n영화\t3\n\"따옴\\표\"\t1\n정말\t1\n좋다\t1\n👍\t1\n")
    for format in [VocabularyFormat.txt, .counts] {
      let path = folder.path + "/v.\(format.rawValue)"
      try v.save(to: path, format: format)
      #expect(folder.contents == ["v.\(format.rawValue)"])
      let back = try Vocabulary.read(path: path)
      #expect(back.tokens == v.tokens, "\(format)")
      #expect(back.counts == (format == .counts ? v.counts : nil))
      #expect(try VocabularyFormat.detect(path: path) == format)
      try FileManager.default.removeItem(atPath: path)
    }
  }

  @Test("without reserved tokens any token list reads in id order: what --embedding and word2vec --vocab read")
  func withoutReservedTokens() throws {
    let folder = TemporaryFolder()
    let none = SpecialTokens(padding: nil, unknown: nil)
    let plain = folder.file("plain.txt", "[PAD]\r\n[UNK]\n영화\nthe\n")
    #expect(try Vocabulary.read(path: plain, specialTokens: none).tokens == ["[PAD]", "[UNK]", "영화", "the"])
    let counted = folder.file("counted.txt", "영화\t812\r\nthe\t3\n")
    #expect(try Vocabulary.read(path: counted, specialTokens: none).tokens == ["영화", "the"])
    let twice = folder.file("twice.txt", "a\nb\na\n")
    #expect(throws: InputError(.repeatedToken("a", firstLine: 1), at: SourcePosition(file: twice, line: 3, column: 1))) {
      try Vocabulary.read(path: twice, specialTokens: none)
    }
  }

  @Test("HF tokenizer.json: exact JSON, read back with its specials")
  func hfJSON() throws {
    let folder = TemporaryFolder()
    let v = try Self.sample(VocabularyOptions(specialTokens: SpecialTokens(extra: ["[CLS]"])))
    let text = try v.text(.hfJSON)
    #expect(text.hasPrefix(#"{"version":"1.0","truncation":null,"padding":null,"added_tokens":[{"id":0,"content":"[PAD]","#))
    #expect(text.hasSuffix(#""model":{"type":"WordLevel","vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"영화":3,"\"따옴\\표\"":4,"정말":5,"좋다":6,"👍":7},"unk_token":"[UNK]"}}"#))
    let path = folder.file("tokenizer.json", text)
    #expect(try VocabularyFormat.detect(path: path) == .hfJSON)
    let back = try Vocabulary.read(path: path, specialTokens: SpecialTokens(padding: "ignored", unknown: nil))
    #expect(back.tokens == v.tokens)
    #expect(back.specialTokens == SpecialTokens(padding: "[PAD]", unknown: "[UNK]", extra: ["[CLS]"]))
    let noUnknown = try Self.sample(VocabularyOptions(specialTokens: SpecialTokens(unknown: nil)))
    #expect(throws: VocabularyError(.formatNeeds(
      format: "HF tokenizer.json", what: "an unknown token (WordLevel maps unknown words to it); drop --no-unk"))) {
      try noUnknown.text(.hfJSON)
    }
  }

  @Test("Keras JSON: what to_json() writes, read back with num_words and counts")
  func kerasJSON() throws {
    let folder = TemporaryFolder()
    let v = try Self.sample(VocabularyOptions(specialTokens: SpecialTokens(unknown: "<OOV>"), numWords: 4, order: .keras))
    let text = try v.text(.kerasJSON)
    #expect(text.hasPrefix(##"{"class_name": "Tokenizer", "config": {"num_words": 4, "filters": "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n", "lower": true, "split": " ", "char_level": false, "oov_token": "<OOV>", "document_count": 3, "word_counts": "{\"\\uc601\\ud654\": 3, "##))
    #expect(text.contains(#""word_index": "{\"<OOV>\": 1, \"\\uc601\\ud654\": 2, \"\\uc815\\ub9d0\": 3, \"\\uc88b\\ub2e4\": 4, \"\\\"\\ub530\\uc634\\\\\\ud45c\\\"\": 5, \"\\ud83d\\udc4d\": 6}"}}"#))
    let path = folder.file("keras.json", text)
    #expect(try VocabularyFormat.detect(path: path) == .kerasJSON)
    let back = try Vocabulary.read(path: path)
    #expect(back.tokens == v.tokens && back.counts == v.counts && back.documentCounts == v.documentCounts)
    #expect(back.numWords == 4 && back.unknownID == 1 && back.documentCount == 3)
    #expect(try Vocabulary.read(path: path, numWords: 6).numWords == 6)
    let noPadding = try Self.sample(VocabularyOptions(specialTokens: SpecialTokens(padding: nil)))
    #expect(throws: VocabularyError.self) { try noPadding.text(.kerasJSON) }
  }

  struct BadFile: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var format: VocabularyFormat?
    var specials = SpecialTokens()
    var message: String
    var testDescription: String { message }
  }

  @Test("a bad vocabulary file names file and line", arguments: [
    BadFile(name: "v.txt", text: "[PAD]\n[UNK]\na\n\nb\n", message: "v.txt:4:1: error: empty line: every line must hold one token"),
    BadFile(name: "v.txt", text: "[PAD]\n[UNK]\n영화\nb\n영화\n", message: "v.txt:5:1: error: token '영화' repeats line 3"),
    BadFile(name: "v.txt", text: "[PAD]\n[UNK]\n영 화\n", message: "v.txt:3:2: error: a token cannot contain a space"),
    BadFile(name: "v.txt", text: "[PAD]\n[UNK]\na\tb\n", format: .txt, message: "v.txt:3:2: error: a token cannot contain a tab; use --vocab-format counts for token<TAB>count files"),
    BadFile(name: "v.txt", text: "a\n[PAD]\n[UNK]\n", message: "v.txt:1:1: error: line 1 (id 0) must be the padding token '[PAD]', found 'a'; name it with --pad, or use --no-pad"),
    BadFile(name: "v.txt", text: "[PAD]\na\n", message: "v.txt:1:1: error: the vocabulary has no unknown (OOV) token '[UNK]'; name it with --unk TOKEN, or use --no-unk"),
    BadFile(name: "v.txt", text: "[PAD]\n[UNK]\n", specials: SpecialTokens(extra: ["[CLS]"]), message: "v.txt:1:1: error: the vocabulary has no reserved token '[CLS]'; name it with --special"),
    BadFile(name: "v.txt", text: "", message: "v.txt:1:1: error: the vocabulary file is empty"),
    BadFile(name: "v.tsv", text: "[PAD]\t0\n[UNK]\t0\na\t3.5\n", message: "v.tsv:3:3: error: expected an integer, found '3.5'"),
    BadFile(name: "v.tsv", text: "[PAD]\t0\n[UNK]\t0\na\t3\na\t3\n", message: "v.tsv:4:1: error: token 'a' repeats line 3"),
    BadFile(name: "k.json", text: #"{"class_name": "Tokenizer", "config": {"word_index": "{\"a\": 1, \"b\": 3}"}}"#, message: "k.json:1:1: error: config.word_index: 'b' has id 3; ids must be 1…2"),
    BadFile(name: "k.json", text: #"{"class_name": "Tokenizer", "config": {"word_index": "{\"a\": 1, \"b\": \"2\"}"}}"#, message: "k.json:1:1: error: config.word_index: 'b' has the string \"2\" as its id; ids must be whole numbers 1…2"),
    BadFile(name: "h.json", text: #"{"model": {"type": "WordLevel", "vocab": {"a": 0, "b": 1.5}}}"#, message: "h.json:1:1: error: model.vocab: 'b' has 1.5 as its id; ids must be whole numbers 0…1"),
    BadFile(name: "h.json", text: #"{"model": {"type": "WordLevel", "vocab": {"a": 0, "b": null}}}"#, message: "h.json:1:1: error: model.vocab: 'b' has null as its id; ids must be whole numbers 0…1"),
    BadFile(name: "h.json", text: String(repeating: "[", count: 200_000), format: .hfJSON, message: "h.json:1:201: error: not valid JSON: arrays and objects nested more than 200 deep; Mal's files nest a few levels"),
    BadFile(name: "k.json", text: #"{"class_name": "Tokenizer", "config": {"word_index": "{}"}}"#, message: "k.json:1:1: error: config.word_index is missing or empty"),
    BadFile(name: "h.json", text: #"{"model": {"type": "BPE", "vocab": {}}}"#, message: "h.json:1:1: error: expected a HuggingFace tokenizer.json with a WordLevel model and a non-empty vocab"),
    BadFile(name: "h.json", text: #"{"model": {"type": "WordLevel", "vocab": {"a": 0, "b": 0}}}"#, message: "h.json:1:1: error: model.vocab: 'b' and 'a' share id 0"),
    BadFile(name: "h.json", text: #"{"model": "#, format: .hfJSON, message: "h.json:1:11: error: not valid JSON: unexpected end of input"),
    BadFile(name: "h.json", text: "{\n \"model\": tru }", format: .hfJSON, message: "h.json:2:11: error: not valid JSON: expected a value"),
  ])
  func badFile(_ c: BadFile) throws {
    let folder = TemporaryFolder()
    let path = folder.file(c.name, c.text)
    let error = #expect(throws: InputError.self) { try Vocabulary.read(path: path, format: c.format, specialTokens: c.specials) }
    let message = error?.description ?? ""
    if c.message.contains("share id") {
      #expect(message.hasPrefix(folder.path + "/h.json:1:1: error: model.vocab: "), "\(message)")
      #expect(message.hasSuffix(" share id 0"), "\(message)")
    } else {
      #expect(message == folder.path + "/" + c.message)
    }
  }

  @Test("invalid UTF-8 in a vocab.txt is an error with its column")
  func invalidUTF8() throws {
    let folder = TemporaryFolder()
    let path = folder.file("v.txt", Array("[PAD]\n[UNK]\nab".utf8) + [0xFF, 0x0A])
    let error = #expect(throws: InputError.self) { try Vocabulary.read(path: path) }
    #expect(error?.description == path + ":3:3: error: invalid UTF-8 byte sequence 0xFF; this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)")
  }

  @Test("a failed save leaves the old file and no temporary file")
  func atomicSave() throws {
    let folder = TemporaryFolder()
    let path = folder.file("v.json", "old")
    let v = try Self.sample(VocabularyOptions(specialTokens: SpecialTokens(unknown: nil)))
    #expect(throws: VocabularyError.self) { try v.save(to: path, format: .hfJSON) }
    #expect(folder.contents == ["v.json"])
    #expect(try folder.read("v.json") == "old")
  }
}

@Suite("Tokens that differ only in normalization")
struct NormalizationTests {
  // "한" precomposed (NFC) and as conjoining jamo (NFD): equal as Swift Strings, different tokens in bytes.
  static let nfc = "\u{D55C}"
  static let nfd = "\u{1112}\u{1161}\u{11AB}"

  @Test("stay two tokens through counting, every format, and reading back")
  func distinct() throws {
    let folder = TemporaryFolder()
    let v = try Vocabulary(counts: TokenCounts(documents: ["\(Self.nfc) \(Self.nfd) \(Self.nfd)"]))
    #expect(v.count == 4)
    #expect(v.encode("\(Self.nfd) \(Self.nfc)") == [2, 3])
    // A sentencepiece .model holds subword vocabularies only.
    for format in VocabularyFormat.allCases where format != .sentencePiece {
      let path = folder.path + "/v-" + format.rawValue
      try v.save(to: path, format: format)
      let back = try Vocabulary.read(path: path, format: format)
      #expect(back.count == 4, "\(format)")
      #expect(back.encode("\(Self.nfd) \(Self.nfc)") == [2, 3], "\(format)")
    }
  }
}
