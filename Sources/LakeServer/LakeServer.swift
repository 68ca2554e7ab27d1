import Foundation
import LakeCore
import LakeHTTP
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// A running LakeStore: the catalog and object store behind an S3 HTTP endpoint.
///
/// `start()` opens the store (running crash recovery) and binds; `shutdown()` stops accepting,
/// lets in-flight requests finish within the grace period and closes the catalog.
public final class LakeServer: Sendable {
  public let configuration: ServerConfiguration
  public let credentials: Credentials
  let store: LakeStore
  let http: HTTPServer
  let logger: Logger
  let expiry: UploadExpiry?
  let accessLog: AccessLog?

  /// Opens the data directory. Throws `ConfigurationError` for unusable settings and
  /// `LakeError` when the store cannot be opened.
  public init(configuration: ServerConfiguration, logger: Logger) throws {
    self.configuration = configuration
    self.logger = logger
    var options = StoreOptions()
    options.maxKeyBytes = configuration.maxKeyBytes
    options.objectCacheEntries = configuration.cacheEntries
    options.indexing = configuration.catalogIndex
    let delay = configuration.catalogIndexDelay.components
    options.indexDelay = Double(delay.seconds) + Double(delay.attoseconds) / 1e18
    options.indexNice = Int32(configuration.catalogIndexNice)
    options.objectCacheDescriptors = DescriptorLimit.cacheBudget(
      wanted: configuration.cacheOpenFiles, http: configuration.http, logger: logger)
    options.minFreeBytes = configuration.minFreeBytes
    #if DEBUG
      // Test-only: fail or kill at chosen write steps (see WriteFaults.parse). Debug builds
      // only; release builds never read this variable.
      if let spec = ProcessInfo.processInfo.environment["LAKESTORE_TEST_FAULTS"] {
        guard let rules = WriteFaults.parse(spec) else {
          throw ConfigurationError(
            "LAKESTORE_TEST_FAULTS: '\(spec)' is not STEP:ACTION[:PREFIX[:SKIP]],...")
        }
        options.faults = WriteFaults(rules)
        logger.warning("test faults armed", metadata: ["faults": "\(spec)"])
      }
    #endif
    self.store = try LakeStore(
      dataDirectory: configuration.dataDirectory, options: options, logger: logger)
    self.credentials = try Credentials.resolve(configuration)
    // The access log follows the log level like other info lines.
    let accessLog =
      configuration.accessLog && logger.logLevel <= .info
      ? AccessLog(label: logger.label, flushInterval: configuration.accessLogFlush) : nil
    self.accessLog = accessLog
    let handler = S3RequestHandler(
      store: store, configuration: configuration, credentials: credentials, logger: logger,
      accessLog: accessLog)
    self.http = HTTPServer(configuration: configuration.http, handler: handler, logger: logger)
    self.expiry =
      configuration.uploadExpirySeconds > 0
      ? UploadExpiry(
        store: store, maxAgeSeconds: configuration.uploadExpirySeconds, logger: logger) : nil
  }

  /// Binds and starts serving (and the multipart upload expiry sweep); returns the bound port.
  public func start() throws -> Int {
    let port = try http.start()
    accessLog?.start()
    expiry?.start()
    return port
  }

  /// Graceful stop; blocks until in-flight requests finished (or the grace period ended) and
  /// the catalog is closed.
  public func shutdown() {
    http.shutdown()
    accessLog?.stop()
    expiry?.stop()
    store.close()
  }
}

/// The process's open-file limit, and how much of it the object cache may use.
enum DescriptorLimit {
  /// Descriptors kept free beyond connections and workers: listeners, epoll and eventfds,
  /// SQLite connections and journals, logs.
  static let reserve = 128

  /// Raises the soft `RLIMIT_NOFILE` to the hard limit, then returns how many of `wanted`
  /// cached open files fit beside every connection, one upload file per worker and a
  /// reserve; logs when that is fewer than wanted.
  static func cacheBudget(wanted: Int, http: HTTPServerConfiguration, logger: Logger) -> Int {
    let soft = raiseSoftLimit()
    let needed = http.maxConnections + http.workerCount + reserve
    let budget = max(0, min(wanted, soft - needed))
    if budget < wanted {
      logger.notice(
        "the open-file limit (\(soft)) leaves room for \(budget) cached open files, not \(wanted)",
        metadata: ["max_connections": "\(http.maxConnections)", "workers": "\(http.workerCount)"])
    }
    return budget
  }

  /// Sets the soft open-file limit to the hard one; returns the soft limit in effect.
  static func raiseSoftLimit() -> Int {
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return 1024 }
    if limit.rlim_cur < limit.rlim_max {
      var raised = limit
      raised.rlim_cur = limit.rlim_max
      if setrlimit(resource, &raised) == 0 { limit = raised }
    }
    return Int(clamping: limit.rlim_cur)
  }
}
