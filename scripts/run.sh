#!/bin/sh
# scripts/run.sh — "make run": the demo hub on http://127.0.0.1:8080.
#
# A private PostgreSQL cluster in var/pg (created on first run, kept after), the
# schema migrated, the demo hub seeded (all idempotent), then km0 in the
# foreground. Ctrl-C stops km0, then its PostgreSQL.
set -eu
cd "$(dirname "$0")/.."

pgdir=var/pg
listen=${KM0_LISTEN:-127.0.0.1:8080}
scripts/pg.sh init "$pgdir"
scripts/pg.sh start "$pgdir"
KM0_DATABASE_URL=$(scripts/pg.sh url "$pgdir")
export KM0_DATABASE_URL

stop_pg() {
    trap - EXIT INT TERM
    echo
    echo "stopping PostgreSQL ($pgdir)"
    scripts/pg.sh stop "$pgdir" || true
}
trap stop_pg EXIT
trap 'exit 130' INT TERM

build/km0 migrate
build/km0 seed tests/data/hub
scripts/demo.sh

cat <<MSG

  km0 is starting on http://$listen/
    shop (consumers)        http://$listen/
    producer space          http://$listen/producer
    coordinator desk        http://$listen/desk
    health / metrics        http://$listen/healthz   http://$listen/metrics

  demo logins (email / password):
$(awk '!/^#/ && NF { printf "    %-12s %-40s %s\n", $1, $2, $3 }' tests/data/demo-users.txt)

  Ctrl-C stops km0 and its PostgreSQL.

MSG
build/km0 serve --listen "$listen"
