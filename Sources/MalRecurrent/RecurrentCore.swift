import Dispatch
import MalTensor

/// The cell a recurrent layer runs at each step.
enum CellKind: Sendable, Hashable {
  case simple(Activation)
  case lstm
  case gru(resetAfter: Bool)

  var gates: Int {
    switch self {
    case .simple: 1
    case .lstm: 4
    case .gru: 3
    }
  }
}

/// Forward and backward passes through time for SimpleRNN, LSTM and GRU, on buffers that are
/// allocated once per batch shape.
///
/// Layout: every per-step buffer is `[batch, time, width]` indexed by the *input* time step
/// τ, so step τ of all batch rows is one strided matrix (row stride `time · width`) that a
/// BLAS call reads or writes in place. The input projection of all steps is one `sgemm`
/// before the loop; each step does one `sgemm` with the recurrent kernel (two for GRU with
/// `resetAfter: false`) and fused gate math per batch row.
final class RecurrentCore {
  let kind: CellKind
  let units: Int
  let useBias: Bool
  let unitForgetBias: Bool
  var goBackwards: Bool
  var returnSequences: Bool
  /// Bidirectional's backward half returns its sequence in input order, not processing order.
  var alignOutputWithInput = false
  /// Output zeros at masked steps (Bidirectional with returnSequences) instead of the carried state.
  var zeroOutputForMask = false
  var dropout: Float
  var recurrentDropout: Float
  var bpttSteps: Int?
  var random = RandomSource(seed: 0)
  /// The number of batch slices whose time loops run side by side (1: on the calling thread).
  var parallelism = 1

  private(set) var inputDimension = 0
  private(set) var parameters: [Parameter] = []

  // Shape of the last forward pass.
  private var batch = 0, time = 0
  private var hasMask = false
  private var inputDropout = false, hiddenDropout = false

  private let xs = FloatBuffer()          // [B, T, D] input (after input dropout)
  private let maskBuffer = FloatBuffer()  // [B, T]
  private let inputKeep = FloatBuffer()   // [B, D]
  private let hiddenKeep = FloatBuffer()  // [B, U]
  private let p = FloatBuffer()           // [B, T, GU] pre-activations, then gate values
  private let rh = FloatBuffer()          // [B, T, GU] GRU reset-after: h·Wh + b_h
  private let hPrev = FloatBuffer()       // [B, T, U] h_{t-1} as fed to the recurrent kernel
  private let hPrevRaw = FloatBuffer()    // [B, T, U] GRU: carried h_{t-1}
  private let cPrev = FloatBuffer()       // [B, T, U] LSTM: c_{t-1}
  private let tanhC = FloatBuffer()       // [B, T, U] LSTM: tanh(c_t)
  private let resetH = FloatBuffer()      // [B, T, U] GRU reset-before: r ⊙ h_{t-1}
  private let hSeq = FloatBuffer()        // [B, T, U] carried h after step τ
  private let h = FloatBuffer()           // [B, U]
  private let c = FloatBuffer()           // [B, U]
  private let dp = FloatBuffer()          // [B, T, GU]
  private let drh = FloatBuffer()         // [B, T, GU]
  private let dh = FloatBuffer()          // [B, U]
  private let dc = FloatBuffer()          // [B, U]
  private let scratch = FloatBuffer()     // [B, U]
  private let scratch2 = FloatBuffer()    // [B, U]
  private let direct = FloatBuffer()      // [B, U]

  init(kind: CellKind, units: Int, useBias: Bool, unitForgetBias: Bool, goBackwards: Bool,
       returnSequences: Bool, dropout: Float, recurrentDropout: Float, bpttSteps: Int?) {
    self.kind = kind
    self.units = units
    self.useBias = useBias
    self.unitForgetBias = unitForgetBias
    self.goBackwards = goBackwards
    self.returnSequences = returnSequences
    self.dropout = dropout
    self.recurrentDropout = recurrentDropout
    self.bpttSteps = bpttSteps
  }

  var cellName: String {
    switch kind {
    case .simple: "simple_rnn_cell"
    case .lstm: "lstm_cell"
    case .gru: "gru_cell"
    }
  }

