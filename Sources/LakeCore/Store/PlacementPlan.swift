import Foundation

/// Where a PUT's file goes: the plain path `<bucket>/<key>` when the key is a safe relative
/// path, with a pre-chosen overflow path to fall back on if the directory tree conflicts
/// (a file where a directory is needed or the reverse); otherwise the overflow path alone.
/// Both candidates are recorded in the write intent before the rename.
struct PlacementPlan: Sendable {
  let bucket: String
  let key: String
  /// The key's path components, or nil when the key must go to overflow.
  let components: [String]?
  /// The file name in `.lakestore/overflow/<bucket>/`.
  let overflowName: String

  /// `plainAllowed` is false on filesystems that fold case or normalize Unicode in names.
  init(bucket: String, key: String, plainAllowed: Bool = true) {
    self.bucket = bucket
    self.key = key
    self.components = plainAllowed ? PathComponents.plainComponents(ofKey: key) : nil
    self.overflowName = UniqueName.next()
  }

  /// `<bucket>/<key>` if plain, else the overflow path.
  var preferredPath: String {
    components.map { [bucket] + $0 }?.joined(separator: "/") ?? overflowPath
  }

  /// The overflow path when the preferred path is plain; nil otherwise.
  var fallbackPath: String? {
    components == nil ? nil : overflowPath
  }

  /// `.lakestore/overflow/<bucket>/<uuid>`.
  var overflowPath: String {
    DataLayout.overflowPrefix + bucket + "/" + overflowName
  }
}
