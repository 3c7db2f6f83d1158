#!/bin/sh
# scripts/bench.sh SCALE — "make bench": every benchmark against its physical-limit
# baseline in the same run, on a private PostgreSQL cluster (var/bench-pg, fsync
# on, as in production). Each bench/*.sh prints JSON lines; they are gathered into
# bench/results.json and the table of docs/BENCH.md (with bench/NOTES.md, the
# profile notes written by hand, appended).
#
#   SCALE=1   a hub: 2 000 customers ordering
#   SCALE=50  a regional network: 100 000 customers
# Fixed-size rows (import 100 000 rows, batching 100 000 orders, picking sheets for
# 10 000 orders, a shortage and a weigh-in over 10 000 orders, a statement of 10 000
# transfers, 10 000 direct debits) keep their sizes at any SCALE, so their ratios compare
# across runs.
set -eu
cd "$(dirname "$0")/.."
SCALE=${1:-1}
export SCALE KM0=build/km0 BENCH_PG_DIR=var/bench-pg
make --no-print-directory -s build/bench/mhd_static build/bench/libfloor >/dev/null

command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
scripts/pg.sh init "$BENCH_PG_DIR"
scripts/pg.sh start "$BENCH_PG_DIR"
trap 'scripts/pg.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true' EXIT INT TERM

out=var/bench-results.jsonl
: >"$out"
status=0
for b in bench/order.sh bench/replication.sh bench/shop.sh bench/shop_wire.sh bench/search.sh bench/photo.sh \
    bench/import.sh bench/batch.sh bench/report_picking.sh bench/archive_download.sh bench/archive.sh bench/mail.sh \
    bench/delivered.sh bench/payments.sh bench/subscriptions.sh bench/fec.sh; do
    [ -x "$b" ] || { echo "bench: $b is missing" >&2; status=1; continue; }
    echo "== $b (SCALE=$SCALE)" >&2
    if ! "$b" >var/bench-one.jsonl 2>var/bench-one.log; then
        echo "bench: $b failed:" >&2
        tail -n 20 var/bench-one.log >&2
        status=1
    fi
    grep '^{' var/bench-one.jsonl | tee -a "$out" >&2 || true
done

machine=$(printf '%s, %s cores, %s GB RAM, %s, PostgreSQL %s' \
    "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" "$(nproc)" \
    "$(awk '/MemTotal/ { printf "%d", $2 / 1048576 }' /proc/meminfo)" "$(uname -r)" \
    "$(psql --version | awk '{ print $3 }')")
node scripts/bench-report.mjs "$out" "$SCALE" "$machine" >docs/BENCH.md.tmp
mv docs/BENCH.md.tmp docs/BENCH.md
node -e 'const fs=require("fs"); const rows=fs.readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean).map(JSON.parse); fs.writeFileSync("bench/results.json", JSON.stringify({scale: Number(process.argv[2]), machine: process.argv[3], date: new Date().toISOString(), results: rows}, null, 2) + "\n")' "$out" "$SCALE" "$machine"
echo "bench: wrote docs/BENCH.md and bench/results.json" >&2
exit $status
