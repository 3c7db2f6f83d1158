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

# Every producer's catalog, as producers send them (file name = producer slug, up to
# the first dot), before a cycle opens and freezes the offers. Importing a file
# again changes nothing; a product the demo's users edited is put back as the file has it.
for f in tests/data/catalogs/*.*; do
    case "$f" in *.md) continue ;; esac
    slug=$(basename "$f")
    slug=${slug%%.*}
    out=$(build/km0 import catalog --producer "$slug" "$f" 2>&1) || { echo "demo: $out" >&2; exit 1; }
    printf '%s\n' "$out" | sed -n "s/^new /demo: catalog $slug: new /p"
done

# An order window open now, so the shop has something to show: created once, when
# no cycle is open (the next weeks can be prepared from the desk).
open=$(psql -X -Atq "$KM0_DATABASE_URL" -c "SELECT count(*) FROM cycles WHERE state = 'open' AND closes_at > now()")
if [ "$open" = 0 ]; then
    id=$(build/km0 cycle create --name "Semaine de démonstration" \
        --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
        --closes "$(date -d '+6 days' '+%Y-%m-%dT20:00')" \
        --delivery "$(date -d '+8 days' '+%Y-%m-%d')")
    build/km0 cycle open "$id" >/dev/null
    echo "demo: cycle $id open for orders"
fi
