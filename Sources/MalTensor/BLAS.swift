import CBLAS

/// Swift-named entry points to OpenBLAS: single-precision matrix products and the thread count.
///
/// All matrices are row-major. No `cblas_` name reaches callers.
public enum BLAS {
  /// Computes `C = alpha · op(A) · op(B) + beta · C` on row-major Float32 matrices (`sgemm`).
  ///
  /// `op(A)` is [m, k] and `op(B)` is [k, n]; `C` is [m, n]. `lda`, `ldb`, `ldc` are the row
  /// strides in elements of the matrices *as stored* (before `op`), so a block of a wider
  /// matrix, or one row per batch element of a `[batch, time, features]` buffer, can be
  /// used in place.
  ///
  ///     // [2, 3] · [3, 1] → [2, 1]
  ///     BLAS.gemm(m: 2, n: 1, k: 3, a: a, lda: 3, b: b, ldb: 1, c: c, ldc: 1)
  ///
  /// - Precondition: `m`, `n`, `k` ≥ 0 and the strides are at least the stored row lengths.
  /// - Complexity: O(m·n·k).
  public static func gemm(
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                beta, c, Int32(ldc))
  }

  /// The number of threads OpenBLAS uses for one call.
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  /// The kernel family OpenBLAS runs (`Haswell`, `SkylakeX`, `Cooperlake`, …): its own pick for this CPU, or
  /// the one the `OPENBLAS_CORETYPE` environment variable forced when OpenBLAS loaded.
  public static var coreName: String { String(cString: openblas_get_corename()) }

  /// Sets the number of threads OpenBLAS uses for one call (process-wide).
  /// - Precondition: `count` ≥ 1.
  public static func setThreadCount(_ count: Int) {
    precondition(count >= 1, "BLAS.setThreadCount: \(count) < 1")
    openblas_set_num_threads(Int32(count))
  }
}
