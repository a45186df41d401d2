// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Mal",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mal", targets: ["mal"]),
    .library(name: "MalStream", targets: ["MalStream"]),
    .library(name: "MalTokenize", targets: ["MalTokenize"]),
    .library(name: "MalWord2Vec", targets: ["MalWord2Vec"]),
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
    .target(name: "MalStream"),
    .target(name: "MalTokenize", dependencies: ["CUTF8Proc", "MalStream"]),
    .target(name: "MalWord2Vec", dependencies: ["MalStream"]),
    .target(
      name: "MalCLI",
      dependencies: [
        "MalStream", "MalTokenize", "MalWord2Vec",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "mal", dependencies: ["MalCLI"]),
    .testTarget(name: "MalStreamTests", dependencies: ["MalStream"]),
    .testTarget(name: "MalTokenizeTests", dependencies: ["MalTokenize"]),
    .testTarget(name: "MalWord2VecTests", dependencies: ["MalWord2Vec"]),
    .testTarget(name: "MalCLITests", dependencies: ["MalCLI"], exclude: ["Golden"]),
  ],
  swiftLanguageModes: [.v6]
)
