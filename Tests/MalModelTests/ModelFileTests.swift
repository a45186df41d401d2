import Foundation
import MalModel
import MalSequence
import MalTestSupport
import MalTokenize
import MalVocab
import Testing

/// The committed model files and what `mal predict` printed for them when they were written.
enum ModelFixtures {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
  /// A GRU model written by `mal train --vocab … --split-particles --repeat 2` before MalModel existed
  /// (format mal-model-1, tokenizer stored as flags).
  static let legacy = folder + "/legacy-v1.safetensors"

  /// The documents and the probabilities of `legacy-v1.predictions.tsv`.
  static func legacyPredictions() throws -> [(text: String, probability: Float, label: String)] {
    let text = try String(contentsOfFile: folder + "/legacy-v1.predictions.tsv", encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      return (String(fields[1]), Float(fields[3])!, String(fields[4]))
    }
  }
}

@Suite("Model files")
struct ModelFileTests {
  @Test("a mal-model-1 file (tokenizer stored as flags) loads, and predicts from raw text what it did when written")
  func legacyFile() throws {
    let trained = try TrainedModel(path: ModelFixtures.legacy)
    #expect(trained.file.format == "mal-model-1")
    let preprocessing = try #require(trained.preprocessing)
    var expected = TokenizerOptions()
    expected.splitsParticles = true
    expected.repeatLimit = 2
    #expect(preprocessing.tokenizer == expected)
    #expect(preprocessing.vocabulary.count == 195 && preprocessing.vocabulary.fingerprint == "e4dfe79fef604d6f")
    #expect(preprocessing.pad == PadSequences(maxLength: 12))
    #expect(trained.labels == ["0", "1"] && trained.epochsDone == 2)

    let rows = try ModelFixtures.legacyPredictions()
    #expect(rows.count == 240)
    let model = try Model(path: ModelFixtures.legacy)
    let predictions = try model.predict(rows.map(\.text))
    for (row, prediction) in zip(rows, predictions) {
      // mal predict printed the second class's probability with 6 decimals.
      #expect(abs(prediction.probabilities[1] - row.probability) <= 2e-6, "\(row.text)")
      #expect(prediction.label == row.label, "\(row.text)")
    }
  }

  @Test("a model saved and read again keeps labels, preprocessing, history and provenance, in format mal-model-2")
  func roundTrip() throws {
    var trained = try TrainedModel(path: ModelFixtures.legacy)
    trained.labels = ["negative", "positive"]
    let folder = TemporaryFolder()
    let file = folder.path + "/m.safetensors"
    try trained.modelFile().write(to: file)
    let again = try TrainedModel(path: file)
    #expect(again.file.format == "mal-model-2")
    #expect(again.labels == ["negative", "positive"])
    #expect(again.preprocessing?.tokenizer == trained.preprocessing?.tokenizer)
    #expect(again.preprocessing?.vocabulary.tokens == trained.preprocessing?.vocabulary.tokens)
    #expect(again.history == trained.history && again.maxlen == 12)
    let stored = try #require(again.file.metadata["mal.tokenizer"])
    #expect(stored == #"{"lower":false,"mode":"word","normalize":"nfc","repeat":2,"split_particles":true}"#)
  }

  @Test("a model file from a newer Mal is refused with a message saying so")
  func newerFormat() throws {
    let trained = try TrainedModel(path: ModelFixtures.legacy)
    var contents = try trained.modelFile().safeTensors()
    contents.metadata["format"] = "mal-model-9"
    let folder = TemporaryFolder()
    let file = folder.path + "/m.safetensors"
    try contents.write(to: file)
    #expect(throws: (any Error).self) { try TrainedModel(path: file) }
    do {
      _ = try TrainedModel(path: file)
    } catch {
      #expect("\(error)" == "\(file): error: it is a mal-model-9 file; this mal reads mal-model-1 and mal-model-2: upgrade mal")
    }
  }

