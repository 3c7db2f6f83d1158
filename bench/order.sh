#!/bin/sh
# bench/order.sh — order placement over HTTP vs pgbench running the same SQL.
#
# 32 connections each setting a random customer's whole 8-line order
# (PUT /api/v1/cycles/{id}/order, bench/order.lua) against km0 serve, versus
# pgbench with 32 clients running bench/order_txn.sql — the statements km0 sends
# for that request — on the same database, alternating, REPS times each; medians.
# Also km0's resident memory idle and at its peak under this load. Every request
# and every pgbench transaction must succeed, or the script stops with no figure.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
SCALE=${SCALE:-1}
DURATION=${DURATION:-10}
REPS=${REPS:-3}
CONNS=32
db=bench_order
customers=$((2000 * SCALE))

bench_fresh_db $db
bench_psql $db -c "INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, step_milli)
  SELECT p.hub_id, p.id, 'B' || lpad(i::text, 3, '0'), 'Produit ' || i, 'Rayon ' || (i % 10), 'piece', 15000 + i * 100, 550, 500, 1000
    FROM producers p, generate_series(1, 200) i WHERE p.slug = 'ferme-trois-chenes'" >/dev/null ||
    die "cannot insert the products"
url=$(bench_url $db)
cycle=$(KM0_DATABASE_URL=$url "$KM0" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')") ||
    die "km0 cycle create failed"
KM0_DATABASE_URL=$url "$KM0" cycle open "$cycle" >/dev/null || die "km0 cycle open $cycle failed"
bench_psql $db -v customers=$customers -v cycle=$cycle -f bench/order_setup.sql >/dev/null || die "bench/order_setup.sql failed"
hub=$(bench_psql $db -Atc "SELECT id FROM hubs") || die "no hub"
first=$(bench_psql $db -Atc "SELECT min(id) FROM customers WHERE email LIKE 'bench%'") || die "no customer"
[ "$(bench_psql $db -Atc "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.cycle_id = $cycle")" = $((8 * customers)) ] ||
    die "the $customers customers do not each have an 8-line order"

port=$(free_port)
conf=$(mktemp)
printf 'threads = %s\nlog_level = warn\n' "$CONNS" >"$conf"
KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>var/bench-order-serve.log &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$conf"' EXIT
wait_http "http://127.0.0.1:$port/healthz"
sleep 1
idle_kb=$(rss_kb $pid)
# the floor: a process that only loads km0's libraries (bench/libfloor.c)
build/bench/libfloor >/dev/null &
fpid=$!
sleep 1
floor_kb=$(rss_kb $fpid)
kill $fpid

export BENCH_CYCLE=$cycle BENCH_CUSTOMERS=$customers
# every request must succeed, or the rate means nothing (see var/bench-order-serve.log)
out=$(wrk -t2 -c$CONNS -d3s -s bench/order.lua "http://127.0.0.1:$port") || die "wrk failed: $out"
wrk_bench_line "$out" >/dev/null # warm-up

km0_runs="" pg_runs=""
for _ in $(seq 1 "$REPS"); do
    out=$(wrk -t2 -c$CONNS -d"${DURATION}s" -s bench/order.lua "http://127.0.0.1:$port") || die "wrk failed: $out"
    line=$(wrk_bench_line "$out")
    req=$(printf '%s\n' "$line" | sed 's/.*requests=\([0-9]*\).*/\1/')
    dur=$(printf '%s\n' "$line" | sed 's/.*duration_us=\([0-9]*\).*/\1/')
    km0_runs="$km0_runs $(echo "$req $dur" | awk '{ printf "%.1f", $1 / ($2 / 1e6) }')"
    pgb=$(pgbench -n -M prepared -c $CONNS -j 2 -T "$DURATION" -f bench/order_txn.sql \
        -D hub="$hub" -D cycle="$cycle" -D customers="$customers" -D first_customer="$first" "$url" 2>&1) ||
        die "pgbench failed: $pgb"
    tps=$(printf '%s\n' "$pgb" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
    [ -n "$tps" ] || die "no tps in pgbench's report: $pgb"
    pgfail=$(printf '%s\n' "$pgb" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')
    [ "${pgfail:-0}" = 0 ] || die "$pgfail pgbench transactions failed"
    pg_runs="$pg_runs $tps"
done
peak_kb=$(hwm_kb $pid)
km0=$(echo $km0_runs | tr ' ' '\n' | median)
pg=$(echo $pg_runs | tr ' ' '\n' | median)
awk -v k="$km0" -v p="$pg" -v runs_k="$km0_runs" -v runs_p="$pg_runs" -v c="$customers" 'BEGIN {
  printf "{\"what\":\"order placement, HTTP, 32 connections, 8-line orders\",\"unit\":\"orders/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"pgbench, same SQL transaction, 32 clients\",\"ratio\":%.3f,\"target\":\">= 0.60\",\"ok\":%s,\"customers\":%d,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    k, p, k / p, (k / p >= 0.6) ? "true" : "false", c, runs_k, runs_p }'
awk -v i="$idle_kb" -v m="$peak_kb" -v f="$floor_kb" 'BEGIN {
  printf "{\"what\":\"km0 serve resident memory, idle\",\"unit\":\"MB\",\"km0\":%.1f,\"baseline\":%.1f,\"baseline_what\":\"a process that only loads the same libraries\",\"ratio\":%.2f,\"target\":\"<= 8\",\"ok\":%s}\n", i / 1024, f / 1024, i / f, (i / 1024 <= 8) ? "true" : "false";
  printf "{\"what\":\"km0 serve resident memory, peak under the order load\",\"unit\":\"MB\",\"km0\":%.1f,\"target\":\"<= 32\",\"ok\":%s}\n", m / 1024, (m / 1024 <= 32) ? "true" : "false" }'
