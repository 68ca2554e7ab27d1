import LakeQuery

/// `parquet-footer`: the input as a footer (`ParquetMetadata(footer:)`, then
/// `columnStatistics()` over the file and each row group), as a file's end
/// (`ParquetFooter.footerLength`) and as a whole file (`ParquetFooter.footer(inFile:)`).
///
/// Invariants: nothing traps and every failure is a `ParquetError` with a message; a length
/// is only read from bytes ending in `PAR1`, and is within the limit; a footer that decodes
/// under small limits decodes the same under the defaults, and with bytes appended; every row
/// group has one chunk per leaf column; levels are consistent with `isNested`; statistics
/// come one per column, a min is never above its max, and a file's bounds hold every row
/// group's bounds; counts are never negative.
let parquetFooterTarget = FuzzTarget(
  name: "parquet-footer",
  summary:
    "ParquetMetadata(footer:), columnStatistics(), ParquetFooter.footerLength and footer(inFile:)",
  run: { data in
    let bytes = Array(data)
    let small = ParquetLimits(
      maxFooterBytes: 1 << 16, maxNestingDepth: 8, maxSchemaElements: 64, maxRowGroups: 16,
      maxColumns: 32, maxColumnChunks: 128)
    if let length = try? ParquetFooter.footerLength(tail: bytes) {
      fuzzCheck(bytes.suffix(4).elementsEqual("PAR1".utf8), "length without PAR1")
      fuzzCheck(length >= 0 && length <= ParquetLimits().maxFooterBytes, "length \(length)")
    }
    if let footer = try? ParquetFooter.footer(inFile: bytes) {
      fuzzCheck(footer.count + 12 <= bytes.count, "footer \(footer.count) of \(bytes.count)")
      checkFooter(Array(footer), limits: ParquetLimits())
    }
    let strict = checkFooter(bytes, limits: small)
    let relaxed = checkFooter(bytes, limits: ParquetLimits())
    if let strict { fuzzCheck(strict == relaxed, "tighter limits decoded differently") }
    if let relaxed {
      let padded = try? ParquetMetadata(footer: bytes + [0xFF, 0x00])
      fuzzCheck(padded == relaxed, "bytes after the FileMetaData changed it")
    }
  })

/// Decodes `bytes` as a footer and checks what decodes; nil when it does not.
@discardableResult
private func checkFooter(_ bytes: [UInt8], limits: ParquetLimits) -> ParquetMetadata? {
  let metadata: ParquetMetadata
  do {
    metadata = try ParquetMetadata(footer: bytes, limits: limits)
  } catch {
    fuzzCheck(!error.message.isEmpty, "an error without a message")
    if fuzzVerbose { printError("parquet-footer: \(error)\n") }
    return nil
  }
  let columns = metadata.columns
  fuzzCheck(columns.count <= limits.maxColumns, "\(columns.count) columns")
  fuzzCheck(metadata.rowGroups.count <= limits.maxRowGroups, "row groups past the limit")
  for group in metadata.rowGroups {
    fuzzCheck(group.columns.count == columns.count, "chunks \(group.columns.count)")
  }
  for column in columns {
    fuzzCheck(!column.path.isEmpty && column.path.count <= limits.maxNestingDepth, "path")
    fuzzCheck(column.maxRepetitionLevel <= column.maxDefinitionLevel, "levels of \(column)")
    fuzzCheck(column.maxRepetitionLevel == 0 || column.isNested, "repeated but not nested")
    fuzzCheck(metadata.schema.indices.contains(column.schemaIndex), "schema index")
  }
  let merged = metadata.columnStatistics()
  fuzzCheck(merged.count == columns.count, "statistics for \(merged.count) columns")
  for statistics in merged { checkBounds(statistics) }
  for index in metadata.rowGroups.indices {
    let groups = metadata.columnStatistics(rowGroup: index)
    fuzzCheck(groups.count == columns.count, "row group statistics count")
    for (group, file) in zip(groups, merged) {
      checkBounds(group)
      // A row group of nulls only holds no values: the merge leaves its bounds out (they
      // bound nothing), so only the other row groups' bounds must lie within the file's.
      if group.isAllNull { continue }
      if let low = file.min, let groupLow = group.min {
        fuzzCheck(low <= groupLow, "file min \(low) above row group min \(groupLow)")
      }
      if let high = file.max, let groupHigh = group.max {
        fuzzCheck(high >= groupHigh, "file max \(high) below row group max \(groupHigh)")
      }
    }
  }
  if fuzzVerbose {
    printError("parquet-footer: \(columns.count) columns, \(metadata.rowGroups.count) row groups\n")
  }
  return metadata
}

private func checkBounds(_ statistics: ParquetColumnStatistics) {
  if let min = statistics.min, let max = statistics.max {
    fuzzCheck(min <= max, "min \(min) above max \(max)")
  }
  fuzzCheck((statistics.nullCount ?? 0) >= 0, "negative null count")
  fuzzCheck((statistics.valueCount ?? 0) >= 0, "negative value count")
}
