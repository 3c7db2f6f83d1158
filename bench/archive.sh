#!/bin/sh
# bench/archive.sh — issuing and archiving a cycle's invoices as Factur-X files
# (km0 invoice issue: the numbers in one transaction, then every invoice rendered
# once, batches of archive_batch in one FOP run each, cut into one file per
# invoice and stored), against the floor FOP itself sets: rendering one XSL-FO
# document of the very same invoices (one page sequence each) as PDF/A-3b in one
# run, the JVM started once. Target: km0 within 1.5x of that floor.
#
#   bench/archive.sh [INVOICES]        default 10 000 (one invoice per order, hub mode)
#
# Both start from copies of one database holding the same batched cycle (a generated
# week, seed 1): the floor's copy is issued without archiving and its invoices
# exported as one FO (km0 report invoices --format fo), which FOP renders with the
# JVM settings and the lower priority km0 gives its own FOP runs (JAVA_ARGS, nice 10).
# The floor runs first, then km0; each once (minutes each at 10 000). After km0's
# run, every file is counted (one per invoice) and km0 invoice verify must pass (its
# time is recorded). Prints JSON lines (figures); progress on stderr; fails loudly.
#
# Besides the wall-clock times, the CPU time of each side is recorded (user + system
# of the command and every process it waited for: FOP's JVMs, km0 itself; not
# PostgreSQL's): on a machine shared with other work, wall-clock time measures the
# neighbours as much as the renderer, while CPU time is the work each side did.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
INVOICES=${1:-${INVOICES:-10000}}
db=bench_archive
floor=bench_archive_floor
JAVA_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Djava.awt.headless=true"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# cpu_run FILE CMD...: run CMD; write to FILE the CPU milliseconds (user + system) it
# and the processes it waited for used, from the shell's own "times"
cpu_run() {
    out=$1
    shift
    sh -c '"$@"; s=$?; times >"$0"; exit $s' "$out" "$@"
}
cpu_ms() {
    sed -n 2p "$1" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } printf "%d", t * 1000 }'
}

bench_fresh_db $db
url=$(bench_url $db)
bench_psql $db -c "UPDATE hub_settings SET seller_mode = 'hub'" >/dev/null || die "cannot set the hub's seller mode"
echo "archive: generating a week of $INVOICES orders" >&2
week=$(node tests/lib/weekgen.mjs --url "$url" --orders "$INVOICES" --points 8 --seed 1) || die "tests/lib/weekgen.mjs failed"
cycle=$(printf '%s' "$week" | sed -n 's/.*"cycle":\([0-9]*\).*/\1/p')
[ -n "$cycle" ] || die "weekgen said: $week"
# in hub mode the franchise producers' goods carry the resale rate (as the tests do)
bench_psql $db -c "UPDATE offers f SET vat_rate_bp = 550 FROM producers p WHERE p.id = f.producer_id
      AND p.vat_regime = 'franchise' AND f.cycle_id = $cycle" \
    -c "UPDATE order_lines l SET vat_rate_bp = f.vat_rate_bp FROM offers f WHERE f.id = l.offer_id AND f.cycle_id = $cycle" \
    >/dev/null || die "cannot set the resale rate"
PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$(bench_url postgres)" \
    -c "DROP DATABASE IF EXISTS $floor WITH (FORCE)" -c "CREATE DATABASE $floor TEMPLATE $db" >/dev/null ||
    die "cannot copy the database"
furl=$(bench_url $floor)

# the floor: the same invoices, one FO document, one FOP run
KM0_DATABASE_URL=$furl "$KM0" invoice issue --cycle "$cycle" --no-archive >"$tmp/floor-issue.txt" ||
    die "km0 invoice issue (floor copy) failed"
KM0_DATABASE_URL=$furl "$KM0" report invoices --cycle "$cycle" --format fo -o "$tmp/all.fo" ||
    die "km0 report invoices --format fo failed"
echo "archive: the floor: FOP on one document of $INVOICES invoices" >&2
t0=$(now_ms)
cpu_run "$tmp/floor.cpu" env JAVA_ARGS="$JAVA_FLAGS" nice -n 10 fop -c reports/fop.xconf -pdfprofile "PDF/A-3b" -fo "$tmp/all.fo" \
    -pdf "$tmp/all.pdf" >"$tmp/fop.log" 2>&1 || { tail -n 20 "$tmp/fop.log" >&2; die "FOP failed on the floor's document"; }
