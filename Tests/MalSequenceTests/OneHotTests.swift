import Foundation
import MalSequence
import MalStream
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

  struct SizeCase: Sendable, CustomTestStringConvertible {
    var name: String
    var depth: Int
    var ids: [Int32]
    var dense: Bool
    var message: String
    var testDescription: String { name }
  }

  @Test("a depth too large for memory or for Int positions is an error, not a trap", arguments: [
    SizeCase(name: "dense, over a 1 KiB budget", depth: 1000, ids: [0], dense: true,
             message: "the one-hot vectors of 1 ids × depth 1000 would take 3.9 KiB; the memory budget is 1.0 KiB"),
    SizeCase(name: "dense, depth 2^62 overflows", depth: 1 << 62, ids: [0, 1], dense: true,
             message: "the one-hot vectors of 2 ids × depth 4611686018427387904 would take more bytes than a 64-bit integer counts; the memory budget is 1.0 KiB"),
    SizeCase(name: "sparse, depth 2^62 positions overflow", depth: 1 << 62, ids: [0, 1, 2], dense: false,
             message: "the positions of 3 ids × depth 4611686018427387904 would take more bytes than a 64-bit integer counts; the memory budget is \(MemoryBudget.standard) (half of physical memory)"),
  ])
  func tooLarge(_ c: SizeCase) {
    let oneHot = OneHot(depth: c.depth)
    do {
      _ = c.dense ? try oneHot.encode(c.ids, budget: MemoryBudget(bytes: 1024)) : try oneHot.sparseIndices(c.ids).map(Float.init)
      Issue.record("no error")
    } catch let error as SizeLimitError {
      #expect(error.message == c.message)
      #expect(error.location == .data && error.kind == .badData)
    } catch {
      Issue.record("unexpected \(error)")
    }
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
