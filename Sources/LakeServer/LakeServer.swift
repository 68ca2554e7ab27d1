import Foundation
import LakeCore
import LakeHTTP
import Logging

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

  /// Opens the data directory. Throws `ConfigurationError` for unusable settings and
  /// `LakeError` when the store cannot be opened.
  public init(configuration: ServerConfiguration, logger: Logger) throws {
    self.configuration = configuration
    self.logger = logger
    var options = StoreOptions()
    options.maxKeyBytes = configuration.maxKeyBytes
    self.store = try LakeStore(
      dataDirectory: configuration.dataDirectory, options: options, logger: logger)
    self.credentials = try Credentials.resolve(configuration)
    let handler = S3RequestHandler(
      store: store, configuration: configuration, credentials: credentials, logger: logger)
    self.http = HTTPServer(configuration: configuration.http, handler: handler, logger: logger)
  }

  /// Binds and starts serving; returns the bound port.
  public func start() throws -> Int {
    try http.start()
  }

  /// Graceful stop; blocks until in-flight requests finished (or the grace period ended) and
  /// the catalog is closed.
  public func shutdown() {
    http.shutdown()
    store.close()
  }
}
