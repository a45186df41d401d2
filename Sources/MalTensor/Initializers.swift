/// A weight initializer with Keras's name and formula.
///
///     var random = RandomSource(seed: 1)
///     let kernel = Initializer.glorotUniform.tensor(shape: [128, 256], random: &random)
public enum Initializer: Sendable, Hashable {
  /// All elements 0 (Keras `zeros`).
  case zeros
  /// All elements equal to the value (Keras `constant`).
  case constant(Float)
  /// U(-limit, limit) with `limit = sqrt(6 / (fanIn + fanOut))`, for a 2-D shape [fanIn, fanOut]
  /// (Keras `glorot_uniform`). An LSTM kernel [D, 4U] is one matrix: fanOut = 4U.
  case glorotUniform
  /// `gain · Q` with Q orthonormal (Keras `orthogonal`): a [r, c] matrix with r ≤ c has
  /// orthonormal rows, otherwise orthonormal columns. An LSTM recurrent kernel [U, 4U] is one
  /// such matrix, not four orthogonal blocks.
  case orthogonal(gain: Float = 1)
  /// U(minimum, maximum) (Keras `RandomUniform`; Embedding's default is ±0.05).
  case uniform(minimum: Float = -0.05, maximum: Float = 0.05)

  /// Draws a tensor of the given shape.
  /// - Precondition: `glorotUniform` and `orthogonal` need rank ≥ 2 (extra leading axes
  ///   count as receptive field, as in Keras); shapes with no elements are allowed.
  public func tensor(shape: [Int], random: inout RandomSource) -> Tensor {
    let count = shape.reduce(1, *)
    switch self {
    case .zeros:
      return Tensor(shape: shape)
    case .constant(let value):
      return Tensor(shape: shape, repeating: value)
    case .uniform(let minimum, let maximum):
      var values = [Float](repeating: 0, count: count)
      for i in 0..<count { values[i] = random.uniform(minimum, maximum) }
      return Tensor(shape: shape, scalars: values)
    case .glorotUniform:
      precondition(shape.count >= 1, "glorotUniform: needs rank ≥ 1")
      let fanIn: Int, fanOut: Int
      if shape.count == 1 {
        fanIn = shape[0]; fanOut = shape[0]
      } else {
        let receptive = shape.dropLast(2).reduce(1, *)
        fanIn = shape[shape.count - 2] * receptive
        fanOut = shape[shape.count - 1] * receptive
      }
      let limit = Float((6.0 / Double(max(1, fanIn + fanOut))).squareRoot())
      var values = [Float](repeating: 0, count: count)
      for i in 0..<count { values[i] = random.uniform(-limit, limit) }
      return Tensor(shape: shape, scalars: values)
    case .orthogonal(let gain):
      precondition(shape.count >= 2, "orthogonal: needs rank ≥ 2")
      let columns = shape[shape.count - 1]
      let rows = count / max(1, columns)
      let q = Initializer.orthonormal(rows: rows, columns: columns, random: &random)
      return Tensor(shape: shape, scalars: q.map { Float($0) * gain })
    }
  }

  /// A row-major [rows, columns] matrix with orthonormal rows (rows ≤ columns) or columns.
  /// Householder-free: modified Gram–Schmidt, twice, in Double, on a normal matrix of shape
  /// [max, min]; the result is transposed when rows < columns.
  static func orthonormal(rows: Int, columns: Int, random: inout RandomSource) -> [Double] {
    let tall = max(rows, columns), narrow = min(rows, columns)
    if narrow == 0 { return [] }
    // a is [tall, narrow], stored column by column for Gram–Schmidt.
    var a = [[Double]](repeating: [Double](repeating: 0, count: tall), count: narrow)
    for i in 0..<tall { for j in 0..<narrow { a[j][i] = random.normal() } }
    for j in 0..<narrow {
      for _ in 0..<2 {  // a second pass restores orthogonality lost to rounding
        for p in 0..<j {
          var dot = 0.0
          for i in 0..<tall { dot += a[p][i] * a[j][i] }
          for i in 0..<tall { a[j][i] -= dot * a[p][i] }
        }
      }
      var norm = 0.0
      for i in 0..<tall { norm += a[j][i] * a[j][i] }
      norm = norm.squareRoot()
      for i in 0..<tall { a[j][i] /= norm }
    }
    var out = [Double](repeating: 0, count: rows * columns)
    for r in 0..<rows {
      for c in 0..<columns {
        // rows ≥ columns: out[r, c] = a[c][r]; rows < columns: out = aᵀ, out[r, c] = a[r][c].
        out[r * columns + c] = rows >= columns ? a[c][r] : a[r][c]
      }
    }
    return out
  }
}
