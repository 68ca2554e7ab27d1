extension HTTPRequestParser {
  /// Decides how the body of `head` is delimited and whether the connection may persist
  /// (RFC 9112 §6.3, §9.3), rejecting heads whose framing cannot be trusted.
  static func frame(_ head: HTTPRequestHead) -> Result<HTTPParsedRequest, HTTPParseError> {
    let http11 = head.version.minor >= 1
    // One pass over the fields, collecting the few that decide framing.
    var hosts = 0
    var connectionValues: [String] = []
    var transferEncodings: [String] = []
    var contentLengths: [String] = []
    var expect: String?
    for field in head.headers {
      switch field.name.utf8.count {
      case 4 where HTTPHeaders.equalNames(field.name, "Host"): hosts += 1
      case 6 where HTTPHeaders.equalNames(field.name, "Expect"): expect = expect ?? field.value
      case 10 where HTTPHeaders.equalNames(field.name, "Connection"):
        connectionValues.append(field.value)
      case 14 where HTTPHeaders.equalNames(field.name, "Content-Length"):
        contentLengths.append(field.value)
      case 17 where HTTPHeaders.equalNames(field.name, "Transfer-Encoding"):
        transferEncodings.append(field.value)
      default: break
      }
    }
    // RFC 9112 §3.2: a 1.1 request without Host, or with several, gets 400.
    if hosts > 1 || (http11 && hosts == 0) {
      return .failure(.badRequest(hosts == 0 ? "missing Host" : "several Host fields"))
    }
    var keepAlive: Bool
    let connection = HTTPHeaders.tokens(of: connectionValues)
    if connection.contains("close") {
      keepAlive = false
    } else {
      keepAlive = http11 || connection.contains("keep-alive")
    }
    let framing: HTTPBodyFraming
    if !transferEncodings.isEmpty {
      // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
      guard http11 else { return .failure(.badRequest("Transfer-Encoding in HTTP/1.0")) }
      let codings = HTTPHeaders.tokens(of: transferEncodings)
      if let unknown = codings.first(where: { $0 != "chunked" }) {
        // RFC 9112 §6.1: a transfer coding the server does not understand gets 501.
        return .failure(HTTPParseError(status: 501, reason: "transfer coding \(unknown)"))
      }
      // RFC 9112 §6.1: chunked is applied exactly once.
      guard codings.count == 1 else { return .failure(.badRequest("chunked applied twice")) }
      framing = .chunked
      // RFC 9112 §6.3 item 3: with both, chunked wins and the connection must close after
      // the response, as the message may be an attempt at request smuggling.
      if !contentLengths.isEmpty { keepAlive = false }
    } else if !contentLengths.isEmpty {
      switch contentLength(contentLengths) {
      case .success(let length): framing = .length(length)
      case .failure(let error): return .failure(error)
      }
    } else {
      framing = .none
    }
    let expectation = expect.map { Substring($0).trimmingOWS().lowercased() }
    return .success(
      HTTPParsedRequest(
        head: head, framing: framing, keepAlive: keepAlive,
        expectsContinue: http11 && expectation == "100-continue"))
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
