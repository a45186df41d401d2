// Benchmark of MalRecurrent training and inference on the shapes:
// Embedding(vocab, 128) → [Bidirectional](LSTM|GRU|SimpleRNN)(64) → Dense(1, sigmoid), batch 64,
// maxlen 40, Adam, binary cross-entropy. Prints one JSON object per architecture.
//
//   MalRecurrentBench [--arch bilstm,lstm,gru,simplernn] [--threads 1] [--steps 40] [--runs 3]
//                     [--batch 64] [--maxlen 40] [--vocab 20000] [--embed 128] [--units 64]
//                     [--strategy auto|blas|split]
//   MalRecurrentBench --gemm yes [--threads 1]    # sgemm GFLOP/s at the layers' shapes
import Dispatch
import Foundation
import MalRecurrent
import MalTensor

struct Options {
  var architectures = ["bilstm", "lstm", "gru", "simplernn"]
  var threads = 1
  var steps = 40
  var runs = 3
  var batch = 64
  var maxlen = 40
  var vocab = 20_000
  var embed = 128
  var units = 64
  var strategy = "auto"
  var gemmOnly = false
}

var options = Options()
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
  guard let value = arguments.next() else { fatalError("missing value for \(flag)") }
  switch flag {
  case "--arch": options.architectures = value.split(separator: ",").map(String.init)
  case "--threads": options.threads = Int(value)!
  case "--steps": options.steps = Int(value)!
  case "--runs": options.runs = Int(value)!
  case "--batch": options.batch = Int(value)!
  case "--maxlen": options.maxlen = Int(value)!
  case "--vocab": options.vocab = Int(value)!
  case "--embed": options.embed = Int(value)!
  case "--units": options.units = Int(value)!
  case "--strategy": options.strategy = value
  case "--gemm": options.gemmOnly = value == "yes"
  default: fatalError("unknown flag \(flag)")
  }
}

func peakResidentMegabytes() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
    return kilobytes / 1024
  }
  return -1
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// Multiply-add FLOPs (2 per MAC) of one example's forward pass through the recurrent layer(s).
func forwardFlops(_ arch: String, _ o: Options) -> Double {
  let gates: Double = arch.hasSuffix("lstm") ? 4 : arch == "gru" ? 3 : 1
  let directions: Double = arch.hasPrefix("bi") ? 2 : 1
  let d = Double(o.embed), u = Double(o.units), t = Double(o.maxlen)
  return directions * t * 2 * gates * u * (d + u)
}

func makeModel(_ arch: String, _ o: Options) throws -> Sequential {
  let recurrent: any Layer
  switch arch {
  case "bilstm": recurrent = Bidirectional(LSTM(units: o.units))
  case "lstm": recurrent = LSTM(units: o.units)
  case "gru": recurrent = GRU(units: o.units)
  case "simplernn": recurrent = SimpleRNN(units: o.units)
  default: fatalError("unknown architecture \(arch)")
  }
  return try Sequential(input: .tokens, layers: [
    Embedding(inputDimension: o.vocab, outputDimension: o.embed), recurrent, Dense(units: 1, activation: .sigmoid),
  ], seed: 1)
}

