import Foundation
import MalTestSupport
import Testing

@Suite("vocab inspect and vocab export on subword vocabularies")
struct SubwordInspectExportTests {
  static let tokens = "id\tdocument\n1\tunaffable un able\n2\table unable\n"

  @Test("inspect: kind, pieces, reserved ids, merges; with a corpus, pieces per word and unknown pieces")
  func inspect() throws {
    let folder = TemporaryFolder()
    let saved = try Mal.run(["vocab", "build", "--subword", "bpe", "--max-size", "40", "--save", folder.path + "/bpe.json"], input: Self.tokens)
    #expect(saved.status == 0, "\(saved)")
    let report = try Mal.run(["vocab", "inspect", folder.path + "/bpe.json", "--top", "4", "-"], input: "id\tdocument\nx\tunable zz\n")
    #expect(report.status == 0, "\(report)")
    let lines = report.stdout.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("subword vocabulary: \(folder.path)/bpe.json, bpe, "), "\(report)")
    #expect(lines[1] == "reserved: [PAD]=0 [UNK]=1")
    #expect(lines[2].hasPrefix("merges: "))
    #expect(lines[3] == "first pieces: a b e f")
    // 'unable' is one piece after the merges; 'zz' is two characters outside the alphabet: two [UNK]s.
    #expect(lines[4] == "corpus: -: 1 rows, 2 words, 3 pieces")
    #expect(lines[5] == "pieces per word: 1.500; words that are one piece: 1 (50.00%)")
    #expect(lines[6] == "unknown pieces: 2 (66.67%)")
  }

  @Test("export: WordPiece tokenizer.json ⇄ vocab.txt give the same ids; BPE refuses vocab.txt and word-level formats")
  func export() throws {
    let folder = TemporaryFolder()
    let json = folder.path + "/wp.json", txt = folder.path + "/wp.txt"
    #expect(try Mal.run(["vocab", "build", "--subword", "wordpiece", "--max-size", "40", "--save", json], input: Self.tokens).status == 0)
    #expect(try Mal.run(["vocab", "export", json, "--format", "txt", "-o", txt]).status == 0)
    let fromJSON = try Mal.run(["vocab", "--load", json, "--plain"], input: Self.tokens)
    let fromTxt = try Mal.run(["vocab", "--load", txt, "--subword", "wordpiece", "--plain"], input: Self.tokens)
    #expect(fromJSON.status == 0 && fromJSON.stdout == fromTxt.stdout, "\(fromJSON) \(fromTxt)")
    #expect(try Mal.run(["vocab", "export", txt, "--format", "hf-json"]).status == 0)
    let bpe = folder.path + "/bpe.json"
    #expect(try Mal.run(["vocab", "build", "--subword", "bpe", "--max-size", "40", "--save", bpe], input: Self.tokens).status == 0)
    let refused = try Mal.run(["vocab", "export", bpe, "--format", "keras-json", "-o", folder.path + "/k.json"])
    #expect(refused.status == 64)
    #expect(refused.stderr == "vocab: error: \(bpe) is a bpe subword vocabulary: it exports as hf-json, spm (Unigram, or BPE with ▁ word marks) or txt (WordPiece); keras-json holds whole words\n", "\(refused)")
    let noMerges = try Mal.run(["vocab", "export", bpe, "--format", "txt", "-o", folder.path + "/b.txt"])
    #expect(noMerges.status == 65 && noMerges.stderr.contains("BPE needs its merges"), "\(noMerges)")
    #expect(!folder.contents.contains("k.json") && !folder.contents.contains("b.txt"))
  }

  @Test("export: a Unigram tokenizer.json becomes a sentencepiece .model (and .vocab) that reads back to the same pieces")
  func exportSentencePiece() throws {
    let folder = TemporaryFolder()
    let json = folder.path + "/u.json", model = folder.path + "/u.model"
    let corpus = "id\tdocument\n" + String(repeating: "1\tunaffable un able\n2\table unable\n", count: 20)
    #expect(try Mal.run(["vocab", "build", "--subword", "unigram", "--max-size", "30", "--save", json], input: corpus).status == 0)
    let exported = try Mal.run(["vocab", "export", json, "--format", "spm", "-o", model])
    #expect(exported.status == 0, "\(exported)")
    #expect(folder.contents.contains("u.model") && folder.contents.contains("u.vocab"))
    let fromJSON = try Mal.run(["vocab", "--load", json, "--pieces", "--plain"], input: Self.tokens)
    let fromModel = try Mal.run(["vocab", "--load", model, "--pieces", "--plain"], input: Self.tokens)
    #expect(fromJSON.status == 0 && !fromJSON.stdout.isEmpty && fromJSON.stdout == fromModel.stdout, "\(fromJSON) \(fromModel)")
    // WordPiece has no sentencepiece form: refused, nothing written.
    let wp = folder.path + "/wp.json"
    #expect(try Mal.run(["vocab", "build", "--subword", "wordpiece", "--max-size", "40", "--save", wp], input: Self.tokens).status == 0)
    let refused = try Mal.run(["vocab", "export", wp, "--format", "spm", "-o", folder.path + "/wp.model"])
    #expect(refused.status != 0 && !folder.contents.contains("wp.model"), "\(refused)")
  }
}
