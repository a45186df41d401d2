/// Reads a model written the way Keras code reads, one layer after another:
///
///     let layers = try LayerSpec.parse(
///       "Embedding(20000,128,mask_zero) Bidirectional(LSTM(64,return_sequences)) Bidirectional(LSTM(32)) Dense(24,relu) Dense(1,sigmoid)")
///     layers.count                  // 5
///     layers[1].layer?[0].units     // 64
///
/// Layers are separated by spaces (or newlines, or `;`). Arguments are Keras's, by position or as
/// `name=value`, and a bare option name sets that option to true:
///
/// | layer | positions | options |
/// |---|---|---|
/// | `Embedding` | input_dim, output_dim | mask_zero |
/// | `SimpleRNN`, `LSTM`, `GRU` | units, activation (SimpleRNN) | return_sequences, go_backwards, dropout, recurrent_dropout, use_bias, unit_forget_bias (LSTM), reset_after (GRU), bptt |
/// | `Bidirectional` | a recurrent layer, merge_mode | merge_mode |
/// | `Dense` | units, activation (default linear) | use_bias |
/// | `Conv1D` | filters, kernel_size, activation (default linear) | padding (valid, same), strides, use_bias |
/// | `Dropout` | rate | |
/// | `GlobalAveragePooling1D`, `GlobalMaxPooling1D`, `UnitNormalization` | | |
/// | `TFIDF` | input_dim | sublinear_tf, ignore_unseen |
///
/// Every layer also takes `name=…`. Errors name the character column of the problem.
public enum LayerSpec {
  /// The layers of `text`, unbuilt.
  /// - Throws: `ModelError.Reason.invalidConfiguration` with the column and what was expected.
  public static func parse(_ text: String) throws(ModelError) -> [LayerConfiguration] {
    var parser = Parser(scalars: Array(text.unicodeScalars))
    var layers: [LayerConfiguration] = []
    parser.skipSeparators()
    while !parser.atEnd {
      layers.append(try parser.layer())
      parser.skipSeparators()
    }
    if layers.isEmpty { throw ModelError(.invalidConfiguration("the model has no layers")) }
    return layers
  }

  /// The layer classes `parse` knows.
  public static let classNames = [
    "Embedding", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Dense", "Conv1D", "Dropout",
    "GlobalAveragePooling1D", "GlobalMaxPooling1D", "TFIDF", "UnitNormalization",
  ]

  private enum Value {
    case word(String)
    case layer(LayerConfiguration)
  }

  private struct Argument {
    var key: String?
    var value: Value
    var column: Int
  }

  private struct Parser {
    let scalars: [Unicode.Scalar]
    var position = 0

    var atEnd: Bool { position >= scalars.count }
    var column: Int { position + 1 }

    func fail(_ message: String, at column: Int? = nil) -> ModelError {
      ModelError(.invalidConfiguration("column \(column ?? self.column): \(message)"))
    }

    mutating func skipSpaces() {
      while !atEnd && scalars[position].properties.isWhitespace { position += 1 }
    }

    mutating func skipSeparators() {
      while !atEnd && (scalars[position].properties.isWhitespace || scalars[position] == ";") { position += 1 }
    }

    /// Letters, digits, `_`, `.`, `-`, `+`: a name or a number.
    mutating func word() -> String {
      let start = position
      while !atEnd {
        let s = scalars[position]
        guard s.properties.isAlphabetic || ("0"..."9").contains(s) || "_.-+".unicodeScalars.contains(s) else { break }
        position += 1
      }
      return String(String.UnicodeScalarView(scalars[start..<position]))
    }

