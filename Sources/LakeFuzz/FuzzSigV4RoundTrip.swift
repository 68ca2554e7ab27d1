import Foundation
import LakeS3

/// `sigv4-roundtrip`: requests built from fuzzed pieces, signed with `SigV4Signer` and verified
/// with `SigV4Verifier` (fixed key), in both forms.
///
/// Input lines: options (first byte `p` for presigned, else header form; the line's hash picks
/// the payload hash, the date and `X-Amz-Expires`); the method (token bytes kept); the raw path
/// and the raw query (bytes the HTTP parser would refuse are percent-encoded, a literal `%` is
/// kept so malformed escapes occur); then `name: value` fields (sanitised as the parser would
/// deliver them; `Authorization`, `x-amz-date` and `x-amz-content-sha256` are left to the
/// signer, and presigned requests get no `x-amz-*` fields since only `host` is signed).
///
/// Invariants: a correctly signed request verifies (unless its path or, header form, its query
/// is not valid percent-encoding, which must be refused), naming the fixed key and the payload
/// that was signed; changing the signature, the method, the path or (header form) a signed
/// field value, or moving the clock past the skew or the expiry, gets it refused.
let sigV4RoundTripTarget = FuzzTarget(
  name: "sigv4-roundtrip",
  summary: "SigV4Signer -> SigV4Verifier: signed requests verify, tampered ones are refused",
  run: { data in
    let lines = fuzzLines(data)
    let options = lines[0]
    let presigned = options.first == UInt8(ascii: "p")
    let mix = fuzzHash(options)
    let methodBytes = lines.count > 1 ? lines[1].filter(isTokenByte) : []
    let method = methodBytes.isEmpty ? "GET" : fuzzText(methodBytes)
    let pathPiece = lines.count > 2 ? fuzzTargetPiece(lines[2], excluding: Array("?#".utf8)) : ""
    let rawPath = pathPiece.isEmpty ? "/" : pathPiece
    let queryPiece = lines.count > 3 ? fuzzTargetPiece(lines[3], excluding: Array("#".utf8)) : ""
    let rawQuery: String? = queryPiece.isEmpty ? nil : queryPiece
    var host = "localhost:9000"
    var fields: [(name: String, value: String)] = []
    for line in lines.dropFirst(4) {
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
        let name = fuzzFieldName(line[..<colon])
      else { continue }
      let value = fuzzFieldValue(line[(colon + 1)...])
      let lower = name.lowercased()
      if lower == "host" {
        if !value.isEmpty { host = value }
        continue
      }
      if ["authorization", "x-amz-date", "x-amz-content-sha256"].contains(lower) { continue }
      if presigned && lower.hasPrefix("x-amz-") { continue }
      fields.append((name, value))
    }
    let date = FuzzKeys.now + TimeInterval(mix % 400_000_000)
    if presigned {
      let expires = Int((mix >> 32) % 604_800) + 1
      presignedRoundTrip(
        method: method, rawPath: rawPath, rawQuery: rawQuery, host: host, fields: fields,
        date: date, expires: expires, wait: TimeInterval((mix >> 20) % UInt64(expires + 1)))
    } else {
      let payloads = [
        SigV4.unsignedPayload, SigV4.emptyPayloadHash, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        SigV4.sha256Hex(Array(options)), SigV4.sha256Hex(Array(options)).uppercased(),
      ]
      headerRoundTrip(
        method: method, rawPath: rawPath, rawQuery: rawQuery, host: host, fields: fields,
        date: date, payloadHash: payloads[Int((mix >> 40) % UInt64(payloads.count))])
    }
  })

