#!/bin/sh
# bench/shop_wire.sh — the shop as it travels: the first page of the 100-product shop
# compressed (brotli, as browsers ask), its bytes on the wire and pages per second,
# against the very same compressed bytes served as a static file by libmicrohttpd with
# km0's settings (bench/mhd_static.c) in the same run; then its first view on an
# emulated 2G link in chromium (bench/shop_2g.mjs).
#
# A separate script from bench/shop.sh (uncompressed bytes) so that each measures one
# thing; both print JSON lines for scripts/bench.sh. Fails loudly on any setup step.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${DURATION:-10}
REPS=${REPS:-3}
CONNS=32
THREADS=16
db=bench_shop_wire

fail() { echo "bench/shop_wire.sh: $*" >&2; exit 1; }

bench_fresh_db $db
url=$(bench_url $db)
# 100 products over five producers and six categories, as a hub's week looks
bench_psql $db -c "INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, stock_milli, step_milli, organic, description)
  SELECT p.hub_id, p.id, 'S' || i, 'Produit de saison n° ' || i, 'Rayon ' || (i % 6), CASE WHEN i % 3 = 0 THEN 'kg' ELSE 'piece' END,
         12000 + i * 170, CASE WHEN i % 9 = 0 THEN 2000 ELSE 550 END, 500, 50000, CASE WHEN i % 3 = 0 THEN 500 ELSE 1000 END, i % 2 = 0, ''
    FROM generate_series(1, 100) i
    JOIN producers p ON p.slug = (ARRAY['ferme-trois-chenes','chevrerie-gervanne','fournil-saillans','vergers-grane','moulin-mirmande'])[1 + i % 5]" >/dev/null ||
    fail "products not inserted"
cycle=$(KM0_DATABASE_URL=$url "$KM0" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')") ||
    fail "cycle not created"
KM0_DATABASE_URL=$url "$KM0" cycle open "$cycle" >/dev/null || fail "cycle not opened"
bench_psql $db -v customers=1 -v cycle="$cycle" -f bench/order_setup.sql >/dev/null || fail "customer not created"
token="b$(printf '%042d' 1)"

port=$(free_port)
sport=$(free_port)
conf=$(mktemp)
page=$(mktemp)
printf 'threads = %s\nlog_level = warn\n' "$THREADS" >"$conf"
pid=
spid=
trap 'kill $pid $spid 2>/dev/null || true; rm -f "$conf" "$page" "$page.plain"' EXIT
KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>var/bench-shop-wire-serve.log &
pid=$!
wait_http "http://127.0.0.1:$port/healthz" || fail "km0 did not start"
shop="http://127.0.0.1:$port/"
# the page as a logged-in consumer's browser gets it (brotli), and as it is
code=$(curl -s -o "$page" -w '%{http_code}' -H "Cookie: km0_session=$token" -H 'Accept-Encoding: br' "$shop")
[ "$code" = 200 ] || fail "the shop answered $code"
curl -s -o "$page.plain" -H "Cookie: km0_session=$token" "$shop"
grep -q 'class="bar"' "$page.plain" || fail "not a consumer's page (no order bar)"
inputs=$(grep -o 'name="q[0-9]*"' "$page.plain" | wc -l)
[ "$inputs" = 40 ] || fail "the first page has $inputs quantity fields, not 40 (core/shop.h)"
wire=$(wc -c <"$page")
plain=$(wc -c <"$page.plain")
[ "$wire" -lt "$plain" ] || fail "the page was not compressed ($wire of $plain bytes)"
visitor=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: br' "$shop")
css=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: br' "http://127.0.0.1:$port$(grep -o '/static/km0\.[0-9a-f]*\.css' "$page.plain")")

build/bench/mhd_static "$page" "$sport" "$THREADS" br &
spid=$!
wait_http "http://127.0.0.1:$sport/" || fail "the static baseline did not start"

rate() { wrk -t2 -c$CONNS -d"${DURATION}s" -H 'Accept-Encoding: br' "$@" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
rate -d2s -H "Cookie: km0_session=$token" "$shop" >/dev/null
km0_runs="" base_runs=""
for _ in $(seq 1 "$REPS"); do
    k=$(rate -H "Cookie: km0_session=$token" "$shop")
    b=$(rate "http://127.0.0.1:$sport/")
    [ -n "$k" ] && [ -n "$b" ] || fail "wrk gave no rate"
    km0_runs="$km0_runs $k"
    base_runs="$base_runs $b"
done
km0=$(echo $km0_runs | tr ' ' '\n' | median)
base=$(echo $base_runs | tr ' ' '\n' | median)
awk -v k="$km0" -v b="$base" -v rk="$km0_runs" -v rb="$base_runs" 'BEGIN {
  printf "{\"what\":\"shop page, compressed (brotli), HTTP GET (logged-in consumer, first of 3 pages of 100 products)\",\"unit\":\"pages/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the same compressed bytes as a static file, same libmicrohttpd settings\",\"ratio\":%.3f,\"target\":\">= 0.40\",\"ok\":%s,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    k, b, k / b, (k / b >= 0.4) ? "true" : "false", rk, rb }'
awk -v w="$wire" -v p="$plain" -v v="$visitor" -v c="$css" 'BEGIN {
  printf "{\"what\":\"shop page transferred (brotli): consumer page; visitor page %d B; stylesheet %d B, kept a year\",\"unit\":\"KB\",\"km0\":%.1f,\"baseline\":%.1f,\"baseline_what\":\"the same page uncompressed\",\"ratio\":%.3f,\"target\":\"(recorded)\",\"html_bytes\":%d,\"plain_bytes\":%d,\"visitor_bytes\":%d,\"css_bytes\":%d}\n",
    v, c, w / 1024, p / 1024, w / p, w, p, v, c }'

# the first view of the shop on 2G, a visitor's (what a newcomer meets)
twog=$(node bench/shop_2g.mjs "$shop" 3) || fail "the 2G measurement failed"
echo "$twog" | node -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(JSON.stringify({ what: "shop first view on 2G (chromium: 300 ms round trip, 250 kbit/s), first contentful paint; load " + r.load_ms + " ms, " + r.bytes + " B",
    unit: "ms", km0: r.fcp_ms, target: "< 2000", ok: r.fcp_ms < 2000 && r.load_ms < 2000, load_ms: r.load_ms, bytes: r.bytes }));'
