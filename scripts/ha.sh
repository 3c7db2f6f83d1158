#!/bin/sh
# scripts/ha.sh — PostgreSQL with automatic failover on one machine: a pg_auto_failover
# monitor, a primary and a synchronous standby, each with its own data directory under
# DIR and its own loopback port ("make ha" adds two km0 servers in front).
#
#   scripts/ha.sh init  DIR           create the monitor and both nodes, and run them
#   scripts/ha.sh start DIR [NODE]    run pg_autoctl for every node (or one: monitor, node1, node2)
#   scripts/ha.sh stop  DIR [NODE]    stop them (pg_autoctl stop: PostgreSQL's fast shutdown)
#   scripts/ha.sh kill  DIR NODE      kill -9 the node's pg_autoctl and PostgreSQL: its machine lost
#   scripts/ha.sh url   DIR [DB]      the multi-host libpq URL km0 uses (the primary, wherever it is)
#   scripts/ha.sh read-url DIR [DB]   the same, preferring the standby (database_read_url)
#   scripts/ha.sh node-url DIR NODE [DB]  one node's URL (psql against that node only)
#   scripts/ha.sh primary DIR         the name of the node that takes writes now (nothing if none)
#   scripts/ha.sh wait  DIR           wait until one node is primary and the other its standby
#   scripts/ha.sh state DIR           pg_autoctl show state
#   scripts/ha.sh sync  DIR MODE      synchronous_commit on both nodes: remote_apply, on or local
#   scripts/ha.sh destroy DIR         stop everything and remove DIR
#   scripts/ha.sh up    DIR           "make ha": init, migrate, seed, two km0 serve in the foreground
#
# Everything pg_autoctl keeps (configuration, state, pid files) lives under DIR, through
# the XDG_* variables, so that removing DIR leaves nothing behind. Like scripts/pg.sh,
# as root the PostgreSQL processes run as the "postgres" user (pg_autoctl refuses root
# as PostgreSQL does). Ports: KM0_HA_PORTS="MONITOR NODE1 NODE2", else free ones picked
# at init; they are kept in DIR/ports.
#
# Timings: failure detection and promotion are tuned for one machine (health checks
# every second, a node unhealthy after 2 s, the old primary given 5 s to step down,
# a keeper cut off from the monitor demotes itself after 3 s). KM0_HA_TIMINGS=default
# keeps pg_auto_failover's own (5 s checks, 20 s, 30 s, 20 s), which a network of real
# machines needs (docs/operations.md).
set -eu

cmd=${1:?usage: ha.sh init|start|stop|kill|url|read-url|node-url|primary|wait|state|sync|destroy|up DIR}
dir=${2:?usage: ha.sh $cmd DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "ha.sh: PostgreSQL server binaries not found (scripts/deps.sh)" >&2; exit 1; }
command -v pg_autoctl >/dev/null || { echo "ha.sh: pg_autoctl not found (apt-get install postgresql-15-auto-failover)" >&2; exit 1; }

# Unix sockets of the three instances (pg_autoctl talks to its own PostgreSQL there);
# the socket path must fit in sun_path (107 bytes): deep checkouts fall back to /tmp.
sockdir="$dir/run"
if [ ${#sockdir} -gt 90 ]; then
    sockdir="/tmp/km0-ha-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg_autoctl with its files under DIR and the PostgreSQL binaries first on the PATH
autoctl() {
    as_owner env XDG_CONFIG_HOME="$dir/xdg/config" XDG_DATA_HOME="$dir/xdg/data" \
        XDG_RUNTIME_DIR="$dir/xdg/run" PGHOST="$sockdir" PATH="$bindir:/usr/bin:/bin" \
        pg_autoctl "$@"
}

ensure_reachable() {
    # as scripts/pg.sh: the postgres user must be able to traverse down to DIR
    [ "$(id -u)" = 0 ] || return 0
    id postgres >/dev/null 2>&1 || { echo "ha.sh: no 'postgres' user (install the postgresql package)" >&2; exit 1; }
    d=$dir
    while [ "$d" != "/" ]; do
        if ! runuser -u postgres -- test -x "$d"; then
            chmod o+x "$d"
            echo "ha.sh: allowed the postgres user to traverse $d (chmod o+x)" >&2
        fi
        d=$(dirname "$d")
    done
}

port_free() {
    ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

pick_ports() {
    if [ -n "${KM0_HA_PORTS:-}" ]; then
        echo "$KM0_HA_PORTS"
        return
    fi
    picked=""
    p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
    while [ "$(echo $picked | wc -w)" -lt 3 ]; do
        p=$((p + 1))
        port_free "$p" && picked="$picked $p"
    done
    echo $picked
}

ports() {
    [ -f "$dir/ports" ] || { echo "ha.sh: $dir has no cluster (scripts/ha.sh init $dir)" >&2; exit 1; }
    cat "$dir/ports"
}
port_of() {
    set -- $(ports) "$1"
    case "$4" in
    monitor) echo "$1" ;;
    node1) echo "$2" ;;
    node2) echo "$3" ;;
    *) echo "ha.sh: unknown node $4 (monitor, node1, node2)" >&2; exit 2 ;;
    esac
}

