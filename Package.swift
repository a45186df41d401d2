// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Mal",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mal", targets: ["mal"]),
    .library(name: "MalStream", targets: ["MalStream"]),
    .library(name: "MalTokenize", targets: ["MalTokenize"]),
    .library(name: "MalVocab", targets: ["MalVocab"]),
    .library(name: "MalSequence", targets: ["MalSequence"]),
    .library(name: "MalTensor", targets: ["MalTensor"]),
    .library(name: "MalRecurrent", targets: ["MalRecurrent"]),
    .library(name: "MalWord2Vec", targets: ["MalWord2Vec"]),
    .library(name: "MalModel", targets: ["MalModel"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CUTF8Proc",
      providers: [.apt(["libutf8proc-dev"]), .brew(["utf8proc"])]),
    .systemLibrary(
      name: "CBLAS",
      providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    // C kernels with runtime CPU dispatch (AVX2 where the CPU has it), one portable binary (issue 15).
    .target(name: "CMalKernels"),
    .target(name: "MalStream", dependencies: ["CMalKernels"]),
    .target(name: "MalTokenize", dependencies: ["CUTF8Proc", "MalStream"]),
    .target(name: "MalVocab", dependencies: ["MalStream", "CUTF8Proc"]),
    // EmbeddingMatrix is built from MalWord2Vec's WordVectors, the one owner of word2vec .vec/.bin files.
    .target(name: "MalSequence", dependencies: ["MalStream", "MalWord2Vec"]),
    .target(name: "MalWord2Vec", dependencies: ["MalStream", "CMalKernels"]),
    .target(
      name: "MalCLI",
      dependencies: [
        "MalStream", "MalTokenize", "MalVocab", "MalSequence", "MalTensor", "MalRecurrent", "MalWord2Vec", "MalModel",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "mal", dependencies: ["MalCLI"]),
    // What the test targets share: the ErrorCase row, ../shared data, TemporaryFolder. No Mal library.
    .target(name: "MalTestSupport", path: "Tests/MalTestSupport"),
    .testTarget(name: "MalStreamTests", dependencies: ["MalStream", "CMalKernels", "MalTestSupport"]),
    .testTarget(name: "MalTokenizeTests", dependencies: ["MalTokenize", "MalTestSupport"]),
    .testTarget(name: "MalVocabTests", dependencies: ["MalVocab", "MalTokenize", "MalTestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "MalSequenceTests", dependencies: ["MalSequence", "MalStream", "MalWord2Vec", "MalTestSupport"]),
    .testTarget(name: "MalWord2VecTests", dependencies: ["MalWord2Vec", "CMalKernels", "MalTestSupport"]),
    .testTarget(name: "MalCLITests", dependencies: ["MalCLI", "MalModel", "MalRecurrent", "MalStream", "MalTensor", "MalTestSupport"], exclude: ["Golden", "BadInput"]),
    // Recurrent core (issue 6): tensors over OpenBLAS, Keras-exact layers, benchmark.
    .target(name: "MalTensor", dependencies: ["CBLAS", "CMalKernels"]),
    .target(name: "MalRecurrent", dependencies: ["MalTensor", "MalStream", "CMalKernels"]),
    // The model file as a library: a model trained by the CLI classifies raw text from Swift (issue 12).
    .target(
      name: "MalModel",
      dependencies: ["MalStream", "MalTokenize", "MalVocab", "MalSequence", "MalTensor", "MalRecurrent"]),
    .testTarget(name: "MalModelTests", dependencies: ["MalModel", "MalTestSupport"], exclude: ["Fixtures"]),
    // README "Use from Swift": a program that links MalModel alone (no CLI code) and classifies raw text.
    .executableTarget(name: "mal-classify", dependencies: ["MalModel"], path: "examples/swift/Classify"),
    .executableTarget(name: "MalRecurrentBench", dependencies: ["MalRecurrent", "MalTensor"]),
    .testTarget(name: "MalTensorTests", dependencies: ["MalTensor"]),
    .testTarget(name: "MalRecurrentTests", dependencies: ["MalRecurrent", "MalTensor", "MalTestSupport"], exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
