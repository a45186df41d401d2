import Foundation
import MalRecurrent
import MalTestSupport
import Testing

/// `mal train` models beyond the common flags, raw-text prediction, checkpoints and plots.
@Suite("mal train: models, raw text, checkpoints")
struct TrainModelTests {
  static let ids = "Corpora/sample-ko-ids.tsv"
  static let vocab = "Corpora/sample-ko-vocab.txt"

  @Test("--model, --one-hot and --scalar-input give Keras's shapes and parameter counts")
  func definitions() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/m.safetensors"
    let cases: [([String], String, String)] = [
      // SimpleRNN(3) on one-hot rows of 195 ids: 3·195 + 3·3 + 3 = 597; head 3 + 1.
      (["--one-hot", "--arch", "simplernn", "--units", "3"], "│ simple_rnn (SimpleRNN)               │ (None, 3)                   │             597 │", " Total params: 601"),
      // LSTM(4) on one id per step: 4·4·(1 + 4 + 1) = 96; head 5.
      (["--scalar-input", "--arch", "lstm", "--units", "4"], "│ lstm (LSTM)                          │ (None, 4)                   │              96 │", " Total params: 101"),
      (["--model", "Embedding(195,8) Bidirectional(GRU(4,return_sequences),ave) GlobalAveragePooling1D Dense(6,relu)"],
       "│ bidirectional (Bidirectional)        │ (None, 12, 4)               │             336 │\n├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n│ global_average_pooling1d             │ (None, 4)                   │               0 │\n│ (GlobalAveragePooling1D)             │                             │                 │",
       " Total params: 1,933"),
    ]
    for (flags, row, total) in cases {
      let result = try Mal.run(["train", "-o", model, "--epochs", "1", "--threads", "1"] + flags + [Self.ids])
      #expect(result.status == 0, "\(flags): \(result)")
      let summary = try Mal.run(["summary", model]).stdout
      #expect(summary.contains(row + "\n"), "\(flags):\n\(summary)")
      #expect(summary.contains(total + " ("), "\(flags):\n\(summary)")
      let evaluation = try Mal.run(["evaluate", model, Self.ids])
      #expect(evaluation.status == 0 && evaluation.stdout.hasPrefix("rows 240  loss "), "\(flags): \(evaluation)")
    }
  }

  @Test("--model mistakes and ids the input cannot take: message, exit code, no model file", arguments: [
    (["--model", "LSTM(8)"], "train: error: --model starts with LSTM, not an Embedding: say how ids become its input with --one-hot or --scalar-input, or start with Embedding(195,128)\n", Int32(64)),
    (["--model", "Embedding(195,8) LSTM(8) Dense(3,softmax)"], "train: error: --model ends with Dense(3, softmax) but the labels have 2 classes: end with Dense(1, sigmoid) or leave the head out and mal adds it\n", 64),
    (["--model", "Embedding(100,8) LSTM(8)"], "Corpora/sample-ko-ids.tsv:229:1: error: id 194 is too large for the model's input (100 Embedding rows, ids 0–99); raise --vocab-size or cap the vocabulary (mal vocab --max-size)\n", 65),
    (["--one-hot", "--vocab-size", "150"], "Corpora/sample-ko-ids.tsv:229:1: error: id 194 is too large for the model's input (150 one-hot columns, ids 0–149); raise --vocab-size or cap the vocabulary (mal vocab --max-size)\n", 65),
    (["--model", "Embedding(195,8) Dense(4,tanhh)"], "train: error: --model: column 26: Dense activation must be one of linear, relu, sigmoid, softmax, tanh, found 'tanhh'\n", 64),
    (["--model", "TFIDF(150)"], "Corpora/sample-ko-ids.tsv:229:1: error: id 194 is too large for the model's input (150 TFIDF columns, ids 0–149); raise --vocab-size or cap the vocabulary (mal vocab --max-size)\n", 65),
    (["--model", "Embedding(195,8) TFIDF(195)"], "train: error: --model: TFIDF can only be the first layer\n", 64),
    (["--model", "TFIDF(195) Dense(1,sigmoid)", "--loss", "squared_hinge"], "train: error: --model ends with Dense(1, sigmoid), but --loss squared_hinge scores a head without an activation: end with Dense(1) or leave the head out and mal adds it\n", 64),
    (["--loss", "squared_hinge", "--label-smoothing", "0.1"], "Error: --label-smoothing moves probabilities; --loss squared_hinge trains scores: choose one\n", 64),
    (["--kernel-l2", "-1"], "Error: --kernel-l2 must be 0 or more, got -1.0\n", 64),
        // The batch whose loss first becomes NaN depends on the host's BLAS kernels (2 on some, 3 on others).
    (["--lr", "1e38", "--optimizer", "sgd"], "train: error: the loss became NaN at epoch 1, batch ", 65),
  ])
  func badDefinitions(_ flags: [String], _ stderr: String, _ status: Int32) throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(["train", "-o", folder.path + "/m.safetensors", "--threads", "1"] + flags + [Self.ids])
    #expect(result.stderr.contains(stderr), "\(result)")
    #expect(result.status == status)
    #expect(folder.contents.isEmpty)
  }

  @Test("a linear SVM over TF-IDF bags takes raw text, writes scores decided at 0, and joins no probability ensemble")
  func linearModel() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/linear.safetensors"
    let trained = try Mal.run([
      "train", "-o", model, "--vocab", Self.vocab, "--split-particles", "--repeat", "2",
      "--model", "TFIDF(195) UnitNormalization", "--loss", "squared_hinge", "--kernel-l2", "1e-6", "--lr", "0.01",
      "--epochs", "5", "--threads", "1", Self.ids,
    ])
    #expect(trained.status == 0, "\(trained)")
    let predicted = try Mal.run(["predict", model, "Corpora/sample-ko.tsv"])
    let rows = predicted.rows.split(separator: "\n").dropFirst()
    #expect(predicted.rows.hasPrefix("id\tdocument\tlabel\tscore\tpredicted\n"), "\(predicted)")
    #expect(rows.count == 240)
    // Each row's label is its score's side of 0; on its own training rows the model is nearly always right.
    var right = 0
    for row in rows {
      let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
      let score = Double(fields[3])!, label = fields[4]
      #expect(label == (score >= 0 ? "1" : "0"), "\(row)")
      if label == fields[2] { right += 1 }
    }
    #expect(right >= 230)
    let all = try Mal.run(["predict", model, "--all", "Corpora/sample-ko.tsv"])
    #expect(all.rows.hasPrefix("id\tdocument\tlabel\tscore\tpredicted\tscore_0\tscore_1\n"), "\(all)")
    let evaluation = try Mal.run(["evaluate", model, "Corpora/sample-ko.tsv"])
    #expect(evaluation.stdout.hasPrefix("rows 240  loss 0."), "\(evaluation)")
    #expect(evaluation.stdout.contains("accuracy \(String(format: "%.4f", Double(right) / 240))"), "\(evaluation)")
    let summary = try Mal.run(["summary", model])
    #expect(summary.stdout.contains(" Loss: squared_hinge (outputs scores, not probabilities)\n"))
    let other = folder.path + "/bilstm.safetensors"
    #expect(try Mal.run(["train", "-o", other, "--vocab", Self.vocab, "--split-particles", "--repeat", "2", "--units", "4",
                         "--epochs", "1", "--threads", "1", Self.ids]).status == 0)
    let joined = try Mal.run(["ensemble", model, other, "-o", folder.path + "/e.safetensors"])
    #expect(joined.status != 0)
    #expect(joined.stderr.contains("outputs squared-hinge scores and \(model) probabilities") || joined.stderr.contains("outputs probabilities and \(model) squared-hinge scores"), "\(joined)")
  }

  @Test("--optimizer newton solves the linear model; --cross-validate chooses its penalty and records the choice")
  func newtonSolver() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/linear.safetensors"
    let common = ["--vocab", Self.vocab, "--split-particles", "--repeat", "2", "--model", "TFIDF(195, sublinear_tf, ignore_unseen) UnitNormalization",
                  "--loss", "squared_hinge", "--optimizer", "newton", "--threads", "1"]
    let trained = try Mal.run(["train", "-o", model] + common + ["--kernel-l2", "1e-4,1e-2,1", "--cross-validate", "3", Self.ids])
    #expect(trained.status == 0, "\(trained)")
    let lines = trained.stderr.split(separator: "\n").filter { $0.contains("3-fold cross-validation") }
    #expect(lines.count == 3 && lines.filter { $0.hasSuffix("(chosen)") }.count == 1, "\(trained.stderr)")
    #expect(trained.stderr.contains("newton: minimum found  loss "), "\(trained.stderr)")
    // The sample's reviews are separable: the weakest penalty scores best in every fold.
    #expect(lines[0].hasSuffix("--kernel-l2 0.0001  accuracy 1.0000  (chosen)"), "\(trained.stderr)")
    let summary = try Mal.run(["summary", model])
    #expect(summary.stdout.contains("\"optimizer\":\"newton\",\"learning_rate\":null,"), "\(summary)")
    #expect(summary.stdout.contains("\"kernel_l2\":0.0001,\"cross_validation\":{\"folds\":3,\"kernel_l2\":[0.0001,0.01,1],\"accuracy\":[1,"), "\(summary)")
    let evaluation = try Mal.run(["evaluate", model, "Corpora/sample-ko.tsv"])
    #expect(evaluation.status == 0 && evaluation.stdout.hasPrefix("rows 240  loss 0."), "\(evaluation)")
    // The same command gives the same file.
    let again = folder.path + "/again.safetensors"
    #expect(try Mal.run(["train", "-o", again] + common + ["--kernel-l2", "1e-4,1e-2,1", "--cross-validate", "3", Self.ids]).status == 0)
    #expect(FileManager.default.contents(atPath: model) == FileManager.default.contents(atPath: again))
    // What does not apply to the solver is refused before any work, with the reason.
    for (extra, message) in [
      (["--kernel-l2", "1e-4", "--epochs", "5"], "--epochs is for the step-by-step optimizers"),
      (["--kernel-l2", "1e-4,1e-2"], "--kernel-l2 takes several values only with --cross-validate"),
      (["--kernel-l2", "0"], "--optimizer newton needs --kernel-l2 λ > 0"),
      (["--kernel-l2", "1e-4", "--cross-validate", "1"], "--cross-validate must be at least 2 folds"),
    ] {
      let refused = try Mal.run(["train", "-o", folder.path + "/x.safetensors"] + common + extra + [Self.ids])
      #expect(refused.status != 0 && refused.stderr.contains(message), "\(extra): \(refused)")
      #expect(!FileManager.default.fileExists(atPath: folder.path + "/x.safetensors"))
    }
    let resumed = try Mal.run(["train", "-o", folder.path + "/x.safetensors", "--resume", model, "--epochs", "3", Self.ids])
    #expect(resumed.status != 0 && resumed.stderr.contains("was solved by --optimizer newton, which has no epochs to continue"), "\(resumed)")
    let adam = try Mal.run(["train", "-o", folder.path + "/x.safetensors", "--vocab", Self.vocab, "--split-particles", "--repeat", "2",
                            "--kernel-l2", "1e-4,1e-2", "--cross-validate", "3", Self.ids])
    #expect(adam.status != 0 && adam.stderr.contains("--cross-validate needs --optimizer newton"), "\(adam)")
    let recurrent = try Mal.run(["train", "-o", folder.path + "/x.safetensors", "--vocab", Self.vocab, "--split-particles", "--repeat", "2",
                                 "--optimizer", "newton", "--kernel-l2", "1e-4", "--loss", "squared_hinge", Self.ids])
    #expect(recurrent.status != 0 && recurrent.stderr.contains("--optimizer newton trains a linear model over TF-IDF bags"), "\(recurrent)")
  }

  @Test("with --vocab the model takes raw text: the same probabilities as the ids it was trained on")
  func rawText() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/m.safetensors"
    let trained = try Mal.run([
      "train", "-o", model, "--vocab", Self.vocab, "--split-particles", "--repeat", "2", "--units", "8",
      "--epochs", "3", "--threads", "1", Self.ids,
    ])
    #expect(trained.status == 0, "\(trained)")
    let fromText = try Mal.run(["predict", model, "Corpora/sample-ko.tsv"])
    let fromIds = try Mal.run(["predict", model, "--ids", Self.ids])
    #expect(fromText.status == 0 && fromIds.status == 0)
    func scores(_ output: String) -> [String] {
      output.split(separator: "\n").map { $0.split(separator: "\t").suffix(2).joined(separator: "\t") }
    }
    #expect(scores(fromText.rows).count == 241)
    #expect(scores(fromText.rows) == scores(fromIds.rows))
    #expect(fromText.rows.hasPrefix("id\tdocument\tlabel\tprobability\tpredicted\n9000001\t중간에 나가고 싶었다?\t0\t0."))
    // --all and --digits: both classes' probabilities, summing to 1, with 9 decimals.
    let all = try Mal.run(["predict", model, "--all", "--digits", "9"], input: "중간에 나가고 싶었다?\n")
    let fields = all.stdout.dropLast().split(separator: "\t")
    #expect(fields.count == 5 && fields[1].count == 11, "\(all)")
    #expect(fields[1] == fields[4] && abs(Double(fields[3])! + Double(fields[4])! - 1) < 2e-9)
    let textReport = try Mal.run(["evaluate", model, "Corpora/sample-ko.tsv"])
    let idReport = try Mal.run(["evaluate", model, "--ids", "--vocab", Self.vocab, Self.ids])
    #expect(textReport.status == 0 && textReport.stdout == idReport.stdout, "\(textReport)\n\(idReport)")
    let summary = try Mal.run(["summary", model]).stdout
    #expect(summary.contains(" Preprocessing: tokenize --split-particles --repeat 2 | vocab (195 tokens, "))
    #expect(summary.contains(") | pad --maxlen 12\n"))

    // A different vocabulary is refused, naming both.
    let other = folder.file("other.txt", "[PAD]\n[UNK]\n영화\n")
    let refused = try Mal.run(["evaluate", model, "--ids", "--vocab", other, Self.ids])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("other.txt: error: is a different vocabulary (3 tokens, "), "\(refused)")
    #expect(refused.stderr.contains(") from the one \(model) was trained with (195 tokens, "), "\(refused)")
  }

  @Test("--split-unknown: vocab cuts unknown tokens into known ones, and the model does the same to raw text")
  func splitUnknown() throws {
    let folder = TemporaryFolder()
    let vocab = folder.path + "/v.txt", model = folder.path + "/m.safetensors"
    let ids = try Mal.run(
      ["-o", "pipefail", "-c",
       "mal tokenize Corpora/sample-ko.tsv | mal vocab --save '\(vocab)' --max-size 80 --split-unknown | mal pad --maxlen 16 | tee '\(folder.path)/ids.tsv' | mal train -o '\(model)' --vocab '\(vocab)' --split-unknown --units 4 --epochs 1 --threads 1"],
      executable: "/bin/bash",
      environment: ["PATH": URL(fileURLWithPath: Mal.executable).deletingLastPathComponent().path + ":/usr/bin:/bin"])
    #expect(ids.status == 0, "\(ids)")
    // With 80 tokens most words are unknown; split, more ids are real tokens (above 1) than without, even cut to 16.
    let rows = try String(contentsOfFile: folder.path + "/ids.tsv", encoding: .utf8)
    let plain = try Mal.run(["-o", "pipefail", "-c", "mal tokenize Corpora/sample-ko.tsv | mal vocab --load '\(vocab)' | mal pad --maxlen 16"],
      executable: "/bin/bash", environment: ["PATH": URL(fileURLWithPath: Mal.executable).deletingLastPathComponent().path + ":/usr/bin:/bin"])
    func knownCount(_ text: String) -> Int {
      text.split(separator: "\n").filter { !$0.hasPrefix("#mal ") }.dropFirst().map {
        $0.split(separator: "\t", omittingEmptySubsequences: false)[1].split(separator: " ").filter { Int($0)! > 1 }.count
      }.reduce(0, +)
    }
    #expect(knownCount(rows) > knownCount(plain.stdout), "\(knownCount(rows)) vs \(knownCount(plain.stdout))")
    let summary = try Mal.run(["summary", model]).stdout
    #expect(summary.contains(", --split-unknown) | pad --maxlen 16\n"), "\(summary)")
    let fromText = try Mal.run(["predict", model, "Corpora/sample-ko.tsv"]).stdout
    let fromIds = try Mal.run(["predict", model, "--ids", folder.path + "/ids.tsv"]).stdout
    func scores(_ output: String) -> [Substring] {
      output.split(separator: "\n").filter { !$0.hasPrefix("#mal ") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false)[3] }
    }
    #expect(scores(fromText).count == 241 && scores(fromText) == scores(fromIds))
  }

  @Test("text given to a model that reads only ids: the error says why and what to do")
  func textToIdModel() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/m.safetensors"
    #expect(try Mal.run(["train", "-o", model, "--units", "4", "--epochs", "1", Self.ids]).status == 0)
    let hint = "; this model reads padded ids (mal tokenize | mal vocab --load V | mal pad --maxlen 12): its training rows named no saved vocabulary (no #mal line from mal vocab --save) and train had no --vocab, so it stores no tokenizer for raw text\n"
    for command in ["predict", "evaluate"] {
      let result = try Mal.run([command, model, "Corpora/sample-ko.tsv"])
      #expect(result.status == 65)
      #expect(result.stderr == "Corpora/sample-ko.tsv:2:9: error: expected an integer id, found '중간에'" + hint, "\(command)")
    }
  }

  @Test("ids beyond the model's input: predict and evaluate say so, with file and line")
  func idsBeyondInput() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/m.safetensors"
    #expect(try Mal.run(["train", "-o", model, "--one-hot", "--units", "4", "--epochs", "1", Self.ids]).status == 0)
    let rows = "id\tdocument\tlabel\n1\t0 0 0 0 0 0 0 0 0 0 3 4\t1\n2\t0 0 0 0 0 0 0 0 0 0 3 195\t0\n"
    let predicted = try Mal.run(["predict", model], input: rows)
    #expect(predicted.status == 65)
    #expect(predicted.stderr == "<stdin>:3:3: error: id 195 is beyond the model's input (195 ids): these ids come from a different vocabulary\n")
    let evaluated = try Mal.run(["evaluate", model], input: rows)
    #expect(evaluated.status == 65)
    #expect(evaluated.stderr == "<stdin>:3:1: error: id 195 is beyond the model's input (195 ids): these ids come from a different vocabulary\n")
    // A label the model does not know is reported on its own line, blank lines counted.
    let unknownLabel = try Mal.run(["evaluate", model], input: "id\tdocument\tlabel\n1\t0 0 0 0 0 0 0 0 0 0 3 4\t1\n\n2\t0 0 0 0 0 0 0 0 0 0 3 5\tpos\n")
    #expect(unknownLabel.status == 65)
    #expect(unknownLabel.stderr == "<stdin>:4:1: error: label 'pos' is not one the model knows (0, 1)\n")
  }

  @Test("a checkpoint resumed gives the same model file as one run, byte for byte")
  func resume() throws {
    let folder = TemporaryFolder()
    let common = ["--units", "8", "--threads", "1", "--validation-split", "0.25"]
    let straight = folder.path + "/straight.safetensors", resumed = folder.path + "/resumed.safetensors"
    let checkpoint = folder.path + "/ck.safetensors"
    #expect(try Mal.run(["train", "-o", straight, "--epochs", "3"] + common + [Self.ids]).status == 0)
    #expect(try Mal.run(["train", "-o", folder.path + "/first.safetensors", "--epochs", "2", "--checkpoint", checkpoint] + common + [Self.ids]).status == 0)
    let state = try SafeTensors.read(from: checkpoint)
    #expect(state.tensors.contains { $0.name == "optimizer/momentum/sequential/dense/kernel" })
    let second = try Mal.run(["train", "-o", resumed, "--epochs", "3", "--resume", checkpoint] + common + [Self.ids])
    #expect(second.status == 0)
    #expect(second.stderr.contains("train: resuming \(checkpoint) after epoch 2, step 6\n"), "\(second)")
    #expect(second.stderr.contains("epoch 3/3  loss "))
    let a = try SafeTensors.read(from: straight), b = try SafeTensors.read(from: resumed)
    #expect(a.tensors.map(\.name) == b.tensors.map(\.name))
    for (x, y) in zip(a.tensors, b.tensors) { #expect(x.tensor == y.tensor, "\(x.name)") }
    #expect(a.metadata == b.metadata)
    #expect(FileManager.default.contents(atPath: straight) == FileManager.default.contents(atPath: resumed))

    let done = try Mal.run(["train", "-o", resumed, "--epochs", "3", "--resume", resumed] + common + [Self.ids])
    #expect(done.status == 64)
    #expect(done.stderr == "train: error: \(resumed) has already trained 3 epochs; ask for more with --epochs\n")
  }

  @Test("--plot draws every epoch of training and validation, --history lists them, --validation reads a file")
  func plotAndHistory() throws {
    let folder = TemporaryFolder()
    // Validation rows: the last 40 of the sample, in their own file.
    let lines = try String(contentsOfFile: SharedData.repositoryRoot.appendingPathComponent(Self.ids).path, encoding: .utf8)
      .split(separator: "\n")
    let validation = folder.file("val.tsv", ([lines[0]] + lines.suffix(40)).joined(separator: "\n") + "\n")
    let result = try Mal.run([
      "train", "-o", folder.path + "/m.safetensors", "--epochs", "4", "--units", "4", "--threads", "1",
      "--validation", validation, "--plot", folder.path + "/c.svg", "--history", folder.path + "/h.csv", Self.ids,
    ])
    #expect(result.status == 0, "\(result)")
    #expect(result.stderr.contains("train: 240 rows of 12 ids, 40 for validation, 2 classes"))
    let csv = try String(contentsOfFile: folder.path + "/h.csv", encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 5 && csv[0] == "epoch,loss,accuracy,val_loss,val_accuracy,seconds,samples_per_second")
    #expect(csv[4].hasPrefix("4,") && csv[4].split(separator: ",").count == 7)
    let svg = try String(contentsOfFile: folder.path + "/c.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    // Two panels × (training, validation) lines of 4 points each.
    let polylines = svg.components(separatedBy: "<polyline points=\"").dropFirst()
    #expect(polylines.count == 4)
    for line in polylines { #expect(line.prefix { $0 != "\"" }.split(separator: " ").count == 4) }
    #expect(svg.contains(">validation</text>") && svg.contains(">loss</text>") && svg.contains(">accuracy</text>"))
  }

  @Test("--top lists the likeliest labels of a multi-class model")
  func top() throws {
    let folder = TemporaryFolder()
    let rows = folder.file("topics.tsv", "document\ttopic\n" + (0..<60).map { i in
      let topic = ["earn", "acq", "crude"][i % 3]
      let base = (i % 3) * 10 + 1
      return "\(base) \(base + 1) \(base + 2)\t\(topic)"
    }.joined(separator: "\n") + "\n")
    let model = folder.path + "/m.safetensors"
    #expect(try Mal.run(["train", "-o", model, "--epochs", "20", "--lr", "0.05", "--units", "8", "--threads", "1", rows]).status == 0)
    let result = try Mal.run(["predict", model, "--top", "2", "--ids"], input: "id\tdocument\n1\t1 2 3\n2\t21 22 23\n")
    #expect(result.status == 0)
    let out = result.rows.split(separator: "\n")
    try #require(out.count == 3, "\(result)")
    #expect(out[0] == "id\tdocument\tprobability\tlabel\ttop")
    let all = try Mal.run(["predict", model, "--all", "--ids"], input: "id\tdocument\n1\t1 2 3\n")
    #expect(all.rows.hasPrefix("id\tdocument\tprobability\tlabel\tp_acq\tp_crude\tp_earn\n"), "\(all)")
    #expect(out[1].hasPrefix("1\t1 2 3\t") && out[1].split(separator: "\t")[3] == "earn")
    #expect(out[1].split(separator: "\t")[4].hasPrefix("earn:") && out[1].split(separator: "\t")[4].split(separator: " ").count == 2)
    #expect(out[2].split(separator: "\t")[3] == "crude")
    let binary = try Mal.run(["predict", folder.path + "/none.safetensors", "--top", "0"])
    #expect(binary.status == 64)
  }
}

@Suite("mal train, interrupted")
struct TrainInterruptTests {
  @Test("Ctrl-C stops after a batch and saves the model and a checkpoint that --resume continues")
  func interrupt() throws {
    let folder = TemporaryFolder()
    let sample = try String(contentsOfFile: SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko-ids.tsv").path, encoding: .utf8)
    let rows = sample.split(separator: "\n").dropFirst()
    let input = folder.file("rows.tsv", "id\tdocument\tlabel\n" + String(repeating: rows.joined(separator: "\n") + "\n", count: 20))
    let model = folder.path + "/m.safetensors", checkpoint = folder.path + "/ck.safetensors"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Mal.executable)
    process.arguments = ["train", "-o", model, "--checkpoint", checkpoint, "--epochs", "50", "--units", "4", "--embedding-dim", "4", "--threads", "1", input]
    process.standardError = Pipe()
    try process.run()
    // The checkpoint appears after the first epoch; interrupt during a later one.
    var waited = 0
    while !FileManager.default.fileExists(atPath: checkpoint) && waited < 60_000 {
      usleep(1000)
      waited += 1
    }
    try #require(FileManager.default.fileExists(atPath: checkpoint))
    process.interrupt()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    let names = folder.contents.sorted()
    #expect(names == ["ck.safetensors", "m.safetensors", "rows.tsv"])
    let metadata = try SafeTensors.read(from: checkpoint).metadata
    #expect(metadata["mal.training"]?.contains("\"complete\":false") == true, "\(metadata)")
    let resumed = try Mal.run(["train", "-o", model, "--resume", checkpoint, "--epochs", "2", "--threads", "1", input])
    // Interrupted during epoch 2 or later: either epoch 2 runs again, or the checkpoint already has 2 epochs.
    #expect(resumed.status == 0 || resumed.stderr.contains("has already trained"), "\(resumed)")
  }

  @Test("--bptt reaches every recurrent layer of the model file")
  func bptt() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/m.safetensors"
    let result = try Mal.run(["train", "-o", model, "--bptt", "5", "--layers", "2", "--units", "4", "--epochs", "1", "Corpora/sample-ko-ids.tsv"])
    #expect(result.status == 0)
    let architecture = try #require(try SafeTensors.read(from: model).metadata["mal.model"])
    #expect(architecture.components(separatedBy: "\"bpttSteps\":5").count == 3, "\(architecture)")
  }
}