    mutating func layer() throws(ModelError) -> LayerConfiguration {
      let start = column
      let name = word()
      guard !name.isEmpty else {
        throw fail("expected a layer name such as LSTM(64), found '\(atEnd ? "end of text" : String(scalars[position]))'")
      }
      guard let className = LayerSpec.classNames.first(where: { $0.lowercased() == name.lowercased() }) else {
        throw fail("unknown layer '\(name)'; expected one of \(LayerSpec.classNames.joined(separator: ", "))", at: start)
      }
      var arguments: [Argument] = []
      skipSpaces()
      if !atEnd && scalars[position] == "(" {
        position += 1
        skipSpaces()
        if !atEnd && scalars[position] == ")" {
          position += 1
        } else {
          while true {
            arguments.append(try argument())
            skipSpaces()
            guard !atEnd else { throw fail("expected ')' to close \(className)(") }
            if scalars[position] == ")" { position += 1; break }
            guard scalars[position] == "," else { throw fail("expected ',' or ')' in \(className)(…), found '\(scalars[position])'") }
            position += 1
            skipSpaces()
          }
        }
      }
      return try configuration(className, arguments, column: start)
    }

    mutating func argument() throws(ModelError) -> Argument {
      let start = column
      let save = position
      let first = word()
      skipSpaces()
      if !atEnd && scalars[position] == "(" {
        position = save
        return Argument(key: nil, value: .layer(try layer()), column: start)
      }
      if !atEnd && scalars[position] == "=" {
        position += 1
        skipSpaces()
        let valueStart = position
        var value = word()
        if value.isEmpty, !atEnd, scalars[position] == "'" || scalars[position] == "\"" {
          let quote = scalars[position]
          position += 1
          let inner = position
          while !atEnd && scalars[position] != quote { position += 1 }
          guard !atEnd else { throw fail("unclosed quote", at: valueStart + 1) }
          value = String(String.UnicodeScalarView(scalars[inner..<position]))
          position += 1
        }
        guard !value.isEmpty else { throw fail("expected a value after '\(first)='") }
        return Argument(key: first, value: .word(value), column: start)
      }
      guard !first.isEmpty else {
        throw fail("expected an argument, found '\(atEnd ? "end of text" : String(scalars[position]))'")
      }
      return Argument(key: nil, value: .word(first), column: start)
    }

    func configuration(_ className: String, _ arguments: [Argument], column: Int) throws(ModelError)
      -> LayerConfiguration {
      var config = LayerConfiguration(className: className)
      let positions: [String]
      let flags: Set<String>
      let options: Set<String>
      switch className {
      case "Embedding":
        positions = ["input_dim", "output_dim"]; flags = ["mask_zero"]; options = ["input_dim", "output_dim", "mask_zero"]
      case "SimpleRNN", "LSTM", "GRU":
        positions = className == "SimpleRNN" ? ["units", "activation"] : ["units"]
        flags = Set(["return_sequences", "go_backwards", "use_bias"])
          .union(className == "LSTM" ? ["unit_forget_bias"] : className == "GRU" ? ["reset_after"] : [String]())
        options = flags.union(["units", "dropout", "recurrent_dropout", "bptt"]).union(className == "SimpleRNN" ? ["activation"] : [])
      case "Bidirectional":
        positions = ["layer", "merge_mode"]; flags = []; options = ["merge_mode"]
      case "Dense":
        positions = ["units", "activation"]; flags = ["use_bias"]; options = ["units", "activation", "use_bias"]
      case "Dropout":
        positions = ["rate"]; flags = []; options = ["rate"]
      case "TFIDF":
        positions = ["input_dim"]; flags = ["sublinear_tf", "ignore_unseen"]; options = ["input_dim", "sublinear_tf", "ignore_unseen"]
      case "Conv1D":
        positions = ["filters", "kernel_size", "activation"]; flags = ["use_bias"]
        options = ["filters", "kernel_size", "activation", "padding", "strides", "use_bias"]
      default:
        positions = []; flags = []; options = []
      }
      var nextPosition = 0
      var seen: Set<String> = []
      for argument in arguments {
        var key = argument.key
        var text: String? = nil
        switch argument.value {
        case .layer(let inner):
          guard className == "Bidirectional", key == nil, nextPosition == 0 else {
            throw fail("\(className) does not take a layer here", at: argument.column)
          }
          guard ["SimpleRNN", "LSTM", "GRU"].contains(inner.className) else {
            throw fail("Bidirectional wraps SimpleRNN, LSTM or GRU, not \(inner.className)", at: argument.column)
          }
          config.layer = [inner]
          nextPosition = 1
          seen.insert("layer")
          continue
        case .word(let word):
          text = word
        }
        if key == nil {
          if flags.contains(text!) {
            key = text
            text = "true"
          } else if nextPosition < positions.count {
            key = positions[nextPosition]
            nextPosition += 1
          } else {
            throw fail("unexpected argument '\(text!)' to \(className)\(flags.isEmpty ? "" : "; its options are \(options.sorted().joined(separator: ", "))")", at: argument.column)
          }
        }
        let name = key!
        guard options.contains(name) || name == "name" || (name == "layer" && className == "Bidirectional") else {
          throw fail("\(className) has no option '\(name)'\(options.isEmpty ? "" : "; expected one of \(options.sorted().joined(separator: ", ")), name")", at: argument.column)
        }
        guard seen.insert(name).inserted else { throw fail("'\(name)' is given twice", at: argument.column) }
        try set(name, text!, in: &config, column: argument.column)
      }
      if className == "Bidirectional" && config.layer == nil {
        throw fail("Bidirectional needs a recurrent layer, e.g. Bidirectional(LSTM(64))", at: column)
      }
      for required in positions.prefix(className == "SimpleRNN" ? 1 : className == "Conv1D" ? 2 : positions.count)
      where !seen.contains(required)
        && !["activation", "merge_mode", "layer"].contains(required) {
        throw fail("\(className) needs \(required), e.g. \(LayerSpec.example(className))", at: column)
      }
      return config
    }

