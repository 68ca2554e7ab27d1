import Glibc

/// Turns a handler's response head into the bytes of a status line and header section.
/// Pure: the date and the connection decision come in as arguments.
enum HTTPResponseSerializer {
  /// The head to send and whether a body follows it.
  struct Plan {
    /// The final header fields, as sent.
    var headers: HTTPHeaders
    /// Status line, fields and the empty line.
    var bytes: [UInt8]
    /// Whether the body is written after the head (false for HEAD, 1xx, 204 and 304).
    var writesBody: Bool
  }

  /// Builds the head for `head` with `body`, answering a `method` request; see
  /// ``HTTPResponse`` for the rules.
  static func plan(
    _ head: HTTPResponseHead, body: HTTPResponseBody, method: String, version: HTTPVersion,
    keepAlive: Bool, date: String
  ) -> Plan {
    let status = head.status
    var headers = head.headers
    // RFC 9112 §6.1: we always frame bodies with Content-Length, never a transfer coding.
    headers.remove(name: "Transfer-Encoding")
    // RFC 9110 §8.6: no Content-Length in 1xx and 204 responses.
    let lengthForbidden = (100..<200).contains(status) || status == 204
    // RFC 9110 §9.3.2 and §15.4.5: HEAD answers and 304s carry no body, but may announce
    // the length the body would have had.
    let writesBody = !lengthForbidden && status != 304 && method != "HEAD"
    if lengthForbidden {
      headers.remove(name: "Content-Length")
    } else {
      switch body {
      case .empty:
        if writesBody {
          // A length on an empty body that is written would desynchronise the client.
          headers.replaceOrAdd(name: "Content-Length", value: "0")
        } else if !headers.contains("Content-Length") && status != 304 {
          headers.add(name: "Content-Length", value: "0")
        }
      case .bytes(let bytes):
        headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
      case .file(let region):
        headers.replaceOrAdd(name: "Content-Length", value: String(region.count))
      }
    }
    if !keepAlive {
      headers.replaceOrAdd(name: "Connection", value: "close")
    } else if version.minor == 0 {
      // RFC 9112 §9.3: an HTTP/1.0 connection persists only when keep-alive is echoed.
      headers.replaceOrAdd(name: "Connection", value: "keep-alive")
    }
    if !headers.contains("Date") { headers.add(name: "Date", value: date) }
    if !headers.contains("Server") { headers.add(name: "Server", value: "LakeStore") }
    return Plan(headers: headers, bytes: serialize(status: status, headers), writesBody: writesBody)
  }

  /// `HTTP/1.1 status reason`, the fields and the empty line. Bytes that would split the
  /// response (CR, LF, NUL) are replaced by spaces.
  static func serialize(status: Int, _ headers: HTTPHeaders) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(512)
    bytes.append(contentsOf: "HTTP/1.1 ".utf8)
    appendDecimal(status, to: &bytes)
    bytes.append(UInt8(ascii: " "))
    bytes.append(contentsOf: HTTPStatusReason.phrase(status).utf8)
    bytes.append(contentsOf: "\r\n".utf8)
    for field in headers {
      appendSanitized(field.name, to: &bytes)
      bytes.append(contentsOf: ": ".utf8)
      appendSanitized(field.value, to: &bytes)
      bytes.append(contentsOf: "\r\n".utf8)
    }
    bytes.append(contentsOf: "\r\n".utf8)
    return bytes
  }

  private static func appendSanitized(_ text: String, to bytes: inout [UInt8]) {
    let start = bytes.count
    bytes.append(contentsOf: text.utf8)
    for index in start..<bytes.count {
      let byte = bytes[index]
      if byte == 0x0D || byte == 0x0A || byte == 0x00 { bytes[index] = 0x20 }
    }
  }

  private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
    if (100...999).contains(value) {
      bytes.append(UInt8(ascii: "0") + UInt8(value / 100))
      bytes.append(UInt8(ascii: "0") + UInt8(value / 10 % 10))
      bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    } else {
      bytes.append(contentsOf: String(value).utf8)
    }
  }

  /// A response the server sends on its own (parse errors, refusals, timeouts), always
  /// closing the connection: `response` framed as a `GET` answer, with its bytes body (a file
  /// body is not sent; its descriptor is closed).
  static func errorResponse(_ response: HTTPResponse, date: String) -> [UInt8] {
    var body: [UInt8] = []
    switch response.body {
    case .empty: break
    case .bytes(let bytes): body = bytes
    case .file(let region): region.release()
    }
    let plan = plan(
      response.head, body: .bytes(body), method: "GET", version: HTTPVersion(major: 1, minor: 1),
      keepAlive: false, date: date)
    return plan.writesBody ? plan.bytes + body : plan.bytes
  }
}
