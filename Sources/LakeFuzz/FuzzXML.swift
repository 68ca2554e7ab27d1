import LakeS3

/// `xml`: `XMLReader` and the request documents built on it (today CreateBucketConfiguration,
/// read as `S3RequestHandler.checkLocationConstraint` reads it).
///
/// Invariants: parsing never traps; a parsed tree is no deeper than `XMLReader.maxDepth`;
/// written back with `XMLWriter` (names as parsed, text escaped) it parses to the same tree;
/// and any text of XML `Char`s, written as an element with `XMLWriter`, reads back unchanged.
let xmlTarget = FuzzTarget(
  name: "xml",
  summary: "XMLReader: no trap, depth bound, reader/writer round trips, CreateBucketConfiguration",
  run: { data in
    let bytes = Array(data)
    if let root = try? XMLReader.parse(bytes) {
      fuzzCheck(depth(of: root) <= XMLReader.maxDepth, "tree deeper than maxDepth")
      var writer = XMLWriter()
      write(root, to: &writer)
      let again = try? XMLReader.parse(writer.bytes)
      fuzzCheck(again == root, "written tree reads back differently:\n\(writer.result)")
      // CreateBucketConfiguration, as the handler reads it.
      if root.name == "CreateBucketConfiguration" {
        _ = root.child("LocationConstraint")?.text ?? ""
      }
    }
    // Any text of XML `Char`s survives writer -> reader. (The writer also writes other control
    // characters, as `&#N;` the way S3 does; the reader refuses those, as XML 1.0 requires.)
    var text = ""
    text.unicodeScalars.append(
      contentsOf: fuzzText(bytes).unicodeScalars.filter {
        $0.value >= 0x20 || $0.value == 0x09 || $0.value == 0x0A || $0.value == 0x0D
      })
    var writer = XMLWriter()
    writer.open("CreateBucketConfiguration", namespace: s3XMLNamespace)
    writer.element("LocationConstraint", text)
    writer.close("CreateBucketConfiguration")
    do {
      let root = try XMLReader.parse(writer.bytes)
      fuzzCheck(
        root.name == "CreateBucketConfiguration"
          && root.child("LocationConstraint")?.text == text, "escaped text did not round-trip")
    } catch {
      fuzzCheck(false, "a written document does not parse: \(error)")
    }
  })

func depth(of element: XMLElement) -> Int {
  1 + (element.children.map(depth(of:)).max() ?? 0)
}

func write(_ element: XMLElement, to writer: inout XMLWriter) {
  writer.open(element.name)
  writer.text(element.text)
  for child in element.children { write(child, to: &writer) }
  writer.close(element.name)
}
