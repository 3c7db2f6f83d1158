-- bench/search.lua — wrk script: the shop's search, GET /?q=WORDS, a different query of
-- bench/search_words each time (as visitors type them: accents, plurals, two words).
local words = {"pain", "carottes", "fromage chevre", "miel", "pates", "biere",
               "confiture fraises", "pommes", "huile olive", "saucisson"}
local i = 0

function request()
  i = i + 1
  local q = words[(i % #words) + 1]
  return wrk.format("GET", "/?q=" .. q:gsub(" ", "+"))
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("BENCH requests=%d duration_us=%d non2xx=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
