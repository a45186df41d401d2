import MalTestSupport
import Testing

/// `--lr-schedule`, `--warmup-steps`, `--weight-decay`, `--label-smoothing`: values outside their range are usage
/// errors (the formulas are checked against Keras in MalRecurrentTests).
@Suite("train's learning-rate and regularization flags")
struct TrainingKnobsTests {
  @Test("out-of-range values are refused before reading", arguments: [
    (["--warmup-steps", "-1"], "Error: --warmup-steps must be at least 0, got -1\n"),
    (["--label-smoothing", "1"], "Error: --label-smoothing must be in [0, 1)\n"),
    (["--weight-decay", "-0.1"], "Error: --weight-decay must be in [0, 1)\n"),
    (["--weight-decay", "0.01", "--optimizer", "sgd"], "Error: --weight-decay needs --optimizer adam (AdamW)\n"),
    (["--lr-schedule", "step"], "Error: The value 'step' is invalid for '--lr-schedule <lr-schedule>'. Please provide one of 'constant', 'cosine' or 'linear'.\n"),
  ] as [([String], String)])
  func refused(_ flags: [String], _ message: String) throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(["train", "-o", folder.path + "/m.mal"] + flags + ["Corpora/sample-ko-ids.tsv"])
    #expect(result.status == 64)
    #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
    #expect(folder.contents.isEmpty)
  }
}
