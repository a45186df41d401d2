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
    ErrorCase(
      id: "Unigram saved as vocab.txt", arguments: ["vocab", "--save", "v.txt", "--subword", "unigram"], input: "",
      message: VocabCommandTests.usage(
        "a Unigram vocabulary needs its scores: save it with --vocab-format hf-json or spm", "ids [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "WordPiece saved as a sentencepiece model", arguments: ["vocab", "--save", "v.model", "--subword", "wordpiece"],
      input: "",
      message: VocabCommandTests.usage(
        "a sentencepiece model holds a Unigram or BPE vocabulary: use --subword unigram or bpe, or --vocab-format hf-json",
        "ids [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "a word-level vocabulary saved as a sentencepiece model", arguments: ["vocab", "--save", "v.model"], input: "",
      message: VocabCommandTests.usage(
        "a sentencepiece model holds a subword vocabulary: add --subword unigram", "ids [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "--min-count with unigram", arguments: ["vocab", "build", "--subword", "unigram", "--min-count", "2"], input: "",
      message: VocabCommandTests.usage(
        "--min-count applies to bpe and wordpiece; unigram trains on every word", "build [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "--no-unk with unigram", arguments: ["vocab", "build", "--subword", "unigram", "--no-unk"], input: "",
      message: VocabCommandTests.usage(
        "Unigram needs an unknown token for characters it has not seen; drop --no-unk", "build [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "Unigram size below the characters", arguments: ["vocab", "build", "--subword", "unigram", "--max-size", "6"],
      input: "abc abd\n",
      message: "error: --max-size 6 is smaller than the 2 reserved tokens plus the alphabet of 5 pieces; it must be at least 7\n",
      status: 65),
  ]

  @Test("bad options and input: message, exit code, no output", arguments: errors)
  func error(_ c: ErrorCase) throws {
    let result = try Mal.expect(c)
    #expect(result.stdout.isEmpty)
  }

  @Test("a bad tokenizer.json: FILE:1:1 and what is wrong, exit 65, no output", arguments: [
    ("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[[\"a\",\"b\"],[\"ab\",\"c\"]]}}",
     "model.merges[1] refers to 'c', which is not in model.vocab"),
    ("{\"model\":{\"type\":\"Unigram\",\"unk_id\":0}}",
     "model.vocab is missing or not a non-empty array of [piece, score] pairs"),
    ("{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0]]}}",
     "model.unk_id is missing or not the id of a piece of model.vocab (Mal needs an unknown piece)"),
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
    let model = try Mal.run(["vocab", "--save", folder.path + "/v.model", "--subword", "unigram", "--max-size", "4"], input: "abc\n")
    #expect(model.status == 65 && model.stdout.isEmpty)
    #expect(folder.contents.isEmpty)
  }

  @Test("a bad .model: FILE: the byte and what is wrong, or the setting Mal does not reproduce; exit 65, no output")
  func badModel() throws {
    let folder = TemporaryFolder()
    let fixture = SharedData.repositoryRoot.path + "/Tests/MalVocabTests/Fixtures/spm-unigram-nsmc.model"
    let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture)))
    let cases: [(bytes: [UInt8], message: String)] = [
      // A pieces field (1, length-delimited) that claims 20 bytes where 2 follow.
      ([0x0A, 0x14, 0x0A, 0x01],
       "not a valid sentencepiece model: at byte 1: field 1 says it is 20 bytes long, but only 2 bytes are left"),
      // A second trainer_spec (field 2) setting model_type (field 3) to WORD (3).
      (valid + [0x12, 0x02, 0x18, 0x03],
       "the model has model_type WORD (Mal reads sentencepiece Unigram and BPE models), which Mal does not reproduce"),
    ]
    for c in cases {
      let path = folder.file("bad.model", c.bytes)
      for arguments in [["vocab", "--load", path], ["vocab", "apply", "--load", path], ["vocab", "decode", "--load", path]] {
        let result = try Mal.run(arguments, input: "1 2\n")
        #expect(result == Mal.Result(stdout: "", stderr: "\(path): error: \(c.message)\n", status: 65), "\(arguments)")
      }
    }
  }

  @Test("Unigram: --save writes ids, the .model and its .vocab; --load gives the same ids; decode the tokens back")
  func unigramRoundTrip() throws {
    let folder = TemporaryFolder()
    let saved = try Mal.run(["vocab", "--save", folder.path + "/u.model", "--subword", "unigram", "--max-size", "40"], input: Self.tsv)
    #expect(saved.status == 0 && saved.stderr.isEmpty)
    #expect(saved.provenance == #"#mal {"mal":1,"steps":[{"stage":"vocab subword","column":"document","settings":{"file":"\#(folder.path)/u.model","fnv1a64":"3708e3b47e25b571","kind":"unigram","tokens":15}}]}"#)
    #expect(folder.contents == ["u.model", "u.vocab"])
    let loaded = try Mal.run(["vocab", "--load", folder.path + "/u.model"], input: Self.tsv)
    #expect(loaded.rows == saved.rows)
    // 15, not 40: the 11 characters, ▁영화 and ▁정말 are all the pieces EM keeps (each other seed is expected
    // fewer than 0.5 times). 좋다 = ▁ 좋 다.
    #expect(loaded.rows == "id\tdocument\tlabel\n1\t3 4 2 13 5\t1\n2\t3 2 12 10\t0\n\n3\t\t1\n4\t4 4 2 14 9 3 5\t1\n")
    let decoded = try Mal.run(["vocab", "decode", "--load", folder.path + "/u.model", "--plain"], input: saved.rows)
    #expect(decoded.stdout == "id\tdocument\tlabel\n1\t영화 정말 좋다\t1\n2\t영화 별로\t0\n\n3\t\t1\n4\t정말 정말 최고 영화다\t1\n")
    let json = try Mal.run(["vocab", "build", "--subword", "unigram", "--max-size", "40", "--save", folder.path + "/u.json"], input: Self.tsv)
    #expect(json.status == 0)
    #expect(try Mal.run(["vocab", "--load", folder.path + "/u.json"], input: Self.tsv).rows == saved.rows)
  }

  @Test("inspect and export read a .model as the subword vocabulary it is; vocab.txt cannot hold Unigram scores")
  func modelInspectExport() throws {
    let model = SharedData.repositoryRoot.path + "/Tests/MalVocabTests/Fixtures/spm-unigram-nsmc.model"
    let inspected = try Mal.run(["vocab", "inspect", model])
    #expect(inspected.status == 0 && inspected.stdout.hasPrefix("subword vocabulary: \(model), unigram, 2000 pieces"), "\(inspected)")
    let exported = try Mal.run(["vocab", "export", model, "--format", "txt"])
    #expect(exported.status == 65 && exported.stdout.isEmpty, "\(exported)")
    #expect(exported.stderr.contains("Unigram needs its scores"), "\(exported)")
  }

  @Test("sentencepiece's own .model applies to sentencepiece's ids")
  func sentencePieceFile() throws {
    let fixtures = SharedData.repositoryRoot.path + "/Tests/MalVocabTests/Fixtures"
    let expected = try SharedData.json("spm-expected.json", in: fixtures)
    let lines = expected["heldout"] as! [String]
    let result = try Mal.run(["vocab", "--load", fixtures + "/spm-unigram-nsmc.model", "--plain"], input: lines.joined(separator: "\n") + "\n")
    let ids = (expected["ids"] as! [[Int]]).map { $0.map(String.init).joined(separator: " ") }
    #expect(result.stdout == ids.joined(separator: "\n") + "\n")
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
