-- Shared by the wrk scripts: prints the latency percentiles and error count scripts/bench reads.
function report_latency(summary, latency)
  io.write(string.format("p50_us %d\np99_us %d\np999_us %d\n",
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
  io.write(string.format("errors %d\n", summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
