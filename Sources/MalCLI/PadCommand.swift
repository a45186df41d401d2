import ArgumentParser
import MalModel
import MalSequence
import MalStream

struct PadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pad",
    abstract: "Pad or truncate rows of ids to one length, exactly as Keras's pad_sequences does.",
    discussion: """
      With --maxlen it streams: each row is written as soon as it is read, in bounded memory. Without \
      --maxlen every row is padded to the longest, so all input is read first (copied to a temporary file) \
      and then written. The working column holds space-separated integer ids (as mal vocab writes them); \
      labels and other columns pass through. Empty rows become all padding.

      --stats reports the row lengths on standard error (count, mean, percentiles, a histogram) and the \
      smallest maxlen that covers 95% (--cover) of rows without truncation. With --stats and no --maxlen \
      only the report is written.

      --npy writes the padded matrix as a NumPy file (int32, rows × maxlen, C order) instead of text, and \
      --labels-npy the label column beside it, for numpy.load and Keras's model.fit.

      Examples:
        printf '5\\n7 8\\n1 2 3\\n' | mal pad --maxlen 2
        printf '5\\n7 8\\n1 2 3\\n' | mal pad --padding post --value -1
        printf 'text\\tlabel\\n4 5 6\\t1\\n7\\t0\\n' | mal pad --maxlen 2 --truncating post
        printf '5\\n7 8\\n1 2 3\\n' | mal pad --stats
      """)

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions

  @Option(parsing: .unconditional, help: ArgumentHelp(
    "Length of every output row (Keras maxlen). Omitted: the longest row, which needs all input first.", valueName: "n"))
  var maxlen: Int?

  @Option(help: "Where padding goes: pre (before the ids, Keras's default) or post.")
  var padding: PadSequences.Side = .pre

  @Option(help: "Where long rows lose ids: pre (from the start, Keras's default) or post.")
  var truncating: PadSequences.Side = .pre

  @Option(parsing: .unconditional, help: ArgumentHelp("The padding id (Keras value).", valueName: "id"))
  var value: Int32 = 0

  @Flag(help: "Report row lengths on standard error and the smallest maxlen that covers --cover % of rows.")
  var stats = false

  @Option(parsing: .unconditional, help: ArgumentHelp("With --stats: the percent of rows the suggested maxlen keeps whole.", valueName: "percent"))
  var cover: Double = 95

  @Option(name: .customLong("stats-svg"), help: ArgumentHelp("Also draw the length histogram as an SVG file (implies --stats).", valueName: "file"))
  var statsSVG: String?

  @Option(help: ArgumentHelp("Write the padded rows to this NumPy .npy file (int32, rows × maxlen) instead of text.", valueName: "file"))
  var npy: String?

  @Option(name: .customLong("labels-npy"), help: ArgumentHelp("With --npy: write the label column to this 1-D .npy file.", valueName: "file"))
  var labelsNpy: String?

  @Option(name: .customLong("label-column"), help: ArgumentHelp(
    "The label column, by header name or 1-based number (default: the first named label, class, sentiment, target, topic, y, …).",
    valueName: "name|n"))
  var labelColumn: String?

  @Option(name: .customLong("labels-dtype"), help: "The labels' NumPy type: int32 or float32.")
  var labelsType: LabelType = .int32

  var labelsDtype: NpyWriter.ElementType { labelsType.elementType }

  func validate() throws {
    if let maxlen, maxlen <= 0 { throw ValidationError("--maxlen must be at least 1, got \(maxlen)") }
    if let maxlen {
      // A row is held twice: as ids (4 bytes each) and in the output buffer (4 bytes in .npy, up to 12 as text).
      let bytesPerID = npy == nil ? 16 : 8
      do { try MemoryBudget.standard.check([maxlen], bytesPerElement: bytesPerID, for: "one row of \(maxlen) ids") } catch {
        throw ValidationError("--maxlen \(maxlen): \(error.message)")
      }
    }
    if !(cover > 0 && cover <= 100) { throw ValidationError("--cover must be a percent in (0, 100], got \(cover)") }
    if labelsNpy != nil && npy == nil { throw ValidationError("--labels-npy needs --npy") }
    if npy != nil && stream.output != nil { throw ValidationError("--npy and --output both name the output; choose one") }
    try refuseSharedOutputs([("--npy", npy), ("--labels-npy", labelsNpy), ("-o", stream.output), ("--stats-svg", statsSVG)])
  }

  var wantsStats: Bool { stats || statsSVG != nil }

  func run() throws {
    try reportingErrors(command: "pad") {
      // Before reading the input: without --maxlen, all of it is read before the first byte is written.
      try checkWritable([npy, labelsNpy, stream.output, statsSVG])
      let options = PadSequences(maxLength: maxlen, padding: padding, truncating: truncating, value: value)
      var lengths = LengthStatistics()
      var row = IDRow()

      if maxlen == nil && wantsStats && npy == nil {
        let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
        try reader.forEachRecord(header: { _ in }) { record in
          if record.isBlank { return true }
          try row.parse(record)
          lengths.add(length: row.count)
          return true
        }
        warnAboutReplacements(reader, command: "pad")
        try report(lengths)
        return
      }


      var reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      var spool: Spool? = nil
      var length = maxlen ?? 0
      if maxlen == nil {
        let (copy, second) = try spoolInput(stream) { first, record in
          if record.isBlank { return }
          try row.parse(record)
          lengths.add(length: row.count)
          length = max(length, row.count)
          if labelsNpy != nil { _ = try parseLabel(record, column: try first.labelColumn(labelColumn, for: record), as: labelsDtype) }
        }
        spool = copy
        reader = second
      }
      let counting = maxlen != nil

      if let npy {
        let matrix = try NpyWriter(path: npy, elementType: .int32)
        let labelWriter = try labelsNpy.map { try NpyWriter(path: $0, elementType: labelsDtype) }
        // Without --maxlen the input is read, so the file's size is known: fail now rather than on a full disk.
        if spool != nil {
          let bytes = MemoryBudget.byteCount([lengths.count, length], bytesPerElement: 4) ?? .max
          try checkFreeSpace(npy, at: matrix.temporaryPath, bytes: bytes)
        }
        // Everything the loop needs, as locals: a closure that reached through `self` would copy (and retain)
        // the command's strings on every row.
        let labelType = labelsDtype
        let labelOption = self.labelColumn
        let hasLabels = labelWriter != nil
        var padded = [Int32](repeating: 0, count: length)
        var rows = 0
        let pass = reader
        try pass.forEachRecord(header: { _ in }) { record in
          if record.isBlank { return true }
          let n = try padded.withUnsafeMutableBufferPointer { out in
            let n: Int
            do {
              n = try options.pad(record.value, row: &row, into: out)
            } catch let error as IDError {
              throw error.at(record.position(atFieldByte: error.byteOffset))
            }
            try matrix.append(UnsafeBufferPointer(out))
            return n
          }
          if counting { lengths.add(length: n) }
          if hasLabels {
            let column = try pass.labelColumn(labelOption, for: record)
            let label = try parseLabel(record, column: column, as: labelType)
            if labelType == .int32 { try labelWriter?.append(int32: label.int) } else { try labelWriter?.append(float: label.float) }
          }
          rows += 1
          return true
        }
        try matrix.finish(shape: [rows, length])
        try labelWriter?.finish(shape: [rows])
        if spool == nil { warnAboutReplacements(pass, command: "pad") }
      } else {
        let textPadding = options.textPadding(length: length)
        let step = Provenance.Step.pad(
          PadSequences(maxLength: max(length, 1), padding: padding, truncating: truncating, value: value), column: nil)
        try filterRecords(
          reader, output: stream.output, command: "pad", warnsAboutReplacements: spool == nil,
          provenance: provenance.output(step)
        ) { record, out in
          let n: Int
          do {
            n = try options.appendPadded(record.value, row: &row, padding: textPadding, to: out)
          } catch let error as IDError {
            throw error.at(record.position(atFieldByte: error.byteOffset))
          }
          if counting { lengths.add(length: n) }
        }
      }
      if wantsStats { try report(lengths) }
    }
  }

  /// Writes the length report to standard error and the SVG histogram, if asked for.
  func report(_ lengths: LengthStatistics) throws {
    let suggested = lengths.percentile(cover)
    Diagnostics.write(lengthReport(lengths, cover: cover, maxlen: maxlen))
    if let statsSVG {
      try withOutput(statsSVG) { $0.buffer.append(lengths.histogramSVG(marker: maxlen ?? suggested)) }
    }
  }
}

