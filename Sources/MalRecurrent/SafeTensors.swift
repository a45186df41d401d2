import MalStream
import MalTensor

/// A named Float32 tensor, as stored in a safetensors file.
public struct NamedTensor: Sendable, Hashable {
  public var name: String
  public var tensor: Tensor

  public init(name: String, tensor: Tensor) {
    self.name = name
    self.tensor = tensor
  }
}

/// A safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
/// byte range, then the tensors' little-endian bytes. The format of HuggingFace's `safetensors`
/// (`safetensors.numpy.load_file`, `safetensors.torch.load_file` read what this writes).
///
/// Mal writes Float32 (`F32`) tensors only, sorted by name, with the header padded by spaces to a multiple of 8 bytes
/// and `__metadata__` first with its keys sorted — byte for byte what the Python library writes for the same tensors.
///
///     let file = SafeTensors(tensors: [NamedTensor(name: "dense/bias", tensor: Tensor(shape: [1], scalars: [0.5]))],
///                            metadata: ["format": "mal"])
///     try file.write(to: "model.safetensors")
///     let back = try SafeTensors.read(from: "model.safetensors")   // back == file
public struct SafeTensors: Sendable, Hashable {
  /// The tensors, sorted by name.
  public private(set) var tensors: [NamedTensor]
  /// String-to-string metadata (`__metadata__`).
  public var metadata: [String: String]

  /// The largest header accepted when reading, as the Python library: 100 MB.
  public static let maximumHeaderSize = 100_000_000

