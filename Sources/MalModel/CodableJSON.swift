#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import MalRecurrent
import MalStream

/// `Codable` values to and from the JSON that `#mal` lines and model metadata hold: compact, keys sorted, so the
/// same value always gives the same bytes.
enum CodableJSON {
  /// The value as compact JSON text with sorted keys.
  static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain option structs (strings, numbers, Booleans, nil) cannot fail.
    return String(decoding: try! encoder.encode(value), as: UTF8.self)
  }

  /// The value as a parsed `JSONValue` (for a `#mal` step's settings).
  static func value<T: Encodable>(_ value: T) -> JSONValue {
    // JSONEncoder's output is valid JSON.
    try! JSONValue.parse(Array(encode(value).utf8), file: "<json>")
  }

  /// Decodes `json` as a `T`.
  /// - Throws: a `DecodingError` when `json` does not hold a `T`.
  static func decode<T: Decodable>(_ type: T.Type, from json: JSONValue) throws -> T {
    try JSONDecoder().decode(type, from: Data(json.encoded.utf8))
  }

  /// A `DecodingError` said in one line: which key, what was wrong (see `decodingMessage(_:)`).
  static func describe(_ error: any Error) -> String { decodingMessage(error) }
}
