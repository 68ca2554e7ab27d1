/// Why a Parquet footer could not be read. The message says what and where ("truncated footer
/// at byte 120 reading field 4 of SchemaElement in element 3 of field 2 of FileMetaData") and
/// is meant for people: the catalog shows it as the reason a file is unparsed.
public struct ParquetError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure, for callers that react differently to each; more may be added.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    private let name: String

    /// The bytes are not a Parquet file: no `PAR1` magic, or an encrypted footer (`PARE`).
    public static let notParquet = Code(name: "notParquet")
    /// The footer ends before the structure it encodes.
    public static let truncated = Code(name: "truncated")
    /// The bytes are not a valid footer: bad Thrift, a missing required field, an
    /// inconsistent schema tree.
    public static let malformed = Code(name: "malformed")
    /// The footer is larger or more deeply nested than a ``ParquetLimits`` allows.
    public static let limitExceeded = Code(name: "limitExceeded")

    public var description: String { name }
  }

  /// The kind of failure.
  public let code: Code
  /// What went wrong and where, in one line.
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
