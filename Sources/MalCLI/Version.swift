/// What `mal --version` prints: the release number and the commit the binary was built from.
///
/// `Scripts/release.sh` writes the git-ignored `Sources/MalCLI/BuildCommit.generated.swift` (a `MalBuildCommit`
/// enum) and builds with `-D MAL_BUILD_COMMIT`; a plain `swift build` compiles without it and says so.
public enum MalVersion {
  /// The release number; `Scripts/release.sh` reads it from this line to name the tarball.
  public static let number = "0.1.0"

  /// The commit the binary was built from (with `-dirty` for uncommitted changes), or `nil` for a plain build.
  public static var commit: String? {
    #if MAL_BUILD_COMMIT
    return MalBuildCommit.commit
    #else
    return nil
    #endif
  }

  /// `0.1.0 (commit 1a2b3c4d5e6f)`, or `0.1.0 (development build: …)` for a plain `swift build`.
  public static var description: String {
    "\(number) (\(commit.map { "commit \($0)" } ?? "development build: no commit recorded; Scripts/release.sh records it"))"
  }
}
