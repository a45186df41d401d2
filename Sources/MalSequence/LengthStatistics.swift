/// The distribution of row lengths (ids per row), for choosing `maxlen` from data.
///
/// Percentiles are nearest-rank: the `p`-th percentile is the smallest length `L` such that at least `p` % of rows
/// have at most `L` ids (numpy's `percentile(..., method="inverted_cdf")`). So `percentile(95)` is also the
/// smallest `maxlen` that pads 95 % of rows without truncating them.
///
///     var stats = LengthStatistics()
///     for n in [1, 2, 2, 3, 10] { stats.add(length: n) }
///     stats.mean             // 3.6
///     stats.percentile(80)   // 3: 4 of 5 rows have at most 3 ids
public struct LengthStatistics: Sendable, Hashable {
  /// `rowsByLength[n]` = how many rows have `n` ids.
  public private(set) var rowsByLength: [Int] = []
  /// The number of rows.
  public private(set) var count = 0
  /// The total number of ids.
  public private(set) var totalLength = 0

  public init() {}

  /// Counts one row of `length` ids.
  /// - Complexity: amortized O(1).
  public mutating func add(length: Int) {
    precondition(length >= 0, "a length cannot be negative")
    if length >= rowsByLength.count { rowsByLength.append(contentsOf: repeatElement(0, count: length + 1 - rowsByLength.count)) }
    rowsByLength[length] += 1
    count += 1
    totalLength += length
  }

  /// The mean length; 0 for no rows.
  public var mean: Double { count == 0 ? 0 : Double(totalLength) / Double(count) }

  /// The longest row's length; 0 for no rows.
  public var maximum: Int { rowsByLength.lastIndex(where: { $0 > 0 }) ?? 0 }

  /// The shortest row's length; 0 for no rows.
  public var minimum: Int { rowsByLength.firstIndex(where: { $0 > 0 }) ?? 0 }

  /// The smallest length `L` such that at least `p` % of rows have at most `L` ids; 0 for no rows.
  /// - Precondition: `0 < p <= 100`.
  public func percentile(_ p: Double) -> Int {
    precondition(p > 0 && p <= 100, "a percentile is in (0, 100]")
    guard count > 0 else { return 0 }
    // Integer arithmetic where possible so that 95 % of 20 rows is exactly 19, not 18.999….
    let needed = max(1, (Double(count) * p / 100).rounded(.up))
    var seen = 0
    for (length, rows) in rowsByLength.enumerated() {
      seen += rows
      if Double(seen) >= needed { return length }
    }
    return maximum
  }

  /// How many rows have more than `maxLength` ids (and so lose some to truncation).
  public func truncatedCount(maxLength: Int) -> Int {
    guard maxLength + 1 < rowsByLength.count else { return 0 }
    return rowsByLength[(maxLength + 1)...].reduce(0, +)
  }

  /// One bar of a histogram: rows whose length is in `lengths`.
  public struct Bin: Sendable, Hashable {
    public var lengths: ClosedRange<Int>
    public var rows: Int
  }

  /// Lengths `minimum`…`maximum` in at most `maxBins` bins of equal width (the smallest whole width that fits).
  public func histogram(maxBins: Int = 20) -> [Bin] {
    precondition(maxBins > 0, "a histogram needs at least one bin")
    guard count > 0 else { return [] }
    let top = maximum
    var low = minimum
    let width = max(1, (top - low + maxBins) / maxBins)
    var bins: [Bin] = []
    while low <= top {
      let high = min(low + width - 1, top)
      bins.append(Bin(lengths: low...high, rows: rowsByLength[low...high].reduce(0, +)))
      low += width
    }
    return bins
  }

  /// The histogram as text lines, one bar of `█` per bin scaled to `barWidth` characters, with counts and percents.
  ///
  ///       0–4   ████████████████████████████████████████  1,234  41.1%
  public func histogramText(maxBins: Int = 20, barWidth: Int = 40) -> String {
    let bins = histogram(maxBins: maxBins)
    guard let most = bins.map(\.rows).max(), most > 0 else { return "" }
    let labels = bins.map { $0.lengths.count == 1 ? "\($0.lengths.lowerBound)" : "\($0.lengths.lowerBound)–\($0.lengths.upperBound)" }
    let labelWidth = labels.map(\.count).max() ?? 0
    let counts = bins.map { grouped($0.rows) }
    let countWidth = counts.map(\.count).max() ?? 0
    let percents = bins.map { fixed(Double($0.rows) / Double(count) * 100, 1) }
    let percentWidth = percents.map(\.count).max() ?? 0
    var text = ""
    for (k, bin) in bins.enumerated() {
      let bar = String(repeating: "█", count: Int((Double(bin.rows) / Double(most) * Double(barWidth)).rounded()))
      text += pad(labels[k], labelWidth) + "  " + bar + String(repeating: " ", count: barWidth - bar.count)
      text += "  " + pad(counts[k], countWidth) + "  " + pad(percents[k], percentWidth) + "%\n"
    }
    return text
  }

