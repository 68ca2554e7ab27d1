#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The steps of the write protocol (PUT, overwrite, DELETE, multipart parts and Complete)
/// that touch the disk or the catalog. Each is one call site, so a test can make exactly that step fail.
public enum WriteStep: String, Sendable, CaseIterable {
  /// Creating the temp file in `.lakestore/tmp/`.
  case createTemp = "create-temp"
  /// One `write(2)` of body bytes into the temp file.
  case write
  /// `fsync` of the finished temp file.
  case syncFile = "sync-file"
  /// Committing the write or delete intent to the catalog.
  case intent
  /// Keeping the replaced version aside (a hard link in `tmp/`) so a failed overwrite can
  /// put it back.
  case keepReplaced = "keep-replaced"
  /// Renaming the temp file into place.
  case rename
  /// Moving the deleted object's file aside (a rename into `tmp/`): the unlink of a DELETE.
  case unlink
  /// `fsync` of the directory a rename or unlink changed.
  case syncDirectory = "sync-directory"
  /// The catalog transaction that makes the change visible (row, intent removal, change log).
  case catalogCommit = "catalog-commit"
  /// Removing parent directories a delete or move left empty (best effort).
  case pruneParents = "prune-parents"
  /// Copying one part into the object a CompleteMultipartUpload assembles.
  case assemble
}

/// Makes chosen write steps fail with a chosen `errno`, or kills the process there: the seam
/// the fault-injection and crash tests use. Stores built without one (the default) pay
/// nothing. The server only builds one from `LAKESTORE_TEST_FAULTS` in debug builds.
public final class WriteFaults: Sendable {
  /// What happens when a rule matches.
  public enum Action: Sendable, Equatable {
    /// The step fails as if its system call returned this `errno`.
    case fail(Int32)
    /// The process is killed with SIGKILL before the step runs (crash tests).
    case kill
  }

  /// One rule: at `step`, for keys `"<bucket>/<key>"` starting with `keyPrefix`, let `skip`
  /// matching calls pass, then apply `action` to every later one.
  public struct Rule: Sendable, Equatable {
    public var step: WriteStep
    public var action: Action
    public var keyPrefix: String
    public var skip: Int

    public init(step: WriteStep, action: Action, keyPrefix: String = "", skip: Int = 0) {
      self.step = step
      self.action = action
      self.keyPrefix = keyPrefix
      self.skip = skip
    }
  }

  private let rules: Locked<[Rule]>

  public init(_ rules: [Rule] = []) {
    self.rules = Locked(rules)
  }

  /// Replaces every rule (an empty list turns injection off).
  public func set(_ rules: [Rule]) {
    self.rules.withLock { $0 = rules }
  }

  /// Throws the injected failure, or kills the process, when a rule matches this call.
  func check(_ step: WriteStep, bucket: String, key: String) throws(Errno) {
    let action = rules.withLock { rules -> Action? in
      for index in rules.indices where rules[index].step == step {
        let prefix = rules[index].keyPrefix
        guard prefix.isEmpty || (bucket + "/" + key).hasPrefix(prefix) else { continue }
        if rules[index].skip > 0 {
          rules[index].skip -= 1
          continue
        }
        return rules[index].action
      }
      return nil
    }
    switch action {
    case nil: return
    case .fail(let code): throw Errno(code: code)
    case .kill:
      _ = raise(SIGKILL)
      while true { pause() }
    }
  }

  /// Parses `STEP:ACTION[:KEY_PREFIX[:SKIP]]` rules separated by commas, e.g.
  /// `rename:EIO:photos/`, `sync-file:ENOSPC`, `write:kill:big/:9`. ACTION is `EIO`, `ENOSPC`,
  /// `EROFS`, `EDQUOT`, `EACCES`, a decimal errno, or `kill`. Returns nil for a malformed spec.
  public static func parse(_ spec: String) -> [Rule]? {
    var rules: [Rule] = []
    for item in spec.split(separator: ",") {
      let fields = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard (2...4).contains(fields.count), let step = WriteStep(rawValue: fields[0]) else {
        return nil
      }
      let action: Action
      switch fields[1] {
      case "kill": action = .kill
      case "EIO": action = .fail(EIO)
      case "ENOSPC": action = .fail(ENOSPC)
      case "EROFS": action = .fail(EROFS)
      case "EDQUOT": action = .fail(EDQUOT)
      case "EACCES": action = .fail(EACCES)
      default:
        guard let code = Int32(fields[1]), code > 0 else { return nil }
        action = .fail(code)
      }
      var skip = 0
      if fields.count == 4 {
        guard let n = Int(fields[3]), n >= 0 else { return nil }
        skip = n
      }
      rules.append(
        Rule(step: step, action: action, keyPrefix: fields.count >= 3 ? fields[2] : "", skip: skip))
    }
    return rules
  }
}

extension LakeStore {
  /// An injected failure of a catalog step (`.intent`, `.catalogCommit`) for `bucket/key`,
  /// as the `.io` error a failing catalog gives.
  func checkCatalogFault(_ step: WriteStep, bucket: String, key: String) throws(LakeError) {
    let operation = step == .intent ? "catalog intent" : "catalog commit"
    try options.faults.check(
      step, bucket: bucket, key: key, operation: operation, path: ".lakestore/catalog.db")
  }

  /// The end of taking back a write or delete that failed after touching its file: drops
  /// the intent (recovery does at the next start if the catalog cannot) and logs one warning
  /// with the cause and whatever could not be undone.
  func finishTakingBack(
    _ what: String, intentID: Int64, bucket: String, cause: LakeError, problems: [String]
  ) {
    var problems = problems
    do throws(LakeError) {
      try catalog.deleteIntent(intentID)
    } catch {
      problems.append("intent kept for recovery: \(error)")
    }
    logger.warning(
      "\(what) failed and was taken back",
      metadata: [
        "bucket": "\(bucket)", "cause": "\(cause)",
        "undo": "\(problems.isEmpty ? "done" : problems.joined(separator: "; "))",
      ])
  }
}

extension Optional where Wrapped == WriteFaults {
  /// Throws the injected failure for `step` as the `LakeError.io` the real call would give.
  @inline(__always)
  func check(
    _ step: WriteStep, bucket: String, key: String, operation: String, path: String
  ) throws(LakeError) {
    guard let faults = self else { return }
    do throws(Errno) {
      try faults.check(step, bucket: bucket, key: key)
    } catch {
      throw error.lakeError(operation, path)
    }
  }
}
