/// The source of a CopyObject or UploadPartCopy: the `x-amz-copy-source` header, shared by
/// server and client.
public struct CopySource: Sendable, Equatable {
  public var bucket: String
  public var key: String
  /// `?versionId=` of the header, if any.
  public var versionID: String?

  public init(bucket: String, key: String, versionID: String? = nil) {
    self.bucket = bucket
    self.key = key
    self.versionID = versionID
  }

  /// Parses `[/]bucket/key[?versionId=id]`, the key percent-encoded (S3 decodes it once).
  /// Throws 400 `InvalidArgument` when bucket or key is missing or the encoding is not UTF-8.
  public static func parse(_ header: String) throws(S3Error) -> CopySource {
    var text = Substring(header.trimmingASCIIWhitespace())
    var versionID: String?
    if let question = text.firstIndex(of: "?") {
      let query = text[text.index(after: question)...]
      text = text[..<question]
      for pair in query.split(separator: "&") where pair.hasPrefix("versionId=") {
        versionID = URIEncoding.decode(
          String(pair.dropFirst("versionId=".count)), plusIsSpace: false)
      }
    }
    if text.hasPrefix("/") { text = text.dropFirst() }
    guard let decoded = URIEncoding.decode(String(text), plusIsSpace: false),
      let slash = decoded.firstIndex(of: "/")
    else { throw invalid(header) }
    let bucket = String(decoded[..<slash])
    let key = String(decoded[decoded.index(after: slash)...])
    guard !bucket.isEmpty, !key.isEmpty else { throw invalid(header) }
    return CopySource(bucket: bucket, key: key, versionID: versionID)
  }

  /// Parses `x-amz-copy-source-range: bytes=first-last` against a source of `size` bytes;
  /// returns (offset, length). Throws 400 `InvalidArgument` for another form or a range not
  /// inside the source.
  public static func parseRange(_ header: String, size: Int64) throws(S3Error) -> (Int64, Int64) {
    let text = header.trimmingASCIIWhitespace()
    let fields =
      text.hasPrefix("bytes=")
      ? text.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false) : []
    guard fields.count == 2, fields.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 19 }),
      fields.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
      let first = Int64(fields[0]), let last = Int64(fields[1])
    else {
      throw S3Error(
        .invalidArgument,
        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
        extra: [("ArgumentName", "x-amz-copy-source-range"), ("ArgumentValue", header)])
    }
    guard first <= last, last < size else {
      throw S3Error(
        .invalidArgument, "Range specified is not valid for source object of size: \(size)",
        extra: [("ArgumentName", "x-amz-copy-source-range"), ("ArgumentValue", header)])
    }
    return (first, last - first + 1)
  }

  private static func invalid(_ header: String) -> S3Error {
    S3Error(
      .invalidArgument,
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
      extra: [("ArgumentName", "x-amz-copy-source"), ("ArgumentValue", header)])
  }
}
