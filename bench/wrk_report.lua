-- wrk script: optional POST body from env, per-request tokens and dates, an optional check of
-- each answer's body, and a JSON summary with percentiles at the end.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local content_type = os.getenv("BENCH_CONTENT_TYPE")
local expect = os.getenv("BENCH_EXPECT")

-- Each wrk thread has its own Lua state: number them (distinct random streams) and keep
-- them to add up their counts at the end.
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  unexpected = 0
end

request = function()
  if method == "POST" then
    -- wrk.format replaces wrk.headers (the -H cookie) when given a table: copy them in.
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
    -- Each request a unique client token, so the idempotent quick-log creates a row each time,
    -- and a past day between a month and ~2.5 years ago, so no one's day goes over 24 h under load.
    local b = string.gsub(body or "", "__TOKEN__", string.format("%08x-%04x-4000-8000-%012x",
      math.random(0, 0x7fffffff), id, math.random(0, 0x7fffffff)))
    b = string.gsub(b, "__DATE__", os.date("%Y-%m-%d", os.time() - math.random(31, 900) * 86400))
    return wrk.format("POST", nil, headers, b)
  end
  return wrk.format(method, nil, nil, nil)
end

-- With BENCH_EXPECT set, an answer whose body lacks that text counts as an error (a form
-- answered with its errors is still a 200).
if expect and expect ~= "" then
  response = function(status, headers, resp_body)
    if not string.find(resp_body or "", expect, 1, true) then unexpected = unexpected + 1 end
  end
end

done = function(summary, latency, requests)
  local unexpected_total = 0
  for _, thread in ipairs(threads) do unexpected_total = unexpected_total + (thread:get("unexpected") or 0) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout + unexpected_total
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.3f, "rps": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, "non_2xx_3xx": %d, "unexpected_body": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status, unexpected_total))
end
