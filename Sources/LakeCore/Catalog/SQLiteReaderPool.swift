import Dispatch

/// A fixed pool of read-only connections. In WAL mode they read beside the writer, each
/// statement (or explicit read transaction) seeing the latest committed snapshot.
///
/// Thread rule: any thread may borrow a connection; it blocks while all are in use.
final class SQLiteReaderPool: Sendable {
  private struct State {
    var idle: [SQLiteConnection]
    var isClosed = false
  }

  private let state: Locked<State>
  private let permits: DispatchSemaphore
  private let size: Int

  /// Opens `count` read-only connections to `path` (which must already exist, in WAL mode),
  /// each running `attach` (an `ATTACH DATABASE` statement) first when given.
  init(path: String, count: Int, counters: CatalogCounters, attach: String? = nil)
    throws(LakeError)
  {
    var connections: [SQLiteConnection] = []
    for _ in 0..<max(1, count) {
      let connection = try SQLiteConnection(path: path, readOnly: true, counters: counters)
      if let attach { try connection.execute(attach) }
      connections.append(connection)
    }
    size = connections.count
    permits = DispatchSemaphore(value: connections.count)
    state = Locked(State(idle: connections))
  }

  /// Runs `body` with a borrowed connection and returns it to the pool afterwards.
  /// Throws `.catalog("store is closed")` once the pool is closed.
  func withConnection<T>(_ body: (SQLiteConnection) throws(LakeError) -> T) throws(LakeError) -> T {
    permits.wait()
    let borrowed = state.withLock { state -> SQLiteConnection? in
      state.isClosed ? nil : state.idle.popLast()
    }
    guard let connection = borrowed else {
      permits.signal()  // pass the permit on so other waiters also see the pool is closed
      throw .catalog("store is closed")
    }
    defer {
      state.withLock { $0.idle.append(connection) }
      permits.signal()
    }
    return try body(connection)
  }

  /// Waits for borrowed connections to come back, closes all; idempotent.
  func close() {
    let first = state.withLock { state -> Bool in
      defer { state.isClosed = true }
      return !state.isClosed
    }
    guard first else { return }
    for _ in 0..<size { permits.wait() }
    let connections = state.withLock { state -> [SQLiteConnection] in
      defer { state.idle = [] }
      return state.idle
    }
    for connection in connections { connection.close() }
    for _ in 0..<size { permits.signal() }
  }
}
