import Foundation
import Testing

/// The header dictionary text and the data bytes of the `.npy` file at `path`, checked against the format's
/// fixed parts: the version 1.0 magic, a header padded to a multiple of 64 bytes, ending in a newline.
public func readNpy(
  _ path: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> (header: String, data: [UInt8]) {
  let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0], sourceLocation: sourceLocation)
  let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
  #expect((10 + headerLength) % 64 == 0, sourceLocation: sourceLocation)
  #expect(bytes[9 + headerLength] == 0x0A, sourceLocation: sourceLocation)
  let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  return (header, Array(bytes[(10 + headerLength)...]))
}
