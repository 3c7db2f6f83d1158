#!/bin/sh
# scripts/pg.sh — a private PostgreSQL cluster living in a directory of the project.
#
#   scripts/pg.sh init  DIR   create the cluster (initdb) if DIR/data does not exist
#   scripts/pg.sh start DIR   start it (no-op when running); listens on a Unix socket only
#   scripts/pg.sh stop  DIR   fast shutdown (no-op when stopped)
#   scripts/pg.sh url   DIR   print the libpq connection string for database km0
#   scripts/pg.sh status DIR  exit 0 when running
#
# PostgreSQL refuses to run as root, so when invoked as root the cluster belongs to
# the unprivileged "postgres" user created by Debian's package. The cluster's
# superuser is "km0", trusted on the socket only (no TCP at all), which keeps it
# private to this machine's users who can reach DIR.
set -eu

cmd=${1:?usage: pg.sh init|start|stop|url|status DIR}
dir=${2:?usage: pg.sh $cmd DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
port=${KM0_PG_PORT:-5432}

# The socket path must fit in sun_path (107 bytes); deep checkouts fall back to /tmp.
sockdir="$dir/run"
if [ ${#sockdir} -gt 90 ]; then
    sockdir="/tmp/km0-pg-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_reachable() {
    # The postgres user must be able to traverse down to DIR. A fresh "mktemp -d"
    # is 0700 root: add search permission (x, not read) where it is missing.
    [ "$(id -u)" = 0 ] || return 0
    id postgres >/dev/null 2>&1 || { echo "pg.sh: no 'postgres' user (install the postgresql package)" >&2; exit 1; }
    d=$dir
    while [ "$d" != "/" ]; do
        if ! runuser -u postgres -- test -x "$d"; then
            chmod o+x "$d"
            echo "pg.sh: allowed the postgres user to traverse $d (chmod o+x)" >&2
        fi
        d=$(dirname "$d")
    done
}

running() {
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

case "$cmd" in
init)
    [ -f "$dir/data/PG_VERSION" ] && exit 0
    ensure_reachable
    mkdir -p "$dir/data" "$sockdir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$dir/data" "$sockdir"
    as_owner "$bindir/initdb" -D "$dir/data" -U km0 --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
# km0: private cluster, Unix socket only
listen_addresses = ''
port = $port
unix_socket_directories = '$sockdir'
max_connections = 200
shared_buffers = 128MB
fsync = ${KM0_PG_FSYNC:-on}
synchronous_commit = on
timezone = 'Europe/Paris'
log_min_messages = warning
log_min_error_statement = panic
CONF
    ;;
start)
    running && exit 0
    ensure_reachable
    mkdir -p "$sockdir"
    [ "$(id -u)" = 0 ] && chown postgres: "$sockdir"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 start >/dev/null ||
        { tail -n 20 "$dir/postgresql.log" >&2; exit 1; }
    as_owner "$bindir/psql" -h "$sockdir" -p "$port" -U km0 -d postgres -Atqc \
        "SELECT 1 FROM pg_database WHERE datname = 'km0'" | grep -q 1 ||
        as_owner "$bindir/createdb" -h "$sockdir" -p "$port" -U km0 km0
    ;;
stop)
    running || exit 0
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    ;;
status)
    running
    ;;
url)
    echo "host=$sockdir port=$port user=km0 dbname=${3:-km0}"
    ;;
*)
    echo "pg.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
