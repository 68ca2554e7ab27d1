import Foundation
import XCTest

@testable import LakeQuery

/// The catalog API's documents: what the server writes (`json()`) is what LakeClient decodes
/// (`JSONDecoder`), for every field, absent optionals and hostile text included.
final class LakeAPIDocumentTests: XCTestCase {
  private let hostile =
    "quote \" backslash \\ slash / nl \n cr \r tab \t nul \u{0} bell \u{7} é 日本 🦆"

  private func roundTrip<Document: LakeJSONDocument & Equatable>(_ document: Document) throws {
    let bytes = document.json()
    XCTAssertEqual(
      try JSONDecoder().decode(Document.self, from: Data(bytes)), document,
      String(decoding: bytes, as: UTF8.self))
    XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(bytes)))
  }

  func test_every_document_decodes_back_to_itself() throws {
    let column = LakeColumnDocument(name: hostile, type: "varchar", min: "", max: hostile, nulls: 3)
    let file = LakeFileDocument(
      key: "sales/year=2024/\(hostile).csv", size: Int64.max, sequence: 1, dataset: "sales",
      partitions: [
        LakePartitionValueDocument(name: "year", value: "2024"),
        LakePartitionValueDocument(name: "day", value: nil),
      ],
      format: "csv", compression: nil, contentType: "text/csv", status: "indexed", reason: nil,
      rows: -1,
      columns: [
        column, LakeColumnDocument(name: "x", type: "json", min: nil, max: nil, nulls: nil),
      ],
      etag: "abc", modified: "2024-05-01T00:00:00.000Z")
    var bare = file
    bare.columns = nil
    bare.etag = nil
    bare.modified = nil
    try roundTrip(file)
    try roundTrip(bare)
    try roundTrip(LakeQueryResultDocument(files: [file, bare], next: hostile))
    try roundTrip(LakeQueryResultDocument(files: [], next: nil))
    try roundTrip(
      LakeDatasetsDocument(datasets: [
        LakeDatasetDocument(
          name: hostile, files: 2, bytes: 3, rows: 4,
          partitions: [
            LakePartitionColumnDocument(name: "year", type: "integer", files: 2, nulls: 0)
          ]),
        LakeDatasetDocument(name: "", files: 0, bytes: 0, rows: 0, partitions: []),
      ]))
    try roundTrip(
      LakeChangesDocument(
        changes: [
          LakeChangeDocument(
            sequence: 7, op: "put", key: hostile, size: 1, etag: "e",
            time: "2024-05-01T00:00:00.000Z"),
          LakeChangeDocument(sequence: 8, op: "delete", key: "k", size: nil, etag: nil, time: "t"),
        ], next: 8))
  }

  func test_control_characters_are_escaped_as_json_requires() {
    let bytes = LakeChangesDocument(
      changes: [
        LakeChangeDocument(
          sequence: 1, op: "put", key: "a\u{1}\"\\", size: nil, etag: nil, time: "t")
      ],
      next: 1
    ).json()
    XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains(#""key":"a\u0001\"\\""#))
  }
}
