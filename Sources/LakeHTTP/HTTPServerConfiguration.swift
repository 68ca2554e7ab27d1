import CLakeSystem

/// Everything an ``HTTPServer`` can be tuned with. Each field documents its default.
///
/// Configure a value mutably, then hand it to ``HTTPServer/init(configuration:handler:logger:)``,
/// which freezes it for the server's lifetime.
public struct HTTPServerConfiguration: Sendable {
  /// The address to listen on, numeric or a name. Default `"127.0.0.1"`.
  public var host: String = "127.0.0.1"
  /// The TCP port; 0 picks a free one, which ``HTTPServer/start()`` returns. Default 9000.
  public var port: Int = 9000
  /// Event-loop threads, each with its own epoll and `SO_REUSEPORT` listening socket. They
  /// accept connections and read request heads. Default: the number of online cores.
  public var eventLoopCount: Int = Int(lake_cpu_count())
  /// Worker threads that run the handler, read bodies and write responses; at most this many
  /// requests are handled at once. Default 64.
  public var workerCount: Int = 64
  /// Open connections allowed; a connection past it gets a minimal `503` with
  /// `Connection: close` and is closed. Default 1024.
  public var maxConnections: Int = 1024
  /// The longest request line accepted; longer ones get `400 Bad Request`. Default 16 KiB.
  public var maxRequestLineBytes: Int = 16 * 1024
  /// The largest request head (request line and all header lines); larger heads get
  /// `431 Request Header Fields Too Large` (RFC 6585 §5). Default 64 KiB.
  public var maxHeaderBytes: Int = 64 * 1024
  /// The most header fields in one request; more get `431`. Default 100.
  public var maxHeaderCount: Int = 100
  /// The largest request body: a larger `Content-Length` or a chunked body growing past it
  /// makes ``HTTPRequestBody/read(into:)`` throw ``HTTPBodyError/tooLarge``. Default 5 GiB.
  public var maxBodyBytes: Int64 = 5 * 1024 * 1024 * 1024
  /// How long a client has to finish a request head from its first byte (slowloris guard);
  /// then a `408` is sent and the connection closed. Default 30 s.
  public var headerReadTimeout: Duration = .seconds(30)
  /// How long a connection may sit without a request (after accept or between keep-alive
  /// requests) before it is closed. Default 60 s.
  public var idleTimeout: Duration = .seconds(60)
  /// How long a body read waits for the next bytes before throwing
  /// ``HTTPBodyError/timeout``; the connection closes after that response. Default 60 s.
  public var bodyStallTimeout: Duration = .seconds(60)
  /// How long a response write waits for the socket to accept more bytes before the
  /// connection is dropped. Default 60 s.
  public var writeStallTimeout: Duration = .seconds(60)
  /// The slowest a request or response body may move once it has started: at least this
  /// many bytes per second on average over every ``transferRateWindow``, else the transfer
  /// ends (an upload with ``HTTPBodyError/timeout``, a download by closing the connection).
  /// 0 turns the check off. Default 1 KiB/s.
  public var minTransferRate: Int64 = 1024
  /// The span ``minTransferRate`` is averaged over. Default 20 s.
  public var transferRateWindow: Duration = .seconds(20)
  /// How long ``HTTPServer/shutdown()`` lets in-flight requests finish before closing their
  /// connections. Default 30 s.
  public var shutdownGracePeriod: Duration = .seconds(30)

  /// Creates a configuration with every default.
  public init() {}

  /// The limits request bodies are read within.
  var bodyLimits: TransferLimits {
    TransferLimits(
      stall: bodyStallTimeout, minimumRate: minTransferRate, window: transferRateWindow)
  }

  /// The limits responses are written within.
  var writeLimits: TransferLimits {
    TransferLimits(
      stall: writeStallTimeout, minimumRate: minTransferRate, window: transferRateWindow)
  }
}

extension Duration {
  /// The duration in whole milliseconds, rounded up so a short timeout never becomes 0,
  /// clamped to `Int32` for `poll(2)` and `epoll_wait(2)`.
  var pollMilliseconds: Int32 {
    let (seconds, attoseconds) = components
    if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
    let millis = seconds.multipliedReportingOverflow(by: 1000)
    if millis.overflow { return Int32.max }
    let total = millis.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: total)
  }
}
