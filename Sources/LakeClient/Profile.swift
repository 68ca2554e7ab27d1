import Foundation
import LakeTOML

/// One named section of the profile file: where a client connects and with which keys.
///
/// The file is TOML with one table per profile:
///
/// ```toml
/// [default]
/// endpoint = "http://127.0.0.1:9000"
/// access_key = "AKIA..."
/// secret_key = "..."
/// region = "us-east-1"
/// ```
public struct Profile: Sendable, Equatable {
  public var endpoint: String?
  public var accessKey: String?
  public var secretKey: String?
  public var region: String?
  public var addressing: LakeClientConfiguration.Addressing?

  public init(
    endpoint: String? = nil, accessKey: String? = nil, secretKey: String? = nil,
    region: String? = nil, addressing: LakeClientConfiguration.Addressing? = nil
  ) {
    self.endpoint = endpoint
    self.accessKey = accessKey
    self.secretKey = secretKey
    self.region = region
    self.addressing = addressing
  }

  /// The profile `name` from the file at `path`; nil when the file does not exist or has no
  /// such profile.
  public static func load(path: String, name: String) throws(LakeClientError) -> Profile? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let tables: [String: [String: String]]
    do {
      tables = try TOMLTables.parse(String(contentsOfFile: path, encoding: .utf8), name: path)
    } catch let error as TOMLTables.ParseError {
      throw LakeClientError(.configuration, code: "InvalidProfile", message: error.message)
    } catch {
      throw LakeClientError(
        .configuration, code: "InvalidProfile", message: "cannot read \(path): \(error)")
    }
    guard let values = tables[name] else { return nil }
    var addressing: LakeClientConfiguration.Addressing?
    if let text = values["addressing"] {
      guard let parsed = LakeClientConfiguration.Addressing(rawValue: text) else {
        throw LakeClientError(
          .configuration, code: "InvalidProfile",
          message: "\(path): addressing must be path or virtual, not '\(text)'")
      }
      addressing = parsed
    }
    return Profile(
      endpoint: values["endpoint"], accessKey: values["access_key"],
      secretKey: values["secret_key"], region: values["region"], addressing: addressing)
  }
}
