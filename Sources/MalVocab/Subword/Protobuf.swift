/// The protocol-buffer wire format, as far as sentencepiece's `ModelProto` needs it: varints, 32- and 64-bit
/// fixed fields, and length-delimited fields (strings, bytes, nested messages).
///
/// A message is a sequence of fields, each a key (`field number << 3 | wire type`, a varint) and a value. Field
/// numbers and the meaning of each field belong to the `.proto` schema, which the caller knows.
///
///     var message = ProtobufWriter()
///     message.append(1, string: "▁영화")
///     message.append(2, float: -3.5)
///     message.bytes   // [0x0A, 0x09, 0xE2, 0x96, 0x81, …, 0x15, 0x00, 0x00, 0x60, 0xC0]
struct ProtobufWriter {
  /// The wire types (the low three bits of a key).
  enum WireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
  }

  private(set) var bytes: [UInt8] = []

  init() {}

  /// Appends `value` as a base-128 varint: seven bits a byte, least significant first.
  mutating func appendVarint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  private mutating func appendKey(_ field: Int, _ type: WireType) {
    appendVarint(UInt64(field) << 3 | UInt64(type.rawValue))
  }

  /// An `int32`, `int64`, `bool` or enum field. Negative numbers take ten bytes, as the format says for `int32`.
  mutating func append(_ field: Int, int value: Int) {
    appendKey(field, .varint)
    appendVarint(UInt64(bitPattern: Int64(value)))
  }

  mutating func append(_ field: Int, bool value: Bool) { append(field, int: value ? 1 : 0) }

  /// A `float` field: four bytes, little-endian.
  mutating func append(_ field: Int, float value: Float) {
    appendKey(field, .fixed32)
    let bits = value.bitPattern
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
  }

  /// A `string` or `bytes` field.
  mutating func append(_ field: Int, bytes value: some Collection<UInt8>) {
    appendKey(field, .lengthDelimited)
    appendVarint(UInt64(value.count))
    bytes.append(contentsOf: value)
  }

  mutating func append(_ field: Int, string value: String) { append(field, bytes: Array(value.utf8)) }

  /// A nested message field.
  mutating func append(_ field: Int, message: ProtobufWriter) { append(field, bytes: message.bytes) }
}

/// A problem in protocol-buffer bytes: what is wrong, and the byte offset (0-based, from the start of the file)
/// where it is.
struct ProtobufError: Error, Sendable, Hashable {
  var byteOffset: Int
  var problem: String
}

/// Reads the fields of one protocol-buffer message, in the order they are stored.
///
/// Offsets in errors count from the start of the outermost message, so that a nested message's errors point
/// into the file. Groups (wire types 3 and 4, deprecated) and the unassigned types 6 and 7 are errors.
///
///     var reader = ProtobufReader(bytes)
///     while let field = try reader.next() {
///       switch field.number {
///       case 1: pieces.append(try field.message())
///       default: break   // unknown fields are skipped, as protobuf readers do
///       }
///     }
struct ProtobufReader {
  /// One field: its number, wire type, where its key starts, and its value.
  struct Field {
    var number: Int
    var wireType: UInt8
    /// The byte offset of the field's key.
    var offset: Int
    /// Varint and fixed fields: the value's bits.
    var bits: UInt64
    /// Length-delimited fields: the value's bytes (offsets into the whole buffer).
    var range: Range<Int>
    fileprivate var buffer: [UInt8]

    /// The value as an `int32`/`int64`/enum: negative numbers come as ten-byte varints.
    /// - Throws: `ProtobufError` if the field is not a varint.
    func int(_ name: String) throws(ProtobufError) -> Int {
      try expect(0, name)
      return Int(Int64(bitPattern: bits))
    }

    func bool(_ name: String) throws(ProtobufError) -> Bool { try int(name) != 0 }

    /// The value as a `float` (fixed32).
    func float(_ name: String) throws(ProtobufError) -> Float {
      try expect(5, name)
      return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
    }

    /// The value's bytes (a `string`, `bytes` or message field).
    func bytes(_ name: String) throws(ProtobufError) -> ArraySlice<UInt8> {
      try expect(2, name)
      return buffer[range]
    }

