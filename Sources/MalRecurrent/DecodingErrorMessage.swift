#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An error from decoding JSON said in one line for a user: for a `DecodingError`, which key and what was wrong
/// (`layers.0.units: expected Int`), without Swift's `Context(codingPath: …, debugDescription: …)` dump; any other
/// error as its description.
///
///     decodingMessage(error)   // "layers.0: missing \"class_name\""
public func decodingMessage(_ error: any Error) -> String {
  guard let error = error as? DecodingError else { return "\(error)" }
  func path(_ context: DecodingError.Context) -> String {
    let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    return keys.isEmpty ? "" : "\(keys): "
  }
  switch error {
  case .typeMismatch(let type, let context): return "\(path(context))expected \(type)"
  case .valueNotFound(let type, let context): return "\(path(context))expected \(type), found null"
  case .keyNotFound(let key, let context): return "\(path(context))missing \"\(key.stringValue)\""
  case .dataCorrupted(let context):
    // A JSON syntax error says where only in the underlying error's debug description.
    let detail = (context.underlyingError as? CocoaError)?.userInfo["NSDebugDescription"] as? String
    return path(context) + context.debugDescription + (detail.map { " (\($0))" } ?? "")
  @unknown default: return "\(error)"
  }
}
