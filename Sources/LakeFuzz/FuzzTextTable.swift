import LakeQuery

/// `text-table`: the CSV and JSON-lines statistics readers on any bytes.
///
/// Invariants: reading the bytes whole and in chunks of 1 and 7 bytes gives the same table or
/// the same error; row and null counts are never negative and nulls never exceed rows; a
/// column's minimum is never above its maximum; a string minimum fits the limit.
let textTableTarget = FuzzTarget(
  name: "text-table",
  summary: "DelimitedScanner (CSV) and JSONLinesScanner: streaming statistics",
  run: { data in
    let bytes = Array(data)
    var limits = TextStatisticsLimits()
    limits.maxColumns = 64
    limits.maxValueBytes = 512
    limits.maxStatisticBytes = 16
    limits.maxDepth = 16
    limits.maxLineBytes = 1 << 16
    func read(_ make: () -> any TextTableScanner) -> [Result<TableSummary, TextStatisticsError>] {
      [bytes.count + 1, 1, 7].map { chunk in
        var scanner = make()
        return Result { () throws(TextStatisticsError) in
          var start = 0
          while start < bytes.count {
            try scanner.consume(bytes[start..<min(bytes.count, start + chunk)])
            start += chunk
          }
          return try scanner.finish()
        }
      }
    }
    let csvResults = read { DelimitedScanner(delimiter: UInt8(ascii: ","), limits: limits) }
    let jsonResults = read { JSONLinesScanner(limits: limits) }
    for results in [csvResults, jsonResults] {
      fuzzCheck(results.allSatisfy { $0 == results[0] }, "chunking changed the result")
      guard case .success(let table) = results[0] else { continue }
      fuzzCheck(table.rowCount >= 0, "negative rows")
      fuzzCheck(table.columns.count <= limits.maxColumns, "too many columns")
      for column in table.columns {
        fuzzCheck(column.nullCount >= 0 && column.nullCount <= table.rowCount, "null count")
        if let low = column.min, let high = column.max {
          fuzzCheck(!(high < low), "min \(low) above max \(high)")
        }
        if case .string(let text)? = column.min {
          fuzzCheck(text.utf8.count <= limits.maxStatisticBytes, "long minimum")
        }
      }
    }
  })
