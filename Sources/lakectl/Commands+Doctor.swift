import ArgumentParser
import Foundation
import LakeClient
import LakeS3

struct Doctor: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check the settings, the endpoint, the keys and the clock, and say what is wrong.")

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    var problems = 0
    func report(_ ok: Bool, _ line: String) {
      print((ok ? "ok    " : "FAIL  ") + line)
      if !ok { problems += 1 }
    }
    let client: LakeClient
    do {
      client = try global.client()
    } catch let error as LakeClientError {
      report(false, "settings: \(error.message)")
      throw ExitCode(1)
    }
    let configuration = client.configuration
    report(
      true,
      "settings: endpoint \(configuration.endpoint.absoluteString), region \(configuration.region)")
    if let credentials = configuration.credentials {
      report(true, "keys: access key \(credentials.accessKey)")
    } else {
      report(
        false,
        "keys: none found, so requests go unsigned; set LAKESTORE_ACCESS_KEY and LAKESTORE_SECRET_KEY or run 'lakectl config --access-key ... --secret-key ...'"
      )
    }
    do {
      let (date, server) = try await client.serviceClock()
      report(true, "endpoint: answers" + (server.map { " (\($0))" } ?? ""))
      if let date {
        let skew = Date().timeIntervalSince(date)
        report(
          abs(skew) < 300,
          abs(skew) < 300
            ? String(format: "clock: %.0f s from the service's", skew)
            : String(
              format:
                "clock: this machine is %.0f s %@ the service; signatures more than 15 minutes off are refused (RequestTimeTooSkewed): fix the clock (NTP)",
              abs(skew), skew > 0 ? "ahead of" : "behind"))
      }
    } catch {
      report(
        false,
        "endpoint: \(error.message); is the server running and listening on \(configuration.endpoint.host ?? "?"):\(configuration.endpoint.port.map(String.init) ?? "default port")?"
      )
      throw ExitCode(1)
    }
    if configuration.credentials != nil {
      do {
        let buckets = try await client.listBuckets()
        report(true, "keys: accepted (\(buckets.count) buckets)")
      } catch {
        switch error.code {
        case "InvalidAccessKeyId":
          report(
            false,
            "keys: the service does not know access key \(configuration.credentials!.accessKey)")
        case "SignatureDoesNotMatch":
          report(
            false,
            "keys: the secret key is wrong for access key \(configuration.credentials!.accessKey)")
        case "RequestTimeTooSkewed":
          report(false, "keys: refused because the clocks differ too much")
        default:
          report(false, "keys: \(error.code): \(error.message)")
        }
      }
    }
    if problems > 0 { throw ExitCode(1) }
  }
}

struct Completion: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "completion",
    abstract: "Print a shell completion script (bash, zsh or fish).",
    discussion:
      "bash: source <(lakectl completion bash); zsh: lakectl completion zsh > \"${fpath[1]}/_lakectl\""
  )

  @Argument(help: "bash, zsh or fish") var shell: String

  func validate() throws {
    guard CompletionShell(rawValue: shell) != nil else {
      throw ValidationError("shell must be bash, zsh or fish")
    }
  }

  func run() {
    print(Lakectl.completionScript(for: CompletionShell(rawValue: shell)!))
  }
}
