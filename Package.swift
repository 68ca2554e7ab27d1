// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "LakeStore",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "lakestore", targets: ["lakestore"]),
    .library(name: "LakeS3", targets: ["LakeS3"]),
    .library(name: "LakeClient", targets: ["LakeClient"]),
    .executable(name: "lakectl", targets: ["lakectl"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    .target(
      name: "CLakeSystem",
      cSettings: [.define("_GNU_SOURCE")]
    ),
    // The CRCs of S3's additional checksums; fast paths are chosen per function at run time
    // (target attributes), so the target itself builds for the baseline CPU.
    .target(name: "CLakeChecksum"),
    .systemLibrary(
      name: "CSQLite",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    // zlib (apt zlib1g-dev): the indexer inflates gzip-compressed CSV and JSON lines.
    .systemLibrary(
      name: "CZlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    .target(
      name: "LakeCore",
      dependencies: [
        "CLakeSystem", "CSQLite", "LakeQuery",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "LakeS3",
      dependencies: [
        "CLakeChecksum",
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    // The TOML subset of the server's configuration file and the client's profile file.
    .target(name: "LakeTOML"),
    // The data-lake query model shared by the server, LakeClient and lakectl: datasets and
    // Hive partition values from keys, typed partition values, formats from content.
    .target(name: "LakeQuery", dependencies: ["LakeS3", "CZlib"]),
    // The Swift client library: URLSession (FoundationNetworking), SigV4 and the S3 documents
    // of LakeS3; nothing of the server.
    .target(
      name: "LakeClient",
      dependencies: ["LakeS3", "LakeTOML", "LakeQuery"]
    ),
    .executableTarget(
      name: "lakectl",
      dependencies: [
        "LakeClient", "LakeS3", "LakeTOML", "LakeQuery", "CLakeSystem",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // A runnable example ingestion job on LakeClient (Docs/client.md), built with everything.
    .executableTarget(
      name: "lake-ingest-example",
      dependencies: ["LakeClient"],
      path: "Examples/IngestCSV"
    ),
    .target(
      name: "LakeHTTP",
      dependencies: [
        "CLakeSystem",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "LakeServer",
      dependencies: [
        "LakeCore", "LakeS3", "LakeHTTP", "LakeTOML",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(
      name: "lakestore",
      dependencies: [
        "LakeServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(
      name: "lakebench",
      dependencies: [
        "LakeS3", "LakeQuery", "CLakeChecksum",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "LakeHTTPTests", dependencies: ["LakeHTTP", "CLakeSystem"]),
    .testTarget(name: "LakeCoreTests", dependencies: ["LakeCore", "CZlib"]),
    .testTarget(name: "LakeS3Tests", dependencies: ["LakeS3"]),
    .testTarget(name: "LakeQueryTests", dependencies: ["LakeQuery", "CZlib"]),
    .testTarget(name: "LakeServerTests", dependencies: ["LakeServer", "LakeS3"]),
    .testTarget(
      name: "LakeClientTests",
      dependencies: [
        "LakeClient", "LakeS3", "LakeTOML", .product(name: "Crypto", package: "swift-crypto"),
      ]),
  ]
)

// libFuzzer targets (Sources/LakeFuzz), only when LAKESTORE_FUZZ=1: they need
// `-sanitize=fuzzer`, so the normal build never sees them. Build and run with `scripts/fuzz`.
if Context.environment["LAKESTORE_FUZZ"] == "1" {
  package.targets.append(
    .executableTarget(
      name: "LakeFuzz",
      dependencies: ["LakeHTTP", "LakeS3", "LakeCore", "LakeServer", "LakeQuery", "CZlib"]
    ))
}
