/// What the footer says about one leaf column's values, over the whole file or one row
/// group, in the typed form queries compare with (see ``TypedValue``).
///
/// Bounds are for pruning: every non-null value of the column lies in `min...max`. They are
/// nil when unknown, and over a file they are unknown as soon as one row group has no bound
/// for the column (no statistics, a NaN bound, a type whose bounds are not decoded) unless
/// that row group holds nulls only: a query could not otherwise skip the file safely. A
/// bound may be looser than the values (writers may shorten strings, decimals past 15
/// digits are rounded to `Double`).
public struct ParquetColumnStatistics: Sendable, Hashable {
  public var column: ParquetColumn
  /// A lower bound of the non-null values; nil when unknown.
  public var min: TypedValue?
  /// An upper bound of the non-null values; nil when unknown.
  public var max: TypedValue?
  /// The nulls: the sum over the row groups, nil when any row group lacks the count.
  public var nullCount: Int64?
  /// The values, nulls and each repeated value included; nil when any chunk lacks it.
  public var valueCount: Int64?
  /// The rows covered: the file's or the row group's declared row count.
  public var rowCount: Int64

  /// True when the counts show that every value is null (the column may then have no
  /// bounds without that being unknown).
  public var isAllNull: Bool {
    guard let nullCount, let valueCount else { return false }
    return nullCount == valueCount
  }
}

extension ParquetMetadata {
  /// Per leaf column, in ``columns`` order, the statistics of all row groups merged: the
  /// least min and greatest max (each unknown as soon as one row group lacks it, row groups
  /// of nulls only left out) and the summed counts. A file without row groups has no bounds
  /// and no nulls.
  public func columnStatistics() -> [ParquetColumnStatistics] {
    var merged = columns.map {
      ParquetColumnStatistics(
        column: $0, min: nil, max: nil, nullCount: 0, valueCount: 0, rowCount: rowCount)
    }
    var minKnown = Array(repeating: true, count: columns.count)
    var maxKnown = minKnown
    for index in rowGroups.indices {
      for (column, group) in columnStatistics(rowGroup: index).enumerated() {
        merged[column].nullCount = Self.sum(merged[column].nullCount, group.nullCount)
        merged[column].valueCount = Self.sum(merged[column].valueCount, group.valueCount)
        // A row group of nulls only holds no values to bound, whatever its statistics say.
        guard !group.isAllNull else { continue }
        if let low = group.min {
          merged[column].min = Swift.min(merged[column].min ?? low, low)
        } else {
          minKnown[column] = false
        }
        if let high = group.max {
          merged[column].max = Swift.max(merged[column].max ?? high, high)
        } else {
          maxKnown[column] = false
        }
      }
    }
    for column in merged.indices {
      if !minKnown[column] { merged[column].min = nil }
      if !maxKnown[column] { merged[column].max = nil }
    }
    return merged
  }

  /// Per leaf column, in ``columns`` order, the statistics of row group `index`, which must
  /// be one of `rowGroups.indices`. A chunk whose metadata is missing, or names another
  /// path or physical type than its column, has none.
  public func columnStatistics(rowGroup index: Int) -> [ParquetColumnStatistics] {
    let group = rowGroups[index]
    return columns.enumerated().map { column, leaf in
      var result = ParquetColumnStatistics(
        column: leaf, min: nil, max: nil, nullCount: nil, valueCount: nil,
        rowCount: group.rowCount)
      guard let meta = group.columns[column].metaData, meta.type == leaf.physicalType,
        meta.pathInSchema == leaf.path
      else { return result }
      result.valueCount = meta.valueCount >= 0 ? meta.valueCount : nil
      guard let statistics = meta.statistics else { return result }
      result.nullCount = statistics.nullCount.flatMap { $0 >= 0 ? $0 : nil }
      let order = columnOrders.flatMap { $0.indices.contains(column) ? $0[column] : nil }
      let bounds = StatisticsDecoder(column: leaf, order: order).bounds(statistics)
      result.min = bounds.min
      result.max = bounds.max
      return result
    }
  }

  /// `a + b`, nil when either is unknown or the sum overflows.
  private static func sum(_ a: Int64?, _ b: Int64?) -> Int64? {
    guard let a, let b else { return nil }
    let (total, overflow) = a.addingReportingOverflow(b)
    return overflow ? nil : total
  }
}