func headerRoundTrip(
  method: String, rawPath: String, rawQuery: String?, host: String,
  fields: [(name: String, value: String)], date: Date, payloadHash: String
) {
  let headers = FuzzKeys.signer.sign(
    method: method, rawPath: rawPath, rawQuery: rawQuery, headers: [("Host", host)] + fields,
    payloadHash: payloadHash, date: date)
  let request = SigV4RequestView(
    method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers)
  let valid =
    SigV4.canonicalURI(rawPath: rawPath) != nil && URIEncoding.parseQuery(rawQuery) != nil
  let result = fuzzVerify(request, now: date)
  guard valid else {
    if case .success = result { fuzzCheck(false, "a request with bad escapes was accepted") }
    return
  }
  guard case .success(let authentication?) = result else {
    fuzzCheck(false, "a correctly signed request was refused: \(result)\n\(request)")
    return
  }
  fuzzCheck(authentication.accessKey == FuzzKeys.accessKey && !authentication.presigned, "auth")
  switch authentication.payload {
  case .unsigned: fuzzCheck(payloadHash == SigV4.unsignedPayload, "payload unsigned")
  case .streaming(let mode): fuzzCheck(payloadHash == mode, "payload streaming")
  case .sha256(let digest): fuzzCheck(Hex.encode(digest) == payloadHash.lowercased(), "payload")
  }

  var tampered: [(String, SigV4RequestView, Date)] = []
  var changed = request
  changed.headers = request.headers.map { field in
    field.name == "Authorization"
      ? (name: field.name, value: flipSignatureInAuthorization(field.value)) : field
  }
  tampered.append(("signature", changed, date))
  changed = request
  changed.method = method + "X"
  tampered.append(("method", changed, date))
  changed = request
  changed.rawPath = rawPath + "x"
  tampered.append(("path", changed, date))
  changed = request
  changed.headers[0].value += "z"  // Host, always signed
  tampered.append(("host value", changed, date))
  if !fields.isEmpty {
    changed = request
    changed.headers[1].value += "z"
    tampered.append(("field value", changed, date))
  }
  tampered.append(("clock", request, date + 901))
  for (what, request, now) in tampered {
    if case .success = fuzzVerify(request, now: now) {
      fuzzCheck(false, "accepted after changing the \(what): \(request)")
    }
  }
}

func presignedRoundTrip(
  method: String, rawPath: String, rawQuery: String?, host: String,
  fields: [(name: String, value: String)], date: Date, expires: Int, wait: TimeInterval
) {
  let query = FuzzKeys.signer.presign(
    method: method, host: host, rawPath: rawPath, rawQuery: rawQuery, expires: expires,
    date: date)
  let request = SigV4RequestView(
    method: method, rawPath: rawPath, rawQuery: query, headers: [("Host", host)] + fields)
  // Query parameters named like the presigned ones would shadow them (the verifier reads
  // the first of each name); such requests are only checked for not trapping.
  let shadowed = (URIEncoding.parseQuery(rawQuery) ?? []).contains { $0.name.hasPrefix("X-Amz-") }
  let result = fuzzVerify(request, now: date + wait)
  if shadowed { return }
  guard SigV4.canonicalURI(rawPath: rawPath) != nil else {
    if case .success = result { fuzzCheck(false, "a request with bad escapes was accepted") }
    return
  }
  guard case .success(let authentication?) = result else {
    fuzzCheck(false, "a correctly presigned request was refused: \(result)\n\(request)")
    return
  }
  fuzzCheck(authentication.presigned && authentication.payload == .unsigned, "presigned auth")

  var tampered: [(String, SigV4RequestView, Date)] = []
  var changed = request
  changed.rawQuery = flipSignatureInQuery(query)
  tampered.append(("signature", changed, date))
  changed = request
  changed.method = method + "X"
  tampered.append(("method", changed, date))
  changed = request
  changed.rawPath = rawPath + "x"
  tampered.append(("path", changed, date))
  changed = request
  changed.headers[0].value += "z"
  tampered.append(("host value", changed, date))
  tampered.append(("clock (expired)", request, date + TimeInterval(expires) + 1))
  tampered.append(("clock (not yet valid)", request, date - 901))
  for (what, request, now) in tampered {
    if case .success = fuzzVerify(request, now: now) {
      fuzzCheck(false, "accepted after changing the \(what): \(request)")
    }
  }
}
