import Foundation
import MalRecurrent
import MalTestSupport
import Testing

@Suite("mal train, predict, evaluate, summary")
struct TrainCommandTests {
  static let data = "Corpora/sample-ko-ids.tsv"

  @Test("training learns the sample, reproducibly, and the other commands read the model")
  func trainAndUse() throws {
    let folder = TemporaryFolder()
    let a = folder.path + "/a.safetensors"
    let b = folder.path + "/b.safetensors"
    let args = [
      "train", "--epochs", "5", "--lr", "0.01", "--units", "16", "--embedding-dim", "16", "--seed", "3", "--threads", "1",
      Self.data,
    ]
    let first = try Mal.run(args + ["-o", a, "--history", folder.path + "/history.csv"])
    #expect(first.status == 0, "\(first)")
    #expect(first.stderr.hasPrefix("train: 240 rows of 12 ids, 0 for validation, 2 classes, 7,377 parameters, 1 thread\nepoch 1/5  loss "))
    #expect(try Mal.run(args + ["-o", b]).status == 0)
    // Same seed and one thread: byte-identical model files.
    #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
    let history = try String(contentsOfFile: folder.path + "/history.csv", encoding: .utf8).split(separator: "\n")
    #expect(history.count == 6 && history[0] == "epoch,loss,accuracy,val_loss,val_accuracy,seconds,samples_per_second")

    let evaluation = try Mal.run(["evaluate", a, Self.data, "--json"])
    #expect(evaluation.status == 0)
    let report = try JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as! [String: Any]
    #expect(report["rows"] as? Int == 240)
    let accuracy = report["accuracy"] as! Double
    #expect(accuracy > 0.95, "the sample's labels are learnable: accuracy \(accuracy)")
    #expect((report["confusion"] as! [[Int]]).flatMap { $0 }.reduce(0, +) == 240)

    // predict keeps rows and columns, appends probability and label, and agrees with evaluate's accuracy.
    let prediction = try Mal.run(["predict", a, Self.data])
    #expect(prediction.status == 0)
    #expect(prediction.provenance?.hasSuffix(#"{"stage":"predict","column":"document","settings":{"model":"\#(a)"}}]}"#) == true, "\(prediction)")
    let lines = prediction.rows.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
    #expect(lines.count == 241 && lines[0] == ["id", "document", "label", "probability", "predicted"])
    let input = try String(contentsOfFile: SharedData.repositoryRoot.appendingPathComponent(Self.data).path, encoding: .utf8)
      .split(separator: "\n")
    var correct = 0
    for (row, original) in zip(lines.dropFirst(), input.dropFirst()) {
      #expect(row.prefix(3).joined(separator: "\t") == original)
      let p = Double(row[3])!
      #expect(p >= 0 && p <= 1 && row[3].count == 8)
      #expect(row[4] == (p >= 0.5 ? "1" : "0"))
      if row[4] == row[2] { correct += 1 }
    }
    #expect(Double(correct) / 240 == accuracy)

    let summary = try Mal.run(["summary", a])
    // Embedding(195, 16): 3,120; Bidirectional(LSTM(16)) on 16 features: 2·4·(16·(16+16)+16) = 4,224; Dense(1): 33.
    #expect(summary.stdout.contains("│ embedding (Embedding)                │ (None, 12, 16)              │           3,120 │"))
    #expect(summary.stdout.contains("│ bidirectional (Bidirectional)        │ (None, 32)                  │           4,224 │"))
    #expect(summary.stdout.contains(" Total params: 7,377 (28.82 KB)\n"))
    #expect(summary.stdout.contains(" Labels: 0, 1\n"))
  }

  static let errors: [ErrorCase] = [
    ErrorCase(id: "rows of different lengths", arguments: ["train", "-o", "x.safetensors"],
      input: "id\tdocument\tlabel\n1\t0 3 4\t1\n2\t5 6\t0\n",
      message: "<stdin>:3:3: error: expected 3 ids as in the first row (line 2), found 2; pad the rows first (mal pad --maxlen 3)\n", status: 65),
    ErrorCase(id: "not an id", arguments: ["train", "-o", "x.safetensors"],
      input: "id\tdocument\tlabel\n1\t0 3 x4\t1\n",
      message: "<stdin>:2:7: error: expected an integer id, found 'x4'\n", status: 65),
    ErrorCase(id: "no label column", arguments: ["train", "-o", "x.safetensors"],
      input: "id\tdocument\n1\t0 3\n",
      message: "<stdin>:1:1: error: no label column (label, class, sentiment, …): the header has 'id', 'document'; name it with --label-column\n", status: 65),
    ErrorCase(id: "plain text has no labels", arguments: ["train", "-o", "x.safetensors"],
      input: "0 3 4\n",
      message: "<stdin>:1:1: error: labels need TSV input with a label column; this input is plain text\n", status: 65),
    ErrorCase(id: "one class", arguments: ["train", "-o", "x.safetensors"],
      input: "document\tlabel\n1 2\tpos\n3 4\tpos\n",
      message: "<stdin>:1:1: error: only one class ('pos') in the labels: nothing to learn\n", status: 65),
    ErrorCase(id: "a header and no rows", arguments: ["train", "-o", "x.safetensors"],
      input: "document\tlabel\n", message: "<stdin>: error: no rows to train on\n", status: 65),
    ErrorCase(id: "no rows to evaluate", arguments: ["evaluate", "Tests/MalModelTests/Fixtures/legacy-v1.safetensors", "--ids"],
      input: "document\tlabel\n", message: "<stdin>: error: no rows to evaluate\n", status: 65),
    ErrorCase(id: "early stopping without validation", arguments: ["train", "-o", "x.safetensors", "--early-stopping", "2"],
      input: "",
      message: "Error: --early-stopping needs --validation or --validation-split\nUsage: mal train [<options>] [<inputs> ...] --output <output>\n  See 'mal train --help' for more information.\n", status: 64),
    ErrorCase(id: "not a model file", arguments: ["summary", "Corpora/sample-ko-ids.tsv"],
      input: "",
      message: "Corpora/sample-ko-ids.tsv: error: not a valid safetensors file: at byte 0: header length 7887319652480148585 is over the 100000000-byte limit\n", status: 65),
  ]

