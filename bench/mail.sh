#!/bin/sh
# bench/mail.sh — the outbox sent to a local smtp-sink: 10 000 messages from km0 serve's
# mail workers against Postfix's smtp-source sending the same number of messages of
# the same size to the same sink, with as many sessions as km0 has workers, in the
# same run, alternating, medians of REPS; and the shop page's latency while km0 sends
# against its latency at rest.
#
# km0's rate is from the moment the messages become due (one UPDATE) to the moment the
# last is marked sent in PostgreSQL: claims, MIME, SMTP and the "sent" of each message,
# one at a time per worker. smtp-source's message size (-l) is km0's, measured on
# messages dumped by a first smtp-sink; it runs at the workers' priority (nice 10). The
# latency is that of the logged-in consumer's shop page, a request every 50 ms (one
# curl on one kept connection), during the send and at rest.
#
#   MAIL_WORKERS=N   km0's mail workers and smtp-source's sessions (default 2)
#   MAIL_MESSAGES=N  messages per run (default 10 000)
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${MAIL_MESSAGES:-10000}
REPS=${REPS:-3}
WORKERS=${MAIL_WORKERS:-2}
db=bench_mail
command -v smtp-sink >/dev/null && command -v smtp-source >/dev/null ||
    die "smtp-sink and smtp-source come with Debian's postfix package (scripts/deps.sh)"
as=""
[ "$(id -u)" = 0 ] && as="-u nobody" # smtp-sink will not run as root

bench_fresh_db $db
url=$(bench_url $db)
cycle=$(KM0_DATABASE_URL=$url "$KM0" cycle create --opens "$(date -d '+1 hour' '+%Y-%m-%dT%H:%M')" \
    --closes "$(date -d '+5 days' '+%Y-%m-%dT%H:%M')" --delivery "$(date -d '+7 days' '+%Y-%m-%d')") ||
    die "km0 cycle create failed"
KM0_DATABASE_URL=$url "$KM0" cycle open "$cycle" >/dev/null || die "km0 cycle open failed"
bench_psql $db -v customers=1 -v cycle="$cycle" -f bench/order_setup.sql >/dev/null || die "bench/order_setup.sql failed"
token="b$(printf '%042d' 1)"

tmp=$(mktemp -d)
chmod 777 "$tmp"
sink_pid= pid=
trap 'kill $pid $sink_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT

# queue n messages (not yet due): a "the shop is open" of usual length each
queue() {
    bench_psql $db -c "DELETE FROM outbox" -c "INSERT INTO outbox (hub_id, kind, to_address, to_name, lang, subject, body_text, body_html, next_attempt_at)
      SELECT h.id, 'notice', 'client' || g || '@example.org', 'Client ' || g, 'fr',
             'La boutique est ouverte — Semaine ' || g % 52,
             'Bonjour Client ' || g || ',' || chr(10) || chr(10) || repeat('La boutique est ouverte pour la semaine : commandez jusqu''au mardi 22h00. ', 12),
             '<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>La boutique</title></head><body><p>Bonjour Client ' || g || ',</p><p>' || repeat('La boutique est ouverte pour la semaine : commandez jusqu''au mardi 22h00. ', 12) || '</p></body></html>',
             now() + interval '1 day'
        FROM hubs h, generate_series(1, $1) g" >/dev/null || die "cannot queue the messages"
}

sink_port=$(free_port)
start_sink() { # start_sink [DUMP-TEMPLATE]
    # shellcheck disable=SC2086
    smtp-sink $as ${1:+-d "$1"} "127.0.0.1:$sink_port" 1000 >"$tmp/sink.log" 2>&1 &
    sink_pid=$!
    for _ in $(seq 1 100); do
        smtp-source -m 1 -l 10 -f a@km0.test -t b@example.org "127.0.0.1:$sink_port" 2>/dev/null && return 0
        sleep 0.05
    done
    die "smtp-sink does not answer: $(cat "$tmp/sink.log")"
}

port=$(free_port)
conf="$tmp/km0.conf"
printf 'threads = 8\nlog_level = warn\nsmtp_url = smtp://127.0.0.1:%s\nsmtp_tls = none\nmail_from = hub@km0.test\nmail_threads = %s\nmail_batch = 64\n' \
    "$sink_port" "$WORKERS" >"$conf"
start_server() {
    KM0_DATABASE_URL=$url "$KM0" --config "$conf" serve --listen "127.0.0.1:$port" 2>>var/bench-mail-serve.log &
    pid=$!
    wait_http "http://127.0.0.1:$port/healthz"
}
: >var/bench-mail-serve.log

# 1. the size of km0's messages, as the sink receives them
mkdir -p "$tmp/dump"
chmod 777 "$tmp/dump"
start_sink "$tmp/dump/%H%M%S."
queue 20
start_server
bench_psql $db -c "UPDATE outbox SET next_attempt_at = now()" >/dev/null
for _ in $(seq 1 200); do
    [ "$(bench_psql $db -Atc "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 20 ] && break
    sleep 0.05
