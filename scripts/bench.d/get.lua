-- wrk script: GET a random one of the seeded small objects (same URL paths on both servers).
-- BENCH_GET_PREFIX (e.g. /bench/small/obj-) and BENCH_GET_COUNT come from scripts/bench.
local prefix = os.getenv("BENCH_GET_PREFIX") or "/bench/small/obj-"
local count = tonumber(os.getenv("BENCH_GET_COUNT") or "1000")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  return wrk.format("GET", string.format("%s%05d.bin", prefix, math.random(0, count - 1)))
end
