-- bench/order_hot.lua — wrk script: every request sets a random customer's order
-- to one line of the same product (B001), so every request locks the same offer
-- row: the one-product rush of docs/SCALING.md. Environment: BENCH_CYCLE,
-- BENCH_CUSTOMERS (the data of bench/order_setup.sql).
local cycle = os.getenv("BENCH_CYCLE")
local customers = tonumber(os.getenv("BENCH_CUSTOMERS"))
local body = '{"pickup_point":"crest-halle","lines":'
  .. '[{"producer":"ferme-trois-chenes","sku":"B001","quantity":"1"}]}'

function request()
  local token = "b" .. string.format("%042d", math.random(1, customers))
  return wrk.format("PUT", "/api/v1/cycles/" .. cycle .. "/order",
    { ["Cookie"] = "km0_session=" .. token, ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    latency:percentile(50), latency:percentile(99)))
end
