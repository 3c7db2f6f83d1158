-- bench/order.lua — wrk script: each request sets a random customer's whole order
-- (8 lines) with PUT /api/v1/cycles/{id}/order, as the order form does.
-- Environment: BENCH_CYCLE, BENCH_CUSTOMERS.
local cycle = os.getenv("BENCH_CYCLE")
local customers = tonumber(os.getenv("BENCH_CUSTOMERS"))
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + tid)
end

local function body(i)
  local lines = {}
  for j = 0, 7 do
    local sku = string.format("B%03d", (i + 25 * j) % 200 + 1)
    lines[#lines + 1] = string.format(
      '{"producer":"ferme-trois-chenes","sku":"%s","quantity":"%d"}', sku, 1 + (i + j) % 3)
  end
  return '{"pickup_point":"crest-halle","lines":[' .. table.concat(lines, ",") .. ']}'
end

function request()
  local i = math.random(1, customers)
  local token = "b" .. string.format("%042d", i)
  return wrk.format("PUT", "/api/v1/cycles/" .. cycle .. "/order",
    { ["Cookie"] = "km0_session=" .. token, ["Content-Type"] = "application/json" }, body(i))
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("BENCH requests=%d duration_us=%d non2xx=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
