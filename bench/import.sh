#!/bin/sh
# bench/import.sh — a 100 000-row catalog through "km0 import catalog", against psql
# \copy of the same rows into the products table with its declared constraints.
#
#   bench/import.sh [ROWS [REPS]]      defaults 100000 7
#
# The catalog is generated deterministically (Park-Miller generator, fixed seed):
# km0's own CSV columns, decimal points, a quoted description, about 9.7 MB for
# 100 000 rows. In a scratch database of the bench cluster (BENCH_PG_DIR, default
# var/bench-pg, started here and stopped on exit when it was not running), it
# alternates REPS times, each from empty tables:
#   km0       build/km0 import catalog (read, parse, check, compare with the stored
#             products, COPY into products, commit), whole process, wall clock
#   floor     psql \copy of the very rows km0 stored straight into products, with its
#             declared constraints (primary key, checks, the foreign key to the
#             producer): what the schema itself costs, which no importer can go below
#   plain     psql \copy of the CSV file into a plain table with the same columns (no
#             index, no constraint), whole process, wall clock: for reference
# and prints JSON lines with the medians: km0 against the floor (target: within
# 1.5x), against the plain table (the figure kept beside it), and reimport_ms, km0
# importing the same file again (everything unchanged, nothing written).
set -eu
cd "$(dirname "$0")/.."

rows=${1:-100000}
reps=${2:-7}
: "${KM0:=build/km0}"
: "${BENCH_PG_DIR:=var/bench-pg}"
[ -x "$KM0" ] || { echo "bench/import.sh: build $KM0 first (make)" >&2; exit 1; }

started=
if ! scripts/pg.sh status "$BENCH_PG_DIR" >/dev/null 2>&1; then
    scripts/pg.sh init "$BENCH_PG_DIR" >/dev/null
    scripts/pg.sh start "$BENCH_PG_DIR" >/dev/null
    started=1
fi
work=$(mktemp -d)
cleanup() {
    rm -rf "$work"
    [ -z "$started" ] || scripts/pg.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

db=km0_bench_import
admin=$(scripts/pg.sh url "$BENCH_PG_DIR" postgres)
url=$(scripts/pg.sh url "$BENCH_PG_DIR" "$db")
PGOPTIONS='-c client_min_messages=warning' psql -X -q "$admin" \
    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
KM0_DATABASE_URL=$url "$KM0" migrate >/dev/null
KM0_DATABASE_URL=$url "$KM0" seed tests/data/hub >/dev/null
sql() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }

csv=$work/catalog.csv
awk -v rows="$rows" '
    # Park-Miller: every product stays below 2^53, so any awk computes the same file
    function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
    BEGIN {
        seed = 20261128
        split("Légumes,Fruits,Fromages,Viandes,Pains,Épicerie,Boissons,Plants", cat, ",")
        split("kg,piece,bunch,jar,bottle,box", unit, ",")
        split("5.5,5.5,5.5,10,20", vat, ",")
        print "sku,name,category,unit,price_excl_vat,vat_rate,weight_kg,stock,step,organic,description"
        for (i = 1; i <= rows; i++) {
            u = unit[rnd(6) + 1]
            w = (u == "kg") ? "1" : sprintf("%d.%03d", rnd(3), rnd(1000) + 1)
            printf "BENCH-%06d,Produit n°%d,%s,%s,%d.%02d,%s,%s,%d,%s,%s,\"Lot %d, récolte du jour\"\n",
                i, i, cat[rnd(8) + 1], u, rnd(40) + 1, rnd(100), vat[rnd(5) + 1], w, rnd(500),
                (u == "kg") ? "0.5" : "1", rnd(2) ? "oui" : "non", rnd(10000)
        }
    }' >"$csv"
bytes=$(wc -c <"$csv")

# the file may pass 10 MB for more rows: let the limits follow
conf=$work/km0.conf
printf 'catalog_max_bytes = %s\ncatalog_max_rows = %s\nlog_level = warn\nstatement_timeout_ms = 0\n' \
    "$((bytes + 1048576))" "$((rows > 100000 ? rows : 100000))" >"$conf"
sql -c "CREATE TABLE bench_plain (sku text, name text, category text, unit text,
          price_excl_vat numeric, vat_rate numeric, weight_kg numeric, stock numeric,
          step numeric, organic text, description text)"
