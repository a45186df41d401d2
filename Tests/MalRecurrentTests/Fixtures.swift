import Foundation
import MalTensor
import MalTestSupport
import Testing

/// The Keras reference fixtures in MalTestSupport's `SharedData.fixtures` (`../shared/fixtures` or `MAL_FIXTURES`),
/// read without throwing: case tables are built before a suite's `.enabled(if:)` trait can skip it.
enum Fixtures {
  static var available: Bool { SharedData.hasFixture("recurrent_forward.json") }

  static let missingReason: Comment = "Keras fixtures not found; set MAL_FIXTURES to the fixtures folder"

  /// The JSON object in `file`, or an empty one when the fixtures are missing.
  static func json(_ file: String) -> [String: Any] { (try? SharedData.json(file)) ?? [:] }

  static func cases(_ file: String, key: String = "cases") -> [[String: Any]] {
    json(file)[key] as? [[String: Any]] ?? []
  }
}

/// A fixture record wrapped so that Swift Testing can name each argument.
struct FixtureCase: @unchecked Sendable, CustomTestStringConvertible {
  // @unchecked: the dictionary holds immutable JSON values (NSNumber, NSString, NSArray).
  let name: String
  let fields: [String: Any]
  var testDescription: String { name }

  init(_ fields: [String: Any]) {
    self.fields = fields
    name = fields["name"] as? String ?? "?"
  }

  subscript(_ key: String) -> Any? { fields[key] }

  func tensor(_ key: String) -> Tensor { makeTensor(fields[key]) }
  func weights(_ key: String = "weights") -> [Tensor] {
    (fields[key] as? [[String: Any]] ?? []).map { makeTensor($0) }
  }
}

func flatten(_ value: Any, into out: inout [Float]) {
  if let list = value as? [Any] {
    for item in list { flatten(item, into: &out) }
  } else if let number = value as? NSNumber {
    out.append(Float(number.doubleValue))
  } else if let flag = value as? Bool {
    out.append(flag ? 1 : 0)
  }
}

func makeTensor(_ value: Any?) -> Tensor {
  guard let object = value as? [String: Any], let shape = object["shape"] as? [Int] else {
    return Tensor(shape: [0])
  }
  var scalars: [Float] = []
  if let data = object["data"] { flatten(data, into: &scalars) }
  return Tensor(shape: shape, scalars: scalars)
}

/// Expects `actual` to match `expected` element-wise within `absolute + relative · |expected|`.
func expectClose(_ actual: Tensor, _ expected: Tensor, absolute: Float, relative: Float = 0, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)",
          sourceLocation: sourceLocation)
  guard actual.shape == expected.shape else { return }
  var worst: Float = 0, worstIndex = -1
  for i in 0..<actual.count {
    let diff = abs(actual.scalars[i] - expected.scalars[i])
    let excess = diff - (absolute + relative * abs(expected.scalars[i]))
    if !(excess <= 0) && (worstIndex < 0 || excess > worst || excess.isNaN) { worst = excess; worstIndex = i }
  }
  #expect(worstIndex < 0,
          "\(what): element \(worstIndex) is \(worstIndex < 0 ? 0 : actual.scalars[worstIndex]), expected \(worstIndex < 0 ? 0 : expected.scalars[worstIndex])",
          sourceLocation: sourceLocation)
}

/// JSON numbers as JSONSerialization returns them.
typealias NSNumberLike = NSNumber
