/// Counters of the work the SQLite catalog did since the store opened.
///
/// Meant for tests and metrics: they show that a listing costs a bounded number of index
/// seeks and rows, independent of bucket size.
public struct CatalogStatistics: Sendable, Equatable {
  /// Statement executions (each is one index seek or one write statement).
  public var queries: Int
  /// `sqlite3_step` calls across all connections (rows returned, plus one per end of rows).
  public var steps: Int
  /// SQLite virtual machine instructions run (`SQLITE_STMTSTATUS_VM_STEP`): grows with the
  /// rows a statement scans internally, so it exposes a scan hidden behind few `steps`.
  public var virtualMachineSteps: Int
  /// Write transactions committed (a group commit of many writes counts once).
  public var writeTransactions: Int
  /// `fdatasync` calls on the WAL that made committed writes durable (concurrent commits
  /// share one).
  public var walSyncs: Int

  public init(
    queries: Int = 0, steps: Int = 0, virtualMachineSteps: Int = 0, writeTransactions: Int = 0,
    walSyncs: Int = 0
  ) {
    self.queries = queries
    self.steps = steps
    self.virtualMachineSteps = virtualMachineSteps
    self.writeTransactions = writeTransactions
    self.walSyncs = walSyncs
  }
}