monitor_uri() {
    echo "postgres://autoctl_node@127.0.0.1:$(port_of monitor)/pg_auto_failover?sslmode=disable"
}

# SQL on a node's database as its superuser, over its socket: one -c per statement
# (ALTER SYSTEM refuses to run inside the transaction of a multi-statement string)
node_sql() { # NODE DB SQL...
    port=$(port_of "$1") db=$2
    shift 2
    for q in "$@"; do set -- "$@" -c "$q"; shift; done
    as_owner "$bindir/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$sockdir" -p "$port" -d "$db" "$@"
}
monitor_sql() {
    node_sql monitor pg_auto_failover "$@"
}

pidfile() {
    autoctl show file --pgdata "$dir/$1" --pid 2>/dev/null | tail -n 1
}

# the pid of the node's pg_autoctl (the leader of its process group), when it runs
running_pid() {
    f=$(pidfile "$1")
    [ -n "$f" ] && [ -f "$f" ] || return 1
    pid=$(head -n 1 "$f")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Settings written before the first start, in postgresql.auto.conf (read after the
# file pg_autoctl includes, so they win over its tuning, which sizes shared_buffers
# for a machine of its own): small enough to share a machine, sockets under DIR.
# The standby's copy (pg_basebackup) carries them.
own_settings() {
    cat >>"$1/postgresql.auto.conf" <<CONF
# km0 (scripts/ha.sh): three instances share one machine
unix_socket_directories = '$sockdir'
shared_buffers = '128MB'
effective_cache_size = '1GB'
maintenance_work_mem = '64MB'
work_mem = '4MB'
max_connections = 200
fsync = ${KM0_PG_FSYNC:-on}
timezone = 'Europe/Paris'
CONF
}

initdb_for() {
    as_owner "$bindir/initdb" -D "$dir/$1" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/$1-initdb.log" 2>&1 ||
        { cat "$dir/$1-initdb.log" >&2; exit 1; }
    own_settings "$dir/$1"
}

start_one() {
    running_pid "$1" >/dev/null && return 0
    # setsid: the node's pg_autoctl leads a process group with its PostgreSQL, so
    # that "kill" takes them all at once, as the loss of their machine would
    autoctl_env="XDG_CONFIG_HOME=$dir/xdg/config XDG_DATA_HOME=$dir/xdg/data XDG_RUNTIME_DIR=$dir/xdg/run PGHOST=$sockdir PATH=$bindir:/usr/bin:/bin"
    # (exec: the subshell keeps no copy of the caller's output, which may be a pipe)
    # shellcheck disable=SC2086
    (
        exec >>"$dir/$1.log" 2>&1 </dev/null
        as_owner env $autoctl_env setsid pg_autoctl run --pgdata "$dir/$1"
    ) &
    for _ in $(seq 1 100); do
        running_pid "$1" >/dev/null && return 0
        sleep 0.1
    done
    echo "ha.sh: pg_autoctl run did not start for $1:" >&2
    tail -n 20 "$dir/$1.log" >&2
    exit 1
}

wait_pg() { # NODE: until its PostgreSQL answers on its socket
    for _ in $(seq 1 300); do
        as_owner "$bindir/pg_isready" -q -h "$sockdir" -p "$(port_of "$1")" && return 0
        sleep 0.1
    done
    echo "ha.sh: PostgreSQL of $1 does not answer" >&2
    tail -n 20 "$dir/$1.log" >&2
    exit 1
}

# "name reported goal" per data node, in node order
node_states() {
    monitor_sql "SELECT nodename || ' ' || reportedstate || ' ' || goalstate FROM pgautofailover.node ORDER BY nodeid"
}

wait_formation() {
    n=$((${KM0_HA_WAIT_S:-180} * 4))
    for _ in $(seq 1 "$n"); do
        s=$(node_states 2>/dev/null | awk '$2 == $3 { print $2 }' | sort | tr '\n' ' ')
        [ "$s" = "primary secondary " ] && return 0
        sleep 0.25
    done
    echo "ha.sh: no primary with its standby after ${KM0_HA_WAIT_S:-180} s:" >&2
    node_states >&2 || true
    exit 1
}

create_node() { # NAME PORT: the first registers as primary (its own initdb), the second
    # as its standby (pg_basebackup, which copies the settings too)
    [ "$1" = node1 ] && initdb_for "$1"
    autoctl create postgres --pgdata "$dir/$1" --pgport "$2" --hostname 127.0.0.1 --listen 127.0.0.1 \
        --name "$1" --dbname km0 --monitor "$(monitor_uri)" --auth trust --no-ssl --ssl-mode disable \
        >>"$dir/$1.log" 2>&1 || { tail -n 30 "$dir/$1.log" >&2; exit 1; }
    if [ "${KM0_HA_TIMINGS:-fast}" != default ]; then
        autoctl config set --pgdata "$dir/$1" timeout.network_partition_timeout 3 >/dev/null 2>&1
    fi
}

init() {
    if [ -f "$dir/ports" ]; then
        start_all
        return
    fi
    ensure_reachable
    mkdir -p "$sockdir" "$dir/xdg"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$sockdir" "$dir/xdg"
    # (checked here: a failure inside $(...) would not stop "set --")
    [ -n "${KM0_HA_PORTS:-}" ] || command -v ss >/dev/null ||
        { echo "ha.sh: ss not found (iproute2: scripts/deps.sh); or set KM0_HA_PORTS" >&2; exit 1; }
    set -- $(pick_ports)
    # the monitor: one more PostgreSQL with the pgautofailover extension
    initdb_for monitor
    autoctl create monitor --pgdata "$dir/monitor" --pgport "$1" --hostname 127.0.0.1 --auth trust \
        --no-ssl --ssl-mode disable >>"$dir/monitor.log" 2>&1 || { tail -n 30 "$dir/monitor.log" >&2; exit 1; }
    autoctl config set --pgdata "$dir/monitor" postgresql.listen_addresses 127.0.0.1 >/dev/null 2>&1
    echo "$1 $2 $3" >"$dir/ports.tmp"
    mv "$dir/ports.tmp" "$dir/ports"
    start_one monitor
    wait_pg monitor
    if [ "${KM0_HA_TIMINGS:-fast}" != default ]; then
        monitor_sql "ALTER SYSTEM SET pgautofailover.health_check_period = 1000" \
            "ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000" \
            "ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1" \
            "ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500" \
            "ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 2000" \
            "ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 5000" \
            "SELECT pg_reload_conf()" >/dev/null
    fi
    # the first node registers as "single" and becomes the primary
    create_node node1 "$2"
    start_one node1
    wait_pg node1
    # km0's role; the standby copies it with everything else. Every commit waits
    # until the standby has applied it (see docs/operations.md for why remote_apply)
    node_sql node1 km0 "CREATE ROLE km0 LOGIN SUPERUSER" "ALTER DATABASE km0 OWNER TO km0" \
        "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" "SELECT pg_reload_conf()" >/dev/null
    # the second one is made a standby by pg_basebackup from the primary
    create_node node2 "$3"
    start_one node2
    wait_formation
}

start_all() {
    for n in monitor node1 node2; do
        start_one $n
    done
}

stop_one() {
    pid=$(running_pid "$1") || return 0
    autoctl stop --pgdata "$dir/$1" >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "ha.sh: $1 did not stop in 30 s, killed" >&2
    kill -KILL -"$pid" 2>/dev/null || true
}

url() { # DB ATTRS
    set -- "$@" $(ports)
    echo "host=127.0.0.1,127.0.0.1 port=$4,$5 user=km0 dbname=$1 target_session_attrs=$2"
}

# "make ha": the cluster, the demo hub, and two km0 servers using the multi-host URL,
# in the foreground until Ctrl-C (which stops the servers, then the cluster).
up() {
    cd "$(dirname "$0")/.."
    init
    KM0_DATABASE_URL=$(url km0 read-write)
    # documents and the shop's catalog read on the standby (docs/operations.md)
    KM0_DATABASE_READ_URL=$(url km0 prefer-standby)
    export KM0_DATABASE_URL KM0_DATABASE_READ_URL
    build/km0 migrate
    build/km0 seed tests/data/hub
    scripts/demo.sh
    listen=${KM0_HA_LISTEN:-127.0.0.1:8091 127.0.0.1:8092}
    pids=""
    stop_up() {
        trap - EXIT INT TERM
        echo
        echo "stopping km0 (${pids# }), then PostgreSQL ($dir)"
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
        # the servers only: the pg_autoctl subshells are children of this shell too
        # shellcheck disable=SC2086
        [ -z "$pids" ] || wait $pids 2>/dev/null || true
        for n in node2 node1 monitor; do stop_one $n; done
    }
    trap stop_up EXIT
    trap 'exit 130' INT TERM
    for l in $listen; do
        build/km0 serve --listen "$l" 2>>"$dir/km0-${l##*:}.log" &
        pids="$pids $!"
    done
    cat <<MSG

  PostgreSQL with automatic failover ($dir):
$(autoctl show state --pgdata "$dir/monitor" 2>/dev/null | sed 's/^/    /')

  km0 on $(echo "$listen" | sed 's/\([^ ]*\)/http:\/\/\1\//g'), both with
    KM0_DATABASE_URL="$KM0_DATABASE_URL"
    KM0_DATABASE_READ_URL="$KM0_DATABASE_READ_URL"
  (logs: $dir/km0-PORT.log, $dir/node1.log, node2.log, monitor.log)

  Try a failover from another terminal:
    scripts/ha.sh kill $dir \$(scripts/ha.sh primary $dir)   # the primary's machine is lost
    scripts/ha.sh state $dir                                 # the standby is promoted
    scripts/ha.sh start $dir node1                           # the lost node rejoins as standby

  demo logins (email / password):
$(awk '!/^#/ && NF { printf "    %-12s %-40s %s\n", $1, $2, $3 }' tests/data/demo-users.txt)

  Ctrl-C stops km0 and the three PostgreSQL instances.

MSG
    # shellcheck disable=SC2086
    wait $pids
}

case "$cmd" in
init)
    init
    ;;
start)
    if [ -n "${3:-}" ]; then start_one "$3"; else start_all; fi
    ;;
