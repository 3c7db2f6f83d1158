#!/bin/sh
# bench/report_picking.sh — how fast km0 writes the picking list of a big week,
# measured against the floor PostgreSQL itself sets: psql's \copy of the very same
# rows (the document's one query, from km0 report --print-query) to CSV. Then how
# many pages per second FOP makes of it.
#
#   bench/report_picking.sh [ORDERS [REPS]]       defaults: 10000 orders, 7 repetitions
#   KM0_BENCH_URL=CONNINFO bench/report_picking.sh  use that (empty) database instead of
#                                                   one in the bench cluster
#
# The bench cluster is BENCH_PG_DIR (default var/bench-pg), created and started here
# and stopped on exit when it was not running; PostgreSQL runs with fsync on, as in
# production (checked, either way). A failed step stops the script, non-zero.
#
# The week comes from tests/lib/weekgen.mjs (8 pickup points, seed 1). Timings are
# wall clock of whole processes (start, connect, query, write the file), repeated
# REPS times alternating which goes first; medians are reported. Target: the XML
# within 3x of \copy. Prints one JSON line on stdout; progress goes to stderr.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

orders=${1:-10000}
reps=${2:-7}
bin=$KM0
[ -x "$bin" ] || die "$bin is missing (make)"

tmp=$(mktemp -d)
started=
cleanup() {
    rm -rf "$tmp"
    [ -z "$started" ] || scripts/pg.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

if [ -n "${KM0_BENCH_URL:-}" ]; then
    url=$KM0_BENCH_URL
else
    if ! scripts/pg.sh status "$BENCH_PG_DIR" >/dev/null 2>&1; then
        scripts/pg.sh init "$BENCH_PG_DIR" >&2 || die "cannot create the cluster $BENCH_PG_DIR"
        scripts/pg.sh start "$BENCH_PG_DIR" >&2 || die "cannot start the cluster $BENCH_PG_DIR"
        started=1
    fi
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$(bench_url postgres)" \
        -c "DROP DATABASE IF EXISTS km0_bench_report WITH (FORCE)" \
        -c "CREATE DATABASE km0_bench_report" >&2 || die "cannot create km0_bench_report"
    url=$(bench_url km0_bench_report)
fi
bench_fsync_on "$url"
export KM0_DATABASE_URL="$url"

echo "report_picking: generating a week of $orders orders" >&2
"$bin" migrate >/dev/null || die "km0 migrate failed"
"$bin" seed tests/data/hub >/dev/null || die "km0 seed failed"
week=$(node tests/lib/weekgen.mjs --url "$url" --orders "$orders" --points 8 --seed 1) || die "tests/lib/weekgen.mjs failed"
cycle=$(printf '%s' "$week" | sed -n 's/.*"cycle":\([0-9]*\).*/\1/p')
lines=$(printf '%s' "$week" | sed -n 's/.*"lines":\([0-9]*\).*/\1/p')
[ -n "$cycle" ] && [ -n "$lines" ] || die "weekgen said: $week"
sql=$("$bin" report picking --cycle "$cycle" --print-query) || die "km0 report --print-query failed"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
run_xml() { "$bin" report picking --cycle "$cycle" --format xml -o "$tmp/picking.xml" || die "km0 report picking failed"; }
run_copy() { psql -X -q -v ON_ERROR_STOP=1 "$url" -c "\\copy ($sql) TO '$tmp/picking.csv' WITH (FORMAT csv)" || die "psql \\copy failed"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# warm up both (plans, caches), and check they are the same rows
run_xml
run_copy
items=$(grep -c '<item ' "$tmp/picking.xml")
rows=$(wc -l <"$tmp/picking.csv")
[ "$items" -eq "$rows" ] && [ "$rows" -eq "$lines" ] ||
    die "$items items in the XML, $rows rows copied, $lines lines"

printf 'report_picking: %s alternating runs of km0 (xml) and psql (\\copy)\n' "$reps" >&2
i=0
while [ "$i" -lt "$reps" ]; do
    if [ $((i % 2)) -eq 0 ]; then
        t0=$(now_ms); run_xml; t1=$(now_ms); run_copy; t2=$(now_ms)
        echo $((t1 - t0)) >>"$tmp/xml.ms"; echo $((t2 - t1)) >>"$tmp/copy.ms"
    else
        t0=$(now_ms); run_copy; t1=$(now_ms); run_xml; t2=$(now_ms)
        echo $((t1 - t0)) >>"$tmp/copy.ms"; echo $((t2 - t1)) >>"$tmp/xml.ms"
    fi
    i=$((i + 1))
done
xml_ms=$(median <"$tmp/xml.ms")
copy_ms=$(median <"$tmp/copy.ms")

# FOP: one pickup point's picking list, a realistic print job; and a one-page
# document, whose time is mostly the JVM starting
echo "report_picking: FOP on the picking list of one pickup point" >&2
round=$(psql -X -q -At "$url" -c "SELECT min(id) FROM rounds WHERE cycle_id = $cycle") || die "cannot read the rounds"
[ -n "$round" ] || die "the week has no round"
t0=$(now_ms)
"$bin" report route --cycle "$cycle" --round "$round" --format pdf -o "$tmp/one.pdf" || die "the route PDF failed"
t1=$(now_ms)
"$bin" report picking --cycle "$cycle" --pickup crest-halle --format fo -o "$tmp/picking.fo" || die "the picking FO failed"
t2=$(now_ms)
"$bin" report picking --cycle "$cycle" --pickup crest-halle --format pdf -o "$tmp/picking.pdf" || die "the picking PDF failed"
t3=$(now_ms)
pages=$(pdfinfo "$tmp/picking.pdf" | awk '/^Pages:/ { print $2 }')
[ -n "$pages" ] && [ "$pages" -gt 0 ] || die "no page in the picking PDF"
one_ms=$((t1 - t0))
fo_ms=$((t2 - t1))
pdf_ms=$((t3 - t2))

awk -v orders="$orders" -v lines="$lines" -v reps="$reps" -v xml="$xml_ms" -v copy="$copy_ms" \
    -v xml_bytes="$(wc -c <"$tmp/picking.xml")" -v csv_bytes="$(wc -c <"$tmp/picking.csv")" \
    -v pages="$pages" -v pdf="$pdf_ms" -v fo="$fo_ms" -v one="$one_ms" 'BEGIN {
    ratio = (copy > 0 ? xml / copy : 0)
    printf "{\"what\":\"picking sheets as XML, %d orders\",\"unit\":\"ms\",\"km0\":%d,\"baseline\":%d,", orders, xml, copy
    printf "\"baseline_what\":\"psql \\\\copy of the same rows to CSV\",\"target\":\"<= 3\","
    printf "\"bench\":\"report_picking\",\"orders\":%d,\"lines\":%d,\"reps\":%d,", orders, lines, reps
    printf "\"xml_ms\":%d,\"copy_ms\":%d,\"ratio\":%.2f,\"target_ratio\":3,\"ok\":%s,", xml, copy, ratio,
           (ratio <= 3 ? "true" : "false")
    printf "\"xml_bytes\":%d,\"csv_bytes\":%d,", xml_bytes, csv_bytes
    printf "\"fop_pages\":%d,\"fo_ms\":%d,\"pdf_ms\":%d,\"fop_pages_per_s\":%.1f,", pages, fo, pdf,
           (pdf > 0 ? pages * 1000 / pdf : 0)
    printf "\"fop_one_page_ms\":%d,\"fop_pages_per_s_after_start\":%.1f}\n", one,
           (pdf > one ? (pages - 1) * 1000 / (pdf - one) : 0)
    printf "{\"what\":\"PDF through Apache FOP (picking, %d pages)\",\"unit\":\"pages/s\",\"km0\":%.1f,\"target\":\"(recorded)\",\"fop_pages_per_s_after_start\":%.1f}\n", pages,
           (pdf > 0 ? pages * 1000 / pdf : 0), (pdf > one ? (pages - 1) * 1000 / (pdf - one) : 0)
}'
