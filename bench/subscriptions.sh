#!/bin/sh
# bench/subscriptions.sh — placing SUBS standing orders when a cycle opens, against
# pgbench running the same order inserts in the same run.
#
#   bench/subscriptions.sh [SUBS [REPS]]        defaults 10000 5
#
# The hub gets 200 products (unlimited stock), SUBS customers each with a weekly
# standing order of 3 lines at one of the hub's pickup points, and a draft cycle
# delivering next week. km0: "km0 cycle open ID", which marks the cycle open, freezes
# its offers and places every subscription due (core/subscription_place.c), timed as a
# whole process; its rate is the orders placed per second. Baseline: pgbench, 8
# clients, bench/subscriptions_txn.sql — one transaction per order inserting exactly
# the order, lines, stock and pickup counts km0 placed (read from a km0 run into a
# plan table), into the same cycle opened with nothing placed; its rate is its tps.
# Each repetition starts from fresh copies (CREATE DATABASE ... TEMPLATE, not timed),
# alternating which goes first; medians. Target: km0 at least 60 % of pgbench's rate.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

subs=${1:-10000}
reps=${2:-5}
bin=$KM0
[ -x "$bin" ] || die "build $bin first (make)"
started=
if ! scripts/pg.sh status "$BENCH_PG_DIR" >/dev/null 2>&1; then
    scripts/pg.sh init "$BENCH_PG_DIR" >/dev/null || die "cannot create the cluster $BENCH_PG_DIR"
    scripts/pg.sh start "$BENCH_PG_DIR" >/dev/null || die "cannot start the cluster $BENCH_PG_DIR"
    started=1
