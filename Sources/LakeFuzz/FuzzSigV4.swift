import Foundation
import LakeHTTP
import LakeS3

/// `sigv4`: raw requests, as they reach the verifier. The input is an HTTP request head; it is
/// parsed with `HTTPRequestParser` (so only heads the server would accept get through) and
/// handed to `SigV4Verifier` exactly as `S3RequestHandler.authorize` does, with the fixed key
/// of `FuzzKeys` at the seeds' date. The seeds are correctly signed header-form and presigned
/// requests, so mutations explore the Authorization header and query parsing, the credential
/// scope, dates, signed-header checks, canonicalisation and the comparison.
///
/// Invariants: no trap; an accepted request names the fixed access key, its scope and date,
/// and a payload consistent with `x-amz-content-sha256`; an accepted request is rejected once
/// its signature is changed; a refusal carries a 4xx status.
let sigV4Target = FuzzTarget(
  name: "sigv4",
  summary: "SigV4Verifier on parsed raw heads (Authorization header and presigned query)",
  run: { data in
    var parser = HTTPRequestParser()
    guard case .complete(let request, _) = parser.parse(data) else { return }
    let head = request.head
    let view = SigV4RequestView(
      method: head.method, rawPath: head.path, rawQuery: head.query,
      headers: head.headers.map { (name: $0.name, value: $0.value) })
    let result = fuzzVerify(view, now: FuzzKeys.now)
    if fuzzVerbose { printError("sigv4: \(result)\n") }
    if case .failure(let error) = result {
      fuzzCheck(error.status < 500, "server error \(error)")
    }
    guard case .success(let authentication?) = result else { return }
    fuzzCheck(authentication.accessKey == FuzzKeys.accessKey, "accepted another access key")
    fuzzCheck(authentication.signature.utf8.count == 64, "signature not 64 hex digits")
    fuzzCheck(authentication.scope.hasSuffix("/us-east-1/s3/aws4_request"), "scope")
    if !authentication.presigned {
      let claimed = head.headers["x-amz-content-sha256"]
      switch authentication.payload {
      case .unsigned: fuzzCheck(claimed == SigV4.unsignedPayload, "unsigned payload")
      case .streaming(let mode): fuzzCheck(claimed == mode, "streaming mode")
      case .sha256(let digest):
        fuzzCheck(claimed.flatMap(Hex.decode) == digest, "payload digest")
      }
    }
    // Change the signature: the request must be refused.
    var tampered = view
    if authentication.presigned {
      tampered.rawQuery = view.rawQuery.map(flipSignatureInQuery)
    } else {
      tampered.headers = view.headers.map { field in
        field.name.lowercased() == "authorization"
          ? (name: field.name, value: flipSignatureInAuthorization(field.value)) : field
      }
    }
    if case .success = fuzzVerify(tampered, now: FuzzKeys.now) {
      fuzzCheck(false, "a changed signature was accepted")
    }
  })

/// Changes the last hex digit of `text` to another one (`0` <-> `1`).
func flipLastHexDigit(_ text: String) -> String {
  var bytes = Array(text.utf8)
  guard let index = bytes.lastIndex(where: { isUpperHexDigit($0) || (0x61...0x66).contains($0) })
  else { return text + "0" }
  bytes[index] = bytes[index] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
  return String(decoding: bytes, as: UTF8.self)
}

/// Changes the signature of an `Authorization` value: the verifier uses the last
/// comma-separated `Signature=` field.
func flipSignatureInAuthorization(_ value: String) -> String {
  var pieces = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
  guard
    let index = pieces.lastIndex(where: {
      $0.trimmingCharacters(in: .whitespaces).hasPrefix("Signature=")
    })
  else { return value + "0" }
  pieces[index] = flipLastHexDigit(pieces[index])
  return pieces.joined(separator: ",")
}

/// Changes the signature of a presigned query: the verifier uses the first decoded
/// `X-Amz-Signature`. The query is rebuilt from its decoded pairs (presigned verification
/// canonicalises the pairs, never the raw text).
func flipSignatureInQuery(_ query: String) -> String {
  guard var pairs = URIEncoding.parseQuery(query),
    let index = pairs.firstIndex(where: { $0.name == "X-Amz-Signature" })
  else { return query }
  pairs[index].value = flipLastHexDigit(pairs[index].value)
  return pairs.map {
    URIEncoding.encode($0.name, keepSlash: false) + "="
      + URIEncoding.encode($0.value, keepSlash: false)
  }.joined(separator: "&")
}
