#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An error from decoding JSON said in one line for a user: for a `DecodingError`, which key and what was wrong
/// (`layers.0.units: expected a whole number`), in JSON's words rather than Swift's types, without Swift's `Context(codingPath: …, debugDescription: …)` dump; any other
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
  case .typeMismatch(let type, let context): return "\(path(context))expected \(jsonName(of: type))"
  case .valueNotFound(let type, let context): return "\(path(context))expected \(jsonName(of: type)), found null"
  case .keyNotFound(let key, let context): return "\(path(context))missing \"\(key.stringValue)\""
  case .dataCorrupted(let context):
    // An enum given a raw value it lacks: "Cannot initialize Side from invalid String value middle".
    if context.debugDescription.hasPrefix("Cannot initialize "), let range = context.debugDescription.firstRange(of: " value ") {
      return path(context) + "'\(context.debugDescription[range.upperBound...])' is not one of the values it takes"
    }
    // A JSON syntax error says where only in the underlying error's debug description.
    let detail = (context.underlyingError as? CocoaError)?.userInfo["NSDebugDescription"] as? String
    return path(context) + context.debugDescription + (detail.map { " (\($0))" } ?? "")
  @unknown default: return "\(error)"
  }
}

/// What a JSON file must hold where Swift decodes `type`: `Dictionary<String, Any>` is "a JSON object".
private func jsonName(of type: Any.Type) -> String {
  let name = "\(type)"
  if name.hasPrefix("Dictionary") { return "a JSON object" }
  if name.hasPrefix("Array") { return "a JSON array" }
  switch name {
  case "String": return "a string"
  case "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64": return "a whole number"
  case "Double", "Float": return "a number"
  case "Bool": return "true or false"
  default: return name
  }
}
