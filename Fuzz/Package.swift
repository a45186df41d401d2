// swift-tools-version: 6.0
// libFuzzer targets for Mal's readers, one executable per target, built only by `Scripts/fuzz.sh` with
// `-sanitize=fuzzer,address -parse-as-library` (libFuzzer supplies `main`). A separate package, so the main
// package and `swift test` are untouched; see docs/reliability.md, "Fuzzing".
import Foundation
import PackageDescription

// A package found by path is named by its folder (`main`, a worktree's name…), so ask for the folder's name.
let mal = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
  .executableTarget(
    name: name, dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: mal) })
}

let package = Package(
  name: "MalFuzz",
  platforms: [.macOS(.v15)],
  dependencies: [.package(path: "..")],
  targets: [
    .target(name: "FuzzSupport", dependencies: [.product(name: "MalStream", package: mal)]),
    fuzzTarget("FuzzRecords", ["MalStream"]),
    fuzzTarget("FuzzJSON", ["MalStream"]),
    fuzzTarget("FuzzTokenizer", ["MalStream", "MalTokenize"]),
    fuzzTarget("FuzzVocabulary", ["MalStream", "MalVocab"]),
    fuzzTarget("FuzzVectors", ["MalStream", "MalWord2Vec"]),
    fuzzTarget("FuzzModel", ["MalModel"]),
    fuzzTarget("FuzzLayerSpec", ["MalRecurrent"]),
    fuzzTarget("FuzzIDRow", ["MalStream", "MalSequence"]),
    fuzzTarget("FuzzSubword", ["MalStream", "MalVocab"]),
  ],
  swiftLanguageModes: [.v6]
)
