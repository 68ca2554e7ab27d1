import Foundation

/// The resume record of a multipart upload of a file, kept beside the file as
/// `.NAME.lakeupload` while the upload is unfinished: which file (size and modification time),
/// where to (bucket, key), the upload id and the part size. A process that dies mid-upload
/// (even by `kill -9`) leaves it behind; the next upload of the same file to the same key
/// finds it, asks the service which parts it holds (ListParts), and sends only the others.
/// Completing, or abandoning on purpose (an error or cancellation), deletes it.
struct UploadJournal: Codable, Equatable {
  var bucket: String
  var key: String
  var uploadId: String
  var size: Int64
  var modifiedNanoseconds: Int64
  var partSize: Int64
  var checksum: String?

  /// Where the journal of `file` lives.
  static func location(of file: URL) -> URL {
    file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).lakeupload")
  }

  /// The journal beside `file`, if one exists and parses.
  static func load(for file: URL) -> UploadJournal? {
    guard let data = try? Data(contentsOf: location(of: file)) else { return nil }
    return try? JSONDecoder().decode(UploadJournal.self, from: data)
  }

  /// Writes the journal (temporary file, then rename). A journal that cannot be written (a
  /// read-only folder) only means the upload cannot be resumed.
  func save(for file: URL) {
    let target = Self.location(of: file)
    let temporary = target.appendingPathExtension("tmp")
    guard let data = try? JSONEncoder().encode(self),
      (try? data.write(to: temporary)) != nil
    else { return }
    _ = rename(temporary.path, target.path)
  }

  static func remove(for file: URL) {
    _ = unlink(location(of: file).path)
  }

  /// Whether this journal describes uploading `file` as it is now to `bucket`/`key`.
  func matches(bucket: String, key: String, size: Int64, modified: Int64, checksum: String?) -> Bool
  {
    self.bucket == bucket && self.key == key && self.size == size
      && self.modifiedNanoseconds == modified && self.checksum == checksum
  }
}
