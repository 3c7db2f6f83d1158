#!/bin/sh
# bench/batch.sh — how long "km0 batch" takes on a regional network's week, against
# the floor set by PostgreSQL reading the same orders once.
#
#   bench/batch.sh [ORDERS [POINTS [VEHICLES [RUNS]]]]     defaults 100000 200 20 7
#
# Builds a scratch database in its own PostgreSQL cluster (var/bench-batch-pg,
# created on first use, stopped on exit if this script started it) with
# bench/batch_gen.sql: ORDERS orders of 1 to 5 lines over POINTS pickup points and
# VEHICLES vehicles, deterministic for a given seed. Then, alternating in the same
# run so that both see the same machine load, it times RUNS times
#   - km0 batch --cycle 1 with build/km0 (-O2): wall clock of the whole process,
#     which loads, plans, replaces the stored rounds and commits;
#   - the baseline: SELECT pickup_point_id, sum(weight) ... GROUP BY pickup_point_id
#     over the same orders, as psql's \timing reports it (query only, no start-up);
# and prints one JSON line with the medians:
#   {"what":"batch 100k orders","km0_ms":…,"baseline_ms":…,"ratio":…}
# km0's own breakdown (load, plan, write) goes to stderr. Target: ratio <= 3.
set -eu
cd "$(dirname "$0")/.."

orders=${1:-100000}
points=${2:-200}
vehicles=${3:-20}
runs=${4:-7}
seed=${BENCH_SEED:-1}
bin=build/km0
pgdir=var/bench-batch-pg

[ -x "$bin" ] || { echo "bench/batch.sh: build $bin first (make)" >&2; exit 1; }

started=
if ! scripts/pg.sh status "$pgdir" >/dev/null 2>&1; then
    KM0_PG_FSYNC=off scripts/pg.sh init "$pgdir" >/dev/null
    scripts/pg.sh start "$pgdir" >/dev/null
    started=1
fi
work=$(mktemp -d)
cleanup() {
    rm -rf "$work"
    [ -z "$started" ] || scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

db=km0_bench_batch
admin=$(scripts/pg.sh url "$pgdir" postgres)
url=$(scripts/pg.sh url "$pgdir" "$db")
psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
KM0_DATABASE_URL=$url "$bin" migrate >/dev/null
echo "bench/batch.sh: generating $orders orders over $points points and $vehicles vehicles" >&2
psql -X -q "$url" -v ON_ERROR_STOP=1 -v orders="$orders" -v points="$points" \
    -v vehicles="$vehicles" -v seed="$seed" -f bench/batch_gen.sql >/dev/null

baseline_sql="SELECT o.pickup_point_id, sum((l.quantity_milli * f.weight_g + 500) / 1000) AS weight_g
  FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN offers f ON f.id = l.offer_id
 WHERE o.cycle_id = 1 GROUP BY o.pickup_point_id"

now_ns() { date +%s%N; }

batch_once() {
    t0=$(now_ns)
    KM0_DATABASE_URL=$url "$bin" batch --cycle 1 >"$work/out" 2>"$work/err" ||
        { cat "$work/err" >&2; exit 1; }
    t1=$(now_ns)
    echo $(((t1 - t0) / 1000)) | awk '{ printf "%.3f\n", $1 / 1000 }' >>"$work/km0"
    grep -o 'load_ms=[0-9.]* detail_ms=[0-9.]* plan_ms=[0-9.]* write_ms=[0-9.]*' "$work/err" \
        >>"$work/breakdown" || true
}

baseline_once() {
    psql -X -q "$url" -c '\timing on' -c '\o /dev/null' -c "$baseline_sql" |
        awk '/^Time:/ { print $2 }' >>"$work/baseline"
}

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR + 1) / 2; printf "%.1f", (v[int(m)] + v[int(m + 0.5)]) / 2 }'; }

# one of each to warm the caches and prepare the first batch, not counted
batch_once
baseline_once
: >"$work/km0"
: >"$work/baseline"
: >"$work/breakdown"
i=0
while [ "$i" -lt "$runs" ]; do
    batch_once
    baseline_once
    i=$((i + 1))
done

head -n 1 "$work/out" >&2
for part in load detail plan write; do
    sed -n "s/.*${part}_ms=\([0-9.]*\).*/\1/p" "$work/breakdown" >"$work/$part"
done
echo "bench/batch.sh: km0 medians: load $(median "$work/load") ms (points and per-point totals)," \
    "detail $(median "$work/detail") ms (orders of points to split), plan $(median "$work/plan") ms," \
    "write $(median "$work/write") ms (replace rounds, read back)" >&2
km0_ms=$(median "$work/km0")
base_ms=$(median "$work/baseline")
what="batch $((orders / 1000))k orders"
awk -v what="$what" -v k="$km0_ms" -v b="$base_ms" \
    'BEGIN { printf "{\"what\":\"%s over 200 pickup points and 20 vehicles\",\"unit\":\"ms\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the GROUP BY pickup_point summing their weights\",\"ratio\":%.2f,\"target\":\"<= 3\",\"ok\":%s,\"km0_ms\":%s,\"baseline_ms\":%s}\n", what, k, b, k / b, (k / b <= 3) ? "true" : "false", k, b }'
