import Foundation
import MalTestSupport
import Testing

@Suite("mal vocab --subword, run as a program")
struct VocabSubwordCommandTests {
  static let tsv = "id\tdocument\tlabel\n1\t영화 정말 좋다\t1\n2\t영화 별로\t0\n\n3\t\t1\n4\t정말 정말 최고 영화다\t1\n"

  static let errors: [ErrorCase] = [
    ErrorCase(
      id: "BPE saved as vocab.txt", arguments: ["vocab", "--save", "v.txt", "--subword", "bpe"], input: "",
      message: VocabCommandTests.usage("a BPE vocabulary needs its merges: save it with --vocab-format hf-json", "ids [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "--num-words with --subword", arguments: ["vocab", "--save", "v.json", "--subword", "wordpiece", "--num-words", "5"], input: "",
      message: VocabCommandTests.usage("--num-words applies to word-level vocabularies, not --subword", "ids [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "size below the alphabet", arguments: ["vocab", "build", "--subword", "bpe", "--max-size", "5"], input: "abc abd\n",
      message: "error: --max-size 5 is smaller than the 2 reserved tokens plus the alphabet of 4 pieces; it must be at least 6\n",
      status: 65),
    ErrorCase(
      id: "empty corpus", arguments: ["vocab", "build", "--subword", "wordpiece"], input: "\n",
      message: "error: the subword vocabulary would be empty: the input has no tokens\n", status: 65),
  ]

  @Test("bad options and input: message, exit code, no output", arguments: errors)
  func error(_ c: ErrorCase) throws {
    let result = try Mal.expect(c)
    #expect(result.stdout.isEmpty)
  }

  @Test("a bad tokenizer.json: FILE:1:1 and what is wrong, exit 65, no output", arguments: [
    ("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[[\"a\",\"b\"],[\"ab\",\"c\"]]}}",
     "model.merges[1] refers to 'c', which is not in model.vocab"),
    ("{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0]]}}",
     "the tokenizer's model is Unigram; Mal reads BPE, WordPiece and WordLevel models"),
    ("{\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\"}}",
     "model.vocab is missing or not a non-empty object of token → id"),
  ])
  func badFile(_ json: String, _ message: String) throws {
    let folder = TemporaryFolder()
    let path = folder.file("tokenizer.json", json)
    for arguments in [["vocab", "--load", path], ["vocab", "apply", "--load", path], ["vocab", "decode", "--load", path]] {
      let result = try Mal.run(arguments, input: "1 2\n")
      #expect(result == Mal.Result(stdout: "", stderr: "\(path):1:1: error: \(message)\n", status: 65), "\(arguments)")
    }
  }

  @Test("a training error leaves no vocabulary file behind")
  func noFileLeft() throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(["vocab", "--save", folder.path + "/v.json", "--subword", "bpe", "--max-size", "4"], input: "abc\n")
    #expect(result.status == 65 && result.stdout.isEmpty)
    #expect(folder.contents.isEmpty)
  }

  @Test("WordPiece: --save writes ids and tokenizer.json, --load gives the same ids, decode gives the tokens back")
  func wordPieceRoundTrip() throws {
    let folder = TemporaryFolder()
    let saved = try Mal.run(["vocab", "--save", folder.path + "/wp.json", "--subword", "wordpiece", "--max-size", "40"], input: Self.tsv)
    #expect(saved.status == 0 && saved.stderr.isEmpty)
    // 23, not 40: training stops when no pair is left (HF's BpeTrainer too).
    #expect(saved.provenance == #"#mal {"mal":1,"steps":[{"stage":"vocab subword","column":"document","settings":{"file":"\#(folder.path)/wp.json","fnv1a64":"befdf60b3748f6eb","kind":"wordpiece","tokens":23}}]}"#)
    #expect(folder.contents == ["wp.json"])
    let loaded = try Mal.run(["vocab", "--load", folder.path + "/wp.json"], input: Self.tsv)
    #expect(loaded.rows == saved.rows)
    let decoded = try Mal.run(["vocab", "decode", "--load", folder.path + "/wp.json", "--plain"], input: saved.rows)
    #expect(decoded.stdout == "id\tdocument\tlabel\n1\t영화 정말 좋다\t1\n2\t영화 별로\t0\n\n3\t\t1\n4\t정말 정말 최고 영화다\t1\n")
    // The same pieces as a BERT vocab.txt.
    let txt = try Mal.run(["vocab", "--save", folder.path + "/vocab.txt", "--subword", "wordpiece", "--max-size", "40"], input: Self.tsv)
    #expect(txt.rows == saved.rows)
    let fromTxt = try Mal.run(["vocab", "--load", folder.path + "/vocab.txt", "--subword", "wordpiece"], input: Self.tsv)
    #expect(fromTxt.rows == saved.rows)
  }

  @Test("an HF BpeTrainer tokenizer.json applies to HF's ids")
  func hfFile() throws {
    let fixtures = SharedData.repositoryRoot.path + "/Tests/MalVocabTests/Fixtures"
    let expected = try SharedData.json("subword-expected.json", in: fixtures)
    let heldout = expected["heldout"] as! [String]
    let result = try Mal.run(["vocab", "--load", fixtures + "/hf-bpe-sample.json", "--plain"], input: heldout.joined(separator: "\n") + "\n")
    let ids = (expected["bpe_ids"] as! [[Int]]).map { $0.map(String.init).joined(separator: " ") }
    #expect(result.stdout == ids.joined(separator: "\n") + "\n")
  }
}
