/// A growable run of bytes that stages append their output to, reused across lines.
///
/// A reference type so that a tokenizer can append straight into a writer's buffer without a
/// copy; not `Sendable`: each thread owns its own.
///
///     let out = ByteBuffer()
///     out.append("영화 ")
///     out.append(byte: UInt8(ascii: "!"))
///     out.string   // "영화 !"
public final class ByteBuffer {
  /// Storage, capacity and count live behind a pointer: stored `var`s of a class would pay a dynamic
  /// exclusivity check on every append, which measured ~15% of `mal tokenize`'s instructions.
  private struct Header {
    var storage: UnsafeMutablePointer<UInt8>
    var capacity: Int
    var count: Int
  }
  private let header: UnsafeMutablePointer<Header>

  /// The number of bytes held.
  public var count: Int { header.pointee.count }

  /// Creates an empty buffer that can hold `capacity` bytes before it grows.
  public init(capacity: Int = 1 << 16) {
    let capacity = max(capacity, 16)
    header = .allocate(capacity: 1)
    header.initialize(to: Header(storage: .allocate(capacity: capacity), capacity: capacity, count: 0))
  }

  deinit {
    header.pointee.storage.deallocate()
    header.deallocate()
  }

  /// Whether the buffer holds no bytes.
  public var isEmpty: Bool { header.pointee.count == 0 }

  /// Empties the buffer, keeping its capacity.
  public func removeAll() { header.pointee.count = 0 }

  /// Drops the last `n` bytes.
  public func removeLast(_ n: Int) {
    precondition(n >= 0 && n <= header.pointee.count, "cannot remove more bytes than the buffer holds")
    header.pointee.count -= n
  }

  /// Makes room for at least `additional` more bytes.
  @inline(__always)
  public func reserve(_ additional: Int) {
    let needed = header.pointee.count + additional
    if needed > header.pointee.capacity { grow(to: needed) }
  }

  private func grow(to needed: Int) {
    var newCapacity = header.pointee.capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newStorage.update(from: header.pointee.storage, count: header.pointee.count)
    header.pointee.storage.deallocate()
    header.pointee.storage = newStorage
    header.pointee.capacity = newCapacity
  }

  /// Appends one byte.
  @inline(__always)
  public func append(byte: UInt8) {
    reserve(1)
    header.pointee.storage[header.pointee.count] = byte
    header.pointee.count += 1
  }

  /// Appends `bytes`.
  public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    reserve(bytes.count)
    (header.pointee.storage + header.pointee.count).update(from: source, count: bytes.count)
    header.pointee.count += bytes.count
  }

  /// Appends the UTF-8 bytes of `string`.
  public func append(_ string: String) {
    var string = string
    string.withUTF8 { append($0) }
  }

  /// Lets `body` write up to `maxCount` bytes at the end of the buffer; `body` returns how many it wrote.
  ///
  /// The pointer is valid only inside `body`.
  @inline(__always)
  public func appendWithUnsafeCapacity(
    upTo maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) throws -> Int
  ) rethrows {
    reserve(maxCount)
    let written = try body(header.pointee.storage + header.pointee.count)
    precondition(written >= 0 && written <= maxCount, "wrote past the reserved capacity")
    header.pointee.count += written
  }

  /// Calls `body` with the bytes held; the pointer is valid only inside `body`.
  public func withUnsafeBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: header.pointee.storage, count: header.pointee.count))
  }

  /// Calls `body` with the bytes in `range`; the pointer is valid only inside `body`.
  public func withUnsafeBytes<R>(
    in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
  ) rethrows -> R {
    precondition(range.lowerBound >= 0 && range.upperBound <= header.pointee.count, "range outside the buffer")
    return try body(UnsafeBufferPointer(start: header.pointee.storage + range.lowerBound, count: range.count))
  }

  /// The bytes held, decoded as UTF-8 (ill-formed bytes become U+FFFD).
  public var string: String {
    withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
  }

  /// The bytes held, copied into an array.
  public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}

extension UnsafeBufferPointer<UInt8> {
  /// Calls `body` with each space-separated item of these bytes (runs of spaces separate; no empty items) and
  /// the item's byte offset, in order, until `body` returns `false`.
  ///
  ///     bytes("a  bc")  →  body("a", 0), body("bc", 3)
  @inline(__always)
  public func forEachSpaceSeparated<E: Error>(_ body: (UnsafeBufferPointer<UInt8>, Int) throws(E) -> Bool) throws(E) {
    guard let base = baseAddress else { return }
    var i = 0
    let n = count
    while i < n {
      while i < n, base[i] == 0x20 { i += 1 }
      let start = i
      while i < n, base[i] != 0x20 { i += 1 }
      if i == start { return }
      if try !body(UnsafeBufferPointer(start: base + start, count: i - start), start) { return }
    }
  }
}
