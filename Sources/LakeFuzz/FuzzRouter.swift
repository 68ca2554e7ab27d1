import LakeHTTP
import LakeS3

/// `router`: `S3Router` from method, raw request-target and header fields to an operation.
///
/// Input: a first line `METHOD TARGET` (split at the first space; the target is used as is,
/// whatever bytes it holds), then `name: value` lines. The target is split into path and query
/// as the HTTP layer does (`HTTPRequestHead`), then routed path-style and with virtual-host
/// domains, as `S3RequestHandler.route` does.
///
/// Invariants: routing never traps and is deterministic; a routed operation names a non-empty
/// bucket and key where it names them; path-style, `/bucket/key` decoded is the path; virtual-
/// host style, the bucket is the host's first labels; thrown errors carry a 4xx status.
let routerTarget = FuzzTarget(
  name: "router",
  summary: "S3Router: method + raw target + headers -> S3Operation; bucket/key invariants",
  run: { data in
    let lines = fuzzLines(data)
    let first = lines[0]
    let method: String
    let target: String
    if let space = first.firstIndex(of: UInt8(ascii: " ")) {
      method = fuzzText(first[..<space])
      target = fuzzText(first[(space + 1)...])
    } else {
      method = "GET"
      target = fuzzText(first)
    }
    var headers = HTTPHeaders()
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
      headers.add(
        name: fuzzText(line[..<colon]), value: fuzzFieldValue(line[(colon + 1)...]))
    }
    let head = HTTPRequestHead(method: method, target: target, headers: headers)
    let host = head.headers["host"]
    for router in [pathStyleRouter, virtualHostRouter] {
      let result = routeForFuzz(router, head: head, host: host)
      fuzzCheck(
        "\(result)" == "\(routeForFuzz(router, head: head, host: host))",
        "routing not deterministic")
      guard case .success(let operation) = result else { continue }
      checkOperation(operation, head: head, host: host, router: router)
    }
  })

let pathStyleRouter = S3Router()
let virtualHostRouter = S3Router(virtualHostDomains: ["s3.example.com", "localhost"])

func routeForFuzz(_ router: S3Router, head: HTTPRequestHead, host: String?) -> Result<
  S3Operation, S3Error
> {
  do throws(S3Error) {
    return .success(
      try router.route(
        method: head.method, rawPath: head.path, rawQuery: head.query, host: host,
        header: { head.headers[$0] }))
  } catch {
    fuzzCheck(
      (400...501).contains(error.status), "router threw status \(error.status): \(error)")
    return .failure(error)
  }
}

func checkOperation(
  _ operation: S3Operation, head: HTTPRequestHead, host: String?, router: S3Router
) {
  _ = operation.name
  _ = operation.isReadOnly
  if let bucket = operation.bucket { fuzzCheck(!bucket.isEmpty, "empty bucket: \(operation)") }
  if let key = operation.key {
    fuzzCheck(!key.isEmpty, "empty key: \(operation)")
    fuzzCheck(operation.bucket != nil, "key without bucket: \(operation)")
  }
  guard let path = URIEncoding.decode(head.path, plusIsSpace: false) else {
    fuzzCheck(false, "routed an undecodable path \(head.path)")
    return
  }
  let vhostBucket = vhostPrefix(host, domains: router.virtualHostDomains)
  if let vhostBucket {
    if let bucket = operation.bucket {
      fuzzCheck(bucket == vhostBucket, "virtual-host bucket \(bucket) vs host \(host ?? "")")
    }
    if let key = operation.key { fuzzCheck("/" + key == path, "vhost key \(key) vs \(path)") }
  } else {
    switch operation {
    case .listBuckets:
      fuzzCheck(path == "/", "ListBuckets for path \(path)")
    default:
      guard let bucket = operation.bucket else {
        fuzzCheck(operation.name == "CORS preflight (OPTIONS)", "no bucket: \(operation)")
        return
      }
      let expected = "/" + bucket + (operation.key.map { "/" + $0 } ?? "")
      // A bucket-level request may end in one slash (`/bucket/`).
      fuzzCheck(
        path == expected || (operation.key == nil && path == expected + "/"),
        "path \(path) routed to \(operation)")
    }
  }
  if case .listObjectsV1(_, let p) = operation { fuzzCheck((0...1000).contains(p.maxKeys), "max") }
  if case .listObjectsV2(_, let p) = operation { fuzzCheck((0...1000).contains(p.maxKeys), "max") }
  if case .listMultipartUploads(_, let p) = operation {
    fuzzCheck((0...1000).contains(p.maxUploads), "max-uploads")
  }
  if case .listParts(_, _, let p) = operation {
    fuzzCheck((0...1000).contains(p.maxParts), "max-parts")
  }
  if case .uploadPart(_, _, _, let part) = operation {
    fuzzCheck((1...10_000).contains(part), "partNumber \(part)")
  }
  if case .listBuckets(let p) = operation, let max = p.maxBuckets {
    fuzzCheck((1...10_000).contains(max), "max-buckets")
  }
  if case .getObject(_, _, let p) = operation, let part = p.partNumber {
    fuzzCheck((1...10_000).contains(part), "partNumber \(part)")
  }
}

/// The bucket a virtual-host router should take from `host`, computed independently.
func vhostPrefix(_ host: String?, domains: [String]) -> String? {
  guard var name = host?.lowercased(), !domains.isEmpty else { return nil }
  if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") { name = String(name[..<colon]) }
  for domain in domains where name.hasSuffix("." + domain) {
    let bucket = String(name.dropLast(domain.count + 1))
    if !bucket.isEmpty { return bucket }
  }
  return nil
}
