#!/bin/sh
# bench/search.sh — the shop's search over a cycle of 100 000 products, over HTTP
# (GET /?q=..., a visitor, uncompressed), against pgbench running the same full-text
# statement (bench/search_query.sql, core/shop.c's shop_search_words) on the same
# database in the same run: what km0 adds to PostgreSQL's own work (parsing, the
# page, HTTP). Latency p50 and p99 of km0's requests as wrk measures them.
#
# pgbench runs as many clients as km0 has PostgreSQL connections (one per worker
# thread, THREADS): the same number of statements in flight on both sides. With more
# clients than km0 has connections, pgbench's backends would also take a larger share
# of a machine shared with other work, which measures the scheduler, not km0.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${DURATION:-10}
REPS=${REPS:-3}
CONNS=32
THREADS=16
N=100000
db=bench_search

bench_fresh_db $db
url=$(bench_url $db)
# 100 000 products over five producers, named from a French grocer's words
bench_psql $db -c "INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, step_milli, description, ingredients, allergens)
  SELECT p.hub_id, p.id, 'Q' || i,
         (ARRAY['Pain de campagne','Carottes des sables','Fromage de chèvre frais','Miel de lavande','Pâtes aux œufs',
                'Bière blonde','Confiture de fraises','Pommes Golden','Huile d''olive','Saucisson sec','Yaourt nature',
                'Lentilles vertes','Farine de blé','Courges butternut','Jus de pomme'])[1 + i % 15] || ' n° ' || i,
         'Rayon ' || (i % 12), 'piece', 12000 + i % 900, 550, 500, 1000,
         'Produit de la ferme, récolté cette semaine', 'Ingrédient ' || (i % 97), '{}'
    FROM generate_series(1, $N) i
    JOIN producers p ON p.slug = (ARRAY['ferme-trois-chenes','chevrerie-gervanne','fournil-saillans','vergers-grane','moulin-mirmande'])[1 + i % 5]" >/dev/null ||
    die "cannot insert the products"
# freezing 100 000 offers, their search words computed, takes longer than the default
# statement timeout on a shared machine: the opening gets a minute
long=$(mktemp)
printf 'statement_timeout_ms = 60000\n' >"$long"
cycle=$(KM0_DATABASE_URL=$url "$KM0" --config "$long" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')") ||
    die "km0 cycle create failed"
KM0_DATABASE_URL=$url "$KM0" --config "$long" cycle open "$cycle" >/dev/null || die "km0 cycle open $cycle failed"
rm -f "$long"
[ "$(bench_psql $db -Atc "SELECT count(*) FROM offers WHERE cycle_id = $cycle AND search IS NOT NULL")" -ge $N ] ||
    die "the cycle's offers have no search words"
bench_psql $db -c "VACUUM ANALYZE offers" >/dev/null

port=$(free_port)
conf=$(mktemp)
printf 'threads = %s\nlog_level = warn\nconnections_per_address = 0\n' "$THREADS" >"$conf"
KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>var/bench-search-serve.log &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$conf"' EXIT
wait_http "http://127.0.0.1:$port/healthz"
# the page answers with results, 40 of them
hits=$(curl -sf "http://127.0.0.1:$port/?q=pain" | grep -o 'id="results">[^<]*' | sed 's/.*(\([0-9]*\)).*/\1/') ||
    die "the search page failed"
[ "${hits:-0}" -gt 1000 ] || die "the search found ${hits:-no} products for \"pain\""

out=$(wrk -t2 -c$CONNS -d3s --timeout 10s -s bench/search.lua "http://127.0.0.1:$port") || die "wrk failed: $out"
wrk_bench_line "$out" >/dev/null # warm-up
km0_runs="" pg_runs="" p50s="" p99s=""
for _ in $(seq 1 "$REPS"); do
    out=$(wrk -t2 -c$CONNS -d"${DURATION}s" --timeout 10s -s bench/search.lua "http://127.0.0.1:$port") || die "wrk failed: $out"
    line=$(wrk_bench_line "$out")
    val() { printf '%s\n' "$line" | sed "s/.*$1=\([0-9]*\).*/\1/"; }
    km0_runs="$km0_runs $(echo "$(val requests) $(val duration_us)" | awk '{ printf "%.1f", $1 / ($2 / 1e6) }')"
    p50s="$p50s $(val p50_us)" p99s="$p99s $(val p99_us)"
    pgb=$(pgbench -n -M prepared -c $THREADS -j 2 -T "$DURATION" -f bench/search_query.sql -D cycle="$cycle" "$url" 2>&1) ||
        die "pgbench failed: $pgb"
    tps=$(printf '%s\n' "$pgb" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
    [ -n "$tps" ] || die "no tps in pgbench's report: $pgb"
    pg_runs="$pg_runs $tps"
done
km0=$(echo $km0_runs | tr ' ' '\n' | median)
pg=$(echo $pg_runs | tr ' ' '\n' | median)
p50=$(echo $p50s | tr ' ' '\n' | median)
p99=$(echo $p99s | tr ' ' '\n' | median)
awk -v k="$km0" -v p="$pg" -v a="$p50" -v b="$p99" -v rk="$km0_runs" -v rp="$pg_runs" -v n=$N -v t=$THREADS 'BEGIN {
  printf "{\"what\":\"shop search over %d products, HTTP GET /?q= (p50 %.1f ms, p99 %.1f ms), 32 connections\",\"unit\":\"searches/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"pgbench, the same full-text statement, %d clients, one per km0 connection\",\"ratio\":%.3f,\"target\":\">= 0.60\",\"ok\":%s,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    n, a / 1000, b / 1000, k, p, t, k / p, (k / p >= 0.6) ? "true" : "false", a / 1000, b / 1000, rk, rp }'
