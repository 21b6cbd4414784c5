-- wrk script: optional POST body from env, and a JSON summary with percentiles at the end.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local content_type = os.getenv("BENCH_CONTENT_TYPE")

request = function()
  if method == "POST" then
    local headers = {}
    headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
    -- Each request a unique client token, so the idempotent quick-log creates a row each time.
    local b = string.gsub(body or "", "__TOKEN__", string.format("%08x-0000-4000-8000-%012x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff)))
    return wrk.format("POST", nil, headers, b)
  end
  return wrk.format(method, nil, nil, nil)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.3f, "rps": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
