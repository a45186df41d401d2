/// A parsed JSON value whose object members keep their order and their exact bytes; `JSONValue.encoded` writes one.
///
/// Not Foundation's `JSONSerialization`: a `[String: Any]` compares keys by Unicode canonical equivalence, so a
/// vocabulary with both the NFC and the NFD spelling of a word (two different tokens in bytes, as Keras's
/// unnormalized tokenizer produces) would silently lose one of them.
public enum JSONValue: Sendable, Hashable {
  case object([JSONMember])
  case array([JSONValue])
  case string(String)
  case number(Double)
  case bool(Bool)
  case null

  /// The first member named `key` (compared by bytes), if this is an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key.utf8.elementsEqual(key.utf8) }?.value
  }

  public var string: String? { if case .string(let s) = self { return s } else { return nil } }
  public var members: [JSONMember]? { if case .object(let m) = self { return m } else { return nil } }
  public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
  public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
  public var isNull: Bool { if case .null = self { return true } else { return false } }

  /// The value as an integer, if it is a number without a fraction.
  public var int: Int? {
    guard case .number(let d) = self, d.rounded() == d, abs(d) < 9e15 else { return nil }
    return Int(d)
  }

  /// The value as a number, if it is one.
  public var number: Double? { if case .number(let d) = self { return d } else { return nil } }

  /// Compact JSON text for this value: members in order, strings escaped as RFC 8259 requires, integral
  /// numbers without a fraction, and NaN and infinities (which JSON cannot spell) as `null`.
  public var encoded: String {
    var out = ""
    write(to: &out)
    return out
  }

  private func write(to out: inout String) {
    switch self {
    case .object(let members):
      out += "{"
      for (i, member) in members.enumerated() {
        if i > 0 { out += "," }
        JSONValue.writeString(member.key, to: &out)
        out += ":"
        member.value.write(to: &out)
      }
      out += "}"
    case .array(let elements):
      out += "["
      for (i, element) in elements.enumerated() {
        if i > 0 { out += "," }
        element.write(to: &out)
      }
      out += "]"
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .number(let d):
      // JSON has no NaN or infinity: write them as null, as Python's json.dumps(allow_nan=False) would refuse to
      // and JavaScript's JSON.stringify does.
      if !d.isFinite { out += "null" } else if d.rounded() == d, abs(d) < 9e15 { out += String(Int(d)) } else { out += String(d) }
    case .bool(let b): out += b ? "true" : "false"
    case .null: out += "null"
    }
  }

  /// Appends `s` as a JSON string literal.
  public static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }

  /// How deeply arrays and objects may nest in what `parse(_:file:)` reads: deeper input is an error, never a
  /// stack overflow.
  public static let maximumDepth = 200

  /// Parses `bytes` (UTF-8) as one JSON value.
  /// - Throws: `InputError` naming `file` and the line and column of the first syntax error, or of the array or
  ///   object nested more than `maximumDepth` deep.
  public static func parse(_ bytes: [UInt8], file: String) throws -> JSONValue {
    var parser = JSONParser(bytes: bytes, file: file)
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    if parser.index < bytes.count { throw parser.error("unexpected text after the JSON value") }
    return value
  }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Hashable {
  public var key: String
  public var value: JSONValue

  public init(key: String, value: JSONValue) {
    self.key = key
    self.value = value
  }
}

private struct JSONParser {
  let bytes: [UInt8]
  let file: String
  var index = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  func error(_ message: String) -> InputError {
    var line = 1
    var lineStart = 0
    for i in 0..<min(index, bytes.count) where bytes[i] == 0x0A {
      line += 1
      lineStart = i + 1
    }
    let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
    return bytes[lineStart..<lineEnd].withUnsafeBufferPointer {
      InputError(.invalidJSON(detail: message), file: file, lineNumber: line, line: $0, byteOffset: index - lineStart)
    }
  }

  mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }

  mutating func expect(_ literal: String, _ value: JSONValue) throws -> JSONValue {
    let l = Array(literal.utf8)
    guard index + l.count <= bytes.count, Array(bytes[index..<(index + l.count)]) == l else {
      throw error("expected a value")
    }
    index += l.count
    return value
  }

  mutating func value(depth: Int) throws -> JSONValue {
    guard depth < JSONValue.maximumDepth else {
      throw error("arrays and objects nested more than \(JSONValue.maximumDepth) deep; Mal's files nest a few levels")
    }
    guard index < bytes.count else { throw error("unexpected end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      index += 1
      var members: [JSONMember] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
        let key = try string()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
        skipSpace()
        members.append(JSONMember(key: key, value: try value(depth: depth + 1)))
        skipSpace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
        if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        throw error("expected ',' or '}'")
      }
    case UInt8(ascii: "["):
      index += 1
      var elements: [JSONValue] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        skipSpace()
        elements.append(try value(depth: depth + 1))
        skipSpace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
        if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        throw error("expected ',' or ']'")
      }
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "t"): return try expect("true", .bool(true))
    case UInt8(ascii: "f"): return try expect("false", .bool(false))
    case UInt8(ascii: "n"): return try expect("null", .null)
    default:
      let start = index
      while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
      guard index > start, let d = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
        index = start
        throw error("expected a value")
      }
      return .number(d)
    }
  }

  /// A string literal starting at the opening quote.
  mutating func string() throws -> String {
    index += 1
    var out: [UInt8] = []
    while true {
      guard index < bytes.count else { throw error("unterminated string") }
      let b = bytes[index]
      if b == UInt8(ascii: "\"") {
        index += 1
        return String(decoding: out, as: UTF8.self)
      }
      if b < 0x20 { throw error("control character in a string") }
      if b != UInt8(ascii: "\\") {
        out.append(b)
        index += 1
        continue
      }
      index += 1
      guard index < bytes.count else { throw error("unterminated string") }
      let e = bytes[index]
      index += 1
      switch e {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
          bytes[index + 1] == UInt8(ascii: "u")
        {
          index += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let s = Unicode.Scalar(scalar) else { throw error("unpaired surrogate") }
        out.append(contentsOf: Array(String(s).utf8))
      default:
        index -= 2
        throw error("unknown escape")
      }
    }
  }

  mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
    else { throw error("expected four hex digits after \\u") }
    index += 4
    return v
  }
}
