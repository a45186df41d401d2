import Foundation
import MalStream
import MalTestSupport
import MalTokenize
import Testing
@testable import MalVocab

/// Keras's legacy Tokenizer in `../shared/fixtures/tokenizer.json`: word_index, counts, docs and sequences.
@Suite("Keras Tokenizer fixture", .enabled(if: SharedData.hasFixture("tokenizer.json"), "needs ../shared/fixtures (set MAL_FIXTURES)"))
struct KerasFixtureTests {
  static func kerasTokens(_ texts: [String]) -> [String] {
    var options = TokenizerOptions()
    options.mode = .keras
    let tokenizer = Tokenizer(options: options)
    return texts.map { tokenizer.tokens(of: $0).joined(separator: " ") }
  }

  @Test("every case: word_index, word_counts, word_docs, document_count and texts_to_sequences, exactly")
  func cases() throws {
    let fixture = try SharedData.json("tokenizer.json")
    let train = Self.kerasTokens(fixture["train_texts"] as! [String])
    let heldout = Self.kerasTokens(fixture["heldout_texts"] as! [String])
    let cases = fixture["tokenizer_cases"] as! [[String: Any]]
    #expect(cases.count == 4)
    for c in cases {
      let name = c["name"] as! String
      let config = c["config"] as! [String: Any]
      let options = VocabularyOptions(
        specialTokens: SpecialTokens(unknown: config["oov_token"] as? String),
        numWords: config["num_words"] as? Int, order: .keras)
      let v = try Vocabulary(counts: TokenCounts(documents: train), options: options)
      let wordIndex = (c["word_index"] as! [[Any]]).map { "\($0[0] as! String)=\($0[1] as! Int)" }
      #expect(v.tokens.enumerated().dropFirst().map { "\($0.element)=\($0.offset)" } == wordIndex, "\(name)")
      let counts = Dictionary(uniqueKeysWithValues: (c["word_counts"] as! [[Any]]).map { ($0[0] as! String, $0[1] as! Int) })
      let docs = Dictionary(uniqueKeysWithValues: (c["word_docs_sorted_by_word"] as! [[Any]]).map { ($0[0] as! String, $0[1] as! Int) })
      for id in 1..<v.count where id != v.unknownID {
        #expect(v.counts![id] == counts[v.tokens[id]], "\(name) \(v.tokens[id])")
        #expect(v.documentCounts![id] == docs[v.tokens[id]], "\(name) \(v.tokens[id])")
      }
      #expect(v.documentCount == config["document_count"] as? Int)
      #expect(train.map(v.encode) == c["texts_to_sequences_train"] as! [[Int]], "\(name)")
      #expect(heldout.map(v.encode) == c["texts_to_sequences_heldout"] as! [[Int]], "\(name)")
    }
  }

  @Test("Mal's Keras JSON holds the fixture's word_index, word_counts, word_docs and index_docs")
  func json() throws {
    let fixture = try SharedData.json("tokenizer.json")
    let train = Self.kerasTokens(fixture["train_texts"] as! [String])
    let c = (fixture["tokenizer_cases"] as! [[String: Any]]).first { $0["name"] as? String == "num_words_5_oov" }!
    let v = try Vocabulary(
      counts: TokenCounts(documents: train),
      options: VocabularyOptions(specialTokens: SpecialTokens(unknown: "<OOV>"), numWords: 5, order: .keras))
    let root = try JSONSerialization.jsonObject(with: Data(try v.text(.kerasJSON).utf8)) as! [String: Any]
    let config = root["config"] as! [String: Any]
    func inner(_ key: String) -> [String: Int] {
      try! JSONSerialization.jsonObject(with: Data((config[key] as! String).utf8)) as! [String: Int]
    }
    #expect(config["num_words"] as? Int == 5 && config["oov_token"] as? String == "<OOV>")
    #expect(inner("word_index") == Dictionary(uniqueKeysWithValues: (c["word_index"] as! [[Any]]).map { ($0[0] as! String, $0[1] as! Int) }))
    #expect(inner("word_counts") == Dictionary(uniqueKeysWithValues: (c["word_counts"] as! [[Any]]).map { ($0[0] as! String, $0[1] as! Int) }))
    #expect(inner("word_docs") == Dictionary(uniqueKeysWithValues: (c["word_docs_sorted_by_word"] as! [[Any]]).map { ($0[0] as! String, $0[1] as! Int) }))
    #expect(inner("index_docs") == Dictionary(uniqueKeysWithValues: (c["index_docs_sorted_by_index"] as! [[Int]]).map { (String($0[0]), $0[1]) }))
  }
}

/// Files made by the real libraries (`Scripts/interop/vocab.py fixtures`): tf_keras 2.21 and tokenizers 0.23.
@Suite("Files made by tf_keras and HF tokenizers")
struct LibraryFileTests {
  /// This target's own fixtures.
  static let folder = SharedData.repositoryRoot.appendingPathComponent("Tests/MalVocabTests/Fixtures").path

  static var expected: [String: Any] { try! SharedData.json("interop-expected.json", in: folder) }

  @Test("a tf_keras to_json() file loads and gives texts_to_sequences' ids, num_words included")
  func kerasFile() throws {
    let v = try Vocabulary.read(path: Self.folder + "/keras-tokenizer.json")
    #expect(v.numWords == 10 && v.unknownID == 1 && v.tokens[1] == "<OOV>" && v.count == 23)
    #expect(v.tokens[2...5] == ["my", "love", "dog", "정말"])
    #expect(v.documentCount == 8 && v.counts![2] == 4 && v.documentCounts![5] == 2)
    let tokens = (Self.expected["keras_tokens_heldout"] as! [[String]]).map { $0.joined(separator: " ") }
    #expect(tokens.map(v.encode) == Self.expected["keras_texts_to_sequences_heldout"] as! [[Int]])
  }

  @Test("Mal builds the same Keras JSON content as tf_keras from the same texts")
  func kerasSameContent() throws {
    let train = KerasFixtureTests.kerasTokens(Self.expected["train"] as! [String])
    let mine = try Vocabulary(
      counts: TokenCounts(documents: train),
      options: VocabularyOptions(specialTokens: SpecialTokens(unknown: "<OOV>"), numWords: 10, order: .keras))
    let theirs = try Vocabulary.read(path: Self.folder + "/keras-tokenizer.json")
    #expect(mine.tokens == theirs.tokens && mine.counts == theirs.counts && mine.documentCounts == theirs.documentCounts)
    #expect(mine.documentCount == theirs.documentCount && mine.numWords == theirs.numWords)
  }

  @Test("an HF WordLevelTrainer tokenizer.json loads and gives its ids; Mal writes the same file byte for byte")
  func hfFile() throws {
    let path = Self.folder + "/hf-wordlevel.json"
    let theirs = try Vocabulary.read(path: path)
    #expect(theirs.paddingID == 0 && theirs.unknownID == 1 && theirs.count == 24)
    let heldout = (Self.expected["heldout"] as! [String])
    #expect(heldout.map(theirs.encode) == Self.expected["hf_ids_heldout"] as! [[Int]])
    // The trainer orders by count, ties by bytes: Mal's count order. Same tokens in, same file out.
    let mine = try Vocabulary(counts: TokenCounts(documents: Self.expected["train"] as! [String]))
    #expect(mine.tokens == theirs.tokens)
    #expect(try mine.text(.hfJSON) == String(contentsOfFile: path, encoding: .utf8))
  }
}
