#!/bin/sh
# scripts/demo.sh — demo accounts (and, as they land, catalogs, a cycle and orders)
# for "make run". Idempotent: what already exists is left as it is.
set -eu
cd "$(dirname "$0")/.."

grep -v '^#' tests/data/demo-users.txt | while read -r role email password producer; do
    [ -n "$role" ] || continue
    set -- --email "$email" --role "$role"
    [ -n "${producer:-}" ] && set -- "$@" --producer "$producer"
    out=$(printf '%s\n' "$password" | build/km0 user add "$@" 2>&1) || case "$out" in
        *"already exists"*) ;;
        *) echo "demo: $out" >&2; exit 1 ;;
    esac
done
