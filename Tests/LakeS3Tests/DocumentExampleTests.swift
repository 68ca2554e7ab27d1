import Foundation
import XCTest

@testable import LakeS3

/// Documents in the style of the S3 API reference's examples (pretty-printed, `&quot;` or
/// plain quotes around ETags, elements in AWS's order, `+` for spaces under url encoding):
/// what a client reads from AWS and other S3 services.
final class DocumentExampleTests: XCTestCase {
  private func date(_ text: String) throws -> Date { try XCTUnwrap(S3Date.parseISO8601(text)) }

  func testListObjectsV2Example() throws {
    let page = try decode(
      ListBucketResult.self,
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>amzn-s3-demo-bucket</Name>
          <Prefix/>
          <KeyCount>2</KeyCount>
          <MaxKeys>1000</MaxKeys>
          <IsTruncated>false</IsTruncated>
          <Contents>
              <Key>ExampleObject.txt</Key>
              <LastModified>2013-09-17T18:07:53.000Z</LastModified>
              <ETag>"599bab3ed2c697f1d26842727561fd94"</ETag>
              <Size>857</Size>
              <StorageClass>REDUCED_REDUNDANCY</StorageClass>
          </Contents>
          <Contents>
              <Key>my-image.jpg</Key>
              <LastModified>2009-10-12T17:50:30.000Z</LastModified>
              <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
              <Size>434234</Size>
              <StorageClass>STANDARD</StorageClass>
          </Contents>
      </ListBucketResult>
      """)
    XCTAssertEqual(page.name, "amzn-s3-demo-bucket")
    XCTAssertEqual(page.prefix, "")
    XCTAssertEqual(page.version, 2)
    XCTAssertEqual(page.keyCount, 2)
    XCTAssertFalse(page.isTruncated)
    XCTAssertNil(page.nextContinuationToken)
    XCTAssertEqual(
      page.contents,
      [
        .init(
          key: "ExampleObject.txt", lastModified: try date("2013-09-17T18:07:53.000Z"),
          etag: "599bab3ed2c697f1d26842727561fd94", size: 857, storageClass: "REDUCED_REDUNDANCY"),
        .init(
          key: "my-image.jpg", lastModified: try date("2009-10-12T17:50:30.000Z"),
          etag: "fba9dede5f27731c9771645a39863328", size: 434_234),
      ])
    XCTAssertEqual(page.commonPrefixes, [])
  }

  /// A truncated, url-encoded page with a delimiter, as AWS writes it (`+` for a space).
  func testListObjectsV2TruncatedURLEncodedExample() throws {
    let page = try decode(
      ListBucketResult.self,
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Name>bucket</Name>
        <Prefix>photos%2F2006%2F</Prefix>
        <ContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</ContinuationToken>
        <NextContinuationToken>1gRdJ8f0p9yYI1fx/RCDEGyzqN/SoS3b9oG7gBlNVbqs=</NextContinuationToken>
        <KeyCount>2</KeyCount>
        <MaxKeys>2</MaxKeys>
        <Delimiter>%2F</Delimiter>
        <EncodingType>url</EncodingType>
        <IsTruncated>true</IsTruncated>
        <Contents>
          <Key>photos/2006/my+summer+photo%C3%A9.jpg</Key>
          <LastModified>2009-10-12T17:50:30.000Z</LastModified>
          <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
          <Size>434234</Size>
          <Owner>
            <DisplayName>mtd@amazon.com</DisplayName>
            <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
          </Owner>
          <StorageClass>STANDARD</StorageClass>
        </Contents>
        <CommonPrefixes>
          <Prefix>photos/2006/February%20&amp;%20March/</Prefix>
        </CommonPrefixes>
      </ListBucketResult>
      """)
    XCTAssertEqual(page.prefix, "photos/2006/")
    XCTAssertEqual(page.delimiter, "/")
    XCTAssertTrue(page.encodingTypeURL)
    XCTAssertTrue(page.isTruncated)
    XCTAssertEqual(page.continuationToken, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    XCTAssertEqual(page.nextContinuationToken, "1gRdJ8f0p9yYI1fx/RCDEGyzqN/SoS3b9oG7gBlNVbqs=")
    XCTAssertEqual(page.contents.map(\.key), ["photos/2006/my summer photoé.jpg"])
    XCTAssertEqual(
      page.contents.first?.owner,
      S3Owner(
        id: "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
        displayName: "mtd@amazon.com"))
    XCTAssertEqual(page.commonPrefixes, ["photos/2006/February & March/"])
  }

  func testListObjectsV1Example() throws {
    let page = try decode(
      ListBucketResult.self,
      """
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Name>quotes</Name>
        <Prefix>N</Prefix>
        <Marker>Ned</Marker>
        <NextMarker>Nelson</NextMarker>
        <MaxKeys>40</MaxKeys>
        <Delimiter>/</Delimiter>
        <IsTruncated>true</IsTruncated>
        <Contents>
          <Key>Nelson</Key>
          <LastModified>2006-01-01T12:00:00.000Z</LastModified>
          <ETag>&quot;828ef3fdfa96f00ad9f27c383fc9ac7f&quot;</ETag>
          <Size>5</Size>
          <StorageClass>STANDARD</StorageClass>
          <Owner>
            <ID>bcaf161ca5fb16fd081034f</ID>
            <DisplayName>webfile</DisplayName>
          </Owner>
        </Contents>
      </ListBucketResult>
      """)
    XCTAssertEqual(page.version, 1)
    XCTAssertEqual(page.marker, "Ned")
    XCTAssertEqual(page.nextMarker, "Nelson")
    XCTAssertEqual(page.contents.first?.owner?.id, "bcaf161ca5fb16fd081034f")
    XCTAssertEqual(page.contents.first?.etag, "828ef3fdfa96f00ad9f27c383fc9ac7f")
  }

  func testListAllMyBucketsExample() throws {
    let list = try decode(
      ListAllMyBucketsResult.self,
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <ListAllMyBucketsResult>
         <Buckets>
            <Bucket>
               <CreationDate>2019-12-11T23:32:47+00:00</CreationDate>
               <Name>amzn-s3-demo-bucket</Name>
            </Bucket>
            <Bucket>
               <CreationDate>2006-02-03T16:45:09.000Z</CreationDate>
               <Name>samples</Name>
               <BucketRegion>us-west-2</BucketRegion>
            </Bucket>
         </Buckets>
         <Owner>
            <DisplayName>Account+Name</DisplayName>
            <ID>AIDACKCEVSQ6C2EXAMPLE</ID>
         </Owner>
      </ListAllMyBucketsResult>
      """)
    XCTAssertEqual(list.owner, S3Owner(id: "AIDACKCEVSQ6C2EXAMPLE", displayName: "Account+Name"))
    XCTAssertEqual(
      list.buckets,
      [
        .init(name: "amzn-s3-demo-bucket", creationDate: try date("2019-12-11T23:32:47.000Z")),
        .init(
          name: "samples", creationDate: try date("2006-02-03T16:45:09.000Z"),
          bucketRegion: "us-west-2"),
      ])
    XCTAssertNil(list.continuationToken)
  }

  func testDeleteResultExampleWithAnError() throws {
    let result = try decode(
      DeleteResult.self,
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Deleted>
          <Key>sample1.txt</Key>
        </Deleted>
        <Error>
          <Key>sample2.txt</Key>
          <Code>AccessDenied</Code>
          <Message>Access Denied</Message>
        </Error>
        <Deleted>
          <Key>SampleDocument.txt</Key>
          <DeleteMarker>true</DeleteMarker>
          <DeleteMarkerVersionId>NeQt5xeFTfgPJD8B4CGWnkSLtluMr11s</DeleteMarkerVersionId>
        </Deleted>
      </DeleteResult>
      """)
    XCTAssertEqual(
      result.deleted,
      [
        .init(key: "sample1.txt"),
        .init(
          key: "SampleDocument.txt", deleteMarker: true,
          deleteMarkerVersionId: "NeQt5xeFTfgPJD8B4CGWnkSLtluMr11s"),
      ])
    XCTAssertEqual(
      result.errors, [.init(key: "sample2.txt", code: "AccessDenied", message: "Access Denied")])
    XCTAssertEqual(result.entries.count, 3)
  }

  func testCompleteMultipartUploadResultExample() throws {
    let result = try decode(
      CompleteMultipartUploadResult.self,
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Location>http://Example-Bucket.s3.Region.amazonaws.com/Example-Object</Location>
        <Bucket>Example-Bucket</Bucket>
        <Key>Example-Object</Key>
        <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
        <ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME>
        <ChecksumType>FULL_OBJECT</ChecksumType>
      </CompleteMultipartUploadResult>
      """)
    XCTAssertEqual(
      result,
      CompleteMultipartUploadResult(
        location: "http://Example-Bucket.s3.Region.amazonaws.com/Example-Object",
        bucket: "Example-Bucket", key: "Example-Object",
        etag: "3858f62230ac3c915f300c664312c11f-9",
        checksum: ChecksumValue(algorithm: .crc64nvme, value: "AAAAAAAAAAA="),
        checksumType: .fullObject))
  }

  func testErrorExamples() throws {
    let error = try decode(
      S3ErrorDocument.self,
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <Error>
        <Code>NoSuchKey</Code>
        <Message>The resource you requested does not exist</Message>
        <Resource>/mybucket/myfoto.jpg</Resource>
        <RequestId>4442587FB7D0A2F9</RequestId>
      </Error>
      """)
    XCTAssertEqual(
      error,
      S3ErrorDocument(
        code: "NoSuchKey", message: "The resource you requested does not exist",
        requestID: "4442587FB7D0A2F9", resource: "/mybucket/myfoto.jpg"))
    let detailed = try decode(
      S3ErrorDocument.self,
      """
      <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>\
      <Key>a b.txt</Key><RequestId>656c76696e6727732072657175657374</RequestId>\
      <HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>
      """)
    XCTAssertEqual(detailed.extra, [.init(name: "Key", value: "a b.txt")])
    XCTAssertEqual(detailed.hostID, "Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==")
    XCTAssertNil(detailed.resource)
  }

  func testMultipartListingExamples() throws {
    let parts = try decode(
      ListPartsResult.self,
      """
      <ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Bucket>example-bucket</Bucket>
        <Key>example-object</Key>
        <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
        <Initiator>
            <ID>arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx</ID>
            <DisplayName>umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx</DisplayName>
        </Initiator>
        <Owner>
          <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
          <DisplayName>someName</DisplayName>
        </Owner>
        <StorageClass>STANDARD</StorageClass>
        <PartNumberMarker>1</PartNumberMarker>
        <NextPartNumberMarker>3</NextPartNumberMarker>
        <MaxParts>2</MaxParts>
        <IsTruncated>true</IsTruncated>
        <Part>
          <PartNumber>2</PartNumber>
          <LastModified>2010-11-10T20:48:34.000Z</LastModified>
          <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag>
          <Size>10485760</Size>
        </Part>
        <Part>
          <PartNumber>3</PartNumber>
          <LastModified>2010-11-10T20:48:33.000Z</LastModified>
          <ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag>
          <Size>10485760</Size>
        </Part>
      </ListPartsResult>
      """)
    XCTAssertEqual(parts.parts.map(\.partNumber), [2, 3])
    XCTAssertEqual(parts.parts.map(\.size), [10_485_760, 10_485_760])
    XCTAssertEqual(parts.nextPartNumberMarker, 3)
    XCTAssertEqual(parts.initiator?.displayName, "umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx")
    let uploads = try decode(
      ListMultipartUploadsResult.self,
      """
      <ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Bucket>bucket</Bucket>
        <KeyMarker></KeyMarker>
        <UploadIdMarker></UploadIdMarker>
        <NextKeyMarker>my-movie.m2ts</NextKeyMarker>
        <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>
        <MaxUploads>3</MaxUploads>
        <IsTruncated>true</IsTruncated>
        <Upload>
          <Key>my-divisor</Key>
          <UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
          <Initiator>
            <ID>arn:aws:iam::111122223333:user/user1-11111a31-17b5-4fb7-9df5-b111111f13de</ID>
            <DisplayName>user1-11111a31-17b5-4fb7-9df5-b111111f13de</DisplayName>
          </Initiator>
          <Owner>
            <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
            <DisplayName>OwnerDisplayName</DisplayName>
          </Owner>
          <StorageClass>REDUCED_REDUNDANCY</StorageClass>
          <Initiated>2010-11-10T20:48:33.000Z</Initiated>
        </Upload>
      </ListMultipartUploadsResult>
      """)
    XCTAssertEqual(uploads.keyMarker, "")
    XCTAssertEqual(uploads.prefix, "")
    XCTAssertEqual(uploads.uploads.map(\.key), ["my-divisor"])
    XCTAssertEqual(uploads.uploads.first?.initiated, try date("2010-11-10T20:48:33.000Z"))
    XCTAssertEqual(uploads.uploads.first?.storageClass, "REDUCED_REDUNDANCY")
  }
}
