import Foundation

/// JSON numbers as `JSONSerialization` returns them.
typealias NSNumberLike = NSNumber
