#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MalStream

/// An id that does not fit an encoding: at or above its depth, or negative.
public struct EncodingError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The offending id.
  public var id: Int
  /// 0-based position of the id in the input (flattened, row-major).
  public var index: Int
  /// The encoding's depth (number of classes or columns).
  public var depth: Int

  public init(id: Int, index: Int, depth: Int) {
    self.id = id
    self.index = index
    self.depth = depth
  }

  public var description: String { message }
}

extension EncodingError: MalError {
  public var message: String {
    "id \(id) at index \(index) is out of range for depth \(depth) (ids must be 0…\(depth - 1))"
  }
  public var location: ErrorLocation { .data }
  public var kind: ErrorKind { .badData }
}

/// One-hot encoding of ids: id `k` becomes a vector of `depth` zeros with a 1 at index `k`.
///
/// Matches `keras.utils.to_categorical(y, num_classes)` (and `keras.ops.one_hot`): a padding id 0 becomes a real
/// one-hot vector at column 0, not a zero vector.
///
///     let oneHot = OneHot(depth: 4)
///     oneHot.encode([1, 3])          // [0, 1, 0, 0,  0, 0, 0, 1]  ([2, 4], row-major)
///     oneHot.sparseIndices([1, 3])   // [1, 7]: the positions of the ones in that flattened row
public struct OneHot: Sendable, Hashable {
  /// Keras `num_classes`: the length of each one-hot vector.
  public var depth: Int

  /// - Precondition: `depth >= 1`.
  public init(depth: Int) {
    precondition(depth >= 1, "depth must be at least 1")
    self.depth = depth
  }

  /// Checks that every id is in 0..<`depth`.
  /// - Throws: `EncodingError` naming the first id that is not.
  public func check(_ ids: [Int32]) throws(EncodingError) {
    for (k, id) in ids.enumerated() where id < 0 || Int(id) >= depth {
      throw EncodingError(id: Int(id), index: k, depth: depth)
    }
  }

  /// The one-hot vectors of `ids`, row-major: shape `[ids.count, depth]`, as Keras's `[..., num_classes]`.
  /// - Throws: `EncodingError` for an id outside 0..<`depth`; `SizeLimitError` if `ids.count × depth` floats would
  ///   not fit `budget`.
  public func encode(_ ids: [Int32], budget: MemoryBudget = .standard) throws -> [Float] {
    try check(ids)
    try budget.check([ids.count, depth], bytesPerElement: 4, for: "the one-hot vectors of \(ids.count) ids × depth \(depth)", location: .data)
    var out = [Float](repeating: 0, count: ids.count * depth)
    for (t, id) in ids.enumerated() { out[t * depth + Int(id)] = 1 }
    return out
  }

  /// Where the ones are in the flattened `[ids.count, depth]` encoding: `t × depth + ids[t]`, increasing.
  /// - Throws: `EncodingError` for an id outside 0..<`depth`; `SizeLimitError` if the positions overflow an `Int`.
  public func sparseIndices(_ ids: [Int32]) throws -> [Int] {
    try check(ids)
    if MemoryBudget.byteCount([ids.count, depth]) == nil {
      throw SizeLimitError(
        what: "the positions of \(ids.count) ids × depth \(depth)", neededBytes: nil, budget: .standard, location: .data,
        kind: .badData)
    }
    return ids.enumerated().map { t, id in t * depth + Int(id) }
  }

  /// `keras.utils.to_categorical(values, num_classes)` for an array of any shape.
  ///
  /// As Keras does, `classes` defaults to the largest value + 1, and a trailing axis of size 1 is dropped before
  /// the class axis is added: shape `[3, 1]` → `[3, classes]`.
  /// - Parameters:
  ///   - values: the integer labels or ids, row-major.
  ///   - shape: their shape; its product is `values.count`.
  /// - Returns: the one-hot array (row-major) and its shape.
  /// - Throws: `EncodingError` for a value outside 0..<`classes`; `SizeLimitError` if the array would not fit the
  ///   standard memory budget.
  public static func categorical(
    _ values: [Int32], shape: [Int], classes: Int? = nil
  ) throws -> (values: [Float], shape: [Int]) {
    precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
    let depth = classes ?? (Int(values.max() ?? -1) + 1)
    var outer = shape
    if outer.count > 1, outer.last == 1 { outer.removeLast() }
    guard depth >= 1 else { return ([], outer + [0]) }
    return (try OneHot(depth: depth).encode(values), outer + [depth])
  }
}

