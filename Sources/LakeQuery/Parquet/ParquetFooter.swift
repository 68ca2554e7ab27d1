/// Where a Parquet file keeps its footer. A file is `PAR1`, the column data, the footer (a
/// Thrift compact `FileMetaData`), the footer's length (4 bytes, little-endian) and `PAR1`
/// again. A reader takes the last ``tailLength`` bytes, then the
/// ``footerLength(tail:fileSize:limits:)`` bytes before them, and decodes those with
/// ``ParquetMetadata/init(footer:limits:)``.
public enum ParquetFooter {
  /// The bytes at the end of a file that give the footer's length: 8.
  public static let tailLength = 8
  /// `PAR1`, at both ends of a file.
  public static let magic: [UInt8] = Array("PAR1".utf8)
  /// `PARE`, the trailing magic of a file whose footer is encrypted.
  static let encryptedMagic: [UInt8] = Array("PARE".utf8)

  /// The footer's length, from a file's last 8 bytes (of a longer `tail`, the last 8 count).
  ///
  /// Throws `notParquet` when the bytes do not end with `PAR1` (or end with `PARE`, an
  /// encrypted footer, which this reader cannot decode), `limitExceeded` for a footer longer
  /// than `limits.maxFooterBytes`, and `malformed` when `fileSize` is given and the footer
  /// with both magics and the length would not fit in it.
  public static func footerLength(
    tail: some Collection<UInt8>, fileSize: Int? = nil, limits: ParquetLimits = ParquetLimits()
  ) throws(ParquetError) -> Int {
    let last = Array(tail.suffix(tailLength))
    guard last.count == tailLength else {
      throw ParquetError(.notParquet, "\(last.count) bytes are too few for a Parquet file's end")
    }
    if last.suffix(4).elementsEqual(encryptedMagic) {
      throw ParquetError(.notParquet, "the footer is encrypted (PARE), which is not supported")
    }
    guard last.suffix(4).elementsEqual(magic) else {
      throw ParquetError(.notParquet, "the file does not end with the Parquet magic PAR1")
    }
    let length = last[0..<4].reversed().reduce(0) { $0 << 8 | Int($1) }
    guard length <= limits.maxFooterBytes else {
      throw ParquetError(
        .limitExceeded,
        "footer of \(length) bytes is past the limit of \(limits.maxFooterBytes)")
    }
    if let fileSize,
      fileSize < magic.count + tailLength || length > fileSize - magic.count - tailLength
    {
      throw ParquetError(
        .malformed, "footer of \(length) bytes does not fit in a file of \(fileSize) bytes")
    }
    return length
  }

  /// The footer's bytes within a whole file held in memory, checked as
  /// ``footerLength(tail:fileSize:limits:)`` checks them, and the leading `PAR1` too.
  public static func footer(inFile file: [UInt8], limits: ParquetLimits = ParquetLimits())
    throws(ParquetError) -> ArraySlice<UInt8>
  {
    let length = try footerLength(tail: file, fileSize: file.count, limits: limits)
    guard file.starts(with: magic) else {
      throw ParquetError(.notParquet, "the file does not start with the Parquet magic PAR1")
    }
    let end = file.count - tailLength
    return file[(end - length)..<end]
  }
}
