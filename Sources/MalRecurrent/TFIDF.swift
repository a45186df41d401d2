import MalTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns each row of token ids into one TF-IDF vector (Keras `IntegerLookup(output_mode="tf_idf")` over ids that are
/// already indices): `[batch, time]` → `[batch, inputDimension]`, where column `j` is the number of times id `j`
/// occurs in the row times `idf[j]`. Id 0, the padding, counts nowhere.
///
/// The weight `idf` (`[inputDimension]`, not trained) starts at 1, so the layer gives plain counts until `adapt`
/// sets it from the training rows as Keras's `adapt` does: `idf[j] = ln(1 + documents / (1 + df[j]))`, `df[j]` the
/// rows that hold id `j`; an id they never hold (the vocabulary's `[UNK]`, as a rule) gets the mean idf of the others,
/// as Keras's out-of-vocabulary column does.
///
/// Two options make it scikit-learn's `TfidfVectorizer` instead: `sublinearTF` counts `1 + ln(n)` for an id that
/// occurs n times (`sublinear_tf=True`), and `ignoreUnseen` gives ids the training rows never hold an idf of 0 (the
/// vectorizer's vocabulary leaves unseen words out), in the layer string `TFIDF(V, sublinear_tf, ignore_unseen)`.
///
/// A bag of words loses word order: the layer suits linear models (`TFIDF` → `UnitNormalization` → `Dense`), as
/// scikit-learn's `TfidfVectorizer` + `LinearSVC` are.
///
///     let tfidf = TFIDF(inputDimension: 35_419)
///     tfidf.adapt(ids: trainingIDs, rows: rows, timeSteps: 1000)   // after the model is built
public final class TFIDF: Layer {
  public var name: String
  public var baseName: String { "tfidf" }
  /// The number of distinct ids (vocabulary size, padding included): the output's width.
  public let inputDimension: Int
  /// Count an id that occurs `n` times in a row as `1 + ln(n)` (scikit-learn's `sublinear_tf`), not `n`.
  public let sublinearTF: Bool
  /// Give ids the training rows never hold an idf of 0, so they count nowhere (as words outside scikit-learn's
  /// `TfidfVectorizer` vocabulary), instead of Keras's mean idf.
  public let ignoreUnseen: Bool
  public private(set) var parameters: [Parameter] = []
  /// Per id, where its value went in the row `bags` is filling (-1: nowhere yet); all -1 between calls.
  private var slots: [Int32] = []

  /// Makes the layer; see the type's description.
  /// - Precondition: `inputDimension >= 1`.
  public init(inputDimension: Int, sublinearTF: Bool = false, ignoreUnseen: Bool = false, name: String = "") {
    precondition(inputDimension >= 1, "TFIDF: inputDimension must be ≥ 1")
    self.inputDimension = inputDimension
    self.sublinearTF = sublinearTF
    self.ignoreUnseen = ignoreUnseen
    self.name = name
  }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    try requireTokens(input, layer: "TFIDF")
    if name.isEmpty { name = baseName }
    let idf = Parameter(
      name: "idf", path: "\(name)/idf", value: Tensor(shape: [inputDimension], scalars: [Float](repeating: 1, count: inputDimension)))
    idf.isTrainable = false
    parameters = [idf]
    return .vector(features: inputDimension)
  }

  /// Sets `idf` from `rows` rows of `timeSteps` ids each (row-major; the training rows): `ln(1 + rows / (1 + df))`,
  /// and the mean of those for ids with `df` 0.
  /// - Precondition: the layer is built and every id is below `inputDimension`.
  public func adapt<C: Collection<Float>>(ids: C, rows: Int, timeSteps: Int) where C.Index == Int {
    precondition(!parameters.isEmpty, "TFIDF: build the model before adapting")
    var documents = [Int](repeating: 0, count: inputDimension)
    var lastRow = [Int](repeating: -1, count: inputDimension)
    var start = ids.startIndex
    for row in 0..<rows {
      for offset in 0..<timeSteps {
        let id = Int(ids[start + offset])
        if id > 0 && lastRow[id] != row {
          lastRow[id] = row
          documents[id] += 1
        }
      }
      start += timeSteps
    }
    var idf = parameters[0].value
    for j in 0..<inputDimension { idf.scalars[j] = Float(log(1 + Double(rows) / Double(1 + documents[j]))) }
    // An id the training rows never hold is, to Keras, out of the vocabulary: its column's idf is the mean idf of
    // the ids they do hold (Keras's OOV weight), not the largest weight of all.
    let seen = (1..<inputDimension).filter { documents[$0] > 0 }
    let mean = seen.isEmpty ? 0 : seen.reduce(0.0) { $0 + Double(idf.scalars[$1]) } / Double(seen.count)
    for j in 1..<inputDimension where documents[j] == 0 { idf.scalars[j] = ignoreUnseen ? 0 : Float(mean) }
    try! parameters[0].assign(idf)
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    let rows = try bags(input, normalized: false)
    var output = Tensor(shape: [rows.rows, inputDimension])
    for r in 0..<rows.rows {
      for k in rows.offsets[r]..<rows.offsets[r + 1] {
        output.scalars[r * inputDimension + Int(rows.indices[k])] = rows.values[k]
      }
    }
    return LayerOutput(output: output, mask: nil)
  }

  /// Ids have no gradient.
  public func backward(_ outputGradient: Tensor) -> Tensor? { nil }

  /// Each row's TF-IDF vector in sparse form: the ids it holds (in order of first occurrence) and their values,
  /// the same numbers `forward` writes into a dense row. What a `Dense` after the layer multiplies.
  /// - Parameter normalized: divide each row by its length, as a `UnitNormalization` after the layer would.
  /// - Throws: `ModelError` for an id that is not an integer in `0..<inputDimension`.
  func bags(_ input: Tensor, normalized: Bool) throws(ModelError) -> SparseRows {
    let (batch, time, _) = try dimensions(of: input, shape: .tokens, what: "\(name) input")
    if slots.count != inputDimension { slots = [Int32](repeating: -1, count: inputDimension) }
    var rows = SparseRows(rows: batch, columns: inputDimension)
    rows.offsets.reserveCapacity(batch + 1)
    let idf = parameters[0].storage.pointer
    for b in 0..<batch {
      let start = rows.indices.count
      for t in 0..<time {
        let id = try tokenID(input.scalars[b * time + t], below: inputDimension)
        guard id > 0 else { continue }
        let slot = Int(slots[id])
        if slot >= start {
          rows.values[slot] += 1
        } else {
          slots[id] = Int32(rows.indices.count)
          rows.indices.append(Int32(id))
          rows.values.append(1)
        }
      }
      // Counts, then times the idf (as Keras's tf_idf).
      for k in start..<rows.indices.count {
        let count = rows.values[k]
        rows.values[k] = (sublinearTF ? 1 + log(count) : count) * idf[Int(rows.indices[k])]
      }
      if normalized {
        var sum: Float = 0
        for k in start..<rows.indices.count { sum += rows.values[k] * rows.values[k] }
        let inverse = UnitNormalization.inverseLength(squaredLength: sum)
        for k in start..<rows.indices.count { rows.values[k] *= inverse }
      }
      rows.offsets.append(rows.indices.count)
    }
    for id in rows.indices { slots[Int(id)] = -1 }
    return rows
  }
}

