#!/bin/sh
# bench/replication.sh — what synchronous replication costs order placement.
#
# PostgreSQL in failover as scripts/ha.sh sets it up (a pg_auto_failover monitor, a
# primary and a standby, fsync on), one km0 server on the multi-host URL, and the load
# of bench/order.sh (wrk, 32 connections, each request setting a random customer's
# whole 8-line order). The same run alternates, REPS times each, between
# synchronous_commit = remote_apply (every acknowledged order applied on the standby:
# km0's setting), on (flushed to the standby's disk, not yet visible there) and local
# (the standby asynchronous: what an acknowledgement meant before); medians. Every
# request must succeed, or the script stops with no figure.
#
# Its own cluster (var/bench-ha), removed at the end: bench/scripts/bench.sh's cluster
# has no standby.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
SCALE=${SCALE:-1}
DURATION=${DURATION:-8}
REPS=${REPS:-3}
CONNS=32
customers=$((2000 * SCALE))
ha_dir=${BENCH_HA_DIR:-var/bench-ha}

scripts/ha.sh destroy "$ha_dir" >/dev/null 2>&1 || true
KM0_PG_FSYNC=on scripts/ha.sh init "$ha_dir" >/dev/null || die "scripts/ha.sh init failed"
port=""
pid=""
conf=$(mktemp)
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    [ -z "$pid" ] || wait "$pid" 2>/dev/null || true
    rm -f "$conf"
    scripts/ha.sh destroy "$ha_dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
url=$(scripts/ha.sh url "$ha_dir")
bench_fsync_on "$url"
KM0_DATABASE_URL=$url "$KM0" migrate >/dev/null || die "km0 migrate failed"
KM0_DATABASE_URL=$url "$KM0" seed tests/data/hub >/dev/null || die "km0 seed failed"
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, step_milli)
  SELECT p.hub_id, p.id, 'B' || lpad(i::text, 3, '0'), 'Produit ' || i, 'Rayon ' || (i % 10), 'piece', 15000 + i * 100, 550, 500, 1000
    FROM producers p, generate_series(1, 200) i WHERE p.slug = 'ferme-trois-chenes'" >/dev/null ||
    die "cannot insert the products"
cycle=$(KM0_DATABASE_URL=$url "$KM0" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')") ||
    die "km0 cycle create failed"
KM0_DATABASE_URL=$url "$KM0" cycle open "$cycle" >/dev/null || die "km0 cycle open $cycle failed"
psql -X -q -v ON_ERROR_STOP=1 "$url" -v customers=$customers -v cycle=$cycle -f bench/order_setup.sql >/dev/null ||
    die "bench/order_setup.sql failed"

port=$(free_port)
printf 'threads = %s\nlog_level = warn\n' "$CONNS" >"$conf"
KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>var/bench-replication-serve.log &
pid=$!
wait_http "http://127.0.0.1:$port/healthz"
export BENCH_CYCLE=$cycle BENCH_CUSTOMERS=$customers

# rate MODE: orders per second of one wrk run under synchronous_commit = MODE
rate() {
    scripts/ha.sh sync "$ha_dir" "$1"
    [ "$(psql -X -At "$url" -c 'SHOW synchronous_commit')" = "$1" ] || die "synchronous_commit is not $1"
    wrk_rate -t2 -c$CONNS -d"${2:-$DURATION}s" -s bench/order.lua "http://127.0.0.1:$port"
}
# the standby must be a synchronous one for the figures to mean anything
psql -X -At "$url" -c 'SHOW synchronous_standby_names' | grep -q pgautofailover_standby ||
    die "the primary has no synchronous standby"
rate remote_apply 3 >/dev/null # warm-up

apply_runs="" on_runs="" local_runs=""
for _ in $(seq 1 "$REPS"); do
    apply_runs="$apply_runs $(rate remote_apply)"
    on_runs="$on_runs $(rate on)"
    local_runs="$local_runs $(rate local)"
done
scripts/ha.sh sync "$ha_dir" remote_apply
apply=$(echo $apply_runs | tr ' ' '\n' | median)
on=$(echo $on_runs | tr ' ' '\n' | median)
async=$(echo $local_runs | tr ' ' '\n' | median)
awk -v a="$apply" -v o="$on" -v l="$async" -v ra="$apply_runs" -v ro="$on_runs" -v rl="$local_runs" 'BEGIN {
  printf "{\"what\":\"order placement with a synchronous standby (remote_apply), HTTP, 32 connections, 8-line orders\",\"unit\":\"orders/s\",\"km0\":%.1f,\"baseline\":%.1f,\"baseline_what\":\"same run, synchronous_commit = local: the standby asynchronous\",\"ratio\":%.3f,\"target\":\">= 0.50\",\"ok\":%s,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    a, l, a / l, (a / l >= 0.5) ? "true" : "false", ra, rl;
  printf "{\"what\":\"order placement with a synchronous standby (on: flushed there, not yet applied), same run\",\"unit\":\"orders/s\",\"km0\":%.1f,\"baseline\":%.1f,\"baseline_what\":\"synchronous_commit = local\",\"ratio\":%.3f,\"target\":\">= 0.50\",\"ok\":%s,\"km0_runs\":\"%s\"}\n",
    o, l, o / l, (o / l >= 0.5) ? "true" : "false", ro }'