/// The `--stats` report: summary, percentiles, the suggested maxlen, truncation at `maxlen`, and a histogram.
func lengthReport(_ lengths: LengthStatistics, cover: Double, maxlen: Int?) -> String {
  guard lengths.count > 0 else { return "lengths: no rows\n" }
  let suggested = lengths.percentile(cover)
  let kept = lengths.count - lengths.truncatedCount(maxLength: suggested)
  let coverText = cover == cover.rounded() ? String(Int(cover)) : "\(cover)"
  var text = "lengths: \(grouped(lengths.count)) rows, \(grouped(lengths.totalLength)) ids; mean \(fixed(lengths.mean, 2)), "
  text += "min \(lengths.minimum), max \(lengths.maximum)\n"
  text += "percentiles: p50 \(lengths.percentile(50)), p90 \(lengths.percentile(90)), p95 \(lengths.percentile(95)), "
  text += "p99 \(lengths.percentile(99))\n"
  text += "suggested --maxlen \(suggested): keeps \(fixed(Double(kept) / Double(lengths.count) * 100, 1))% of rows whole "
  text += "(the smallest that covers \(coverText)%)\n"
  if let maxlen {
    let cut = lengths.truncatedCount(maxLength: maxlen)
    text += "--maxlen \(maxlen) truncates \(grouped(cut)) rows (\(fixed(Double(cut) / Double(lengths.count) * 100, 1))%)\n"
  }
  text += "ids per row:\n" + lengths.histogramText()
  return text
}

