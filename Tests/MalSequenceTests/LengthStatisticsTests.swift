import MalSequence
import Testing

@Suite("LengthStatistics")
struct LengthStatisticsTests {
  @Test("count, mean, nearest-rank percentiles, truncation")
  func summary() {
    var stats = LengthStatistics()
    for n in [1, 2, 2, 3, 10] { stats.add(length: n) }
    #expect(stats.count == 5 && stats.totalLength == 18)
    #expect(stats.mean == 3.6)
    #expect(stats.minimum == 1 && stats.maximum == 10)
    #expect(stats.percentile(20) == 1)
    #expect(stats.percentile(40) == 2)
    #expect(stats.percentile(50) == 2)
    #expect(stats.percentile(80) == 3)
    #expect(stats.percentile(81) == 10)
    #expect(stats.percentile(100) == 10)
    #expect(stats.truncatedCount(maxLength: 2) == 2)
    #expect(stats.truncatedCount(maxLength: 10) == 0)
  }

  @Test("95 % of 20 rows is exactly 19 rows")
  func exactCover() {
    var stats = LengthStatistics()
    for n in 1...20 { stats.add(length: n) }
    #expect(stats.percentile(95) == 19)
    #expect(stats.percentile(95.01) == 20)
  }

  @Test("empty input")
  func empty() {
    let stats = LengthStatistics()
    #expect(stats.mean == 0 && stats.maximum == 0 && stats.percentile(95) == 0)
    #expect(stats.histogram().isEmpty && stats.histogramText() == "")
  }

  @Test("histogram bins and text")
  func histogram() {
    var stats = LengthStatistics()
    for n in [0, 1, 1, 2, 5] { stats.add(length: n) }
    let bins = stats.histogram(maxBins: 3)
    #expect(bins.map(\.lengths) == [0...1, 2...3, 4...5])
    #expect(bins.map(\.rows) == [3, 1, 1])
    #expect(stats.histogramText(maxBins: 3, barWidth: 8) == """
      0–1  ████████  3  60.0%
      2–3  ███       1  20.0%
      4–5  ███       1  20.0%

      """)
    var wide = LengthStatistics()
    for n in [0, 7, 7] { wide.add(length: n) }
    #expect(wide.histogram(maxBins: 20).map(\.rows) == [1, 0, 0, 0, 0, 0, 0, 2])
    var late = LengthStatistics()
    for n in [3, 4, 4, 12] { late.add(length: n) }
    #expect(late.histogram(maxBins: 5).map(\.lengths) == [3...4, 5...6, 7...8, 9...10, 11...12])
    #expect(late.histogramText(maxBins: 1, barWidth: 2) == "3–12  ██  4  100.0%\n")
    #expect(wide.histogramText(maxBins: 2, barWidth: 4) == "0–3  ██    1  33.3%\n4–7  ████  2  66.7%\n")
    let svg = stats.histogramSVG(maxBins: 3, marker: 2)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.contains("<title>0–1: 3 rows</title>"))
    #expect(svg.contains(">maxlen 2</text>"))
    #expect(svg.hasSuffix("</svg>\n"))
  }

  @Test("number formatting")
  func formatting() {
    #expect(grouped(150000) == "150,000" && grouped(999) == "999" && grouped(-1234) == "-1,234")
    #expect(fixed(3.14159, 2) == "3.14" && fixed(0.05, 1) == "0.1" && fixed(-2.5, 0) == "-3" && fixed(12, 1) == "12.0")
  }
}
