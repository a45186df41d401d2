import Foundation
import MalRecurrent
import MalTensor
import MalTestSupport
import Testing

@Suite("safetensors files")
struct SafeTensorsTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/python.safetensors").path

  /// What `Fixtures/python.safetensors` holds: written by Python's safetensors 0.8.0 (`safetensors.numpy.save_file`).
  static let expected = SafeTensors(
    tensors: [
      NamedTensor(name: "sequential/embedding/embeddings", tensor: Tensor(shape: [3, 2], scalars: [0, 0.25, 0.5, 0.75, 1, 1.25])),
      NamedTensor(name: "sequential/dense/bias", tensor: Tensor(shape: [1], scalars: [-1.5])),
      NamedTensor(name: "sequential/dense/kernel", tensor: Tensor(shape: [2, 1], scalars: [0.25, 1e-7])),
    ],
    metadata: ["format": "mal", "vocabulary": "[PAD]\n[UNK]\n영화"])

  @Test("reads a file written by Python's safetensors")
  func readsPython() throws {
    let file = try SafeTensors.read(from: Self.fixture)
    #expect(file == Self.expected)
    #expect(file["sequential/dense/kernel"]?.scalars == [0.25, 1e-7])
    #expect(file.tensors.map(\.name) == ["sequential/dense/bias", "sequential/dense/kernel", "sequential/embedding/embeddings"])
  }

  @Test("writes the same bytes as Python's safetensors")
  func writesLikePython() throws {
    let python = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
    #expect(Self.expected.encoded() == python)
  }

  @Test("round trips through a file, written atomically", arguments: [0 as UInt64, 1, 2])
  func roundTrip(seed: UInt64) throws {
    var random = RandomSource(seed: seed)
    let tensors = [[4, 3], [7], [], [0, 5], [2, 2, 2]].enumerated().map { i, shape in
      NamedTensor(name: "t\(i)", tensor: Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(random.normal()) }))
    }
    let file = SafeTensors(tensors: tensors, metadata: seed == 0 ? [:] : ["seed": "\(seed)", "quote\"key": "tab\there"])
    let folder = TemporaryFolder()
    try file.write(to: folder.path + "/m.safetensors")
    #expect(folder.contents == ["m.safetensors"])
    #expect(try SafeTensors.read(from: folder.path + "/m.safetensors") == file)
  }

  struct BadCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var message: String
    var testDescription: String { name }
  }

  static func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    var bytes: [UInt8] = []
    withUnsafeBytes(of: (declaredLength ?? UInt64(h.count)).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + h + data
  }

  static let bad: [BadCase] = [
    BadCase(name: "too short", bytes: [1, 0, 0], message: "at byte 0: file too short for the 8-byte header length (3 bytes)"),
    BadCase(name: "header past the end", bytes: file(header: "{}", declaredLength: 50), message: "at byte 0: header length 50 is past the end of the file (2 bytes follow it)"),
    BadCase(name: "header over the limit", bytes: file(header: "{}", declaredLength: 200_000_000), message: "at byte 0: header length 200000000 is over the 100000000-byte limit"),
    BadCase(name: "not an object", bytes: file(header: "[1]"), message: "at byte 8: header does not start with '{'"),
    BadCase(name: "broken JSON", bytes: file(header: "{\"a\":"), message: "at byte 8: header is not valid JSON (not valid JSON: unexpected end of input)"),
    BadCase(name: "unsupported dtype", bytes: file(header: #"{"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0]), message: "at byte 8: tensor 'w' has dtype F16; Mal reads F32 tensors only"),
    BadCase(name: "shape against bytes", bytes: file(header: #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)), message: "at byte 8: tensor 'w' has shape [2, 2] (4 floats) but 8 bytes of data"),
    BadCase(name: "gap", bytes: file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)), message: "at byte 62: gap before tensor 'w'"),
    BadCase(name: "overlap", bytes: file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)), message: "at byte 119: tensor 'b' overlaps the tensor before it"),
    BadCase(name: "trailing data", bytes: file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 6)), message: "at byte 66: the tensors cover 4 bytes of data but the file has 6"),
    BadCase(name: "duplicate name", bytes: file(header: #"{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)), message: "at byte 8: 'w' appears twice in the header"),
    BadCase(name: "negative shape", bytes: file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 4)), message: "at byte 8: tensor 'w' has a shape entry that is not a count"),
  ]

  @Test("rejects broken files before allocating, saying where and what", arguments: bad)
  func rejects(_ c: BadCase) {
    do {
      _ = try SafeTensors(decoding: c.bytes, file: "m.safetensors")
      Issue.record("accepted a broken file")
    } catch let error as SafeTensorsError {
      #expect(error.description == "m.safetensors: error: not a valid safetensors file: " + c.message)
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }
}

