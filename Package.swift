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
  ],
  swiftLanguageModes: [.v6]
)
