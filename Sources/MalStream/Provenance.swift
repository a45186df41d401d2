/// How a stream's rows were made: the Mal stages they went through, in order, each with the settings that
/// decide its output — the stream's `#mal` line.
///
/// A stage that writes TSV with a header puts one line before the header: `#mal ` and a JSON object, the
/// provenance it read with its own step appended. `mal train` reads it to store the tokenizer, vocabulary and
/// padding in the model, so that the model takes raw text with no flag repeated (see docs/formats/stream.md).
///
///     #mal {"mal":1,"steps":[{"stage":"tokenize","column":"document","settings":{"mode":"word",…}}]}
///     id→document→label
///
/// The line is one line: JSON escapes tabs and newlines inside strings. Other tools skip it as a comment
/// (pandas `comment="#"` or `skiprows=1`) or never see it (`--plain`).
public struct Provenance: Sendable, Hashable {
  /// What every provenance line starts with.
  public static let linePrefix: [UInt8] = Array("#mal ".utf8)
  /// The version of the line's layout this Mal writes and reads.
  public static let version = 1

  /// One stage's part in making the stream.
  public struct Step: Sendable, Hashable {
    /// The stage's command name: `tokenize`, `vocab`, `pad`, `encode`, …
    public var stage: String
    /// The header name of the column the stage worked on; `nil` when the input had no header.
    public var column: String?
    /// The settings that decide the stage's output, as a JSON object.
    public var settings: JSONValue

    public init(stage: String, column: String?, settings: JSONValue = .object([])) {
      self.stage = stage
      self.column = column
      self.settings = settings
    }
  }

  /// The steps, first stage first.
  public var steps: [Step]

  public init(steps: [Step] = []) { self.steps = steps }

  /// This provenance with `step` appended.
  public func appending(_ step: Step) -> Provenance { Provenance(steps: steps + [step]) }

  /// The steps that worked on `column` (a header name; `nil` matches every step), in order.
  public func steps(onColumn column: String?) -> [Step] {
    guard let column else { return steps }
    return steps.filter { $0.column == nil || $0.column == column }
  }

  /// The line as written, without its newline.
  public var line: String {
    let steps = JSONValue.array(steps.map { step in
      .object([
        JSONMember(key: "stage", value: .string(step.stage)),
        JSONMember(key: "column", value: step.column.map { .string($0) } ?? .null),
        JSONMember(key: "settings", value: step.settings),
      ])
    })
    let object = JSONValue.object([
      JSONMember(key: "mal", value: .number(Double(Self.version))), JSONMember(key: "steps", value: steps),
    ])
    return String(decoding: Self.linePrefix, as: UTF8.self) + object.encoded
  }

  /// Whether `line` is a provenance line (it starts with `#mal {`).
  public static func isProvenanceLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    line.count > linePrefix.count && line.starts(with: linePrefix) && line[linePrefix.count] == UInt8(ascii: "{")
  }

  /// Parses a provenance line (`isProvenanceLine(line)` is true).
  /// - Throws: `InputError` at `file`:`lineNumber` when the JSON is malformed, lacks `steps`, or comes from a
  ///   newer Mal.
  public init(line: UnsafeBufferPointer<UInt8>, file: String, lineNumber: Int) throws {
    func fail(_ message: String) -> InputError {
      InputError(.badProvenance(message), at: SourcePosition(file: file, line: lineNumber, column: 1))
    }
    let json: JSONValue
    do {
      json = try JSONValue.parse(Array(line[Self.linePrefix.count...]), file: file)
    } catch let error as InputError {
      throw fail("it is not valid JSON (\(error.reason))")
    }
    guard let version = json["mal"]?.int else { throw fail("it has no \"mal\" version number") }
    guard version <= Self.version else {
      throw fail("it was written by a newer Mal (version \(version); this one reads \(Self.version)); upgrade mal, or make the rows with --plain")
    }
    guard let array = json["steps"]?.array else { throw fail("it has no \"steps\" array") }
    var steps: [Step] = []
    for (i, element) in array.enumerated() {
      guard let stage = element["stage"]?.string, !stage.isEmpty else { throw fail("step \(i + 1) has no \"stage\"") }
      let settings = element["settings"] ?? .object([])
      guard settings.members != nil else { throw fail("step \(i + 1) (\(stage)): \"settings\" is not an object") }
      steps.append(Step(stage: stage, column: element["column"]?.string, settings: settings))
    }
    self.steps = steps
  }

  /// The pipeline as a reader would type it, for messages: `tokenize | vocab | pad`.
  public var stageList: String { steps.map(\.stage).joined(separator: " | ") }
}
