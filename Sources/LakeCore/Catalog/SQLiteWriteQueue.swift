import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// The single writer connection, with group commit.
///
/// Every catalog write runs through `perform`. Writes that arrive while a transaction is in
/// flight queue up; the thread that finds the queue idle becomes the leader and runs the queued
/// writes (up to `maxBatch`) in ONE transaction, each inside its own savepoint so a failing
/// write rolls back alone.
///
/// The connection commits with `synchronous=NORMAL` (no fsync inside COMMIT). A durable
/// write is then made durable by an `fdatasync` of the WAL file, what `synchronous=FULL` does
/// inside COMMIT, done after it and outside the connection's lock (``SyncRounds``): the next
/// batch runs its statements while this one waits for the disk, concurrent commits share WAL
/// fsyncs, and a caller can do its own I/O between the commit and the wait (``stage(_:)``).
/// Under concurrency this turns N fsyncs into about one, and the writer connection is held
/// only for CPU work.
///
/// Thread rule: any thread may call `perform`; it blocks until its write is committed (or
/// failed). Work closures run on whichever thread leads, so they must be `@Sendable`, must
/// only touch the catalog through the given connection, and must be quick (no file I/O).
final class SQLiteWriteQueue: Sendable {
  private enum Outcome: Sendable {
    case waiting
    case lead
    case finished(Result<any Sendable, LakeError>)
  }

  private final class Request: Sendable {
    let work: @Sendable (SQLiteConnection) throws(LakeError) -> any Sendable
    let outcome = Locked<Outcome>(.waiting)
    let wakeup = DispatchSemaphore(value: 0)

    init(work: @escaping @Sendable (SQLiteConnection) throws(LakeError) -> any Sendable) {
      self.work = work
    }
  }

  private struct Queue {
    var pending: [Request] = []
    var hasLeader = false
  }

  private let queue = Locked(Queue())
  private let connection: Locked<SQLiteConnection?>
  private let maxBatch: Int
  private let counters: CatalogCounters
  /// A descriptor of the WAL file (`<database>-wal`), for the commits' fsyncs.
  private let wal: Int32
  private let walRounds = SyncRounds()
  /// Bumped after every batch: wakes those who follow the catalog's commits (the indexer).
  let commits = SequenceGate()

  /// Takes over `connection` (in WAL mode, `synchronous=NORMAL`) and opens its WAL file at
  /// `walPath`, which must exist. Throws `.catalog` when it cannot be opened.
  init(connection: SQLiteConnection, walPath: String, maxBatch: Int, counters: CatalogCounters)
    throws(LakeError)
  {
    do throws(Errno) {
      wal = try FileOps.open(AT_FDCWD, walPath, O_RDONLY | O_CLOEXEC)
    } catch {
      throw .catalog("open \(walPath): \(error)")
    }
    self.connection = Locked(connection)
    self.maxBatch = max(1, maxBatch)
    self.counters = counters
  }

  deinit {
    FileOps.closeDescriptor(wal)
  }

  /// Runs `work` inside a write transaction and returns once that transaction is committed:
  /// durably (the WAL fsynced) unless `durable` is false. A write committed with `durable`
  /// false is visible at once and becomes durable with the next WAL fsync (the WAL is
  /// appended in order, so a crash can only lose a tail of such writes, never one that a
  /// later durable commit covers). Use it only for writes that recovery can redo.
  /// Throws what `work` throws (its changes are rolled back), or `.catalog` when the
  /// transaction cannot commit, the WAL cannot be fsynced, or the store is closed.
  func perform<T: Sendable>(
    durable: Bool = true,
    _ work: @escaping @Sendable (SQLiteConnection) throws(LakeError) -> T
  ) throws(LakeError) -> T {
    let (value, ticket) = try stage(work)
    if durable { try awaitDurable(ticket) }
    return value
  }