  var stateCount: Int { if case .lstm = kind { 2 } else { 1 } }

  func build(inputDimension d: Int, layerPath: String, random: inout RandomSource) {
    inputDimension = d
    let gu = kind.gates * units
    let prefix = "\(layerPath)/\(cellName)/"
    let kernel = Initializer.glorotUniform.tensor(shape: [d, gu], random: &random)
    let recurrent = Initializer.orthogonal(gain: 1).tensor(shape: [units, gu], random: &random)
    parameters = [Parameter(name: "kernel", path: prefix + "kernel", value: kernel),
                  Parameter(name: "recurrent_kernel", path: prefix + "recurrent_kernel", value: recurrent)]
    if useBias {
      var bias: Tensor
      if case .gru(true) = kind {
        bias = Tensor(shape: [2, gu])
      } else {
        bias = Tensor(shape: [gu])
        if case .lstm = kind, unitForgetBias {
          for j in units..<(2 * units) { bias.scalars[j] = 1 }
        }
      }
      parameters.append(Parameter(name: "bias", path: prefix + "bias", value: bias))
    }
    self.random = random.split()
  }

  private func reserve(batch b: Int, time t: Int) {
    let n = b * t, u = units, gu = kind.gates * units
    xs.reserve(n * inputDimension)
    maskBuffer.reserve(n)
    inputKeep.reserve(b * inputDimension)
    hiddenKeep.reserve(b * u)
    p.reserve(n * gu)
    hPrev.reserve(n * u)
    hSeq.reserve(n * u)
    for buffer in [h, c, dh, dc, scratch, scratch2, direct] { buffer.reserve(b * u) }
    dp.reserve(n * gu)
    switch kind {
    case .lstm:
      cPrev.reserve(n * u); tanhC.reserve(n * u)
    case .gru(let resetAfter):
      hPrevRaw.reserve(n * u)
      if resetAfter { rh.reserve(n * gu); drh.reserve(n * gu) } else { resetH.reserve(n * u) }
    case .simple:
      break
    }
  }

  /// Runs the layer over `input` [B, T, D]; returns the output ([B, T, U] or [B, U]) and the
  /// final states (h, and c for LSTM), each [B, U].
  func forward(_ input: Tensor, mask: Tensor?, training: Bool, initialState: [Tensor]?) -> (Tensor, [Tensor]) {
    forward(.values(input), batch: input.shape[0], time: input.shape[1], mask: mask, training: training,
            initialState: initialState)
  }

  /// Where the input projection of each step comes from.
  enum Source {
    /// Input vectors [B, T, D]: one sgemm with the kernel.
    case values(Tensor)
    /// Token ids [B·T] and a table [vocabulary, GU] of `embeddings · kernel + b`: one row copy
    /// per step (inference only, see `projectionTable(for:)`).
    case tokens([Int32], table: FloatBuffer)
  }

  private var tokenIDs: [Int32] = []
  private var tokenTable: FloatBuffer?
  private let table = FloatBuffer()
  private var tableKey: [Int] = []

  /// `embeddings · kernel + input bias` for every token id, [vocabulary, GU]: the input
  /// projection of every possible step. Cached until a weight changes.
  func projectionTable(for embedding: Parameter) -> FloatBuffer {
    let key = [ObjectIdentifier(embedding).hashValue, embedding.version]
      + parameters.map(\.version)
    if key == tableKey { return table }
    let vocabulary = embedding.shape[0], d = inputDimension, gu = kind.gates * units
    table.reserve(vocabulary * gu)
    if useBias {
      let bias = parameters[2].storage.pointer
      for r in 0..<vocabulary { (table.pointer + r * gu).update(from: bias, count: gu) }
    }
    BLAS.gemm(m: vocabulary, n: gu, k: d, a: embedding.storage.pointer, lda: d, b: parameters[0].storage.pointer,
              ldb: gu, beta: useBias ? 1 : 0, c: table.pointer, ldc: gu)
    tableKey = key
    return table
  }

