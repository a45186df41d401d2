import Foundation
import MalTestSupport
import Testing

/// A word2vec binary file laid out byte by byte, as word2vec.c writes it (a newline after each vector).
func word2vecBinary(_ entries: [(String, [Float])], dimension: Int) -> Data {
  var bytes = Array("\(entries.count) \(dimension)\n".utf8)
  for (word, vector) in entries {
    bytes += Array(word.utf8) + [0x20] + float32Bytes(vector) + [0x0A]
  }
  return Data(bytes)
}

@Suite("mal encode, run as a program")
struct EncodeCommandTests {
  @Test("one-hot: sparse positions by default, dense rows with --dense; depth inferred when omitted")
  func oneHot() throws {
    #expect(try Mal.run(["encode", "--one-hot", "--depth", "4"], input: "1 3\n2\n\n") == Mal.Result(stdout: "1 7\n2\n\n", stderr: "", status: 0))
    #expect(try Mal.run(["encode", "--one-hot", "--depth", "4", "--dense"], input: "1 3\n2 0\n").stdout == "0 1 0 0 0 0 0 1\n0 0 1 0 1 0 0 0\n")
    #expect(try Mal.run(["encode", "--one-hot", "--dense"], input: "1\n2\n").stdout == "0 1 0\n0 0 1\n")
  }

  @Test("bag of words: Keras texts_to_matrix modes, sparse column:value pairs or dense")
  func bag() throws {
    #expect(try Mal.run(["encode", "--bag", "count", "--depth", "5"], input: "3 1 3\n2\n").stdout == "1:1 3:2\n2:1\n")
    #expect(try Mal.run(["encode", "--bag", "binary", "--depth", "5", "--dense"], input: "3 1 3\n").stdout == "0 1 0 1 0\n")
    #expect(try Mal.run(["encode", "--bag", "freq", "--depth", "5"], input: "3 1 3 4\n").stdout == "1:0.25 3:0.5 4:0.25\n")
    // tfidf over the input itself: 2 documents; id 1 in 1 of them, id 2 in 2. (1+ln c)·ln(1 + 2/(1+df)).
    let tfidf = try Mal.run(["encode", "--bag", "tfidf"], input: "1 1 2\n2\n")
    #expect(tfidf.stdout == "1:\((1 + log(2.0)) * log(2.0)) 2:\(log(1 + 2.0 / 3))\n2:\(log(1 + 2.0 / 3))\n")
    let folder = TemporaryFolder()
    let train = folder.file("train.txt", "1 2\n2 3\n3\n")
    let heldOut = try Mal.run(["encode", "--bag", "tfidf", "--depth", "4", "--idf-from", train, "--oov-id", "1"], input: "1 3\n")
    #expect(heldOut.stdout == "1:\(log(4.0)) 3:\(log(2.0))\n")
  }

  @Test("labels to one-hot, beside the ids or alone")
  func labels() throws {
    let input = "text\tlabel\n1 2\t2\n3\t0\n"
    #expect(try Mal.run(["encode", "--labels", "one-hot", "--classes", "3", "--plain"], input: input).stdout == "text\tlabel\n1 2\t0 0 1\n3\t1 0 0\n")
    #expect(try Mal.run(["encode", "--labels", "one-hot", "--one-hot", "--plain"], input: input).stdout == "text\tlabel\n1 6\t0 0 1\n3\t1 0 0\n")
    #expect(try Mal.run(["encode", "--labels", "one-hot", "--label-column", "1", "--column", "2", "--plain"], input: "y\tids\n1\t5\n").stdout == "y\tids\n0 1\t5\n")
  }