  /// The histogram as a standalone SVG image (bars, axis labels, and a line at `marker`, if given).
  public func histogramSVG(maxBins: Int = 40, marker: Int? = nil, title: String = "Row lengths") -> String {
    let bins = histogram(maxBins: maxBins)
    let width = 640.0, height = 320.0, left = 60.0, bottom = 40.0, top = 30.0, right = 20.0
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let most = Double(bins.map(\.rows).max() ?? 1)
    let barWidth = bins.isEmpty ? 0 : plotWidth / Double(bins.count)
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
      <title>\(title.xmlEscaped)</title>
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(fixed(left, 1))" y="18" font-size="13">\(title.xmlEscaped): \(grouped(count)) rows, mean \(fixed(mean, 2)), max \(maximum)</text>

      """
    for (k, bin) in bins.enumerated() {
      let h = most > 0 ? Double(bin.rows) / most * plotHeight : 0
      let x = left + Double(k) * barWidth
      let label = bin.lengths.count == 1 ? "\(bin.lengths.lowerBound)" : "\(bin.lengths.lowerBound)–\(bin.lengths.upperBound)"
      svg += "<rect x=\"\(fixed(x + 1, 1))\" y=\"\(fixed(top + plotHeight - h, 1))\" width=\"\(fixed(max(barWidth - 2, 1), 1))\" height=\"\(fixed(h, 1))\" fill=\"#4878a8\"><title>\(label): \(grouped(bin.rows)) rows</title></rect>\n"
    }
    svg += "<line x1=\"\(fixed(left, 1))\" y1=\"\(fixed(top + plotHeight, 1))\" x2=\"\(fixed(width - right, 1))\" y2=\"\(fixed(top + plotHeight, 1))\" stroke=\"black\"/>\n"
    if let first = bins.first, let last = bins.last {
      svg += "<text x=\"\(fixed(left, 1))\" y=\"\(fixed(height - bottom + 15, 1))\">\(first.lengths.lowerBound)</text>\n"
      svg += "<text x=\"\(fixed(width - right, 1))\" y=\"\(fixed(height - bottom + 15, 1))\" text-anchor=\"end\">\(last.lengths.upperBound)</text>\n"
      svg += "<text x=\"\(fixed(left + plotWidth / 2, 1))\" y=\"\(fixed(height - 8, 1))\" text-anchor=\"middle\">ids per row</text>\n"
      svg += "<text x=\"\(fixed(left - 6, 1))\" y=\"\(fixed(top + 4, 1))\" text-anchor=\"end\">\(grouped(Int(most)))</text>\n"
      if let marker, marker >= first.lengths.lowerBound, marker <= last.lengths.upperBound {
        let span = Double(last.lengths.upperBound + 1 - first.lengths.lowerBound)
        let x = left + (Double(marker) + 0.5 - Double(first.lengths.lowerBound)) / span * plotWidth
        svg += "<line x1=\"\(fixed(x, 1))\" y1=\"\(fixed(top, 1))\" x2=\"\(fixed(x, 1))\" y2=\"\(fixed(top + plotHeight, 1))\" stroke=\"#c03030\" stroke-dasharray=\"4 3\"/>\n"
        svg += "<text x=\"\(fixed(x + 4, 1))\" y=\"\(fixed(top + 12, 1))\" fill=\"#c03030\">maxlen \(marker)</text>\n"
      }
    }
    svg += "</svg>\n"
    return svg
  }
}

/// `n` with thousands separators: 150000 → "150,000".
public func grouped(_ n: Int) -> String {
  let digits = String(n.magnitude)
  var out = ""
  for (k, c) in digits.enumerated() {
    if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return n < 0 ? "-" + out : out
}

/// `x` rounded to `places` decimals, without Foundation: 3.14159, 2 → "3.14".
public func fixed(_ x: Double, _ places: Int) -> String {
  guard x.isFinite else { return "\(x)" }
  var scale = 1.0
  for _ in 0..<places { scale *= 10 }
  let scaled = (abs(x) * scale).rounded()
  let whole = Int(scaled / scale)
  let fraction = Int(scaled - Double(whole) * scale)
  var text = (x < 0 && scaled > 0 ? "-" : "") + String(whole)
  if places > 0 {
    let f = String(fraction)
    text += "." + String(repeating: "0", count: places - f.count) + f
  }
  return text
}

private func pad(_ s: String, _ width: Int) -> String {
  String(repeating: " ", count: max(0, width - s.count)) + s
}
