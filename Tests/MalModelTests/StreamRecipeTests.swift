import Foundation
import MalModel
import MalSequence
import MalStream
import MalTestSupport
import MalTokenize
import MalVocab
import Testing

@Suite("StreamRecipe: what a #mal line says about the working column")
struct StreamRecipeTests {
  static let vocabulary = try! Vocabulary(tokens: ["[PAD]", "[UNK]", "영화", "좋다"])

  static func steps(column: String = "document") -> [Provenance.Step] {
    var tokenizer = TokenizerOptions()
    tokenizer.splitsParticles = true
    return [
      .tokenize(tokenizer, column: column),
      .vocabulary(VocabularySource(vocabulary, file: "v.txt", format: .txt, splitsUnknown: false), column: column),
      .pad(PadSequences(maxLength: 40), column: column),
    ]
  }

  @Test("tokenize | vocab | pad on the working column gives the tokenizer, the vocabulary and the padding")
  func recipe() throws {
    let provenance = Provenance(steps: [.tokenize(TokenizerOptions(), column: "title")] + Self.steps())
    let recipe = try StreamRecipe(provenance: provenance, column: "document", file: "rows.tsv")
    #expect(recipe.tokenizer?.splitsParticles == true)
    #expect(recipe.vocabulary?.file == "v.txt" && recipe.vocabulary?.tokens == 4)
    #expect(recipe.vocabulary?.fingerprint == Self.vocabulary.fingerprint)
    #expect(recipe.pad == PadSequences(maxLength: 40))
    #expect(recipe.stages == ["tokenize", "vocab", "pad"] && recipe.unsupported == nil)
    // Through the line and back: the same recipe.
    var line = Array(provenance.line.utf8)
    let parsed = try line.withUnsafeMutableBufferPointer {
      try Provenance(line: UnsafeBufferPointer($0), file: "rows.tsv", lineNumber: 1)
    }
    #expect(parsed == provenance)
  }

  @Test("other stages, or a stage twice, make no recipe and say why")
  func unsupported() throws {
    let twice = Provenance(steps: Self.steps() + [.tokenize(TokenizerOptions(), column: "document")])
    let recipe = try StreamRecipe(provenance: twice, column: "document", file: "rows.tsv")
    #expect(recipe.tokenizer == nil && recipe.vocabulary == nil && recipe.pad == nil)
    #expect(recipe.unsupported == "the column went through tokenize | vocab | pad | tokenize, not tokenize | vocab | pad")
    let decoded = Provenance(steps: Array(Self.steps().prefix(2)) + [Provenance.Step(stage: "vocab decode", column: "document")])
    #expect(try StreamRecipe(provenance: decoded, column: "document", file: "rows.tsv").unsupported != nil)
  }

  @Test("a step whose settings cannot be read is an error at line 1 naming the step and the key")
  func badSettings() throws {
    let bad = Provenance(steps: [
      Provenance.Step(stage: "pad", column: "document", settings: .object([JSONMember(key: "maxlen", value: .string("40"))]))
    ])
    #expect(throws: InputError.self) { try StreamRecipe(provenance: bad, column: "document", file: "rows.tsv") }
    do {
      _ = try StreamRecipe(provenance: bad, column: "document", file: "rows.tsv")
    } catch {
      #expect("\(error)" == "rows.tsv:1:1: error: the #mal provenance line cannot be read: the pad step's settings: maxlen: expected a whole number")
    }
  }

  @Test("the vocabulary file must still be the one the ids were made with; the error names both")
  func changedVocabulary() throws {
    let temporary = TemporaryFolder()
    let folder = temporary.path
    let source = VocabularySource(Self.vocabulary, file: folder + "/v.txt", format: .txt, splitsUnknown: false)
    try Self.vocabulary.save(to: folder + "/v.txt", format: .txt)
    #expect(try source.load().tokens == Self.vocabulary.tokens)
    try "[PAD]\n[UNK]\n좋다\n영화\n".write(toFile: folder + "/other.txt", atomically: true, encoding: .utf8)
    do {
      _ = try source.load(from: folder + "/other.txt")
      Issue.record("another vocabulary was accepted")
    } catch let error as PipelineMismatch {
      let other = try Vocabulary.read(path: folder + "/other.txt")
      #expect(error.description == "\(folder)/other.txt: error: holds another vocabulary (4 tokens, fnv1a64 \(other.fingerprint)) than the one the ids were made with, \(folder)/v.txt (4 tokens, fnv1a64 \(Self.vocabulary.fingerprint))")
    }
  }
}
