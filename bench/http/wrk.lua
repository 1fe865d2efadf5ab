-- wrk script of bench/http/run.ts. Environment:
--   BENCH_METHOD  GET (default) or POST
--   BENCH_COOKIE  Cookie header for GETs (optional)
--   BENCH_BODY    "autoregister": a unique MAC per request; "echo": a small fixed JSON
--   BENCH_PREFIX  first MAC byte (hex, 2 digits): a different one per run keeps MACs unique per database
-- Counts responses per status class in every thread and prints one line `RESULT {json}` at the end.
local method = os.getenv("BENCH_METHOD") or "GET"
local cookie = os.getenv("BENCH_COOKIE")
local bodyKind = os.getenv("BENCH_BODY") or ""
local prefix = os.getenv("BENCH_PREFIX") or "02"

local threads = {}
local nextId = 0
function setup(thread)
  thread:set("tid", nextId)
  nextId = nextId + 1
  table.insert(threads, thread)
end

local counter = 0
-- Globals (not locals): done() reads them from each thread with thread:get.
s2, s3, s4, s5, s201 = 0, 0, 0, 0, 0
local headers = {}
function init(args)
  if cookie ~= nil and cookie ~= "" then headers["Cookie"] = cookie end
  if method == "POST" then headers["Content-Type"] = "application/json" end
end

function request()
  if method == "GET" then
    return wrk.format("GET", nil, headers, nil)
  end
  local body
  if bodyKind == "autoregister" then
    counter = counter + 1
    -- prefix : thread : 4 bytes of counter (unique per thread, up to 4 billion requests)
    local c = counter
    local b3 = c % 256; c = math.floor(c / 256)
    local b2 = c % 256; c = math.floor(c / 256)
    local b1 = c % 256; c = math.floor(c / 256)
    local b0 = c % 256
    local mac = string.format("%s:%02X:%02X:%02X:%02X:%02X", prefix, tid, b0, b1, b2, b3)
    body = '{"mac":"' .. mac .. '","model":"Cisco 8845","protocol":"SIP"}'
  else
    body = '{"mac":"00:11:22:33:44:55","model":"Cisco 8845","protocol":"SIP"}'
  end
  return wrk.format("POST", nil, headers, body)
end

sample = ""
function response(status, hdrs, body)
  if status >= 300 and sample == "" then sample = string.sub(body or "", 1, 200) end
  if status == 201 then s201 = s201 + 1 end
  if status < 300 then s2 = s2 + 1
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1
  else s5 = s5 + 1 end
end

function done(summary, latency, requests)
  local t2, t3, t4, t5, t201 = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t2 = t2 + thread:get("s2"); t3 = t3 + thread:get("s3")
    t4 = t4 + thread:get("s4"); t5 = t5 + thread:get("s5")
    t201 = t201 + thread:get("s201")
  end
  local samples = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("sample")
    if s ~= nil and s ~= "" then table.insert(samples, s) end
  end
  io.write("SAMPLES " .. table.concat(samples, " || ") .. "\n")
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f,' ..
    '"status2xx":%d,"status201":%d,"status3xx":%d,"status4xx":%d,"status5xx":%d,' ..
    '"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,"non2xx3xx":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    t2, t201, t3, t4, t5,
    e.connect, e.read, e.write, e.timeout, e.status))
end
