# bench/lib.sh — shared by the benchmark scripts (sourced, not run).
#
# Each benchmark gets a fresh database in the bench cluster (scripts/bench.sh starts
# it), migrated and seeded with the demo hub, and prints one JSON line per figure.
# Environment: BENCH_PG_DIR (cluster directory), KM0 (binary, -O2 build).

: "${KM0:=build/km0}"
: "${BENCH_PG_DIR:=var/bench-pg}"

bench_url() { scripts/pg.sh url "$BENCH_PG_DIR" "$1"; }

# bench_fresh_db NAME: drop, create, migrate, seed; prints nothing on success.
bench_fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' psql -X -q "$(bench_url postgres)" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
    KM0_DATABASE_URL=$(bench_url "$1") "$KM0" migrate >/dev/null
    KM0_DATABASE_URL=$(bench_url "$1") "$KM0" seed tests/data/hub >/dev/null
}

bench_psql() { db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 "$(bench_url "$db")" "$@"; }

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# a free TCP port on loopback
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait until URL answers (any status)
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; return 1; }

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
