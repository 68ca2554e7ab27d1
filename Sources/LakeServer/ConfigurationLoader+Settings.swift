import Foundation
import LakeHTTP

extension ConfigurationLoader {
  /// Every setting, in the order `--help` and the docs list them.
  public static let settings: [Setting] = [
    Setting(
      key: "data", flag: "data", help: "Data directory (objects and catalog).",
      defaultValue: "./lakestore-data"
    ) { c, v throws(ConfigurationError) in
      guard !v.isEmpty else { throw ConfigurationError("the data directory must not be empty") }
      c.dataDirectory = v
    },
    Setting(
      key: "address", flag: "address", help: "Listen address HOST:PORT; port 0 picks a free port.",
      defaultValue: "127.0.0.1:9000"
    ) { c, v throws(ConfigurationError) in
      (c.host, c.port) = try parseAddress(v)
    },
    Setting(
      key: "access_key", flag: "access-key",
      help:
        "Access key id (default: generated on first start, kept in <data>/.lakestore/credentials).",
      defaultValue: "generated"
    ) { c, v throws(ConfigurationError) in
      guard v.count >= 3, v.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && $0 != ":" })
      else {
        throw ConfigurationError(
          "the access key must be at least 3 ASCII characters without spaces, '/' or ':'")
      }
      c.accessKey = v
    },
    Setting(
      key: "secret_key", flag: "secret-key", help: "Secret access key (default: generated).",
      defaultValue: "generated"
    ) { c, v throws(ConfigurationError) in
      guard v.count >= 8 else {
        throw ConfigurationError("the secret key must be at least 8 characters")
      }
      c.secretKey = v
    },
    Setting(
      key: "region", flag: "region", help: "Region named in signatures and bucket locations.",
      defaultValue: "us-east-1"
    ) { c, v throws(ConfigurationError) in
      guard !v.isEmpty, v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
      else {
        throw ConfigurationError("'\(v)' is not a region name")
      }
      c.region = v
    },
    Setting(
      key: "anonymous", flag: "anonymous",
      help: "Unsigned requests: none (refused), read (list and read only) or write (everything).",
      defaultValue: "none"
    ) { c, v throws(ConfigurationError) in
      guard let access = AnonymousAccess(rawValue: v.lowercased()) else {
        throw ConfigurationError("'\(v)' must be none, read or write")
      }
      c.anonymousAccess = access
    },
    Setting(
      key: "virtual_host_domains", flag: "virtual-host-domains",
      help:
        "Comma-separated domains for virtual-host addressing (<bucket>.<domain>); empty disables it.",
      defaultValue: "localhost"
    ) { c, v throws(ConfigurationError) in
      c.virtualHostDomains = v.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces).lowercased()
      }.filter { !$0.isEmpty }
    },
    Setting(
      key: "max_object_size", flag: "max-object-size",
      help: "Largest object one PUT accepts (EntityTooLarge above it).", defaultValue: "5G"
    ) { c, v throws(ConfigurationError) in
      c.maxObjectSize = try size(v)
    },
    Setting(
      key: "min_part_size", flag: "min-part-size",
      help: "Smallest multipart part other than the last (EntityTooSmall below it).",
      defaultValue: "5M"
    ) { c, v throws(ConfigurationError) in c.minPartSize = try size(v) },
    Setting(
      key: "max_multipart_object_size", flag: "max-multipart-object-size",
      help: "Largest object a multipart upload assembles (EntityTooLarge above it).",
      defaultValue: "5T"
    ) { c, v throws(ConfigurationError) in c.maxMultipartObjectSize = try size(v) },
    Setting(
      key: "upload_expiry", flag: "upload-expiry",
      help: "Age at which unfinished multipart uploads are aborted (0 keeps them).",
      defaultValue: "7d"
    ) { c, v throws(ConfigurationError) in
      c.uploadExpirySeconds = try age(v)
    },
    Setting(
      key: "max_key_bytes", flag: "max-key-bytes", help: "Longest key in UTF-8 bytes.",
      defaultValue: "1024"
    ) { c, v throws(ConfigurationError) in c.maxKeyBytes = try int(v, min: 1, max: 65_536) },
    Setting(
      key: "max_metadata_bytes", flag: "max-metadata-bytes",
      help: "Largest total of x-amz-meta-* names and values (MetadataTooLarge above it).",
      defaultValue: "2048"
    ) { c, v throws(ConfigurationError) in c.maxMetadataBytes = try int(v, min: 0, max: 1 << 20) },
    Setting(
      key: "min_free_bytes", flag: "min-free-bytes",
      help:
        "Free space kept on the data file system; writes that would go below it get 507 (0 disables).",
      defaultValue: "64M"
    ) { c, v throws(ConfigurationError) in c.minFreeBytes = try size(v) },
    Setting(
      key: "max_clock_skew", flag: "max-clock-skew",
      help: "Largest request-time difference a signature may have (RequestTimeTooSkewed).",
      defaultValue: "900s"
    ) { c, v throws(ConfigurationError) in
      c.maxClockSkewSeconds = Int(try duration(v).components.seconds)
    },
    Setting(
      key: "max_connections", flag: "max-connections",
      help: "Open connections at most; more are answered 503 and closed.", defaultValue: "1024"
    ) { c, v throws(ConfigurationError) in
      c.http.maxConnections = try int(v, min: 1, max: 1_000_000)
    },
    Setting(
      key: "workers", flag: "workers", help: "Threads that run requests (blocking disk work).",
      defaultValue: "64"
    ) { c, v throws(ConfigurationError) in c.http.workerCount = try int(v, min: 1, max: 4_096) },
    Setting(
      key: "event_loops", flag: "event-loops", help: "Socket event-loop threads (default: cores).",
      defaultValue: "cores"
    ) { c, v throws(ConfigurationError) in c.http.eventLoopCount = try int(v, min: 1, max: 256) },
    Setting(
      key: "max_request_line_bytes", flag: "max-request-line-bytes",
      help: "Longest request line (400 above it).", defaultValue: "16K"
    ) { c, v throws(ConfigurationError) in
      c.http.maxRequestLineBytes = Int(try size(v, max: 1 << 20))
    },
    Setting(
      key: "max_header_bytes", flag: "max-header-bytes",
      help: "Largest request head (431 above it).", defaultValue: "64K"
    ) { c, v throws(ConfigurationError) in c.http.maxHeaderBytes = Int(try size(v, max: 1 << 20)) },
    Setting(
      key: "max_header_count", flag: "max-header-count",
      help: "Most header fields in one request (431 above it).", defaultValue: "100"
    ) { c, v throws(ConfigurationError) in c.http.maxHeaderCount = try int(v, min: 1, max: 10_000)
    },
    Setting(
      key: "header_timeout", flag: "header-timeout",
      help: "Time allowed to send a request head (slow clients are cut off).", defaultValue: "30s"
    ) { c, v throws(ConfigurationError) in c.http.headerReadTimeout = try duration(v) },
    Setting(
      key: "idle_timeout", flag: "idle-timeout",
      help: "How long an idle keep-alive connection stays open.", defaultValue: "60s"
    ) { c, v throws(ConfigurationError) in c.http.idleTimeout = try duration(v) },
    Setting(
      key: "body_timeout", flag: "body-timeout",
      help: "Longest pause allowed while a request body is sent (RequestTimeout).",
      defaultValue: "60s"
    ) { c, v throws(ConfigurationError) in
      c.http.bodyStallTimeout = try duration(v)
      c.http.writeStallTimeout = try duration(v)
    },
    Setting(
      key: "min_transfer_rate", flag: "min-transfer-rate",
      help:
        "Slowest average body transfer, bytes/s over transfer_rate_window; slower uploads get RequestTimeout, slower downloads are cut off (0 disables).",
      defaultValue: "1K"
    ) { c, v throws(ConfigurationError) in c.http.minTransferRate = try size(v) },
    Setting(
      key: "transfer_rate_window", flag: "transfer-rate-window",
      help: "The span min_transfer_rate is averaged over.", defaultValue: "20s"
    ) { c, v throws(ConfigurationError) in c.http.transferRateWindow = try duration(v) },
    Setting(
      key: "shutdown_grace", flag: "shutdown-grace",
      help: "On SIGTERM/SIGINT, how long in-flight requests may take to finish.",
      defaultValue: "30s"
    ) { c, v throws(ConfigurationError) in c.http.shutdownGracePeriod = try duration(v) },
    Setting(
      key: "cache_entries", flag: "cache-entries",
      help: "Catalog rows kept in memory so repeated reads skip SQLite (0 disables).",
      defaultValue: "10000"
    ) { c, v throws(ConfigurationError) in c.cacheEntries = try int(v, min: 0, max: 10_000_000) },
    Setting(
      key: "cache_open_files", flag: "cache-open-files",
      help: "Files of cached objects kept open for repeated reads (one descriptor each).",
      defaultValue: "1024"
    ) { c, v throws(ConfigurationError) in c.cacheOpenFiles = try int(v, min: 0, max: 1_000_000) },
    Setting(
      key: "catalog_index", flag: "catalog-index",
      help:
        "Index every object for the data-lake catalog (dataset, partitions, format, statistics) as it is committed (true/false); off, the index catches up when turned on again.",
      defaultValue: "true"
    ) { c, v throws(ConfigurationError) in c.catalogIndex = try bool(v) },
    Setting(
      key: "catalog_index_delay", flag: "catalog-index-delay",
      help:
        "How long the indexer, woken by a write, lets more writes gather before it indexes them in one batch.",
      defaultValue: "200ms"
    ) { c, v throws(ConfigurationError) in c.catalogIndexDelay = try duration(v) },
    Setting(
      key: "catalog_index_nice", flag: "catalog-index-nice",
      help:
        "The indexer thread's nice value, 0-19: above 0 it yields the CPU to requests, and the index lags under load instead.",
      defaultValue: "10"
    ) { c, v throws(ConfigurationError) in c.catalogIndexNice = try int(v, min: 0, max: 19) },
    Setting(
      key: "log_level", flag: "log-level",
      help: "trace, debug, info, notice, warning, error or critical.", defaultValue: "info"
    ) { c, v throws(ConfigurationError) in
      let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
      guard levels.contains(v.lowercased()) else {
        throw ConfigurationError("'\(v)' must be one of \(levels.joined(separator: ", "))")
      }
      c.logLevel = v.lowercased()
    },
    Setting(
      key: "access_log", flag: "access-log", help: "Write one log line per request (true/false).",
      defaultValue: "true"
    ) { c, v throws(ConfigurationError) in c.accessLog = try bool(v) },
    Setting(
      key: "access_log_flush", flag: "access-log-flush",
      help:
        "How often buffered access-log lines are written (also when 64 KiB gather); a crash loses at most this span of lines.",
      defaultValue: "100ms"
    ) { c, v throws(ConfigurationError) in c.accessLogFlush = try duration(v) },
    Setting(
      key: "require_content_sha256", flag: "require-content-sha256",
      help:
        "Refuse header-signed requests without x-amz-content-sha256, as AWS does (curl 7.x sends none).",
      defaultValue: "false"
    ) { c, v throws(ConfigurationError) in c.requireContentSHA256 = try bool(v) },
  ]
}