  @Test("Model is safe to share: four threads predicting at once get what one thread gets")
  func concurrentCallers() throws {
    let model = try Model(path: ModelFixtures.legacy)
    let texts = try ModelFixtures.legacyPredictions().map(\.text)
    let serial = try model.predict(texts)
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 4) { i in
      let part = Array(texts[(i * 60)..<((i + 1) * 60)])
      results.set(i, try? model.predict(part))
    }
    for i in 0..<4 { #expect(results.get(i) == Array(serial[(i * 60)..<((i + 1) * 60)]), "thread \(i)") }
  }

  @Test("predict(ids:) takes padded rows and refuses rows of another length")
  func ids() throws {
    let model = try Model(path: ModelFixtures.legacy)
    let fromText = try model.predict(["스토리가 탄탄하고 감동적이다"])
    let trained = try TrainedModel(path: ModelFixtures.legacy)
    var row: [Float] = []
    trained.preprocessing!.makeEncoder().encode("스토리가 탄탄하고 감동적이다", appendingTo: &row)
    #expect(try model.predict(ids: [row.map { Int32($0) }]) == fromText)
    #expect(throws: (any Error).self) { try model.predict(ids: [[1, 2, 3]]) }
    #expect(throws: (any Error).self) { try model.predict(ids: [[Int32](repeating: 195, count: 12)]) }
  }
}

/// Results written by several threads, each to its own slot.
final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Int: [Prediction]] = [:]
  func set(_ i: Int, _ value: [Prediction]?) { lock.withLock { values[i] = value } }
  func get(_ i: Int) -> [Prediction]? { lock.withLock { values[i] } }
}

@Suite("Stored settings as JSON")
struct StoredSettingsTests {
  @Test("TokenizerOptions: every field that acts in its mode, named as mal tokenize's flags; missing keys are defaults")
  func tokenizerOptions() throws {
    var options = TokenizerOptions()
    options.mode = .jamo
    options.lowercase = true
    let json = try JSONEncoder.sorted.encode(options)
    #expect(String(decoding: json, as: UTF8.self)
      == #"{"jamo":"compatibility","jamo_syllable_end":"ᴥ","lower":true,"mode":"jamo","normalize":"nfc","repeat":null,"split_particles":false}"#)
    #expect(try JSONDecoder().decode(TokenizerOptions.self, from: json) == options)
    #expect(try JSONDecoder().decode(TokenizerOptions.self, from: Data("{}".utf8)) == TokenizerOptions())
    var keras = TokenizerOptions()
    keras.mode = .keras
    keras.kerasFilters = "!?"
    #expect(try JSONDecoder().decode(TokenizerOptions.self, from: JSONEncoder.sorted.encode(keras)) == keras)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(TokenizerOptions.self, from: Data(#"{"repeat":0}"#.utf8)) }
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(TokenizerOptions.self, from: Data(#"{"mode":"words"}"#.utf8)) }
  }

  @Test("PadSequences: Keras's argument names")
  func padding() throws {
    let pad = PadSequences(maxLength: 40, padding: .post, truncating: .pre, value: -1)
    let json = try JSONEncoder.sorted.encode(pad)
    #expect(String(decoding: json, as: UTF8.self) == #"{"maxlen":40,"padding":"post","truncating":"pre","value":-1}"#)
    #expect(try JSONDecoder().decode(PadSequences.self, from: json) == pad)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(PadSequences.self, from: Data(#"{"maxlen":0}"#.utf8)) }
  }
}

extension JSONEncoder {
  static var sorted: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }
}

@Suite("A subword vocabulary in a model file")
struct SubwordPreprocessingTests {
  static func model() throws -> SubwordModel {
    var counts = TokenCounts()
    for line in ["영화 정말 재밌다", "영화관 재밌었다 정말로", "배우 연기 최고 영화"] { counts.add(document: line) }
    return .bpe(try BPETrainer(vocabularySize: 40, specialTokens: ["[PAD]", "[UNK]"]).train(counts, unknownToken: "[UNK]"))
  }