    func set(_ name: String, _ text: String, in config: inout LayerConfiguration, column: Int) throws(ModelError) {
      func int() throws(ModelError) -> Int {
        guard let value = Int(text), value >= 1 else { throw fail("\(name) must be a whole number ≥ 1, found '\(text)'", at: column) }
        return value
      }
      func rate() throws(ModelError) -> Float {
        guard let value = Float(text), value >= 0, value < 1 else { throw fail("\(name) must be a number in [0, 1), found '\(text)'", at: column) }
        return value
      }
      func bool() throws(ModelError) -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw fail("\(name) must be true or false, found '\(text)'", at: column)
        }
      }
      switch name {
      case "input_dim": config.inputDimension = try int()
      case "output_dim": config.outputDimension = try int()
      case "units": config.units = try int()
      case "filters": config.filters = try int()
      case "kernel_size": config.kernelSize = try int()
      case "strides": config.strides = try int()
      case "padding":
        guard Conv1D.Padding(rawValue: text) != nil else {
          throw fail("padding must be valid or same, found '\(text)'", at: column)
        }
        config.padding = text
      case "bptt": config.bpttSteps = try int()
      case "mask_zero": config.maskZero = try bool()
      case "return_sequences": config.returnSequences = try bool()
      case "go_backwards": config.goBackwards = try bool()
      case "use_bias": config.useBias = try bool()
      case "unit_forget_bias": config.unitForgetBias = try bool()
      case "reset_after": config.resetAfter = try bool()
      case "sublinear_tf": config.sublinearTF = try bool()
      case "ignore_unseen": config.ignoreUnseen = try bool()
      case "dropout": config.dropout = try rate()
      case "recurrent_dropout": config.recurrentDropout = try rate()
      case "rate": config.rate = try rate()
      case "name": config.name = text
      case "activation":
        let allowed = config.className == "SimpleRNN" ? ["tanh", "relu"] : Activation.allCases.map(\.rawValue)
        guard allowed.contains(text) else {
          throw fail("\(config.className) activation must be one of \(allowed.joined(separator: ", ")), found '\(text)'", at: column)
        }
        config.activation = text
      case "merge_mode":
        guard Bidirectional.MergeMode(rawValue: text) != nil else {
          throw fail("merge_mode must be one of concat, sum, ave, mul, found '\(text)'", at: column)
        }
        config.mergeMode = text
      default:
        throw fail("unknown option '\(name)'", at: column)
      }
    }
  }

  static func example(_ className: String) -> String {
    switch className {
    case "Embedding": "Embedding(20000,128)"
    case "Dense": "Dense(24,relu)"
    case "Dropout": "Dropout(0.5)"
    case "Conv1D": "Conv1D(128,5,relu)"
    case "TFIDF": "TFIDF(20000)"
    default: "\(className)(64)"
    }
  }
}
