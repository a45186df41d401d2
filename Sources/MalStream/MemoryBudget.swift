import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The most memory one allocation that a file or a flag sizes may take, checked before anything is allocated.
///
/// A size read from a header or a flag is multiplied out with overflow checks and compared with `bytes`, so a lying
/// header or a mistyped flag gets an error that says what was asked and what is available, instead of a crash.
/// Libraries take a budget as a parameter (default `.standard`, the process's budget); the command line sets the
/// process's budget from `--max-memory` or `MAL_MAX_MEMORY` with `configure(_:)`.
///
///     let budget = MemoryBudget(bytes: 1 << 30)
///     try budget.check([2_000_000_000, 128], bytesPerElement: 4, for: "an Embedding of 2000000000 × 128 floats")
///     // throws SizeLimitError: "an Embedding of 2000000000 × 128 floats would take 953.7 GiB; the memory budget is 1.0 GiB"
public struct MemoryBudget: Sendable, Hashable, CustomStringConvertible {
  /// The most bytes allowed.
  public var bytes: Int
  /// Who set it, for messages (`--max-memory`, `half of physical memory`); `nil` for a budget made in code.
  public var source: String?

  public init(bytes: Int, source: String? = nil) {
    self.bytes = bytes
    self.source = source
  }

  /// The process's budget: what `configure(_:)` set (from `--max-memory` or `MAL_MAX_MEMORY`), else
  /// `halfOfPhysicalMemory`.
  public static var standard: MemoryBudget {
    configured.withLock { $0 } ?? halfOfPhysicalMemory
  }

  /// Makes `budget` the process's budget, `standard`, for every check that follows.
  public static func configure(_ budget: MemoryBudget) {
    configured.withLock { $0 = budget }
  }

  private static let configured = Mutex<MemoryBudget?>(nil)

  /// Physical memory in bytes (`sysconf(_SC_PHYS_PAGES) × sysconf(_SC_PAGESIZE)`), or `nil` where it is unknown.
  public static let physicalMemory: Int? = {
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, pageSize > 0 else { return nil }
    let (physical, overflow) = pages.multipliedReportingOverflow(by: pageSize)
    return overflow ? Int.max : physical
  }()

  /// Half of physical memory, or 4 GiB where it is unknown: room for the data beside the one large array a size
  /// asks for.
  public static let halfOfPhysicalMemory: MemoryBudget =
    if let physical = physicalMemory {
      MemoryBudget(bytes: physical / 2, source: "half of physical memory")
    } else {
      MemoryBudget(bytes: 4 << 30, source: "physical memory unknown")
    }

  /// A budget written as people write sizes: bytes (`1000000`), binary units (`512K`, `4G`, `1.5GiB`, `2T`; `B`,
  /// `iB` and lower case allowed) or a percentage of physical memory (`75%`); `nil` if `text` is none of these
  /// or is not more than 0 bytes.
  public init?(parsing text: String, source: String? = nil) {
    var number = Substring(text.trimmingSpaces)
    var scale = 1.0
    if number.hasSuffix("%") {
      guard let physical = Self.physicalMemory else { return nil }
      number = number.dropLast()
      scale = Double(physical) / 100
    } else {
      var unit = number.uppercased()
      if unit.hasSuffix("IB") { unit.removeLast(2) } else if unit.hasSuffix("B") { unit.removeLast() }
      let powers: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40, "P": 0x1p50]
      if let last = unit.last, let power = powers[last] {
        scale = power
        unit.removeLast()
      }
      number = Substring(unit)
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      let value = Double(number), value.isFinite
    else { return nil }
    let bytes = (value * scale).rounded(.down)
    guard bytes >= 1, bytes < 0x1p62 else { return nil }
    self.init(bytes: Int(bytes), source: source)
  }

  /// The budget as a size in binary units (`11.6 GiB`).
  public var description: String { Self.format(bytes: bytes) }

  /// The product of `factors` × `bytesPerElement`, or `nil` if it does not fit an `Int`.
  /// - Precondition: every factor is non-negative.
  public static func byteCount(_ factors: [Int], bytesPerElement: Int = 1) -> Int? {
    var total = bytesPerElement
    for factor in factors {
      precondition(factor >= 0, "sizes are non-negative")
      let (product, overflow) = total.multipliedReportingOverflow(by: factor)
      if overflow { return nil }
      total = product
    }
    return total
  }

  /// Checks that `factors` multiplied out, times `bytesPerElement`, fit the budget, and returns that many bytes.
  /// - Parameter what: what asks for the memory, as the message names it (`an Embedding of 5 × 128 floats`).
  /// - Throws: `SizeLimitError` (at `location`, of `kind`) when the product overflows or exceeds `bytes`.
  @discardableResult
  public func check(
    _ factors: [Int], bytesPerElement: Int, for what: String, location: ErrorLocation = .command,
    kind: ErrorKind = .badData
  ) throws(SizeLimitError) -> Int {
    let needed = Self.byteCount(factors, bytesPerElement: bytesPerElement)
    guard let needed, needed <= bytes else {
      throw SizeLimitError(what: what, neededBytes: needed, budget: self, location: location, kind: kind)
    }
    return needed
  }

  /// `bytes` in binary units with one decimal (`512 bytes`, `1.5 KiB`, `953.7 GiB`).
  public static func format(bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) bytes" }
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) \(units[unit])"
  }
}

/// A size from a file or a flag that asks for more memory than the budget allows, or more than an `Int` can count.
public struct SizeLimitError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What asks for the memory (`an Embedding of 2000000000 × 128 floats`).
  public var what: String
  /// The bytes needed, or `nil` when the size overflows an `Int`.
  public var neededBytes: Int?
  /// The budget it exceeds.
  public var budget: MemoryBudget
  public var location: ErrorLocation
  public var kind: ErrorKind

  public init(what: String, neededBytes: Int?, budget: MemoryBudget, location: ErrorLocation, kind: ErrorKind) {
    self.what = what
    self.neededBytes = neededBytes
    self.budget = budget
    self.location = location
    self.kind = kind
  }

  public var description: String { message }
}

extension SizeLimitError: MalError {
  public var message: String {
    let needed = neededBytes.map(MemoryBudget.format(bytes:)) ?? "more bytes than a 64-bit integer counts"
    let origin = budget.source.map { " (\($0))" } ?? ""
    return "\(what) would take \(needed); the memory budget is \(budget)\(origin)"
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  fileprivate var trimmingSpaces: Substring {
    var text = Substring(self)
    while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
    while let last = text.last, last == " " || last == "\t" { text.removeLast() }
    return text
  }
}
