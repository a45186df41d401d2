import MalTestSupport
import Testing

@Suite("mal --version")
struct VersionTests {
  @Test("a plain build prints the version and says no commit was recorded; stages keep their help without it")
  func version() throws {
    let result = try Mal.run(["--version"])
    #expect(result == Mal.Result(
      stdout: "mal 0.1.0 (development build: no commit recorded; Scripts/release.sh records it)\n", stderr: "", status: 0))
    // A root flag only: the stages' help pages (golden files elsewhere) do not list it.
    #expect(!(try Mal.run(["tokenize", "--help"])).stdout.contains("--version"))
  }
}
