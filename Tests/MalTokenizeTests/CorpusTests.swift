import Foundation
import MalStream
import MalTestSupport
import MalTokenize
import Testing

/// Word mode on the real NSMC reviews: `MAL_CORPORA`, default `../shared/corpora`.
@Suite("NSMC corpus", .enabled(if: SharedData.hasCorpora, "needs ../shared/corpora/nsmc (set MAL_CORPORA)"))
struct CorpusTests {
  static func documents(limit: Int = .max) throws -> [String] {
    let reader = RecordReader(inputs: [SharedData.corpora + "/nsmc/ratings_test.txt"])
    var documents: [String] = []
    try reader.forEachRecord(header: { _ in }) { record in
      documents.append(String(decoding: record.value, as: UTF8.self))
      return documents.count < limit
    }
    return documents
  }

  @Test("the first reviews of ratings_test.txt")
  func firstReviews() throws {
    let tokenizer = Tokenizer()
    let got = try Self.documents(limit: 4).map { tokenizer.tokens(of: $0).joined(separator: " ") }
    #expect(got == [
      "욕나온다 ! 쓸데없이 눈살 찌푸리게 만드는 영화 ! 보고나니 왜 봤을까 !",
      "너는 그냥 쓰레기",
      "계속 끊기는건 왜죠 ㅋㅋㅋ 씹노잼",
      "이게 진정한 공포영화지",
    ])
  }

  @Test("all 50,000 test reviews: clean tokens, and tokenizing twice changes nothing")
  func invariants() throws {
    let documents = try Self.documents()
    #expect(documents.count == 50_000)
    var options = TokenizerOptions()
    options.lowercase = true
    let tokenizer = Tokenizer(options: options)
    var tokenCount = 0
    for document in documents {
      let tokens = tokenizer.tokens(of: document)
      tokenCount += tokens.count
      for token in tokens {
        #expect(!token.isEmpty && !token.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }), "\(document)")
      }
      let again = tokenizer.tokens(of: tokens.joined(separator: " "))
      #expect(again == tokens, "\(document)")
    }
    #expect(tokenCount > 500_000)
  }
}