/// Document frequencies of ids over a set of documents: the `idf` half of tf-idf.
///
/// Keras's `Tokenizer` keeps them as `document_count` and `index_docs`; build them from the same documents the
/// vocabulary came from (the training rows), then encode any rows with them.
///
///     var df = DocumentFrequencies()
///     df.add([1, 2, 2]); df.add([2, 3])
///     df.documentCount   // 2
///     df.count(of: 2)    // 2
public struct DocumentFrequencies: Sendable, Hashable {
  /// The number of documents added.
  public private(set) var documentCount = 0
  /// `documents[id]`: in how many documents `id` occurs.
  public private(set) var documents: [Int] = []
  /// An id whose document frequency always counts as 0, as Keras does for its `oov_token` (which is not in
  /// `index_docs`); `nil` counts every id.
  public var ignoredID: Int32?
  private var lastSeen: [Int] = []

  public init(ignoring ignoredID: Int32? = nil) {
    self.ignoredID = ignoredID
  }

  /// Counts one document.
  /// - Precondition: ids are non-negative.
  public mutating func add<C: Collection<Int32>>(_ ids: C) {
    documentCount += 1
    for id in ids {
      let j = Int(id)
      precondition(j >= 0, "ids are non-negative")
      if j >= documents.count {
        documents.append(contentsOf: repeatElement(0, count: j + 1 - documents.count))
        lastSeen.append(contentsOf: repeatElement(0, count: j + 1 - lastSeen.count))
      }
      // lastSeen holds the 1-based number of the last document that counted `j`: counts each document once.
      if lastSeen[j] != documentCount {
        lastSeen[j] = documentCount
        if id != ignoredID { documents[j] += 1 }
      }
    }
  }

  /// In how many documents `id` occurs (0 for ids never seen and for `ignoredID`).
  public func count(of id: Int) -> Int { id < documents.count ? documents[id] : 0 }

  /// Keras's idf: `ln(1 + documentCount / (1 + count(of: id)))`.
  public func inverseDocumentFrequency(of id: Int) -> Double {
    log(1 + Double(documentCount) / Double(1 + count(of: id)))
  }
}

/// A document (a row of ids) as one vector of `width` values: Keras's `Tokenizer.sequences_to_matrix`
/// (`texts_to_matrix` after tokenizing).
///
/// Column `j` holds, for the ids equal to `j` in the row (`c` of them, `n` ids in all): `binary` 1; `count` `c`;
/// `freq` `c / n`; `tfidf` `(1 + ln c) · ln(1 + D / (1 + df[j]))` with `D` documents and document frequencies
/// `df` from `DocumentFrequencies`. Columns of ids not in the row are 0. Keras never emits id 0 for a word, so its
/// column 0 is 0; here id 0 counts like any other id.
///
///     let bag = BagOfWords(mode: .count, width: 5)
///     bag.encode([3, 1, 3])   // [(1, 1.0), (3, 2.0)]: sparse (column, value) pairs, columns increasing
public struct BagOfWords: Sendable, Hashable {
  /// Keras's `mode` argument.
  public enum Mode: String, Sendable, Hashable, CaseIterable {
    case binary, count, freq, tfidf
  }

  public var mode: Mode
  /// Keras `num_words`: the number of columns; ids must be below it.
  public var width: Int
  /// Needed for `.tfidf`.
  public var documentFrequencies: DocumentFrequencies?

  /// - Precondition: `width >= 1`; `documentFrequencies` is given for `.tfidf`.
  public init(mode: Mode, width: Int, documentFrequencies: DocumentFrequencies? = nil) {
    precondition(width >= 1, "width must be at least 1")
    precondition(mode != .tfidf || documentFrequencies != nil, "tfidf needs document frequencies")
    self.mode = mode
    self.width = width
    self.documentFrequencies = documentFrequencies
  }

  /// The non-zero columns of the row's vector, as `(column, value)` pairs with increasing columns.
  /// - Throws: `EncodingError` for an id outside 0..<`width`.
  public func encode<C: Collection<Int32>>(_ ids: C) throws(EncodingError) -> [(column: Int, value: Double)] {
    var sorted = [Int32]()
    sorted.reserveCapacity(ids.count)
    for (k, id) in ids.enumerated() {
      if id < 0 || Int(id) >= width { throw EncodingError(id: Int(id), index: k, depth: width) }
      sorted.append(id)
    }
    sorted.sort()
    var out: [(column: Int, value: Double)] = []
    var k = 0
    let n = sorted.count
    while k < n {
      var end = k + 1
      while end < n && sorted[end] == sorted[k] { end += 1 }
      let j = Int(sorted[k])
      let c = end - k
      let value: Double
      switch mode {
      case .binary: value = 1
      case .count: value = Double(c)
      case .freq: value = Double(c) / Double(n)
      case .tfidf: value = (1 + log(Double(c))) * documentFrequencies!.inverseDocumentFrequency(of: j)
      }
      out.append((j, value))
      k = end
    }
    return out
  }

  /// The row's whole vector of `width` values.
  /// - Throws: `EncodingError` for an id outside 0..<`width`.
  public func dense<C: Collection<Int32>>(_ ids: C) throws(EncodingError) -> [Double] {
    var out = [Double](repeating: 0, count: width)
    for (j, v) in try encode(ids) { out[j] = v }
    return out
  }
}
