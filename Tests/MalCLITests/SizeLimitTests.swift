import Foundation
import MalRecurrent
import MalStream
import MalTensor
import MalTestSupport
import Testing

/// Sizes from a file or a flag that would ask for more memory than there is: each gets an error naming the field or
/// flag, what it asks for and the budget, before anything is allocated, and leaves no output behind.
@Suite("sizes from files and flags")
struct SizeLimitTests {
  static let data = "Corpora/sample-ko-ids.tsv"
  static let budget = "the memory budget is \(MemoryBudget.standard) (half of physical memory)"
  static let padUsage = "Usage: mal pad [<options>] [<inputs> ...]\n  See 'mal pad --help' for more information.\n"
  static let encodeUsage = "Usage: mal encode [<options>] [<inputs> ...]\n  See 'mal encode --help' for more information.\n"

  /// `$DIR` in arguments and messages is the test's temporary folder, which holds `huge-input.mal` (a model file
  /// whose architecture claims an Embedding of 2^40 rows but stores one float), `long-rows.mal` (a model whose
  /// mal.maxlen is 2^40) and `ids.tsv` (an id of 2^31 − 1).
  static let cases = [
    ErrorCase(
      id: "train --embedding-dim 2000000000",
      arguments: ["train", "-o", "$DIR/m.mal", "--embedding-dim", "2000000000", data],
      message: "train: error: --embedding-dim 2000000000: the model's weights (largest: Bidirectional, 2000000000 → 128 features) would take 5.1 TiB; \(budget)\n",
      status: 64),
    ErrorCase(
      id: "train --units 100000",
      arguments: ["train", "-o", "$DIR/m.mal", "--units", "100000", data],
      message: "train: error: --units 100000: the model's weights (largest: Bidirectional, 128 → 200000 features) would take 298.4 GiB; \(budget)\n",
      status: 64),
    ErrorCase(
      id: "train --one-hot --vocab-size 3000000000",
      arguments: ["train", "-o", "$DIR/m.mal", "--one-hot", "--vocab-size", "3000000000", data],
      message: "train: error: --vocab-size 3000000000: the model's weights (largest: Bidirectional, 3000000000 → 128 features) would take 5.6 TiB; \(budget)\n",
      status: 64),
    ErrorCase(
      id: "train: an id of 2^31 - 1 in the rows",
      arguments: ["train", "-o", "$DIR/m.mal", "$DIR/ids.tsv"],
      message: "$DIR/ids.tsv:2:7: error: id 2147483647 is above 16777216 (2^24), the largest id a model's float input holds exactly; renumber the ids (mal vocab) or cap the vocabulary (--max-size)\n",
      status: 65),
    ErrorCase(
      id: "a model file whose input_dim is 2^40",
      arguments: ["predict", "$DIR/huge-input.mal", data],
      message: "$DIR/huge-input.mal: error: the architecture in 'mal.model' needs at least 4398046511368 weights but the file holds 1\n",
      status: 65),
    ErrorCase(
      id: "a model file whose maxlen is 2^40",
      arguments: ["predict", "$DIR/long-rows.mal", data],
      message: "$DIR/long-rows.mal: error: its mal.maxlen 1099511627776: 1 row of 1099511627776 steps × 24 activations + 1 per row would take 96.0 TiB; \(budget)\n",
      status: 65),
    ErrorCase(
      id: "pad --npy --maxlen 10^12",
      arguments: ["pad", "--npy", "$DIR/m.npy", "--maxlen", "1000000000000", data],
      message: "Error: --maxlen 1000000000000: one row of 1000000000000 ids would take 7.3 TiB; \(budget)\n" + padUsage,
      status: 64),
    ErrorCase(
      id: "word2vec train --dim 2000000000",
      arguments: ["word2vec", "train", "--dim", "2000000000", "--min-count", "1", "-o", "$DIR/v.vec", "Corpora/sample-mixed.txt"],
      message: "word2vec: error: --dim 2000000000: 86 words × 2000000000 dimensions (input, output and result vectors) would take 1.9 TiB; \(budget)\n",
      status: 64),
    ErrorCase(
      id: "/dev/zero as a model file",
      arguments: ["predict", "/dev/zero", data],
      message: "/dev/zero: error: not a valid safetensors file: at byte 8: header does not start with '{'\n",
      status: 65),
    ErrorCase(
      id: "encode --depth 2^62",
      arguments: ["encode", "--one-hot", "--depth", "4611686018427387904", data],
      message: "Error: --depth 4611686018427387904: one vector of 4611686018427387904 values would take more bytes than a 64-bit integer counts; \(budget)\n" + encodeUsage,
      status: 64),
  ]

  @Test("too large a size is an error that names it, and nothing is written", arguments: cases)
  func refused(_ row: ErrorCase) throws {
    let folder = TemporaryFolder()
    folder.file("ids.tsv", "id\tdocument\tlabel\n1\t1 2 2147483647\t0\n2\t3 4 5\t1\n")
    try Self.hugeInputModel().write(to: folder.path + "/huge-input.mal")
    try Self.longRowsModel().write(to: folder.path + "/long-rows.mal")
    func expand(_ text: String) -> String { text.replacingOccurrences(of: "$DIR", with: folder.path) }
    var expanded = row
    expanded.arguments = row.arguments.map(expand)
    expanded.message = expand(row.message)
    let result = try Mal.expect(expanded)
    #expect(result.stdout == "")
    #expect(folder.contents == ["huge-input.mal", "ids.tsv", "long-rows.mal"])
  }

  @Test("word2vec similar --top beyond the vocabulary lists every other word, as gensim does")
  func topBeyondVocabulary() throws {
    let folder = TemporaryFolder()
    let vectors = folder.file("small.vec", "3 2\nhi 1 0\nyo 1 0.5\nno 0 1\n")
    let result = try Mal.run(["word2vec", "similar", vectors, "hi", "--top", "99999999999"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "yo\t0.8944\nno\t0.0000\n")
  }

  /// A real model (Embedding 10 × 4, LSTM 4: 24 activations a step, and Dense 1: one a row) whose `mal.maxlen` says 2^40.
  static func longRowsModel() throws -> ModelFile {
    let model = try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 10, outputDimension: 4), LSTM(units: 4), Dense(units: 1, activation: .sigmoid),
    ])
    return ModelFile(model: model, metadata: ["mal.maxlen": "1099511627776", "mal.input": "ids", "mal.labels": #"["0","1"]"#])
  }

  /// A model file whose architecture claims an Embedding of 2^40 × 4 floats, with one float of weights.
  static func hugeInputModel() -> SafeTensors {
    let architecture = #"""
      {"input":{"tokens":{}},"layers":[{"className":"Embedding","inputDimension":1099511627776,"name":"embedding","outputDimension":4},{"className":"Bidirectional","layer":[{"className":"LSTM","name":"lstm","units":4}],"mergeMode":"concat","name":"bidirectional"},{"activation":"sigmoid","className":"Dense","name":"dense","units":1}],"name":"sequential"}
      """#
    return SafeTensors(
      tensors: [NamedTensor(name: "sequential/embedding/embeddings", tensor: Tensor(shape: [1], scalars: [0]))],
      metadata: ["format": "mal-model-2", "mal.model": architecture])
  }
}
