#!/bin/sh
# bench/scaleout.sh — order placements per second: one km0 server, the same server
# behind nginx, then SERVERS servers behind nginx (round robin), all against one
# PostgreSQL, with the load of bench/order.sh (CONNS wrk connections, each request
# setting a random customer's whole 8-line order). Also where the CPU went during
# each run (PostgreSQL, km0, nginx, wrk), which says what would saturate first.
# One JSON line per figure, like the other benchmarks (docs/SCALING.md). The rate
# counts successful requests only, and a run where any request failed (a status of
# 400 or more, a socket error) stops the script, non-zero: there is no figure then.
#
#   BENCH_PG_DIR=var/bench-pg scripts/pg.sh start var/bench-pg && bench/scaleout.sh
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
SCALE=${SCALE:-1}
DURATION=${DURATION:-10}
SERVERS=${SERVERS:-3}
CONNS=${CONNS:-32}
db=bench_scaleout
customers=$((2000 * SCALE))
command -v nginx >/dev/null || PATH=$PATH:/usr/sbin

bench_fresh_db $db
bench_psql $db -c "INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, step_milli)
  SELECT p.hub_id, p.id, 'B' || lpad(i::text, 3, '0'), 'Produit ' || i, 'Rayon ' || (i % 10), 'piece', 15000 + i * 100, 550, 500, 1000
    FROM producers p, generate_series(1, 200) i WHERE p.slug = 'ferme-trois-chenes'" >/dev/null || die "cannot insert the products"
url=$(bench_url $db)
cycle=$(KM0_DATABASE_URL=$url "$KM0" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')") ||
    die "km0 cycle create failed"
KM0_DATABASE_URL=$url "$KM0" cycle open "$cycle" >/dev/null || die "km0 cycle open $cycle failed"
bench_psql $db -v customers=$customers -v cycle=$cycle -f bench/order_setup.sql >/dev/null || die "bench/order_setup.sql failed"
[ "$(bench_psql $db -Atc "SELECT count(*) FROM orders WHERE cycle_id = $cycle")" = "$customers" ] ||
    die "not $customers orders set up"
export BENCH_CYCLE=$cycle BENCH_CUSTOMERS=$customers

tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx workers run as nobody when started as root
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
printf 'threads = %s\nlog_level = warn\n' "$CONNS" >"$tmp/km0.conf"
ports=""
for i in $(seq 1 "$SERVERS"); do
    port=$(free_port)
    KM0_DATABASE_URL=$url "$KM0" --config "$tmp/km0.conf" serve --listen "127.0.0.1:$port" 2>>var/bench-scaleout-serve.log &
    pids="$pids $!"
    ports="$ports $port"
    wait_http "http://127.0.0.1:$port/healthz"
done

# nginx as in config/nginx-km0.conf, minus TLS; as many workers as cores
nginx_port=$(free_port)
nginx_conf() { # upstream ports...
    user=""
    [ "$(id -u)" = 0 ] && user="user nobody nogroup;"
    cat <<CONF
$user
worker_processes auto;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/cb; proxy_temp_path $tmp/px; fastcgi_temp_path $tmp/fc;
  uwsgi_temp_path $tmp/uw; scgi_temp_path $tmp/sc;
  upstream km0 {
$(for p in "$@"; do echo "    server 127.0.0.1:$p;"; done)
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://km0;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Request-Id \$request_id;
    }
  }
}
CONF
}

# CPU time (clock ticks) of the given processes and their children, from /proc:
# only this benchmark's, even when other clusters or servers run on the machine
ticks() {
    for p in "$@"; do
        for q in "$p" $(pgrep -P "$p" || true); do cat "/proc/$q/stat" 2>/dev/null || true; done
    done | awk '{ s += $14 + $15 } END { print s + 0 }'
}
pg_pid=$(head -n 1 "$BENCH_PG_DIR/data/postmaster.pid")
server_pids=$pids
cpu() {
    # shellcheck disable=SC2086
    echo "$(ticks "$pg_pid") $(ticks $server_pids) $(ticks ${nginx_pid:-}) $(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat)"
}

# run NAME URL: wrk for DURATION seconds (after a 3 s warm-up), one JSON line; the
# rate is of successful requests, and any failed request stops the benchmark
run() {
    out=$(wrk -t2 -c"$CONNS" -d3s -s bench/order.lua "$2") || die "wrk failed: $out"
    wrk_bench_line "$out" >/dev/null
    before=$(cpu)
    out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -s bench/order.lua "$2") || die "wrk failed: $out"
    after=$(cpu)
    line=$(printf '%s\n' "$out" | grep '^BENCH ') || die "no BENCH line in wrk's output: $out"
    ok=$(printf '%s\n' "$line" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        print v["requests"] - v["non2xx"], v["non2xx"] + v["errors"], v["duration_us"] }')
    set -- "$1" "$2" $ok
    [ "$4" = 0 ] || die "$1: $4 of $(($3 + $4)) requests failed ($line); $(($3 * 1000000 / $5)) successful orders/s"
    printf '%s\n%s\n%s\n' "$line" "$before" "$after" | awk -v what="$1" -v cores="$(nproc)" -v hz="$(getconf CLK_TCK)" '
      NR == 1 { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
      NR == 2 { for (i = 1; i <= 4; i++) b[i] = $i }
      NR == 3 { for (i = 1; i <= 4; i++) a[i] = $i }
      END {
        s = v["duration_us"] / 1e6 * hz
        ok = v["requests"] - v["non2xx"]
        printf "{\"what\":\"%s\",\"unit\":\"orders/s\",\"km0\":%.1f,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"non2xx\":%d,\"errors\":%d,", what, ok * hz / s, v["p50_us"] / 1000, v["p99_us"] / 1000, v["non2xx"], v["errors"]
        busy = (a[4] - b[4]) / s
        pg = (a[1] - b[1]) / s; k = (a[2] - b[2]) / s; n = (a[3] - b[3]) / s
        printf "\"cpu_cores_used\":{\"postgres\":%.2f,\"km0\":%.2f,\"nginx\":%.2f,\"wrk_and_other\":%.2f,\"machine\":%.2f},\"cores\":%d}\n", pg, k, n, busy - pg - k - n, busy, cores }'
}

first=$(echo $ports | cut -d' ' -f1)
run "order placement, one km0 server, direct" "http://127.0.0.1:$first"

start_nginx() {
    nginx_conf "$@" >"$tmp/nginx.conf"
    nginx -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" &
    nginx_pid=$!
    pids="$pids $nginx_pid"
    wait_http "http://127.0.0.1:$nginx_port/healthz"
}
stop_nginx() { kill -QUIT "$(cat "$tmp/nginx.pid")" || die "nginx is not running"; wait "$nginx_pid" 2>/dev/null || true; }

start_nginx "$first"
run "order placement, nginx in front of one km0 server" "http://127.0.0.1:$nginx_port"
stop_nginx
# shellcheck disable=SC2086
start_nginx $ports
run "order placement, nginx round robin over $SERVERS km0 servers" "http://127.0.0.1:$nginx_port"
stop_nginx
