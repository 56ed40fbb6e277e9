-- wrk script: posts pre-signed webhook requests read from a file (one "<hex signature> <body>"
-- per line, from gen-webhooks.mjs), cycling through them, and counts every response status.
-- done() prints one machine-readable line:
--   INGEST requests=N duration_us=D p50_us=.. p90_us=.. p99_us=.. max_us=..
--          connect=.. read=.. write=.. timeout=.. status=<n of 200> non200=<n> codes=<code:n,...>
-- Environment: INGEST_REQUESTS (the file), INGEST_PATH (default /webhooks/whatsapp),
-- INGEST_OFFSET (first line to send, so that a second pass does not repeat the first).
local path = os.getenv("INGEST_REQUESTS")
local url_path = os.getenv("INGEST_PATH") or "/webhooks/whatsapp"
local offset = tonumber(os.getenv("INGEST_OFFSET") or "0")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local requests = {}
local n = 0
local i = 0
counts = {}

function init(args)
  for line in io.lines(path) do
    local sp = line:find(" ", 1, true)
    -- A new table each time: wrk.format adds Content-Length to the one it is given.
    local headers = {
      ["Host"] = wrk.headers["Host"],
      ["Content-Type"] = "application/json",
      ["User-Agent"] = "facebookexternalua",
      ["X-Hub-Signature-256"] = "sha256=" .. line:sub(1, sp - 1),
    }
    n = n + 1
    requests[n] = wrk.format("POST", url_path, headers, line:sub(sp + 1))
  end
  i = offset % n
end

function request()
  i = i % n + 1
  return requests[i]
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, c in pairs(t:get("counts")) do
      total[code] = (total[code] or 0) + c
    end
  end
  local ok, other, codes = 0, 0, {}
  for code, c in pairs(total) do
    if code == 200 then ok = ok + c else other = other + c end
    table.insert(codes, code .. ":" .. c)
  end
  table.sort(codes)
  local e = summary.errors
  io.write(string.format(
    "INGEST requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d timeout=%d status=%d non200=%d codes=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, ok, other,
    table.concat(codes, ",")))
end
