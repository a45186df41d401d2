import MalStream
import Testing

@Suite("The label column of a record layout")
struct LabelColumnTests {
  static let at = SourcePosition(file: "rows.tsv", line: 2, column: 1)
  static let nsmc = RecordLayout(columnNames: ["id", "document", "label"], columnCount: 3, workingColumn: 1)

  @Test("found by name, by number, or as the first label-like header; ignoring case")
  func found() throws {
    #expect(try Self.nsmc.labelColumn(nil, at: Self.at) == 2)
    #expect(try Self.nsmc.labelColumn("LABEL", at: Self.at) == 2)
    #expect(try Self.nsmc.labelColumn("1", at: Self.at) == 0)
    let sarcasm = RecordLayout(columnNames: ["headline", "Is_Sarcastic", "topic"], columnCount: 3, workingColumn: 0)
    #expect(try sarcasm.labelColumn(nil, at: Self.at) == 1)
    let headless = RecordLayout(columnNames: [], columnCount: 2, workingColumn: 1)
    #expect(try headless.labelColumn("1", at: Self.at) == 0)
  }

  @Test("every way it can be missing is an error at the given position", arguments: [
    (RecordLayout(columnNames: [], columnCount: nil, workingColumn: 0), nil as String?,
     "rows.tsv:2:1: error: labels need TSV input with a label column; this input is plain text"),
    (nsmc, "4", "rows.tsv:2:1: error: column 4 does not exist; the header has 3 columns (numbers start at 1)"),
    (nsmc, "score", "rows.tsv:2:1: error: no column named 'score'; the header has 'id', 'document', 'label'"),
    (nsmc, "2", "rows.tsv:2:1: error: the label column is the working column; choose another with --label-column or --column"),
    (RecordLayout(columnNames: ["id", "document"], columnCount: 2, workingColumn: 1), nil,
     "rows.tsv:2:1: error: no label column (label, class, sentiment, …): the header has 'id', 'document'; name it with --label-column"),
    (RecordLayout(columnNames: [], columnCount: 2, workingColumn: 1), "label",
     "rows.tsv:2:1: error: --label-column label names a column, but --no-header says there is no header; give a number"),
  ])
  func missing(_ layout: RecordLayout, _ requested: String?, _ message: String) {
    #expect(throws: InputError.self) { try layout.labelColumn(requested, at: Self.at) }
    do { _ = try layout.labelColumn(requested, at: Self.at) } catch { #expect("\(error)" == message) }
  }
}