t1=$(now_ms)
floor_ms=$((t1 - t0))
floor_cpu=$(cpu_ms "$tmp/floor.cpu")
pages=$(pdfinfo "$tmp/all.pdf" | awk '/^Pages:/ { print $2 }')
[ "$pages" -ge "$INVOICES" ] || die "the floor's PDF has $pages pages for $INVOICES invoices"
rm -f "$tmp/all.fo" "$tmp/all.pdf"

# km0: issue and archive, as a coordinator runs it
echo "archive: km0 invoice issue --cycle $cycle (issue, then archive)" >&2
t0=$(now_ms)
cpu_run "$tmp/km0.cpu" env KM0_DATABASE_URL="$url" "$KM0" invoice issue --cycle "$cycle" >"$tmp/issue.txt" 2>"$tmp/issue.log" ||
    { tail -n 20 "$tmp/issue.log" >&2; die "km0 invoice issue failed"; }
t1=$(now_ms)
km0_ms=$((t1 - t0))
km0_cpu=$(cpu_ms "$tmp/km0.cpu")
grep -q "archived $INVOICES invoice files" "$tmp/issue.txt" || die "km0 did not archive every invoice: $(cat "$tmp/issue.txt")"
files=$(bench_psql $db -Atc "SELECT count(DISTINCT invoice_id) || ' ' || count(*) || ' ' || sum(size_bytes) FROM invoice_files")
set -- $files
[ "$1" = "$INVOICES" ] && [ "$2" = "$INVOICES" ] || die "$2 files for $1 invoices ($INVOICES issued)"
bytes=$3
runs=$(grep -c 'event=archive.rendering' "$tmp/issue.log" || true)
issue_ms=$(sed -n 's/.*event=invoice.issued .* ms=\([0-9]*\).*/\1/p' "$tmp/issue.log")
echo "archive: km0 invoice verify" >&2
t0=$(now_ms)
KM0_DATABASE_URL=$url "$KM0" invoice verify >"$tmp/verify.txt" || die "km0 invoice verify failed: $(tail -n 3 "$tmp/verify.txt")"
t1=$(now_ms)
verify_ms=$((t1 - t0))

awk -v n="$INVOICES" -v k="$km0_ms" -v f="$floor_ms" -v runs="$runs" -v issue="${issue_ms:-0}" \
    -v verify="$verify_ms" -v bytes="$bytes" -v pages="$pages" -v kc="$km0_cpu" -v fc="$floor_cpu" 'BEGIN {
    ratio = k / f
    printf "{\"what\":\"issue %d invoices and archive them, one Factur-X file each (km0 invoice issue: %d FOP runs)\",", n, runs
    printf "\"unit\":\"s\",\"km0\":%.1f,\"baseline\":%.1f,", k / 1000, f / 1000
    printf "\"baseline_what\":\"FOP rendering one FO document of the same %d pages as PDF/A-3b, one run\",", pages
    printf "\"ratio\":%.2f,\"target\":\"<= 1.5\",\"ok\":%s,\"bench\":\"archive\",\"invoices\":%d,", ratio, (ratio <= 1.5 ? "true" : "false"), n
    printf "\"km0_ms\":%d,\"floor_ms\":%d,\"issue_ms\":%d,\"fop_runs\":%d,\"bytes\":%d,\"bytes_per_file\":%d,", k, f, issue, runs, bytes, bytes / n
    printf "\"km0_cpu_ms\":%d,\"floor_cpu_ms\":%d,\"verify_ms\":%d}\n", kc, fc, verify
    printf "{\"what\":\"issue %d invoices and archive them, CPU time (km0 and its FOP runs; not PostgreSQL)\",", n
    printf "\"unit\":\"s\",\"km0\":%.1f,\"baseline\":%.1f,", kc / 1000, fc / 1000
    printf "\"baseline_what\":\"CPU time of FOP rendering the same %d pages in one run\",", pages
    printf "\"ratio\":%.2f,\"target\":\"(recorded)\",\"bench\":\"archive_cpu\"}\n", kc / fc
    printf "{\"what\":\"km0 invoice verify: %d archived files re-read (hash, qpdf, PDF/A-3 and Factur-X structure, CII byte for byte)\",", n
    printf "\"unit\":\"files/s\",\"km0\":%.0f,\"target\":\"(recorded)\"}\n", n * 1000 / verify
}'
