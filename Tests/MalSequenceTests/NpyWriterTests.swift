import Foundation
import MalSequence
import MalTestSupport
import Testing

@Suite("NpyWriter")
struct NpyWriterTests {
  @Test("int32 rows: header with the final shape, little-endian data")
  func int32() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/x.npy"
    let npy = try NpyWriter(path: path, elementType: .int32)
    try npy.append([0, 0, 5] as [Int32])
    try npy.append([1, -1, 258] as [Int32])
    #expect(folder.contents.count == 1 && folder.contents[0].hasPrefix(".x.npy.tmp-"))
    try npy.finish(shape: [2, 3])
    #expect(folder.contents == ["x.npy"])
    let (header, data) = try readNpy(path)
    #expect(header == "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }")
    #expect(data == [0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 2, 1, 0, 0])
  }

  @Test("float32 and float64, 1-D and 3-D shapes")
  func floats() throws {
    let folder = TemporaryFolder()
    let f32 = try NpyWriter(path: folder.path + "/y.npy", elementType: .float32)
    try f32.append([1.0, -2.0] as [Float])
    try f32.finish(shape: [2])
    let (h32, d32) = try readNpy(folder.path + "/y.npy")
    #expect(h32 == "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }")
    #expect(d32 == [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
    let f64 = try NpyWriter(path: folder.path + "/z.npy", elementType: .float64)
    try f64.append([0.5] as [Double])
    try f64.append([1.0] as [Float])
    try f64.finish(shape: [1, 2, 1])
    let (h64, d64) = try readNpy(folder.path + "/z.npy")
    #expect(h64 == "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 1), }")
    #expect(d64 == [0, 0, 0, 0, 0, 0, 0xE0, 0x3F, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
  }

  @Test("a discarded or dropped writer leaves no file")
  func noPartialFile() throws {
    let folder = TemporaryFolder()
    do {
      let npy = try NpyWriter(path: folder.path + "/x.npy", elementType: .int32)
      try npy.append([1, 2] as [Int32])
      npy.discard()
    }
    do {
      let npy = try NpyWriter(path: folder.path + "/y.npy", elementType: .int32)
      try npy.append([1, 2] as [Int32])
    }
    #expect(folder.contents.isEmpty)
  }
}
