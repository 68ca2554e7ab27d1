import XCTest

@testable import LakeQuery

/// Datasets and partition values as ingestion jobs, Hive, Spark and pyarrow lay keys out.
final class DatasetPathTests: XCTestCase {
  private func parts(_ key: String) -> (String, [String], String) {
    let path = DatasetPath(key: key)
    return (
      path.dataset, path.partitions.map { "\($0.name)=\($0.value ?? "NULL")" }, path.fileName
    )
  }

  func testHivePartitionsAfterTheDataset() {
    XCTAssertTrue(
      parts("sales/year=2024/month=05/part-0.csv") == (
        "sales", ["year=2024", "month=05"], "part-0.csv"
      ))
    XCTAssertTrue(
      parts("raw/eu/sales/day=2024-05-01/part-0.parquet")
        == ("raw/eu/sales", ["day=2024-05-01"], "part-0.parquet"))
    let path = DatasetPath(key: "sales/year=2024/month=05/part-0.csv")
    XCTAssertEqual(path.value(of: "month"), .some("05"))
    XCTAssertTrue(path.value(of: "day") == .none)
  }

  func testWithoutPartitionsTheDatasetIsTheFolder() {
    XCTAssertTrue(parts("logs/2024/app.log") == ("logs/2024", [], "app.log"))
    XCTAssertTrue(parts("image.png") == ("", [], "image.png"))
    XCTAssertTrue(parts("year=2024/part-0.csv") == ("", ["year=2024"], "part-0.csv"))
  }

  func testTheFileNameNeverCountsAndOtherFoldersAreSkipped() {
    XCTAssertTrue(parts("t/a=1/b=2.csv") == ("t", ["a=1"], "b=2.csv"))
    XCTAssertTrue(parts("t/a=1/extra/b=2/f") == ("t", ["a=1", "b=2"], "f"))
    XCTAssertTrue(parts("t/a=1/a=2/f") == ("t", ["a=1"], "f"))
    XCTAssertTrue(parts("t/=1/a=/f") == ("t/=1", ["a="], "f"))
    XCTAssertTrue(parts("t/a=1/") == ("t", ["a=1"], ""))
    XCTAssertTrue(parts("a//b=1/f") == ("a/", ["b=1"], "f"))
  }

  func testHiveEscapesAndTheNullMarker() {
    XCTAssertTrue(
      parts("t/ts=2024-05-01 10%3A00%3A00/c%3Dd=x%2Fy/f") == (
        "t", ["ts=2024-05-01 10:00:00", "c=d=x/y"], "f"
      ))
    XCTAssertTrue(parts("t/region=__HIVE_DEFAULT_PARTITION__/f") == ("t", ["region=NULL"], "f"))
    XCTAssertEqual(
      DatasetPath(key: "t/region=__HIVE_DEFAULT_PARTITION__/f").value(of: "region"), .some(nil))
    // A % without two hex digits, or bytes that are not UTF-8, stay as written.
    XCTAssertTrue(
      parts("t/p=100%/q=%zz/r=%ff%fe/f") == ("t", ["p=100%", "q=%zz", "r=%ff%fe"], "f"))
  }
}

final class PartitionedKeyTests: XCTestCase {
  func test_keys_built_from_values_read_back_to_the_same_values() {
    XCTAssertEqual(
      DatasetPath.key(
        dataset: "sales", partitions: [("year", "2024"), ("month", "05")],
        fileName: "part-0.parquet"),
      "sales/year=2024/month=05/part-0.parquet")
    let partitions: [(name: String, value: String?)] = [
      ("region", "eu/west: 1=2"), ("day", nil), ("note", "100%"), ("ünï", "cödé"),
    ]
    let key = DatasetPath.key(dataset: "raw/events", partitions: partitions, fileName: "a.csv")
    XCTAssertEqual(
      key,
      "raw/events/region=eu%2Fwest%3A 1%3D2/day=__HIVE_DEFAULT_PARTITION__/note=100%25/ünï=cödé/a.csv"
    )
    let path = DatasetPath(key: key)
    XCTAssertEqual(path.dataset, "raw/events")
    XCTAssertEqual(path.partitions.map(\.name), partitions.map(\.name))
    XCTAssertEqual(path.partitions.map(\.value), partitions.map(\.value))
    XCTAssertEqual(path.fileName, "a.csv")
  }
}
