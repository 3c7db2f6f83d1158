#!/bin/sh
# bench/delivered.sh — what recording delivered quantities costs, against the floor:
# one plain SQL UPDATE of the very same rows to the very same values.
#
#   bench/delivered.sh [ORDERS [RUNS]]        defaults: 10000 orders, 7 runs
#
# A batched week of ORDERS orders (tests/lib/weekgen.mjs, 8 pickup points, seed 1), to
# which every order adds two lines: 2 chickens sold by the piece and priced by the kg
# (about 2 kg each), and 3 trays of eggs. Then, alternating in the same run so that both
# see the same machine load, RUNS times each:
#   - shortage: km0 shortage --missing ORDERS on the eggs, split pro rata (the cycle's
#     rule): every line loses one tray — its units, its amount, and its trail row;
#     against UPDATE order_lines SET delivered_milli, delivered_net_cents of those rows;
#   - re-pricing: km0 weigh of a scale's CSV with one weight per chicken line (bag,
#     SKU, weight): every line gets its weight and its amount at the price per kg, and
#     its trail row; against UPDATE order_lines SET weighed_milli, delivered_net_cents
#     of those rows to the same weights.
# km0's figure is the wall clock of the whole process (start, connect, read the file,
# lock, read the lines, check, write, commit with its trail); the baseline's is psql's
# \timing of the UPDATE alone, with the triggers off (session_replication_role =
# replica): the floor is the rows written, nothing else. Between runs both are put back
# (the same way, triggers off) so that each run writes the same rows. Target: within 3x.
# The cluster is BENCH_PG_DIR (var/bench-pg), fsync on as in production (checked). Prints
# one JSON line per figure; progress goes to stderr. A failed step stops it, non-zero.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

orders=${1:-10000}
runs=${2:-7}
bin=$KM0
[ -x "$bin" ] || die "$bin is missing (make)"

started=
if ! scripts/pg.sh status "$BENCH_PG_DIR" >/dev/null 2>&1; then
    scripts/pg.sh init "$BENCH_PG_DIR" >&2 || die "cannot create the cluster $BENCH_PG_DIR"
    scripts/pg.sh start "$BENCH_PG_DIR" >&2 || die "cannot start the cluster $BENCH_PG_DIR"
    started=1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/km0-bench-delivered.XXXXXX")
cleanup() {
    rm -rf "$work"
    [ -z "$started" ] || scripts/pg.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

db=km0_bench_delivered
bench_fresh_db "$db"
url=$(bench_url "$db")
export KM0_DATABASE_URL="$url"
echo "bench/delivered.sh: generating a week of $orders orders" >&2
week=$(node tests/lib/weekgen.mjs --url "$url" --orders "$orders" --points 8 --seed 1) ||
    die "tests/lib/weekgen.mjs failed"
cycle=$(printf '%s' "$week" | sed -n 's/.*"cycle":\([0-9]*\).*/\1/p')
[ -n "$cycle" ] || die "weekgen said: $week"

# the two products every order adds, and the cycle's rule: pro rata
bench_psql "$db" -v cycle="$cycle" >/dev/null <<'SQL' || die "cannot add the bench's products"
INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp, weight_g,
                      step_milli, measure, measure_price_excl_vat_e4, measure_estimate_milli)
SELECT p.hub_id, p.id, 'BENCH-POULET', 'Poulet fermier', 'piece', 240000, 550, 2000, 1000,
       'kg', 120000, 2000 FROM producers p WHERE p.slug = 'volailles-plein-champ';
INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp, weight_g,
                      step_milli)
SELECT p.hub_id, p.id, 'BENCH-OEUFS', 'Plateau de 30 œufs', 'tray', 90000, 0, 1800, 1000
  FROM producers p WHERE p.slug = 'oeufs-puy';
INSERT INTO offers (hub_id, cycle_id, product_id, producer_id, sku, name, unit, price_excl_vat_e4,
                    vat_rate_bp, weight_g, step_milli, measure, measure_price_excl_vat_e4,
                    measure_estimate_milli)
SELECT p.hub_id, :cycle, p.id, p.producer_id, p.sku, p.name, p.unit, p.price_excl_vat_e4,
       p.vat_rate_bp, p.weight_g, p.step_milli, p.measure, p.measure_price_excl_vat_e4,
       p.measure_estimate_milli FROM products p WHERE p.sku LIKE 'BENCH-%';
INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli, unit_price_excl_vat_e4,
                         vat_rate_bp, line_excl_vat_cents)
SELECT o.hub_id, o.id, f.id, q.q, f.price_excl_vat_e4, f.vat_rate_bp,
       round(q.q::numeric * f.price_excl_vat_e4 / 100000)
  FROM orders o JOIN offers f ON f.cycle_id = o.cycle_id AND f.sku LIKE 'BENCH-%'
  JOIN (VALUES ('BENCH-POULET', 2000), ('BENCH-OEUFS', 3000)) q(sku, q) ON q.sku = f.sku
 WHERE o.cycle_id = :cycle;
UPDATE cycles SET shortage_rule = 'pro_rata' WHERE id = :cycle;
ANALYZE;
SQL
eggs=$(bench_psql "$db" -At -c "SELECT id FROM offers WHERE cycle_id = $cycle AND sku = 'BENCH-OEUFS'")
chicken=$(bench_psql "$db" -At -c "SELECT id FROM offers WHERE cycle_id = $cycle AND sku = 'BENCH-POULET'")

