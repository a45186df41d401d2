#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import MalRecurrent
import MalStream

/// The recurrent architectures `--arch` offers.
enum Architecture: String, ExpressibleByArgument, CaseIterable {
  case simplernn, lstm, gru, bilstm, bigru, bisimplernn
}

extension Bidirectional.MergeMode: ExpressibleByArgument {}

/// The model `mal train` builds: from its flags, or from a `--model` layer string or JSON spec.
struct ModelDefinition {
  var encoding: InputEncoding
  var layers: [LayerConfiguration]

  /// Reads `--model`: a layer string (`Embedding(20000,128) LSTM(64) Dense(1,sigmoid)`), a JSON list of layer
  /// configurations or a whole model configuration (what `mal.model` in a model file holds), or a file holding
  /// either.
  static func layers(fromSpec spec: String) throws -> [LayerConfiguration] {
    var text = spec
    let trimmed = spec.drop { $0.isWhitespace }
    if !trimmed.hasPrefix("{") && !trimmed.hasPrefix("["), !spec.contains("("),
      let bytes = try? readFile(atPath: spec) {
      text = String(decoding: bytes, as: UTF8.self)
    }
    let start = text.drop { $0.isWhitespace }
    if start.hasPrefix("{") || start.hasPrefix("[") {
      do {
        if start.hasPrefix("{") {
          return try JSONDecoder().decode(ModelConfiguration.self, from: Data(text.utf8)).layers
        }
        return try JSONDecoder().decode([LayerConfiguration].self, from: Data(text.utf8))
      } catch {
        throw ValidationError("--model: not a model configuration in JSON: \(decodingMessage(error))")
      }
    }
    do {
      return try LayerSpec.parse(text)
    } catch {
      throw ValidationError("--model: \(error)")
    }
  }

  /// The head the labels need: Dense(1, sigmoid) for two classes, Dense(classes, softmax) for more; with the
  /// squared hinge, the same units with no activation (scores).
  static func head(classCount: Int, loss: Loss? = nil) -> LayerConfiguration {
    var head = LayerConfiguration(className: "Dense")
    head.units = classCount == 2 ? 1 : classCount
    head.activation = loss == .squaredHinge ? "linear" : classCount == 2 ? "sigmoid" : "softmax"
    return head
  }

  /// Whether `layer` is a Dense layer of `units` units without an activation: the squared hinge's head.
  static func isLinearHead(units: Int?) -> (LayerConfiguration) -> Bool {
    { $0.className == "Dense" && $0.units == units && ($0.activation ?? "linear") == "linear" }
  }

  /// The layers that take ids and may only come first.
  static let idLayers: Set<String> = ["Embedding", "TFIDF"]

  /// Completes a spec's layers: picks the input encoding (an Embedding first takes ids; otherwise --one-hot or
  /// --scalar-input must say how ids become features) and checks or appends the head.
  init(
    spec layers: [LayerConfiguration], oneHot: Bool, scalarInput: Bool, vocabularySize: Int, classCount: Int,
    loss: Loss? = nil
  ) throws {
    var layers = layers
    if let first = layers.first?.className, Self.idLayers.contains(first) {
      if oneHot || scalarInput {
        throw ValidationError("--model starts with \(first == "Embedding" ? "an Embedding" : "TFIDF"), which takes ids: drop --one-hot / --scalar-input")
      }
      encoding = .ids
    } else if oneHot {
      encoding = .oneHot(depth: vocabularySize)
    } else if scalarInput {
      encoding = .scalar
    } else {
      throw ValidationError(
        "--model starts with \(layers.first?.className ?? "nothing"), not an Embedding: say how ids become its input with --one-hot or --scalar-input, or start with Embedding(\(vocabularySize),128)")
    }
    if let later = layers.dropFirst().first(where: { Self.idLayers.contains($0.className) }) {
      throw ValidationError("--model: \(later.className == "Embedding" ? "an Embedding" : "TFIDF") can only be the first layer")
    }
    let head = Self.head(classCount: classCount, loss: loss)
    if let last = layers.last, last.className == "Dense", last.activation == "sigmoid" || last.activation == "softmax" {
      if loss == .squaredHinge {
        throw ValidationError(
          "--model ends with Dense(\(last.units ?? 0), \(last.activation ?? "")), but --loss squared_hinge scores a head without an activation: end with Dense(\(head.units!)) or leave the head out and mal adds it")
      }
      let fits = last.units == head.units || (classCount == 2 && last.units == 2 && last.activation == "softmax")
      guard fits else {
        throw ValidationError(
          "--model ends with Dense(\(last.units ?? 0), \(last.activation ?? "")) but the labels have \(classCount) classes: end with Dense(\(head.units!), \(head.activation!)) or leave the head out and mal adds it")
      }
    } else if !(loss == .squaredHinge && layers.last.map(Self.isLinearHead(units: head.units)) == true) {
      layers.append(head)
    }
    self.layers = layers
  }

  /// The model of the common flags: input (Embedding, one-hot or scalar) → recurrent layer(s) → Dense(relu)
  /// layers → head.
  init(
    arch: Architecture, units: Int, layerCount: Int, embeddingDim: Int, maskZero: Bool, oneHot: Bool,
    scalarInput: Bool, dense: [Int], dropout: Float, recurrentDropout: Float, merge: Bidirectional.MergeMode,
    bptt: Int?, vocabularySize: Int, classCount: Int, loss: Loss? = nil
  ) {
    var layers: [LayerConfiguration] = []
    if oneHot {
      encoding = .oneHot(depth: vocabularySize)
    } else if scalarInput {
      encoding = .scalar
    } else {
      encoding = .ids
      var embedding = LayerConfiguration(className: "Embedding")
      embedding.inputDimension = vocabularySize
      embedding.outputDimension = embeddingDim
      embedding.maskZero = maskZero
      layers.append(embedding)
    }
    for i in 0..<layerCount {
      var cell: LayerConfiguration
      switch arch {
      case .lstm, .bilstm: cell = LayerConfiguration(className: "LSTM")
      case .gru, .bigru: cell = LayerConfiguration(className: "GRU")
      case .simplernn, .bisimplernn: cell = LayerConfiguration(className: "SimpleRNN")
      }
      cell.units = units
      cell.returnSequences = i < layerCount - 1
      cell.dropout = dropout
      cell.recurrentDropout = recurrentDropout
      cell.bpttSteps = bptt
      switch arch {
      case .bilstm, .bigru, .bisimplernn:
        var wrapper = LayerConfiguration(className: "Bidirectional")
        wrapper.mergeMode = merge.rawValue
        wrapper.layer = [cell]
        layers.append(wrapper)
      default:
        layers.append(cell)
      }
    }
    for size in dense {
      var layer = LayerConfiguration(className: "Dense")
      layer.units = size
      layer.activation = "relu"
      layers.append(layer)
    }
    layers.append(Self.head(classCount: classCount, loss: loss))
    self.layers = layers
  }

  /// The ids the first layer takes, when it is an Embedding or TFIDF.
  var embeddingRows: Int? { layers.first.map { Self.idLayers.contains($0.className) } == true ? layers.first?.inputDimension : nil }

  /// Builds the model with fresh weights from `seed`.
  func build(seed: UInt64) throws -> Sequential {
    var built: [any Layer] = []
    for layer in layers { built.append(try layer.makeLayer()) }
    return try Sequential(input: encoding.featureShape, layers: built, seed: seed)
  }
}