columns="hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, price_incl_vat_cents,
         vat_rate_bp, weight_g, stock_milli, step_milli, organic, description, active"
stored=$work/stored.tsv

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%d", (v[int((NR + 1) / 2)] + v[int(NR / 2 + 1)]) / 2 }'; }
empty_products() { sql -c "TRUNCATE products, offers, order_lines"; }
import() { KM0_DATABASE_URL=$url "$KM0" --config "$conf" import catalog --producer ferme-trois-chenes "$csv"; }

echo "bench/import.sh: $rows rows ($bytes bytes), $reps alternating runs" >&2
: >"$work/km0"
: >"$work/base"
: >"$work/again"
: >"$work/floor"
for i in $(seq 1 "$reps"); do
    empty_products
    t0=$(now_ms)
    import >"$work/out.txt"
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/km0"
    grep -q "^new $rows, changed 0, unchanged 0" "$work/out.txt" ||
        { echo "bench/import.sh: unexpected summary:" >&2; head -n 5 "$work/out.txt" >&2; exit 1; }

    sql -c "TRUNCATE bench_plain"
    t0=$(now_ms)
    sql -c "\\copy bench_plain FROM '$csv' WITH (FORMAT csv, HEADER)"
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/base"

    t0=$(now_ms)
    import >"$work/out.txt"
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/again"
    grep -q "^new 0, changed 0, unchanged $rows" "$work/out.txt" ||
        { echo "bench/import.sh: re-import changed something" >&2; exit 1; }

    [ -s "$stored" ] || sql -c "\\copy (SELECT $columns FROM products ORDER BY id) TO '$stored'"
    empty_products
    t0=$(now_ms)
    sql -c "\\copy products ($columns) FROM '$stored'"
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/floor"
    printf '  run %s: km0 %s ms, \\copy %s ms, re-import %s ms, \\copy into products %s ms\n' "$i" \
        "$(tail -n 1 "$work/km0")" "$(tail -n 1 "$work/base")" "$(tail -n 1 "$work/again")" \
        "$(tail -n 1 "$work/floor")" >&2
done

# the ratio of each run's pair too: the spread says how far a median can move
pair_spread() {
    paste "$1" "$2" | awk '{ r = $1 / $2; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r }
        END { printf "%.2f-%.2f", lo, hi }'
}
spread=$(pair_spread "$work/km0" "$work/floor")
spread_plain=$(pair_spread "$work/km0" "$work/base")
k=$(median <"$work/km0")
b=$(median <"$work/base")
a=$(median <"$work/again")
f=$(median <"$work/floor")
awk -v k="$k" -v b="$b" -v a="$a" -v f="$f" -v rows="$rows" -v spread="$spread" -v spread_plain="$spread_plain" 'BEGIN {
    r = k / f
    printf "{\"what\":\"catalog import 100k rows\",\"unit\":\"ms\",\"km0\":%d,\"baseline\":%d,\"baseline_what\":\"psql COPY of the same rows into the products table, its key, checks and foreign key declared\",\"ratio\":%.2f,\"target\":\"<= 1.5\",\"ok\":%s,\"rows\":%d,\"km0_ms\":%d,\"products_copy_ms\":%d,\"plain_copy_ms\":%d,\"reimport_ms\":%d,\"ratio_per_run\":\"%s\",\"ratio_plain_per_run\":\"%s\"}\n",
        k, f, r, (r <= 1.5) ? "true" : "false", rows, k, f, b, a, spread, spread_plain
    printf "{\"what\":\"catalog import 100k rows, against a plain table (reference)\",\"unit\":\"ms\",\"km0\":%d,\"baseline\":%d,\"baseline_what\":\"psql \\\\copy of the file, plain table, no index or constraint\",\"ratio\":%.2f,\"target\":\"(reference)\"}\n", k, b, k / b
    printf "{\"what\":\"catalog re-import 100k rows, nothing changed\",\"unit\":\"ms\",\"km0\":%d,\"baseline\":%d,\"baseline_what\":\"psql COPY of the same rows into products\",\"ratio\":%.2f,\"target\":\"<= 1.5\",\"ok\":%s}\n", a, f, a / f, (a / f <= 1.5) ? "true" : "false"
}'
