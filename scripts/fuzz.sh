#!/bin/sh
# scripts/fuzz.sh SECONDS FUZZER... — run each libFuzzer target for SECONDS on its
# corpus (tests/fuzz/corpus/NAME, kept in git; new inputs go to a scratch copy).
# Exit status non-zero when a target crashes or a sanitizer reports.
set -eu
cd "$(dirname "$0")/.."
seconds=$1
shift
status=0
for f in "$@"; do
    name=$(basename "$f" | sed 's/^fuzz_//')
    seed=tests/fuzz/corpus/$name
    work=var/fuzz/$name
    mkdir -p "$work" "$seed"
    echo "== fuzz $name for ${seconds}s"
    if ! "$f" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="var/fuzz/$name-" "$work" "$seed" >"var/fuzz/$name.log" 2>&1; then
        tail -n 40 "var/fuzz/$name.log"
        status=1
    else
        grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "var/fuzz/$name.log" | tail -n 2
    fi
done
exit $status
