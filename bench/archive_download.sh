#!/bin/sh
# bench/archive_download.sh — an archived invoice downloaded over HTTP (GET
# /api/v1/invoices/NUMBER?format=facturx: the session, the access check, the stored
# file read from PostgreSQL, its ETag), against the very same bytes served as a
# static file by libmicrohttpd with km0's settings (bench/mhd_static.c), in the same
# run, alternating, medians. Target: at least half the static rate.
#
# The cycle: 300 invoices (hub mode, a generated week), issued and archived by km0
# invoice issue; the download is a coordinator's. Every request must succeed, and
# the bytes downloaded are checked against the stored file before and after. The
# file, once read, is kept in the server's memory (archive_cache_mb): a second
# server without that cache gives the rate of files read from PostgreSQL each time
# (a row of its own, recorded).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${DURATION:-10}
REPS=${REPS:-3}
CONNS=32
THREADS=16
db=bench_archive_download

bench_fresh_db $db
url=$(bench_url $db)
bench_psql $db -c "UPDATE hub_settings SET seller_mode = 'hub'" >/dev/null || die "cannot set the hub's seller mode"
week=$(node tests/lib/weekgen.mjs --url "$url" --orders 300 --points 8 --seed 2) || die "tests/lib/weekgen.mjs failed"
cycle=$(printf '%s' "$week" | sed -n 's/.*"cycle":\([0-9]*\).*/\1/p')
[ -n "$cycle" ] || die "weekgen said: $week"
KM0_DATABASE_URL=$url "$KM0" invoice issue --cycle "$cycle" >/dev/null 2>&1 || die "km0 invoice issue failed"
number=$(bench_psql $db -Atc "SELECT i.number FROM invoices i JOIN invoice_files f ON f.invoice_id = i.id ORDER BY i.id LIMIT 1")
[ -n "$number" ] || die "no archived invoice"
# everything archived before the server starts: nothing for it to render meanwhile
[ "$(bench_psql $db -Atc "SELECT count(*) FROM invoice_archive_jobs")" = 0 ] || die "invoices left to archive"
printf 'correct horse battery\n' | KM0_DATABASE_URL=$url "$KM0" user add --email bench-coord@example.org \
    --role coordinator >/dev/null || die "km0 user add failed"

port=$(free_port)
sport=$(free_port)
conf=$(mktemp)
file=$(mktemp)
got=$(mktemp)
nocache=$(mktemp)
printf 'threads = %s\nlog_level = warn\nconnections_per_address = 0\n' "$THREADS" >"$conf"
# a second server reads every download from PostgreSQL: the cost of a file not in
# memory yet (core/archive_cache.h), recorded beside
printf 'threads = %s\nlog_level = warn\nconnections_per_address = 0\narchive_cache_mb = 0\narchive_workers = 0\n' \
    "$THREADS" >"$nocache"
pid=
spid=
npid=
trap 'kill $pid $spid $npid 2>/dev/null || true; rm -f "$conf" "$nocache" "$file" "$got"' EXIT
KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>var/bench-archive-serve.log &
pid=$!
wait_http "http://127.0.0.1:$port/healthz"
nport=$(free_port)
KM0_DATABASE_URL=$url "$KM0" --config "$nocache" serve --listen "127.0.0.1:$nport" 2>var/bench-archive-nocache.log &
npid=$!
wait_http "http://127.0.0.1:$nport/healthz"
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"email":"bench-coord@example.org","password":"correct horse battery"}' \
    "http://127.0.0.1:$port/api/v1/session" | sed -n 's/^[Ss]et-[Cc]ookie: \(km0_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || die "no session"
invoice="http://127.0.0.1:$port/api/v1/invoices/$number?format=facturx"

# the stored bytes, as the baseline serves them
bench_psql $db -Atc "SELECT encode(pdf, 'base64') FROM invoice_files f JOIN invoices i ON i.id = f.invoice_id
    WHERE i.number = '$number'" | base64 -d >"$file" || die "cannot read the stored file"
check() {
    code=$(curl -s -o "$got" -w '%{http_code}' -H "Cookie: $cookie" "$invoice") || die "curl failed"
    [ "$code" = 200 ] || die "the download answered $code"
    cmp -s "$got" "$file" || die "the download is not the stored file"
}
check
build/bench/mhd_static "$file" "$sport" "$THREADS" &
spid=$!
wait_http "http://127.0.0.1:$sport/"

uncached="http://127.0.0.1:$nport/api/v1/invoices/$number?format=facturx"
wrk_rate -t2 -c$CONNS -d2s -H "Cookie: $cookie" "$invoice" >/dev/null
km0_runs="" base_runs="" db_runs=""
for _ in $(seq 1 "$REPS"); do
    k=$(wrk_rate -t2 -c$CONNS -d"${DURATION}s" -H "Cookie: $cookie" "$invoice")
    b=$(wrk_rate -t2 -c$CONNS -d"${DURATION}s" "http://127.0.0.1:$sport/")
    d=$(wrk_rate -t2 -c$CONNS -d"${DURATION}s" -H "Cookie: $cookie" "$uncached")
    km0_runs="$km0_runs $k"
    base_runs="$base_runs $b"
    db_runs="$db_runs $d"
done
check
code=$(curl -s -o "$got" -w '%{http_code}' -H "Cookie: $cookie" "$uncached") || die "curl failed"
[ "$code" = 200 ] && cmp -s "$got" "$file" || die "the uncached download is not the stored file"
km0=$(echo $km0_runs | tr ' ' '\n' | median)
base=$(echo $base_runs | tr ' ' '\n' | median)
fromdb=$(echo $db_runs | tr ' ' '\n' | median)
awk -v k="$km0" -v b="$base" -v rk="$km0_runs" -v rb="$base_runs" -v bytes="$(wc -c <"$file")" 'BEGIN {
  printf "{\"what\":\"archived invoice download (Factur-X, %d B), HTTP GET, 32 connections (coordinator)\",\"unit\":\"files/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the same bytes as a static file, same libmicrohttpd settings\",\"ratio\":%.3f,\"target\":\">= 0.50\",\"ok\":%s,\"bench\":\"archive_download\",\"bytes\":%d,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    bytes, k, b, k / b, (k / b >= 0.5) ? "true" : "false", bytes, rk, rb }'
awk -v d="$fromdb" -v b="$base" -v rd="$db_runs" 'BEGIN {
  printf "{\"what\":\"archived invoice download read from PostgreSQL each time (archive_cache_mb = 0), 32 connections\",\"unit\":\"files/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the same bytes as a static file\",\"ratio\":%.3f,\"target\":\"(recorded)\",\"bench\":\"archive_download\",\"km0_runs\":\"%s\"}\n",
    d, b, d / b, rd }'
