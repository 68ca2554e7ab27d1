extension HTTPRequestParser {
  /// Decides how the body of `head` is delimited and whether the connection may persist
  /// (RFC 9112 §6.3, §9.3), rejecting heads whose framing cannot be trusted.
  static func frame(_ head: HTTPRequestHead) -> Result<HTTPParsedRequest, HTTPParseError> {
    let headers = head.headers
    let http11 = head.version.minor >= 1
    // RFC 9112 §3.2: a 1.1 request without Host, or with several, gets 400.
    let hosts = headers.values("Host").count
    if hosts > 1 || (http11 && hosts == 0) {
      return .failure(.badRequest(hosts == 0 ? "missing Host" : "several Host fields"))
    }
    var keepAlive: Bool
    let connection = headers.tokens("Connection")
    if connection.contains("close") {
      keepAlive = false
    } else {
      keepAlive = http11 || connection.contains("keep-alive")
    }
    let framing: HTTPBodyFraming
    if headers.contains("Transfer-Encoding") {
      // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
      guard http11 else { return .failure(.badRequest("Transfer-Encoding in HTTP/1.0")) }
      let codings = headers.tokens("Transfer-Encoding")
      if let unknown = codings.first(where: { $0 != "chunked" }) {
        // RFC 9112 §6.1: a transfer coding the server does not understand gets 501.
        return .failure(HTTPParseError(status: 501, reason: "transfer coding \(unknown)"))
      }
      // RFC 9112 §6.1: chunked is applied exactly once.
      guard codings.count == 1 else { return .failure(.badRequest("chunked applied twice")) }
      framing = .chunked
      // RFC 9112 §6.3 item 3: with both, chunked wins and the connection must close after
      // the response, as the message may be an attempt at request smuggling.
      if headers.contains("Content-Length") { keepAlive = false }
    } else if headers.contains("Content-Length") {
      switch contentLength(headers.values("Content-Length")) {
      case .success(let length): framing = .length(length)
      case .failure(let error): return .failure(error)
      }
    } else {
      framing = .none
    }
    let expect = headers["Expect"].map { Substring($0).trimmingOWS().lowercased() }
    return .success(
      HTTPParsedRequest(
        head: head, framing: framing, keepAlive: keepAlive,
        expectsContinue: http11 && expect == "100-continue"))
  }

  /// The value of one or more `Content-Length` fields: `1*DIGIT`, where a list or repeated
  /// fields of one identical value count as that value and differing values are an error
  /// (RFC 9110 §8.6, RFC 9112 §6.3 item 5).
  static func contentLength(_ values: [String]) -> Result<Int64, HTTPParseError> {
    var result: Int64?
    for value in values {
      for member in value.split(separator: ",", omittingEmptySubsequences: false) {
        let digits = member.trimmingOWS()
        guard !digits.isEmpty, digits.utf8.allSatisfy(isDigit) else {
          return .failure(.badRequest("invalid Content-Length"))
        }
        var length: Int64 = 0
        for digit in digits.utf8 {
          let (times, overflow1) = length.multipliedReportingOverflow(by: 10)
          let (sum, overflow2) = times.addingReportingOverflow(Int64(digit - 0x30))
          if overflow1 || overflow2 { return .failure(.badRequest("Content-Length overflows")) }
          length = sum
        }
        if let result, result != length {
          return .failure(.badRequest("differing Content-Length values"))
        }
        result = length
      }
    }
    guard let result else { return .failure(.badRequest("empty Content-Length")) }
    return .success(result)
  }
}
