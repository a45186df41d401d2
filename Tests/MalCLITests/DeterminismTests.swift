import Foundation
import MalTestSupport
import Testing

/// Same input, same seed, same thread count: the same bytes, run after run (docs/reliability.md, "Determinism").
/// `train` with one thread and `word2vec train --threads 1` are also checked in their own suites.
@Suite("determinism")
struct DeterminismTests {
  func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  @Test("vocab --save: the same vocabulary file and ids on every run, from files or from a pipe")
  func vocabulary() throws {
    let folder = TemporaryFolder()
    let input = SharedData.hasCorpora ? SharedData.corpora + "/nsmc/ratings_test.txt" : "Corpora/sample-ko.tsv"
    let tokens = try Mal.run(["tokenize", input])
    #expect(tokens.status == 0)
    var outputs: [String] = []
    for run in 1...2 {
      let result = try Mal.run(["vocab", "--save", folder.path + "/v\(run).txt", "--max-size", "5000"], input: tokens.stdout)
      #expect(result.status == 0, "\(result.stderr)")
      outputs.append(Mal.withoutProvenance(result.stdout))
    }
    #expect(outputs[0] == outputs[1])
    #expect(bytes(folder.path + "/v1.txt") == bytes(folder.path + "/v2.txt"))
    #expect(bytes(folder.path + "/v1.txt")?.isEmpty == false)
  }

  @Test("train: with two threads too, the same seed gives a byte-identical model file")
  func trainTwoThreads() throws {
    let folder = TemporaryFolder()
    for run in 1...2 {
      let result = try Mal.run([
        "train", "--epochs", "2", "--units", "8", "--embedding-dim", "8", "--seed", "11", "--threads", "2",
        "-o", folder.path + "/m\(run).safetensors", "Corpora/sample-ko-ids.tsv",
      ])
      #expect(result.status == 0, "\(result.stderr)")
    }
    let first = bytes(folder.path + "/m1.safetensors")
    #expect(first != nil && first == bytes(folder.path + "/m2.safetensors"))
  }

  @Test("word2vec train: two seeds give two files, one seed the same file (one thread)")
  func word2vecSeeds() throws {
    let folder = TemporaryFolder()
    func train(_ name: String, seed: Int) throws {
      let result = try Mal.run([
        "word2vec", "train", "--min-count", "1", "--dim", "8", "--epochs", "2", "--threads", "1", "--seed", "\(seed)",
        "-o", folder.path + "/" + name, "Corpora/sample-mixed.txt",
      ])
      #expect(result.status == 0, "\(result.stderr)")
    }
    try train("a.vec", seed: 1)
    try train("b.vec", seed: 1)
    try train("c.vec", seed: 2)
    #expect(bytes(folder.path + "/a.vec") == bytes(folder.path + "/b.vec"))
    #expect(bytes(folder.path + "/a.vec") != bytes(folder.path + "/c.vec"), "the seed must change the vectors")
  }
}
