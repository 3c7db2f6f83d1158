#!/bin/sh
# bench/shop.sh — the shop page for 100 products over HTTP vs the same bytes served
# as a static file by libmicrohttpd with km0's settings (bench/mhd_static.c), and
# the page weight of the 100-product order form.
#
# What is measured is the logged-in consumer's order page, not the anonymous one
# (which has the same 100 fields): the page is checked before and after the runs for
# the logged-in marks (the log-out form, no invitation to log in), and
# every request must have succeeded.
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
    JOIN producers p ON p.slug = (ARRAY['ferme-trois-chenes','chevrerie-gervanne','fournil-saillans','vergers-grane','moulin-mirmande'])[1 + i % 5]" >/dev/null ||
    die "cannot insert the products"
[ "$(bench_psql $db -Atc "SELECT count(*) FROM products WHERE sku LIKE 'S%'")" = 100 ] || die "not 100 products"
cycle=$(KM0_DATABASE_URL=$url "$KM0" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')") ||
    die "km0 cycle create failed"
KM0_DATABASE_URL=$url "$KM0" cycle open "$cycle" >/dev/null || die "km0 cycle open $cycle failed"
# one consumer with a session (order_setup.sql's; its order lines name products of
# bench/order.sh and are none here): the page is that consumer's
bench_psql $db -v customers=1 -v cycle="$cycle" -f bench/order_setup.sql >/dev/null || die "bench/order_setup.sql failed"
[ "$(bench_psql $db -Atc "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.role = 'consumer' AND s.expires_at > now() + interval '1 hour'")" = 1 ] || die "no consumer session"
token="b$(printf '%042d' 1)"

port=$(free_port)
conf=$(mktemp)
printf 'threads = %s\nlog_level = warn\n' "$THREADS" >"$conf"
KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>var/bench-shop-serve.log &
pid=$!
sport=$(free_port)
page=$(mktemp)
spid=
trap 'kill $pid $spid 2>/dev/null || true; rm -f "$conf" "$page"' EXIT
wait_http "http://127.0.0.1:$port/healthz"

# the logged-in consumer's order page: 200, 40 quantity fields (a shop page holds 40 of the
# 100 products: core/shop.h SHOP_PAGE_SIZE), the log-out form,
# and no invitation to log in (what the anonymous page has)
check_page() {
    code=$(curl -s -o "$page" -w '%{http_code}' -H "Cookie: km0_session=$token" "http://127.0.0.1:$port/") ||
        die "curl of the shop page failed"
    [ "$code" = 200 ] || die "the shop page answered $code"
    inputs=$(grep -o 'name="q[0-9]*"' "$page" | wc -l)
    [ "$inputs" = 40 ] || die "the page has $inputs quantity fields, not 40"
    grep -q 'action="/logout"' "$page" || die "the page has no log-out form: not the logged-in consumer's page"
    ! grep -q 'href="/login' "$page" || die "the page invites to log in: the session was not recognised"
}
check_page
html_bytes=$(wc -c <"$page")
css_bytes=$(curl -sf "http://127.0.0.1:$port/static/km0.css" | wc -c)
[ "$css_bytes" -gt 0 ] || die "no stylesheet at /static/km0.css"
external=$(grep -Eoc '(src|href)="(https?:)?//' "$page" || true)
build/bench/mhd_static "$page" "$sport" "$THREADS" &
spid=$!
wait_http "http://127.0.0.1:$sport/"

rate() { wrk_rate -t2 -c$CONNS -d"${DURATION}s" "$@"; }
wrk_rate -t2 -c$CONNS -d2s -H "Cookie: km0_session=$token" "http://127.0.0.1:$port/" >/dev/null # warm-up
km0_runs="" base_runs=""
for _ in $(seq 1 "$REPS"); do
    r=$(rate -H "Cookie: km0_session=$token" "http://127.0.0.1:$port/")
    b=$(rate "http://127.0.0.1:$sport/")
    km0_runs="$km0_runs $r" base_runs="$base_runs $b"
done
# still the consumer's page after the runs (the session did not lapse meanwhile)
check_page
km0=$(echo $km0_runs | tr ' ' '\n' | median)
base=$(echo $base_runs | tr ' ' '\n' | median)
awk -v k="$km0" -v b="$base" -v rk="$km0_runs" -v rb="$base_runs" 'BEGIN {
  printf "{\"what\":\"shop page, first of 3 pages of 100 products, HTTP GET (logged-in consumer, uncompressed)\",\"unit\":\"pages/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the same bytes as a static file, same libmicrohttpd settings\",\"ratio\":%.3f,\"target\":\">= 0.40\",\"ok\":%s,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    k, b, k / b, (k / b >= 0.4) ? "true" : "false", rk, rb }'
awk -v h="$html_bytes" -v c="$css_bytes" -v e="$external" 'BEGIN {
  printf "{\"what\":\"page weight, first page of the 100-product order form (HTML + CSS, uncompressed)\",\"unit\":\"KB\",\"km0\":%.1f,\"html_bytes\":%d,\"css_bytes\":%d,\"external_requests\":%d,\"target\":\"<= 60, 0 external\",\"ok\":%s}\n",
    (h + c) / 1024, h, c, e, ((h + c) / 1024 <= 60 && e == 0) ? "true" : "false" }'
