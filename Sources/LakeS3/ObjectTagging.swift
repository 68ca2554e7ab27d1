/// S3 object tags: the `x-amz-tagging` header (URL-encoded `key=value&…`) and the `Tagging`
/// document of Put/GetObjectTagging, with S3's limits. Shared by server and client.
public enum ObjectTagging {
  /// S3's limits: at most 10 tags per object, keys up to 128 and values up to 256 Unicode
  /// characters.
  public static let maxTags = 10
  public static let maxKeyLength = 128
  public static let maxValueLength = 256

  /// Parses an `x-amz-tagging` header. Throws 400 `InvalidArgument` for bad encoding and
  /// `InvalidTag` when a limit is broken.
  public static func parseHeader(_ text: String) throws(S3Error) -> [String: String] {
    guard let pairs = URIEncoding.parseQuery(text) else {
      throw S3Error(
        .invalidArgument,
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
        extra: [("ArgumentName", "x-amz-tagging"), ("ArgumentValue", text)])
    }
    return try validate(pairs)
  }

  /// Parses a `<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>` document.
  /// Throws `MalformedXML` or `InvalidTag`.
  public static func parseDocument(_ bytes: [UInt8]) throws(S3Error) -> [String: String] {
    guard let set = try XMLReader.document(bytes, root: "Tagging").child("TagSet") else {
      throw S3Error(.malformedXML)
    }
    var pairs: [(name: String, value: String)] = []
    for tag in set.children where tag.name == "Tag" {
      guard let key = tag.child("Key")?.text, let value = tag.child("Value")?.text else {
        throw S3Error(.malformedXML)
      }
      pairs.append((key, value))
    }
    return try validate(pairs)
  }

  /// The `Tagging` document of GetObjectTagging, tags sorted by key.
  public static func document(_ tags: [String: String], namespace: String) -> [UInt8] {
    var xml = XMLWriter()
    xml.open("Tagging", namespace: namespace)
    xml.open("TagSet")
    for key in tags.keys.sorted() {
      xml.open("Tag")
      xml.element("Key", key)
      xml.element("Value", tags[key] ?? "")
      xml.close("Tag")
    }
    xml.close("TagSet")
    xml.close("Tagging")
    return xml.bytes
  }

  /// The tags as an `x-amz-tagging` header value, sorted by key.
  public static func header(_ tags: [String: String]) -> String {
    tags.keys.sorted().map {
      URIEncoding.encode($0, keepSlash: false) + "="
        + URIEncoding.encode(tags[$0] ?? "", keepSlash: false)
    }.joined(separator: "&")
  }

  static func validate(_ pairs: [(name: String, value: String)]) throws(S3Error)
    -> [String: String]
  {
    guard pairs.count <= maxTags else {
      throw S3Error(.invalidTag, "Object tags cannot be greater than \(maxTags)")
    }
    var tags: [String: String] = [:]
    for (key, value) in pairs {
      guard !key.isEmpty, key.unicodeScalars.count <= maxKeyLength else {
        throw S3Error(.invalidTag, "The TagKey you have provided is invalid")
      }
      guard value.unicodeScalars.count <= maxValueLength else {
        throw S3Error(.invalidTag, "The TagValue you have provided is invalid")
      }
      guard isAllowed(key), isAllowed(value) else {
        throw S3Error(
          .invalidTag,
          "Tags may contain letters, numbers, spaces and + - = . _ : / @ only")
      }
      guard tags.updateValue(value, forKey: key) == nil else {
        throw S3Error(.invalidTag, "Cannot provide multiple Tags with the same key")
      }
    }
    return tags
  }

  /// Letters, digits and white space in any script, and `+ - = . _ : / @` (S3's rule).
  static func isAllowed(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
      scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        || scalar == " " || "+-=._:/@".unicodeScalars.contains(scalar)
    }
  }
}

extension S3ErrorCode {
  public static let invalidTag = S3ErrorCode(
    "InvalidTag", 400, "The tag provided was not a valid tag.")
}
