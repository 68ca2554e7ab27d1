extension Catalog {
  /// One page of ListMultipartUploads: uploads ordered by key (UTF-8 byte order), then by
  /// initiation; with a delimiter, keys rolled up into common prefixes, each counted once.
  /// `keyMarker` skips keys up to and including it, except that uploads of `keyMarker`
  /// itself after `uploadIDMarker` are listed. Scans with one cursor: memory is one page.
  func listUploads(
    bucket: String, prefix: String, delimiter: String?, keyMarker: String?,
    uploadIDMarker: String?, maxUploads: Int
  ) throws(LakeError) -> UploadListPage {
    try read { (connection) throws(LakeError) -> UploadListPage in
      try connection.update("BEGIN")
      defer { try? connection.update("COMMIT") }
      guard try Self.bucketExists(bucket, on: connection) else { throw .noSuchBucket(bucket) }
      var scan = UploadScan(
        prefix: prefix, delimiter: delimiter, keyMarker: keyMarker,
        uploadIDMarker: uploadIDMarker, maxUploads: maxUploads)
      let (low, marker) = (Array(prefix.utf8), Array((keyMarker ?? "").utf8))
      let start = low.lexicographicallyPrecedes(marker) ? marker : low
      try connection.run(
        """
        SELECT \(Self.uploadColumns) FROM uploads WHERE bucket = ?1 AND key >= ?2
        ORDER BY key, created_ms, id
        """
      ) { (statement) throws(LakeError) in
        try statement.bind(1, bucket)
        try statement.bindText(2, bytes: start)
        while try statement.step() {
          if !scan.offer(Self.decodeUpload(statement).0) { break }
        }
      }
      return scan.page
    }
  }
}

/// The filtering and roll-up of ``Catalog/listUploads(bucket:prefix:delimiter:keyMarker:uploadIDMarker:maxUploads:)``,
/// fed uploads in (key, initiated) order.
struct UploadScan {
  let prefix: [UInt8]
  let delimiter: [UInt8]
  let keyMarker: [UInt8]?
  let uploadIDMarker: String?
  let maxUploads: Int
  private(set) var page = UploadListPage(
    uploads: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: nil,
    nextUploadIDMarker: nil)
  /// Whether the upload-ID marker was seen among `keyMarker`'s uploads.
  private var passedIDMarker = false
  private var count = 0

  init(
    prefix: String, delimiter: String?, keyMarker: String?, uploadIDMarker: String?,
    maxUploads: Int
  ) {
    self.prefix = Array(prefix.utf8)
    self.delimiter = Array((delimiter ?? "").utf8)
    self.keyMarker = keyMarker.map { Array($0.utf8) }
    self.uploadIDMarker = keyMarker == nil ? nil : uploadIDMarker
    self.maxUploads = max(0, maxUploads)
  }

  /// Takes the next upload; false when the page is complete (stop scanning).
  mutating func offer(_ upload: MultipartUpload) -> Bool {
    let key = Array(upload.key.utf8)
    guard key.starts(with: prefix) else {
      // Keys come in order: past the prefix range nothing more can match.
      return !prefix.lexicographicallyPrecedes(key)
    }
    if let keyMarker {
      if key.lexicographicallyPrecedes(keyMarker) { return true }
      if key == keyMarker {
        guard let uploadIDMarker, !passedIDMarker else {
          return passedIDMarker ? emit(upload, key: key) : true
        }
        if upload.id == uploadIDMarker { passedIDMarker = true }
        return true
      }
    }
    return emit(upload, key: key)
  }

  private mutating func emit(_ upload: MultipartUpload, key: [UInt8]) -> Bool {
    if !delimiter.isEmpty, let end = Self.firstRange(of: delimiter, in: key, from: prefix.count) {
      let common = Array(key[..<end])
      if let keyMarker, keyMarker.starts(with: common) { return true }
      let text = String(decoding: common, as: UTF8.self)
      if page.commonPrefixes.last == text { return true }
      guard count < maxUploads else { return truncate() }
      page.commonPrefixes.append(text)
      count += 1
      page.nextKeyMarker = text
      page.nextUploadIDMarker = nil
      return true
    }
    guard count < maxUploads else { return truncate() }
    page.uploads.append(upload)
    count += 1
    page.nextKeyMarker = upload.key
    page.nextUploadIDMarker = upload.id
    return true
  }

  private mutating func truncate() -> Bool {
    page.isTruncated = true
    return false
  }

  /// The end index of the first occurrence of `needle` in `bytes` at or after `from`.
  static func firstRange(of needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
    guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
    var index = from
    while index + needle.count <= bytes.count {
      if bytes[index..<(index + needle.count)].elementsEqual(needle) {
        return index + needle.count
      }
      index += 1
    }
    return nil
  }
}
