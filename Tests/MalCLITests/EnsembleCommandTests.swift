import Foundation
import MalModel
import MalTestSupport
import Testing

/// `mal ensemble`: models joined into one file whose probabilities are the weighted mean of theirs.
@Suite("mal ensemble")
struct EnsembleCommandTests {
  static let ids = "Corpora/sample-ko-ids.tsv"
  static let vocab = "Corpora/sample-ko-vocab.txt"
  static let path = ["PATH": URL(fileURLWithPath: Mal.executable).deletingLastPathComponent().path + ":/usr/bin:/bin"]

  /// Trains a small model on the sample's id rows (`extra` adds flags: `--vocab` makes it take raw text).
  static func train(_ model: String, seed: Int, _ extra: [String] = [], rows: String = ids) throws {
    let result = try Mal.run(
      ["train", "-o", model, "--units", "4", "--epochs", "2", "--threads", "1", "--seed", String(seed), rows] + extra)
    #expect(result.status == 0, "\(result)")
  }

  /// Runs a shell pipeline of mal stages.
  static func shell(_ pipeline: String) throws -> Mal.Result {
    try Mal.run(["-o", "pipefail", "-c", pipeline], executable: "/bin/bash", environment: path)
  }

  /// The last column of `predict --all --digits 9`: each row's probability of class 1.
  static func probabilities(_ model: String, _ arguments: [String] = ["Corpora/sample-ko.tsv"]) throws -> [Double] {
    let result = try Mal.run(["predict", model, "--all", "--digits", "9"] + arguments)
    #expect(result.status == 0, "\(result)")
    return result.rows.split(separator: "\n").dropFirst().map { Double($0.split(separator: "\t").last!)! }
  }