  /// Collects `tensors` (sorted by name) and `metadata`.
  /// - Precondition: tensor names are unique and none is `__metadata__`.
  public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
    self.tensors = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    precondition(Set(tensors.map(\.name)).count == tensors.count, "tensor names must be unique")
    precondition(!tensors.contains { $0.name == "__metadata__" }, "'__metadata__' is not a tensor name")
    self.metadata = metadata
  }

  /// The tensor named `name`, if any.
  public subscript(name: String) -> Tensor? {
    tensors.first { $0.name == name }?.tensor
  }

  // MARK: Writing

  /// The whole file's bytes.
  public func encoded() -> [UInt8] {
    var members: [JSONMember] = []
    if !metadata.isEmpty {
      let sortedKeys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      members.append(JSONMember(key: "__metadata__", value: .object(sortedKeys.map { JSONMember(key: $0, value: .string(metadata[$0]!)) })))
    }
    var offset = 0
    for named in tensors {
      let size = named.tensor.count * 4
      members.append(JSONMember(key: named.name, value: .object([
        JSONMember(key: "dtype", value: .string("F32")),
        JSONMember(key: "shape", value: .array(named.tensor.shape.map { .number(Double($0)) })),
        JSONMember(key: "data_offsets", value: .array([.number(Double(offset)), .number(Double(offset + size))])),
      ])))
      offset += size
    }
    var header = Array(JSONValue.object(members).encoded.utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: header)
    for named in tensors {
      for value in named.tensor.scalars {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
      }
    }
    return bytes
  }

  /// Writes the file atomically: it appears at `path` complete, or not at all.
  /// - Throws: `FileError` if the file cannot be written.
  public func write(to path: String) throws {
    let file = try AtomicFile(path: path)
    let writer = OutputWriter(file: file)
    encoded().withUnsafeBufferPointer { writer.buffer.append($0) }
    try writer.flush()
    try file.commit()
  }

  // MARK: Reading

  /// Reads and checks the file at `path`.
  /// - Throws: `FileError` if it cannot be read; `SafeTensorsError` if it is not a valid safetensors file of
  ///   Float32 tensors.
  public static func read(from path: String) throws -> SafeTensors {
    // The first 9 bytes give the header's length and its '{': /dev/zero or a stream of noise fails there, not after
    // being read into memory without end.
    let bytes = try readFile(atPath: path, prefixLength: 9) { prefix in _ = try headerLength(of: prefix, file: path) }
    return try SafeTensors(decoding: bytes, file: path)
  }

  /// The header length in the first 8 bytes of `bytes`, checked against `maximumHeaderSize`, with the header's
  /// opening '{' after them; `bytes` may be just the file's start.
  /// - Throws: `SafeTensorsError` if the file is too short or starts with anything else.
  static func headerLength(of bytes: [UInt8], file: String) throws -> Int {
    func fail(_ offset: Int, _ message: String) -> SafeTensorsError {
      SafeTensorsError(file: file, byteOffset: offset, problem: message)
    }
    guard bytes.count >= 8 else { throw fail(0, "file too short for the 8-byte header length (\(bytes.count) bytes)") }
    var length: UInt64 = 0
    for i in (0..<8).reversed() { length = length << 8 | UInt64(bytes[i]) }
    guard length <= UInt64(Self.maximumHeaderSize) else {
      throw fail(0, "header length \(length) is over the \(Self.maximumHeaderSize)-byte limit")
    }
    guard length > 0, bytes.count > 8, bytes[8] == UInt8(ascii: "{") else { throw fail(8, "header does not start with '{'") }
    return Int(length)
  }

  /// Parses and checks a whole file's `bytes`; `file` names it in errors.
  ///
  /// Everything is checked before any tensor is allocated: the header length against the file size, the JSON,
  /// every dtype (F32 only), every shape against its byte range, and that the ranges tile the data exactly, in
  /// order, without gaps or overlaps.
  /// - Throws: `SafeTensorsError` naming the file, the byte offset and what was wrong.
  public init(decoding bytes: [UInt8], file: String) throws {
    func fail(_ offset: Int, _ message: String) -> SafeTensorsError {
      SafeTensorsError(file: file, byteOffset: offset, problem: message)
    }
    let length = try Self.headerLength(of: bytes, file: file)
    let headerEnd = 8 + length
    guard headerEnd <= bytes.count else {
      throw fail(0, "header length \(length) is past the end of the file (\(bytes.count - 8) bytes follow it)")
    }
    let header: JSONValue
    do {
      header = try JSONValue.parse(Array(bytes[8..<headerEnd]), file: file)
    } catch let error as InputError {
      throw fail(8, "header is not valid JSON (\(error.reason))")
    }
    guard let members = header.members else { throw fail(8, "header is not a JSON object") }

    struct Entry { var name: String; var shape: [Int]; var begin: Int; var end: Int }
    var entries: [Entry] = []
    var metadata: [String: String] = [:]
    var names = Set<String>()
    for member in members {
      guard names.insert(member.key).inserted else { throw fail(8, "'\(member.key)' appears twice in the header") }
      if member.key == "__metadata__" {
        guard let pairs = member.value.members else { throw fail(8, "__metadata__ is not an object") }
        for pair in pairs {
          guard let value = pair.value.string else { throw fail(8, "__metadata__ value '\(pair.key)' is not a string") }
          metadata[pair.key] = value
        }
        continue
      }
      let name = member.key
      guard let dtype = member.value["dtype"]?.string else { throw fail(8, "tensor '\(name)' has no dtype") }
      guard dtype == "F32" else { throw fail(8, "tensor '\(name)' has dtype \(dtype); Mal reads F32 tensors only") }
      guard let shapeValues = member.value["shape"]?.array else { throw fail(8, "tensor '\(name)' has no shape") }
      var shape: [Int] = []
      for value in shapeValues {
        guard let n = value.int, n >= 0 else { throw fail(8, "tensor '\(name)' has a shape entry that is not a count") }
        shape.append(n)
      }
      guard let offsets = member.value["data_offsets"]?.array, offsets.count == 2,
        let begin = offsets[0].int, let end = offsets[1].int, begin >= 0, begin <= end
      else { throw fail(8, "tensor '\(name)' has no valid data_offsets [begin, end]") }
      var count = 1
      for n in shape {
        let (product, overflow) = count.multipliedReportingOverflow(by: n)
        guard !overflow else { throw fail(8, "tensor '\(name)' has a shape too large") }
        count = product
      }
      guard count.multipliedReportingOverflow(by: 4).partialValue == end - begin, count <= Int.max / 4 else {
        throw fail(8, "tensor '\(name)' has shape \(shape) (\(count) floats) but \(end - begin) bytes of data")
      }
      entries.append(Entry(name: name, shape: shape, begin: begin, end: end))
    }
    // The byte ranges must tile the data: sorted, no gaps, no overlaps, ending where the file ends.
    let dataSize = bytes.count - headerEnd
    var expected = 0
    for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
      guard entry.begin == expected else {
        throw fail(headerEnd + min(entry.begin, expected),
          entry.begin < expected ? "tensor '\(entry.name)' overlaps the tensor before it" : "gap before tensor '\(entry.name)'")
      }
      expected = entry.end
    }
    guard expected == dataSize else {
      throw fail(headerEnd + min(expected, dataSize),
        "the tensors cover \(expected) bytes of data but the file has \(dataSize)")
    }
    tensors = entries.map { entry in
      var scalars = [Float](repeating: 0, count: (entry.end - entry.begin) / 4)
      let base = headerEnd + entry.begin
      for k in 0..<scalars.count {
        let o = base + 4 * k
        let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        scalars[k] = Float(bitPattern: bits)
      }
      return NamedTensor(name: entry.name, tensor: Tensor(shape: entry.shape, scalars: scalars))
    }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    self.metadata = metadata
  }
}

/// A file that is not a valid safetensors file of Float32 tensors.
public struct SafeTensorsError: Error, Sendable, Hashable, CustomStringConvertible {
  public var file: String
  /// Byte offset in the file where the problem is.
  public var byteOffset: Int
  /// What is wrong there.
  public var problem: String

  public init(file: String, byteOffset: Int, problem: String) {
    self.file = file
    self.byteOffset = byteOffset
    self.problem = problem
  }

  public var description: String { "\(file): error: \(message)" }
}

extension SafeTensorsError: MalError {
  public var message: String { "not a valid safetensors file: at byte \(byteOffset): \(problem)" }
  public var location: ErrorLocation { .file(file) }
  public var kind: ErrorKind { .badData }
}
