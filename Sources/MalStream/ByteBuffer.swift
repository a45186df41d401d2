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
  @usableFromInline var storage: UnsafeMutablePointer<UInt8>
  @usableFromInline var capacity: Int
  /// The number of bytes held.
  public private(set) var count: Int = 0

  /// Creates an empty buffer that can hold `capacity` bytes before it grows.
  public init(capacity: Int = 1 << 16) {
    self.capacity = max(capacity, 16)
    storage = .allocate(capacity: self.capacity)
  }

  deinit { storage.deallocate() }

  /// Whether the buffer holds no bytes.
  public var isEmpty: Bool { count == 0 }

  /// Empties the buffer, keeping its capacity.
  public func removeAll() { count = 0 }

  /// Drops the last `n` bytes.
  public func removeLast(_ n: Int) {
    precondition(n <= count, "cannot remove more bytes than the buffer holds")
    count -= n
  }

  /// Makes room for at least `additional` more bytes.
  public func reserve(_ additional: Int) {
    let needed = count + additional
    if needed <= capacity { return }
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newStorage.update(from: storage, count: count)
    storage.deallocate()
    storage = newStorage
    capacity = newCapacity
  }

  /// Appends one byte.
  @inline(__always)
  public func append(byte: UInt8) {
    if count == capacity { reserve(1) }
    storage[count] = byte
    count += 1
  }

  /// Appends `bytes`.
  public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    reserve(bytes.count)
    (storage + count).update(from: source, count: bytes.count)
    count += bytes.count
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
    let written = try body(storage + count)
    precondition(written >= 0 && written <= maxCount, "wrote past the reserved capacity")
    count += written
  }

  /// Calls `body` with the bytes held; the pointer is valid only inside `body`.
  public func withUnsafeBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage, count: count))
  }

  /// Calls `body` with the bytes in `range`; the pointer is valid only inside `body`.
  public func withUnsafeBytes<R>(
    in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
  ) rethrows -> R {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the buffer")
    return try body(UnsafeBufferPointer(start: storage + range.lowerBound, count: range.count))
  }

  /// The bytes held, decoded as UTF-8 (ill-formed bytes become U+FFFD).
  public var string: String {
    String(decoding: UnsafeBufferPointer(start: storage, count: count), as: UTF8.self)
  }

  /// The bytes held, copied into an array.
  public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }
}