    /// The value as a UTF-8 `string`.
    /// - Throws: `ProtobufError` if it is not length-delimited or not valid UTF-8.
    func string(_ name: String) throws(ProtobufError) -> String {
      let b = try bytes(name)
      guard let s = String(validating: b, as: UTF8.self) else {
        throw ProtobufError(byteOffset: range.lowerBound, problem: "\(name) is not valid UTF-8")
      }
      return s
    }

    /// A reader over the nested message in this field.
    func message(_ name: String) throws(ProtobufError) -> ProtobufReader {
      try expect(2, name)
      return ProtobufReader(buffer, range: range)
    }

    private func expect(_ type: UInt8, _ name: String) throws(ProtobufError) {
      guard wireType == type else {
        throw ProtobufError(
          byteOffset: offset,
          problem: "field \(number) (\(name)) has wire type \(wireType) (\(Self.wireTypeName(wireType))); "
            + "expected \(type) (\(Self.wireTypeName(type)))")
      }
    }

    static func wireTypeName(_ type: UInt8) -> String {
      switch type {
      case 0: return "varint"
      case 1: return "64-bit"
      case 2: return "length-delimited"
      case 3: return "group start"
      case 4: return "group end"
      case 5: return "32-bit"
      default: return "unassigned"
      }
    }
  }

  private let buffer: [UInt8]
  private var position: Int
  private let end: Int

  /// A reader over all of `bytes`.
  init(_ bytes: [UInt8]) { self.init(bytes, range: 0..<bytes.count) }

  private init(_ bytes: [UInt8], range: Range<Int>) {
    buffer = bytes
    position = range.lowerBound
    end = range.upperBound
  }

  /// The next field, or `nil` at the end of the message.
  /// - Throws: `ProtobufError` for a truncated key or value, a length past the end, field number 0, or a group or
  ///   unassigned wire type.
  mutating func next() throws(ProtobufError) -> Field? {
    guard position < end else { return nil }
    let start = position
    let key = try readVarint(what: "a field key")
    let number = key >> 3
    let type = UInt8(key & 7)
    guard number > 0 && number <= 0x1FFF_FFFF else {
      throw ProtobufError(byteOffset: start, problem: "field number \(number) is not a valid field number")
    }
    var field = Field(number: Int(number), wireType: type, offset: start, bits: 0, range: 0..<0, buffer: buffer)
    switch type {
    case 0:
      field.bits = try readVarint(what: "the value of field \(number)")
    case 1, 5:
      let size = type == 1 ? 8 : 4
      guard end - position >= size else {
        throw ProtobufError(byteOffset: position, problem: "the file ends inside the \(size * 8)-bit value of field \(number)")
      }
      for k in 0..<size { field.bits |= UInt64(buffer[position + k]) << UInt64(8 * k) }
      position += size
    case 2:
      let lengthAt = position
      let length = try readVarint(what: "the length of field \(number)")
      guard length <= UInt64(end - position) else {
        throw ProtobufError(
          byteOffset: lengthAt,
          problem: "field \(number) says it is \(length) bytes long, but only \(end - position) bytes are left")
      }
      field.range = position..<(position + Int(length))
      position += Int(length)
    default:
      throw ProtobufError(
        byteOffset: start, problem: "field \(number) has wire type \(type) (\(Field.wireTypeName(type))), which Mal does not read")
    }
    return field
  }

  private mutating func readVarint(what: String) throws(ProtobufError) -> UInt64 {
    let start = position
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < end else {
        throw ProtobufError(byteOffset: start, problem: "the file ends inside \(what)")
      }
      let b = buffer[position]
      position += 1
      if shift == 63 && b > 1 {
        throw ProtobufError(byteOffset: start, problem: "\(what) is a varint longer than 64 bits")
      }
      value |= UInt64(b & 0x7F) << shift
      if b < 0x80 { return value }
      shift += 7
      if shift > 63 { throw ProtobufError(byteOffset: start, problem: "\(what) is a varint longer than 64 bits") }
    }
  }
}
