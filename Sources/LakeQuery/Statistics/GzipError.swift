/// Why a gzip stream could not be inflated. The message says what and where ("the gzip stream
/// ends early: 1,000 compressed bytes read, member 1 not finished") and is meant for people:
/// the catalog shows it as the reason a file is unparsed.
public struct GzipError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure, for callers that react differently to each; more may be added.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    private let name: String

    /// The stream stops inside a member: a cut-off upload or copy.
    public static let truncated = Code(name: "truncated")
    /// The bytes are not gzip: a bad header, bad deflate data, a CRC or length that does not
    /// match, or bytes after a member that start no new member.
    public static let corrupt = Code(name: "corrupt")
    /// The inflated bytes would exceed ``TextStatisticsLimits/maxInflatedBytes``.
    public static let tooLarge = Code(name: "tooLarge")
    /// zlib could not allocate its state.
    public static let resources = Code(name: "resources")

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

/// A failure while reading a gzip-compressed text table: the gzip stream itself, or the table
/// its inflated bytes hold.
public enum GzipTableError: Error, Sendable, Hashable, CustomStringConvertible {
  case gzip(GzipError)
  case table(TextStatisticsError)

  public var description: String {
    switch self {
    case .gzip(let error): error.description
    case .table(let error): error.description
    }
  }
}
