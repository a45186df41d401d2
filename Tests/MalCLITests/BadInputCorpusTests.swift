import Foundation
import MalTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of `mal` on bad input (issue 16): the arguments, the exit status and the first error line expected.
///
/// Arguments name files of the corpus (`Tests/MalCLITests/BadInput/`, `BadInputCorpus.generated` and `.sparse`) by
/// their bare names; each run gets a fresh working folder holding copies of the files it names, and its own `TMPDIR`.
/// `message` is the first line of standard error that says `error:` (or `Error:`), else its first line, else "";
/// a `*` in it matches any text. The run must leave the folder as it was (no output file, no `.NAME.tmp-…`) and
/// `TMPDIR` empty, unless `creates` names what a successful run writes.
struct BadInput: Sendable, CustomTestStringConvertible {
  var arguments: [String]
  /// A corpus file fed on standard input.
  var stdin: String?
  var status: Int32
  var message: String
  /// Files a run that succeeds on purpose writes (say, `-o out.tsv` after replacing invalid UTF-8).
  var creates: [String]
  /// Why the case does not behave yet: it runs inside `withKnownIssue`.
  var knownIssue: String?

  /// `command` split at spaces (use the array form for an argument that holds one).
  init(
    _ command: String, stdin: String? = nil, _ status: Int32, _ message: String, creates: [String] = [],
    knownIssue: String? = nil
  ) {
    self.init(
      command.split(separator: " ").map(String.init), stdin: stdin, status, message, creates: creates,
      knownIssue: knownIssue)
  }

  init(
    _ arguments: [String], stdin: String? = nil, _ status: Int32, _ message: String, creates: [String] = [],
    knownIssue: String? = nil
  ) {
    self.arguments = arguments
    self.stdin = stdin
    self.status = status
    self.message = message
    self.creates = creates
    self.knownIssue = knownIssue
  }

  var testDescription: String { arguments.joined(separator: " ") + (stdin.map { " < \($0)" } ?? "") }

  /// The row as it would be written in the table, for a run that did something else.
  static func row(_ arguments: [String], stdin: String?, status: Int32, message: String) -> String {
    let command = arguments.contains { $0.contains(" ") || $0.isEmpty }
      ? "[" + arguments.map { "\"\($0)\"" }.joined(separator: ", ") + "]" : "\"\(arguments.joined(separator: " "))\""
    let input = stdin.map { ", stdin: \"\($0)\"" } ?? ""
    return "BadInput(\(command)\(input), \(status), \"\(message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"),"
  }
}

/// The bad-input corpus: small files committed under `Tests/MalCLITests/BadInput/`, and the large or binary ones
/// made here from a few lines each.
enum BadInputCorpus {
  static let folder = SharedData.repositoryRoot.appendingPathComponent("Tests/MalCLITests/BadInput").path
  static let legacyModel = SharedData.repositoryRoot
    .appendingPathComponent("Tests/MalModelTests/Fixtures/legacy-v1.safetensors").path

  /// The committed model with its safetensors header text edited: each pair replaces its first occurrence.
  static func model(_ edits: [(String, String)]) -> [UInt8] {
    let bytes = FileManager.default.contents(atPath: legacyModel).map { [UInt8]($0) } ?? []
    guard bytes.count > 8 else { return [] }
    let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    var header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
    for (old, new) in edits {
      guard let range = header.range(of: old) else { preconditionFailure("no '\(old)' in the model's header") }
      header.replaceSubrange(range, with: new)
    }
    let newHeader = Array(header.utf8)
    let length = (0..<8).map { UInt8(truncatingIfNeeded: newHeader.count >> (8 * $0)) }
    return length + newHeader + bytes[(8 + headerLength)...]
  }

  /// Little-endian float32 bytes.
  static func floats(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
  }

  static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

