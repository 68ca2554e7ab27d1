import Foundation
import XCTest

@testable import LakeS3

/// The exact bytes LakeStore sends, captured from the server before its documents moved into
/// LakeS3 (only the dates and the owner ID put in): element order, quoting, escaping and
/// percent-encoding must not drift, since clients parse them.
final class DocumentGoldenTests: XCTestCase {
  private let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  private let ns = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""
  private let date = S3Date.iso8601(Sample.date)
  private let owner = S3Owner(id: "0123abcd", displayName: "lakestore")
  private var ownerXML: String { "<ID>0123abcd</ID><DisplayName>lakestore</DisplayName>" }

  private func assertBytes<D: S3Document>(
    _ value: D, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(value.xml().result, head + expected, file: file, line: line)
    assertRoundTrip(value, file: file, line: line)
  }

  func testDateHasTheCatalogMillisecond() {
    XCTAssertEqual(date, "2023-11-14T22:13:20.001Z")
  }

  func testListings() {
    let object = ListBucketResult.Object(
      key: "a.txt", lastModified: Sample.date, etag: "a5e54d1fd7bb69a228ef0dcd2431367e", size: 5)
    let contents =
      "<Contents><Key>a.txt</Key><LastModified>\(date)</LastModified>"
      + "<ETag>&quot;a5e54d1fd7bb69a228ef0dcd2431367e&quot;</ETag><Size>5</Size>"
    assertBytes(
      ListBucketResult(
        name: "bkt", delimiter: "/", maxKeys: 1, isTruncated: true, encodingTypeURL: true,
        keyCount: 1, nextContinuationToken: "AWEudHh0", contents: [object]),
      "<ListBucketResult\(ns)><Name>bkt</Name><Prefix></Prefix>"
        + "<NextContinuationToken>AWEudHh0</NextContinuationToken><KeyCount>1</KeyCount>"
        + "<MaxKeys>1</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType>"
        + "<IsTruncated>true</IsTruncated>\(contents)<StorageClass>STANDARD</StorageClass>"
        + "</Contents></ListBucketResult>")
    var owned = object
    owned.owner = owner
    assertBytes(
      ListBucketResult(
        name: "bkt", delimiter: "/", maxKeys: 1, isTruncated: true, encodingTypeURL: true,
        marker: "", nextMarker: "a.txt", contents: [owned]),
      "<ListBucketResult\(ns)><Name>bkt</Name><Prefix></Prefix><Marker></Marker>"
        + "<NextMarker>a.txt</NextMarker><MaxKeys>1</MaxKeys><Delimiter>/</Delimiter>"
        + "<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>\(contents)"
        + "<Owner>\(ownerXML)</Owner><StorageClass>STANDARD</StorageClass></Contents>"
        + "</ListBucketResult>")
    assertBytes(
      ListBucketResult(
        name: "bkt", prefix: "é", encodingTypeURL: true, keyCount: 0,
        commonPrefixes: ["é/&"]),
      "<ListBucketResult\(ns)><Name>bkt</Name><Prefix>%C3%A9</Prefix><KeyCount>0</KeyCount>"
        + "<MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
        + "<CommonPrefixes><Prefix>%C3%A9/%26</Prefix></CommonPrefixes></ListBucketResult>")
    assertBytes(
      ListVersionsResult(
        name: "bkt", keyMarker: "", versionIdMarker: "", nextKeyMarker: "a.txt",
        nextVersionIdMarker: "null", maxKeys: 1, delimiter: "/", encodingTypeURL: true,
        isTruncated: true,
        versions: [
          .init(
            key: "a.txt", lastModified: Sample.date, etag: "a5e54d1fd7bb69a228ef0dcd2431367e",
            size: 5, owner: owner)
        ]),
      "<ListVersionsResult\(ns)><Name>bkt</Name><Prefix></Prefix><KeyMarker></KeyMarker>"
        + "<VersionIdMarker></VersionIdMarker><NextKeyMarker>a.txt</NextKeyMarker>"
        + "<NextVersionIdMarker>null</NextVersionIdMarker><MaxKeys>1</MaxKeys>"
        + "<Delimiter>/</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        + "<Version><Key>a.txt</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>"
        + "<LastModified>\(date)</LastModified>"
        + "<ETag>&quot;a5e54d1fd7bb69a228ef0dcd2431367e&quot;</ETag><Size>5</Size>"
        + "<Owner>\(ownerXML)</Owner><StorageClass>STANDARD</StorageClass></Version>"
        + "</ListVersionsResult>")
    assertBytes(
      ListAllMyBucketsResult(
        owner: owner,
        buckets: [.init(name: "bk2", creationDate: Sample.date, bucketRegion: "us-east-1")],
        continuationToken: "AWJrMw"),
      "<ListAllMyBucketsResult\(ns)><Owner>\(ownerXML)</Owner><Buckets><Bucket><Name>bk2</Name>"
        + "<CreationDate>\(date)</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>"
        + "</Buckets><ContinuationToken>AWJrMw</ContinuationToken></ListAllMyBucketsResult>")
    assertBytes(
      ListMultipartUploadsResult(
        bucket: "bkt", keyMarker: "", uploadIdMarker: "", nextKeyMarker: "mp/",
        nextUploadIdMarker: "", delimiter: "/", encodingTypeURL: true, maxUploads: 1,
        isTruncated: true, commonPrefixes: ["mp/"]),
      "<ListMultipartUploadsResult\(ns)><Bucket>bkt</Bucket><KeyMarker></KeyMarker>"
        + "<UploadIdMarker></UploadIdMarker><NextKeyMarker>mp/</NextKeyMarker>"
        + "<NextUploadIdMarker></NextUploadIdMarker><Delimiter>/</Delimiter><Prefix></Prefix>"
        + "<EncodingType>url</EncodingType><MaxUploads>1</MaxUploads>"
        + "<IsTruncated>true</IsTruncated><CommonPrefixes><Prefix>mp/</Prefix></CommonPrefixes>"
        + "</ListMultipartUploadsResult>")
  }