  @Test("raw text: members of different units each read it their own way, and the probabilities are the weighted mean")
  func weightedMean() throws {
    let folder = TemporaryFolder()
    let words = folder.path + "/words.safetensors", pieces = folder.path + "/pieces.safetensors"
    let ensemble = folder.path + "/e.safetensors", nested = folder.path + "/n.safetensors"
    try Self.train(words, seed: 1, ["--vocab", Self.vocab, "--split-particles", "--repeat", "2"])
    let bpe = try Self.shell(
      "mal tokenize Corpora/sample-ko.tsv | mal vocab --subword bpe --max-size 300 --save '\(folder.path)/p.json' | mal pad --maxlen 20 | mal train -o '\(pieces)' --units 4 --epochs 2 --threads 1 --seed 2")
    #expect(bpe.status == 0, "\(bpe)")
    let joined = try Mal.run(["ensemble", words, pieces, "-o", ensemble, "--weights", "1,3"])
    #expect(joined == Mal.Result(stdout: "", stderr: "", status: 0))

    let a = try Self.probabilities(words), b = try Self.probabilities(pieces), e = try Self.probabilities(ensemble)
    #expect(a.count == 240 && b.count == 240 && e.count == 240)
    let worst = zip(e, zip(a, b)).map { abs($0 - (0.25 * $1.0 + 0.75 * $1.1)) }.max()!
    #expect(worst < 1e-6, "largest difference \(worst)")
    #expect(zip(a, b).contains { abs($0 - $1) > 1e-3 }, "the members should differ")

    let report = try Mal.run(["evaluate", ensemble, "Corpora/sample-ko.tsv"])
    #expect(report.status == 0 && report.stdout.hasPrefix("rows 240  loss "), "\(report)")
    let summary = try Mal.run(["summary", ensemble]).stdout
    #expect(summary.hasPrefix("Ensemble of 2 models: predict and evaluate average their probabilities.\n\nMember 1 of 2, from \(words), weight 0.2500:\n"))
    #expect(summary.contains("\nMember 2 of 2, from \(pieces), weight 0.7500:\n"))
    #expect(summary.contains(" Preprocessing: tokenize --split-particles --repeat 2 | vocab (195 tokens, "))
    #expect(summary.contains(" Preprocessing: tokenize | vocab --subword bpe (300 pieces, "), "\(summary)")

    // An ensemble given to mal ensemble joins with its members, each with its share of the weight.
    #expect(try Mal.run(["ensemble", ensemble, words, "-o", nested]).status == 0)
    let members = try Mal.run(["summary", nested]).stdout.split(separator: "\n").filter { $0.hasPrefix("Member ") }
    #expect(members == [
      "Member 1 of 3, from \(words), weight 0.1250:", "Member 2 of 3, from \(pieces), weight 0.3750:",
      "Member 3 of 3, from \(words), weight 0.5000:",
    ])
    let n = try Self.probabilities(nested)
    #expect(zip(n, zip(a, b)).map { abs($0 - (0.625 * $1.0 + 0.375 * $1.1)) }.max()! < 1e-6)

    // From Swift: Model reads the ensemble file and gives the same probabilities.
    let model = try Model(path: ensemble)
    #expect(model.takesRawText && model.labels == ["0", "1"])
    let p = try model.predict(["중간에 나가고 싶었다?"])[0].probabilities[1]
    #expect(abs(Double(p) - e[0]) < 1e-6)

    // Rows of ids fit no member here: each member has its own vocabulary.
    let ids = try Mal.run(["evaluate", ensemble, "--ids", Self.ids])
    #expect(ids.status == 65 && ids.stderr.contains("error: holds rows of ids, but the members of \(ensemble) read rows of different lengths (12, 20): give it raw text"), "\(ids)")
  }

  @Test("models that read ids join when they read rows of one length")
  func idRows() throws {
    let folder = TemporaryFolder()
    let a = folder.path + "/a.safetensors", b = folder.path + "/b.safetensors", e = folder.path + "/e.safetensors"
    try Self.train(a, seed: 1)
    try Self.train(b, seed: 2)
    #expect(try Mal.run(["ensemble", a, b, "-o", e]).status == 0)
    let pa = try Self.probabilities(a, [Self.ids]), pb = try Self.probabilities(b, [Self.ids])
    let pe = try Self.probabilities(e, [Self.ids])
    #expect(pe.count == 240)
    #expect(zip(pe, zip(pa, pb)).map { abs($0 - ($1.0 + $1.1) / 2) }.max()! < 1e-6)
    let report = try Mal.run(["evaluate", e, Self.ids])
    #expect(report.status == 0 && report.stdout.hasPrefix("rows 240  loss "), "\(report)")
    // Raw text to an ensemble of id models: the same hint as for one such model.
    let text = try Mal.run(["predict", e, "Corpora/sample-ko.tsv"])
    #expect(text.status == 65 && text.stderr.contains("this model reads padded ids (mal tokenize | mal vocab --load V | mal pad --maxlen 12)"), "\(text)")
  }

  @Test("models that cannot be averaged are refused, naming the file, and nothing is written")
  func refused() throws {
    let folder = TemporaryFolder()
    let a = folder.path + "/a.safetensors", text = folder.path + "/text.safetensors"
    let named = folder.path + "/named.safetensors", short = folder.path + "/short.safetensors"
    let out = folder.path + "/e.safetensors"
    try Self.train(a, seed: 1)
    try Self.train(text, seed: 1, ["--vocab", Self.vocab])
    // The same rows with labels named neg and pos, and with the last 8 ids of each row.
    let rows = try String(contentsOfFile: SharedData.repositoryRoot.appendingPathComponent(Self.ids).path, encoding: .utf8)
    var renamed = "", cut = ""
    for (index, line) in rows.split(separator: "\n").enumerated() {
      var fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      if index > 0 {
        fields[fields.count - 1] = fields.last == "1" ? "pos" : "neg"
      }
      renamed += fields.joined(separator: "\t") + "\n"
      if index > 0 {
        fields[fields.count - 1] = line.split(separator: "\t").last.map(String.init)!
        fields[1] = fields[1].split(separator: " ").suffix(8).joined(separator: " ")
      }
      cut += fields.joined(separator: "\t") + "\n"
    }
    try Self.train(named, seed: 1, rows: folder.file("named.tsv", renamed))
    try Self.train(short, seed: 1, rows: folder.file("short.tsv", cut))
    let usage = "Usage: mal ensemble <model> ... --output <output> [--weights <w,w,…>]\n  See 'mal ensemble --help' for more information.\n"
    let cases: [([String], String, Int32)] = [
      ([a], "Error: give two or more model files to join; got 1\n" + usage, 64),
      ([a, a, "--weights", "1,0"], "Error: --weights: '0' is not a positive number\n" + usage, 64),
      ([a, a, "--weights", "1"], "Error: --weights gives 1 weights for 2 models\n" + usage, 64),
      ([a, named], "\(named): error: has the labels neg, pos, but \(a) has 0, 1: the members must have the same labels in the same order\n", 65),
      ([a, text], "\(text): error: takes raw text, but \(a) reads padded ids: the members must all take raw text or all read the same ids\n", 65),
      ([a, short], "\(short): error: reads rows of 8 ids, but \(a) rows of 12: members that read ids must read rows of one length\n", 65),
      ([a, folder.path + "/missing.safetensors"], "\(folder.path)/missing.safetensors: error: cannot open for reading: No such file or directory\n", 1),
    ]
    for (models, message, status) in cases {
      let result = try Mal.run(["ensemble", "-o", out] + models)
      #expect(result.stderr == message && result.status == status, "\(models): \(result)")
      #expect(!FileManager.default.fileExists(atPath: out))
    }
    // An ensemble is not a model to continue training.
    #expect(try Mal.run(["ensemble", a, a, "-o", out]).status == 0)
    let resumed = try Mal.run(["train", "-o", folder.path + "/r.safetensors", "--resume", out, "--epochs", "3", Self.ids])
    #expect(resumed.status == 65)
    #expect(resumed.stderr == "\(out): error: it is an ensemble of models (mal ensemble wrote it), not one model; give one of the model files it was made of\n", "\(resumed)")
  }
}