  func forward(_ source: Source, batch bSize: Int, time tSize: Int, mask: Tensor?, training: Bool,
               initialState: [Tensor]?) -> (Tensor, [Tensor]) {
    let d = inputDimension
    let u = units
    batch = bSize; time = tSize
    reserve(batch: bSize, time: tSize)
    inputDropout = training && dropout > 0
    hiddenDropout = training && recurrentDropout > 0

    switch source {
    case .values(let input):
      xs.copy(from: input)
      tokenTable = nil
    case .tokens(let ids, let table):
      precondition(!training, "token projection tables are for inference")
      tokenIDs = ids
      tokenTable = table
    }
    // Input (with one dropout mask per sequence, shared by all steps, as Keras).
    if inputDropout {
      let keep = inputKeep.pointer, scale = 1 / (1 - dropout)
      for i in 0..<(bSize * d) { keep[i] = random.uniform() < dropout ? 0 : scale }
      for b in 0..<bSize {
        for t in 0..<tSize {
          let row = xs.pointer + (b * tSize + t) * d
          for j in 0..<d { row[j] *= keep[b * d + j] }
        }
      }
    }
    if hiddenDropout {
      let keep = hiddenKeep.pointer, scale = 1 / (1 - recurrentDropout)
      for i in 0..<(bSize * u) { keep[i] = random.uniform() < recurrentDropout ? 0 : scale }
    }
    hasMask = mask != nil
    if let mask { maskBuffer.copy(from: mask) }

    // Initial state.
    h.zero(bSize * u); c.zero(bSize * u)
    if let initialState {
      h.copy(from: initialState[0])
      if initialState.count > 1 { c.copy(from: initialState[1]) }
    }
    // Batch rows are independent through time: each slice runs its own time loop.
    forEachSlice(of: bSize) { rows in self.forwardRows(rows) }
    let maskP = maskBuffer.pointer

    var output: Tensor
    if returnSequences {
      output = Tensor(shape: [bSize, tSize, u])
      output.scalars.withUnsafeMutableBufferPointer { out in
        for s in 0..<tSize {
          let tau = goBackwards ? tSize - 1 - s : s
          let position = alignOutputWithInput ? tau : s
          for b in 0..<bSize {
            if zeroOutputForMask && hasMask && maskP[b * tSize + tau] == 0 { continue }
            (out.baseAddress! + (b * tSize + position) * u).update(from: hSeq.pointer + (b * tSize + tau) * u, count: u)
          }
        }
      }
    } else {
      output = h.tensor(shape: [bSize, u])
    }
    var states = [h.tensor(shape: [bSize, u])]
    if case .lstm = kind { states.append(c.tensor(shape: [bSize, u])) }
    return (output, states)
  }

