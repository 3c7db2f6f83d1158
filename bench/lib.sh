# bench/lib.sh — shared by the benchmark scripts (sourced, not run).
#
# Each benchmark gets a fresh database in the bench cluster (scripts/bench.sh starts
# it), migrated and seeded with the demo hub, and prints one JSON line per figure.
# Environment: BENCH_PG_DIR (cluster directory), KM0 (binary, -O2 build).
#
# A figure measured on a failed setup or on failed requests is worse than none: the
# scripts run under set -eu, check every psql, curl and wrk result, and stop with a
# message and a non-zero status (die) rather than print a number.

: "${KM0:=build/km0}"
: "${BENCH_PG_DIR:=var/bench-pg}"

# die MESSAGE...: stop the benchmark, saying why on stderr
die() { echo "${0#./}: $*" >&2; exit 1; }

bench_url() { scripts/pg.sh url "$BENCH_PG_DIR" "$1"; }

# bench_fsync_on URL: the figures are for a durable commit, as in production
bench_fsync_on() {
    fsync=$(psql -X -At "$1" -c 'SHOW fsync') || die "cannot reach PostgreSQL at $1"
    [ "$fsync" = on ] || die "PostgreSQL runs with fsync=$fsync; the benchmarks measure fsync on, as in production"
}

# bench_fresh_db NAME: drop, create, migrate, seed; prints nothing on success.
bench_fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$(bench_url postgres)" \
        -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null ||
        die "cannot create the database $1"
    bench_fsync_on "$(bench_url "$1")"
    KM0_DATABASE_URL=$(bench_url "$1") "$KM0" migrate >/dev/null || die "km0 migrate failed on $1"
    KM0_DATABASE_URL=$(bench_url "$1") "$KM0" seed tests/data/hub >/dev/null || die "km0 seed failed on $1"
}

bench_psql() { db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 "$(bench_url "$db")" "$@"; }

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# a free TCP port on loopback
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait until URL answers (any status); dies after 10 s
wait_http() {
    for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done
    die "nothing answers at $1"
}

# wrk_rate WRK-ARGS...: requests per second of a wrk run with its standard report.
# Dies when any request failed (wrk counts a status of 400 or more as "Non-2xx or 3xx
# responses") or a socket error occurred: a rate of failures measures nothing.
wrk_rate() {
    wrk_out=$(wrk "$@" 2>&1) || die "wrk failed: $wrk_out"
    wrk_bad=$(printf '%s\n' "$wrk_out" | sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
    wrk_sock=$(printf '%s\n' "$wrk_out" | sed -n 's/^ *Socket errors: *//p')
    [ -z "$wrk_bad" ] || die "$wrk_bad requests failed (wrk $*)"
    [ -z "$wrk_sock" ] || die "socket errors: $wrk_sock (wrk $*)"
    wrk_r=$(printf '%s\n' "$wrk_out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
    [ -n "$wrk_r" ] || die "no rate in wrk's report: $wrk_out"
    echo "$wrk_r"
}

# wrk_bench_line OUTPUT: the BENCH line that bench/order.lua prints, once every
# request is known to have succeeded (no status >= 400, no socket error)
wrk_bench_line() {
    line=$(printf '%s\n' "$1" | grep '^BENCH ') || die "no BENCH line in wrk's output: $1"
    case "$line" in
    *" non2xx=0 errors=0 "*) ;;
    *) die "requests failed: $line" ;;
    esac
    printf '%s\n' "$line"
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
