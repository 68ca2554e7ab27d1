// libFuzzer driver for LakeStore's parsers. Built only with LAKESTORE_FUZZ=1 and
// `-sanitize=fuzzer` (see scripts/fuzz and Docs/reliability.md).
//
// Usage: LakeFuzz --list
//        LakeFuzz TARGET [libFuzzer flags and corpus directories...]
//
// The target name is taken out of argv before libFuzzer sees the rest.

#if canImport(Glibc)
  import Glibc
#endif

let allTargets: [FuzzTarget] = [
  httpHeadTarget,
  chunkedTarget,
  awsChunkedTarget,
  datesTarget,
  uriTarget,
  routerTarget,
  sigV4Target,
  sigV4RoundTripTarget,
  xmlTarget,
  keyPathTarget,
  rangeETagTarget,
  writeHeadersTarget,
  datasetPathTarget,
  dataFormatTarget,
  textTableTarget,
  lakeQueryTarget,
  parquetFooterTarget,
  gzipTarget,
]

@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<Int32>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target chosen on the command line; set once before libFuzzer starts.
nonisolated(unsafe) var selectedTarget: FuzzTarget?

/// libFuzzer's per-input callback (a top-level function: it may not capture anything).
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  selectedTarget!.run(UnsafeRawBufferPointer(start: data, count: size))
  return 0
}

/// The entry point libFuzzer's own `main` would call. Our `main` (below) runs the driver
/// instead, but debug builds link libFuzzer's `main` object and need the symbol resolved.
@_cdecl("LLVMFuzzerTestOneInput")
func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  fuzzOneInput(data, size)
}

func usage() -> Never {
  printError("usage: LakeFuzz --list | LakeFuzz TARGET [libFuzzer options] [corpus dirs]\n")
  exit(2)
}

var arguments = CommandLine.arguments
guard arguments.count >= 2 else { usage() }
if arguments[1] == "--list" {
  for target in allTargets { print(target.name) }
  exit(0)
}
if arguments[1] == "--describe" {
  for target in allTargets { print("\(target.name)\t\(target.summary)") }
  exit(0)
}
guard let target = allTargets.first(where: { $0.name == arguments[1] }) else {
  printError("LakeFuzz: unknown target '\(arguments[1])'; --list shows them\n")
  exit(2)
}
selectedTarget = target
arguments.remove(at: 1)

// A C argv for libFuzzer (never freed: it lives as long as the process).
var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
var argc = Int32(arguments.count)
let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(
  capacity: cArguments.count)
argv.initialize(from: &cArguments, count: cArguments.count)
var argvPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
exit(llvmFuzzerRunDriver(&argc, &argvPointer, fuzzOneInput))
