#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Lets concurrent writes into one directory share its fsync, as group commit shares a
/// catalog transaction.
///
/// A caller that renamed or unlinked an entry needs an fsync of the directory that starts
/// after its change. If none is running, it runs one itself; if one is running, it waits for
/// it to end and then takes part in the next one, which one of the waiters runs for all of
/// them. So N writers into one directory need about two fsyncs instead of N, and none is
/// acknowledged before an fsync that covers its change has succeeded. Directories are told
/// apart by device and inode (a path can be removed and created again).
final class DirectorySync: Sendable {
  private struct Key: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  /// One directory's rounds and the callers using them (dropped when none are left).
  private struct Group {
    var rounds: SyncRounds
    var users: Int
  }

  private let groups = Locked<[Key: Group]>([:])

  /// Returns once an fsync of `directory` that started after this call has succeeded, or
  /// throws that fsync's error. `sync` performs the fsync (a seam for tests).
  func sync(_ directory: Int32, using sync: (Int32) throws(Errno) -> Void = FileOps.sync)
    throws(Errno)
  {
    var info = stat()
    guard fstat(directory, &info) == 0 else { throw Errno.current }
    let key = Key(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    let (rounds, ticket) = groups.withLock { groups -> (SyncRounds, SyncRounds.Ticket) in
      var group = groups[key] ?? Group(rounds: SyncRounds(), users: 0)
      group.users += 1
      groups[key] = group
      return (group.rounds, group.rounds.ticket())
    }
    defer {
      groups.withLock { groups in
        guard var group = groups[key] else { return }
        group.users -= 1
        groups[key] = group.users == 0 ? nil : group
      }
    }
    try rounds.sync(after: ticket, directory, using: sync)
  }
}