  /// The forward time loop for batch rows `rows` (all buffers already sized and filled).
  private func forwardRows(_ rows: Range<Int>) {
    let tSize = time, d = inputDimension
    let u = units, gu = kind.gates * u
    let b0 = rows.lowerBound
    let kernel = parameters[0].storage.pointer
    let wh = parameters[1].storage.pointer
    let bias: UnsafeMutablePointer<Float>? = useBias ? parameters[2].storage.pointer : nil
    let pp = p.pointer

    // Input projection of every step of these rows in one product: P = X · kernel + b
    // (or, for token ids at inference, one row of the precomputed table per step).
    let first = rows.lowerBound * tSize, count = rows.count * tSize
    if let tokenTable {
      let table = tokenTable.pointer
      for r in first..<(first + count) { (pp + r * gu).update(from: table + Int(tokenIDs[r]) * gu, count: gu) }
    } else {
      if let bias {
        for r in first..<(first + count) { (pp + r * gu).update(from: bias, count: gu) }
      }
      BLAS.gemm(m: count, n: gu, k: d, a: xs.pointer + first * d, lda: d, b: kernel, ldb: gu,
                beta: bias == nil ? 0 : 1, c: pp + first * gu, ldc: gu)
    }

    let hp = h.pointer, cp = c.pointer
    let maskP = maskBuffer.pointer
    let keepH = hiddenKeep.pointer
    let ld = tSize * gu, ldh = tSize * u
    for s in 0..<tSize {
      let tau = goBackwards ? tSize - 1 - s : s
      // h_{t-1} as the recurrent kernel sees it (after recurrent dropout).
      for b in rows {
        let dst = hPrev.pointer + (b * tSize + tau) * u, src = hp + b * u
        if hiddenDropout {
          for j in 0..<u { dst[j] = src[j] * keepH[b * u + j] }
        } else {
          dst.update(from: src, count: u)
        }
      }
      let pt = pp + tau * gu
      let hpt = hPrev.pointer + tau * u
      switch kind {
      case .simple(let activation):
        BLAS.gemm(m: rows.count, n: u, k: u, a: hpt + b0 * ldh, lda: ldh, b: wh, ldb: u, beta: 1, c: pt + b0 * ld, ldc: ld)
        for b in rows {
          let row = pt + b * ld
          activation.apply(row, rows: 1, width: u)
          if !hasMask || maskP[b * tSize + tau] != 0 { (hp + b * u).update(from: row, count: u) }
        }
      case .lstm:
        BLAS.gemm(m: rows.count, n: gu, k: u, a: hpt + b0 * ldh, lda: ldh, b: wh, ldb: gu, beta: 1, c: pt + b0 * ld, ldc: ld)
        for b in rows {
          let z = pt + b * ld
          Activations.sigmoid(z, count: 2 * u)
          Activations.tanh(z + 2 * u, count: u)
          Activations.sigmoid(z + 3 * u, count: u)
          let row = (b * tSize + tau) * u
          let cOld = cPrev.pointer + row, tc = tanhC.pointer + row
          let cRow = cp + b * u, hRow = hp + b * u
          cOld.update(from: cRow, count: u)
          for j in 0..<u { tc[j] = z[u + j] * cOld[j] + z[j] * z[2 * u + j] }
          let live = !hasMask || maskP[b * tSize + tau] != 0
          if live { cRow.update(from: tc, count: u) }
          Activations.tanh(tc, count: u)
          if live { for j in 0..<u { hRow[j] = z[3 * u + j] * tc[j] } }
        }
      case .gru(let resetAfter):
        for b in rows {
          (hPrevRaw.pointer + (b * tSize + tau) * u).update(from: hp + b * u, count: u)
        }
        if resetAfter {
          let rt = rh.pointer + tau * gu
          if let bias {
            for b in rows { (rt + b * ld).update(from: bias + gu, count: gu) }
          }
          BLAS.gemm(m: rows.count, n: gu, k: u, a: hpt + b0 * ldh, lda: ldh, b: wh, ldb: gu,
                    beta: bias == nil ? 0 : 1, c: rt + b0 * ld, ldc: ld)
          for b in rows {
            let z = pt + b * ld, r = rt + b * ld
            for j in 0..<(2 * u) { z[j] += r[j] }
            Activations.sigmoid(z, count: 2 * u)
            for j in 0..<u { z[2 * u + j] += z[u + j] * r[2 * u + j] }
            Activations.tanh(z + 2 * u, count: u)
          }
        } else {
          BLAS.gemm(m: rows.count, n: 2 * u, k: u, a: hpt + b0 * ldh, lda: ldh, b: wh, ldb: gu, beta: 1, c: pt + b0 * ld, ldc: ld)
          for b in rows {
            let z = pt + b * ld
            Activations.sigmoid(z, count: 2 * u)
            let row = (b * tSize + tau) * u
            let rhRow = resetH.pointer + row, hpRow = hPrev.pointer + row
            for j in 0..<u { rhRow[j] = z[u + j] * hpRow[j] }
          }
          BLAS.gemm(m: rows.count, n: u, k: u, a: resetH.pointer + b0 * ldh + tau * u, lda: ldh, b: wh + 2 * u, ldb: gu,
                    beta: 1, c: pt + b0 * ld + 2 * u, ldc: ld)
          for b in rows { Activations.tanh(pt + b * ld + 2 * u, count: u) }
        }
        for b in rows where !hasMask || maskP[b * tSize + tau] != 0 {
          let z = pt + b * ld, hRow = hp + b * u
          for j in 0..<u { hRow[j] = z[j] * hRow[j] + (1 - z[j]) * z[2 * u + j] }
        }
      }
      for b in rows {
        (hSeq.pointer + (b * tSize + tau) * u).update(from: hp + b * u, count: u)
      }
    }

  }

