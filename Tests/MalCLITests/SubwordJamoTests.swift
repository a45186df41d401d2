import Foundation
import MalTestSupport
import Testing

/// `vocab --subword KIND --jamo`: pieces learned over decomposed Hangul (NFD), a tokenizer.json that says so, NFD
/// input that gives the same ids as syllables, and decoding that recomposes them.
@Suite("vocab --jamo")
struct SubwordJamoTests {
  static let sample = SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko.tsv").path

  /// Whether `text` has a precomposed Hangul syllable (U+AC00–U+D7A3).
  static func hasSyllable(_ text: String) -> Bool { text.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) } }
  /// Whether `text` has a conjoining jamo (U+1100–U+11FF).
  static func hasJamo(_ text: String) -> Bool { text.unicodeScalars.contains { (0x1100...0x11FF).contains($0.value) } }

  @Test("pieces are jamo, NFD input gives the ids of syllables, decode recomposes", arguments: ["bpe", "wordpiece", "unigram"])
  func jamoPieces(_ kind: String) throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/j.json"
    let tokens = try Mal.run(["tokenize", "--plain", "--threads", "1", Self.sample])
    #expect(tokens.status == 0)
    let trained = try Mal.run(["vocab", "--save", model, "--subword", kind, "--max-size", "300", "--jamo", "--plain"], input: tokens.stdout)
    #expect(trained.status == 0, "\(trained.stderr)")
    let json = try String(contentsOfFile: model, encoding: .utf8)
    #expect(json.contains(#""normalizer":{"type":"NFD"}"#))

    let text = "영화 정말 재밌다\n"
    let pieces = try Mal.run(["vocab", "--load", model, "--pieces", "--plain"], input: text)
    #expect(pieces.status == 0 && Self.hasJamo(pieces.stdout) && !Self.hasSyllable(pieces.stdout), "\(pieces)")

    // The same words in NFD (what a BERT pipeline with strip_accents hands on) get the same ids, not [UNK]s.
    let syllables = try Mal.run(["vocab", "--load", model, "--plain"], input: text)
    let decomposed = try Mal.run(["vocab", "--load", model, "--plain"], input: text.decomposedStringWithCanonicalMapping)
    #expect(syllables.status == 0 && syllables.stdout == decomposed.stdout, "\(syllables) \(decomposed)")
    let ids = syllables.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" })
    #expect(!ids.isEmpty && !ids.contains("1"), "no [UNK] (id 1): \(syllables.stdout)")

    let decoded = try Mal.run(["vocab", "decode", "--load", model, "--plain"], input: syllables.stdout)
    #expect(decoded.status == 0, "\(decoded)")
    if kind != "bpe" {  // (plain BPE marks no word boundary: its pieces come out apart)
      #expect(decoded.stdout == "영화 정말 재밌다\n", "\(decoded)")
    }
  }

  @Test("--jamo needs --subword and a tokenizer.json, and is not given with --load")
  func refusals() throws {
    let folder = TemporaryFolder()
    let tokens = "id\tdocument\n1\t영화 좋다\n"
    let noKind = try Mal.run(["vocab", "--save", folder.path + "/v.txt", "--jamo"], input: tokens)
    #expect(noKind.status == 64 && noKind.stderr.contains("--jamo learns subword pieces over jamo: add --subword KIND"), "\(noKind)")
    let model = try Mal.run(["vocab", "--save", folder.path + "/u.model", "--subword", "unigram", "--jamo"], input: tokens)
    #expect(model.status == 64 && model.stderr.contains("only a tokenizer.json can say"), "\(model)")
    let load = try Mal.run(["vocab", "--load", folder.path + "/x.json", "--jamo"], input: tokens)
    #expect(load.status == 64 && load.stderr.contains("drop --jamo with --load"), "\(load)")
    #expect(!folder.contents.contains("u.model") && !folder.contents.contains("v.txt"))
  }
}

