#!/bin/sh
# scripts/test.sh — "make test": lint, unit tests (plain and sanitized builds), a
# bounded run of every fuzz target, then the integration and browser tests against a
# throwaway PostgreSQL cluster and the real km0 binary built with ASan + UBSan.
# Exit status non-zero on any failure.
#
# A skipped test proves nothing, so skips are never silent: every one is listed with
# its reason and counted in the closing line, and with CI=true (as CI runs it) any
# skip fails the run. On a laptop without ../shared, nginx or the validators, skips
# are allowed and listed.
#
#   KM0_TESTS="tests/integration/a.test.mjs"  run only some files (no lint, no fuzzing)
#   KM0_TEST_BIN=build/km0                    run the integration tests on the plain build
#   KM0_FUZZ_SECONDS=N                        seconds per fuzz target (20; 0 for none)
#   KM0_UNIT=0                                leave the unit tests out
#   KM0_LINT=0                                leave make lint out
#   KM0_TEST_TIMEOUT=MS                       bound on each test file (600000, 10 min)
#   KM0_TEST_PG_DIR=DIR                       the throwaway cluster (var/test-pg)
#   KM0_SHARED=DIR                            the third-party artefacts (../shared)
set -u
cd "$(dirname "$0")/.."
root=$(pwd)
failed=""
case "${CI:-}" in '' | 0 | false) ci="" ;; *) ci=1 ;; esac
mkdir -p var/test-logs
# Validators, schemas and interop payloads that are not ours: read, never committed.
KM0_SHARED=${KM0_SHARED:-$(cd .. && pwd)/shared}
KM0_STANDARDS=${KM0_STANDARDS:-$KM0_SHARED/standards}
export KM0_SHARED KM0_STANDARDS
# every skip goes here (unit tests below, node's reporter after), with its reason
skips=var/test-logs/skips-$$.txt
: >"$skips"
unit_passed=0 unit_failed=0

# Lint first: it takes seconds and names the file. Left out of targeted runs.
if [ -z "${KM0_TESTS:-}" ] && [ "${KM0_LINT:-1}" != 0 ]; then
    echo "== lint (clang-format, cppcheck)"
    if make --no-print-directory lint >var/lint.log 2>&1; then
        echo "  clean"
    else
        tail -n 60 var/lint.log
        failed="$failed lint"
    fi
fi

if [ "${KM0_UNIT:-1}" != 0 ]; then
    echo "== unit tests"
    for t in build/tests/test_* build-asan/tests/test_*; do
        [ -x "$t" ] || continue
        # a hung unit test is a failure, not a hung run
        if ! timeout 600 "$t" >var/unit.log 2>&1; then
            cat var/unit.log
            failed="$failed $t"
            n=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' var/unit.log | tail -n 1)
            unit_failed=$((unit_failed + ${n:-1}))
        else
            printf '  %-40s %s\n' "$t" "$(grep -E '^\[  PASSED  \]' var/unit.log | tail -n 1)"
        fi
        n=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s).*/\1/p' var/unit.log | tail -n 1)
        unit_passed=$((unit_passed + ${n:-0}))
        # cmocka: "[  SKIPPED ] name" after the test's own message saying why
        awk -v prog="$t" '/^\[  SKIPPED \] [0-9]+ test\(s\), listed below:/ { exit }
            /^\[  SKIPPED \] / { sub(/^\[  SKIPPED \] /, ""); sub(/^[Ss][Kk][Ii][Pp][Pp][Ee][Dd]: */, "", prev)
                printf "skip\t%s\t%s\t%s\n", prog, $0, prev }
            { prev = $0 }' var/unit.log >>"$skips"
    done
    rm -f var/unit.log
fi

# The short soak: a bounded run of every fuzz target (make soak runs them for
# minutes): KM0_FUZZ_SECONDS each, 0 to skip; skipped too when KM0_TESTS picks some
# integration files. The soak test files run below in their short mode (KM0_SOAK
# unset: ten kill -9, one outage, a 150-buyer race).
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
pgdir=${KM0_TEST_PG_DIR:-var/test-pg}
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
KM0_PG_DIR=$(cd "$pgdir" && pwd)
KM0_HOME=$root
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=23}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export KM0_TEST_BIN KM0_PG_DIR KM0_HOME ASAN_OPTIONS UBSAN_OPTIONS

files=${KM0_TESTS:-$(ls tests/integration/*.test.mjs tests/browser/*.test.mjs 2>/dev/null)}
mkdir -p var/test-logs
marker=var/test-logs/.run-$$
node_report=var/test-logs/node-$$.txt
touch "$marker"
# node 20 applies --test-timeout to each file as a whole (and to the tests in it): a
# hang fails that file after KM0_TEST_TIMEOUT instead of hanging the run. The slowest
# files (invoices, reports) take about a minute on a loaded two-core machine.
# shellcheck disable=SC2086
if ! node --test --test-timeout="${KM0_TEST_TIMEOUT:-600000}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./tests/lib/skip-reporter.mjs --test-reporter-destination="$node_report" $files; then
    failed="$failed integration"
fi
counts=$(sed -n 's/^count\t//p' "$node_report" 2>/dev/null | tail -n 1)
[ -n "$counts" ] || { counts="0	0	0"; failed="$failed reporter"; }
grep -E '^(skip|todo)	' "$node_report" >>"$skips"
# the slowest files, against the bound above
sed -n 's/^time\t//p' "$node_report" | sort -t '	' -k 2 -n -r | head -n 3 |
    awk -F '\t' 'NR == 1 { print "== slowest files" } { printf "  %-45s %6.1f s\n", $1, $2 / 1000 }'
rm -f "$node_report"

# Every skip, with its reason; in CI, any skip is a failure.
nskip=$(grep -c . "$skips")
if [ "$nskip" != 0 ]; then
    echo "== skipped: $nskip test(s) ran nothing"
    grep -E '^(skip|todo)	' "$skips" | awk -F '\t' '{ printf "  %s: %s (%s): %s\n", toupper($1), $3, $2, $4 }'
    if [ -n "$ci" ]; then
        echo "  CI=true: a skipped test proves nothing, so a skip fails the run (install what it names: scripts/deps.sh, ../shared)"
        failed="$failed skips"
    else
        echo "  allowed outside CI; with CI=true these fail the run"
    fi
fi
rm -f "$skips"

# No secret or personal data in what the servers of this run logged (docs/SECURITY.md).
echo "== server logs"
if ! node tests/lib/logscan.mjs "$marker"; then
    failed="$failed logs"
fi
rm -f "$marker"

if [ -n "$failed" ]; then
    echo "FAILED:$failed"
else
    echo "all tests passed"
fi
# the closing line: unit, integration and browser tests, skips included
printf 'tests: %s passed, %s failed, %s skipped\n' \
    "$((unit_passed + $(printf '%s\n' "$counts" | cut -f 1)))" \
    "$((unit_failed + $(printf '%s\n' "$counts" | cut -f 2)))" "$nskip"
[ -z "$failed" ]
