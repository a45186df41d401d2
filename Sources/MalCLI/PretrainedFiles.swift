import ArgumentParser
import MalVocab
import MalWord2Vec

extension VectorFormat: ExpressibleByArgument {}

/// Reads a word2vec `.vec`/`.bin` file for `encode --embedding`, `train --embedding` and the `word2vec` queries,
/// and warns on standard error about repeated words, which keep their first vector (gensim warns the same way).
/// - Throws: `FileError`, or `InputError` for a malformed file.
func readWordVectors(_ path: String, format: VectorFormat? = nil) throws -> WordVectors {
  let vectors = try WordVectors.read(path: path, format: format)
  let repeats = vectors.duplicateCount
  if repeats > 0 {
    Diagnostics.write("\(path): warning: \(repeats) repeated word\(repeats == 1 ? "" : "s") kept their first vector\n")
  }
  return vectors
}

/// The tokens of a `--vocab` file in id order, read by MalVocab's one vocabulary reader (`vocab.txt`, or
/// `token<TAB>count` lines detected from the first line) without requiring `[PAD]` or `[UNK]`: the vectors' users
/// name their padding id themselves, and `word2vec train --vocab` only restricts the words it trains.
/// A subword `tokenizer.json` gives its pieces by id (vectors trained on `vocab --pieces` text match them).
/// - Throws: `FileError`, or `InputError` for an empty, repeated or spaced token.
func readVocabularyTokens(_ path: String) throws -> [String] {
  if let model = try subwordModel(path: path, kind: nil) { return model.tokens }
  return try Vocabulary.read(path: path, specialTokens: SpecialTokens(padding: nil, unknown: nil)).tokens
}
