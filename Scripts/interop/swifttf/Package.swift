// swift-tools-version: 6.0
// The swift-transformers side of Scripts/interop/subword_swift.sh: swifttf-ids loads a tokenizer.json folder with
// huggingface/swift-transformers' Tokenizers library and prints the ids of each line of standard input.
// Not part of Mal's build. The dependency is the source tree the stage script extracts into the git-ignored
// out/swifttf/swift-transformers (this folder is Scripts/interop/swifttf, three levels below the root).
import PackageDescription

let package = Package(
    name: "mal-swifttf",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: "../../../out/swifttf/swift-transformers")
    ],
    targets: [
        .executableTarget(
            name: "swifttf-ids",
            dependencies: [.product(name: "Tokenizers", package: "swift-transformers")]
        )
    ],
    swiftLanguageModes: [.v5]
)
