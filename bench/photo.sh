#!/bin/sh
# bench/photo.sh — thumbnail generation per image (bench/photo_bench.c): km0's photo
# processing against libvips doing the same work alone.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
make --no-print-directory -s build/bench/photo_bench >/dev/null || die "cannot build bench/photo_bench.c"
build/bench/photo_bench 2>var/bench-photo.log || die "photo_bench failed: $(tail -n 5 var/bench-photo.log)"
