import MalRecurrent

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mal train --plot`: loss and accuracy per epoch, training and validation, as one SVG a browser opens.
enum TrainingPlot {
  static let panelWidth = 420.0, panelHeight = 300.0
  static let left = 58.0, right = 16.0, top = 40.0, bottom = 46.0
  static let trainColor = "#1f77b4", validationColor = "#ff7f0e"

  /// The SVG of `results` (one point per epoch), `title` above both panels.
  static func svg(_ results: [EpochResult], title: String) -> String {
    let width = 2 * panelWidth, height = panelHeight + 30
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(width / 2)" y="20" text-anchor="middle" font-size="14">\(escape(title))</text>

      """
    s += panel(results, x: 0, name: "loss", train: \.loss, validation: \.validationLoss, fromZero: true)
    s += panel(results, x: panelWidth, name: "accuracy", train: \.accuracy, validation: \.validationAccuracy, fromZero: false)
    s += "</svg>\n"
    return s
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(c)
      }
    }
    return out
  }

  /// Round tick values covering `low...high`.
  static func ticks(_ low: Double, _ high: Double) -> [Double] {
    let span = max(high - low, 1e-9)
    let raw = span / 5
    let magnitude = pow10(floor(log10(raw)))
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var value = (low / step).rounded(.down) * step
    var result: [Double] = []
    while value <= high + step * 1e-6 {
      if value >= low - step * 1e-6 { result.append(value) }
      value += step
    }
    return result
  }

  static func pow10(_ x: Double) -> Double { exp(x * log(10)) }

  static func label(_ value: Double) -> String {
    let text = fixed(value, value.magnitude >= 10 || value == value.rounded() ? 0 : value.magnitude >= 1 ? 1 : 3)
    guard text.contains(".") else { return text }
    var trimmed = Substring(text)
    while trimmed.last == "0" { trimmed.removeLast() }
    if trimmed.last == "." { trimmed.removeLast() }
    return String(trimmed)
  }

  static func panel(
    _ results: [EpochResult], x: Double, name: String, train: KeyPath<EpochResult, Double>,
    validation: KeyPath<EpochResult, Double?>, fromZero: Bool
  ) -> String {
    let x0 = x + left, x1 = x + panelWidth - right, y0 = 30 + top, y1 = 30 + panelHeight - bottom
    let values = results.map { $0[keyPath: train] } + results.compactMap { $0[keyPath: validation] }
    var low = values.min() ?? 0, high = values.max() ?? 1
    if fromZero { low = min(low, 0) }
    if name == "accuracy" { high = min(1, high + 0.02); low = max(0, low - 0.02) }
    if high - low < 1e-6 { high = low + 1 }
    let yTicks = ticks(low, high)
    low = min(low, yTicks.first ?? low)
    high = max(high, yTicks.last ?? high)
    let first = Double(results.first?.epoch ?? 1), last = Double(results.last?.epoch ?? 1)
    let epochSpan = max(last - first, 1)
    func px(_ epoch: Double) -> Double { results.count == 1 ? (x0 + x1) / 2 : x0 + (epoch - first) / epochSpan * (x1 - x0) }
    func py(_ v: Double) -> Double { y1 - (v - low) / (high - low) * (y1 - y0) }
    func f(_ v: Double) -> String { fixed(v, 1) }
    var s = "<g>\n<text x=\"\(f((x0 + x1) / 2))\" y=\"\(f(y0 - 12))\" text-anchor=\"middle\" font-weight=\"bold\">\(name)</text>\n"
    s += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(x1 - x0))\" height=\"\(f(y1 - y0))\" fill=\"none\" stroke=\"#888\"/>\n"
    for t in yTicks {
      s += "<line x1=\"\(f(x0))\" y1=\"\(f(py(t)))\" x2=\"\(f(x1))\" y2=\"\(f(py(t)))\" stroke=\"#eee\"/>"
      s += "<text x=\"\(f(x0 - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(label(t))</text>\n"
    }
    let epochStep = max(1, Int((epochSpan / 10).rounded(.up)))
    for epoch in stride(from: Int(first), through: Int(last), by: epochStep) {
      s += "<text x=\"\(f(px(Double(epoch))))\" y=\"\(f(y1 + 16))\" text-anchor=\"middle\">\(epoch)</text>\n"
    }
    s += "<text x=\"\(f((x0 + x1) / 2))\" y=\"\(f(y1 + 34))\" text-anchor=\"middle\">epoch</text>\n"
    func line(_ points: [(Double, Double)], color: String, dashed: Bool) -> String {
      guard !points.isEmpty else { return "" }
      let path = points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
      var out = "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
      for (e, v) in points { out += "<circle cx=\"\(f(px(e)))\" cy=\"\(f(py(v)))\" r=\"3\" fill=\"\(color)\"/>" }
      return out + "\n"
    }
    s += line(results.map { (Double($0.epoch), $0[keyPath: train]) }, color: trainColor, dashed: false)
    let validationPoints = results.compactMap { r in r[keyPath: validation].map { (Double(r.epoch), $0) } }
    s += line(validationPoints, color: validationColor, dashed: true)
    // Legend inside the panel, away from where the curves usually are: top right for loss (it falls), bottom
    // right for accuracy (it rises).
    let entries = validationPoints.isEmpty ? 1.0 : 2.0
    var legendY = fromZero ? y0 + 16 : y1 - 16 * entries + 8
    for (text, color, dashed, shown) in [("training", trainColor, false, true), ("validation", validationColor, true, !validationPoints.isEmpty)] where shown {
      s += "<line x1=\"\(f(x1 - 110))\" y1=\"\(f(legendY - 4))\" x2=\"\(f(x1 - 86))\" y2=\"\(f(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
      s += "<text x=\"\(f(x1 - 80))\" y=\"\(f(legendY))\">\(text)</text>\n"
      legendY += 16
    }
    return s + "</g>\n"
  }
}
