#!/bin/sh
# bench/payments.sh — the two bulk jobs of the money side, each against psql's \copy of
# the same rows in the same run:
#   - "km0 payments import" of a camt.053 statement of ROWS credit transfers (parse the
#     XML, check every entry, match each to what is owed, store the bank lines and the
#     ledger entries, commit), against \copy of the very rows km0 stored (bank_entries,
#     ledger_entries, ledger_lines, their keys, checks and triggers declared) into the
#     same database state;
#   - "km0 sepa debit" of ROWS direct debits (read what is owed under the mandates,
#     store the batch, its debits and the ledger entry, write the pain.008 file),
#     against \copy of the rows it reads (its query's columns) to a CSV file.
#
#   bench/payments.sh [ROWS [REPS]]        defaults 10000 5
#
# The hub's week comes from tests/lib/weekgen.mjs (ROWS orders, 8 pickup points, seed
# 1, its cycle closed); the hub gets an IBAN and a creditor identifier, every customer
# a mandate. The statement pays each order its amount due: nine in ten with the order's
# RF reference, every tenth with only the customer's name in the text (matched by
# amount and name, or left for the coordinator). Each repetition starts from a fresh
# copy of that state (CREATE DATABASE ... TEMPLATE, not timed), alternating which of
# km0 and \copy goes first; times are wall clock of whole processes, medians printed as
# JSON lines. Target: within 3x. The bench cluster is BENCH_PG_DIR (default
# var/bench-pg), started here and stopped on exit when it was not running; fsync on.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

rows=${1:-10000}
reps=${2:-5}
bin=$KM0
[ -x "$bin" ] || die "build $bin first (make)"

started=
if ! scripts/pg.sh status "$BENCH_PG_DIR" >/dev/null 2>&1; then
    scripts/pg.sh init "$BENCH_PG_DIR" >/dev/null || die "cannot create the cluster $BENCH_PG_DIR"
    scripts/pg.sh start "$BENCH_PG_DIR" >/dev/null || die "cannot start the cluster $BENCH_PG_DIR"
    started=1