fi
work=$(mktemp -d)
tpl=km0_bench_subs
open_tpl=km0_bench_subs_open
run=km0_bench_subs_run
admin=$(bench_url postgres)
cleanup() {
    rm -rf "$work"
    psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $run WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS $open_tpl WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS $tpl WITH (FORCE)" >/dev/null 2>&1 || true
    [ -z "$started" ] || scripts/pg.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

bench_fresh_db "$tpl"
url=$(bench_url "$tpl")
echo "subscriptions: $subs customers with a standing order" >&2
cycle=$(KM0_DATABASE_URL=$url "$bin" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+3 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+5 days' '+%Y-%m-%d')") ||
    die "km0 cycle create failed"
psql -X -q -v ON_ERROR_STOP=1 -v subs="$subs" "$url" >/dev/null <<'SQL' || die "cannot set up the subscriptions"
INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp,
                      weight_g, step_milli)
SELECT p.hub_id, p.id, 'S' || lpad(i::text, 3, '0'), 'Produit ' || i, 'Rayon ' || (i % 10), 'piece',
       15000 + i * 100, 550, 500, 1000
  FROM producers p, generate_series(1, 200) i WHERE p.slug = 'ferme-trois-chenes';
UPDATE pickup_points SET capacity_orders = NULL;
UPDATE cycle_pickup_points SET capacity_orders = NULL;
INSERT INTO customers (hub_id, kind, name, email)
SELECT h.id, 'person', 'Abonné ' || i, 'abonne' || i || '@example.org'
  FROM hubs h, generate_series(1, :subs) i;
INSERT INTO subscriptions (hub_id, customer_id, pickup_point_id, every_weeks, starts_on)
SELECT c.hub_id, c.id,
       (SELECT pp.id FROM pickup_points pp WHERE pp.hub_id = c.hub_id AND pp.active
         ORDER BY pp.id OFFSET c.id % (SELECT count(*) FROM pickup_points WHERE active) LIMIT 1),
       1, current_date - 7
  FROM customers c WHERE c.email LIKE 'abonne%';
INSERT INTO subscription_lines (hub_id, subscription_id, producer_id, sku, quantity_milli)
SELECT s.hub_id, s.id, p.id, 'S' || lpad(((s.id * 7 + k * 61) % 200 + 1)::text, 3, '0'), (1 + k) * 1000
  FROM subscriptions s, generate_series(0, 2) k, producers p WHERE p.slug = 'ferme-trois-chenes';
ANALYZE;
SQL

# the same state with the cycle opened and nothing placed: the baseline's start
psql -X -q "$admin" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$tpl'" >/dev/null
PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin" \
    -c "DROP DATABASE IF EXISTS $open_tpl WITH (FORCE)" -c "CREATE DATABASE $open_tpl TEMPLATE $tpl" >/dev/null ||
    die "cannot copy $tpl"
open_url=$(bench_url "$open_tpl")
psql -X -q -v ON_ERROR_STOP=1 "$open_url" -c "UPDATE subscriptions SET cancelled_at = now()" >/dev/null
KM0_DATABASE_URL=$open_url "$bin" cycle open "$cycle" >/dev/null || die "km0 cycle open (baseline state) failed"
psql -X -q -v ON_ERROR_STOP=1 "$open_url" -c "UPDATE subscriptions SET cancelled_at = NULL" >/dev/null

conf=$work/km0.conf
printf 'log_level = warn\nstatement_timeout_ms = 0\n' >"$conf"
runurl=$(bench_url "$run")
fresh() {
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin" \
        -c "DROP DATABASE IF EXISTS $run WITH (FORCE)" -c "CREATE DATABASE $run TEMPLATE $1" >/dev/null ||
        die "cannot copy $1"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
rsql() { psql -X -q -v ON_ERROR_STOP=1 "$runurl" "$@"; }

km0_open() {
    fresh "$tpl"
    t0=$(now_ms)
    KM0_DATABASE_URL=$runurl "$bin" --config "$conf" cycle open "$cycle" >/dev/null || die "km0 cycle open failed"
    t1=$(now_ms)
    placed=$(rsql -At -c "SELECT count(*) FROM orders WHERE cycle_id = $cycle")
    [ "$placed" -eq "$subs" ] || die "$placed orders placed, not $subs"
    echo "$placed $((t1 - t0))" | awk '{ printf "%.1f\n", $1 * 1000 / $2 }' >>"$work/km0.rate"
}

# the plan: what km0 placed, one row per order, for pgbench to insert the same
km0_open
: >"$work/km0.rate"
rsql -c "\\copy (SELECT row_number() OVER (ORDER BY o.id), o.customer_id, o.pickup_point_id,
    array_agg(l.offer_id ORDER BY l.offer_id), array_agg(l.quantity_milli ORDER BY l.offer_id),
    array_agg(l.unit_price_excl_vat_e4 ORDER BY l.offer_id), array_agg(l.line_excl_vat_cents ORDER BY l.offer_id)
    FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.cycle_id = $cycle GROUP BY o.id) TO '$work/plan.csv'
    WITH (FORMAT csv)" >/dev/null
hub=$(rsql -At -c "SELECT hub_id FROM cycles WHERE id = $cycle")
psql -X -q -v ON_ERROR_STOP=1 "$open_url" >/dev/null <<SQL || die "cannot load the plan"
CREATE TABLE bench_plan (k bigint PRIMARY KEY, customer bigint, pickup bigint, offers bigint[], qty bigint[],
                         price bigint[], net bigint[]);
\\copy bench_plan FROM '$work/plan.csv' WITH (FORMAT csv)
CREATE SEQUENCE bench_k;
ANALYZE;
SQL
psql -X -q "$admin" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$open_tpl'" >/dev/null

pg_run() {
    fresh "$open_tpl"
    per=$((subs / 8))
    out=$(pgbench -n -M prepared -c 8 -j 2 -t "$per" -D hub="$hub" -D cycle="$cycle" \
        -f bench/subscriptions_txn.sql "$runurl" 2>&1) || die "pgbench failed: $out"
    tps=$(printf '%s\n' "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
    [ -n "$tps" ] || die "no tps in pgbench's report: $out"
    failed=$(printf '%s\n' "$out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')
    [ "${failed:-0}" = 0 ] || die "$failed pgbench transactions failed"
    n=$(rsql -At -c "SELECT count(*) FROM orders WHERE cycle_id = $cycle")
    [ "$n" -eq $((per * 8)) ] || die "pgbench inserted $n orders, not $((per * 8))"
    echo "$tps" >>"$work/pg.rate"
}

printf '%s\n' "subscriptions: $reps alternating runs of km0 cycle open and pgbench" >&2
i=0
while [ "$i" -lt "$reps" ]; do
    if [ $((i % 2)) -eq 0 ]; then km0_open; pg_run; else pg_run; km0_open; fi
    i=$((i + 1))
done
k=$(median <"$work/km0.rate")
p=$(median <"$work/pg.rate")
awk -v subs="$subs" -v reps="$reps" -v k="$k" -v p="$p" -v kr="$(tr '\n' ' ' <"$work/km0.rate")" \
    -v pr="$(tr '\n' ' ' <"$work/pg.rate")" 'BEGIN {
    r = (p > 0 ? k / p : 0)
    printf "{\"what\":\"placing %d standing orders (3 lines) when a cycle opens\",\"unit\":\"orders/s\",", subs
    printf "\"km0\":%.1f,\"baseline\":%.1f,\"baseline_what\":\"pgbench, the same order inserts, one transaction per order, 8 clients\",", k, p
    printf "\"ratio\":%.2f,\"target\":\">= 0.60\",\"ok\":%s,\"bench\":\"subscriptions\",\"reps\":%d,", r, (r >= 0.6 ? "true" : "false"), reps
    printf "\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n", kr, pr
}'
