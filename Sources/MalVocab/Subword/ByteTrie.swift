/// A set of byte strings, each with an id, as a double-array trie over their bytes (Aoe's double array, the
/// structure of sentencepiece's darts-clone): the child of node *n* for byte *b* is unit `base(n) + b`, if that
/// unit's `check` is *n*.
///
/// One step is one read of a 12-byte unit, with no hashing; the units of a 32k-piece vocabulary take about 1 MiB.
/// `UnigramModel` walks it from every character of a word to find the pieces that start there.
///
///     let trie = ByteTrie([(Array("▁영화".utf8), 5), (Array("영".utf8), 3)])
///     // from the root, the bytes of "영" reach a unit whose piece is 3
struct ByteTrie: Sendable {
  struct Unit: Sendable {
    /// Where this node's children start: child for byte b is unit `base + b`.
    var base: Int32 = 0
    /// The parent's unit, -1 for a free unit (the root is its own parent).
    var check: Int32 = -1
    /// The id of the string that ends at this node, or -1.
    var piece: Int32 = -1
  }

  /// The units; every `base + 255` is inside, so a step needs no bounds check of its own.
  let units: [Unit]

  /// A trie of `strings` (distinct, non-empty byte strings), each with its id.
  init(_ strings: [(bytes: [UInt8], id: Int32)]) {
    let keys = strings.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    var units = [Unit](repeating: Unit(), count: 512)
    units[0].check = 0
    // The free units in ascending order, linked by `next` and `previous` (0: none; the last one's `next` is
    // `units.count`): a search for a base tries only bases that put the first child on a free unit.
    var next = Array(1...512)
    var previous = (0..<512).map { $0 - 1 }
    var firstFree = 1
    var lastFree = 511
    func take(_ u: Int) {
      if previous[u] >= 1 { next[previous[u]] = next[u] } else { firstFree = next[u] }
      if u == lastFree { lastFree = previous[u] } else { previous[next[u]] = previous[u] }
    }
    var children: [(byte: UInt8, lo: Int, hi: Int)] = []
    // (unit, keys lo..<hi sharing their first `depth` bytes), depth first.
    var stack: [(unit: Int, lo: Int, hi: Int, depth: Int)] = [(0, 0, keys.count, 0)]
    while let (unit, lo, hi, depth) = stack.popLast() {
      var k = lo
      if k < hi && keys[k].bytes.count == depth {
        units[unit].piece = keys[k].id
        k += 1
      }
      children.removeAll(keepingCapacity: true)
      while k < hi {
        let byte = keys[k].bytes[depth]
        let start = k
        while k < hi && keys[k].bytes[depth] == byte { k += 1 }
        children.append((byte, start, k))
      }
      if children.isEmpty { continue }
      let first = Int(children[0].byte)
      var free = firstFree
      var base: Int
      while true {
        if free >= units.count - 256 {
          // Double the units; the new ones join the end of the free list, and the search goes on where it was.
          let old = units.count
          units.append(contentsOf: repeatElement(Unit(), count: old))
          next.append(contentsOf: (old + 1)...(2 * old))
          previous.append(contentsOf: (old - 1)..<(2 * old - 1))
          previous[old] = lastFree
          if lastFree >= 1 { next[lastFree] = old } else { firstFree = old }
          lastFree = 2 * old - 1
          continue
        }
        base = free - first
        if base >= 1 && children.allSatisfy({ units[base + Int($0.byte)].check < 0 }) { break }
        free = next[free]
      }
      units[unit].base = Int32(base)
      for child in children {
        units[base + Int(child.byte)].check = Int32(unit)
        take(base + Int(child.byte))
      }
      for child in children.reversed() { stack.append((base + Int(child.byte), child.lo, child.hi, depth + 1)) }
    }
    // The doubling leaves free units at the end: keep what the steps can reach.
    var end = 512
    for (u, unit) in units.enumerated() where unit.check >= 0 { end = max(end, u + 1, Int(unit.base) + 256) }
    units.removeSubrange(end...)
    self.units = units
  }
}