fi
work=$(mktemp -d)
tpl=km0_bench_pay
run=km0_bench_pay_run
cleanup() {
    rm -rf "$work"
    psql -X -q "$(bench_url postgres)" -c "DROP DATABASE IF EXISTS $run WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS $tpl WITH (FORCE)" >/dev/null 2>&1 || true
    [ -z "$started" ] || scripts/pg.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

bench_fresh_db "$tpl"
url=$(bench_url "$tpl")
echo "payments: generating a week of $rows orders" >&2
week=$(node tests/lib/weekgen.mjs --url "$url" --orders "$rows" --points 8 --seed 1) ||
    die "tests/lib/weekgen.mjs failed"
cycle=$(printf '%s' "$week" | sed -n 's/.*"cycle":\([0-9]*\).*/\1/p')
[ -n "$cycle" ] || die "weekgen said: $week"

# The hub's bank account, its creditor identifier, the cycle closed, a mandate for
# every customer (one debtor account for all: the IBAN is checked, not who holds it).
hub_iban=FR7630006000011234567890189
psql -X -q -v ON_ERROR_STOP=1 "$url" >/dev/null <<SQL || die "cannot set up the hub's payments"
UPDATE hub_settings SET bank_iban = '$hub_iban', sepa_creditor_id = 'FR72ZZZ123456',
       payment_methods = '{transfer,sepa_debit}';
UPDATE cycles SET payment_methods = '{transfer,sepa_debit}' WHERE id = $cycle;
UPDATE orders SET payment_method = 'transfer' WHERE cycle_id = $cycle;
INSERT INTO sepa_mandates (hub_id, customer_id, reference, signed_on, iban, debtor_name)
SELECT c.hub_id, c.id, 'BENCH-MDT-' || c.id, DATE '2026-01-15', 'FR1420041010050500013M02606',
       left(c.name, 70)
  FROM customers c WHERE c.id IN (SELECT customer_id FROM orders WHERE cycle_id = $cycle);
-- what autovacuum does after a bulk change in production: without statistics on the
-- freshly written tables the planner picks nested loops over order_dues' aggregates
ANALYZE;
SQL

# The statement: one credit per order of what it owes. RF reference of an order:
# "RF", ISO 7064 check digits of "1<id>" (R = 27, F = 15, then "00"), "1<id>".
psql -X -q -At -v ON_ERROR_STOP=1 "$url" >"$work/camt.xml" <<SQL || die "cannot write the statement"
WITH d AS (
  SELECT d.order_id, d.due_cents, c.name,
         'RF' || lpad((98 - (('1' || d.order_id || '271500')::numeric % 97))::int::text, 2, '0')
              || '1' || d.order_id AS rf
    FROM order_dues d JOIN customers c ON c.id = d.customer_id
   WHERE d.cycle_id = $cycle AND d.due_cents > 0)
SELECT '<?xml version="1.0" encoding="UTF-8"?>'
    || '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
    || '<GrpHdr><MsgId>BENCH-1</MsgId><CreDtTm>2026-05-04T08:00:00</CreDtTm></GrpHdr>'
    || '<Stmt><Id>BENCH-1</Id><CreDtTm>2026-05-04T08:00:00</CreDtTm>'
    || '<Acct><Id><IBAN>$hub_iban</IBAN></Id><Ccy>EUR</Ccy></Acct>'
    || string_agg('<Ntry><Amt Ccy="EUR">' || to_char(due_cents / 100.0, 'FM9999999990.00')
        || '</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-05-04</Dt></BookgDt>'
        || '<ValDt><Dt>2026-05-04</Dt></ValDt><AcctSvcrRef>BENCH-' || order_id || '</AcctSvcrRef>'
        || '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>'
        || '<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Nm>'
        || replace(replace(replace(name, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')
        || '</Nm></Dbtr></RltdPties><RmtInf>'
        || CASE WHEN order_id % 10 = 0 THEN '<Ustrd>Panier de la semaine</Ustrd>'
                ELSE '<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>' || rf
                     || '</Ref></CdtrRefInf></Strd>' END
        || '</RmtInf></TxDtls></NtryDtls></Ntry>', '' ORDER BY order_id)
    || '</Stmt></BkToCstmrStmt></Document>'
  FROM d;
SQL
credits=$(grep -o '<Ntry>' "$work/camt.xml" | wc -l)
[ "$credits" -eq "$rows" ] || die "$credits credits in the statement, not $rows"

conf=$work/km0.conf
printf 'log_level = warn\nstatement_timeout_ms = 0\n' >"$conf"

admin=$(bench_url postgres)
runurl=$(bench_url "$run")
fresh() {
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin" -c "DROP DATABASE IF EXISTS $run WITH (FORCE)" \
        -c "CREATE DATABASE $run TEMPLATE $tpl" >/dev/null || die "cannot copy $tpl"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
rsql() { psql -X -q -v ON_ERROR_STOP=1 "$runurl" "$@"; }
# the template must not be connected to when it is copied
psql -X -q "$admin" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$tpl'" >/dev/null

# ---- import ----------------------------------------------------------------------------

km0_import() {
    KM0_DATABASE_URL=$runurl "$bin" --config "$conf" payments import "$work/camt.xml" >"$work/import.out" ||
        die "km0 payments import failed: $(tail -n 3 "$work/import.out")"
}
# The rows km0 stored, once (the warm-up run), as files \copy reads back.
fresh
km0_import
summary=$(tail -n 1 "$work/import.out")
matched=$(grep -c '^matched' "$work/import.out" || true)
stored=$(rsql -At -c "SELECT count(*) FROM bank_entries")
[ "$stored" -eq "$rows" ] || die "$stored bank lines stored, not $rows ($summary)"
imp_cols=$(rsql -At -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
    WHERE attrelid = 'bank_imports'::regclass AND attnum > 0 AND NOT attisdropped")
cols_of() {
    rsql -At -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
        WHERE attrelid = '$1'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''"
}
be_cols=$(cols_of bank_entries)
le_cols=$(cols_of ledger_entries)
ll_cols=$(cols_of ledger_lines)
rsql -c "\\copy (SELECT $imp_cols FROM bank_imports) TO '$work/imports.csv' WITH (FORMAT csv)"
rsql -c "\\copy (SELECT $be_cols FROM bank_entries ORDER BY id) TO '$work/entries.csv' WITH (FORMAT csv)"
rsql -c "\\copy (SELECT $le_cols FROM ledger_entries WHERE kind <> 'invoice' ORDER BY id) TO '$work/ledger.csv' WITH (FORMAT csv)"
rsql -c "\\copy (SELECT $ll_cols FROM ledger_lines l WHERE entry_id IN (SELECT id FROM ledger_entries WHERE kind <> 'invoice') ORDER BY entry_id, line_no) TO '$work/lines.csv' WITH (FORMAT csv)"
ledger_rows=$(($(wc -l <"$work/ledger.csv") + $(wc -l <"$work/lines.csv")))

copy_import() {
    # the import's own row first (not timed: km0 writes one too), then the same rows
    rsql -c "\\copy bank_imports ($imp_cols) FROM '$work/imports.csv' WITH (FORMAT csv)" >/dev/null ||
        die "cannot copy the import row"
    t0=$(now_ms)
    rsql -c "BEGIN" -c "\\copy bank_entries ($be_cols) FROM '$work/entries.csv' WITH (FORMAT csv)" \
        -c "\\copy ledger_entries ($le_cols) FROM '$work/ledger.csv' WITH (FORMAT csv)" \
        -c "\\copy ledger_lines ($ll_cols) FROM '$work/lines.csv' WITH (FORMAT csv)" -c "COMMIT" >/dev/null ||
        die "psql \\copy of the imported rows failed"
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/copy_import.ms"
}
time_km0_import() {
    t0=$(now_ms)
    km0_import
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/km0_import.ms"
}

printf '%s\n' "payments: $reps alternating runs of km0 payments import and psql \\copy" >&2
i=0
while [ "$i" -lt "$reps" ]; do
    if [ $((i % 2)) -eq 0 ]; then
        fresh; time_km0_import; fresh; copy_import
    else
        fresh; copy_import; fresh; time_km0_import
    fi
    i=$((i + 1))
done

# ---- direct debits ---------------------------------------------------------------------

fresh_debit() {
    fresh
    rsql -c "UPDATE orders SET payment_method = 'sepa_debit' WHERE cycle_id = $cycle" -c "ANALYZE orders" >/dev/null ||
        die "cannot set the orders to direct debit"
}
collect=$(psql -X -At "$runurl" -c "SELECT to_char(current_date + 3, 'YYYY-MM-DD')")
# km0's query (core/sepa.c batch_dues): the orders' dues and the contract instalments
# falling due by the collection date (none in this week: the same rows as before)
debit_sql="SELECT u.*, to_char(u.collect, 'YYYY-MM-DD') AS collect_day,
 to_char(u.due, 'YYYY-MM-DD') AS due_day FROM (
 SELECT d.order_id, 0::bigint AS subscription_id, 0 AS instalment, 0 AS instalments,
 d.customer_id, d.cycle_id, d.due_cents, '$collect'::date AS collect, c.delivery_date AS due,
 c.name AS label, m.id AS mandate_id, m.reference, to_char(m.signed_on, 'YYYY-MM-DD') AS signed_on,
 m.iban, m.bic, m.debtor_name, NOT EXISTS (SELECT 1 FROM sepa_debits s WHERE s.mandate_id = m.id) AS first_ever
 FROM order_dues d JOIN cycles c ON c.id = d.cycle_id
 JOIN sepa_mandates m ON m.hub_id = d.hub_id AND m.customer_id = d.customer_id AND m.revoked_at IS NULL
 WHERE d.payment_method = 'sepa_debit' AND d.due_cents > 0 AND c.state <> 'open'
 UNION ALL
 SELECT 0, i.subscription_id, i.number, s.instalments, s.customer_id, 0, i.amount_cents,
 CASE WHEN i.due_on > (now() AT TIME ZONE 'Europe/Paris')::date THEN i.due_on ELSE '$collect'::date END,
 i.due_on, k.name, m.id, m.reference, to_char(m.signed_on, 'YYYY-MM-DD'), m.iban, m.bic, m.debtor_name,
 NOT EXISTS (SELECT 1 FROM sepa_debits x WHERE x.mandate_id = m.id)
 FROM contract_instalments i JOIN subscriptions s ON s.id = i.subscription_id
 JOIN contracts k ON k.id = s.contract_id
 JOIN sepa_mandates m ON m.hub_id = s.hub_id AND m.customer_id = s.customer_id AND m.revoked_at IS NULL
 WHERE s.payment_method = 'sepa_debit' AND s.cancelled_at IS NULL AND i.ledger_entry_id IS NULL
 AND i.due_on <= '$collect'::date
 AND NOT EXISTS (SELECT 1 FROM sepa_debits x WHERE x.subscription_id = i.subscription_id
 AND x.instalment = i.number)) u
 ORDER BY mandate_id, collect, due, order_id, subscription_id, instalment"
km0_debit() {
    t0=$(now_ms)
    KM0_DATABASE_URL=$runurl "$bin" --config "$conf" sepa debit --collect "$collect" -o "$work/pain.xml" \
        --version 08 >"$work/debit.out" || die "km0 sepa debit failed"
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/km0_debit.ms"
}
copy_debit() {
    t0=$(now_ms)
    rsql -c "\\copy ($debit_sql) TO '$work/debits.csv' WITH (FORMAT csv)" || die "psql \\copy of the debits failed"
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$work/copy_debit.ms"
}

fresh_debit
copy_debit
km0_debit
: >"$work/km0_debit.ms"
: >"$work/copy_debit.ms"
debits=$(grep -o '<DrctDbtTxInf>' "$work/pain.xml" | wc -l)
copied=$(wc -l <"$work/debits.csv")
[ "$debits" -eq "$rows" ] && [ "$copied" -eq "$rows" ] ||
    die "$debits debits in the file, $copied rows copied, $rows orders"
printf '%s\n' "payments: $reps alternating runs of km0 sepa debit and psql \\copy" >&2
i=0
while [ "$i" -lt "$reps" ]; do
    # \copy reads, km0 writes: km0 always starts from a state where nothing is debited yet
    if [ $((i % 2)) -eq 0 ]; then
        fresh_debit; km0_debit; fresh_debit; copy_debit
    else
        fresh_debit; copy_debit; km0_debit
    fi
    i=$((i + 1))
done

imp=$(median <"$work/km0_import.ms")
impc=$(median <"$work/copy_import.ms")
deb=$(median <"$work/km0_debit.ms")
debc=$(median <"$work/copy_debit.ms")
awk -v rows="$rows" -v reps="$reps" -v imp="$imp" -v impc="$impc" -v deb="$deb" -v debc="$debc" \
    -v matched="$matched" -v ledger_rows="$ledger_rows" -v bytes="$(wc -c <"$work/camt.xml")" \
    -v pain_bytes="$(wc -c <"$work/pain.xml")" 'BEGIN {
    r1 = (impc > 0 ? imp / impc : 0); r2 = (debc > 0 ? deb / debc : 0)
    printf "{\"what\":\"camt.053 import, %d transfers, with matching (%d matched)\",\"unit\":\"ms\",\"km0\":%d,\"baseline\":%d,", rows, matched, imp, impc
    printf "\"baseline_what\":\"psql \\\\copy of the rows km0 stored: %d bank lines, %d ledger rows\",\"ratio\":%.2f,\"target\":\"<= 3\",\"ok\":%s,", rows, ledger_rows, r1, (r1 <= 3 ? "true" : "false")
    printf "\"bench\":\"payments\",\"reps\":%d,\"file_bytes\":%d}\n", reps, bytes
    printf "{\"what\":\"pain.008 of %d direct debits (batch stored, file written)\",\"unit\":\"ms\",\"km0\":%d,\"baseline\":%d,", rows, deb, debc
    printf "\"baseline_what\":\"psql \\\\copy of the same rows to CSV\",\"ratio\":%.2f,\"target\":\"<= 3\",\"ok\":%s,", r2, (r2 <= 3 ? "true" : "false")
    printf "\"bench\":\"payments\",\"reps\":%d,\"file_bytes\":%d}\n", reps, pain_bytes
}'
