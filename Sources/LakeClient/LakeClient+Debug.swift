import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

extension LakeClient {
  /// `> GET http://host/bucket/key` and the headers, the signature redacted.
  static func describe(_ request: URLRequest) -> String {
    var lines = [
      "> \(request.httpMethod ?? "GET") \(redactQuery(request.url?.absoluteString ?? ""))"
    ]
    for (name, value) in (request.allHTTPHeaderFields ?? [:]).sorted(by: { $0.key < $1.key }) {
      lines.append("> \(name): \(redactHeader(name, value))")
    }
    return lines.joined(separator: "\n")
  }

  /// `< 200` and the headers.
  static func describe(_ response: Response) -> String {
    var lines = ["< \(response.status)"]
    for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
      lines.append("< \(name): \(value)")
    }
    if response.status >= 300, !response.body.isEmpty, response.body.count <= 4096 {
      lines.append(String(decoding: response.body, as: UTF8.self))
    }
    return lines.joined(separator: "\n")
  }

  /// The `Signature=` of an Authorization header, and security tokens, become `REDACTED`.
  static func redactHeader(_ name: String, _ value: String) -> String {
    switch name.lowercased() {
    case "authorization":
      guard let range = value.range(of: "Signature=") else { return "REDACTED" }
      return value[..<range.upperBound] + "REDACTED"
    case "x-amz-security-token": return "REDACTED"
    default: return value
    }
  }

  /// The `X-Amz-Signature` (and any security token) of a presigned URL become `REDACTED`.
  static func redactQuery(_ url: String) -> String {
    guard let question = url.firstIndex(of: "?") else { return url }
    let pairs = url[url.index(after: question)...].split(separator: "&").map { pair -> String in
      let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
      return ["X-Amz-Signature", "X-Amz-Security-Token"].contains(name)
        ? name + "=REDACTED" : String(pair)
    }
    return url[...question] + pairs.joined(separator: "&")
  }
}
