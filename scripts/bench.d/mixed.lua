-- wrk script: a mixed small-object load. Each request picks at random:
--   70% GET of a random one of the seeded keys,
--   25% PUT of 4 KiB to a random one of the same keys (an overwrite),
--    5% LIST of a random partition prefix (mixed/p=NN/).
-- Tables from s3bench.py presign (the server verifies a full SigV4 signature every time):
--   BENCH_MIXED_GET   file defining `gets`: presigned GET URLs, one per key
--   BENCH_MIXED_PUT   file defining `puts`: presigned PUT URLs, the same keys in the same order
--   BENCH_MIXED_LIST  file defining `lists`: presigned ListObjectsV2 URLs, one per partition
-- BENCH_MIXED_MODE (from scripts/bench):
--   lake   the presigned URLs above, as they are
--   nginx  the same mix against nginx, built from `gets` alone (query strings dropped):
--          GET   the same file path (static file),
--          PUT   /__put/<path> (DAV: temp file + rename, no fsync),
--          LIST  /__list/<bucket>/<partition>/ (autoindex, JSON) of that key's directory;
--          keys are spread evenly over the partitions, so the directory is a random one.
-- BENCH_MIXED_CHECK=1 also defines response(), which makes wrk hand every response to Lua
-- (headers and body): it costs wrk CPU, so the timed runs leave it off. It counts responses
-- by kind and status; the kind is told from the answer (the request is not known there):
-- a 2xx with no body is a PUT, one of 4096 bytes a GET, any other 2xx a LIST.
-- done() prints p50_us, p99_us, p999_us, errors (as get.lua), the requests sent per kind,
-- and with BENCH_MIXED_CHECK=1 `responses KIND_STATUS=N ...` and `non2xx N`.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local mode = os.getenv("BENCH_MIXED_MODE") or "lake"
local check = os.getenv("BENCH_MIXED_CHECK") == "1"
dofile(os.getenv("BENCH_MIXED_GET"))
if mode == "lake" then
  dofile(os.getenv("BENCH_MIXED_PUT"))
  dofile(os.getenv("BENCH_MIXED_LIST"))
elseif mode == "nginx" then
  local plain_gets, plain_puts, plain_lists = {}, {}, {}
  for i, url in ipairs(gets) do
    local path = url:match("^[^?]*")
    plain_gets[i] = path
    plain_puts[i] = "/__put" .. path
    plain_lists[i] = "/__list" .. path:match("^(.*/)")
  end
  gets, puts, lists = plain_gets, plain_puts, plain_lists
else
  error("BENCH_MIXED_MODE must be lake or nginx, not " .. mode)
end
local body = string.rep("x", 4096)
local put_headers = { ["Content-Type"] = "application/octet-stream" }
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
  sent_get, sent_put, sent_list = 0, 0, 0
  statuses = {}
end

function request()
  local r = math.random()
  if r < 0.70 then
    sent_get = sent_get + 1
    return wrk.format("GET", gets[math.random(1, #gets)])
  elseif r < 0.95 then
    sent_put = sent_put + 1
    return wrk.format("PUT", puts[math.random(1, #puts)], put_headers, body)
  end
  sent_list = sent_list + 1
  return wrk.format("GET", lists[math.random(1, #lists)])
end

if check then
  function response(status, headers, answer)
    local kind = "other"
    if status >= 200 and status < 300 then
      if #answer == 0 then
        kind = "put"
      elseif #answer == 4096 then
        kind = "get"
      else
        kind = "list"
      end
    end
    local name = kind .. "_" .. status
    statuses[name] = (statuses[name] or 0) + 1
  end
end

function done(summary, latency, requests)
  report_latency(summary, latency)
  local get, put, list, counts = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    get = get + (thread:get("sent_get") or 0)
    put = put + (thread:get("sent_put") or 0)
    list = list + (thread:get("sent_list") or 0)
    for name, n in pairs(thread:get("statuses") or {}) do
      counts[name] = (counts[name] or 0) + n
    end
  end
  io.write(string.format("sent get=%d put=%d list=%d\n", get, put, list))
  if check then
    local names, non2xx = {}, 0
    for name, n in pairs(counts) do
      table.insert(names, name)
      local status = tonumber(name:match("_(%d+)$"))
      if status < 200 or status >= 300 then non2xx = non2xx + n end
    end
    table.sort(names)
    local parts = {}
    for _, name in ipairs(names) do table.insert(parts, name .. "=" .. counts[name]) end
    io.write("responses " .. table.concat(parts, " ") .. "\n")
    io.write(string.format("non2xx %d\n", non2xx))
  end
end