  @Test("stored as tokenizer.json with its fingerprint, read back into the same ids for raw text")
  func roundTrip() throws {
    let subword = try Self.model()
    let stored = try Preprocessing(tokenizer: TokenizerOptions(), subword: subword, pad: PadSequences(maxLength: 8))
    let metadata = stored.metadata
    #expect(metadata["mal.subword.fnv1a64"] == subword.fingerprint && metadata["mal.vocabulary"] == nil)
    let read = try #require(try Preprocessing(metadata: metadata, file: "m.mal"))
    #expect(read.subword?.fingerprint == subword.fingerprint && read.vocabulary.tokens == subword.tokens)
    #expect(read.vocabularyDescription == "bpe, \(subword.tokens.count) pieces, fnv1a64 \(subword.fingerprint)")
    var ids: [Float] = []
    read.makeEncoder().encode("영화관 정말 재밌다 ㅋ", appendingTo: &ids)
    var encoder = SubwordEncoder(model: subword)
    let pieces = encoder.ids(for: "영화관 정말 재밌다 ㅋ")
    #expect(ids == [Float](repeating: 0, count: 8 - pieces.count) + pieces.map(Float.init))
    #expect(pieces.last == 1)  // ㅋ is outside the alphabet: [UNK]
  }

  @Test("a vocabulary from a sentencepiece .model keeps cutting as sentencepiece does once stored", arguments: ["unigram", "bpe"])
  func sentencePieceForm(_ kind: String) throws {
    let path = ModelFixtures.repository + "/Tests/MalVocabTests/Fixtures/spm-\(kind)-nsmc.model"
    let subword = try SubwordModel.read(path: path)
    #expect(subword.isSentencePieceForm)
    let stored = try Preprocessing(tokenizer: TokenizerOptions(), subword: subword, pad: PadSequences(maxLength: 64))
    #expect(stored.metadata["mal.subword.library"] == "sentencepiece")
    let read = try #require(try Preprocessing(metadata: stored.metadata, file: "m.mal"))
    let restored = try #require(read.subword)
    #expect(restored.isSentencePieceForm && restored.fingerprint == subword.fingerprint)
    var original = SubwordEncoder(model: subword), again = SubwordEncoder(model: restored)
    for text in ["영화관 정말 재밌다 ㅋㅋㅋㅋㅋㅋ", "오오오오 오오 오오오오오오", "배우들 연기가 최고였어요!!", "ㅎㅎㅎㅎㅎㅎㅎㅎ 굿"] {
      #expect(again.ids(for: text) == original.ids(for: text), "\(text)")
    }
    // Stored without the key, the same tokenizer.json cuts as HF does; an unknown library is refused.
    var metadata = stored.metadata
    metadata["mal.subword.library"] = nil
    #expect(try Preprocessing(metadata: metadata, file: "m.mal")?.subword?.isSentencePieceForm == false)
    metadata["mal.subword.library"] = "fairseq"
    do {
      _ = try Preprocessing(metadata: metadata, file: "m.mal")
      Issue.record("an unknown library was accepted")
    } catch {
      #expect("\(error)".contains("its mal.subword.library metadata is not valid: 'fairseq'"), "\(error)")
    }
  }

  @Test("a damaged stored tokenizer.json or fingerprint is an error naming the key")
  func damaged() throws {
    let stored = try Preprocessing(tokenizer: TokenizerOptions(), subword: try Self.model(), pad: PadSequences(maxLength: 8))
    var metadata = stored.metadata
    metadata["mal.subword.fnv1a64"] = "0000000000000000"
    #expect(throws: (any Error).self) { try Preprocessing(metadata: metadata, file: "m.mal") }
    do { _ = try Preprocessing(metadata: metadata, file: "m.mal") } catch {
      #expect("\(error)".contains("its mal.subword.fnv1a64 metadata is not valid: the subword vocabulary's fingerprint is "), "\(error)")
    }
    metadata = stored.metadata
    metadata["mal.subword"] = #"{"model":{"type":"Unigram"}}"#
    do {
      _ = try Preprocessing(metadata: metadata, file: "m.mal")
      Issue.record("an unsupported stored model was read")
    } catch {
      #expect("\(error)".contains("its mal.subword metadata is not valid: "), "\(error)")
    }
  }
}