/// `vocab --load U --sample ALPHA --seed N`: sentencepiece's subword regularization with a Unigram vocabulary.
@Suite("vocab --sample")
struct SubwordSamplingTests {
  @Test("sampled cuts are pieces of the same words, vary with the seed, repeat with it for any thread count, approach the best cut as alpha grows")
  func sampling() throws {
    let folder = TemporaryFolder()
    let model = folder.path + "/u.json"
    let tokens = try Mal.run(["tokenize", "--plain", "--threads", "1", SubwordJamoTests.sample])
    #expect(try Mal.run(["vocab", "--save", model, "--subword", "unigram", "--max-size", "400", "--plain"], input: tokens.stdout).status == 0)
    let best = try Mal.run(["vocab", "--load", model, "--plain", "--pieces", "--threads", "1"], input: tokens.stdout)
    func sampled(_ alpha: String, seed: String, threads: String = "1") throws -> String {
      let result = try Mal.run(["vocab", "apply", "--load", model, "--plain", "--pieces", "--sample", alpha, "--seed", seed, "--threads", threads], input: tokens.stdout)
      #expect(result.status == 0, "\(result.stderr)")
      return result.stdout
    }
    let one = try sampled("0.1", seed: "1"), again = try sampled("0.1", seed: "1", threads: "3"), other = try sampled("0.1", seed: "2")
    #expect(one == again, "the same seed, 1 and 3 threads")
    #expect(one != other && one != best.stdout, "another seed, or the best cut, differ")
    // Every sampled row spells the same words: pieces glued at ▁ give the tokens back.
    // (By scalars: `▁` followed by an emoji modifier is one Character.)
    func words(_ rows: String) -> [[Unicode.Scalar]] {
      rows.split(separator: "\n").map { row in row.unicodeScalars.filter { $0 != " " }.map { $0 == "▁" ? " " : $0 } }
    }
    #expect(words(one) == words(best.stdout))
    // A large alpha puts nearly all the weight on the best cut.
    let sharp = try sampled("50", seed: "3")
    let sameRows = zip(sharp.split(separator: "\n"), best.stdout.split(separator: "\n")).filter { $0 == $1 }.count
    #expect(Double(sameRows) >= 0.95 * Double(best.stdout.split(separator: "\n").count), "\(sameRows) rows as the best cut")
    // More pieces per word at a small alpha than at the best cut.
    #expect(one.split(separator: " ").count > best.stdout.split(separator: " ").count)
  }

  @Test("--sample needs a Unigram vocabulary, an alpha above 0, and --load")
  func refusals() throws {
    let folder = TemporaryFolder()
    let tokens = "id\tdocument\n1\t영화 좋다\n"
    let bpe = folder.path + "/b.json"
    #expect(try Mal.run(["vocab", "--save", bpe, "--subword", "bpe", "--max-size", "40"], input: tokens).status == 0)
    let notUnigram = try Mal.run(["vocab", "apply", "--load", bpe, "--sample", "0.1"], input: tokens)
    #expect(notUnigram.status == 64 && notUnigram.stderr.contains("--sample draws among the segmentations of a Unigram vocabulary; \(bpe) is a bpe vocabulary"), "\(notUnigram)")
    let zero = try Mal.run(["vocab", "apply", "--load", bpe, "--sample", "0"], input: tokens)
    #expect(zero.status == 64 && zero.stderr.contains("--sample takes an alpha above 0, got 0.0"), "\(zero)")
    let seedAlone = try Mal.run(["vocab", "apply", "--load", bpe, "--seed", "3"], input: tokens)
    #expect(seedAlone.status == 64 && seedAlone.stderr.contains("--seed is the seed of --sample"), "\(seedAlone)")
    let save = try Mal.run(["vocab", "--save", folder.path + "/v.txt", "--sample", "0.1"], input: tokens)
    #expect(save.status == 64 && save.stderr.contains("give --load FILE"), "\(save)")
  }
}
