-- wrk script: GET a random one of the seeded small objects, and print latency percentiles.
-- BENCH_GET_MODE (from scripts/bench):
--   plain    unsigned GETs of BENCH_GET_PREFIX + NNNNN.bin (nginx, or anonymous LakeStore)
--   paths    presigned URLs (SigV4 query) from the Lua table `paths` in BENCH_GET_TABLE
--   headers  Authorization-header SigV4 GETs from the table `signed` in BENCH_GET_TABLE
--            ({path, x-amz-date, Authorization}; the same signature is replayed, which the
--            server verifies in full every time)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local mode = os.getenv("BENCH_GET_MODE") or "plain"
local prefix = os.getenv("BENCH_GET_PREFIX") or "/bench/small/obj-"
local count = tonumber(os.getenv("BENCH_GET_COUNT") or "1000")
if mode ~= "plain" then dofile(os.getenv("BENCH_GET_TABLE")) end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  if mode == "paths" then
    return wrk.format("GET", paths[math.random(1, #paths)])
  elseif mode == "headers" then
    local s = signed[math.random(1, #signed)]
    return wrk.format("GET", s[1], {
      ["x-amz-date"] = s[2], ["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD",
      ["Authorization"] = s[3],
    })
  end
  return wrk.format("GET", string.format("%s%05d.bin", prefix, math.random(0, count - 1)))
end

function done(summary, latency, requests)
  report_latency(summary, latency)
end
