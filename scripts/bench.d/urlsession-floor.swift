// The cli phase's reference for what URLSession alone costs: GETs every URL listed in a file
// (presigned, so no signing work here), N at once on one session. lakectl sends its requests
// through the same FoundationNetworking URLSession, so this is the floor under any small-file
// download it does. With DIR, each body is also written as s5cmd writes a download (a new
// temporary file, write, close, rename into place), straight from the completion handler: the
// least a downloader must add. Built by scripts/bench.d/cli.sh with `swiftc -O`.
//
//   urlsession-floor URLS_FILE CONCURRENCY [DIR]
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

let arguments = CommandLine.arguments
guard arguments.count == 3 || arguments.count == 4,
  let list = try? String(contentsOfFile: arguments[1], encoding: .utf8),
  let concurrency = Int(arguments[2]), concurrency > 0
else {
  FileHandle.standardError.write(
    Data("usage: urlsession-floor URLS_FILE CONCURRENCY [DIR]\n".utf8))
  exit(2)
}
let folder = arguments.count == 4 ? arguments[3] : nil
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
for (index, url) in urls.enumerated() {
  slots.wait()
  all.enter()
  session.dataTask(with: url) { data, response, error in
    if error != nil || (response as? HTTPURLResponse)?.statusCode != 200 {
      failures.add()
    } else if let folder, !Files.write(data ?? Data(), to: "\(folder)/\(index)") {
      failures.add()
    }
    slots.signal()
    all.leave()
  }.resume()
}
all.wait()
if failures.count > 0 {
  FileHandle.standardError.write(Data("\(failures.count) of \(urls.count) GETs failed\n".utf8))
  exit(1)
}

enum Files {
  /// Writes `data` to a new temporary file beside `path` and renames it into place.
  static func write(_ data: Data, to path: String) -> Bool {
    let temporary = path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    let written = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    close(fd)
    return written == data.count && rename(temporary, path) == 0
  }
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