  @Test("bad input and options: message and exit code, no model file", arguments: errors)
  func error(_ c: ErrorCase) throws {
    let folder = TemporaryFolder()
    try Mal.expect(c, directory: ["not a model file", "no rows to evaluate"].contains(c.id) ? nil : folder.path)
    #expect(folder.contents.isEmpty)
  }
}

@Suite("mal train --embedding")
struct PretrainedEmbeddingTests {
  @Test("pretrained vectors start the Embedding, and --freeze keeps them")
  func frozenVectors() throws {
    let folder = TemporaryFolder()
    // 195 vocabulary lines for ids 0…194 of the sample; vectors for two of the words.
    let vocab = folder.file("vocab.txt", (["[PAD]", "[UNK]"] + (2..<195).map { "w\($0)" }).joined(separator: "\n") + "\n")
    let vectors = folder.file("v.vec", "3 4\nw2 0.5 -1 0.25 2\nw7 1 1 1 1\nother 9 9 9 9\n")
    let model = folder.path + "/m.safetensors"
    let result = try Mal.run([
      "train", "-o", model, "--embedding", vectors, "--vocab", vocab, "--freeze", "--epochs", "1", "--units", "4",
      "--threads", "1", "Corpora/sample-ko-ids.tsv",
    ])
    #expect(result.status == 0, "\(result)")
    #expect(result.stderr.contains("train: 2 of 195 vocabulary tokens have a pretrained vector (1.0%), frozen\n"))
    let table = try #require(try SafeTensors.read(from: model)["sequential/embedding/embeddings"])
    #expect(table.shape == [195, 4])
    #expect(Array(table.scalars[8..<12]) == [0.5, -1, 0.25, 2])  // row 2 = w2, unchanged by training
    #expect(Array(table.scalars[28..<32]) == [1, 1, 1, 1])  // row 7 = w7
    #expect(table.scalars[12..<28].allSatisfy { $0 == 0 } && table.scalars[0..<8].allSatisfy { $0 == 0 })

    let unfrozen = try Mal.run([
      "train", "-o", model, "--embedding", vectors, "--vocab", vocab, "--epochs", "1", "--units", "4",
      "--threads", "1", "Corpora/sample-ko-ids.tsv",
    ])
    #expect(unfrozen.status == 0)
    let trained = try #require(try SafeTensors.read(from: model)["sequential/embedding/embeddings"])
    #expect(Array(trained.scalars[8..<12]) != [0.5, -1, 0.25, 2])
  }

  @Test("a malformed --embedding file: train prints encode's FILE:LINE:COLUMN message, exits 65, writes no model")
  func malformedVectors() throws {
    let folder = TemporaryFolder()
    let rows = folder.file("ids.tsv", "document\tlabel\n0 2\t0\n2 3\t1\n0 3\t1\n")
    let vocab = folder.file("vocab.txt", "[PAD]\n[UNK]\n영화\n좋다\n")
    let bad = folder.file("bad.vec", "2 3\n영화 1 2 3\n좋다 1 2\n")
    let expected = Mal.Result(
      stdout: "", stderr: "\(bad):3:7: error: expected 3 numbers after the word as the header says, found 2\n", status: 65)
    let train = try Mal.run(["train", "-o", folder.path + "/m.safetensors", "--embedding", bad, "--vocab", vocab, rows])
    #expect(train == expected)
    let encode = try Mal.run(["encode", "--embedding", bad, "--vocab", vocab], input: "2 3\n")
    #expect(encode == expected)
    #expect(folder.contents == ["bad.vec", "ids.tsv", "vocab.txt"], "no model file is left behind")
  }

  @Test("--embedding on rows that name no vocabulary, without --vocab, is a usage error")
  func needsVocab() throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(["train", "-o", folder.path + "/x.safetensors", "--embedding", "v.vec", TrainCommandTests.data])
    #expect(result.status == 64)
    #expect(result.stderr == "train: error: --embedding needs the vocabulary of the ids, to match them to words: give --vocab, or make the rows with mal vocab --save (its #mal line names the file)\n")
    #expect(folder.contents.isEmpty)
  }

  @Test("--help of train, predict, evaluate, summary and ensemble matches the golden files")
  func help() throws {
    for command in ["train", "predict", "evaluate", "summary", "ensemble"] {
      let golden = SharedData.repositoryRoot.appendingPathComponent("Tests/MalCLITests/Golden/\(command)-help.txt").path
      let result = try Mal.run([command, "--help"])
      #expect(result.status == 0)
      #expect(result.stdout == (try String(contentsOfFile: golden, encoding: .utf8)), "\(command)")
    }
  }
}
