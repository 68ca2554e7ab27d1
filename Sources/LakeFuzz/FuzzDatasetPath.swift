import LakeQuery
import LakeS3

/// `dataset-path`: datasets and Hive partition values from object keys, and partition types.
///
/// The first line is an object key for `DatasetPath`; every line (the first included) is also
/// a partition value for `PartitionType.infer` and each type's parser.
///
/// Invariants: the parse equals a plain String-based reference parse of the documented
/// rules; a non-empty dataset is the key's prefix up to a `/`; the file name is the key's
/// last segment; partition names are unique and non-empty and there are fewer partitions than
/// folders; every value parses as the type inferred for all of them; a date parses as the
/// timestamp of its midnight; an integer parses as the decimal of the same number; values of
/// one type are strictly ordered (never both a < b and b < a).
let datasetPathTarget = FuzzTarget(
  name: "dataset-path",
  summary: "DatasetPath from keys; PartitionType inference, parsers and ordering",
  run: { data in
    let lines = fuzzLines(data).map { fuzzText($0) }
    let key = lines.first ?? ""
    let path = DatasetPath(key: key)
    let reference = referenceDatasetPath(key)
    fuzzCheck(
      path.dataset == reference.dataset && path.partitions == reference.partitions
        && path.fileName == reference.fileName,
      "\(path) differs from the reference parse \(reference)")
    if !path.dataset.isEmpty {
      fuzzCheck(
        key.utf8.starts(with: (path.dataset + "/").utf8),
        "dataset \(path.dataset) not a prefix of \(key)")
    }
    let segments = key.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
    fuzzCheck(
      path.fileName == segments.last.map { String(String.UnicodeScalarView($0)) },
      "file name \(path.fileName)")
    let names = path.partitions.map(\.name)
    fuzzCheck(Set(names).count == names.count, "repeated partition names \(names)")
    fuzzCheck(names.allSatisfy { !$0.isEmpty }, "an empty partition name")
    fuzzCheck(path.partitions.count < segments.count, "more partitions than folders")

    let type = PartitionType.infer(lines.map { Optional($0) })
    var typed: [TypedValue] = []
    for line in lines {
      guard let value = type.parse(line) else {
        fuzzCheck(false, "'\(line)' does not parse as the inferred \(type)")
        return
      }
      typed.append(value)
      if case .date(let days)? = PartitionType.date.parse(line) {
        fuzzCheck(
          PartitionType.timestamp.parse(line) == .timestamp(days * 86_400_000_000),
          "date \(line) is not its midnight timestamp")
      }
      if case .integer(let number)? = PartitionType.integer.parse(line) {
        fuzzCheck(
          PartitionType.decimal.parse(line) == .decimal(Double(number)),
          "integer \(line) is not the same decimal")
      }
    }
    for a in typed.prefix(8) {
      for b in typed.prefix(8) { fuzzCheck(!(a < b && b < a), "\(a) and \(b) both less") }
    }
  })

/// `DatasetPath`'s rules written plainly on Strings (cut at `/` and `=` scalars, as the
/// file system cuts paths, even where a combining mark follows): the parse on bytes must
/// agree.
private func referenceDatasetPath(_ key: String) -> (
  dataset: String, partitions: [PartitionValue], fileName: String
) {
  func decoded(_ text: Substring) -> String {
    URIEncoding.decode(text, plusIsSpace: false) ?? String(text)
  }
  func partition(_ segment: Substring) -> PartitionValue? {
    let scalars = segment.unicodeScalars
    guard let equals = scalars.firstIndex(of: "="), equals != scalars.startIndex else {
      return nil
    }
    let value = decoded(Substring(scalars[scalars.index(after: equals)...]))
    return PartitionValue(
      name: decoded(Substring(scalars[..<equals])),
      value: value == PartitionValue.nullMarker ? nil : value)
  }
  var segments = key.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
    .map { Substring($0) }
  let fileName = String(segments.removeLast())
  let first = segments.firstIndex { partition($0) != nil }
  let dataset = segments[..<(first ?? segments.endIndex)].joined(separator: "/")
  var partitions: [PartitionValue] = []
  for segment in segments[(first ?? segments.endIndex)...] {
    guard let value = partition(segment), !partitions.contains(where: { $0.name == value.name })
    else { continue }
    partitions.append(value)
  }
  return (dataset, partitions, fileName)
}
