import CLakeSystem
import Glibc
import Logging
import Synchronization

/// An HTTP/1.1 server on POSIX sockets and epoll.
///
/// `eventLoopCount` threads accept connections and read request heads; `workerCount`
/// threads run the handler synchronously, so handlers may block. See
/// ``HTTPServerConfiguration`` for limits and timeouts and ``HTTPResponse`` for how
/// responses are written.
///
/// The server blocks SIGPIPE in its own threads; it changes no process-wide signal setting.
public final class HTTPServer: Sendable {
  enum State {
    case idle
    case running(Running)
    case stopped
  }

  struct Running {
    let core: ServerCore
    let loops: [EventLoop]
    let loopThreads: [pthread_t]
  }

  let configuration: HTTPServerConfiguration
  let handler: any HTTPHandler
  let logger: Logger
  let state = Mutex<State>(.idle)
  /// Serialises `start` and `shutdown`, so a second `shutdown` waits for the first.
  let lifecycle = ConditionLock()

  /// Creates a server; nothing is bound until ``start()``.
  public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) {
    self.configuration = configuration
    self.handler = handler
    self.logger = logger
  }

  /// Binds and starts the event loops and workers; returns the bound port (useful with
  /// port 0).
  ///
  /// - Throws: ``HTTPServerError`` with a clear message when the configuration is invalid,
  ///   the address is in use or cannot be bound, or threads cannot start; nothing is left
  ///   running then. Calling it a second time throws too.
  public func start() throws(HTTPServerError) -> Int {
    lifecycle.lock()
    defer { lifecycle.unlock() }
    guard case .idle = state.withLock({ $0 }) else {
      throw HTTPServerError(message: "the server was already started")
    }
    try validate()
    let listeners = try ListenerSet.bind(configuration)
    let core = ServerCore(configuration: configuration, handler: handler, logger: logger)
    var loops: [EventLoop] = []
    var threads: [pthread_t] = []
    do throws(HTTPServerError) {
      for (index, fd) in listeners.descriptors.enumerated() {
        loops.append(try EventLoop.make(index: index, core: core, listenFD: fd))
      }
      try core.pool.start(count: configuration.workerCount) {
        let runner = RequestRunner(core: core)
        return { runner.serve($0) }
      }
      for loop in loops {
        threads.append(try SystemThread.spawn(name: "lake-loop-\(loop.index)") { loop.run() })
      }
    } catch {
      for loop in loops { loop.post(.stop) }
      for thread in threads { SystemThread.join(thread) }
      core.pool.stop(timeout: .seconds(1))
      // Loops own their sockets (a failed make closed its own); close the ones never handed over.
      for fd in listeners.descriptors.dropFirst(loops.count + 1) { close(fd) }
      throw error
    }
    state.withLock { $0 = .running(Running(core: core, loops: loops, loopThreads: threads)) }
    logger.info(
      "HTTP server listening",
      metadata: [
        "host": "\(configuration.host)", "port": "\(listeners.port)",
        "loops": "\(loops.count)", "workers": "\(configuration.workerCount)",
      ])
    return listeners.port
  }

  private func validate() throws(HTTPServerError) {
    let c = configuration
    if !(0...65535).contains(c.port) { throw HTTPServerError(message: "port \(c.port) is invalid") }
    if c.eventLoopCount < 1 || c.workerCount < 1 || c.maxConnections < 1 {
      throw HTTPServerError(message: "eventLoopCount, workerCount and maxConnections must be > 0")
    }
    if c.maxRequestLineBytes < 1 || c.maxHeaderBytes < 1 || c.maxHeaderCount < 1
      || c.maxBodyBytes < 0
    {
      throw HTTPServerError(message: "request limits must be positive")
    }
  }
}
