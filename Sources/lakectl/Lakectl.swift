import ArgumentParser
import CLakeSystem
import Dispatch
import Foundation
import LakeClient

#if canImport(Glibc)
  import Glibc
#endif

/// `lakectl`: the command line over LakeClient.
struct Lakectl: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lakectl",
    abstract: "Put, get, list and manage objects in LakeStore or any S3 service.",
    discussion: """
      Remote locations are s3://BUCKET/KEY (or lake://BUCKET/KEY); '-' is standard input or \
      output. Settings come from --endpoint/--profile, LAKESTORE_* and AWS_* variables, and the \
      profile file 'lakectl config' writes. Exit status: 0 success, 1 failure, 2 usage error.
      """,
    version: LakectlVersion.text,
    subcommands: [
      MakeBucket.self, RemoveBucket.self, List.self, Put.self, Get.self, Cat.self, Remove.self,
      Stat.self, Copy.self, Sync.self, TreeCommand.self, DiskUsage.self, Find.self, Presign.self,
      Query.self, Datasets.self, Partitions.self, Schema.self, Manifest.self, DuckLake.self,
      Changes.self, Config.self, Doctor.self, Completion.self,
      Version.self,
    ])
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
  @Option(
    help: "Service URL, such as http://127.0.0.1:9000 (default: from the environment or profile).")
  var endpoint: String?

  @Option(help: "Profile in the profile file (default: $LAKESTORE_PROFILE or 'default').")
  var profile: String?

  @Option(help: "Region to sign for (default: from the environment or profile, else us-east-1).")
  var region: String?

  @Flag(help: "Print the HTTP exchange on standard error, secrets redacted.")
  var debug = false

  @Option(
    help:
      "Attempts per request on connection errors, 5xx and SlowDown, with jittered backoff up to 5 s (default 10, as s5cmd)."
  )
  var attempts = 10

  /// A client for these options.
  func client() throws -> LakeClient {
    var environment = ProcessInfo.processInfo.environment
    if let profile { environment["LAKESTORE_PROFILE"] = profile }
    if let endpoint { environment["LAKESTORE_ENDPOINT"] = endpoint }
    if let region { environment["LAKESTORE_REGION"] = region }
    var configuration = try LakeClientConfiguration.resolve(environment: environment)
    configuration.retry = RetryPolicy(maxAttempts: attempts, baseDelay: 0.1, maxDelay: 5)
    if debug {
      configuration.debugLog = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
    return LakeClient(configuration: configuration)
  }
}

/// Options of commands that print results.
struct OutputOptions: ParsableArguments {
  @Flag(help: "One JSON object per line instead of columns.")
  var json = false
}

@main
enum LakectlMain {
  static func main() async {
    // Buffers of 1 MiB and more (transfer parts and ranges) are mapped on their own and
    // unmapped when freed. glibc would otherwise raise this threshold after the first free and
    // keep later part buffers in its heaps, where freed parts stay resident: peak RSS of a
    // 1 GiB upload went from ~175 to ~105 MiB with it.
    _ = lake_set_mmap_threshold(1 << 20)
    // Response chunks are allocated on URLSession's threads and freed on others; with glibc's
    // default of 8 arenas per core each thread's arena kept its own freed chunks, and the peak
    // RSS of a 1 GiB download moved between 98 and 123 MiB from run to run (61-78 with 2).
    _ = lake_set_arena_max(2)
    let command: any ParsableCommand
    do {
      command = try Lakectl.parseAsRoot()
    } catch {
      exitForParseError(error)
    }
    // Run the command in a task that SIGINT and SIGTERM cancel, so an interrupted transfer
    // aborts its multipart upload (and removes its partial file) before lakectl exits 130.
    // The parsed command moves into the task and is not touched here again.
    nonisolated(unsafe) let parsed = command
    let work = Task { try await run(parsed) }
    let interrupts = onInterrupt { work.cancel() }
    let result = await work.result
    for source in interrupts { source.cancel() }
    switch result {
    case .success: exit(0)
    case .failure(let error as LakeClientError) where error.kind == .cancelled:
      Terminal.error("interrupted")
      exit(130)
    case .failure(let error as LakeClientError):
      Terminal.fail(error)
    case .failure(let error as LakectlFailure):
      Terminal.error(error.message)
      exit(1)
    case .failure(let error):
      if work.isCancelled {
        Terminal.error("interrupted")
        exit(130)
      }
      exitForParseError(error)
    }
  }

  /// Runs `action` (on a dispatch queue, not the main actor) at each SIGINT or SIGTERM.
  nonisolated private static func onInterrupt(_ action: @escaping @Sendable () -> Void)
    -> [any DispatchSourceSignal]
  {
    [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler(handler: action)
      source.resume()
      return source
    }
  }

  private static func run(_ command: any ParsableCommand) async throws {
    var command = command
    if var asyncCommand = command as? AsyncParsableCommand {
      try await asyncCommand.run()
    } else {
      try command.run()
    }
  }

  /// Help and version exit 0; usage errors exit 2 (ArgumentParser's own is 64, EX_USAGE);
  /// other errors exit 1 with one line.
  private static func exitForParseError(_ error: any Error) -> Never {
    let code = Lakectl.exitCode(for: error)
    if code == .success {
      print(Lakectl.fullMessage(for: error))
      exit(0)
    }
    FileHandle.standardError.write(Data((Lakectl.fullMessage(for: error) + "\n").utf8))
    exit(code == .validationFailure ? 2 : 1)
  }
}

/// A failure of lakectl itself (not of the service), printed as one line; exit status 1.
struct LakectlFailure: Error {
  var message: String
  init(_ message: String) { self.message = message }

  /// A batch delete that left keys behind: the first one's reason and how many.
  init(bucket: String, undeleted: [DeleteFailure]) {
    let first = undeleted[0]
    message =
      "\(first.code): \(first.message) (s3://\(bucket)/\(first.key)); \(undeleted.count) keys not deleted"
  }
}

/// The version `lakectl version` prints.
enum LakectlVersion {
  static let text = "0.1.0"
}
