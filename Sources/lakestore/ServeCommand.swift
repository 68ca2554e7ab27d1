import ArgumentParser
import Foundation
import LakeServer
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// Help text for a setting, from the one table of settings.
func settingHelp(_ key: String) -> ArgumentHelp {
  guard let s = ConfigurationLoader.settings.first(where: { $0.key == key }) else {
    return ArgumentHelp("")
  }
  return ArgumentHelp("\(s.help) (env \(s.environmentVariable); default \(s.defaultValue))")
}

struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the S3 server.",
    discussion: """
      Settings come from flags, then LAKESTORE_* environment variables, then the config file \
      (--config or LAKESTORE_CONFIG, flat TOML: key = value), then defaults.
      """)

  @Option(help: "Config file (flat TOML, see config/lakestore.example.toml).")
  var config: String?
  @Option(help: settingHelp("data")) var data: String?
  @Option(help: settingHelp("address")) var address: String?
  @Option(help: settingHelp("access_key")) var accessKey: String?
  @Option(help: settingHelp("secret_key")) var secretKey: String?
  @Option(help: settingHelp("region")) var region: String?
  @Option(help: settingHelp("anonymous")) var anonymous: String?
  @Option(help: settingHelp("virtual_host_domains")) var virtualHostDomains: String?
  @Option(help: settingHelp("max_object_size")) var maxObjectSize: String?
  @Option(help: settingHelp("min_part_size")) var minPartSize: String?
  @Option(help: settingHelp("max_multipart_object_size")) var maxMultipartObjectSize: String?
  @Option(help: settingHelp("upload_expiry")) var uploadExpiry: String?
  @Option(help: settingHelp("max_key_bytes")) var maxKeyBytes: String?
  @Option(help: settingHelp("max_metadata_bytes")) var maxMetadataBytes: String?
  @Option(help: settingHelp("min_free_bytes")) var minFreeBytes: String?
  @Option(help: settingHelp("max_clock_skew")) var maxClockSkew: String?
  @Option(help: settingHelp("max_connections")) var maxConnections: String?
  @Option(help: settingHelp("workers")) var workers: String?
  @Option(help: settingHelp("event_loops")) var eventLoops: String?
  @Option(help: settingHelp("max_request_line_bytes")) var maxRequestLineBytes: String?
  @Option(help: settingHelp("max_header_bytes")) var maxHeaderBytes: String?
  @Option(help: settingHelp("max_header_count")) var maxHeaderCount: String?
  @Option(help: settingHelp("header_timeout")) var headerTimeout: String?
  @Option(help: settingHelp("idle_timeout")) var idleTimeout: String?
  @Option(help: settingHelp("body_timeout")) var bodyTimeout: String?
  @Option(help: settingHelp("min_transfer_rate")) var minTransferRate: String?
  @Option(help: settingHelp("transfer_rate_window")) var transferRateWindow: String?
  @Option(help: settingHelp("shutdown_grace")) var shutdownGrace: String?
  @Option(help: settingHelp("cache_entries")) var cacheEntries: String?
  @Option(help: settingHelp("cache_open_files")) var cacheOpenFiles: String?
  @Option(help: settingHelp("catalog_index")) var catalogIndex: String?
  @Option(help: settingHelp("catalog_index_delay")) var catalogIndexDelay: String?
  @Option(help: settingHelp("catalog_index_nice")) var catalogIndexNice: String?
  @Option(help: settingHelp("log_level")) var logLevel: String?
  @Option(help: settingHelp("access_log")) var accessLog: String?
  @Option(help: settingHelp("access_log_flush")) var accessLogFlush: String?
  @Option(help: settingHelp("require_content_sha256")) var requireContentSha256: String?

  var flagValues: [String: String] {
    let pairs: [(String, String?)] = [
      ("data", data), ("address", address), ("access_key", accessKey), ("secret_key", secretKey),
      ("region", region), ("anonymous", anonymous), ("virtual_host_domains", virtualHostDomains),
      ("max_object_size", maxObjectSize), ("min_part_size", minPartSize),
      ("max_multipart_object_size", maxMultipartObjectSize), ("upload_expiry", uploadExpiry),
      ("max_key_bytes", maxKeyBytes),
      ("max_metadata_bytes", maxMetadataBytes), ("min_free_bytes", minFreeBytes),
      ("max_clock_skew", maxClockSkew),
      ("max_connections", maxConnections), ("workers", workers), ("event_loops", eventLoops),
      ("max_request_line_bytes", maxRequestLineBytes), ("max_header_bytes", maxHeaderBytes),
      ("max_header_count", maxHeaderCount), ("header_timeout", headerTimeout),
      ("idle_timeout", idleTimeout), ("body_timeout", bodyTimeout),
      ("min_transfer_rate", minTransferRate), ("transfer_rate_window", transferRateWindow),
      ("shutdown_grace", shutdownGrace), ("cache_entries", cacheEntries),
      ("cache_open_files", cacheOpenFiles),
      ("catalog_index", catalogIndex), ("catalog_index_delay", catalogIndexDelay),
      ("catalog_index_nice", catalogIndexNice),
      ("log_level", logLevel), ("access_log", accessLog),
      ("access_log_flush", accessLogFlush), ("require_content_sha256", requireContentSha256),
    ]
    var values: [String: String] = [:]
    for (key, value) in pairs { if let value { values[key] = value } }
    return values
  }

  func run() throws {
    let configuration = try loadConfiguration(configFile: config, flags: flagValues)
    let logger = makeLogger(level: configuration.logLevel)

    // Signals are taken by sigwait below; block them before any server thread starts so
    // every thread inherits the mask.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGTERM)
    sigaddset(&signals, SIGINT)
    pthread_sigmask(SIG_BLOCK, &signals, nil)

    let server: LakeServer
    let port: Int
    do {
      server = try LakeServer(configuration: configuration, logger: logger)
      port = try server.start()
    } catch let error as ConfigurationError {
      complain("lakestore: configuration error: \(error.description)")
      throw ExitCode(2)
    } catch {
      complain("lakestore: cannot start: \(error)")
      throw ExitCode(1)
    }
    printBanner(configuration: configuration, credentials: server.credentials, port: port)
    logger.info(
      "started",
      metadata: [
        "data": "\(configuration.dataDirectory)", "port": "\(port)",
        "region": "\(configuration.region)", "anonymous": "\(configuration.anonymousAccess)",
        "workers": "\(configuration.http.workerCount)",
        "max_connections": "\(configuration.http.maxConnections)",
      ])

    var received: Int32 = 0
    sigwait(&signals, &received)
    logger.info("signal \(received) received: shutting down")
    server.shutdown()
    logger.info("stopped")
  }

  func printBanner(configuration: ServerConfiguration, credentials: Credentials, port: Int) {
    let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
    let endpoint = "http://\(host):\(port)"
    let credentialsFile = Credentials.path(dataDirectory: configuration.dataDirectory)
    say("listening on \(endpoint)")
    say("data directory: \(configuration.dataDirectory)")
    say("region: \(configuration.region)")
    say("access key: \(credentials.accessKey)")
    if credentials.generated {
      say("secret key: \(credentials.secretKey)")
      say("(generated on first start; stored in \(credentialsFile), shown only this once)")
    } else if configuration.secretKey == nil {
      say("secret key: stored in \(credentialsFile)")
    } else {
      say("secret key: as configured")
    }
    if configuration.accessKey == nil {
      say(
        "try: curl --aws-sigv4 aws:amz:\(configuration.region):s3 --user \"$(cat \(credentialsFile))\" \(endpoint)/"
      )
    }
  }

  func makeLogger(level: String) -> Logger {
    LoggingSystem.bootstrap { LakeLogHandler(label: $0) }
    var logger = Logger(label: "lakestore")
    logger.logLevel = Logger.Level(rawValue: level) ?? .info
    return logger
  }
}
