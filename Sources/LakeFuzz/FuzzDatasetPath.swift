import LakeQuery

/// `dataset-path`: datasets and Hive partition values from object keys, and partition types.
///
/// The first line is an object key for `DatasetPath`; every line (the first included) is also
/// a partition value for `PartitionType.infer` and each type's parser.
///
/// Invariants: a non-empty dataset is the key's prefix up to a `/`; the file name is the key's
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
    if !path.dataset.isEmpty {
      fuzzCheck(key.hasPrefix(path.dataset + "/"), "dataset \(path.dataset) not a prefix of \(key)")
    }
    let segments = key.split(separator: "/", omittingEmptySubsequences: false)
    fuzzCheck(path.fileName == segments.last.map(String.init), "file name \(path.fileName)")
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
