import Dispatch
import Foundation

/// A fixed set of threads that run one body over items handed in one at a time, with at
/// most `capacity` items waiting: the producer blocks when they are all taken, so memory
/// stays bounded however many items there are.
///
/// Thread rule: one producer calls ``submit(_:)`` and then ``finish()``; `body` runs on the
/// worker threads (several at once). Threads, not the cooperative pool: the body blocks on
/// disk I/O and SQLite.
final class WorkerThreads<Item: Sendable>: Sendable {
  private let queue = Locked<[Item?]>([])
  private let space: DispatchSemaphore
  private let ready = DispatchSemaphore(value: 0)
  private let done = DispatchGroup()
  private let count: Int

  /// Starts `count` threads (at least 1) named `name`, each taking items and running `body`.
  init(count: Int, capacity: Int, name: String, body: @escaping @Sendable (Item) -> Void) {
    self.count = max(1, count)
    space = DispatchSemaphore(value: max(1, capacity))
    for index in 0..<self.count {
      done.enter()
      let thread = Thread { [self] in
        while let item = take() { body(item) }
        done.leave()
      }
      thread.name = "\(name)-\(index)"
      thread.start()
    }
  }

  /// Hands `item` to a worker; blocks while `capacity` items are waiting.
  func submit(_ item: Item) {
    space.wait()
    queue.withLock { $0.append(item) }
    ready.signal()
  }

  /// Lets the workers finish the items submitted, then stops them and waits for them.
  func finish() {
    for _ in 0..<count {
      space.wait()
      queue.withLock { $0.append(nil) }
      ready.signal()
    }
    done.wait()
  }

  /// The next item, or nil when told to stop.
  private func take() -> Item? {
    ready.wait()
    let item = queue.withLock { $0.removeFirst() }
    space.signal()
    return item
  }
}
