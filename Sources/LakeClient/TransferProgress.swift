/// How far a transfer has come, reported as bytes move.
public struct TransferProgress: Sendable, Equatable {
  /// Bytes sent or received so far.
  public var bytesDone: Int64
  /// The transfer's size, when known.
  public var bytesTotal: Int64?

  public init(bytesDone: Int64, bytesTotal: Int64?) {
    self.bytesDone = bytesDone
    self.bytesTotal = bytesTotal
  }
}
