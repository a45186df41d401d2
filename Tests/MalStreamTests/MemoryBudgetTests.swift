import MalStream
import Testing

@Suite("MemoryBudget")
struct MemoryBudgetTests {
  struct BudgetCase: Sendable, CustomTestStringConvertible {
    var name: String
    var factors: [Int]
    var bytesPerElement: Int
    /// The bytes returned, or `nil` when the check must throw.
    var fits: Int?
    /// The message thrown, if any.
    var message: String?
    var testDescription: String { name }
  }

  static let budget = MemoryBudget(bytes: 1 << 30)

  @Test("sizes are multiplied out with overflow checks and compared with the budget", arguments: [
    BudgetCase(name: "fits", factors: [1000, 128], bytesPerElement: 4, fits: 512_000),
    BudgetCase(name: "exactly the budget", factors: [1 << 28], bytesPerElement: 4, fits: 1 << 30),
    BudgetCase(
      name: "one byte over", factors: [(1 << 30) + 1], bytesPerElement: 1,
      message: "the array would take 1.0 GiB; the memory budget is 1.0 GiB"),
    BudgetCase(
      name: "an Embedding of 2e9 × 128 floats", factors: [2_000_000_000, 128], bytesPerElement: 4,
      message: "the array would take 953.7 GiB; the memory budget is 1.0 GiB"),
    BudgetCase(
      name: "a product beyond Int.max", factors: [1 << 62, 3], bytesPerElement: 1,
      message: "the array would take more bytes than a 64-bit integer counts; the memory budget is 1.0 GiB"),
    BudgetCase(
      name: "the element size overflows", factors: [1 << 62], bytesPerElement: 4,
      message: "the array would take more bytes than a 64-bit integer counts; the memory budget is 1.0 GiB"),
  ])
  func check(_ c: BudgetCase) {
    do {
      let bytes = try Self.budget.check(c.factors, bytesPerElement: c.bytesPerElement, for: "the array")
      #expect(bytes == c.fits)
      #expect(c.message == nil)
    } catch {
      #expect(error.message == c.message)
      #expect(error.location == .command && error.kind == .badData)
      #expect(c.fits == nil)
    }
  }

  @Test("sizes read in binary units with one decimal", arguments: [
    (0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (5 << 40, "5.0 TiB"),
    (Int.max, "8.0 EiB"),
  ])
  func format(_ bytes: Int, _ expected: String) {
    #expect(MemoryBudget.format(bytes: bytes) == expected)
  }

  @Test("the standard budget is half of physical memory and names itself so")
  func standard() throws {
    #expect(MemoryBudget.standard.bytes > 0)
    #expect(throws: SizeLimitError.self) { try MemoryBudget.standard.check([Int.max], bytesPerElement: 1, for: "x") }
    do {
      try MemoryBudget.standard.check([Int.max], bytesPerElement: 1, for: "x")
    } catch {
      #expect(error.message == "x would take 8.0 EiB; the memory budget is \(MemoryBudget.standard) (half of physical memory)")
    }
  }
}
