import ArgumentParser
import MalSequence
import MalStream

/// Options every stage that reads rows shares: inputs, the working column, TSV or text, strictness.
struct InputOptions: ParsableArguments {
  @Argument(help: "Input files; none or '-' reads standard input.")
  var inputs: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Column to work on, by header name or 1-based number (default: 'document' or 'text', else the last column that is not a label or id).",
      valueName: "name|n"))
  var column: String?

  @Option(help: "Input shape: tsv (header row, tab-separated), text (one document per line), fasttext (__label__NAME then the text: columns label and text), or auto (tsv if the first line has a tab).")
  var format: RecordOptions.Format = .auto

  @Flag(help: "TSV input has no header row (then --column must be a number, default the last column).")
  var noHeader = false

  @Flag(help: "Fail on invalid UTF-8 instead of replacing it with U+FFFD.")
  var strict = false

  @OptionGroup var memory: MemoryOptions

  var recordOptions: RecordOptions {
    RecordOptions(
      format: format,
      column: column.map(RecordOptions.Column.init(argument:)) ?? .automatic,
      hasHeader: !noHeader,
      invalidUTF8: strict ? .fail : .replace)
  }

  func validate() throws {
    if let column, column.isEmpty { throw ValidationError("--column needs a name or a number") }
    if let column, let n = Int(column), n <= 0 { throw ValidationError("--column numbers start at 1, got \(n)") }
  }
}

/// Options every line-filter stage shares: the input options and an output file.
struct StreamOptions: ParsableArguments {
  @OptionGroup var input: InputOptions

  @Option(name: [.short, .long], help: "Write to this file (atomically: complete or not at all) instead of standard output.")
  var output: String?

  var inputs: [String] { input.inputs }
  var recordOptions: RecordOptions { input.recordOptions }
}

extension RecordOptions.Format: ExpressibleByArgument {}

/// Runs a line-filter stage: every record's working column is replaced by what `transform` appends; the header and
/// the other columns pass through unchanged. Output goes to standard output or, atomically, to `--output`.
func runLineFilter(
  _ stream: StreamOptions, command: String, provenance: ProvenanceOutput,
  transform: (UnsafeBufferPointer<UInt8>, ByteBuffer) throws -> Void
) throws {
  try reportingErrors(command: command) {
    let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
    try filterRecords(reader, output: stream.output, command: command, provenance: provenance) {
      record, out in try transform(record.value, out)
    }
  }
}

/// What a stage writes before its TSV header: its input's `#mal` line with the stage's own step appended.
struct ProvenanceOutput {
  /// This stage's step; its column is set to the working column's name when the header is read.
  var step: Provenance.Step
  /// `--plain`: write none.
  var plain = false

  /// Appends the `#mal` line (and its newline) for the input `reader` is reading, unless `plain`.
  func append(for reader: RecordReader, to out: ByteBuffer) {
    guard !plain else { return }
    var step = self.step
    step.column = reader.workingColumnName
    out.appendLine(of: (reader.provenance ?? Provenance()).appending(step))
  }
}

extension ByteBuffer {
  /// Appends `provenance`'s `#mal` line and its newline, if there is a provenance. Stages that spool their input
  /// copy the line into the spool this way, so the second pass reads the provenance the first did.
  func appendLine(of provenance: Provenance?) {
    guard let provenance else { return }
    append(provenance.line)
    append(byte: 0x0A)
  }
}

/// `--plain`, for the stages that write rows.
struct ProvenanceOptions: ParsableArguments {
  @Flag(help: "Plain TSV for other tools (pandas, csv, cut): no #mal line before the header saying how the rows were made.")
  var plain = false

  /// The provenance this stage writes: `step` after its input's, or none with `--plain`.
  func output(_ step: Provenance.Step) -> ProvenanceOutput {
    ProvenanceOutput(step: step, plain: plain)
  }
}

/// The loop of every line filter: reads `reader`'s records and writes the `#mal` line and the header, then each record with its working
/// column replaced by what `transform` appends (blank TSV lines stay blank), to standard output or atomically to
/// `output` (removed if the run is interrupted). Warns about replaced invalid UTF-8 when `warnsAboutReplacements`.
func filterRecords(
  _ reader: RecordReader, output: String?, command: String, warnsAboutReplacements: Bool = true,
  provenance: ProvenanceOutput, transform: (Record, ByteBuffer) throws -> Void
) throws {
  try withOutput(output) { writer in
    let out = writer.buffer
    try reader.forEachRecord(header: { header in
      provenance.append(for: reader, to: out)
      out.append(header)
      out.append(byte: 0x0A)
    }) { record in
      if record.isBlank {
        out.append(byte: 0x0A)
      } else {
        out.append(record.prefix)
        try transform(record, out)
        out.append(record.suffix)
        out.append(byte: 0x0A)
      }
      try writer.flushIfFull()
      return true
    }
  }
  if warnsAboutReplacements { warnAboutReplacements(reader, command: command) }
}

/// Gives `body` a writer to standard output, or to `path` written atomically (its temporary file removed if the
/// run is interrupted, see `AtomicFile`), then flushes it and puts the file in place.
func withOutput(_ path: String?, _ body: (OutputWriter) throws -> Void) throws {
  let file = try path.map { try AtomicFile(path: $0) }
  let writer = file.map { OutputWriter(file: $0) } ?? OutputWriter()
  try body(writer)
  try writer.flush()
  try file?.commit()
}

/// Tells the user, on standard error, that invalid UTF-8 was replaced.
func warnAboutReplacements(_ reader: RecordReader, command: String) {
  guard reader.replacementCount > 0, let first = reader.firstReplacement else { return }
  let n = reader.replacementCount
  Diagnostics.write(
    "\(first): warning: replaced \(n) invalid UTF-8 sequence\(n == 1 ? "" : "s") with U+FFFD (first here); use --strict to fail instead\n"
  )
}
