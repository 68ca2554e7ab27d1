/// The catalog API's dataset views: a dataset's partition values and its merged schema.
/// Field names are the wire format: never rename one.

/// A dataset's partition columns, each with its distinct values.
public struct LakePartitionsDocument: Codable, Sendable, Equatable {
  public var dataset: String
  public var columns: [LakePartitionValuesDocument]

  public init(dataset: String, columns: [LakePartitionValuesDocument]) {
    self.dataset = dataset
    self.columns = columns
  }
}

/// One partition column: its type and tallies (as in ``LakePartitionColumnDocument``), a
/// page of its distinct values in order (numbers and times by value, then text, Hive's null
/// last), and `next`, the `after` of the next page when there are more.
public struct LakePartitionValuesDocument: Codable, Sendable, Equatable {
  public var name: String
  public var type: String
  public var files: Int64
  public var nulls: Int64
  public var values: [LakePartitionValueCountDocument]
  public var next: String?

  public init(
    name: String, type: String, files: Int64, nulls: Int64,
    values: [LakePartitionValueCountDocument], next: String?
  ) {
    self.name = name
    self.type = type
    self.files = files
    self.nulls = nulls
    self.values = values
    self.next = next
  }
}

/// A distinct partition value (nil: Hive's null) and the files and bytes that have it.
public struct LakePartitionValueCountDocument: Codable, Sendable, Equatable {
  public var value: String?
  public var files: Int64
  public var bytes: Int64

  public init(value: String?, files: Int64, bytes: Int64) {
    self.value = value
    self.files = files
    self.bytes = bytes
  }
}

/// A dataset's merged schema: every column any structured file has, in the order files
/// have them (the most common schema first), and the distinct schemas themselves. More
/// than one schema is schema drift (`drift`): a column whose files disagree on its type
/// lists each type with its files, and `files` of a column is below the dataset's when
/// some files lack it.
public struct LakeSchemaDocument: Codable, Sendable, Equatable {
  public var dataset: String
  /// Structured files with a schema (Parquet, CSV, JSON lines that were read).
  public var files: Int64
  public var drift: Bool
  public var columns: [LakeSchemaColumnDocument]
  public var schemas: [LakeSchemaVariantDocument]

  public init(
    dataset: String, files: Int64, drift: Bool, columns: [LakeSchemaColumnDocument],
    schemas: [LakeSchemaVariantDocument]
  ) {
    self.dataset = dataset
    self.files = files
    self.drift = drift
    self.columns = columns
    self.schemas = schemas
  }

  /// Merges the distinct schemas of `dataset` (each its columns in file order and its file
  /// count, most files first).
  public init(dataset: String, schemas: [LakeSchemaVariantDocument]) {
    var order: [String] = []
    var types: [String: [LakeTypeCountDocument]] = [:]
    for schema in schemas {
      for field in schema.columns {
        if types[field.name] == nil { order.append(field.name) }
        var counts = types[field.name] ?? []
        if let index = counts.firstIndex(where: { $0.type == field.type }) {
          counts[index].files += schema.files
        } else {
          counts.append(LakeTypeCountDocument(type: field.type, files: schema.files))
        }
        types[field.name] = counts
      }
    }
    let columns = order.map { name in
      let counts = types[name] ?? []
      // The type most files give it; the first seen on a tie.
      let main = counts.enumerated().max {
        ($0.element.files, -$0.offset) < ($1.element.files, -$1.offset)
      }
      return LakeSchemaColumnDocument(
        name: name, type: main?.element.type ?? "", files: counts.reduce(0) { $0 + $1.files },
        types: counts.count > 1 ? counts : nil)
    }
    self.init(
      dataset: dataset, files: schemas.reduce(0) { $0 + $1.files }, drift: schemas.count > 1,
      columns: columns, schemas: schemas)
  }
}

/// A column of a merged schema: the type most of its files give it, how many files have
/// it, and, when its files disagree, every type with its files.
public struct LakeSchemaColumnDocument: Codable, Sendable, Equatable {
  public var name: String
  public var type: String
  public var files: Int64
  public var types: [LakeTypeCountDocument]?

  public init(name: String, type: String, files: Int64, types: [LakeTypeCountDocument]?) {
    self.name = name
    self.type = type
    self.files = files
    self.types = types
  }
}

/// A column type and the files that give the column that type.
public struct LakeTypeCountDocument: Codable, Sendable, Equatable {
  public var type: String
  public var files: Int64

  public init(type: String, files: Int64) {
    self.type = type
    self.files = files
  }
}

/// One distinct schema of a dataset and how many files have it.
public struct LakeSchemaVariantDocument: Codable, Sendable, Equatable {
  public var columns: [LakeSchemaFieldDocument]
  public var files: Int64

  public init(columns: [LakeSchemaFieldDocument], files: Int64) {
    self.columns = columns
    self.files = files
  }
}

/// A column's name and type in one schema.
public struct LakeSchemaFieldDocument: Codable, Sendable, Equatable {
  public var name: String
  public var type: String

  public init(name: String, type: String) {
    self.name = name
    self.type = type
  }
}

extension LakePartitionsDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("dataset", dataset)
    writer.key("columns")
    writer.array(columns)
    writer.closeObject()
  }
}

extension LakePartitionValuesDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("name", name)
    writer.member("type", type)
    writer.member("files", files)
    writer.member("nulls", nulls)
    writer.key("values")
    writer.array(values)
    writer.member("next", next)
    writer.closeObject()
  }
}

extension LakePartitionValueCountDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("value", value)
    writer.member("files", files)
    writer.member("bytes", bytes)
    writer.closeObject()
  }
}

extension LakeSchemaDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("dataset", dataset)
    writer.member("files", files)
    writer.member("drift", drift)
    writer.key("columns")
    writer.array(columns)
    writer.key("schemas")
    writer.array(schemas)
    writer.closeObject()
  }
}

extension LakeSchemaColumnDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("name", name)
    writer.member("type", type)
    writer.member("files", files)
    if let types {
      writer.key("types")
      writer.array(types)
    }
    writer.closeObject()
  }
}

extension LakeTypeCountDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("type", type)
    writer.member("files", files)
    writer.closeObject()
  }
}

extension LakeSchemaVariantDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.key("columns")
    writer.array(columns)
    writer.member("files", files)
    writer.closeObject()
  }
}

extension LakeSchemaFieldDocument: LakeJSONDocument {
  public func write(to writer: inout JSONWriter) {
    writer.openObject()
    writer.member("name", name)
    writer.member("type", type)
    writer.closeObject()
  }
}
