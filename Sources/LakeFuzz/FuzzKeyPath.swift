@testable import LakeCore

/// `key-path`: the key-to-path mapping (`PlacementPlan`, `PathComponents`), pure planning
/// only, no file system.
///
/// Input: a first line with a bucket name, the rest (after the first `\n`) is the key, as the
/// router would deliver it (any valid UTF-8). A bucket name `validateBucketName` refuses is
/// replaced by `bucket`, so every input explores keys.
///
/// Invariants: a bucket name that passes validation is one path component that is not `.`,
/// `..` or `.lakestore` and does not start with a dot; a plain plan's path is exactly
/// `<bucket>/<key>`, every component of it non-empty, at most 255 bytes, without NUL, `.` or
/// `..`, and resolving it lexically never leaves `<bucket>/`; otherwise (and as the fallback)
/// the path is `.lakestore/overflow/<bucket>/<one component>`; with names that are not exact
/// (case-folding file systems) every key goes to overflow.
let keyPathTarget = FuzzTarget(
  name: "key-path",
  summary: "PlacementPlan: keys never map outside <bucket>/ or into .lakestore (except overflow)",
  run: { data in
    let lines = fuzzLines(data)
    var bucket = fuzzText(lines[0])
    let key = lines.count > 1 ? fuzzText(data.dropFirst(lines[0].count + 1)) : ""
    do {
      try LakeStore.validateBucketName(bucket)
      fuzzCheck(!bucket.isEmpty && !bucket.hasPrefix("."), "bucket \(bucket) starts with a dot")
      fuzzCheck(!bucket.utf8.contains(UInt8(ascii: "/")), "bucket \(bucket) has a slash")
      fuzzCheck(bucket != DataLayout.metaName && bucket != "." && bucket != "..", "bucket")
      fuzzCheck(!bucket.utf8.contains(0), "bucket has NUL")
    } catch {
      bucket = "bucket"
    }
    checkPlan(PlacementPlan(bucket: bucket, key: key), bucket: bucket, key: key, plain: true)
    checkPlan(
      PlacementPlan(bucket: bucket, key: key, plainAllowed: false), bucket: bucket, key: key,
      plain: false)
  })

func checkPlan(_ plan: PlacementPlan, bucket: String, key: String, plain: Bool) {
  let overflowStart = DataLayout.overflowPrefix + bucket + "/"
  fuzzCheck(plan.overflowPath.hasPrefix(overflowStart), "overflow path \(plan.overflowPath)")
  let name = plan.overflowPath.dropFirst(overflowStart.count)
  fuzzCheck(
    !name.isEmpty && !name.contains("/") && name != "." && name != "..",
    "overflow name \(name)")
  guard let components = plan.components else {
    fuzzCheck(plan.preferredPath == plan.overflowPath, "overflow plan prefers another path")
    fuzzCheck(plan.fallbackPath == nil, "overflow plan has a fallback")
    if plain {
      // Overflow only for keys that cannot be a plain path.
      let parts = PathComponents.split(key)
      fuzzCheck(
        key.isEmpty || key.utf8.contains(0)
          || parts.contains { $0.isEmpty || $0 == "." || $0 == ".." || $0.utf8.count > 255 },
        "plain-safe key \(key) sent to overflow")
    }
    return
  }
  fuzzCheck(plain, "a plain path although names are not exact")
  fuzzCheck(plan.fallbackPath == plan.overflowPath, "plain plan without overflow fallback")
  let path = plan.preferredPath
  fuzzCheck(path == bucket + "/" + key, "plain path \(path) is not <bucket>/<key>")
  fuzzCheck(components.joined(separator: "/") == key, "components do not rebuild the key")
  let parts = PathComponents.split(path)
  fuzzCheck(parts.count == components.count + 1 && parts[0] == bucket, "first component")
  fuzzCheck(parts[0] != DataLayout.metaName, "plain path inside .lakestore")
  for part in parts {
    let bytes = part.utf8
    fuzzCheck(!bytes.isEmpty && bytes.count <= 255, "component length \(bytes.count)")
    fuzzCheck(!bytes.contains(0), "NUL in a component")
    fuzzCheck(part != "." && part != "..", "dot component in \(path)")
  }
  // Lexical resolution (as a kernel walk would do it) never climbs out of <bucket>/.
  var stack: [String] = []
  for part in parts {
    switch part {
    case "", ".": continue
    case "..":
      fuzzCheck(stack.count > 1, "path \(path) climbs out of the bucket")
      stack.removeLast()
    default: stack.append(part)
    }
  }
  fuzzCheck(stack.first == bucket && stack.count == parts.count, "resolved path \(stack)")
}
