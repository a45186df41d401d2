// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Mal",
  platforms: [.macOS(.v15)],
  products: [],
  dependencies: [],
  targets: [
    .systemLibrary(
      name: "CUTF8Proc", pkgConfig: "libutf8proc",
      providers: [.apt(["libutf8proc-dev"]), .brew(["utf8proc"])]),
    .systemLibrary(
      name: "CBLAS",
      providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    // Recurrent core (issue 6): tensors over OpenBLAS, Keras-exact layers, benchmark.
    .target(name: "MalTensor", dependencies: ["CBLAS"]),
    .target(name: "MalRecurrent", dependencies: ["MalTensor"]),
    .executableTarget(name: "MalRecurrentBench", dependencies: ["MalRecurrent", "MalTensor"]),
    .testTarget(name: "MalTensorTests", dependencies: ["MalTensor"]),
    .testTarget(name: "MalRecurrentTests", dependencies: ["MalRecurrent", "MalTensor"]),
  ],
  swiftLanguageModes: [.v6]
)