  func testMultipartAndCopy() {
    let crc = { ChecksumValue(algorithm: .crc32, value: $0) }
    assertBytes(
      ListPartsResult(
        bucket: "bkt", key: "mp/two&<x>", uploadId: "U", initiator: owner, owner: owner,
        checksumAlgorithm: .crc32, checksumType: .composite, nextPartNumberMarker: 1,
        parts: [
          .init(
            partNumber: 1, lastModified: Sample.date, etag: "0b4e", size: 6,
            checksum: crc("WuQZ+A=="))
        ]),
      "<ListPartsResult\(ns)><Bucket>bkt</Bucket><Key>mp/two&amp;&lt;x&gt;</Key>"
        + "<UploadId>U</UploadId><Initiator>\(ownerXML)</Initiator><Owner>\(ownerXML)</Owner>"
        + "<StorageClass>STANDARD</StorageClass><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
        + "<ChecksumType>COMPOSITE</ChecksumType><PartNumberMarker>0</PartNumberMarker>"
        + "<NextPartNumberMarker>1</NextPartNumberMarker><MaxParts>1000</MaxParts>"
        + "<IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
        + "<LastModified>\(date)</LastModified><ETag>&quot;0b4e&quot;</ETag><Size>6</Size>"
        + "<ChecksumCRC32>WuQZ+A==</ChecksumCRC32></Part></ListPartsResult>")
    assertBytes(
      InitiateMultipartUploadResult(bucket: "bkt", key: "mp/two&<x>", uploadId: "U"),
      "<InitiateMultipartUploadResult\(ns)><Bucket>bkt</Bucket><Key>mp/two&amp;&lt;x&gt;</Key>"
        + "<UploadId>U</UploadId></InitiateMultipartUploadResult>")
    assertBytes(
      CompleteMultipartUploadResult(
        location: "http://h:9/bkt/mp/two%26%3Cx%3E", bucket: "bkt", key: "mp/two&<x>",
        etag: "d7fa-3", checksum: crc("kwMlOw==-3"), checksumType: .composite),
      "<CompleteMultipartUploadResult\(ns)><Location>http://h:9/bkt/mp/two%26%3Cx%3E</Location>"
        + "<Bucket>bkt</Bucket><Key>mp/two&amp;&lt;x&gt;</Key><ETag>&quot;d7fa-3&quot;</ETag>"
        + "<ChecksumCRC32>kwMlOw==-3</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>"
        + "</CompleteMultipartUploadResult>")
    assertBytes(
      CopyObjectResult(
        etag: "3793", lastModified: Sample.date, checksum: crc("rQO6gw=="),
        checksumType: .fullObject),
      "<CopyObjectResult\(ns)><ETag>&quot;3793&quot;</ETag><LastModified>\(date)</LastModified>"
        + "<ChecksumType>FULL_OBJECT</ChecksumType><ChecksumCRC32>rQO6gw==</ChecksumCRC32>"
        + "</CopyObjectResult>")
    assertBytes(
      CopyPartResult(etag: "95eb", lastModified: Sample.date, checksum: crc("TaSrUw==")),
      "<CopyPartResult\(ns)><ETag>&quot;95eb&quot;</ETag><LastModified>\(date)</LastModified>"
        + "<ChecksumCRC32>TaSrUw==</ChecksumCRC32></CopyPartResult>")
    assertBytes(
      GetObjectAttributesResponse(
        etag: "d7fa-3", checksum: crc("kwMlOw==-3"), checksumType: .composite,
        objectParts: .init(
          totalPartsCount: 3, partNumberMarker: 1, nextPartNumberMarker: 2, maxParts: 1,
          isTruncated: true, parts: [.init(partNumber: 2, size: 9, checksum: crc("kr7kbQ=="))]),
        storageClass: "STANDARD", objectSize: 17),
      "<GetObjectAttributesResponse\(ns)><ETag>d7fa-3</ETag><Checksum>"
        + "<ChecksumCRC32>kwMlOw==-3</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>"
        + "</Checksum><ObjectParts><PartsCount>3</PartsCount><PartNumberMarker>1</PartNumberMarker>"
        + "<NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1</MaxParts>"
        + "<IsTruncated>true</IsTruncated><Part><PartNumber>2</PartNumber><Size>9</Size>"
        + "<ChecksumCRC32>kr7kbQ==</ChecksumCRC32></Part></ObjectParts>"
        + "<StorageClass>STANDARD</StorageClass><ObjectSize>17</ObjectSize>"
        + "</GetObjectAttributesResponse>")
  }