  @Test("embedding from .vec and .bin: vectors by id, zeros or the mean for missing tokens, coverage, repeated words")
  func embedding() throws {
    let folder = TemporaryFolder()
    let vocab = folder.file("vocab.txt", "[PAD]\n[UNK]\n영화\n좋다\n")
    let vec = folder.file("v.vec", "3 2\n영화 0.5 -1\n좋다 2 3\nthe 1 1\n")
    FileManager.default.createFile(atPath: folder.path + "/v.bin", contents: word2vecBinary([("영화", [0.5, -1]), ("좋다", [2, 3]), ("the", [1, 1])], dimension: 2))
    for vectors in [vec, folder.path + "/v.bin"] {
      let result = try Mal.run(["encode", "--embedding", vectors, "--vocab", vocab, "--plain"], input: "id\tdocument\n7\t0 2 3\n8\t1\n")
      #expect(result == Mal.Result(
        stdout: "id\tdocument\n7\t0 0 0.5 -1 2 3\n8\t0 0\n",
        stderr: "coverage: 2 of 3 vocabulary entries have a vector (66.7%); the others get zeros, padding id 0 gets zeros\n", status: 0))
    }
    let mean = try Mal.run(["encode", "--embedding", vec, "--vocab", vocab, "--missing", "mean"], input: "1 0\n")
    #expect(mean.stdout == "\(Float(3.5) / 3) 1 0 0\n")
    #expect(mean.stderr == "coverage: 2 of 3 vocabulary entries have a vector (66.7%); the others get the mean vector, padding id 0 gets zeros\n")
    let twice = folder.file("twice.vec", "3 2\n영화 0.5 -1\n좋다 2 3\n영화 9 9\n")
    #expect(try Mal.run(["encode", "--embedding", twice, "--vocab", vocab], input: "2\n") == Mal.Result(
      stdout: "0.5 -1\n",
      stderr: "\(twice): warning: 1 repeated word kept their first vector\n"
        + "coverage: 2 of 3 vocabulary entries have a vector (66.7%); the others get zeros, padding id 0 gets zeros\n",
      status: 0), "a repeated word keeps its first vector, with one warning")
  }

  @Test(".npy output: one-hot 3-D, bag 2-D, embedding 3-D, one-hot labels")
  func npy() throws {
    let folder = TemporaryFolder()
    let x = folder.path + "/x.npy", y = folder.path + "/y.npy"
    let oneHot = try Mal.run(["encode", "--one-hot", "--depth", "3", "--npy", x, "--labels", "one-hot", "--labels-npy", y], input: "ids\tlabel\n1 2\t1\n0 0\t0\n")
    #expect(oneHot == Mal.Result(stdout: "", stderr: "", status: 0))
    let a = try readNpy(x)
    #expect(a.header == "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 3), }")
    #expect(a.data == float32Bytes([0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0]))
    let b = try readNpy(y)
    #expect(b.header == "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }")
    #expect(b.data == float32Bytes([0, 1, 1, 0]))
    #expect(try Mal.run(["encode", "--bag", "count", "--npy", x, "--dtype", "float64"], input: "2 2\n\n1\n").status == 0)
    let c = try readNpy(x)
    #expect(c.header == "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }")
    #expect(c.data.count == 72 && c.data[16..<24] == [0, 0, 0, 0, 0, 0, 0, 0x40])
    let vocab = folder.file("vocab.txt", "[PAD]\n영화\n")
    let vec = folder.file("v.vec", "1 2\n영화 0.5 -1\n")
    #expect(try Mal.run(["encode", "--embedding", vec, "--vocab", vocab, "--npy", x], input: "1\n0\n").status == 0)
    let d = try readNpy(x)
    #expect(d.header == "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2), }")
    #expect(d.data == float32Bytes([0.5, -1, 0, 0]))
  }

  static let usage = "Usage: mal encode [<options>] [<inputs> ...]\n  See 'mal encode --help' for more information.\n"

  static let errors: [ErrorCase] = [
    ErrorCase(id: "id at depth", arguments: ["encode", "--one-hot", "--depth", "4"], input: "1 3\n2 4\n",
              message: "<stdin>:2:3: error: id 4 is out of range for --depth 4 (ids must be 0…3)\n", status: 65),
    ErrorCase(id: "not an id", arguments: ["encode", "--bag", "count"], input: "1 b\n",
              message: "<stdin>:1:3: error: expected an integer id, found 'b'\n", status: 65),
    ErrorCase(id: "negative id", arguments: ["encode", "--one-hot", "--depth", "9"], input: "-1\n",
              message: "<stdin>:1:1: error: ids cannot be negative, found '-1'\n", status: 65),
    ErrorCase(id: "label at classes", arguments: ["encode", "--labels", "one-hot", "--classes", "2"], input: "text\tlabel\n1\t1\n1\t2\n",
              message: "<stdin>:3:3: error: label 2 is out of range for --classes 2 (labels must be 0…1)\n", status: 65),
    ErrorCase(id: "label not an integer", arguments: ["encode", "--labels", "one-hot"], input: "text\tlabel\n1\tpos\n",
              message: "<stdin>:2:3: error: expected an integer label, found 'pos'; use --labels-dtype float32 for real-valued labels\n", status: 65),
    ErrorCase(id: "labels of plain text", arguments: ["encode", "--labels", "one-hot", "--classes", "2"], input: "1 2\n",
              message: "<stdin>:1:1: error: labels need TSV input with a label column; this input is plain text\n", status: 65),
    ErrorCase(id: "nothing to do", arguments: ["encode"], input: "",
              message: "Error: nothing to encode: give --one-hot, --bag, --embedding or --labels\n" + usage, status: 64),
    ErrorCase(id: "two encodings", arguments: ["encode", "--one-hot", "--bag", "count"], input: "",
              message: "Error: choose one of --one-hot, --bag and --embedding\n" + usage, status: 64),
    ErrorCase(id: "embedding without vocab", arguments: ["encode", "--embedding", "v.vec"], input: "",
              message: "Error: --embedding needs --vocab to know which token each id is\n" + usage, status: 64),
    ErrorCase(id: "depth 0", arguments: ["encode", "--one-hot", "--depth", "0"], input: "",
              message: "Error: --depth must be at least 1, got 0\n" + usage, status: 64),
    ErrorCase(id: "idf-from without tfidf", arguments: ["encode", "--bag", "count", "--idf-from", "a"], input: "",
              message: "Error: --idf-from and --oov-id apply to --bag tfidf only\n" + usage, status: 64),
    ErrorCase(id: "missing vectors file", arguments: ["encode", "--embedding", "no/such.vec", "--vocab", "no/vocab.txt"], input: "",
              message: "no/such.vec: error: cannot open for reading: No such file or directory\n", status: 1),
  ]

  @Test("bad input and bad options: message, exit code", arguments: errors)
  func error(_ c: ErrorCase) throws {
    try Mal.expect(c)
  }

  // A malformed vector file: PretrainedEmbeddingTests.malformedVectors checks encode and train give one message.
  @Test("ids outside the --embedding vocabulary name the place")
  func vectorErrors() throws {
    let folder = TemporaryFolder()
    let vocab = folder.file("vocab.txt", "[PAD]\n영화\n")
    let good = folder.file("good.vec", "1 1\n영화 1\n")
    let outside = try Mal.run(["encode", "--embedding", good, "--vocab", vocab], input: "1\n1 2\n")
    #expect(outside.status == 65)
    #expect(outside.stderr.hasSuffix("<stdin>:2:3: error: id 2 is not in the vocabulary (--vocab has 2 tokens, ids 0…1)\n"))
  }

  @Test("rows of different lengths cannot form a 3-D .npy; nothing is left behind")
  func ragged() throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(["encode", "--one-hot", "--depth", "5", "--npy", folder.path + "/x.npy"], input: "1 2\n3 4\n1\n")
    #expect(result == Mal.Result(stdout: "", stderr: "<stdin>:3:1: error: this row has 1 ids but the first row has 2; pad the rows first (mal pad --maxlen N)\n", status: 65))
    #expect(folder.contents.isEmpty)
  }
}
