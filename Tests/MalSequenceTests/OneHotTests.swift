import Foundation
import MalSequence
import MalTestSupport
import Testing

@Suite("OneHot")
struct OneHotTests {
  @Test("dense vectors and sparse indices")
  func encode() throws {
    let oneHot = OneHot(depth: 4)
    #expect(try oneHot.encode([1, 3]) == [0, 1, 0, 0, 0, 0, 0, 1])
    #expect(try oneHot.sparseIndices([1, 3, 0]) == [1, 7, 8])
    #expect(throws: EncodingError(id: 4, index: 1, depth: 4)) { try oneHot.encode([0, 4]) }
    #expect(throws: EncodingError(id: -1, index: 0, depth: 4)) { try oneHot.sparseIndices([-1]) }
  }
}

@Suite("to_categorical fixtures", .enabled(if: SharedData.hasFixture("one_hot.json"), "needs ../shared/fixtures (set MAL_FIXTURES)"))
struct OneHotFixtureTests {
  static func flatten(_ x: Any) -> [Double] {
    if let a = x as? [Any] { return a.flatMap(flatten) }
    return [(x as! NSNumber).doubleValue]
  }

  @Test("keras.utils.to_categorical on 1-D, 2-D and trailing-1 inputs")
  func toCategorical() throws {
    let fixture = try SharedData.json("one_hot.json")
    let cases = fixture["to_categorical_cases"] as! [[String: Any]]
    #expect(cases.count == 5)
    for c in cases {
      let input = c["input"] as! [String: Any]
      let output = c["output"] as! [String: Any]
      let values = Self.flatten(input["data"]!).map { Int32($0) }
      let got = try OneHot.categorical(values, shape: input["shape"] as! [Int], classes: c["num_classes"] as? Int)
      #expect(got.shape == output["shape"] as! [Int], "\(c["call"]!)")
      #expect(got.values.map(Double.init) == Self.flatten(output["data"]!), "\(c["call"]!)")
    }
  }

  @Test("a padded id batch, one-hot encoded, as to_categorical and ops.one_hot give it")
  func sequenceBatch() throws {
    let batch = try SharedData.json("one_hot.json")["sequence_batch"] as! [String: Any]
    let sequences = (batch["sequences"] as! [[Int]]).map { $0.map { Int32($0) } }
    let padded = PadSequences(maxLength: 4, padding: .post).apply(to: sequences)
    #expect(padded.map { $0.map(Int.init) } == (batch["padded"] as! [String: Any])["data"] as! [[Int]])
    let expected = Self.flatten((batch["to_categorical"] as! [String: Any])["data"]!)
    let oneHot = OneHot(depth: 7)
    #expect(try padded.flatMap { try oneHot.encode($0) }.map(Double.init) == expected)
    #expect(Self.flatten((batch["ops_one_hot"] as! [String: Any])["data"]!) == expected)
  }
}