  /// Backpropagates `outputGradient` (shaped like the last output) through time, stores the
  /// weight gradients and returns the input gradient [B, T, D]. With `bpttSteps = k`, only
  /// the last k processing steps are differentiated.
  func backward(_ outputGradient: Tensor) -> Tensor {
    let bSize = batch, tSize = time, d = inputDimension
    let u = units, gu = kind.gates * u, n = bSize * tSize
    dp.zero(n * gu)
    if case .gru(true) = kind { drh.zero(n * gu) }
    dh.zero(bSize * u); dc.zero(bSize * u)

    outputGradient.scalars.withUnsafeBufferPointer { dyBuffer in
      let dy = UncheckedSendable(dyBuffer.baseAddress!)
      forEachSlice(of: bSize) { rows in self.backwardRows(rows, dy.value) }
    }

    // Weight gradients: one product each over all steps, split by gate columns across slices.
    forEachSlice(of: gu) { columns in self.weightGradients(columns: columns) }
    var dx = Tensor(shape: [bSize, tSize, d])
    dx.scalars.withUnsafeMutableBufferPointer { out in
      let dxp = UncheckedSendable(out.baseAddress!)
      forEachSlice(of: bSize) { rows in self.inputGradient(rows: rows, into: dxp.value) }
    }
    return dx
  }

  /// The kernel, recurrent-kernel and bias gradients of gate columns `columns`.
  private func weightGradients(columns: Range<Int>) {
    let n = batch * time, d = inputDimension, u = units, gu = kind.gates * u
    let c0 = columns.lowerBound, width = columns.count
    let dpp = dp.pointer
    let gKernel = parameters[0].gradientStorage.pointer
    let gRecurrent = parameters[1].gradientStorage.pointer
    BLAS.gemm(m: d, n: width, k: n, a: xs.pointer, lda: d, transposeA: true, b: dpp + c0, ldb: gu,
              c: gKernel + c0, ldc: gu)
    switch kind {
    case .simple, .lstm:
      BLAS.gemm(m: u, n: width, k: n, a: hPrev.pointer, lda: u, transposeA: true, b: dpp + c0, ldb: gu,
                c: gRecurrent + c0, ldc: gu)
    case .gru(true):
      BLAS.gemm(m: u, n: width, k: n, a: hPrev.pointer, lda: u, transposeA: true, b: drh.pointer + c0, ldb: gu,
                c: gRecurrent + c0, ldc: gu)
    case .gru(false):
      // Columns of z and r see h_{t-1}; columns of the candidate see r ⊙ h_{t-1}.
      let split = 2 * u
      if c0 < split {
        let upper = min(columns.upperBound, split)
        BLAS.gemm(m: u, n: upper - c0, k: n, a: hPrev.pointer, lda: u, transposeA: true, b: dpp + c0, ldb: gu,
                  c: gRecurrent + c0, ldc: gu)
      }
      if columns.upperBound > split {
        let lower = max(c0, split)
        BLAS.gemm(m: u, n: columns.upperBound - lower, k: n, a: resetH.pointer, lda: u, transposeA: true,
                  b: dpp + lower, ldb: gu, c: gRecurrent + lower, ldc: gu)
      }
    }
    if useBias {
      let gBias = parameters[2].gradientStorage.pointer
      columnSums(dpp + c0, rows: n, stride: gu, width: width, into: gBias + c0)
      if case .gru(true) = kind {
        columnSums(drh.pointer + c0, rows: n, stride: gu, width: width, into: gBias + gu + c0)
      }
    }
  }