  /// Commits `work` like `perform(durable: false)` and returns its result with a ticket:
  /// the write is durable once ``awaitDurable(_:)`` returns for it. The caller may do other
  /// I/O in between (another thread's WAL fsync often covers the write meanwhile).
  func stage<T: Sendable>(
    _ work: @escaping @Sendable (SQLiteConnection) throws(LakeError) -> T
  ) throws(LakeError) -> (T, SyncRounds.Ticket) {
    let request = Request { (connection) throws(LakeError) -> any Sendable in
      try work(connection)
    }
    let leads = queue.withLock { queue -> Bool in
      queue.pending.append(request)
      if queue.hasLeader { return false }
      queue.hasLeader = true
      return true
    }
    if !leads { request.wakeup.wait() }
    var outcome = request.outcome.withLock { $0 }
    if case .finished = outcome {
      // another leader committed (or failed) this write
    } else {
      lead()  // first in an idle queue, or handed leadership by the previous leader
      outcome = request.outcome.withLock { $0 }
    }
    guard case .finished(let result) = outcome else {
      preconditionFailure("write leader finished without its own outcome")
    }
    switch result {
    case .success(let value): return (value as! T, walRounds.ticket())
    case .failure(let error): throw error
    }
  }

  /// Returns once a write staged before `ticket` was taken is durable (an `fdatasync` of the
  /// WAL that started after it succeeded). Throws `.catalog` when that fsync fails: the
  /// write is committed and visible, but not known to be on disk.
  func awaitDurable(_ ticket: SyncRounds.Ticket) throws(LakeError) {
    do throws(Errno) {
      try walRounds.sync(after: ticket, wal) { (fd) throws(Errno) in
        try FileOps.dataSync(fd)
        counters.walSyncs.add(1, ordering: .relaxed)
      }
    } catch {
      throw .catalog("fsync of the catalog's WAL: \(error)")
    }
  }

  /// Writes queued behind the running transaction (for tests and metrics).
  var pendingCount: Int {
    queue.withLock { $0.pending.count }
  }

  /// Checkpoints the WAL into the database file and closes the connection; idempotent.
  /// Later writes fail with `.catalog("store is closed")`.
  func close() {
    connection.withLock { connection in
      try? connection?.execute("PRAGMA wal_checkpoint(TRUNCATE)")
      connection?.close()
      connection = nil
    }
  }

  /// Runs one batch as leader, hands leadership on, then wakes the batch's waiters.
  private func lead() {
    let batch = queue.withLock { queue -> [Request] in
      let count = min(queue.pending.count, maxBatch)
      let batch = Array(queue.pending.prefix(count))
      queue.pending.removeFirst(count)
      return batch
    }
    let results = run(batch)
    commits.bump()
    let next = queue.withLock { queue -> Request? in
      if let first = queue.pending.first { return first }
      queue.hasLeader = false
      return nil
    }
    if let next {
      next.outcome.withLock { $0 = .lead }
      next.wakeup.signal()
    }
    // batch[0] is the leader itself (the queue is FIFO and a leader is always its head).
    for (index, request) in batch.enumerated() {
      request.outcome.withLock { $0 = .finished(results[index]) }
      if index > 0 { request.wakeup.signal() }
    }
  }

  private func run(_ batch: [Request]) -> [Result<any Sendable, LakeError>] {
    let counters = self.counters
    return connection.withLock { connection -> [Result<any Sendable, LakeError>] in
      guard let connection else {
        return batch.map { _ in .failure(.catalog("store is closed")) }
      }
      return Self.transaction(batch, on: connection, counters: counters)
    }
  }

  private static func transaction(
    _ batch: [Request], on connection: SQLiteConnection, counters: CatalogCounters
  ) -> [Result<any Sendable, LakeError>] {
    do {
      try connection.update("BEGIN IMMEDIATE")
    } catch {
      return batch.map { _ in .failure(error) }
    }
    var results: [Result<any Sendable, LakeError>] = []
    for request in batch {
      results.append(isolated(request, on: connection, savepoint: batch.count > 1))
    }
    if batch.count == 1, case .failure = results[0] {
      try? connection.update("ROLLBACK")
      return results
    }
    do {
      try connection.update("COMMIT")
      counters.writeTransactions.add(1, ordering: .relaxed)
      return results
    } catch {
      try? connection.update("ROLLBACK")
      return batch.map { _ in .failure(error) }
    }
  }

  /// Runs one request, inside a savepoint when it shares the transaction with others.
  private static func isolated(_ request: Request, on connection: SQLiteConnection, savepoint: Bool)
    -> Result<any Sendable, LakeError>
  {
    do {
      if savepoint { try connection.update("SAVEPOINT item") }
      let value = try request.work(connection)
      if savepoint { try connection.update("RELEASE item") }
      return .success(value)
    } catch {
      if savepoint {
        try? connection.update("ROLLBACK TO item")
        try? connection.update("RELEASE item")
      }
      return .failure(error)
    }
  }
}