/// Rows of a matrix with few non-zero values: row `r` holds `values[offsets[r]..<offsets[r + 1]]` at the columns
/// `indices[…]` (compressed sparse rows).
struct SparseRows {
  var rows: Int
  var columns: Int
  var offsets: [Int] = [0]
  var indices: [Int32] = []
  var values: [Float] = []

  init(rows: Int, columns: Int) {
    self.rows = rows
    self.columns = columns
  }

  /// `z += self · w`: adds to each row of `z` (`rows × width`) its values times the rows of `w` (`columns × width`)
  /// at its columns, in the order the row holds them.
  func addProduct(_ w: UnsafePointer<Float>, width: Int, into z: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
      let zr = z + r * width
      for k in offsets[r]..<offsets[r + 1] {
        let v = values[k], wk = w + Int(indices[k]) * width
        for j in 0..<width { zr[j] += v * wk[j] }
      }
    }
  }
}

/// Scales each example to length 1 (Keras `UnitNormalization()`, over the last axis): `x / max(|x|, 1e-12)`.
/// `[batch, features]` or `[batch, time, features]` → the same shape.
public final class UnitNormalization: Layer {
  public var name: String
  public var baseName: String { "unit_normalization" }
  public var parameters: [Parameter] { [] }
  /// The smallest length divided by (Keras's `epsilon`).
  public static let epsilon: Float = 1e-12
  private var inputShape: FeatureShape = .vector(features: 1)
  private var output: Tensor = Tensor(shape: [0])
  private var inverseNorms: [Float] = []
  private var clamped: [Bool] = []

  /// Makes the layer.
  public init(name: String = "") { self.name = name }

  /// What a vector whose squared length is `squaredLength` is multiplied by: `1 / max(|x|, ε)`.
  static func inverseLength(squaredLength: Float) -> Float { 1 / max(squaredLength.squareRoot(), epsilon) }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    guard input != .tokens else {
      throw ModelError(.invalidConfiguration("UnitNormalization takes vectors or sequences of features, not token ids"))
    }
    if name.isEmpty { name = baseName }
    inputShape = input
    return input
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    let (_, _, features) = try dimensions(of: input, shape: inputShape, what: "\(name) input")
    let examples = input.count / max(features, 1)
    var result = input
    inverseNorms = [Float](repeating: 0, count: examples)
    clamped = [Bool](repeating: false, count: examples)
    for e in 0..<examples {
      var sum: Float = 0
      for j in 0..<features { sum += input.scalars[e * features + j] * input.scalars[e * features + j] }
      clamped[e] = sum.squareRoot() < Self.epsilon
      let inverse = Self.inverseLength(squaredLength: sum)
      inverseNorms[e] = inverse
      for j in 0..<features { result.scalars[e * features + j] *= inverse }
    }
    output = result
    return LayerOutput(output: result, mask: mask)
  }

  /// `dx = (g - y (y·g)) / |x|`; where the length was clamped to ε, `dx = g / ε`.
  public func backward(_ outputGradient: Tensor) -> Tensor? {
    let features = inputShape.features
    var dx = outputGradient
    for e in 0..<inverseNorms.count {
      let base = e * features
      var dot: Float = 0
      if !clamped[e] { for j in 0..<features { dot += output.scalars[base + j] * outputGradient.scalars[base + j] } }
      for j in 0..<features {
        dx.scalars[base + j] = (outputGradient.scalars[base + j] - output.scalars[base + j] * dot) * inverseNorms[e]
      }
    }
    return dx
  }
}
