import LakeCore
import Logging

/// Offline administration verbs of the `lakestore` binary.
public enum Maintenance {
  /// Runs fsck over `dataDirectory`, handing one human-readable line per finding and a summary
  /// to `output`. Returns the number of problems found. Opening the store runs crash recovery
  /// first, so interrupted writes are settled before the check.
  public static func fsck(
    dataDirectory: String, repair: Bool, logger: Logger, output: (String) -> Void
  ) throws -> Int {
    let store = try LakeStore(dataDirectory: dataDirectory, logger: logger)
    defer { store.close() }
    let summary = try store.fsck(repair: repair) { finding in
      output(describe(finding))
    }
    output(
      "checked \(summary.objectsChecked) catalog rows and \(summary.filesChecked) files: "
        + "\(summary.problems) problem(s), \(summary.repaired) repaired")
    return summary.problems
  }

  static func describe(_ finding: FsckFinding) -> String {
    let problem: String
    switch finding.problem {
    case .missingFile(let bucket, let key, let path):
      problem = "missing file: \(bucket)/\(key) (catalog row points at \(path))"
    case .sizeMismatch(let bucket, let key, let path, let expected, let actual):
      problem = "size mismatch: \(bucket)/\(key) at \(path): catalog \(expected), file \(actual)"
    case .orphanFile(let path):
      problem = "file without catalog row: \(path)"
    case .unexpectedEntry(let path):
      problem = "unexpected entry (not a regular file or not UTF-8): \(path)"
    case .unknownTopLevelEntry(let name):
      problem = "unknown entry at the top of the data directory: \(name)"
    }
    switch finding.repair {
    case .none: return problem
    case .deletedRow: return problem + " -> catalog row removed"
    case .movedTo(let path): return problem + " -> moved to \(path)"
    }
  }
}
