import Foundation

extension LakeClientConfiguration {
  /// The endpoint used when neither the environment nor the profile names one: a LakeStore
  /// server on this machine with its default address.
  public static let defaultEndpoint = URL(string: "http://127.0.0.1:9000")!

  /// The profile file `lakectl config` writes: `$LAKESTORE_CONFIG`, else
  /// `$XDG_CONFIG_HOME/lakestore/config`, else `~/.config/lakestore/config`.
  public static func defaultProfilePath(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    if let path = environment["LAKESTORE_CONFIG"], !path.isEmpty { return path }
    if let base = environment["XDG_CONFIG_HOME"], !base.isEmpty {
      return base + "/lakestore/config"
    }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return home + "/.config/lakestore/config"
  }

  /// Resolves a configuration the way `lakectl` does, each setting from the first place that
  /// has it:
  /// 1. `LAKESTORE_ENDPOINT`, `LAKESTORE_ACCESS_KEY`, `LAKESTORE_SECRET_KEY`,
  ///    `LAKESTORE_REGION`;
  /// 2. `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`,
  ///    `AWS_SECRET_ACCESS_KEY`, `AWS_REGION` / `AWS_DEFAULT_REGION`;
  /// 3. the profile named by `LAKESTORE_PROFILE` (else `default`) in the profile file;
  /// 4. ``defaultEndpoint``, no credentials (unsigned requests), region `us-east-1`.
  ///
  /// An access key without its secret (or the reverse) from one place is an error, as is an
  /// endpoint that is not an `http` or `https` URL, or a profile file that cannot be read.
  public static func resolve(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    profilePath: String? = nil
  ) throws(LakeClientError) -> LakeClientConfiguration {
    func env(_ names: String...) -> String? {
      for name in names { if let v = environment[name], !v.isEmpty { return v } }
      return nil
    }
    let path = profilePath ?? defaultProfilePath(environment: environment)
    let profileName = env("LAKESTORE_PROFILE") ?? "default"
    let profile = try Profile.load(path: path, name: profileName)

    let endpointText =
      env("LAKESTORE_ENDPOINT") ?? env("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
      ?? profile?.endpoint
    var endpoint: URL?
    if let endpointText { endpoint = try parseEndpoint(endpointText) }
    var credentials = try keyPair(
      env("LAKESTORE_ACCESS_KEY"), env("LAKESTORE_SECRET_KEY"), "LAKESTORE_ACCESS_KEY/SECRET_KEY ")
    if credentials == nil {
      credentials = try keyPair(
        env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
        "AWS_ACCESS_KEY_ID/SECRET_ACCESS_KEY ")
    }
    if credentials == nil {
      credentials = try keyPair(
        profile?.accessKey, profile?.secretKey, "profile '\(profileName)' in \(path) ")
    }
    let region =
      env("LAKESTORE_REGION") ?? env("AWS_REGION", "AWS_DEFAULT_REGION") ?? profile?.region
      ?? "us-east-1"
    var configuration = LakeClientConfiguration(
      endpoint: endpoint ?? defaultEndpoint, credentials: credentials, region: region)
    if let addressing = profile?.addressing { configuration.addressing = addressing }
    return configuration
  }

  /// Checks that `text` is an `http`/`https` URL with a host.
  public static func parseEndpoint(_ text: String) throws(LakeClientError) -> URL {
    let authority = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2).first
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
      url.query == nil, url.user == nil, authority?.hasSuffix(":") == false
    else {
      throw LakeClientError(
        .configuration, code: "InvalidEndpoint",
        message: "'\(text)' is not an endpoint URL such as http://127.0.0.1:9000")
    }
    return url
  }

  private static func keyPair(_ access: String?, _ secret: String?, _ origin: String)
    throws(LakeClientError) -> Credentials?
  {
    switch (access, secret) {
    case (nil, nil): return nil
    case (let access?, let secret?): return Credentials(accessKey: access, secretKey: secret)
    default:
      throw LakeClientError(
        .configuration, code: "IncompleteCredentials",
        message: "\(origin)gives only one of the access key and the secret key; set both")
    }
  }
}
