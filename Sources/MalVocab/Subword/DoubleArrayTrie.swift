/// A set of label strings, each with an id, as a double-array trie (Aoe's double array, the structure of
/// sentencepiece's darts-clone): the child of node *n* for label *l* is unit `base(n) + l`, if that unit's `check`
/// is *n*. Labels are below `labelCount`: bytes for `WordPieceModel`, character codes (`CharacterCodes`) for
/// `UnigramModel`, so that one step there reads a whole character.
///
/// One step is one read of a 12-byte unit, with no hashing; the units of a 32k-piece byte trie take about 1 MiB.
///
///     let trie = DoubleArrayTrie([(Array("▁영화".utf8), 5), (Array("영".utf8), 3)])
///     // from the root, the bytes of "영" reach a unit whose piece is 3
struct DoubleArrayTrie: Sendable {
  struct Unit: Sendable {
    /// Where this node's children start: child for label l is unit `base + l`.
    var base: Int32 = 0
    /// The parent's unit, -1 for a free unit (the root is its own parent).
    var check: Int32 = -1
    /// The id of the string that ends at this node, or -1.
    var piece: Int32 = -1
  }

  /// The units; every `base + labelCount - 1` is inside, so a step needs no bounds check of its own.
  let units: [Unit]

  /// A trie of `strings` (distinct, non-empty label strings, each label below `labelCount`), each with its id.
  init<Label: BinaryInteger>(_ strings: [(labels: [Label], id: Int32)], labelCount: Int = 256) {
    let keys = strings.sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
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
    var children: [(label: Int, lo: Int, hi: Int)] = []
    // (unit, keys lo..<hi sharing their first `depth` labels), depth first.
    var stack: [(unit: Int, lo: Int, hi: Int, depth: Int)] = [(0, 0, keys.count, 0)]
    while let (unit, lo, hi, depth) = stack.popLast() {
      var k = lo
      if k < hi && keys[k].labels.count == depth {
        units[unit].piece = keys[k].id
        k += 1
      }
      children.removeAll(keepingCapacity: true)
      while k < hi {
        let label = keys[k].labels[depth]
        let start = k
        while k < hi && keys[k].labels[depth] == label { k += 1 }
        children.append((Int(label), start, k))
      }
      if children.isEmpty { continue }
      let first = children[0].label
      var free = firstFree
      var base: Int
      while true {
        if free >= units.count - labelCount {
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
        if base >= 1 && children.allSatisfy({ units[base + $0.label].check < 0 }) { break }
        free = next[free]
      }
      units[unit].base = Int32(base)
      for child in children {
        units[base + child.label].check = Int32(unit)
        take(base + child.label)
      }
      for child in children.reversed() { stack.append((base + child.label, child.lo, child.hi, depth + 1)) }
    }
    // The doubling leaves free units at the end: keep what the steps can reach.
    var end = 512
    for (u, unit) in units.enumerated() where unit.check >= 0 { end = max(end, u + 1, Int(unit.base) + labelCount) }
    units.removeSubrange(end...)
    self.units = units
  }
}