# the scale's file: one weight per bag, 1.800 to 2.199 kg for two chickens of about 2 kg
bench_psql "$db" -At -F, -o "$work/scale.csv" -c "WITH bags AS (SELECT os.order_id,
    row_number() OVER (ORDER BY r.seq, s.seq, c.name COLLATE \"fr-x-icu\", o.id) AS bag
    FROM order_stops os JOIN rounds r ON r.id = os.round_id JOIN round_stops s ON s.id = os.stop_id
    JOIN orders o ON o.id = os.order_id JOIN customers c ON c.id = o.customer_id
    WHERE os.cycle_id = $cycle) SELECT bag, 'BENCH-POULET', to_char((1800 + bag % 400) / 1000.0, 'FM0.000')
    FROM bags ORDER BY bag" || die "cannot write the scale's file"
rows=$(wc -l <"$work/scale.csv")
[ "$rows" -eq "$orders" ] || die "$rows rows in the scale's file for $orders orders"

# Put the lines back as ordered, triggers off, and the trail empty: each run writes the
# same rows from the same state.
reset_sql="SET session_replication_role = replica;
UPDATE order_lines SET delivered_milli = NULL, weighed_milli = NULL, delivered_net_cents = NULL
 WHERE offer_id IN ($eggs, $chicken) AND (delivered_milli IS NOT NULL OR weighed_milli IS NOT NULL);
TRUNCATE delivery_changes;"
reset() { bench_psql "$db" -c "$reset_sql" >/dev/null || die "cannot put the lines back"; }

short_base="UPDATE order_lines SET delivered_milli = quantity_milli - 1000,
  delivered_net_cents = round((quantity_milli - 1000)::numeric * unit_price_excl_vat_e4 / 100000)
 WHERE offer_id = $eggs"
weigh_base="UPDATE order_lines l SET weighed_milli = v.w,
  delivered_net_cents = round(v.w::numeric * 120000 / 100000)
  FROM (SELECT id, 1800 + (row_number() OVER (ORDER BY id)) % 400 AS w FROM order_lines
         WHERE offer_id = $chicken) v
 WHERE l.id = v.id"

now_ns() { date +%s%N; }
ms_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f\n", (b - a) / 1000000 }'; }

km0_shortage() {
    reset
    t0=$(now_ns)
    "$bin" shortage --cycle "$cycle" --producer oeufs-puy --sku BENCH-OEUFS --missing "$orders" \
        --reason "bench" >"$work/short.out" 2>"$work/err" || { cat "$work/err" >&2; die "km0 shortage failed"; }
    ms_since "$t0" >>"$work/short.km0"
    changed=$(bench_psql "$db" -At -c "SELECT count(*) FROM delivery_changes WHERE kind = 'shortage'")
    [ "$changed" -eq "$orders" ] || die "km0 shortage changed $changed lines, not $orders"
}

km0_weigh() {
    reset
    t0=$(now_ns)
    "$bin" weigh --cycle "$cycle" "$work/scale.csv" >"$work/weigh.out" 2>"$work/err" ||
        { cat "$work/err" >&2; die "km0 weigh failed"; }
    ms_since "$t0" >>"$work/weigh.km0"
    changed=$(bench_psql "$db" -At -c "SELECT count(*) FROM delivery_changes WHERE kind = 'weight'")
    [ "$changed" -eq "$orders" ] || die "km0 weigh changed $changed lines, not $orders"
}

# psql's \timing of one statement, triggers off; its row count checked
baseline() {
    reset
    psql -X -v ON_ERROR_STOP=1 "$url" -c 'SET session_replication_role = replica' -c '\timing on' \
        -c "$2" >"$work/timing" || die "the baseline UPDATE failed"
    grep -q "^UPDATE $orders\$" "$work/timing" || die "the baseline updated: $(cat "$work/timing")"
    awk '/^Time:/ { print $2 }' "$work/timing" >>"$work/$1"
}

med() { median <"$1"; }
runs_of() { [ "$(grep -c . "$1")" = "$runs" ] || die "$1 has $(grep -c . "$1") timings for $runs runs"; }

# warm up each (plans, caches), not counted
km0_shortage
baseline short.base "$short_base"
km0_weigh
baseline weigh.base "$weigh_base"
: >"$work/short.km0"
: >"$work/short.base"
: >"$work/weigh.km0"
: >"$work/weigh.base"
echo "bench/delivered.sh: $runs alternating runs of each" >&2
i=0
while [ "$i" -lt "$runs" ]; do
    if [ $((i % 2)) -eq 0 ]; then
        km0_shortage
        baseline short.base "$short_base"
        km0_weigh
        baseline weigh.base "$weigh_base"
    else
        baseline short.base "$short_base"
        km0_shortage
        baseline weigh.base "$weigh_base"
        km0_weigh
    fi
    i=$((i + 1))
done
for f in short.km0 short.base weigh.km0 weigh.base; do runs_of "$work/$f"; done
head -n 1 "$work/short.out" >&2
head -n 1 "$work/weigh.out" >&2

row() {
    awk -v what="$1" -v k="$2" -v b="$3" -v base_what="$4" -v n="$orders" 'BEGIN {
        r = k / b
        printf "{\"what\":\"%s\",\"unit\":\"ms\",\"km0\":%s,\"baseline\":%s,", what, k, b
        printf "\"baseline_what\":\"%s\",\"ratio\":%.2f,\"target\":\"<= 3\",\"ok\":%s,", base_what, r, (r <= 3) ? "true" : "false"
        printf "\"bench\":\"delivered\",\"lines\":%d}\n", n
    }'
}
row "a shortage split pro rata over a product in $orders orders (km0 shortage)" \
    "$(med "$work/short.km0")" "$(med "$work/short.base")" \
    "one plain SQL UPDATE of the same rows, triggers off"
row "re-pricing $orders weighed lines from a scale's CSV (km0 weigh)" \
    "$(med "$work/weigh.km0")" "$(med "$work/weigh.base")" \
    "one plain SQL UPDATE of the same rows and columns, triggers off"
