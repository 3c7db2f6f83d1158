#!/bin/sh
# scripts/test.sh — "make test": unit tests (plain and sanitized builds), then the
# integration and browser tests against a throwaway PostgreSQL cluster and the
# real km0 binary built with ASan + UBSan. Exit status non-zero on any failure.
#
#   KM0_TEST_BIN=build/km0 make test       run the integration tests on the plain build
#   KM0_TESTS="tests/integration/a.test.mjs" run only some files
set -u
cd "$(dirname "$0")/.."
root=$(pwd)
failed=""

echo "== unit tests"
for t in build/tests/test_* build-asan/tests/test_*; do
    [ -x "$t" ] || continue
    if ! "$t" >"var-unit.log" 2>&1; then
        cat var-unit.log
        failed="$failed $t"
    else
        printf '  %-40s %s\n' "$t" "$(grep -E '^\[  PASSED  \]' var-unit.log | tail -n 1)"
    fi
done
rm -f var-unit.log

# A bounded run of every fuzz target (make fuzz runs them longer): KM0_FUZZ_SECONDS
# each, 0 to skip; skipped too when KM0_TESTS picks some integration files.
fuzz_seconds=${KM0_FUZZ_SECONDS:-20}
if [ -z "${KM0_TESTS:-}" ] && [ "$fuzz_seconds" != 0 ]; then
    echo "== fuzz (${fuzz_seconds}s per target)"
    fuzzers=$(ls build-fuzz/fuzz_* 2>/dev/null || true)
    if [ -z "$fuzzers" ]; then
        echo "  no fuzz target built (make fuzzers)"
        failed="$failed fuzz"
    # shellcheck disable=SC2086
    elif ! scripts/fuzz.sh "$fuzz_seconds" $fuzzers; then
        failed="$failed fuzz"
    fi
fi

echo "== integration tests"
pgdir=var/test-pg
scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
rm -rf "$pgdir"
# The throwaway cluster skips fsync: these tests kill km0, never PostgreSQL's host.
KM0_PG_FSYNC=off scripts/pg.sh init "$pgdir" || exit 1
scripts/pg.sh start "$pgdir" || exit 1
trap 'scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT INT TERM

template_url=$(scripts/pg.sh url "$pgdir" km0_template)
psql -X -q "$(scripts/pg.sh url "$pgdir" postgres)" -c "CREATE DATABASE km0_template" >/dev/null || exit 1
KM0_DATABASE_URL=$template_url build/km0 migrate >/dev/null || exit 1
KM0_DATABASE_URL=$template_url build/km0 seed tests/data/hub >/dev/null || exit 1

KM0_TEST_BIN=${KM0_TEST_BIN:-build-asan/km0}
KM0_PG_DIR=$root/$pgdir
KM0_HOME=$root
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=23}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export KM0_TEST_BIN KM0_PG_DIR KM0_HOME ASAN_OPTIONS UBSAN_OPTIONS

files=${KM0_TESTS:-$(ls tests/integration/*.test.mjs tests/browser/*.test.mjs 2>/dev/null)}
mkdir -p var/test-logs
marker=var/test-logs/.run-$$
touch "$marker"
# shellcheck disable=SC2086
if ! node --test --test-reporter=spec $files; then
    failed="$failed integration"
fi

# No secret or personal data in what the servers of this run logged (docs/SECURITY.md).
echo "== server logs"
if ! node tests/lib/logscan.mjs "$marker"; then
    failed="$failed logs"
fi
rm -f "$marker"

if [ -n "$failed" ]; then
    echo "FAILED:$failed"
    exit 1
fi
echo "all tests passed"