  /// dX = dP · kernelᵀ (then the input dropout mask) for batch rows `rows`.
  private func inputGradient(rows: Range<Int>, into dxp: UnsafeMutablePointer<Float>) {
    let tSize = time, d = inputDimension, gu = kind.gates * units
    let first = rows.lowerBound * tSize, count = rows.count * tSize
    BLAS.gemm(m: count, n: d, k: gu, a: dp.pointer + first * gu, lda: gu, b: parameters[0].storage.pointer, ldb: gu,
              transposeB: true, c: dxp + first * d, ldc: d)
    if inputDropout {
      let keep = inputKeep.pointer
      for b in rows {
        for t in 0..<tSize {
          let row = dxp + (b * tSize + t) * d
          for j in 0..<d { row[j] *= keep[b * d + j] }
        }
      }
    }
  }

  /// The backward time loop for batch rows `rows`; `dy` is the output gradient.
  private func backwardRows(_ rows: Range<Int>, _ dy: UnsafePointer<Float>) {
    let tSize = time, u = units, gu = kind.gates * u
    let ld = tSize * gu
    let b0 = rows.lowerBound
    let wh = parameters[1].storage.pointer
    let pp = p.pointer, dpp = dp.pointer
    let maskP = maskBuffer.pointer, keepH = hiddenKeep.pointer
    let dhp = dh.pointer, dcp = dc.pointer, tmp = scratch.pointer, tmp2 = scratch2.pointer, dir = direct.pointer
      if !returnSequences { (dhp + b0 * u).update(from: dy + b0 * u, count: rows.count * u) }
      let first = bpttSteps.map { max(0, tSize - $0) } ?? 0
      var s = tSize - 1
      while s >= first {
        defer { s -= 1 }
        let tau = goBackwards ? tSize - 1 - s : s
        if returnSequences {
          let position = alignOutputWithInput ? tau : s
          for b in rows {
            if zeroOutputForMask && hasMask && maskP[b * tSize + tau] == 0 { continue }
            let src = dy + (b * tSize + position) * u, dst = dhp + b * u
            for j in 0..<u { dst[j] += src[j] }
          }
        }
        func live(_ b: Int) -> Bool { !hasMask || maskP[b * tSize + tau] != 0 }
        let pt = pp + tau * gu, dpt = dpp + tau * gu
        switch kind {
        case .simple(let activation):
          for b in rows where live(b) {
            let y = pt + b * ld, dz = dpt + b * ld, g = dhp + b * u
            for j in 0..<u {
              switch activation {
              case .relu: dz[j] = y[j] > 0 ? g[j] : 0
              default: dz[j] = g[j] * (1 - y[j] * y[j])
              }
            }
          }
          BLAS.gemm(m: rows.count, n: u, k: u, a: dpt + b0 * ld, lda: ld, b: wh, ldb: u, transposeB: true, c: tmp + b0 * u, ldc: u)
          for b in rows where live(b) { scaleHidden(into: dhp + b * u, from: tmp + b * u, keep: keepH + b * u, u) }
        case .lstm:
          for b in rows where live(b) {
            let z = pt + b * ld, dz = dpt + b * ld
            let row = (b * tSize + tau) * u
            let tc = tanhC.pointer + row, cOld = cPrev.pointer + row
            for j in 0..<u {
              let i = z[j], f = z[u + j], g = z[2 * u + j], o = z[3 * u + j], t = tc[j]
              let dhv = dhp[b * u + j]
              let dcTotal = dcp[b * u + j] + dhv * o * (1 - t * t)
              dz[j] = dcTotal * g * i * (1 - i)
              dz[u + j] = dcTotal * cOld[j] * f * (1 - f)
              dz[2 * u + j] = dcTotal * i * (1 - g * g)
              dz[3 * u + j] = dhv * t * o * (1 - o)
              dcp[b * u + j] = dcTotal * f
            }
          }
          BLAS.gemm(m: rows.count, n: u, k: gu, a: dpt + b0 * ld, lda: ld, b: wh, ldb: gu, transposeB: true, c: tmp + b0 * u, ldc: u)
          for b in rows where live(b) { scaleHidden(into: dhp + b * u, from: tmp + b * u, keep: keepH + b * u, u) }
        case .gru(true):
          let rt = rh.pointer + tau * gu, drt = drh.pointer + tau * gu
          for b in rows where live(b) {
            let z = pt + b * ld, r = rt + b * ld, dz = dpt + b * ld, dr = drt + b * ld
            let hOld = hPrevRaw.pointer + (b * tSize + tau) * u
            for j in 0..<u {
              let zz = z[j], rr = z[u + j], hh = z[2 * u + j], dhv = dhp[b * u + j]
              let dCandidate = dhv * (1 - zz) * (1 - hh * hh)
              let dUpdate = dhv * (hOld[j] - hh) * zz * (1 - zz)
              let dReset = dCandidate * r[2 * u + j] * rr * (1 - rr)
              dz[j] = dUpdate; dr[j] = dUpdate
              dz[u + j] = dReset; dr[u + j] = dReset
              dz[2 * u + j] = dCandidate; dr[2 * u + j] = dCandidate * rr
              dir[b * u + j] = dhv * zz
            }
          }
          BLAS.gemm(m: rows.count, n: u, k: gu, a: drt + b0 * ld, lda: ld, b: wh, ldb: gu, transposeB: true, c: tmp + b0 * u, ldc: u)
          for b in rows where live(b) {
            scaleHidden(into: dhp + b * u, from: tmp + b * u, keep: keepH + b * u, u)
            for j in 0..<u { dhp[b * u + j] += dir[b * u + j] }
          }
        case .gru(false):
          for b in rows where live(b) {
            let z = pt + b * ld, dz = dpt + b * ld
            let hOld = hPrevRaw.pointer + (b * tSize + tau) * u
            for j in 0..<u {
              let zz = z[j], hh = z[2 * u + j], dhv = dhp[b * u + j]
              dz[2 * u + j] = dhv * (1 - zz) * (1 - hh * hh)
              dz[j] = dhv * (hOld[j] - hh) * zz * (1 - zz)
              dir[b * u + j] = dhv * zz
            }
          }
          // d(r ⊙ h) = dCandidate · U_hᵀ
          BLAS.gemm(m: rows.count, n: u, k: u, a: dpt + b0 * ld + 2 * u, lda: ld, b: wh + 2 * u, ldb: gu, transposeB: true,
                    c: tmp2 + b0 * u, ldc: u)
          for b in rows where live(b) {
            let z = pt + b * ld, dz = dpt + b * ld
            let hIn = hPrev.pointer + (b * tSize + tau) * u
            for j in 0..<u {
              let rr = z[u + j]
              dz[u + j] = tmp2[b * u + j] * hIn[j] * rr * (1 - rr)
            }
          }
          BLAS.gemm(m: rows.count, n: u, k: 2 * u, a: dpt + b0 * ld, lda: ld, b: wh, ldb: gu, transposeB: true, c: tmp + b0 * u, ldc: u)
          for b in rows where live(b) {
            let z = pt + b * ld
            for j in 0..<u { tmp[b * u + j] += tmp2[b * u + j] * z[u + j] }
            scaleHidden(into: dhp + b * u, from: tmp + b * u, keep: keepH + b * u, u)
            for j in 0..<u { dhp[b * u + j] += dir[b * u + j] }
          }
        }
      }
  }

  /// Runs `body` on `parallelism` contiguous slices of the batch rows, side by side.
  private func forEachSlice(of rows: Int, _ body: (Range<Int>) -> Void) {
    let parts = min(max(1, parallelism), rows)
    if parts <= 1 { body(0..<rows); return }
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: parts) { part in
        shared.value((rows * part / parts)..<(rows * (part + 1) / parts))
      }
    }
  }

  /// dh = tmp ⊙ keep (recurrent dropout) or dh = tmp.
  private func scaleHidden(into dh: UnsafeMutablePointer<Float>, from tmp: UnsafePointer<Float>,
                           keep: UnsafePointer<Float>, _ u: Int) {
    if hiddenDropout {
      for j in 0..<u { dh[j] = tmp[j] * keep[j] }
    } else {
      dh.update(from: tmp, count: u)
    }
  }
}

/// out[j] = Σ_r x[r · stride + j] for j in 0..<width.
func columnSums(_ x: UnsafePointer<Float>, rows: Int, stride: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
  out.update(repeating: 0, count: width)
  for r in 0..<rows {
    let row = x + r * stride
    for j in 0..<width { out[j] += row[j] }
  }
}
