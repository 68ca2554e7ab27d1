// The cli phase's reference for what URLSession alone costs: GETs every URL listed in a file
// (presigned, so no signing work here), N at once on one session, and keeps nothing. lakectl
// sends its requests through the same FoundationNetworking URLSession, so this is the floor
// under any small-file download it does. Built by scripts/bench.d/cli.sh with `swiftc -O`.
//
//   urlsession-floor URLS_FILE CONCURRENCY
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

let arguments = CommandLine.arguments
guard arguments.count == 3, let list = try? String(contentsOfFile: arguments[1], encoding: .utf8),
  let concurrency = Int(arguments[2]), concurrency > 0
else {
  FileHandle.standardError.write(Data("usage: urlsession-floor URLS_FILE CONCURRENCY\n".utf8))
  exit(2)
}
let urls = list.split(separator: "\n").compactMap { URL(string: String($0)) }
let configuration = URLSessionConfiguration.ephemeral
configuration.httpMaximumConnectionsPerHost = concurrency
// As LakeClient configures its session: no cache (corelibs would scan its cache folder on every
// request) and no cookies.
configuration.urlCache = nil
configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
configuration.httpCookieAcceptPolicy = .never
configuration.httpShouldSetCookies = false
let session = URLSession(configuration: configuration)
let slots = DispatchSemaphore(value: concurrency)
let all = DispatchGroup()
let failures = Failures()
for url in urls {
  slots.wait()
  all.enter()
  session.dataTask(with: url) { _, response, error in
    if error != nil || (response as? HTTPURLResponse)?.statusCode != 200 { failures.add() }
    slots.signal()
    all.leave()
  }.resume()
}
all.wait()
if failures.count > 0 {
  FileHandle.standardError.write(Data("\(failures.count) of \(urls.count) GETs failed\n".utf8))
  exit(1)
}

final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func add() {
    lock.lock()
    value += 1
    lock.unlock()
  }
  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
}
