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
    do {
      return try JSONDecoder().decode(type, from: Data(json.encoded.utf8))
    } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty && context.underlyingError == nil {
      // `json` parsed, so it is valid JSON; Foundation on Linux still says "The given data was not valid JSON."
      // when a number does not fit its field (99999999999 or 1.5 for an Int32), and names no field.
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: [], debugDescription: "a number does not fit its field (too large, or not a whole number)"))
    }
  }

  /// A `DecodingError` said in one line: which key, what was wrong (see `decodingMessage(_:)`).
  static func describe(_ error: any Error) -> String { decodingMessage(error) }
}
