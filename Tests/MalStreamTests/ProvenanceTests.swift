import Foundation
import MalStream
import MalTestSupport
import Testing

@Suite("The #mal provenance line")
struct ProvenanceTests {
  static let line = #"#mal {"mal":1,"steps":[{"stage":"tokenize","column":"document","settings":{"lower":true}}]}"#

  func records(_ inputs: [String]) throws -> (RecordReader, [String], [Int]) {
    let reader = RecordReader(inputs: inputs)
    var values: [String] = []
    var lines: [Int] = []
    try reader.forEachRecord(header: { _ in }) { record in
      values.append(String(decoding: record.value, as: UTF8.self))
      lines.append(record.lineNumber)
      return true
    }
    return (reader, values, lines)
  }

  @Test("the reader takes the line as provenance, not as a header or a row, and counts it in line numbers")
  func read() throws {
    let folder = TemporaryFolder()
    let file = folder.file("a.tsv", Self.line + "\nid\tdocument\tlabel\n1\t영화 좋다\t1\n")
    let (reader, values, lines) = try records([file])
    #expect(values == ["영화 좋다"] && lines == [3])
    #expect(reader.workingColumnName == "document")
    let steps = try #require(reader.provenance?.steps)
    #expect(steps.count == 1 && steps[0].stage == "tokenize" && steps[0].column == "document")
    #expect(steps[0].settings["lower"] == .bool(true))
    #expect(reader.provenance?.line == Self.line)
    // Plain text after it: the format is decided by the line after the #mal line.
    let text = folder.file("b.txt", Self.line + "\n첫 줄\n")
    let (plain, texts, _) = try records([text])
    #expect(texts == ["첫 줄"] && plain.layout?.isTSV == false && plain.provenance != nil)
    // A '#mal' that is not followed by JSON is data.
    let data = folder.file("c.txt", "#mal tag\nsecond\n")
    let (none, rows, _) = try records([data])
    #expect(rows == ["#mal tag", "second"] && none.provenance == nil)
  }

  @Test("inputs made by different pipelines are refused; the same line on every input is fine")
  func severalInputs() throws {
    let folder = TemporaryFolder()
    let a = folder.file("a.tsv", Self.line + "\ndocument\tlabel\nx\t1\n")
    let b = folder.file("b.tsv", Self.line + "\ndocument\tlabel\ny\t0\n")
    let plain = folder.file("p.tsv", "document\tlabel\nz\t0\n")
    #expect(try records([a, b]).1 == ["x", "y"])
    #expect(throws: InputError.self) { try records([a, plain]) }
    do {
      _ = try records([plain, a])
    } catch {
      #expect("\(error)" == "\(a):1:1: error: this input was made by another pipeline than the first input (#mal: tokenize, not no #mal line); give inputs made the same way, or make them with --plain")
    }
  }

  @Test("a #mal line after the start (two streams joined with cat) is an error that says so")
  func joined() throws {
    let folder = TemporaryFolder()
    let one = Self.line + "\ndocument\tlabel\nx\t1\n"
    let file = folder.file("joined.tsv", one + one)
    do {
      _ = try records([file])
      Issue.record("a #mal line inside the input was read as data")
    } catch let error as InputError {
      #expect(error.description == "\(file):4:1: error: a #mal line inside the input, not at its start (files joined with cat?): give the files to the stage as arguments, which checks that they were made alike, or make them with --plain")
    }
  }

  @Test("a malformed #mal line is an error at its line", arguments: [
    (#"#mal {"mal":1,"steps":[}"#, "the #mal provenance line cannot be read: it is not valid JSON (not valid JSON: expected a value)"),
    (#"#mal {"steps":[]}"#, "the #mal provenance line cannot be read: it has no \"mal\" version number"),
    (#"#mal {"mal":2,"steps":[]}"#, "the #mal provenance line cannot be read: it was written by a newer Mal (version 2; this one reads 1); upgrade mal, or make the rows with --plain"),
    (#"#mal {"mal":1}"#, "the #mal provenance line cannot be read: it has no \"steps\" array"),
    (#"#mal {"mal":1,"steps":[{"column":"x"}]}"#, "the #mal provenance line cannot be read: step 1 has no \"stage\""),
    (#"#mal {"mal":1,"steps":[{"stage":"pad","settings":3}]}"#, "the #mal provenance line cannot be read: step 1 (pad): \"settings\" is not an object"),
  ])
  func malformed(_ line: String, _ message: String) throws {
    let folder = TemporaryFolder()
    let file = folder.file("bad.tsv", line + "\ndocument\n")
    do {
      _ = try records([file])
      Issue.record("accepted \(line)")
    } catch let error as InputError {
      #expect(error.description == "\(file):1:1: error: \(message)")
    }
  }
}
