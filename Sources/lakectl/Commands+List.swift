import ArgumentParser
import Foundation
import LakeClient

struct List: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ls",
    abstract: "List buckets, or the objects and prefixes under s3://BUCKET/PREFIX.")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var output: OutputOptions
  @Flag(name: .shortAndLong, help: "Every object under the prefix, not one level.")
  var recursive = false
  @Flag(name: .shortAndLong, help: "Also show size, date and ETag.") var long = false
  @Argument(help: "s3://BUCKET[/PREFIX]; without it, the buckets.") var location: String?

  func run() async throws {
    let client = try global.client()
    guard let location else {
      let buckets = try await client.listBuckets()
      if output.json {
        for bucket in buckets {
          Terminal.json(["bucket": bucket.name, "created": Terminal.isoDate(bucket.creationDate)])
        }
      } else {
        Terminal.table(
          buckets.map {
            long ? [Terminal.date($0.creationDate), "s3://\($0.name)"] : ["s3://\($0.name)"]
          })
      }
      return
    }
    let uri = try remote(location)
    var rows: [[String]] = []
    let delimiter: String? = recursive ? nil : "/"
    for try await page in client.listPages(
      bucket: uri.bucket, prefix: uri.key, delimiter: delimiter)
    {
      var entries: [(String, ObjectSummary?)] = page.commonPrefixes.map { ($0, nil) }
      entries += page.objects.map { ($0.key, $0) }
      entries.sort { $0.0 < $1.0 }
      for (name, object) in entries {
        if output.json {
          if let object {
            Terminal.json([
              "key": object.key, "size": object.size, "etag": object.etag,
              "modified": Terminal.isoDate(object.lastModified),
              "storage_class": object.storageClass,
            ])
          } else {
            Terminal.json(["prefix": name])
          }
        } else if long {
          rows.append(
            object.map {
              [Terminal.date($0.lastModified), Terminal.size($0.size), $0.etag, $0.key]
            }
              ?? ["", "PRE", "", name])
        } else {
          rows.append([name])
        }
      }
      if !output.json, rows.count >= 1000 {
        Terminal.table(rows, rightAligned: long ? [1] : [])
        rows.removeAll()
      }
    }
    if !output.json { Terminal.table(rows, rightAligned: long ? [1] : []) }
  }
}
