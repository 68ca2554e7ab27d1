import LakeS3

@testable import LakeCore
@testable import LakeServer

/// `write-headers`: the parsers of issue 12's write requests: `ChecksumRequest.parse` (the
/// `x-amz-checksum-*`, `x-amz-sdk-checksum-algorithm` and `x-amz-trailer` headers),
/// `CopySource.parse` and `parseRange`, `ObjectTagging.parseHeader` and `parseDocument`, the
/// CompleteMultipartUpload and DeleteObjects documents (through `XMLReader`), and the
/// catalog's part-size text (`PartSizes.decode`).
///
/// Input: lines. Each line is tried as every header value and as a part-size text; pairs
/// `name:value` of the first lines become a header list for `ChecksumRequest`; the whole
/// input is also a tagging document.
///
/// Invariants: no trap; a parsed checksum's expected digest has the algorithm's length; a
/// copy source has a bucket and a key; a copy range lies inside the source; tags keep S3's
/// limits; decoded part sizes are 1…10,000 non-negative sizes that encode back to an equal
/// list.
let writeHeadersTarget = FuzzTarget(
  name: "write-headers",
  summary: "checksum headers, copy source and range, tagging, part sizes: limits hold",
  run: { data in
    let lines = fuzzLines(data)
    var headers: [(name: String, value: String)] = []
    for line in lines.prefix(6) {
      let text = fuzzFieldValue(line)
      if let colon = text.firstIndex(of: ":") {
        headers.append((String(text[..<colon]), String(text[text.index(after: colon)...])))
      }
    }
    if let request = try? ChecksumRequest.parse(headers), let expected = request.expected {
      fuzzCheck(expected.count == request.algorithm.digestByteCount, "checksum length")
    }
    for line in lines.prefix(16) {
      let value = fuzzFieldValue(line)
      if let source = try? CopySource.parse(value) {
        fuzzCheck(!source.bucket.isEmpty && !source.key.isEmpty, "copy source \(source)")
      }
      for size in [Int64(0), 1, 17, .max] {
        if let (offset, length) = try? CopySource.parseRange(value, size: size) {
          fuzzCheck(offset >= 0 && length >= 1 && offset <= size - length, "range in \(size)")
        }
      }
      if let tags = try? ObjectTagging.parseHeader(value) { checkTags(tags) }
      if let sizes = PartSizes.decode(fuzzText(line)) {
        fuzzCheck((1...10_000).contains(sizes.count), "part count \(sizes.count)")
        fuzzCheck(sizes.allSatisfy { $0 >= 0 }, "negative part size")
        fuzzCheck(PartSizes.decode(PartSizes.encode(sizes)) == sizes, "part sizes round trip")
      }
      _ = ChecksumAlgorithm(name: value)
      _ = ChecksumType(name: value)
    }
    if let tags = try? ObjectTagging.parseDocument(Array(data)) { checkTags(tags) }
  })

private func checkTags(_ tags: [String: String]) {
  fuzzCheck(tags.count <= ObjectTagging.maxTags, "\(tags.count) tags")
  for (key, value) in tags {
    fuzzCheck(!key.isEmpty && key.unicodeScalars.count <= ObjectTagging.maxKeyLength, "tag key")
    fuzzCheck(value.unicodeScalars.count <= ObjectTagging.maxValueLength, "tag value")
  }
}
