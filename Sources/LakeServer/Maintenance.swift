import Foundation
import LakeCore
import LakeS3
import Logging

/// Offline administration verbs of the `lakestore` binary.
public enum Maintenance {
  /// Runs fsck over the configuration's data directory (see ``LakeStore/fsck(_:report:)``),
  /// handing one human-readable line per finding and a summary to `output`. Returns how many
  /// problems were found and not fixed (neither repaired nor adopted). Opening the store runs
  /// crash recovery first, so interrupted writes are settled before the check.
  public static func fsck(
    configuration: ServerConfiguration, repair: Bool, adopt: Bool = false,
    statistics: Bool = false, logger: Logger, output: (String) -> Void,
    status: @escaping (String) -> Void = { _ in }
  ) throws -> Int {
    let options = FsckOptions(repair: repair, adopt: adopt, statistics: statistics)
    let store = try LakeStore(
      dataDirectory: configuration.dataDirectory, options: storeOptions(configuration),
      logger: logger)
    defer { store.close() }
    let start = Date()
    var last = start
    let summary = try store.fsck(
      options,
      progress: { totals in
        let now = Date()
        guard now.timeIntervalSince(last) >= 1 else { return }
        last = now
        var line =
          "fsck: \(totals.objectsChecked) catalog rows, \(totals.filesChecked) files checked"
        if options.adopt { line += ", \(totals.adopted) adopted" }
        if options.statistics { line += ", \(totals.statisticsChecked) statistics compared" }
        let rate =
          Double(totals.objectsChecked + totals.filesChecked)
          / max(now.timeIntervalSince(start), 0.001)
        status(line + " (\(Int(rate))/s)")
      },
      report: { finding in output(describe(finding)) })
    var line =
      "checked \(summary.objectsChecked) catalog rows and \(summary.filesChecked) files: "
      + "\(summary.problems) problem(s), \(summary.repaired) repaired"
    if options.adopt { line += ", \(summary.adopted) file(s) adopted" }
    if options.statistics {
      line +=
        "; statistics of \(summary.statisticsChecked) object(s) compared, "
        + "\(summary.statisticsPending) not indexed yet"
    }
    output(line)
    return summary.problems - summary.repaired
  }

  /// The store settings of the server's configuration that offline verbs must share with it
  /// (the key length limit, the free-space reserve, the indexer's settings).
  public static func storeOptions(_ configuration: ServerConfiguration) -> StoreOptions {
    var options = StoreOptions()
    options.maxKeyBytes = configuration.maxKeyBytes
    options.minFreeBytes = configuration.minFreeBytes
    options.indexing = configuration.catalogIndex
    options.indexNice = Int32(configuration.catalogIndexNice)
    return options
  }

  /// Lists (and with `abort`, aborts) the multipart uploads initiated at least
  /// `olderThanSeconds` ago, oldest first, one line each, then a summary line.
  public static func uploads(
    dataDirectory: String, olderThanSeconds: Int64, abort: Bool, logger: Logger,
    output: (String) -> Void
  ) throws {
    let store = try LakeStore(dataDirectory: dataDirectory, logger: logger)
    defer { store.close() }
    let cutoff = Date().addingTimeInterval(-TimeInterval(olderThanSeconds))
    var count = 0
    var bytes: Int64 = 0
    // Aborting shrinks the list, so each batch starts from the oldest again; a listing reads
    // one bounded batch.
    let batchSize = abort ? 1000 : 100_000
    repeat {
      let batch = try store.multipartUploads(initiatedBefore: cutoff, limit: batchSize)
      for upload in batch {
        let parts = try allParts(store, upload)
        let size = parts.reduce(Int64(0)) { $0 + $1.size }
        output(
          "\(S3Date.iso8601(upload.initiated))  \(upload.bucket)/\(upload.key)  \(upload.id)  "
            + "\(parts.count) part(s), \(size) bytes")
        if abort {
          try store.abortMultipartUpload(
            uploadID: upload.id, bucket: upload.bucket, key: upload.key)
        }
        count += 1
        bytes += size
      }
      if batch.count < batchSize { break }
      if !abort {
        output("(only the oldest \(batchSize) are listed)")
        break
      }
    } while true
    output("\(count) upload(s), \(bytes) bytes\(abort ? ", aborted" : "")")
  }

  private static func allParts(_ store: LakeStore, _ upload: MultipartUpload) throws
    -> [UploadedPart]
  {
    var parts: [UploadedPart] = []
    while true {
      let page = try store.listParts(
        uploadID: upload.id, bucket: upload.bucket, key: upload.key,
        after: parts.last?.number ?? 0, limit: 1000
      ).parts
      parts += page
      if page.count < 1000 { return parts }
    }
  }

  static func describe(_ finding: FsckFinding) -> String {
    let problem: String
    switch finding.problem {
    case .missingFile(let bucket, let key, let path):
      problem = "missing file: \(bucket)/\(key) (catalog row points at \(path))"
    case .sizeMismatch(let bucket, let key, let path, let expected, let actual):
      problem = "size mismatch: \(bucket)/\(key) at \(path): catalog \(expected), file \(actual)"
    case .orphanFile(let path):
      problem = "file without catalog row: \(path)"
    case .unexpectedEntry(let path):
      problem = "unexpected entry (not a regular file or not UTF-8): \(path)"
    case .unknownTopLevelEntry(let name):
      problem = "unknown entry at the top of the data directory: \(name)"
    case .unadoptableFile(let path, let reason):
      problem = "file without catalog row, not adopted: \(path) (\(reason))"
    case .statisticsMismatch(let bucket, let key, let detail):
      problem = "statistics differ from the file: \(bucket)/\(key): \(detail)"
    }
    switch finding.repair {
    case .none: return problem
    case .deletedRow: return problem + " -> catalog row removed"
    case .movedTo(let path): return problem + " -> moved to \(path)"
    case .adopted(let bucket, let key, let etag):
      return problem + " -> adopted as \(bucket)/\(key) (ETag \(etag))"
    case .reindexed: return problem + " -> index record rewritten"
    }
  }
}
