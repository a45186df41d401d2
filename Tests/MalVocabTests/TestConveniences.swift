import Foundation
import MalStream
@testable import MalVocab

extension TokenCounts {
  init(documents: [String]) {
    self.init()
    for d in documents { add(document: d) }
  }
}

extension Vocabulary {
  /// The vocabulary in `format`, as text.
  func text(_ format: VocabularyFormat) throws -> String {
    let out = ByteBuffer()
    try write(format, to: out)
    return out.string
  }

  /// The tokens for `ids`, as `decode` writes them.
  func decoded(_ ids: String, skippingPadding: Bool = false) throws -> String {
    let out = ByteBuffer()
    var ids = ids
    try ids.withUTF8 { try decode($0, into: out, skippingPadding: skippingPadding) }
    return out.string
  }
}