done
[ "$(bench_psql $db -Atc "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 20 ] || die "the first 20 messages were not sent"
kill $pid $sink_pid
wait $pid 2>/dev/null || true
wait $sink_pid 2>/dev/null || true
pid= sink_pid=
dumped=$(cat "$tmp"/dump/* | wc -c)
files=$(ls "$tmp"/dump | wc -l)
[ "$files" -gt 0 ] || die "smtp-sink dumped nothing"
# a dump holds the envelope too: count the message, from its first header on
size=$(for f in "$tmp"/dump/*; do sed -n '/^From: /,$p' "$f" | wc -c; done | median)
[ "$size" -gt 1000 ] || die "km0's message is $size bytes: not what was queued"

# 2. alternate smtp-source and km0 on the same sink
start_sink
start_server
# The shop page's latency, a request every 50 ms: one curl for all of them (--rate) on
# one kept connection (a process per request would cost the machine more than the
# page does). urls SECONDS FILE writes curl's list; probe FILE runs it (in the
# background for the send: its pid is curl's); times FILE turns curl's seconds into ms.
urls() {
    i=0
    while [ $i -lt $(($1 * 20)) ]; do
        printf 'url = "http://127.0.0.1:%s/"\noutput = "/dev/null"\n' "$port"
        i=$((i + 1))
    done >"$2.urls"
}
probe() { exec stdbuf -oL curl -s --rate 20/s -H "Cookie: km0_session=$token" -w '%{time_total}\n' -K "$1.urls" >"$1.raw"; }
times_ms() { awk '{ printf "%.3f\n", $1 * 1000 }' "$1.raw" >"$1"; }
pct() { sort -g | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p); if (i < 1) i = 1; print v[i] }'; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: km0_session=$token" "http://127.0.0.1:$port/")
[ "$code" = 200 ] || die "the shop page answered $code"
src_runs="" km0_runs="" rest="" during=""
for _ in $(seq 1 "$REPS"); do
    t0=$(date +%s.%N)
    # at the mail workers' priority (km0 serve runs them at nice 10, below the HTTP
    # threads): on a machine busy with other work both get the same share of the CPU
    nice -n 10 smtp-source -s $WORKERS -m "$N" -l "$size" -d -f hub@km0.test -t client@example.org \
        "127.0.0.1:$sink_port" || die "smtp-source failed"
    t1=$(date +%s.%N)
    src_runs="$src_runs $(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')"

    urls 4 "$tmp/rest"
    (probe "$tmp/rest")
    times_ms "$tmp/rest"
    rest="$rest $(pct 0.5 <"$tmp/rest")/$(pct 0.99 <"$tmp/rest")"
    cat "$tmp/rest" >>"$tmp/rest.all"
    queue "$N"
    urls 600 "$tmp/during"
    t0=$(date +%s.%N)
    bench_psql $db -c "UPDATE outbox SET next_attempt_at = now()" -c "NOTIFY km0_mail" >/dev/null
    (probe "$tmp/during") &
    lat_pid=$!
    # waiting for the last "sent": one psql a second (the rate is read from the sent_at
    # of the messages, not from this loop; a psql every few tenths of a second took
    # a tenth of the machine from km0, and a single session polling in one long
    # transaction would hold back PostgreSQL's clean-up of the outbox)
    while :; do
        set -- $(bench_psql $db -Atc "SELECT count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state = 'failed') FROM outbox" | tr '|' ' ')
        [ "$2" = 0 ] || die "messages failed: $(bench_psql $db -Atc "SELECT last_error FROM outbox WHERE state = 'failed' LIMIT 1")"
        [ "$1" = "$N" ] && break
        sleep 1
    done
    t1=$(bench_psql $db -Atc "SELECT extract(epoch FROM max(sent_at)) FROM outbox")
    kill $lat_pid 2>/dev/null || true
    wait $lat_pid 2>/dev/null || true
    times_ms "$tmp/during"
    km0_runs="$km0_runs $(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')"
    during="$during $(pct 0.5 <"$tmp/during")/$(pct 0.99 <"$tmp/during")"
    cat "$tmp/during" >>"$tmp/during.all"
done
src=$(echo $src_runs | tr ' ' '\n' | median)
k=$(echo $km0_runs | tr ' ' '\n' | median)
awk -v k="$k" -v b="$src" -v rk="$km0_runs" -v rb="$src_runs" -v n="$N" -v s="$size" -v w="$WORKERS" 'BEGIN {
  printf "{\"what\":\"messages: %d from the outbox to a local smtp-sink (%d bytes each, %d workers)\",\"unit\":\"messages/s\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"smtp-source at nice 10 like the workers, same number and size, %d sessions, same sink\",\"ratio\":%.3f,\"target\":\">= 0.50\",\"ok\":%s,\"km0_runs\":\"%s\",\"baseline_runs\":\"%s\"}\n",
    n, s, w, k, b, w, k / b, (k / b >= 0.5) ? "true" : "false", rk, rb }'
r50=$(pct 0.5 <"$tmp/rest.all") r99=$(pct 0.99 <"$tmp/rest.all")
d50=$(pct 0.5 <"$tmp/during.all") d99=$(pct 0.99 <"$tmp/during.all")
awk -v r50="$r50" -v r99="$r99" -v d50="$d50" -v d99="$d99" -v rr="$rest" -v dd="$during" 'BEGIN {
  printf "{\"what\":\"shop page latency while km0 sends those messages (median; p99 in runs)\",\"unit\":\"ms\",\"km0\":%s,\"baseline\":%s,\"baseline_what\":\"the same requests at rest\",\"ratio\":%.3f,\"target\":\"<= 1.25\",\"ok\":%s,\"p99_during\":%s,\"p99_rest\":%s,\"runs_during_p50_p99\":\"%s\",\"runs_rest_p50_p99\":\"%s\"}\n",
    d50, r50, d50 / r50, (d50 / r50 <= 1.25) ? "true" : "false", d99, r99, dd, rr }'