stop)
    if [ -n "${3:-}" ]; then
        stop_one "$3"
    else
        # the data nodes before their monitor
        for n in node2 node1 monitor; do stop_one $n; done
    fi
    ;;
kill)
    node=${3:?usage: ha.sh kill DIR NODE}
    pid=$(running_pid "$node") || { echo "ha.sh: $node is not running" >&2; exit 1; }
    kill -KILL -"$pid"
    ;;
url)
    url "${3:-km0}" read-write
    ;;
read-url)
    url "${3:-km0}" prefer-standby
    ;;
node-url)
    echo "host=127.0.0.1 port=$(port_of "${3:?usage: ha.sh node-url DIR NODE}") user=km0 dbname=${4:-km0}"
    ;;
primary)
    monitor_sql "SELECT nodename FROM pgautofailover.node
        WHERE reportedstate IN ('single', 'primary', 'wait_primary') AND goalstate = reportedstate"
    ;;
wait)
    wait_formation
    ;;
state)
    autoctl show state --pgdata "$dir/monitor"
    ;;
sync)
    mode=${3:?usage: ha.sh sync DIR remote_apply|on|local}
    for n in node1 node2; do
        node_sql $n km0 "ALTER SYSTEM SET synchronous_commit = '$mode'" "SELECT pg_reload_conf()" >/dev/null
    done
    ;;
destroy)
    if [ -f "$dir/ports" ]; then
        for n in node2 node1 monitor; do stop_one $n; done
    fi
    rm -rf "$dir"
    [ "$sockdir" = "$dir/run" ] || rm -rf "$sockdir"
    ;;
up)
    up
    ;;
*)
    echo "ha.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
