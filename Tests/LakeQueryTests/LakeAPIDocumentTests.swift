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

  func test_dataset_view_documents_decode_back_to_themselves() throws {
    let schemas = [
      LakeSchemaVariantDocument(
        columns: [
          LakeSchemaFieldDocument(name: "id", type: "integer"),
          LakeSchemaFieldDocument(name: hostile, type: "decimal"),
        ], files: 5),
      LakeSchemaVariantDocument(
        columns: [
          LakeSchemaFieldDocument(name: "id", type: "string"),
          LakeSchemaFieldDocument(name: "extra", type: "date"),
        ], files: 2),
    ]
    try roundTrip(LakeSchemaDocument(dataset: hostile, schemas: schemas))
    try roundTrip(LakeSchemaDocument(dataset: "", schemas: []))
    try roundTrip(
      LakePartitionsDocument(
        dataset: "sales",
        columns: [
          LakePartitionValuesDocument(
            name: "year", type: "integer", files: 3, nulls: 1,
            values: [
              LakePartitionValueCountDocument(value: hostile, files: 2, bytes: 10),
              LakePartitionValueCountDocument(value: nil, files: 1, bytes: 0),
            ], next: "2024"),
          LakePartitionValuesDocument(
            name: "m", type: "string", files: 0, nulls: 0, values: [], next: nil),
        ]))
  }

  /// Merging: columns in first-seen order (most common schema first), each with the type
  /// most files give it, its file count, and every type when files disagree.
  func test_a_merged_schema_reports_drift_per_column() {
    let merged = LakeSchemaDocument(
      dataset: "d",
      schemas: [
        LakeSchemaVariantDocument(
          columns: [
            LakeSchemaFieldDocument(name: "id", type: "integer"),
            LakeSchemaFieldDocument(name: "amount", type: "integer"),
          ], files: 5),
        LakeSchemaVariantDocument(
          columns: [
            LakeSchemaFieldDocument(name: "amount", type: "decimal"),
            LakeSchemaFieldDocument(name: "id", type: "integer"),
            LakeSchemaFieldDocument(name: "note", type: "string"),
          ], files: 2),
      ])
    XCTAssertTrue(merged.drift)
    XCTAssertEqual(merged.files, 7)
    XCTAssertEqual(
      merged.columns,
      [
        LakeSchemaColumnDocument(name: "id", type: "integer", files: 7, types: nil),
        LakeSchemaColumnDocument(
          name: "amount", type: "integer", files: 7,
          types: [
            LakeTypeCountDocument(type: "integer", files: 5),
            LakeTypeCountDocument(type: "decimal", files: 2),
          ]),
        LakeSchemaColumnDocument(name: "note", type: "string", files: 2, types: nil),
      ])
    let single = LakeSchemaDocument(dataset: "d", schemas: Array(merged.schemas.prefix(1)))
    XCTAssertFalse(single.drift)
  }

  /// A CSV manifest quotes what needs quoting (RFC 4180) and lays out one dataset's
  /// partition and statistic columns; JSON lines are the file documents.
  func test_manifest_lines_are_csv_and_json_lines() throws {
    let file = LakeFileDocument(
      key: "d/y=2024/a,\"b\".csv", size: 9, sequence: 1, dataset: "d",
      partitions: [LakePartitionValueDocument(name: "y", value: "2024")], format: "csv",
      compression: nil, contentType: "text/csv", status: "indexed", reason: nil, rows: 2,
      columns: [LakeColumnDocument(name: "n", type: "string", min: "a\nb", max: "z", nulls: 0)],
      etag: "e", modified: "2024-05-01T00:00:00.000Z")
    let csv = LakeManifestWriter(format: .csv, partitions: ["y", "z"], columns: ["n", "gone"])
    XCTAssertEqual(
      String(decoding: csv.header(), as: UTF8.self),
      "key,size,etag,modified,dataset,format,compression,status,reason,rows,y,z,"
        + "n.min,n.max,n.nulls,gone.min,gone.max,gone.nulls\n")
    XCTAssertEqual(
      String(decoding: csv.line(file), as: UTF8.self),
      "\"d/y=2024/a,\"\"b\"\".csv\",9,e,2024-05-01T00:00:00.000Z,d,csv,,indexed,,2,2024,,"
        + "\"a\nb\",z,0,,,\n")
    // Without a dataset's columns, partitions and columns are JSON cells (quoted).
    let loose = String(decoding: LakeManifestWriter(format: .csv).line(file), as: UTF8.self)
    XCTAssertTrue(loose.contains(#",2,"[{""name"":""y"",""value"":""2024""}]","[{""name"":""n"""#))
    let jsonl = LakeManifestWriter(format: .jsonl)
    XCTAssertEqual(jsonl.header(), [])
    let line = jsonl.line(file)
    XCTAssertEqual(line.last, UInt8(ascii: "\n"))
    XCTAssertEqual(
      try JSONDecoder().decode(LakeFileDocument.self, from: Data(line.dropLast())), file)
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
