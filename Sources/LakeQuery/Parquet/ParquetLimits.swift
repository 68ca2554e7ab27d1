/// Bounds on what a footer may hold, so that a hostile or broken file costs at most a known
/// amount of memory and time. Exceeding one is a ``ParquetError`` with code `limitExceeded`.
///
/// Independently of these, every list or string a footer declares must fit in the bytes that
/// remain (each element takes at least one byte), which is checked before anything is
/// allocated: a footer can never ask for more elements than it has bytes.
public struct ParquetLimits: Sendable, Hashable {
  /// The largest footer (the Thrift `FileMetaData`) read: 64 MiB. Real footers are
  /// kilobytes to a few megabytes.
  public var maxFooterBytes: Int
  /// How deeply Thrift structs, lists and maps may nest: 64. The Parquet format itself
  /// needs 7 (FileMetaData > RowGroup > ColumnChunk > ColumnMetaData > Statistics, plus
  /// lists); the limit bounds recursion on unknown fields.
  public var maxNestingDepth: Int
  /// The most schema elements (groups and leaf columns, the root included): 100,000.
  public var maxSchemaElements: Int
  /// The most row groups: 100,000.
  public var maxRowGroups: Int
  /// The most leaf columns, and column chunks per row group: 50,000.
  public var maxColumns: Int
  /// The most column chunks over all row groups: 1,000,000. A chunk can take as little as
  /// 3 footer bytes but a few hundred decoded, so this bounds memory where the byte count
  /// alone would allow tens of millions.
  public var maxColumnChunks: Int

  /// The defaults documented on each field; change any with the arguments.
  public init(
    maxFooterBytes: Int = 64 << 20, maxNestingDepth: Int = 64, maxSchemaElements: Int = 100_000,
    maxRowGroups: Int = 100_000, maxColumns: Int = 50_000, maxColumnChunks: Int = 1_000_000
  ) {
    self.maxFooterBytes = maxFooterBytes
    self.maxNestingDepth = maxNestingDepth
    self.maxSchemaElements = maxSchemaElements
    self.maxRowGroups = maxRowGroups
    self.maxColumns = maxColumns
    self.maxColumnChunks = maxColumnChunks
  }
}