/// Times single sgemm calls at the shapes of the recurrent layers (row-major, as the layers
/// call them) and prints GFLOP/s for each.
func benchmarkGemm(threads: Int) {
  BLAS.setThreadCount(threads)
  struct Shape { var name: String; var m, n, k: Int; var transposeA = false, transposeB = false }
  let shapes = [
    Shape(name: "input projection [2560x128]·[128x256]", m: 2560, n: 256, k: 128),
    Shape(name: "recurrent step [64x64]·[64x256]", m: 64, n: 256, k: 64),
    Shape(name: "recurrent step, half batch [32x64]·[64x256]", m: 32, n: 256, k: 64),
    Shape(name: "backward step [64x256]·[64x256]ᵀ", m: 64, n: 64, k: 256, transposeB: true),
    Shape(name: "kernel gradient [2560x128]ᵀ·[2560x256]", m: 128, n: 256, k: 2560, transposeA: true),
    Shape(name: "input gradient [2560x256]·[128x256]ᵀ", m: 2560, n: 128, k: 256, transposeB: true),
    Shape(name: "square 1024", m: 1024, n: 1024, k: 1024),
  ]
  var random = RandomSource(seed: 5)
  for shape in shapes {
    let a = (0..<(shape.m * shape.k)).map { _ in random.uniform(-1, 1) }
    let b = (0..<(shape.k * shape.n)).map { _ in random.uniform(-1, 1) }
    var c = [Float](repeating: 0, count: shape.m * shape.n)
    let flops = 2.0 * Double(shape.m * shape.n * shape.k)
    let repetitions = max(20, Int(2e9 / flops))
    var rates: [Double] = []
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          func call() {
            BLAS.gemm(m: shape.m, n: shape.n, k: shape.k, a: ap.baseAddress!,
                      lda: shape.transposeA ? shape.m : shape.k, transposeA: shape.transposeA,
                      b: bp.baseAddress!, ldb: shape.transposeB ? shape.k : shape.n, transposeB: shape.transposeB,
                      c: cp.baseAddress!, ldc: shape.n)
          }
          for _ in 0..<5 { call() }
          for _ in 0..<5 {
            let start = now()
            for _ in 0..<repetitions { call() }
            rates.append(flops * Double(repetitions) / (now() - start) / 1e9)
          }
        }
      }
    }
    precondition(c.allSatisfy(\.isFinite))
    print("{\"gemm\":\"\(shape.name)\",\"threads\":\(threads),\"gflops\":\((median(rates) * 10).rounded() / 10)}")
  }
}

if options.gemmOnly {
  benchmarkGemm(threads: options.threads)
  exit(0)
}

var random = RandomSource(seed: 99)
let batches = 8
let inputs = (0..<batches).map { _ in
  Tensor(shape: [options.batch, options.maxlen],
         scalars: (0..<(options.batch * options.maxlen)).map { _ in Float(1 + Int(random.next() % UInt64(options.vocab - 1))) })
}
let targets = (0..<batches).map { _ in
  Tensor(shape: [options.batch, 1], scalars: (0..<options.batch).map { _ in Float(random.next() % 2) })
}

for arch in options.architectures {
  let model = try makeModel(arch, options)
  model.configureThreads(options.threads, strategy: ExecutionStrategy(rawValue: options.strategy) ?? .auto)
  let adam = Adam()
  var losses: [Float] = []
  for i in 0..<3 {
    losses.append(try model.trainStep(inputs: inputs[i % batches], targets: targets[i % batches],
                                      loss: .binaryCrossentropy(), optimizer: adam))
  }
  var trainRates: [Double] = []
  for _ in 0..<options.runs {
    let start = now()
    for i in 0..<options.steps {
      losses.append(try model.trainStep(inputs: inputs[i % batches], targets: targets[i % batches],
                                        loss: .binaryCrossentropy(), optimizer: adam))
    }
    trainRates.append(Double(options.steps * options.batch) / (now() - start))
  }
  precondition(losses.allSatisfy(\.isFinite), "non-finite loss")
  var checksum: Float = 0
  for i in 0..<3 { checksum += try model.predict(inputs[i]).scalars.reduce(0, +) }
  var predictRates: [Double] = []
  for _ in 0..<options.runs {
    let start = now()
    for i in 0..<(options.steps * 2) { checksum += try model.predict(inputs[i % batches]).scalars[0] }
    predictRates.append(Double(options.steps * 2 * options.batch) / (now() - start))
  }
  precondition(checksum.isFinite)
  let train = median(trainRates), predict = median(predictRates)
  let flops = forwardFlops(arch, options)
  let result: [String: Any] = [
    "tool": "mal", "arch": arch, "threads": options.threads, "strategy": options.strategy,
    "batch": options.batch, "maxlen": options.maxlen,
    "train_samples_per_s": (train * 10).rounded() / 10,
    "predict_samples_per_s": (predict * 10).rounded() / 10,
    // A training step costs about 3× the forward products (forward, input and weight gradients).
    "train_gflops": (train * 3 * flops / 1e9 * 100).rounded() / 100,
    "predict_gflops": (predict * flops / 1e9 * 100).rounded() / 100,
    "peak_rss_mb": (peakResidentMegabytes() * 10).rounded() / 10,
    "params": model.parameterCount,
    "first_loss": Double(losses[0]), "last_loss": Double(losses.last!),
  ]
  let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}
