import MalTensor

extension Sequential {
  /// The lines of Keras 3's `model.summary()` table, 88 columns wide, as Keras prints them.
  ///
  ///     Model: "sequential"
  ///     ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
  ///     ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
  ///     …
  ///      Total params: 24 (96.00 B)
  ///
  /// - Parameter timeSteps: the sequence length of the input (`maxlen`), or `nil` when it varies (Keras prints
  ///   `None`).
  /// - Returns: the lines without newlines, ending with an empty line as Keras's output does.
  public func summary(timeSteps: Int? = nil) -> [String] {
    var steps = timeSteps  // a Conv1D changes the length for the layers after it
    func shapeText(_ shape: FeatureShape) -> String {
      let time = steps.map(String.init) ?? "None"
      switch shape {
      case .tokens: return "(None, \(time))"
      case .sequence(let features): return "(None, \(time), \(features))"
      case .vector(let features): return "(None, \(features))"
      }
    }
    func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
      let gap = String(repeating: " ", count: max(0, width - text.count))
      return right ? gap + text : text + gap
    }
    func row(_ a: String, _ b: String, _ c: String, edge: String = "│") -> String {
      "\(edge) \(padded(a, 36)) \(edge) \(padded(b, 27)) \(edge) \(padded(c, 15, right: true)) \(edge)"
    }
    func rule(_ left: String, _ middle: String, _ right: String, _ line: String) -> String {
      left + String(repeating: line, count: 38) + middle + String(repeating: line, count: 29) + middle
        + String(repeating: line, count: 17) + right
    }
    var lines = ["Model: \"\(name)\""]
    lines.append(rule("┏", "┳", "┓", "━"))
    lines.append(row("Layer (type)", "Output Shape", "Param #", edge: "┃"))
    lines.append(rule("┡", "╇", "┩", "━"))
    for (index, layer) in layers.enumerated() {
      let className = LayerConfiguration(layer)?.className ?? String(describing: type(of: layer))
      if let conv = layer as? Conv1D { steps = steps.map(conv.outputSteps) }
      // A name too long for its column breaks before the "(type)", as rich's table cells wrap in Keras.
      let label = "\(layer.name) (\(className))"
      if label.count > 36 {
        lines.append(row(layer.name, shapeText(layerOutputs[index]), Self.grouped(layer.parameterCount)))
        lines.append(row("(\(className))", "", ""))
      } else {
        lines.append(row(label, shapeText(layerOutputs[index]), Self.grouped(layer.parameterCount)))
      }
      lines.append(index == layers.count - 1 ? rule("└", "┴", "┘", "─") : rule("├", "┼", "┤", "─"))
    }
    let total = parameterCount
    lines.append(" Total params: \(Self.grouped(total)) (\(Self.readableSize(total * 4)))")
    let trainable = parameters.filter(\.isTrainable).reduce(0) { $0 + $1.count }
    lines.append(" Trainable params: \(Self.grouped(trainable)) (\(Self.readableSize(trainable * 4)))")
    lines.append(" Non-trainable params: \(Self.grouped(total - trainable)) (\(Self.readableSize((total - trainable) * 4)))")
    lines.append("")
    return lines
  }

  /// `174129` → `174,129`.
  public static func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(d)
    }
    return out
  }

  /// Bytes as Keras's summary writes them: `96.00 B`, `680.19 KB`, `10.14 MB` (powers of 1024, two decimals).
  static func readableSize(_ bytes: Int) -> String {
    var value = Double(bytes)
    var unit = "B"
    for next in ["KB", "MB", "GB"] where value >= 1024 {
      value /= 1024
      unit = next
    }
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(unit)"
  }
}
