import LakeS3

/// `xml`: `XMLReader` and every S3 document built on it (the `S3Document` types of LakeS3,
/// which the server writes and reads and a client decodes).
///
/// Invariants: parsing never traps; a parsed tree is no deeper than `XMLReader.maxDepth`;
/// written back with `XMLWriter` (names as parsed, text escaped) it parses to the same tree;
/// and any text of XML `Char`s, written as an element with `XMLWriter`, reads back unchanged.
/// Every parsed tree is fed to every document type's `init(xml:)`, which never traps; when one
/// decodes it, the root had that document's name, and `xml()` parsed and decoded again gives
/// an equal value. The request documents' `init(validating:)` (the server's reading of raw
/// bodies) never traps, keeps S3's limits, and agrees with `init(bytes:)` when it succeeds.
let xmlTarget = FuzzTarget(
  name: "xml",
  summary: "XMLReader and every S3Document: no trap, reader/writer and document round trips",
  run: { data in
    let bytes = Array(data)
    if let root = try? XMLReader.parse(bytes) {
      fuzzCheck(depth(of: root) <= XMLReader.maxDepth, "tree deeper than maxDepth")
      var writer = XMLWriter()
      write(root, to: &writer)
      let again = try? XMLReader.parse(writer.bytes)
      fuzzCheck(again == root, "written tree reads back differently:\n\(writer.result)")
      for type in fuzzDocumentTypes { checkDocumentRoundTrip(type, root) }
    }
    checkRequestDocuments(bytes)
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

/// Every document type LakeS3 defines.
let fuzzDocumentTypes: [any S3Document.Type] = [
  ListBucketResult.self, ListVersionsResult.self, ListAllMyBucketsResult.self,
  LocationConstraint.self, CreateBucketConfiguration.self, VersioningConfiguration.self,
  DeleteRequest.self, DeleteResult.self, InitiateMultipartUploadResult.self,
  CompleteMultipartUpload.self, CompleteMultipartUploadResult.self, CopyObjectResult.self,
  CopyPartResult.self, ListPartsResult.self, ListMultipartUploadsResult.self,
  GetObjectAttributesResponse.self, S3ErrorDocument.self,
]

/// When `root` decodes as a `D`: its root had `D`'s name, and write, parse, decode gives an
/// equal value.
func checkDocumentRoundTrip<D: S3Document>(_ type: D.Type, _ root: XMLElement) {
  guard let value = try? D(xml: root) else { return }
  fuzzCheck(root.name == D.rootElement, "\(D.self) decoded a <\(root.name)>")
  let written = value.xml()
  do {
    let again = try D(bytes: written.bytes)
    fuzzCheck(again == value, "\(D.self) \(value)\nwritten as \(written.result)\nreads \(again)")
  } catch {
    fuzzCheck(false, "\(D.self) \(value) written as \(written.result) does not decode: \(error)")
  }
}

/// The server's readings of raw request bodies keep S3's limits and agree with `init(bytes:)`.
func checkRequestDocuments(_ bytes: [UInt8]) {
  if let delete = try? DeleteRequest(validating: bytes) {
    fuzzCheck((1...DeleteRequest.maxObjects).contains(delete.objects.count), "delete count")
    fuzzCheck((try? DeleteRequest(bytes: bytes)) == delete, "DeleteRequest readings differ")
  }
  if let complete = try? CompleteMultipartUpload(validating: bytes) {
    fuzzCheck(!complete.parts.isEmpty, "a Complete without parts")
    fuzzCheck(
      complete.parts.allSatisfy { CompleteMultipartUpload.partNumbers.contains($0.partNumber) },
      "part number out of range")
    fuzzCheck(
      (try? CompleteMultipartUpload(bytes: bytes)) == complete,
      "CompleteMultipartUpload readings differ")
  }
  if let configuration = try? CreateBucketConfiguration(validating: bytes) {
    fuzzCheck(configuration.locationConstraint != "", "empty location constraint")
    fuzzCheck(
      (try? CreateBucketConfiguration(bytes: bytes)) == configuration,
      "CreateBucketConfiguration readings differ")
  }
}
