import CZlib
import XCTest

/// `bytes` as one gzip member, compressed with zlib at `level`.
func gzipped(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
  // zlib keeps the stream's address in its state: the stream must not move.
  let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  stream.initialize(to: z_stream())
  defer { stream.deallocate() }
  guard lakestore_deflate_init_gzip(stream, level) == Z_OK else {
    throw XCTSkip("zlib could not start deflating")
  }
  defer { deflateEnd(stream) }
  var input = bytes
  var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(bytes.count))) + 64)
  let code = input.withUnsafeMutableBufferPointer { inBuffer in
    output.withUnsafeMutableBufferPointer { outBuffer in
      stream.pointee.next_in = inBuffer.baseAddress
      stream.pointee.avail_in = UInt32(inBuffer.count)
      stream.pointee.next_out = outBuffer.baseAddress
      stream.pointee.avail_out = UInt32(outBuffer.count)
      return deflate(stream, Z_FINISH)
    }
  }
  XCTAssertEqual(code, Z_STREAM_END)
  return Array(output[..<Int(stream.pointee.total_out)])
}