  /// Files made in code: binary ones, and ones too large to commit.
  static let generated: [String: [UInt8]] = {
    let legacy = FileManager.default.contents(atPath: legacyModel).map { [UInt8]($0) } ?? []
    let kernel = #""sequential/dense/kernel":{"dtype":"F32","shape":[4,1],"data_offsets":[4,20]}"#
    return [
      // Text with bytes an editor would not keep, or too long to commit.
      "invalid-utf8.txt": utf8("영화 ") + [0xFF, 0xFE] + utf8(" 좋다\n"),
      "overlong-utf8.txt": utf8("ab ") + [0xC0, 0xAF] + utf8(" cd\n"),
      "surrogate-utf8.txt": utf8("ab ") + [0xED, 0xA0, 0x80] + utf8("\n"),
      "truncated-utf8.txt": utf8("ab 영") + [0xED, 0x99],
      "nul.txt": utf8("영화") + [0] + utf8("좋다\n"),
      "nul-ids.tsv": utf8("document\tlabel\n2 3") + [0] + utf8(" 4\t1\n"),
      "cr-only.txt": utf8("영화 좋다\r별로\r"),
      "cr-only-ids.tsv": utf8("document\tlabel\r2 3\t1\r"),
      "bom-crlf-ids.tsv": [0xEF, 0xBB, 0xBF] + utf8("document\tlabel\r\n2 3\t1\r\n5 6\t0\r\n"),
      "long-line.txt": Array(repeating: utf8("ab "), count: 1_000_000).flatMap { $0 } + utf8("\n"),
      "long-ids.tsv": utf8("document\tlabel\n") + Array(repeating: utf8("7 "), count: 500_000).flatMap { $0 }
        + utf8("x\t1\n"),
      // One letter with 200,000 combining marks of alternating classes: quadratic to put in canonical order.
      "combining-marks.txt": utf8("a") + Array(repeating: utf8("\u{301}\u{316}"), count: 100_000).flatMap { $0 }
        + utf8(" b\n"),
      // JSON nested 100,000 deep, where a recursive parser would overflow its stack.
      "deep.json": utf8(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)),
      "deep-provenance.tsv": utf8(#"#mal {"mal":1,"steps":"# + String(repeating: "[", count: 100_000)
        + String(repeating: "]", count: 100_000) + "}\ndocument\tlabel\n2 3\t1\n"),
      "deep.safetensors": {
        let header = utf8(#"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}")
        return (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
      }(),
      "model-deep-architecture.safetensors": model([
        (#""mal.model":"{"#, #""mal.model":""# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + #"","x":"{"#)
      ]),
      // Model files: the committed legacy model, cut short or with a header that lies.
      "model.safetensors": legacy,
      "vocab.txt": FileManager.default.contents(
        atPath: SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko-vocab.txt").path).map { [UInt8]($0) } ?? [],
      "model-truncated.safetensors": Array(legacy.dropLast(100)),
      "model-header-cut.safetensors": Array(legacy.prefix(200)),
      "model-lying-length.safetensors": [0, 0, 0, 0, 0, 1, 0, 0] + legacy.dropFirst(8),
      "model-short.safetensors": [5, 0],
      "model-bad-json.safetensors": [11, 0, 0, 0, 0, 0, 0, 0] + utf8(#"{"a": [1, 2"#) + [UInt8](repeating: 0, count: 16),
      "model-format-99.safetensors": model([(#""format":"mal-model-1""#, #""format":"mal-model-99""#)]),
      "model-maxlen-word.safetensors": model([(#""mal.maxlen":"12""#, #""mal.maxlen":"twelve""#)]),
      "model-maxlen-zero.safetensors": model([(#""mal.maxlen":"12""#, #""mal.maxlen":"0""#)]),
      "model-no-architecture.safetensors": model([(#""mal.model":"#, #""mal.modem":"#)]),
      "model-architecture-cut.safetensors": model([(#""mal.model":"{"#, #""mal.model":"[{"#)]),
      "model-pad-array.safetensors": model([(#""mal.pad":""#, #""mal.pad":"[1,2]","mal.pad-old":""#)]),
      "model-fingerprint.safetensors": model([("e4dfe79fef604d6f", "0000000000000000")]),
      "model-tokenizer-flag.safetensors": model([(#""mal.tokenizer":"["#, #""mal.tokenizer":"[\"--bogus\","#)]),
      "model-input-number.safetensors": model([(#""mal.input":"ids""#, #""mal.input":5"#)]),
      "model-input-unknown.safetensors": model([(#""mal.input":"ids""#, #""mal.input":"pixels""#)]),
      "model-lying-offsets.safetensors": model([(#""data_offsets":[4,20]"#, #""data_offsets":[4,999999]"#)]),
      "model-shape-size.safetensors": model([(#""shape":[4,1],"data_offsets":[4,20]"#, #""shape":[5,1],"data_offsets":[4,20]"#)]),
      "model-negative-shape.safetensors": model([(#""shape":[4,1]"#, #""shape":[-4,1]"#)]),
      "model-dtype-f16.safetensors": model([(#""dtype":"F32","shape":[4,1]"#, #""dtype":"F16","shape":[4,1]"#)]),
      "model-overlap.safetensors": model([(#""data_offsets":[4,20]"#, #""data_offsets":[0,16]"#)]),
      "model-missing-tensor.safetensors": model([(kernel + ",", "")]),
      // Architecture and metadata that parse but do not fit the weights, or each other.
      "model-embedding-width.safetensors": model([(#"\"outputDimension\":8"#, #"\"outputDimension\":9"#)]),
      "model-embedding-rows.safetensors": model([(#"\"inputDimension\":195"#, #"\"inputDimension\":194"#)]),
      "model-layer-unknown.safetensors": model([(#"\"className\":\"Embedding\""#, #"\"className\":\"Transformer\""#)]),
      "model-vocabulary-repeated.safetensors": model([(#"\n나가고\n"#, #"\n중간\n"#)]),
      "model-pad-value-huge.safetensors": model([(#"\"value\":0"#, #"\"value\":99999999999"#)]),
      "model-pad-side.safetensors": model([(#"\"padding\":\"pre\""#, #"\"padding\":\"middle\""#)]),
      "model-pad-maxlen-negative.safetensors": model([(#"\"maxlen\":12"#, #"\"maxlen\":-3"#)]),
      "model-provenance-cut.safetensors": model([(#""mal.input":"ids""#, ##""mal.input":"ids","mal.provenance":"#mal {\"mal\":1""##)]),
      // word2vec binary files whose header lies or whose data stops short.
      "vec-short.bin": utf8("2 3\n영화 ") + floats([1, 2, 3]) + utf8("\n좋다 ") + floats([1]),
      "vec-lying.bin": utf8("5 2\n영화 ") + floats([1, 2]) + utf8("\n"),
      "vec-huge-count.bin": utf8("99999999999 2\n영화 ") + floats([1, 2]) + utf8("\n"),
      "vec-no-newline.bin": utf8("2 2"),
      "vec-negative-count.bin": utf8("-1 2\n"),
      "vec-extra-bytes.bin": utf8("1 2\n영화 ") + floats([1, 2]) + utf8("\nxyz"),
      "vec-invalid-utf8.vec": utf8("2 2\n") + [0xFF, 0xFE] + utf8(" 0.1 0.2\n좋다 0.3 0.4\n"),
      "vec-text.bin": utf8("2 2\n영화 0.1 0.2\n좋다 0.3 0.4\n"),
    ]
  }()

  /// Files that claim a terabyte: these bytes, then a hole up to the size (sparse: no disk space is used).
  static let sparse: [String: (bytes: [UInt8], size: off_t)] = [
    "huge.bin": (utf8("2 2\n"), 1 << 40),
    "huge.safetensors": ([19, 0, 0, 0, 0, 0, 0, 0] + utf8(#"{"__metadata__":{}}"#), 1 << 40),
  ]

  /// Whether `name` is a file of the corpus, committed or generated.
  static func contains(_ name: String) -> Bool {
    var isDirectory: ObjCBool = false
    return generated[name] != nil || sparse[name] != nil
      || (FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue)
  }
}

/// What one run did.
struct BadInputRun {
  var status: Int32
  var signal: Int32?
  var timedOut: Bool
  var stderr: String

  /// The line a case's `message` is compared with.
  var firstErrorLine: String {
    let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    return lines.first { $0.contains("error:") || $0.hasPrefix("Error:") } ?? (stderr.isEmpty ? "" : lines[0])
  }
}

@Suite("Bad input: every command, a clear error, nothing left behind")
struct BadInputCorpusTests {
  /// Longer than any case takes by far: only a hang gets there, and then the test fails instead of blocking CI.
  static let hangLimit: Double = 120

  /// A file name of 254 bytes (83 Hangul syllables and `a.tsv`), within the 255 a name may have, and one of 264.
  static let longestName = String(repeating: "가", count: 83) + "a.tsv"
  static let tooLongName = String(repeating: "a", count: 260) + ".tsv"

  static let cases: [BadInput] = [
    // MARK: tokenize
    BadInput("tokenize --strict -o out.tsv invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("tokenize --strict", stdin: "invalid-utf8.txt", 65, "<stdin>:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("tokenize -o out.tsv invalid-utf8.txt", 0, "invalid-utf8.txt:1:4: warning: replaced 2 invalid UTF-8 sequences with U+FFFD (first here); use --strict to fail instead", creates: ["out.tsv"]),
    BadInput("tokenize --strict -o out.tsv overlong-utf8.txt", 65, "overlong-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xC0; drop --strict to replace it with U+FFFD"),
    BadInput("tokenize --strict -o out.tsv surrogate-utf8.txt", 65, "surrogate-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xED; drop --strict to replace it with U+FFFD"),
    BadInput("tokenize --strict -o out.tsv truncated-utf8.txt", 65, "truncated-utf8.txt:1:5: error: invalid UTF-8 byte sequence 0xED 0x99; drop --strict to replace it with U+FFFD"),
    BadInput("tokenize -o out.tsv cr-only.txt", 65, "cr-only.txt:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("tokenize", stdin: "cr-only.txt", 65, "<stdin>:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("tokenize -o out.tsv ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("tokenize -o out.tsv ragged-long.tsv", 65, "ragged-long.tsv:2:10: error: expected 3 tab-separated columns as in the header, found 4"),
    BadInput("tokenize --column nope -o out.tsv ragged.tsv", 65, "ragged.tsv:1:1: error: no column named 'nope'; the header has 'id', 'document', 'label'"),
    BadInput("tokenize --column 9 -o out.tsv ragged.tsv", 65, "ragged.tsv:1:1: error: column 9 does not exist; the header has 3 columns (numbers start at 1)"),
    BadInput("tokenize --column 0 ragged.tsv", 64, "Error: --column numbers start at 1, got 0"),
    BadInput("tokenize --column label --no-header ragged.tsv", 65, "ragged.tsv:1:1: error: --column label names a column, but --no-header says there is no header; give a number"),
    BadInput("tokenize -o out.tsv provenance-cut.tsv", 65, "provenance-cut.tsv:1:1: error: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("tokenize -o out.tsv provenance-version.tsv", 65, "provenance-version.tsv:1:1: error: the #mal provenance line cannot be read: it was written by a newer Mal (version 99; this one reads 1); upgrade mal, or make the rows with --plain"),
    BadInput("tokenize -o out.tsv provenance-steps-string.tsv", 65, "provenance-steps-string.tsv:1:1: error: the #mal provenance line cannot be read: it has no \"steps\" array"),
    BadInput("tokenize -o out.tsv provenance-middle.tsv", 65, "provenance-middle.tsv:3:1: error: a #mal line inside the input, not at its start (files joined with cat?): give the files to the stage as arguments, which checks that they were made alike, or make them with --plain"),
    BadInput("tokenize -o out.tsv missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("tokenize -o out.tsv .", 1, ".: error: cannot read: is a directory"),
    BadInput("tokenize -o . good-ids.tsv", 1, ".: error: cannot write: Is a directory"),
    BadInput("tokenize -o no/such/folder/out.tsv good-ids.tsv", 1, "no/such/folder/out.tsv: error: cannot write: No such file or directory"),
    BadInput(["tokenize", "-o", longestName, "good-ids.tsv"], 0, "", creates: [longestName]),
    BadInput(["vocab", "--save", longestName, "--vocab-format", "txt", "good-ids.tsv"], 0, "", creates: [longestName]),
    BadInput(["tokenize", "-o", tooLongName, "good-ids.tsv"], 1, "\(tooLongName): error: cannot write: File name too long"),
    BadInput(["train", "--epochs", "1", "-o", tooLongName, "good-ids.tsv"], 1, "\(tooLongName): error: cannot write: File name too long"),
    BadInput("tokenize --repeat 0 good-ids.tsv", 64, "Error: --repeat must be at least 1, got 0"),
    BadInput("tokenize -o out.tsv long-line.txt", 0, "", creates: ["out.tsv"]),
    BadInput("tokenize -o out.tsv nul.txt", 0, "", creates: ["out.tsv"]),
    // MARK: detokenize
    BadInput("detokenize --strict -o out.tsv invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("detokenize -o out.tsv cr-only.txt", 65, "cr-only.txt:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("detokenize -o out.tsv ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("detokenize -o out.tsv provenance-cut.tsv", 65, "provenance-cut.tsv:1:1: error: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("detokenize -o out.tsv missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("detokenize -o out.tsv .", 1, ".: error: cannot read: is a directory"),
    // MARK: vocab (ids)
    BadInput("vocab --save v.txt tab-in-text.txt", 65, "tab-in-text.txt:2:2: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("vocab --save v.txt ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("vocab --save v.txt empty.txt", 65, "error: the vocabulary would be empty: the input has no tokens"),
    BadInput("vocab --save v.txt header-only.tsv", 65, "error: the vocabulary would be empty: the input has no tokens"),
    BadInput("vocab --save v.txt cr-only.txt", 65, "cr-only.txt:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("vocab --save v.txt --strict invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("vocab --save v.txt provenance-cut.tsv", 65, "provenance-cut.tsv:1:1: error: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("vocab --save v.txt provenance-middle.tsv", 65, "provenance-middle.tsv:3:1: error: a #mal line inside the input, not at its start (files joined with cat?): give the files to the stage as arguments, which checks that they were made alike, or make them with --plain"),
    BadInput("vocab --save v.bogus good-ids.tsv", 64, "Error: cannot tell the format of 'v.bogus' from its name; add --vocab-format txt|counts|keras-json|hf-json"),
    BadInput("vocab --save . good-ids.tsv", 64, "Error: cannot tell the format of '.' from its name; add --vocab-format txt|counts|keras-json|hf-json"),
    BadInput("vocab --save no/such/folder/v.txt good-ids.tsv", 1, "no/such/folder/v.txt: error: cannot write: No such file or directory"),
    BadInput("vocab --save v.txt -o v.txt good-ids.tsv", 64, "Error: --save and -o name the same file (v.txt); give each its own"),
    BadInput("vocab --save v.txt missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("vocab --load vocab-repeated.txt -o out.tsv good-ids.tsv", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("vocab --load tab-in-text.txt -o out.tsv good-ids.tsv", 65, "tab-in-text.txt:1:2: error: a token cannot contain a space"),
    BadInput("vocab --load vocab.txt -o out.tsv tab-in-text.txt", 65, "tab-in-text.txt:2:2: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("vocab -o out.tsv good-ids.tsv", 64, "Error: give --save FILE to build a vocabulary, or --load FILE to apply one"),
    // MARK: vocab build
    BadInput("vocab build -o v.txt tab-in-text.txt", 65, "tab-in-text.txt:2:2: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("vocab build -o v.txt empty.txt", 65, "error: the vocabulary would be empty: the input has no tokens"),
    BadInput("vocab build --min-count 5 -o v.txt good-ids.tsv", 65, "error: the vocabulary would be empty: no token occurs at least 5 times (lower --min-count)"),
    BadInput("vocab build --max-size 1 -o v.txt good-ids.tsv", 64, "Error: --max-size 1 leaves no room beside the 2 reserved tokens; it must be at least 3"),
    BadInput(["vocab", "build", "--pad", "a b", "-o", "v.txt", "good-ids.tsv"], 64, "Error: reserved token 'a b' must be non-empty and contain no space, tab or newline"),
    BadInput("vocab build --pad X --unk X -o v.txt good-ids.tsv", 64, "Error: reserved token 'X' is named twice"),
    BadInput("vocab build -o v.txt ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("vocab build -o v.txt --strict overlong-utf8.txt", 65, "overlong-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xC0; drop --strict to replace it with U+FFFD"),
    BadInput("vocab build -o v.txt missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    // MARK: vocab apply
    BadInput("vocab apply -o out.tsv good-ids.tsv", 64, "Error: apply needs --load FILE"),
    BadInput("vocab apply --load vocab.txt -o out.tsv tab-in-text.txt", 65, "tab-in-text.txt:2:2: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("vocab apply --load vocab.txt -o out.tsv ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("vocab apply --load vocab-empty-line.txt -o out.tsv good-ids.tsv", 65, "vocab-empty-line.txt:3:1: error: empty line: every line must hold one token"),
    BadInput("vocab apply --load vocab-space.txt -o out.tsv good-ids.tsv", 65, "vocab-space.txt:3:3: error: a token cannot contain a space"),
    BadInput("vocab apply --load vocab-pad-second.txt -o out.tsv good-ids.tsv", 65, "vocab-pad-second.txt:1:1: error: line 1 (id 0) must be the padding token '[PAD]', found '[UNK]'; name it with --pad, or use --no-pad"),
    BadInput("vocab apply --load vocab-truncated.txt --vocab-format counts -o out.tsv good-ids.tsv", 65, "vocab-truncated.txt:1:6: error: expected 'token<TAB>count', found no tab"),
    BadInput("vocab apply --load empty.txt -o out.tsv good-ids.tsv", 65, "empty.txt:1:1: error: the vocabulary file is empty"),
    BadInput("vocab apply --load nul.txt -o out.tsv good-ids.tsv", 65, "nul.txt:1:1: error: line 1 (id 0) must be the padding token '[PAD]', found '영화\\u{0}좋다'; name it with --pad, or use --no-pad"),
    BadInput("vocab apply --load model.safetensors -o out.tsv good-ids.tsv", 65, "model.safetensors:1:1: error: invalid UTF-8 byte sequence 0xF0; this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)"),
    BadInput("vocab apply --load . -o out.tsv good-ids.tsv", 1, ".: error: cannot read: is a directory"),
    BadInput("vocab apply --load missing.txt -o out.tsv good-ids.tsv", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("vocab apply --load counts-empty-token.tsv -o out.tsv good-ids.tsv", 65, "counts-empty-token.tsv:1:1: error: empty token before the tab"),
    BadInput("vocab apply --load counts-no-tab.tsv --no-pad --no-unk -o out.tsv good-ids.tsv", 65, "counts-no-tab.tsv:2:5: error: expected 'token<TAB>count', found no tab"),
    BadInput("vocab apply --load counts-not-number.tsv --no-pad --no-unk -o out.tsv good-ids.tsv", 65, "counts-not-number.tsv:2:4: error: expected an integer, found 'many'"),
    BadInput("vocab apply --load keras-truncated.json -o out.tsv good-ids.tsv", 65, "keras-truncated.json:1:64: error: not valid JSON: unterminated string"),
    BadInput("vocab apply --load keras-no-word-index.json -o out.tsv good-ids.tsv", 65, "keras-no-word-index.json:1:1: error: config.word_index is missing or empty"),
    BadInput("vocab apply --load keras-shared-id.json -o out.tsv good-ids.tsv", 65, "keras-shared-id.json:1:1: error: config.word_index: 'b' and 'a' share id 1"),
    BadInput("vocab apply --load json-not-tokenizer.json -o out.tsv good-ids.tsv", 65, "json-not-tokenizer.json:1:1: error: expected a HuggingFace tokenizer.json with a WordLevel model and a non-empty vocab"),
    BadInput("vocab apply --load json-array.json -o out.tsv good-ids.tsv", 65, "json-array.json:1:1: error: expected a HuggingFace tokenizer.json with a WordLevel model and a non-empty vocab"),
    BadInput("vocab apply --load hf-truncated.json -o out.tsv good-ids.tsv", 65, "hf-truncated.json:1:69: error: not valid JSON: unterminated string"),
    BadInput("vocab apply --load hf-bpe.json -o out.tsv good-ids.tsv", 65, "hf-bpe.json:1:1: error: model.merges[0] refers to 'c', which is not in model.vocab"),
    BadInput("vocab apply --load hf-unigram.json -o out.tsv good-ids.tsv", 65, "hf-unigram.json:1:1: error: model.unk_id is missing or not the id of a piece of model.vocab (Mal needs an unknown piece)"),
    BadInput("vocab apply --load hf-id-string.json -o out.tsv good-ids.tsv", 65, "hf-id-string.json:1:1: error: model.vocab: 'a' has the string \"2\" as its id; ids must be whole numbers 0…2"),
    BadInput("vocab apply --load hf-id-gap.json -o out.tsv good-ids.tsv", 65, "hf-id-gap.json:1:1: error: model.vocab: 'a' has id 7; ids must be 0…2"),
    // MARK: vocab count
    BadInput("vocab count -o out.tsv tab-in-text.txt", 65, "tab-in-text.txt:2:2: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("vocab count -o out.tsv ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("vocab count -o out.tsv cr-only.txt", 65, "cr-only.txt:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("vocab count -o out.tsv --strict invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("vocab count -o out.tsv provenance-version.tsv", 65, "provenance-version.tsv:1:1: error: the #mal provenance line cannot be read: it was written by a newer Mal (version 99; this one reads 1); upgrade mal, or make the rows with --plain"),
    BadInput("vocab count -o out.tsv missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    // MARK: vocab merge
    BadInput("vocab merge --save v.txt counts-no-tab.tsv", 65, "counts-no-tab.tsv:2:5: error: expected 'token<TAB>count', found no tab"),
    BadInput("vocab merge --save v.txt counts-not-number.tsv", 65, "counts-not-number.tsv:2:4: error: expected an integer, found 'many'"),
    BadInput("vocab merge --save v.txt counts-negative.tsv", 65, "counts-negative.tsv:2:4: error: expected an integer, found '-2'"),
    BadInput("vocab merge --save v.txt counts-empty-token.tsv", 65, "counts-empty-token.tsv:1:1: error: empty token before the tab"),
    BadInput("vocab merge --save v.txt empty.txt", 65, "error: the vocabulary would be empty: the input has no tokens"),
    BadInput("vocab merge --save v.txt nul.txt", 65, "nul.txt:1:6: error: expected 'token<TAB>count', found no tab"),
    BadInput("vocab merge --save v.txt cr-only.txt", 65, "cr-only.txt:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("vocab merge --save v.txt invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)"),
    BadInput("vocab merge -o out.tsv counts-no-tab.tsv", 65, "counts-no-tab.tsv:2:5: error: expected 'token<TAB>count', found no tab"),
    BadInput("vocab merge --save v.txt", stdin: "counts-not-number.tsv", 65, "<stdin>:2:4: error: expected an integer, found 'many'"),
    BadInput("vocab merge --save v.txt missing.tsv", 1, "missing.tsv: error: cannot open for reading: No such file or directory"),
    // MARK: vocab export
    BadInput("vocab export vocab-repeated.txt --format hf-json -o out.json", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("vocab export vocab-space.txt --format keras-json -o out.json", 65, "vocab-space.txt:3:3: error: a token cannot contain a space"),
    BadInput("vocab export keras-truncated.json --format txt -o out.txt", 65, "keras-truncated.json:1:64: error: not valid JSON: unterminated string"),
    BadInput("vocab export hf-id-gap.json --format counts -o out.tsv", 65, "hf-id-gap.json:1:1: error: model.vocab: 'a' has id 7; ids must be 0…2"),
    BadInput("vocab export empty.txt --format hf-json -o out.json", 65, "empty.txt:1:1: error: the vocabulary file is empty"),
    BadInput("vocab export invalid-utf8.txt --format hf-json -o out.json", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)"),
    BadInput("vocab export . --format hf-json -o out.json", 1, ".: error: cannot read: is a directory"),
    BadInput("vocab export missing.txt --format hf-json -o out.json", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("vocab export vocab.txt --format hf-json -o .", 1, ".: error: cannot write: Is a directory"),
    // MARK: vocab inspect
    BadInput("vocab inspect vocab-repeated.txt", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("vocab inspect empty.txt", 65, "empty.txt:1:1: error: the vocabulary file is empty"),
    BadInput("vocab inspect hf-truncated.json", 65, "hf-truncated.json:1:69: error: not valid JSON: unterminated string"),
    BadInput("vocab inspect vocab.txt tab-in-text.txt", 65, "tab-in-text.txt:2:2: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("vocab inspect vocab.txt ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("vocab inspect vocab.txt --strict invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("vocab inspect vocab.txt missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("vocab inspect vocab.txt --top -1", 64, "Error: --top must be at least 0, got -1"),
    // MARK: vocab decode
    BadInput("vocab decode --load vocab.txt -o out.tsv ids-negative.tsv", 65, "ids-negative.tsv:2:5: error: id -4 is outside the vocabulary (ids 0…194)"),
    BadInput("vocab decode --load vocab.txt -o out.tsv ids-word.tsv", 65, "ids-word.tsv:2:3: error: expected an integer, found 'three'"),
    BadInput("vocab decode --load vocab.txt -o out.tsv ids-fraction.tsv", 65, "ids-fraction.tsv:2:3: error: expected an integer, found '3.5'"),
    BadInput("vocab decode --load vocab.txt -o out.tsv ids-2pow31.tsv", 65, "ids-2pow31.tsv:2:3: error: id 2147483648 is outside the vocabulary (ids 0…194)"),
    BadInput("vocab decode --load vocab.txt -o out.tsv ids-beyond-vocab.tsv", 65, "ids-beyond-vocab.tsv:3:3: error: id 250 is outside the vocabulary (ids 0…194)"),
    BadInput("vocab decode --load vocab.txt -o out.tsv nul-ids.tsv", 65, "nul-ids.tsv:2:3: error: expected an integer, found '3\\u{0}'"),
    BadInput("vocab decode --load vocab.txt -o out.tsv cr-only-ids.tsv", 65, "cr-only-ids.tsv:1:15: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("vocab decode --load vocab-repeated.txt -o out.tsv good-ids.tsv", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("vocab decode --load vocab.txt -o out.tsv long-ids.tsv", 65, "long-ids.tsv:2:1000001: error: expected an integer, found 'x'"),
    // MARK: pad
    BadInput("pad --maxlen 3 -o out.tsv ids-negative.tsv", 65, "ids-negative.tsv:2:5: error: ids cannot be negative, found '-4'"),
    BadInput("pad --maxlen 3 -o out.tsv ids-word.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("pad --maxlen 3 -o out.tsv ids-fraction.tsv", 65, "ids-fraction.tsv:2:3: error: expected an integer id, found '3.5'"),
    BadInput("pad --maxlen 3 -o out.tsv ids-2pow31.tsv", 65, "ids-2pow31.tsv:2:3: error: id '2147483648' is larger than 2147483647, the largest int32"),
    BadInput("pad --maxlen 3 -o out.tsv ids-overflow.tsv", 65, "ids-overflow.tsv:2:3: error: id '99999999999999999999' is larger than 2147483647, the largest int32"),
    BadInput("pad --maxlen 3 -o out.tsv nul-ids.tsv", 65, "nul-ids.tsv:2:3: error: expected an integer id, found '3\\u{0}'"),
    BadInput("pad --maxlen 3 -o out.tsv cr-only-ids.tsv", 65, "cr-only-ids.tsv:1:15: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("pad --maxlen 3 -o out.tsv ragged.tsv", 65, "ragged.tsv:2:3: error: expected an integer id, found '영화'"),
    BadInput("pad --maxlen 3 -o out.tsv provenance-cut.tsv", 65, "provenance-cut.tsv:1:1: error: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("pad --maxlen 3 -o out.tsv provenance-middle.tsv", 65, "provenance-middle.tsv:3:1: error: a #mal line inside the input, not at its start (files joined with cat?): give the files to the stage as arguments, which checks that they were made alike, or make them with --plain"),
    BadInput("pad -o out.tsv long-ids.tsv", 65, "long-ids.tsv:2:1000001: error: expected an integer id, found 'x'"),
    BadInput("pad --maxlen 3", stdin: "ids-word.tsv", 65, "<stdin>:2:3: error: expected an integer id, found 'three'"),
    BadInput("pad --maxlen 0 good-ids.tsv", 64, "Error: --maxlen must be at least 1, got 0"),
    BadInput("pad --maxlen 3 -o out.tsv missing.tsv", 1, "missing.tsv: error: cannot open for reading: No such file or directory"),
    BadInput("pad --maxlen 3 -o out.tsv .", 1, ".: error: cannot read: is a directory"),
    BadInput("pad --npy out.npy ids-word.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("pad --npy out.npy ids-2pow31.tsv", 65, "ids-2pow31.tsv:2:3: error: id '2147483648' is larger than 2147483647, the largest int32"),
    BadInput("pad --npy out.npy --labels-npy labels.npy labels-empty.tsv", 65, "labels-empty.tsv:3:7: error: expected an integer label, found ''; use --labels-dtype float32 for real-valued labels"),
    BadInput("pad --npy out.npy --labels-npy labels.npy labels-words.tsv", 65, "labels-words.tsv:2:7: error: expected an integer label, found 'pos'; use --labels-dtype float32 for real-valued labels"),
    BadInput("pad --npy out.npy --labels-npy labels.npy --label-column 9 good-ids.tsv", 65, "good-ids.tsv:1:1: error: column 9 does not exist; the header has 2 columns (numbers start at 1)"),
    BadInput("pad --npy out.npy --labels-npy out.npy good-ids.tsv", 64, "Error: --npy and --labels-npy name the same file (out.npy); give each its own"),
    BadInput("pad --npy . good-ids.tsv", 1, ".: error: cannot write: Is a directory"),
    BadInput("pad --stats --stats-svg lengths.svg ids-word.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("pad --npy out.npy bom-crlf-ids.tsv", 0, "", creates: ["out.npy"]),
    // MARK: encode
    BadInput("encode --one-hot --depth 10 -o out.tsv ids-negative.tsv", 65, "ids-negative.tsv:2:5: error: ids cannot be negative, found '-4'"),
    BadInput("encode --one-hot --depth 10 -o out.tsv ids-word.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("encode --one-hot --depth 10 -o out.tsv ids-beyond-vocab.tsv", 65, "ids-beyond-vocab.tsv:3:3: error: id 250 is out of range for --depth 10 (ids must be 0…9)"),
    BadInput("encode --one-hot --depth 10 -o out.tsv ids-2pow31.tsv", 65, "ids-2pow31.tsv:2:3: error: id '2147483648' is larger than 2147483647, the largest int32"),
    BadInput("encode --one-hot --depth 10 --npy out.npy ids-uneven.tsv", 65, "ids-uneven.tsv:3:1: error: this row has 2 ids but the first row has 3; pad the rows first (mal pad --maxlen N)"),
    BadInput("encode --bag count --depth 10 --npy out.npy ids-fraction.tsv", 65, "ids-fraction.tsv:2:3: error: expected an integer id, found '3.5'"),
    BadInput("encode --bag tfidf --depth 10 --idf-from ids-word.tsv good-ids.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("encode --bag tfidf --depth 10 --idf-from missing.tsv good-ids.tsv", 1, "missing.tsv: error: cannot open for reading: No such file or directory"),
    BadInput("encode --labels one-hot --classes 2 --one-hot --depth 10 -o out.tsv labels-negative.tsv", 65, "labels-negative.tsv:2:7: error: labels cannot be negative, found -1"),
    BadInput("encode --labels one-hot --one-hot --depth 10 --npy out.npy --labels-npy labels.npy labels-empty.tsv", 65, "labels-empty.tsv:3:7: error: expected an integer label, found ''; use --labels-dtype float32 for real-valued labels"),
    BadInput("encode --embedding vec-short-row.vec --vocab vocab.txt -o out.tsv good-ids.tsv", 65, "vec-short-row.vec:3:7: error: expected 3 numbers after the word as the header says, found 1"),
    BadInput("encode --embedding vec-short.bin --vocab vocab.txt -o out.tsv good-ids.tsv", 65, "vec-short.bin:3:1: error: truncated file: the vector of '좋다' needs 12 bytes, 4 left (vector 2, byte offset 31)"),
    BadInput("encode --embedding good.vec --vocab vocab-repeated.txt -o out.tsv good-ids.tsv", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("encode --embedding good.vec --vocab vocab.txt -o out.tsv ids-beyond-vocab.tsv", 65, "ids-beyond-vocab.tsv:3:3: error: id 250 is not in the vocabulary (--vocab has 195 tokens, ids 0…194)"),
    BadInput("encode --embedding missing.vec --vocab vocab.txt -o out.tsv good-ids.tsv", 1, "missing.vec: error: cannot open for reading: No such file or directory"),
    BadInput("encode --one-hot --depth 10 -o out.tsv cr-only-ids.tsv", 65, "cr-only-ids.tsv:1:15: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("encode --one-hot --depth 10 -o out.tsv provenance-steps-string.tsv", 65, "provenance-steps-string.tsv:1:1: error: the #mal provenance line cannot be read: it has no \"steps\" array"),
    // MARK: word2vec train
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.vec empty.txt", 65, "error: the corpus is empty: no tokens to train on"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.vec header-only.tsv", 65, "error: the corpus is empty: no tokens to train on"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.vec cr-only.txt", 65, "cr-only.txt:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.bin --strict invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.vec ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.vec provenance-cut.tsv", 65, "provenance-cut.tsv:1:1: error: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 --vocab vocab-repeated.txt -o v.vec good-ids.tsv", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.vec missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o . good-ids.tsv", 1, ".: error: cannot write: Is a directory"),
    BadInput("word2vec train --dim 0 -o v.vec good-ids.tsv", 64, "Error: --dim must be at least 1, got 0"),
    // MARK: word2vec similar, analogy
    BadInput("word2vec similar vec-lying-count.vec 영화", 65, "vec-lying-count.vec:3:1: error: the header promises 3 vectors, found 1"),
    BadInput("word2vec similar vec-huge-count.vec 영화", 65, "vec-huge-count.vec:3:1: error: the header promises 99999999999 vectors, found 1"),
    BadInput("word2vec similar vec-extra-rows.vec 영화", 65, "vec-extra-rows.vec:3:1: error: more vectors than the 1 the header promises"),
    BadInput("word2vec similar vec-bad-header.vec 영화", 65, "vec-bad-header.vec:1:1: error: expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found 'two 2'"),
    BadInput("word2vec similar vec-short-row.vec 영화", 65, "vec-short-row.vec:3:7: error: expected 3 numbers after the word as the header says, found 1"),
    BadInput("word2vec similar vec-not-number.vec 영화", 65, "vec-not-number.vec:3:8: error: expected a finite number, found 'x'"),
    BadInput("word2vec similar vec-zero-dim.vec 영화", 65, "vec-zero-dim.vec:1:1: error: expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found '2 0'"),
    BadInput("word2vec similar vec-huge-dim.vec 영화", 65, "vec-huge-dim.vec:1:1: error: the header's 99999999999 dimensions are more than the 1048576 a vector can have"),
    BadInput("word2vec similar vec-nan.vec 영화", 65, "vec-nan.vec:2:4: error: expected a finite number, found 'nan'"),
    BadInput("word2vec similar vec-invalid-utf8.vec 영화", 65, "vec-invalid-utf8.vec:2:1: error: invalid UTF-8 byte sequence 0xFF; this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)"),
    BadInput("word2vec similar empty.txt 영화", 65, "empty.txt:1:1: error: empty file; expected a header 'COUNT DIMENSIONS'"),
    BadInput("word2vec similar model.safetensors 영화", 65, "model.safetensors:1:1: error: expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found '�\\u{E}\\u{0}\\u{0}\\u{0}\\u{0}\\u{0}\\u{0}{\"__metadata__\":{\"format\":\"mal-m…'"),
    BadInput("word2vec similar . 영화", 1, ".: error: cannot read: is a directory"),
    BadInput("word2vec similar missing.vec 영화", 1, "missing.vec: error: cannot open for reading: No such file or directory"),
    BadInput("word2vec similar vec-short.bin 영화", 65, "vec-short.bin:3:1: error: truncated file: the vector of '좋다' needs 12 bytes, 4 left (vector 2, byte offset 31)"),
    BadInput("word2vec similar vec-lying.bin 영화", 65, "vec-lying.bin:3:1: error: the file ends after 1 of the 5 vectors the header promises (vector 2, byte offset 20)"),
    BadInput("word2vec similar vec-huge-count.bin 영화", 65, "vec-huge-count.bin:3:1: error: the file ends after 1 of the 99999999999 vectors the header promises (vector 2, byte offset 30)"),
    BadInput("word2vec similar vec-no-newline.bin 영화", 65, "vec-no-newline.bin:1:1: error: the header line has no end"),
    BadInput("word2vec similar --binary vec-negative-count.bin 영화", 65, "vec-negative-count.bin:1:1: error: expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found '-1 2'"),
    BadInput("word2vec similar --binary vec-extra-bytes.bin 영화", 65, "vec-extra-bytes.bin:3:1: error: 3 bytes after the 1 vectors the header promises (byte offset 20)"),
    BadInput("word2vec similar --binary vec-text.bin 영화", 65, "vec-text.bin*: error: *", knownIssue: "a text .vec read with --binary parses as vectors of tiny floats: its sizes add up"),
    BadInput("word2vec similar good.vec 없음", 65, "good.vec: error: not in the vocabulary: '없음'"),
    BadInput("word2vec similar good.vec 영화 --top 0", 64, "Error: --top must be at least 1, got 0"),
    BadInput("word2vec analogy good.vec 영화 좋다 없음", 65, "good.vec: error: not in the vocabulary: '없음'"),
    BadInput("word2vec analogy vec-short-row.vec 영화 좋다 별로", 65, "vec-short-row.vec:3:7: error: expected 3 numbers after the word as the header says, found 1"),
    // MARK: word2vec eval
    BadInput("word2vec eval good.vec --analogies analogies-short.txt", 65, "analogies-short.txt:1:1: error: a question before the first ': SECTION' line"),
    BadInput("word2vec eval good.vec --analogies analogies-three.txt", 65, "analogies-three.txt:2:1: error: expected four words 'a b c d', found 3"),
    BadInput("word2vec eval good.vec --analogies empty.txt", 65, "empty.txt: error: no analogy questions: expected ': SECTION' lines, each followed by lines 'a b c d'"),
    BadInput("word2vec eval good.vec --analogies missing.txt", 1, "missing.txt: error: cannot open for reading: No such file or directory"),
    BadInput("word2vec eval good.vec --similarity similarity-not-number.tsv", 65, "similarity-not-number.tsv:1:1: error: expected 'word1<TAB>word2<TAB>score'"),
    BadInput("word2vec eval good.vec --similarity similarity-two-fields.tsv", 65, "similarity-two-fields.tsv:1:1: error: expected 'word1<TAB>word2<TAB>score'"),
    BadInput("word2vec eval good.vec --similarity empty.txt", 65, "empty.txt: error: no word pairs: expected lines 'word1<TAB>word2<TAB>score'"),
    BadInput("word2vec eval vec-nan.vec --similarity similarity-two-fields.tsv", 65, "vec-nan.vec:2:4: error: expected a finite number, found 'nan'"),
    BadInput("word2vec eval good.vec", 64, "Error: give --analogies FILE or --similarity FILE"),
    // MARK: train
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors ids-negative.tsv", 65, "ids-negative.tsv:2:5: error: ids cannot be negative, found '-4'"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors ids-word.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors ids-2pow31.tsv", 65, "ids-2pow31.tsv:2:3: error: id '2147483648' is larger than 2147483647, the largest int32"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors ids-uneven.tsv", 65, "ids-uneven.tsv:3:1: error: expected 3 ids as in the first row (line 2), found 2; pad the rows first (mal pad --maxlen 3)"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors ids-empty-row.tsv", 65, "ids-empty-row.tsv:2:1: error: the first row has no ids"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors ids-no-label.tsv", 65, "ids-no-label.tsv:1:1: error: labels need TSV input with a label column; this input is plain text"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors labels-empty.tsv", 65, "labels-empty.tsv:3:7: error: empty label"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors labels-one-class.tsv", 65, "labels-one-class.tsv:1:1: error: only one class ('1') in the labels: nothing to learn"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors header-only.tsv", 65, "header-only.tsv: error: no rows to train on"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors empty.txt", 65, "empty.txt: error: no rows to train on"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors cr-only-ids.tsv", 65, "cr-only-ids.tsv:1:15: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors nul-ids.tsv", 65, "nul-ids.tsv:2:3: error: expected an integer id, found '3\\u{0}'"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors provenance-cut.tsv", 65, "provenance-cut.tsv:1:1: error: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors provenance-pad-lies.tsv", 65, "provenance-pad-lies.tsv:1:1: error: the rows have 3 ids, but their #mal line says mal pad made them 5 long: the rows were changed after mal pad"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors", stdin: "ids-fraction.tsv", 65, "<stdin>:2:3: error: expected an integer id, found '3.5'"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --vocab-size 5 -o m.safetensors good-ids.tsv", 65, "good-ids.tsv:3:1: error: id 7 is too large for the model's input (5 Embedding rows, ids 0–4); raise --vocab-size or cap the vocabulary (mal vocab --max-size)"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --label-column nope -o m.safetensors good-ids.tsv", 65, "good-ids.tsv:1:1: error: no column named 'nope'; the header has 'document', 'label'"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --validation ids-word.tsv -o m.safetensors good-ids.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --resume model-truncated.safetensors -o m.safetensors good-ids.tsv", 65, "model-truncated.safetensors: error: not a valid safetensors file: at byte 10664: the tensors cover 6932 bytes of data but the file has 6832"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --resume model.safetensors -o m.safetensors good-ids.tsv", 65, "good-ids.tsv: error: rows of 3 ids, but model.safetensors was trained on rows of 12: pad them with --maxlen 12"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --embedding vec-short-row.vec --vocab vocab.txt -o m.safetensors good-ids.tsv", 65, "vec-short-row.vec:3:7: error: expected 3 numbers after the word as the header says, found 1"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --embedding good.vec --vocab vocab-repeated.txt -o m.safetensors good-ids.tsv", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --validation ids-four.tsv -o m.safetensors good-ids.tsv", 65, "ids-four.tsv:2:1: error: validation rows have 4 ids, the training rows 3: pad both to the same --maxlen"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --validation labels-unseen.tsv -o m.safetensors good-ids.tsv", 65, "labels-unseen.tsv:2:1: error: label '7' does not occur in the training rows (0, 1)"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --early-stopping 2 -o m.safetensors good-ids.tsv", 64, "Error: --early-stopping needs --validation or --validation-split"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --one-hot --vocab-size 3 -o m.safetensors good-ids.tsv", 65, "good-ids.tsv:3:1: error: id 7 is too large for the model's input (3 one-hot columns, ids 0–2); raise --vocab-size or cap the vocabulary (mal vocab --max-size)"),
    BadInput("predict --ids --vocab good.vec -o out.tsv model.safetensors good-ids.tsv", 65, "good.vec:1:2: error: a token cannot contain a space"),
    BadInput("evaluate --ids --vocab vocab-repeated.txt model.safetensors good-ids.tsv", 65, "vocab-repeated.txt:4:1: error: token '영화' repeats line 3"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors missing.tsv", 1, "missing.tsv: error: cannot open for reading: No such file or directory"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors .", 1, ".: error: cannot read: is a directory"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o . good-ids.tsv", 1, ".: error: cannot write: Is a directory"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors --history m.safetensors good-ids.tsv", 64, "Error: -o and --history name the same file (m.safetensors); give each its own"),
    BadInput("train --epochs 0 -o m.safetensors good-ids.tsv", 64, "Error: --epochs must be at least 1, got 0"),
    BadInput("train --lr nan -o m.safetensors good-ids.tsv", 64, "Error: --lr must be positive"),
    BadInput("train --model LSTM( -o m.safetensors good-ids.tsv", 64, "train: error: --model: column 6: expected an argument, found 'end of text'"),
    // MARK: predict, evaluate, summary on bad model files
    BadInput("summary model-truncated.safetensors", 65, "model-truncated.safetensors: error: not a valid safetensors file: at byte 10664: the tensors cover 6932 bytes of data but the file has 6832"),
    BadInput("predict -o out.tsv model-truncated.safetensors good-ids.tsv", 65, "model-truncated.safetensors: error: not a valid safetensors file: at byte 10664: the tensors cover 6932 bytes of data but the file has 6832"),
    BadInput("evaluate model-truncated.safetensors good-ids.tsv", 65, "model-truncated.safetensors: error: not a valid safetensors file: at byte 10664: the tensors cover 6932 bytes of data but the file has 6832"),
    BadInput("summary model-header-cut.safetensors", 65, "model-header-cut.safetensors: error: not a valid safetensors file: at byte 0: header length 3824 is past the end of the file (192 bytes follow it)"),
    BadInput("predict -o out.tsv model-header-cut.safetensors good-ids.tsv", 65, "model-header-cut.safetensors: error: not a valid safetensors file: at byte 0: header length 3824 is past the end of the file (192 bytes follow it)"),
    BadInput("evaluate model-header-cut.safetensors good-ids.tsv", 65, "model-header-cut.safetensors: error: not a valid safetensors file: at byte 0: header length 3824 is past the end of the file (192 bytes follow it)"),
    BadInput("summary model-lying-length.safetensors", 65, "model-lying-length.safetensors: error: not a valid safetensors file: at byte 0: header length 1099511627776 is over the 100000000-byte limit"),
    BadInput("predict -o out.tsv model-lying-length.safetensors good-ids.tsv", 65, "model-lying-length.safetensors: error: not a valid safetensors file: at byte 0: header length 1099511627776 is over the 100000000-byte limit"),
    BadInput("evaluate model-lying-length.safetensors good-ids.tsv", 65, "model-lying-length.safetensors: error: not a valid safetensors file: at byte 0: header length 1099511627776 is over the 100000000-byte limit"),
    BadInput("summary model-short.safetensors", 65, "model-short.safetensors: error: not a valid safetensors file: at byte 0: file too short for the 8-byte header length (2 bytes)"),
    BadInput("predict -o out.tsv model-short.safetensors good-ids.tsv", 65, "model-short.safetensors: error: not a valid safetensors file: at byte 0: file too short for the 8-byte header length (2 bytes)"),
    BadInput("evaluate model-short.safetensors good-ids.tsv", 65, "model-short.safetensors: error: not a valid safetensors file: at byte 0: file too short for the 8-byte header length (2 bytes)"),
    BadInput("summary model-bad-json.safetensors", 65, "model-bad-json.safetensors: error: not a valid safetensors file: at byte 8: header is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("predict -o out.tsv model-bad-json.safetensors good-ids.tsv", 65, "model-bad-json.safetensors: error: not a valid safetensors file: at byte 8: header is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("evaluate model-bad-json.safetensors good-ids.tsv", 65, "model-bad-json.safetensors: error: not a valid safetensors file: at byte 8: header is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("summary model-format-99.safetensors", 65, "model-format-99.safetensors: error: it is a mal-model-99 file; this mal reads mal-model-1 and mal-model-2: upgrade mal"),
    BadInput("predict -o out.tsv model-format-99.safetensors good-ids.tsv", 65, "model-format-99.safetensors: error: it is a mal-model-99 file; this mal reads mal-model-1 and mal-model-2: upgrade mal"),
    BadInput("evaluate model-format-99.safetensors good-ids.tsv", 65, "model-format-99.safetensors: error: it is a mal-model-99 file; this mal reads mal-model-1 and mal-model-2: upgrade mal"),
    BadInput("summary model-maxlen-word.safetensors", 65, "model-maxlen-word.safetensors: error: its mal.maxlen is 'twelve', not a number of steps (a whole number, 1 or more)"),
    BadInput("predict -o out.tsv model-maxlen-word.safetensors good-ids.tsv", 65, "model-maxlen-word.safetensors: error: its mal.maxlen is 'twelve', not a number of steps (a whole number, 1 or more)"),
    BadInput("evaluate model-maxlen-word.safetensors good-ids.tsv", 65, "model-maxlen-word.safetensors: error: its mal.maxlen is 'twelve', not a number of steps (a whole number, 1 or more)"),
    BadInput("summary model-maxlen-zero.safetensors", 65, "model-maxlen-zero.safetensors: error: its mal.maxlen is '0', not a number of steps (a whole number, 1 or more)"),
    BadInput("predict -o out.tsv model-maxlen-zero.safetensors good-ids.tsv", 65, "model-maxlen-zero.safetensors: error: its mal.maxlen is '0', not a number of steps (a whole number, 1 or more)"),
    BadInput("evaluate model-maxlen-zero.safetensors good-ids.tsv", 65, "model-maxlen-zero.safetensors: error: its mal.maxlen is '0', not a number of steps (a whole number, 1 or more)"),
    BadInput("summary model-no-architecture.safetensors", 65, "model-no-architecture.safetensors: error: no 'mal.model' entry in its metadata: not a model written by mal"),
    BadInput("predict -o out.tsv model-no-architecture.safetensors good-ids.tsv", 65, "model-no-architecture.safetensors: error: no 'mal.model' entry in its metadata: not a model written by mal"),
    BadInput("evaluate model-no-architecture.safetensors good-ids.tsv", 65, "model-no-architecture.safetensors: error: no 'mal.model' entry in its metadata: not a model written by mal"),
    BadInput("summary model-architecture-cut.safetensors", 65, "model-architecture-cut.safetensors: error: the architecture in 'mal.model' cannot be read: The given data was not valid JSON."),
    BadInput("predict -o out.tsv model-architecture-cut.safetensors good-ids.tsv", 65, "model-architecture-cut.safetensors: error: the architecture in 'mal.model' cannot be read: The given data was not valid JSON."),
    BadInput("evaluate model-architecture-cut.safetensors good-ids.tsv", 65, "model-architecture-cut.safetensors: error: the architecture in 'mal.model' cannot be read: The given data was not valid JSON."),
    BadInput("summary model-pad-array.safetensors", 65, "model-pad-array.safetensors: error: its mal.pad metadata is not valid: expected a JSON object"),
    BadInput("predict -o out.tsv model-pad-array.safetensors good-ids.tsv", 65, "model-pad-array.safetensors: error: its mal.pad metadata is not valid: expected a JSON object"),
    BadInput("evaluate model-pad-array.safetensors good-ids.tsv", 65, "model-pad-array.safetensors: error: its mal.pad metadata is not valid: expected a JSON object"),
    BadInput("summary model-fingerprint.safetensors", 65, "model-fingerprint.safetensors: error: its mal.vocabulary.fnv1a64 metadata is not valid: the tokens' fingerprint is e4dfe79fef604d6f, not 0000000000000000"),
    BadInput("predict -o out.tsv model-fingerprint.safetensors good-ids.tsv", 65, "model-fingerprint.safetensors: error: its mal.vocabulary.fnv1a64 metadata is not valid: the tokens' fingerprint is e4dfe79fef604d6f, not 0000000000000000"),
    BadInput("evaluate model-fingerprint.safetensors good-ids.tsv", 65, "model-fingerprint.safetensors: error: its mal.vocabulary.fnv1a64 metadata is not valid: the tokens' fingerprint is e4dfe79fef604d6f, not 0000000000000000"),
    BadInput("summary model-tokenizer-flag.safetensors", 65, "model-tokenizer-flag.safetensors: error: its mal.tokenizer metadata is not valid: the flags [\"--bogus\",\"--split-particles\",\"--repeat\",\"2\"] are not ones mal tokenize had"),
    BadInput("predict -o out.tsv model-tokenizer-flag.safetensors good-ids.tsv", 65, "model-tokenizer-flag.safetensors: error: its mal.tokenizer metadata is not valid: the flags [\"--bogus\",\"--split-particles\",\"--repeat\",\"2\"] are not ones mal tokenize had"),
    BadInput("evaluate model-tokenizer-flag.safetensors good-ids.tsv", 65, "model-tokenizer-flag.safetensors: error: its mal.tokenizer metadata is not valid: the flags [\"--bogus\",\"--split-particles\",\"--repeat\",\"2\"] are not ones mal tokenize had"),
    BadInput("summary model-input-number.safetensors", 65, "model-input-number.safetensors: error: not a valid safetensors file: at byte 8: __metadata__ value 'mal.input' is not a string"),
    BadInput("predict -o out.tsv model-input-number.safetensors good-ids.tsv", 65, "model-input-number.safetensors: error: not a valid safetensors file: at byte 8: __metadata__ value 'mal.input' is not a string"),
    BadInput("evaluate model-input-number.safetensors good-ids.tsv", 65, "model-input-number.safetensors: error: not a valid safetensors file: at byte 8: __metadata__ value 'mal.input' is not a string"),
    BadInput("summary model-input-unknown.safetensors", 65, "model-input-unknown.safetensors: error: its input 'pixels' does not fit the model's first layer"),
    BadInput("predict -o out.tsv model-input-unknown.safetensors good-ids.tsv", 65, "model-input-unknown.safetensors: error: its input 'pixels' does not fit the model's first layer"),
    BadInput("evaluate model-input-unknown.safetensors good-ids.tsv", 65, "model-input-unknown.safetensors: error: its input 'pixels' does not fit the model's first layer"),
    BadInput("summary model-lying-offsets.safetensors", 65, "model-lying-offsets.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has shape [4, 1] (4 floats) but 999995 bytes of data"),
    BadInput("predict -o out.tsv model-lying-offsets.safetensors good-ids.tsv", 65, "model-lying-offsets.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has shape [4, 1] (4 floats) but 999995 bytes of data"),
    BadInput("evaluate model-lying-offsets.safetensors good-ids.tsv", 65, "model-lying-offsets.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has shape [4, 1] (4 floats) but 999995 bytes of data"),
    BadInput("summary model-shape-size.safetensors", 65, "model-shape-size.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has shape [5, 1] (5 floats) but 16 bytes of data"),
    BadInput("predict -o out.tsv model-shape-size.safetensors good-ids.tsv", 65, "model-shape-size.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has shape [5, 1] (5 floats) but 16 bytes of data"),
    BadInput("evaluate model-shape-size.safetensors good-ids.tsv", 65, "model-shape-size.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has shape [5, 1] (5 floats) but 16 bytes of data"),
    BadInput("summary model-negative-shape.safetensors", 65, "model-negative-shape.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has a shape entry that is not a count"),
    BadInput("predict -o out.tsv model-negative-shape.safetensors good-ids.tsv", 65, "model-negative-shape.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has a shape entry that is not a count"),
    BadInput("evaluate model-negative-shape.safetensors good-ids.tsv", 65, "model-negative-shape.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has a shape entry that is not a count"),
    BadInput("summary model-dtype-f16.safetensors", 65, "model-dtype-f16.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has dtype F16; Mal reads F32 tensors only"),
    BadInput("predict -o out.tsv model-dtype-f16.safetensors good-ids.tsv", 65, "model-dtype-f16.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has dtype F16; Mal reads F32 tensors only"),
    BadInput("evaluate model-dtype-f16.safetensors good-ids.tsv", 65, "model-dtype-f16.safetensors: error: not a valid safetensors file: at byte 8: tensor 'sequential/dense/kernel' has dtype F16; Mal reads F32 tensors only"),
    BadInput("summary model-overlap.safetensors", 65, "model-overlap.safetensors: error: not a valid safetensors file: at byte 3832: tensor 'sequential/dense/kernel' overlaps the tensor before it"),
    BadInput("predict -o out.tsv model-overlap.safetensors good-ids.tsv", 65, "model-overlap.safetensors: error: not a valid safetensors file: at byte 3832: tensor 'sequential/dense/kernel' overlaps the tensor before it"),
    BadInput("evaluate model-overlap.safetensors good-ids.tsv", 65, "model-overlap.safetensors: error: not a valid safetensors file: at byte 3832: tensor 'sequential/dense/kernel' overlaps the tensor before it"),
    BadInput("summary model-missing-tensor.safetensors", 65, "model-missing-tensor.safetensors: error: not a valid safetensors file: at byte 3758: gap before tensor 'sequential/embedding/embeddings'"),
    BadInput("predict -o out.tsv model-missing-tensor.safetensors good-ids.tsv", 65, "model-missing-tensor.safetensors: error: not a valid safetensors file: at byte 3758: gap before tensor 'sequential/embedding/embeddings'"),
    BadInput("evaluate model-missing-tensor.safetensors good-ids.tsv", 65, "model-missing-tensor.safetensors: error: not a valid safetensors file: at byte 3758: gap before tensor 'sequential/embedding/embeddings'"),
    BadInput("predict -o out.tsv model-embedding-width.safetensors good-ids.tsv", 65, "model-embedding-width.safetensors: error: the architecture in 'mal.model' needs at least 1915 weights but the file holds 1733"),
    BadInput("summary model-embedding-rows.safetensors", 65, "model-embedding-rows.safetensors: error: weights 'sequential/embedding/embeddings' have shape [195, 8] but the model needs [194, 8]"),
    BadInput("evaluate model-layer-unknown.safetensors good-ids.tsv", 65, "model-layer-unknown.safetensors: error: the architecture in 'mal.model' is not a valid model: unknown layer class Transformer"),
    BadInput("predict -o out.tsv model-vocabulary-repeated.safetensors good-ids.tsv", 65, "model-vocabulary-repeated.safetensors: error: its mal.vocabulary metadata is not valid: token '중간' appears twice"),
    BadInput("predict -o out.tsv model-pad-value-huge.safetensors good-ids.tsv", 65, "model-pad-value-huge.safetensors: error: its mal.pad metadata is not valid: a number does not fit its field (too large, or not a whole number)"),
    BadInput("summary model-pad-side.safetensors", 65, "model-pad-side.safetensors: error: its mal.pad metadata is not valid: padding: 'middle' is not one of the values it takes"),
    BadInput("evaluate model-pad-maxlen-negative.safetensors good-ids.tsv", 65, "model-pad-maxlen-negative.safetensors: error: its mal.pad metadata is not valid: maxlen: maxlen must be at least 1, found -3"),
    BadInput("summary model-provenance-cut.safetensors", 65, "model-provenance-cut.safetensors: error: its mal.provenance metadata: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: unexpected end of input)"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 -o m.safetensors provenance-pad-value.tsv", 65, "provenance-pad-value.tsv:1:1: error: the #mal provenance line cannot be read: the pad step's settings: a number does not fit its field (too large, or not a whole number)"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --resume model-layer-unknown.safetensors -o m.safetensors good-ids.tsv", 65, "model-layer-unknown.safetensors: error: the architecture in 'mal.model' is not a valid model: unknown layer class Transformer"),
    BadInput("word2vec similar --binary huge.bin 영화", 65, "huge.bin: error: reading the whole file would take 1.0 TiB; the memory budget is *"),
    BadInput("encode --embedding huge.bin --vectors-format binary --vocab vocab.txt -o out.tsv good-ids.tsv", 65, "huge.bin: error: reading the whole file would take 1.0 TiB; the memory budget is *"),
    BadInput("summary huge.safetensors", 65, "huge.safetensors: error: reading the whole file would take 1.0 TiB; the memory budget is *"),
    BadInput("train --epochs 1 --units 2 --embedding-dim 2 --resume huge.safetensors -o m.safetensors good-ids.tsv", 65, "huge.safetensors: error: reading the whole file would take 1.0 TiB; the memory budget is *"),
    BadInput("summary empty.txt", 65, "empty.txt: error: not a valid safetensors file: at byte 0: file too short for the 8-byte header length (0 bytes)"),
    BadInput("summary vocab.txt", 65, "vocab.txt: error: not a valid safetensors file: at byte 0: header length 6150521111797911643 is over the 100000000-byte limit"),
    BadInput("summary .", 1, ".: error: cannot read: is a directory"),
    BadInput("summary missing.safetensors", 1, "missing.safetensors: error: cannot open for reading: No such file or directory"),
    // MARK: pathological but valid text, and JSON nested too deep
    BadInput("tokenize -o out.tsv combining-marks.txt", 0, "", creates: ["out.tsv"]),
    BadInput("tokenize --mode char -o out.tsv combining-marks.txt", 0, "", creates: ["out.tsv"]),
    BadInput("detokenize --marker ▁ -o out.tsv combining-marks.txt", 0, "", creates: ["out.tsv"]),
    BadInput("predict -o out.tsv model.safetensors combining-marks.txt", 0, "", creates: ["out.tsv"]),
    BadInput("vocab inspect deep.json", 65, "deep.json:1:201: error: not valid JSON: arrays and objects nested more than 200 deep; Mal's files nest a few levels"),
    BadInput("vocab apply --load deep.json -o out.tsv good-ids.tsv", 65, "deep.json:1:201: error: not valid JSON: arrays and objects nested more than 200 deep; Mal's files nest a few levels"),
    BadInput("pad --maxlen 3 -o out.tsv deep-provenance.tsv", 65, "deep-provenance.tsv:1:1: error: the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: arrays and objects nested more than 200 deep; Mal's files nest a few levels)"),
    BadInput("summary deep.safetensors", 65, "deep.safetensors: error: not a valid safetensors file: at byte 8: header is not valid JSON (not valid JSON: arrays and objects nested more than 200 deep; Mal's files nest a few levels)"),
    BadInput("summary model-deep-architecture.safetensors", 65, "model-deep-architecture.safetensors: error: the architecture in 'mal.model' cannot be read: The given data was not valid JSON."),
    BadInput("predict -o out.tsv model-deep-architecture.safetensors good-ids.tsv", 65, "model-deep-architecture.safetensors: error: the architecture in 'mal.model' cannot be read: The given data was not valid JSON."),
    // MARK: more vocabulary files
    BadInput("vocab inspect hf-unk-missing.json", 65, "hf-unk-missing.json:1:1: error: model.unk_token is '[UNK]'; expected a token of model.vocab"),
    BadInput("vocab apply --load hf-unk-missing.json -o out.tsv good-ids.tsv", 65, "hf-unk-missing.json:1:1: error: model.unk_token is '[UNK]'; expected a token of model.vocab"),
    BadInput("vocab inspect hf-space-token.json", 65, "hf-space-token.json:1:1: error: token 'a b' is empty or holds a space, tab or newline"),
    BadInput("vocab export hf-space-token.json --format txt -o out.txt", 65, "hf-space-token.json:1:1: error: token 'a b' is empty or holds a space, tab or newline"),
    BadInput("vocab inspect hf-id-huge.json", 65, "hf-id-huge.json:1:1: error: model.vocab: 'a' has 1e+30 as its id; ids must be whole numbers 0…2"),
    BadInput("vocab inspect keras-num-words.json", 65, "keras-num-words.json:1:1: error: config.num_words is -5; expected a whole number, 1 or more, or null"),
    BadInput("vocab decode --load keras-num-words.json -o out.tsv good-ids.tsv", 65, "keras-num-words.json:1:1: error: config.num_words is -5; expected a whole number, 1 or more, or null"),
    BadInput("vocab inspect keras-oov-number.json", 65, "keras-oov-number.json:1:1: error: config.oov_token is 5; expected a token (a JSON string) or null"),
    BadInput("vocab --save v.txt provenance-array.tsv", 65, "provenance-array.tsv:2:9: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("word2vec similar vec-repeated-word.vec 영화", 0, "vec-repeated-word.vec: warning: 1 repeated word kept their first vector"),
    BadInput("detokenize --column nope -o out.tsv ragged.tsv", 65, "ragged.tsv:1:1: error: no column named 'nope'; the header has 'id', 'document', 'label'"),
    BadInput("detokenize --strict", stdin: "truncated-utf8.txt", 65, "<stdin>:1:5: error: invalid UTF-8 byte sequence 0xED 0x99; drop --strict to replace it with U+FFFD"),
    BadInput("vocab count", stdin: "tab-in-text.txt", 65, "<stdin>:2:2: error: a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    BadInput("vocab decode --load vocab.txt", stdin: "ids-negative.tsv", 65, "<stdin>:2:5: error: id -4 is outside the vocabulary (ids 0…194)"),
    BadInput("encode --one-hot --depth 10", stdin: "ids-word.tsv", 65, "<stdin>:2:3: error: expected an integer id, found 'three'"),
    BadInput("evaluate model.safetensors", stdin: "labels-empty.tsv", 65, "<stdin>:3:7: error: empty label"),
    BadInput("word2vec train --min-count 1 --epochs 1 --dim 2 -o v.vec", stdin: "cr-only.txt", 65, "<stdin>:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    // MARK: predict, evaluate on bad rows
    BadInput("predict -o out.tsv model.safetensors ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("predict -o out.tsv model.safetensors cr-only.txt", 65, "cr-only.txt:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("predict --strict -o out.tsv model.safetensors invalid-utf8.txt", 65, "invalid-utf8.txt:1:4: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD"),
    BadInput("predict -o out.tsv model.safetensors provenance-middle.tsv", 65, "provenance-middle.tsv:3:1: error: a #mal line inside the input, not at its start (files joined with cat?): give the files to the stage as arguments, which checks that they were made alike, or make them with --plain"),
    BadInput("predict --ids -o out.tsv model.safetensors ids-word.tsv", 65, "ids-word.tsv:2:3: error: expected an integer id, found 'three'"),
    BadInput("predict --ids -o out.tsv model.safetensors ids-2pow31.tsv", 65, "ids-2pow31.tsv:2:3: error: id '2147483648' is larger than 2147483647, the largest int32"),
    BadInput("predict --ids -o out.tsv model.safetensors good-ids.tsv", 65, "good-ids.tsv:2:1: error: expected 12 ids, as the model was trained with, found 3; pad with mal pad --maxlen 12"),
    BadInput("predict -o out.tsv model.safetensors missing.tsv", 1, "missing.tsv: error: cannot open for reading: No such file or directory"),
    BadInput("predict -o out.tsv model.safetensors .", 1, ".: error: cannot read: is a directory"),
    BadInput("predict --digits 99 model.safetensors good-ids.tsv", 64, "Error: --digits must be 1 to 9, got 99"),
    BadInput("predict -o out.tsv model.safetensors", stdin: "cr-only.txt", 65, "<stdin>:1:6: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"),
    BadInput("evaluate model.safetensors ragged.tsv", 65, "ragged.tsv:3:5: error: expected 3 tab-separated columns as in the header, found 2"),
    BadInput("evaluate model.safetensors empty.txt", 65, "empty.txt: error: no rows to evaluate"),
    BadInput("evaluate model.safetensors header-only.tsv", 65, "header-only.tsv: error: no rows to evaluate"),
    BadInput("evaluate model.safetensors labels-words.tsv", 65, "labels-words.tsv:2:1: error: label 'pos' is not one the model knows (0, 1)"),
    BadInput("evaluate model.safetensors labels-empty.tsv", 65, "labels-empty.tsv:3:7: error: empty label"),
    BadInput("evaluate model.safetensors ids-no-label.tsv", 65, "ids-no-label.tsv:1:1: error: labels need TSV input with a label column; this input is plain text"),
    BadInput("evaluate --ids model.safetensors ids-beyond-vocab.tsv", 65, "ids-beyond-vocab.tsv:2:1: error: the rows have 3 ids but the model was trained on 12; pad with mal pad --maxlen 12"),
    BadInput("evaluate --ids model.safetensors ids-negative.tsv", 65, "ids-negative.tsv:2:5: error: ids cannot be negative, found '-4'"),
    BadInput("evaluate model.safetensors missing.tsv", 1, "missing.tsv: error: cannot open for reading: No such file or directory"),
  ]

  @Test("a bad input gets its exit status and message, and leaves no file behind", arguments: cases)
  func badInput(_ c: BadInput) throws {
    if let reason = c.knownIssue {
      withKnownIssue(Comment(rawValue: reason)) { try check(c) }
    } else {
      try check(c)
    }
  }

  func check(_ c: BadInput) throws {
    let work = TemporaryFolder()
    let temporary = TemporaryFolder()
    let capture = TemporaryFolder()
    for name in Set(c.arguments + [c.stdin].compactMap { $0 }) where BadInputCorpus.contains(name) {
      if let bytes = BadInputCorpus.generated[name] {
        work.file(name, bytes)
      } else if let (bytes, size) = BadInputCorpus.sparse[name] {
        #expect(truncate(work.file(name, bytes), size) == 0, "cannot make the sparse file \(name)")
      } else {
        try FileManager.default.copyItem(atPath: BadInputCorpus.folder + "/" + name, toPath: work.path + "/" + name)
      }
    }
    let before = work.contents
    let run = try Self.run(c.arguments, stdin: c.stdin.map { work.path + "/" + $0 }, in: work.path,
                           temporary: temporary.path, capture: capture.path)
    #expect(!run.timedOut, "no exit after \(Self.hangLimit) s: a hang")
    #expect(run.signal == nil, "killed by signal \(run.signal ?? 0): a crash\n\(run.stderr)")
    let matches = run.status == c.status && Self.matches(run.firstErrorLine, pattern: c.message)
    #expect(matches, """
      expected status \(c.status) and \(c.message)
      found:
      \(BadInput.row(c.arguments, stdin: c.stdin, status: run.status, message: run.firstErrorLine))
      standard error: \(run.stderr)
      """)
    #expect(work.contents == (before + c.creates).sorted(), "files left in the working folder")
    #expect(temporary.contents == [], "files left in TMPDIR")
  }

  /// Whether `line` is `pattern`, where each `*` of the pattern stands for any text.
  static func matches(_ line: String, pattern: String) -> Bool {
    let parts = pattern.components(separatedBy: "*")
    guard parts.count > 1 else { return line == pattern }
    guard line.hasPrefix(parts[0]), line.hasSuffix(parts[parts.count - 1]),
      line.count >= parts[0].count + parts[parts.count - 1].count
    else { return false }
    var rest = line.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count)
    for part in parts.dropFirst().dropLast() where !part.isEmpty {
      guard let range = rest.range(of: part) else { return false }
      rest = rest[range.upperBound...]
    }
    return true
  }

  /// Runs `mal` in `folder` with `TMPDIR` set to `temporary`, standard input from `stdin` (else empty), and
  /// standard output and error written to files in `capture`; after `hangLimit` seconds it is killed.
  static func run(
    _ arguments: [String], stdin: String?, in folder: String, temporary: String, capture: String
  ) throws -> BadInputRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Mal.executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    var environment = ProcessInfo.processInfo.environment
    environment["COLUMNS"] = "80"
    environment["TMPDIR"] = temporary
    process.environment = environment
    let outPath = capture + "/stdout"
    let errPath = capture + "/stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let input = stdin.flatMap { FileHandle(forReadingAtPath: $0) } ?? FileHandle(forReadingAtPath: "/dev/null")!
    let output = FileHandle(forWritingAtPath: outPath)!
    let error = FileHandle(forWritingAtPath: errPath)!
    defer {
      try? input.close()
      try? output.close()
      try? error.close()
    }
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    var timedOut = false
    if exited.wait(timeout: .now() + hangLimit) == .timedOut {
      timedOut = true
      kill(process.processIdentifier, SIGKILL)
      exited.wait()
    }
    let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    let signaled = process.terminationReason == .uncaughtSignal
    return BadInputRun(
      status: process.terminationStatus, signal: signaled && !timedOut ? process.terminationStatus : nil,
      timedOut: timedOut, stderr: stderr)
  }
}