@Suite("Model files")
struct ModelFileTests {
  static func model(seed: UInt64) throws -> Sequential {
    try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 50, outputDimension: 8, maskZero: true),
      Bidirectional(LSTM(units: 4)),
      Dense(units: 3, activation: .relu),
      Dense(units: 1, activation: .sigmoid),
    ], seed: seed)
  }

  @Test("a written model reads back with the same architecture, weights and predictions")
  func roundTrip() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/m.safetensors"
    let model = try Self.model(seed: 7)
    try ModelFile(model: model, metadata: ["mal.labels": "[\"0\",\"1\"]"]).write(to: path)
    let loaded = try ModelFile.read(from: path)
    #expect(loaded.metadata == ["mal.labels": "[\"0\",\"1\"]"])
    #expect(loaded.model.configuration == model.configuration)
    #expect(loaded.model.weights() == model.weights())
    let ids = Tensor(shape: [2, 5], scalars: [0, 0, 3, 4, 49, 1, 2, 3, 4, 5])
    #expect(try loaded.model.predict(ids) == model.predict(ids))
  }

  @Test("weights that do not fit the architecture are refused, naming the weight")
  func mismatch() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/m.safetensors"
    var contents = try ModelFile(model: try Self.model(seed: 1)).safeTensors()
    let bias = "sequential/dense_1/bias"
    contents = SafeTensors(
      tensors: contents.tensors.map { $0.name == bias ? NamedTensor(name: bias, tensor: Tensor(shape: [2], scalars: [0, 0])) : $0 },
      metadata: contents.metadata)
    try contents.write(to: path)
    #expect(throws: ModelFileError(file: path, message: "weights '\(bias)' have shape [2] but the model needs [1]")) {
      try ModelFile.read(from: path)
    }
    try SafeTensors(tensors: contents.tensors).write(to: path)
    #expect(throws: ModelFileError(file: path, message: "no 'mal.model' entry in its metadata: not a model written by mal")) {
      try ModelFile.read(from: path)
    }
  }

  struct LyingSizeCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Changes the written model's architecture.
    var edit: @Sendable (inout ModelConfiguration) -> Void
    var needed: String
    var testDescription: String { name }
  }

  @Test("an architecture that needs more weights than the file holds is refused before it is built", arguments: [
    LyingSizeCase(name: "Embedding input_dim 2^40", edit: { $0.layers[0].inputDimension = 1 << 40 }, needed: "at least 8796093022619"),
    LyingSizeCase(name: "Embedding output_dim 2^40 (overflows the LSTM kernel)",
                  edit: { $0.layers[0].outputDimension = 1 << 62 }, needed: "more than 2^63"),
    LyingSizeCase(name: "LSTM units 2^31", edit: { $0.layers[1].layer![0].units = 1 << 31 }, needed: "more than 2^63"),
    LyingSizeCase(name: "Dense units 10^6", edit: { $0.layers[2].units = 1_000_000 }, needed: "at least 9000784"),
  ])
  func lyingSizes(_ c: LyingSizeCase) throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/m.safetensors"
    let contents = try ModelFile(model: try Self.model(seed: 1)).safeTensors()
    var configuration = try JSONDecoder().decode(ModelConfiguration.self, from: Data(contents.metadata[ModelFile.modelKey]!.utf8))
    c.edit(&configuration)
    var metadata = contents.metadata
    metadata[ModelFile.modelKey] = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
    try SafeTensors(tensors: contents.tensors, metadata: metadata).write(to: path)
    #expect(throws: ModelFileError(
      file: path, message: "the architecture in 'mal.model' needs \(c.needed) weights but the file holds 847")) {
      try ModelFile.read(from: path)
    }
  }

  @Test("weightSizes counts the embedding table and kernels without building: parameterCount less the biases")
  func weightSizes() throws {
    let model = try Self.model(seed: 1)
    let sizes = model.configuration.weightSizes
    #expect(sizes.map(\.floats) == [400, 384, 24, 3])
    #expect(sizes.map(\.outputFeatures) == [8, 8, 3, 1])
    #expect(model.configuration.weightFloatCount == 811 && model.parameterCount == 811 + 2 * 16 + 3 + 1)
  }

  @Test("an endless device is refused from its first bytes, not read into memory")
  func endlessDevice() {
    #expect(throws: SafeTensorsError(file: "/dev/zero", byteOffset: 8, problem: "header does not start with '{'")) {
      try SafeTensors.read(from: "/dev/zero")
    }
  }
}
