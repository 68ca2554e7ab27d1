/// A leaf column of a Parquet schema: what the catalog lists and keeps statistics for.
///
/// A struct field `point.x`, a list's elements `tags.list.element` and a map's keys
/// `attrs.key_value.key` are leaf columns like top-level ones, with `isNested` set.
public struct ParquetColumn: Sendable, Hashable {
  /// The names from below the root to the leaf, e.g. `["point", "x"]`.
  public var path: [String]
  public var physicalType: ParquetPhysicalType
  /// The byte length of a `FIXED_LEN_BYTE_ARRAY`.
  public var typeLength: Int32?
  /// The meaning of the values: the element's `logicalType` or, when that is absent or not
  /// one this reader knows, the one its deprecated `converted_type` stands for; nil when
  /// neither says (plain numbers, plain binary).
  public var logicalType: ParquetLogicalType?
  /// The leaf's own repetition.
  public var repetition: ParquetRepetition
  /// True inside a group other than the root (a struct, list or map) or when the leaf or a
  /// group above it is repeated: its values are not one per row.
  public var isNested: Bool
  /// How many optional or repeated fields are on the path (the root excluded).
  public var maxDefinitionLevel: Int
  /// How many repeated fields are on the path.
  public var maxRepetitionLevel: Int
  /// The leaf's index in ``ParquetMetadata/schema``.
  public var schemaIndex: Int

  /// The path joined with dots, e.g. `point.x`.
  public var name: String { path.joined(separator: ".") }
}

extension ParquetColumn {
  /// The leaf columns of a depth-first schema, the root first. The tree the
  /// `num_children` counts describe must be exactly the elements given: the root a group,
  /// every child present, no elements left over, every non-root element with a
  /// repetition, no deeper than `limits.maxNestingDepth`, no more than `limits.maxColumns`
  /// leaves. Walks the tree without recursion.
  static func leaves(of schema: [ParquetSchemaElement], limits: ParquetLimits)
    throws(ParquetError) -> [ParquetColumn]
  {
    guard let root = schema.first else {
      throw ParquetError(.malformed, "the schema has no root element")
    }
    guard root.type == nil, let rootChildren = root.childCount, rootChildren >= 0 else {
      throw ParquetError(.malformed, "the schema's root '\(root.name)' is not a group")
    }
    /// A group being walked: how many of its children are still to come.
    struct Group {
      var remaining: Int
      let path: [String]
      let definition: Int
      let repetition: Int
      let nested: Bool
    }
    var stack = [
      Group(remaining: Int(rootChildren), path: [], definition: 0, repetition: 0, nested: false)
    ]
    var columns: [ParquetColumn] = []
    var index = 1
    while let group = stack.last {
      guard group.remaining > 0 else {
        stack.removeLast()
        continue
      }
      stack[stack.count - 1].remaining -= 1
      guard index < schema.count else {
        let name = group.path.isEmpty ? "the root" : "group '\(group.path.joined(separator: "."))'"
        throw ParquetError(
          .malformed,
          "the schema ends after \(schema.count) elements inside \(name),"
            + " which declares more children")
      }
      let element = schema[index]
      let path = group.path + [element.name]
      let label = { [index] in "schema element \(index) ('\(path.joined(separator: "."))')" }
      index += 1
      guard let repetition = element.repetition else {
        throw ParquetError(.malformed, "\(label()) has no repetition")
      }
      let repeated = repetition == .repeated
      let definition = group.definition + (repetition == .required ? 0 : 1)
      let repetitionLevel = group.repetition + (repeated ? 1 : 0)
      if let type = element.type {
        guard (element.childCount ?? 0) == 0 else {
          throw ParquetError(.malformed, "\(label()) has both a type and children")
        }
        guard columns.count < limits.maxColumns else {
          throw ParquetError(
            .limitExceeded, "more than \(limits.maxColumns) leaf columns in the schema")
        }
        columns.append(
          ParquetColumn(
            path: path, physicalType: type, typeLength: element.typeLength,
            logicalType: element.effectiveLogicalType, repetition: repetition,
            isNested: group.nested || repeated, maxDefinitionLevel: definition,
            maxRepetitionLevel: repetitionLevel, schemaIndex: index - 1))
      } else {
        let children = element.childCount ?? 0
        guard children >= 0 else {
          throw ParquetError(.malformed, "\(label()) has \(children) children")
        }
        guard stack.count < limits.maxNestingDepth else {
          throw ParquetError(
            .limitExceeded, "\(label()) is nested deeper than \(limits.maxNestingDepth) groups")
        }
        stack.append(
          Group(
            remaining: Int(children), path: path, definition: definition,
            repetition: repetitionLevel, nested: true))
      }
    }
    guard index == schema.count else {
      throw ParquetError(
        .malformed,
        "the schema's root declares \(rootChildren) children but \(schema.count - index)"
          + " elements follow its tree")
    }
    return columns
  }
}

extension ParquetSchemaElement {
  /// `logicalType`, or what `convertedType` stands for when that is absent or unrecognized.
  var effectiveLogicalType: ParquetLogicalType? {
    switch logicalType {
    case .none, .unrecognized?:
      if let convertedType,
        let converted = ParquetLogicalType(
          convertedType: convertedType, scale: scale, precision: precision)
      {
        return converted
      }
      return logicalType
    case let type?:
      return type
    }
  }
}

extension ParquetMetadata {
  /// Every row group has exactly one column chunk per leaf column.
  func checkRowGroups() throws(ParquetError) {
    for (index, group) in rowGroups.enumerated() where group.columns.count != columns.count {
      throw ParquetError(
        .malformed,
        "row group \(index) has \(group.columns.count) column chunks for \(columns.count)"
          + " leaf columns")
    }
  }
}
