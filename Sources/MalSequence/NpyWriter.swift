#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MalStream

/// Writes a NumPy `.npy` file (format version 1.0, C order, little-endian) row by row, atomically.
///
/// The shape is written when the file is finished, so rows can stream in without knowing how many there will be.
/// The file appears under its name only after `finish(shape:)`; a writer that is dropped or `discard()`ed leaves
/// nothing behind. `numpy.load` reads the result (checked by `Scripts/interop.sh pad`).
///
///     let npy = try NpyWriter(path: "x.npy", elementType: .int32)
///     npy.append([0, 0, 5, 7] as [Int32])
///     npy.append([1, 2, 3, 4] as [Int32])
///     try npy.finish(shape: [2, 4])      // numpy.load("x.npy").shape == (2, 4), dtype int32
public final class NpyWriter {
  /// The element type, with its NumPy `descr`.
  public enum ElementType: String, Sendable, Hashable, CaseIterable {
    case int32 = "<i4"
    case float32 = "<f4"
    case float64 = "<f8"

    /// Bytes per element.
    public var size: Int {
      switch self {
      case .int32, .float32: return 4
      case .float64: return 8
      }
    }

    /// NumPy's name: `int32`, `float32`, `float64`.
    public var name: String {
      switch self {
      case .int32: return "int32"
      case .float32: return "float32"
      case .float64: return "float64"
      }
    }
  }

  /// The final path.
  public let path: String
  public let elementType: ElementType
  /// How many elements have been appended.
  // Unchecked: the writer is used from one thread, and the dynamic exclusivity check on every append was ~2% of
  // `mal pad --npy`.
  @exclusivity(unchecked) public private(set) var elementCount = 0
  private let file: AtomicFile
  /// The temporary file the array is written to until `finish` renames it; `nil` when writing to a device.
  public var temporaryPath: String? { file.temporaryPath }
  private let writer: OutputWriter

  // The header is written as a fixed 128 bytes (a multiple of 64, as NumPy aligns it) and rewritten with the real
  // shape at the end; the shape's text is padded with spaces, which NumPy's header parser ignores.
  private static let headerSize = 128

  /// Creates the temporary file (see `AtomicFile`) and writes a placeholder header.
  /// - Throws: `FileError` if the file cannot be created, or `path` is a pipe (the header, rewritten last, needs a
  ///   file that can seek).
  public init(path: String, elementType: ElementType) throws {
    self.path = path
    self.elementType = elementType
    file = try AtomicFile(path: path)
    if file.temporaryPath == nil && lseek(file.fileDescriptor, 0, SEEK_CUR) < 0 {
      let message = "a .npy file cannot go to a pipe: its header, written last, needs a file that can seek"
      file.discard()
      throw FileError(path: path, operation: "cannot write", systemMessage: message)
    }
    writer = OutputWriter(file: file)
    Self.header(descr: elementType.rawValue, shape: [0]).withUnsafeBufferPointer { writer.buffer.append($0) }
  }

  /// The 128-byte `.npy` version 1.0 header for `shape`.
  static func header(descr: String, shape: [Int]) -> [UInt8] {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
    let room = headerSize - 10
    precondition(dict.count < room, "shape too long for the header")
    dict += [UInt8](repeating: 0x20, count: room - 1 - dict.count)
    dict.append(0x0A)
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(room & 0xFF), UInt8(room >> 8)] + dict
  }

  /// Appends int32 elements (the writer must have been made with `.int32`).
  public func append(_ values: UnsafeBufferPointer<Int32>) throws {
    precondition(elementType == .int32, "appending int32 to a \(elementType.name) file")
    #if _endian(big)
    for v in values { withUnsafeBytes(of: v.littleEndian) { writer.buffer.append($0.assumingMemoryBound(to: UInt8.self)) } }
    #else
    writer.buffer.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress)?.assumingMemoryBound(to: UInt8.self), count: values.count * 4))
    #endif
    elementCount += values.count
    try writer.flushIfFull()
  }

  /// Appends int32 elements.
  public func append(_ values: [Int32]) throws {
    try values.withUnsafeBufferPointer { try append($0) }
  }

  /// Appends floating-point elements, stored as the writer's `.float32` or `.float64`.
  public func append(_ values: UnsafeBufferPointer<Float>) throws {
    switch elementType {
    case .float32:
      #if _endian(big)
      for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { writer.buffer.append($0.assumingMemoryBound(to: UInt8.self)) } }
      #else
      writer.buffer.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress)?.assumingMemoryBound(to: UInt8.self), count: values.count * 4))
      #endif
    case .float64:
      for v in values { appendScalar(Double(v).bitPattern) }
    case .int32:
      preconditionFailure("appending floats to an int32 file")
    }
    elementCount += values.count
    try writer.flushIfFull()
  }

  /// Appends floating-point elements.
  public func append(_ values: [Float]) throws {
    try values.withUnsafeBufferPointer { try append($0) }
  }

  /// Appends double-precision elements, stored as the writer's `.float32` or `.float64`.
  public func append(_ values: [Double]) throws {
    switch elementType {
    case .float32: for v in values { appendScalar(Float(v).bitPattern) }
    case .float64: for v in values { appendScalar(v.bitPattern) }
    case .int32: preconditionFailure("appending doubles to an int32 file")
    }
    elementCount += values.count
    try writer.flushIfFull()
  }

  /// Appends one int32 element (the writer must have been made with `.int32`), without an array.
  public func append(int32 value: Int32) throws {
    precondition(elementType == .int32, "appending int32 to a \(elementType.name) file")
    appendScalar(value)
    elementCount += 1
    try writer.flushIfFull()
  }

  /// Appends one floating-point element, stored as the writer's `.float32` or `.float64`, without an array.
  public func append(float value: Float) throws {
    switch elementType {
    case .float32: appendScalar(value.bitPattern)
    case .float64: appendScalar(Double(value).bitPattern)
    case .int32: preconditionFailure("appending a float to an int32 file")
    }
    elementCount += 1
    try writer.flushIfFull()
  }

  private func appendScalar<T: FixedWidthInteger>(_ bits: T) {
    withUnsafeBytes(of: bits.littleEndian) { writer.buffer.append($0.assumingMemoryBound(to: UInt8.self)) }
  }

  /// Writes the real header and renames the file into place.
  /// - Precondition: `shape`'s product equals the number of elements appended.
  /// - Throws: `FileError` if writing or renaming fails (the temporary file is then removed).
  public func finish(shape: [Int]) throws {
    precondition(shape.reduce(1, *) == elementCount, "shape \(shape) does not hold \(elementCount) elements")
    try writer.flush()
    let header = Self.header(descr: elementType.rawValue, shape: shape)
    let written = header.withUnsafeBytes { pwrite(file.fileDescriptor, $0.baseAddress, $0.count, 0) }
    if written != header.count {
      file.discard()
      throw FileError(path: path, operation: "cannot write", systemMessage: String(cString: strerror(errno)))
    }
    try file.commit()
  }

  /// Removes the temporary file; nothing is left under `path`.
  public func discard() { file.discard() }
}
