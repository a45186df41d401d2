/// A dense Float32 array of any rank, stored contiguously in row-major (C) order.
///
/// `Tensor` is the value that crosses module boundaries: layer inputs and outputs,
/// weights as a caller gets and sets them, and fixture data in tests. Hot loops work
/// on its `scalars` through `withUnsafeBufferPointer`.
///
///     let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
///     x[1, 2]        // 6
///     x.shape        // [2, 3]
public struct Tensor: Sendable, Hashable {
  /// The extent of each axis, outermost first, e.g. `[batch, time, features]`. `[]` is a scalar.
  public private(set) var shape: [Int]
  /// The elements in row-major order; `scalars.count` is the product of `shape`. Elements may
  /// be changed in place; replacing the array with one of another length breaks the tensor.
  public var scalars: [Float]

  /// Makes a tensor from its shape and row-major elements.
  /// - Precondition: `scalars.count` equals the product of `shape`, and no extent is negative.
  public init(shape: [Int], scalars: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in \(shape)")
    precondition(shape.reduce(1, *) == scalars.count,
                 "Tensor: \(scalars.count) elements do not fill shape \(shape)")
    self.shape = shape
    self.scalars = scalars
  }

  /// Makes a tensor of the given shape with every element equal to `value` (0 by default).
  public init(shape: [Int], repeating value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in \(shape)")
    self.shape = shape
    self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
  }

  /// The number of elements.
  public var count: Int { scalars.count }

  /// The number of axes.
  public var rank: Int { shape.count }

  /// The element at a full multi-axis index.
  /// - Precondition: one index per axis, each in range.
  public subscript(_ index: Int...) -> Float {
    get { scalars[offset(of: index)] }
    set { scalars[offset(of: index)] = newValue }
  }

  /// Returns the same elements viewed with another shape of equal element count.
  /// - Precondition: the new shape has as many elements as this tensor.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars)
  }

  private func offset(of index: [Int]) -> Int {
    precondition(index.count == shape.count, "Tensor: \(index.count) indices for rank \(shape.count)")
    var offset = 0
    for (axis, i) in index.enumerated() {
      precondition(i >= 0 && i < shape[axis], "Tensor: index \(i) out of range 0..<\(shape[axis])")
      offset = offset * shape[axis] + i
    }
    return offset
  }
}

extension Tensor {
  /// The matrix product `self · other` of two rank-2 tensors, [m, k] · [k, n] → [m, n], through BLAS.
  /// - Precondition: both are rank 2 and the inner extents agree.
  public func matmul(_ other: Tensor) -> Tensor {
    precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[0],
                 "matmul: shapes \(shape) and \(other.shape) do not chain")
    let m = shape[0], k = shape[1], n = other.shape[1]
    var result = Tensor(shape: [m, n])
    if m == 0 || n == 0 { return result }
    scalars.withUnsafeBufferPointer { a in
      other.scalars.withUnsafeBufferPointer { b in
        result.scalars.withUnsafeMutableBufferPointer { c in
          BLAS.gemm(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                    c: c.baseAddress!, ldc: n)
        }
      }
    }
    return result
  }

  /// The transpose of a rank-2 tensor, [m, n] → [n, m].
  public func transposed() -> Tensor {
    precondition(rank == 2, "transposed: rank \(rank) is not 2")
    let m = shape[0], n = shape[1]
    var out = [Float](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { out[j * m + i] = scalars[i * n + j] } }
    return Tensor(shape: [n, m], scalars: out)
  }
}
