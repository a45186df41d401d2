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

@Suite("MemoryBudget(parsing:), as --max-memory and MAL_MAX_MEMORY read it")
struct MemoryBudgetParsingTests {
  static let spellings: [(text: String, bytes: Int)] = [
    ("1000000", 1_000_000), ("512K", 524_288), ("512k", 524_288), ("512KiB", 524_288), ("512KB", 524_288),
    ("4G", 4_294_967_296), ("1.5G", 1_610_612_736), ("2T", 2_199_023_255_552), (" 64M ", 67_108_864), ("100B", 100),
  ]

  @Test("bytes, binary units and percentages of physical memory", arguments: spellings)
  func sizes(_ text: String, _ bytes: Int) {
    #expect(MemoryBudget(parsing: text)?.bytes == bytes)
  }

  @Test("a percentage is of physical memory")
  func percentage() throws {
    let physical = try #require(MemoryBudget.physicalMemory)
    #expect(MemoryBudget(parsing: "50%")?.bytes == physical / 2)
    #expect(MemoryBudget(parsing: "100%")?.bytes == physical)
  }

  @Test("nonsense, zero and negative sizes are refused", arguments: [
    "", "abc", "0", "0.1", "-1", "-1G", "1e9", "4X", "G", "1.2.3", "%", "１２", "99999999999T",
  ])
  func refused(_ text: String) {
    #expect(MemoryBudget(parsing: text) == nil)
  }

  @Test("the message says who set the budget")
  func source() {
    let budget = MemoryBudget(parsing: "1K", source: "--max-memory")!
    #expect(throws: SizeLimitError.self) { try budget.check([2048], bytesPerElement: 1, for: "the array") }
    do {
      try budget.check([2048], bytesPerElement: 1, for: "the array")
    } catch {
      #expect(error.message == "the array would take 2.0 KiB; the memory budget is 1.0 KiB (--max-memory)")
    }
  }
}
