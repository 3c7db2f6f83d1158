#!/bin/sh
# bench/shop.sh — the shop page for 100 products over HTTP vs the same bytes served
# as a static file by libmicrohttpd with km0's settings (bench/mhd_static.c), and
# the page weight of the 100-product order form.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${DURATION:-10}
REPS=${REPS:-3}
CONNS=32
THREADS=16
db=bench_shop

bench_fresh_db $db
url=$(bench_url $db)
# 100 products over five producers, as a hub's week looks
bench_psql $db -c "INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, stock_milli, step_milli, organic, description)
  SELECT p.hub_id, p.id, 'S' || i, 'Produit de saison n° ' || i, 'Rayon ' || (i % 6), CASE WHEN i % 3 = 0 THEN 'kg' ELSE 'piece' END,
         12000 + i * 170, CASE WHEN i % 9 = 0 THEN 2000 ELSE 550 END, 500, 50000, CASE WHEN i % 3 = 0 THEN 500 ELSE 1000 END, i % 2 = 0, ''
    FROM generate_series(1, 100) i
    JOIN producers p ON p.slug = (ARRAY['ferme-trois-chenes','chevrerie-gervanne','fournil-saillans','vergers-grane','moulin-mirmande'])[1 + i % 5]" >/dev/null
cycle=$(KM0_DATABASE_URL=$url "$KM0" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')")
KM0_DATABASE_URL=$url "$KM0" cycle open "$cycle" >/dev/null
bench_psql $db -v customers=1 -v cycle="$cycle" -f bench/order_setup.sql >/dev/null 2>&1 || true
token="b$(printf '%042d' 1)"

port=$(free_port)
conf=$(mktemp)
printf 'threads = %s\nlog_level = warn\n' "$THREADS" >"$conf"
KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>var/bench-shop-serve.log &
pid=$!
sport=$(free_port)
page=$(mktemp)
trap 'kill $pid $spid 2>/dev/null || true; rm -f "$conf" "$page"' EXIT
spid=
wait_http "http://127.0.0.1:$port/healthz"
curl -s -H "Cookie: km0_session=$token" "http://127.0.0.1:$port/" >"$page"
inputs=$(grep -o 'name="q[0-9]*"' "$page" | wc -l)
# a shop page holds 40 of the 100 products (core/shop.h: SHOP_PAGE_SIZE)
[ "$inputs" = 40 ] || { echo "bench/shop.sh: the page has $inputs quantity fields, not 40" >&2; exit 1; }
html_bytes=$(wc -c <"$page")
css_bytes=$(curl -s "http://127.0.0.1:$port/static/km0.css" | wc -c)
external=$(grep -Eoc '(src|href)="(https?:)?//' "$page" || true)
build/bench/mhd_static "$page" "$sport" "$THREADS" &
spid=$!
wait_http "http://127.0.0.1:$sport/"

rate() { wrk -t2 -c$CONNS -d"${DURATION}s" "$@" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
rate -d2s -H "Cookie: km0_session=$token" "http://127.0.0.1:$port/" >/dev/null
km0_runs="" base_runs=""
for _ in $(seq 1 "$REPS"); do
    km0_runs="$km0_runs $(rate -H "Cookie: km0_session=$token" "http://127.0.0.1:$port/")"
    base_runs="$base_runs $(rate "http://127.0.0.1:$sport/")"
done
km0=$(echo $km0_runs | tr ' ' '\n' | median)
base=$(echo $base_runs | tr ' ' '\n' | median)
awk -v k="$km0" -v b="$base" -v rk="$km0_runs" -v rb="$base_runs" 'BEGIN {
  printf "{\"what\":\"shop page, first of 3 pages of 100 products, HTTP GET (logged-in consumer, uncompressed)\",\"unit\":\"pages/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the same bytes as a static file, same libmicrohttpd settings\",\"ratio\":%.3f,\"target\":\">= 0.40\",\"ok\":%s,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    k, b, k / b, (k / b >= 0.4) ? "true" : "false", rk, rb }'
awk -v h="$html_bytes" -v c="$css_bytes" -v e="$external" 'BEGIN {
  printf "{\"what\":\"page weight, first page of the 100-product order form (HTML + CSS, uncompressed)\",\"unit\":\"KB\",\"km0\":%.1f,\"html_bytes\":%d,\"css_bytes\":%d,\"external_requests\":%d,\"target\":\"<= 60, 0 external\",\"ok\":%s}\n",
    (h + c) / 1024, h, c, e, ((h + c) / 1024 <= 60 && e == 0) ? "true" : "false" }'