  func testBucketDeleteAndErrorDocuments() {
    assertBytes(
      LocationConstraint(locationConstraint: nil),
      "<LocationConstraint\(ns)></LocationConstraint>")
    assertBytes(
      LocationConstraint(locationConstraint: "eu-west-1"),
      "<LocationConstraint\(ns)>eu-west-1</LocationConstraint>")
    assertBytes(
      VersioningConfiguration(), "<VersioningConfiguration\(ns)></VersioningConfiguration>")
    assertBytes(
      DeleteResult(entries: [
        .deleted(.init(key: "d/1")),
        .error(.init(key: "k", code: "KeyTooLongError", message: "Your key is too long")),
        .deleted(.init(key: "d/2", versionId: "null")),
        .error(.init(key: "d/3", versionId: "v1", code: "InvalidArgument", message: "Invalid")),
      ]),
      "<DeleteResult\(ns)><Deleted><Key>d/1</Key></Deleted><Error><Key>k</Key>"
        + "<Code>KeyTooLongError</Code><Message>Your key is too long</Message></Error>"
        + "<Deleted><Key>d/2</Key><VersionId>null</VersionId></Deleted><Error><Key>d/3</Key>"
        + "<VersionId>v1</VersionId><Code>InvalidArgument</Code><Message>Invalid</Message>"
        + "</Error></DeleteResult>")
    assertBytes(
      S3ErrorDocument(
        S3Error(
          .invalidArgument, "Invalid attribute name specified.", resource: "/bkt/a.txt",
          extra: [("ArgumentName", "x-amz-object-attributes")]), requestID: "RID"),
      "<Error><Code>InvalidArgument</Code><Message>Invalid attribute name specified.</Message>"
        + "<ArgumentName>x-amz-object-attributes</ArgumentName><Resource>/bkt/a.txt</Resource>"
        + "<RequestId>RID</RequestId></Error>")
  }
}
