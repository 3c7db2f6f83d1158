#!/bin/sh
# bench/batch.sh — how long "km0 batch" takes on a regional network's week, against
# the floor set by PostgreSQL reading the same orders once.
#
#   bench/batch.sh [ORDERS [POINTS [VEHICLES [RUNS]]]]     defaults 100000 200 20 7
#
# Builds a scratch database in the bench cluster (BENCH_PG_DIR, default var/bench-pg,
# created and started here and stopped on exit when it was not running; fsync on, as
# in production, checked) with bench/batch_gen.sql: ORDERS orders of 1 to 5 lines over POINTS pickup points and
# VEHICLES vehicles, deterministic for a given seed. Then, alternating in the same
# run so that both see the same machine load, it times RUNS times
#   - km0 batch --cycle 1 with build/km0 (-O2): wall clock of the whole process,
#     which loads, plans, replaces the stored rounds and commits;
#   - the baseline: SELECT pickup_point_id, sum(weight) ... GROUP BY pickup_point_id
#     over the same orders, as psql's \timing reports it (query only, no start-up);
# and prints one JSON line with the medians:
#   {"what":"batch 100k orders","km0_ms":…,"baseline_ms":…,"ratio":…}
# km0's own breakdown (load, plan, write) goes to stderr. Target: ratio <= 3.
# Any failed step (psql, km0 batch, a run without its timing) stops it, non-zero.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

orders=${1:-100000}
points=${2:-200}
vehicles=${3:-20}
runs=${4:-7}
seed=${BENCH_SEED:-1}
bin=$KM0
pgdir=$BENCH_PG_DIR

[ -x "$bin" ] || die "build $bin first (make)"

started=
if ! scripts/pg.sh status "$pgdir" >/dev/null 2>&1; then
    scripts/pg.sh init "$pgdir" >/dev/null || die "cannot create the cluster $pgdir"
    scripts/pg.sh start "$pgdir" >/dev/null || die "cannot start the cluster $pgdir"
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
PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin" \
    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null || die "cannot create $db"
bench_fsync_on "$url"
KM0_DATABASE_URL=$url "$bin" migrate >/dev/null || die "km0 migrate failed"
echo "bench/batch.sh: generating $orders orders over $points points and $vehicles vehicles" >&2
psql -X -q "$url" -v ON_ERROR_STOP=1 -v orders="$orders" -v points="$points" \
    -v vehicles="$vehicles" -v seed="$seed" -f bench/batch_gen.sql >/dev/null || die "bench/batch_gen.sql failed"
got=$(psql -X -At "$url" -c "SELECT count(*) FROM orders WHERE cycle_id = 1") || die "cannot count the orders"
[ "$got" = "$orders" ] || die "$got orders generated, not $orders"

baseline_sql="SELECT o.pickup_point_id, sum((l.quantity_milli * f.weight_g + 500) / 1000) AS weight_g
  FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN offers f ON f.id = l.offer_id
 WHERE o.cycle_id = 1 GROUP BY o.pickup_point_id"

now_ns() { date +%s%N; }

batch_once() {
    t0=$(now_ns)
    KM0_DATABASE_URL=$url "$bin" batch --cycle 1 >"$work/out" 2>"$work/err" ||
        { cat "$work/err" >&2; die "km0 batch failed"; }
    t1=$(now_ns)
    echo $(((t1 - t0) / 1000)) | awk '{ printf "%.3f\n", $1 / 1000 }' >>"$work/km0"
    grep -o 'load_ms=[0-9.]* detail_ms=[0-9.]* plan_ms=[0-9.]* write_ms=[0-9.]*' "$work/err" \
        >>"$work/breakdown" || true
}

baseline_once() {
    psql -X -q -v ON_ERROR_STOP=1 "$url" -c '\timing on' -c '\o /dev/null' -c "$baseline_sql" >"$work/timing" ||
        die "the baseline query failed"
    ms=$(awk '/^Time:/ { print $2 }' "$work/timing")
    [ -n "$ms" ] || die "psql printed no timing: $(cat "$work/timing")"
    echo "$ms" >>"$work/baseline"
}

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR + 1) / 2; printf "%.1f", (v[int(m)] + v[int(m + 0.5)]) / 2 }'; }
# the two figures compared: one timing per run each, or no figure at all
all_runs() { [ "$(grep -c . "$1")" = "$runs" ] || die "$1 has $(grep -c . "$1") timings for $runs runs"; }

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
rounds=$(psql -X -At "$url" -c "SELECT count(*) FROM rounds WHERE cycle_id = 1") || die "cannot count the rounds"
[ "$rounds" -gt 0 ] || die "km0 batch made no round"
for part in load detail plan write; do
    sed -n "s/.*${part}_ms=\([0-9.]*\).*/\1/p" "$work/breakdown" >"$work/$part"
done
echo "bench/batch.sh: km0 medians: load $(median "$work/load") ms (points and per-point totals)," \
    "detail $(median "$work/detail") ms (orders of points to split), plan $(median "$work/plan") ms," \
    "write $(median "$work/write") ms (replace rounds, read back)" >&2
all_runs "$work/km0"
all_runs "$work/baseline"
km0_ms=$(median "$work/km0")
base_ms=$(median "$work/baseline")
what="batch $((orders / 1000))k orders"
awk -v what="$what" -v k="$km0_ms" -v b="$base_ms" \
    'BEGIN { printf "{\"what\":\"%s over 200 pickup points and 20 vehicles\",\"unit\":\"ms\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the GROUP BY pickup_point summing their weights\",\"ratio\":%.2f,\"target\":\"<= 3\",\"ok\":%s,\"km0_ms\":%s,\"baseline_ms\":%s}\n", what, k, b, k / b, (k / b <= 3) ? "true" : "false", k, b }'
