// Settlements: producers paid back. Two cycles of the real catalog, with the hub's fee
// (12.5 %, then 15 % for the second cycle) and one producer's own rate (8 %), a credit
// note, payments at the pickup; the first cycle settled by cycle, the second by month.
//
// Every settlement is recomputed here, independently, from the invoices as stored and
// the rates this test set (not from km0's frozen copies): per producer and cycle, the
// fee is the rate times the sales excl. VAT less the credit notes excl. VAT, rounded
// half away from zero; the VAT on the fee 20 %; the due amount what was collected less
// the credit notes, the fee and its VAT — equal to the cent. The commission invoices and
// a sales invoice pass the official CII D16B XSD and EN 16931 Schematron; every pain.001
// (.001.03 and .001.09) passes its ISO 20022 XSD; the FEC has 18 columns, balances per
// entry and in total, and follows the hub's chart of accounts. Bad input is refused and
// writes nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, tmpDir, ROOT, TIMEOUT } from '../lib/harness.mjs';
import {
  openCycleWith, closeAndBatch, realCatalog, placeRealOrders, pdfText, validateCii, validatorsMissing, writeConfig,
} from '../lib/invoicing.mjs';
import { makeIban, validateXsd, iso20022Missing } from '../lib/payments.mjs';

const PASSWORD = 'correct horse battery';
const FTC = 'ferme-trois-chenes';
const VG = 'vergers-grane';
const HUB_IBAN = makeIban('FR', '30006000011234567890189');
const FTC_IBAN = makeIban('FR', '20041010050500013M02606');
const VG_IBAN = makeIban('FR', '10278060760001234567801');

let work, db, srv, coord, producerUser;
let c1, c2;
const rates = new Map(); // `${cycle}:${slug}` → percent, as this test set them

function ok(args) {
  const r = km0(args, { db });
  assert.equal(r.status, 0, `km0 ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
function refused(args, pattern) {
  const r = km0(args, { db });
  assert.equal(r.status, 1, `km0 ${args.join(' ')} should be refused: ${r.stdout}`);
  assert.match(r.stderr, pattern);
  return r;
}
const count = (table) => Number(db.one(`SELECT count(*) FROM ${table}`));
const producerId = (slug) => Number(db.one(`SELECT id FROM producers WHERE slug = '${slug}'`));

/** Half away from zero, on integers: what a French accountant expects of 12.5 % of 3 cents. */
function roundHalfAway(num, den) {
  const q = Math.trunc(num / den);
  const r = num - q * den;
  return 2 * Math.abs(r) >= den ? q + Math.sign(num) : q;
}

/** What the hub owes each producer for the invoices of ids (or all unsettled
 *  ones matching where), from the invoices and the rates the test set. */
function expectedFor(where) {
  const rows = db.sql(`SELECT i.seller_key, i.cycle_id, i.type_code, i.total_excl_vat_cents,
      i.total_incl_vat_cents FROM invoices i WHERE i.seller_key LIKE 'producer:%' AND ${where}`);
  const per = new Map();
  for (const [key, cycle, type, excl, incl] of rows) {
    const pid = Number(key.slice(9));
    const p = per.get(pid) || { sales: 0, credits: 0, byCycle: new Map() };
    const sign = type === '380' ? 1 : -1;
    if (sign > 0) p.sales += Number(incl); else p.credits += Number(incl);
    p.byCycle.set(cycle, (p.byCycle.get(cycle) || 0) + sign * Number(excl));
    per.set(pid, p);
  }
  const out = new Map();
  for (const [pid, p] of per) {
    const slug = db.one(`SELECT slug FROM producers WHERE id = ${pid}`);
    let fee = 0;
    for (const [cycle, net] of p.byCycle) {
      const pct = rates.get(`${cycle}:${slug}`);
      assert.notEqual(pct, undefined, `no rate for ${slug} in cycle ${cycle}`);
      fee += roundHalfAway(net * Math.round(pct * 100), 10000);
    }
    const vat = roundHalfAway(fee * 20, 100);
    out.set(slug, { sales: p.sales, credits: p.credits, fee, vat, due: p.sales - p.credits - fee - vat });
  }
  return out;
}

function parseSettle(stdout) {
  return new Map(stdout.trim().split('\n').map((l) => {
    const [id, slug, sales, credits, fee, vat, due, number] = l.split('\t');
    return [slug, { id: Number(id), sales: +sales, credits: +credits, fee: +fee, vat: +vat, due: +due, number }];
  }));
}

/** After a long stretch of command-line work, the kept-alive sockets of the test's HTTP
 *  clients have been idle past the server's connection timeout (30 s): the server
 *  closes them, and a request sent on one as it does fails with "other side closed".
 *  One request absorbs that (a socket error only); the next must succeed. */
async function wakeHttp() {
  try {
    await fetch(`${srv.base}/healthz`, { signal: AbortSignal.timeout(TIMEOUT.http) });
  } catch (e) {
    if (e?.cause?.code !== 'UND_ERR_SOCKET') throw e;
  }
  const r = await fetch(`${srv.base}/healthz`, { signal: AbortSignal.timeout(TIMEOUT.http) });
  assert.equal(r.status, 200);
}

before(async () => {
  work = tmpDir('km0-settle');
  db = freshDb('settlements');
  realCatalog(db);
  addUser(db, { email: 'coord@example.org', role: 'coordinator' });
  addUser(db, { email: 'ftc@example.org', role: 'producer', producer: FTC });
  db.sql(`UPDATE hub_settings SET bank_iban = '${HUB_IBAN}', bank_bic = 'AGRIFRPP882'`);
  srv = await startServer(db);
  coord = srv.client();
  await coord.login('coord@example.org', PASSWORD);
});
after(async () => {
  await srv?.stop();
  db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('fees, settlements, transfers and the FEC', { timeout: 600000 }, () => {
  it('refuses a fee over 100 % or badly written, and changes nothing', () => {
    refused(['fees', 'hub', '100.01'], /0 to 100|0 à 100/);
    refused(['fees', 'hub', '12.345'], /two decimals|deux décimales/);
    refused(['fees', 'producer', VG, '--fee', '101'], /0 to 100|0 à 100/);
    refused(['fees', 'producer', VG, '--iban', 'FR7630006000011234567890180'], /IBAN/);
    assert.equal(db.one('SELECT fee_bp FROM hub_settings'), '0');
    assert.equal(db.one(`SELECT coalesce(fee_bp, -1) || iban FROM producers WHERE slug = '${VG}'`), '-1');
  });

  it('sets the hub’s fee, a producer’s own rate, accounts and a billing mandate', () => {
    ok(['fees', 'hub', '12.5']);
    ok(['fees', 'producer', VG, '--fee', '8']);
    ok(['fees', 'producer', FTC, '--iban', FTC_IBAN.replace(/(.{4})/g, '$1 '), '--bic', 'ccbpfrpp']);
    ok(['fees', 'mandate', FTC, '--signed', '2026-01-05', '--scope', 'Factures de vente aux consommateurs du hub', '--accepted-by', 'Jeanne Chêne, gérante']);
    refused(['fees', 'mandate', FTC, '--signed', '2026-01-05', '--scope', 'x', '--accepted-by', 'y'], /already|déjà/);
    refused(['fees', 'mandate', FTC, '--signed', '2026-02-30', '--scope', 'x', '--accepted-by', 'y'], /date/);
    const show = ok(['fees', 'show']);
    assert.match(show, /^hub\t12\.5$/m);
    assert.match(show, new RegExp(`^${VG}\\t8\\t\\t\\t$`, 'm'));
    assert.match(show, new RegExp(`^${FTC}\\thub\\t${FTC_IBAN}\\tCCBPFRPP\\t2026-01-05$`, 'm'));
    const changes = db.sql("SELECT old_value, new_value FROM hub_settings_changes WHERE setting = 'fee_percent'");
    assert.deepEqual(changes, [['0', '12.5']]);
  });

  it('freezes the rates on each cycle when it opens', () => {
    c1 = openCycleWith(db, undefined);
    rates.set(`${c1}:${FTC}`, 12.5);
    rates.set(`${c1}:${VG}`, 8);
    ok(['fees', 'hub', '15']);
    c2 = openCycleWith(db, undefined);
    rates.set(`${c2}:${FTC}`, 15);
    rates.set(`${c2}:${VG}`, 8);
    ok(['fees', 'producer', VG, '--fee', 'hub']); // after c2 opened: changes neither cycle
    const frozen = db.sql(`SELECT cp.cycle_id, p.slug, cp.fee_bp FROM cycle_producers cp
      JOIN producers p ON p.id = cp.producer_id WHERE p.slug IN ('${FTC}', '${VG}') ORDER BY 1, 2`);
    assert.deepEqual(frozen, [[String(c1), FTC, '1250'], [String(c1), VG, '800'], [String(c2), FTC, '1500'], [String(c2), VG, '800']]);
  });

  it('refuses to settle a period whose invoices are not issued, and writes nothing', async () => {
    await placeRealOrders(db, srv, c1, 's1');
    await placeRealOrders(db, srv, c2, 's2');
    refused(['settle', '--cycle', String(c1)], /not invoiced|pas facturé/);
    const month = db.one(`SELECT to_char(delivery_date, 'YYYY-MM') FROM cycles WHERE id = ${c2}`);
    refused(['settle', '--month', month], /not invoiced|pas facturé/);
    refused(['settle', '--month', '2026-13'], /YYYY-MM|AAAA-MM/);
    refused(['settle', '--cycle', '999999'], /no such cycle|n’existe pas/);
    assert.equal(count('settlements'), 0);
    assert.equal(count('invoice_sequences WHERE seller_key = \'commission\''), 0);
  });

  it('settles the first cycle: each producer’s due equals the recomputation to the cent', () => {
    for (const c of [c1, c2]) {
      closeAndBatch(db, undefined, c);
      ok(['invoice', 'issue', '--cycle', String(c)]);
    }
    // payments at the pickup for two orders of the first cycle (ledger entries for the FEC)
    for (const [order, due] of db.sql(`SELECT order_id, due_cents FROM order_dues WHERE cycle_id = ${c1} ORDER BY 1 LIMIT 2`)) {
      ok(['payments', 'record', '--order', order, '--amount', (Number(due) / 100).toFixed(2), '--method', 'cash']);
    }
    const expected = expectedFor(`i.cycle_id = ${c1}`);
    const got = parseSettle(ok(['settle', '--cycle', String(c1)]));
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
    for (const [slug, e] of expected) {
      const g = got.get(slug);
      assert.deepEqual({ sales: g.sales, credits: g.credits, fee: g.fee, vat: g.vat, due: g.due }, e, slug);
      assert.ok(e.fee > 0, `${slug}: a fee is due`);
      assert.match(g.number, /^COM-\d{4}-\d{6}$/);
    }
    // the same cycle twice: nothing left
    refused(['settle', '--cycle', String(c1)], /No producer invoice left|Aucune facture/);
  });

  it('settles the month with a credit note, at the second cycle’s rates', () => {
    const credited = db.one(`SELECT number FROM invoices WHERE cycle_id = ${c2} AND type_code = 380
      AND seller_key = 'producer:${producerId(FTC)}' ORDER BY total_incl_vat_cents DESC LIMIT 1`);
    ok(['invoice', 'credit', credited, '--reason', 'Cagettes abîmées']);
    const month = db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM')");
    const expected = expectedFor(`i.cycle_id = ${c2}`);
    assert.ok(expected.get(FTC).credits > 0);
    const got = parseSettle(ok(['settle', '--month', month]));
    for (const [slug, e] of expected) {
      const g = got.get(slug);
      assert.deepEqual({ sales: g.sales, credits: g.credits, fee: g.fee, vat: g.vat, due: g.due }, e, slug);
    }
    // every invoice of both cycles is settled exactly once
    assert.equal(db.one(`SELECT count(*) FROM invoices i WHERE i.seller_key LIKE 'producer:%' AND i.cycle_id IN (${c1}, ${c2})
      AND NOT EXISTS (SELECT 1 FROM settlement_invoices s WHERE s.invoice_id = i.id)`), '0');
    // the commission invoices: their own sequence, 1..N without gap
    const com = db.sql("SELECT seq FROM invoices WHERE seller_key = 'commission' ORDER BY seq").map(([s]) => Number(s));
    assert.deepEqual(com, com.map((_, i) => i + 1));
    assert.equal(db.one("SELECT last_number FROM invoice_sequences WHERE seller_key = 'commission'"), String(com.length));
    // the fee is in the ledger: 706 holds every fee excl. VAT, 467 is what is still owed
    const fees = db.one('SELECT sum(fee_excl_cents) FROM settlements');
    assert.equal(db.one("SELECT -sum(amount_cents) FROM ledger_lines WHERE account = '706'"), fees);
    for (const slug of [FTC, VG]) {
      const owed = db.one(`SELECT sum(due_cents) FROM settlements WHERE producer_id = ${producerId(slug)}`);
      assert.equal(db.one(`SELECT -sum(amount_cents) FROM ledger_lines WHERE account = '467' AND producer_id = ${producerId(slug)}`), owed, slug);
    }
  });

  it('writes the statement as XML valid against its schema and as a PDF', () => {
    const id = db.one(`SELECT id FROM settlements WHERE producer_id = ${producerId(FTC)} AND cycle_id IS NULL`);
    const xml = path.join(work, 'statement.xml');
    const pdf = path.join(work, 'statement.pdf');
    ok(['settle', 'statement', id, '--format', 'xml', '-o', xml]);
    const v = spawnSync('xmllint', ['--noout', '--schema', path.join(ROOT, 'reports/xsd/settlement.xsd'), xml], { encoding: 'utf8', timeout: TIMEOUT.cmd });
    assert.equal(v.status, 0, v.stderr);
    const due = Number(db.one(`SELECT due_cents FROM settlements WHERE id = ${id}`));
    assert.match(readFileSync(xml, 'utf8'), new RegExp(`due-cents="${due}"`));
    ok(['settle', 'statement', id, '-o', pdf]);
    const text = pdfText(pdf);
    assert.match(text, /Relevé de reversement/);
    assert.match(text, /Ferme des Trois Ch/);
    assert.ok(text.includes(`${Math.trunc(due / 100)},${String(due % 100).padStart(2, '0')} €`), text);
    refused(['settle', 'statement', '999999', '-o', pdf], /no such|n’existe pas/);
  });

  it('passes every commission invoice and a sales invoice under mandate through the EN 16931 validators', (t) => {
    const why = validatorsMissing();
    if (why) { t.skip(why); return; }
    const dir = path.join(work, 'cii');
    mkdirSync(dir, { recursive: true });
    const numbers = db.sql("SELECT number FROM invoices WHERE seller_key = 'commission' ORDER BY seq").map(([n]) => n);
    assert.ok(numbers.length >= 3);
    for (const n of numbers) ok(['invoice', 'export', n, '--format', 'cii', '-o', path.join(dir, `${n}.xml`)]);
    const sale = db.one(`SELECT number FROM invoices WHERE cycle_id = ${c2} AND type_code = 380
      AND seller_key = 'producer:${producerId(FTC)}' ORDER BY id LIMIT 1`);
    ok(['invoice', 'export', sale, '--format', 'cii', '-o', path.join(dir, `${sale}.xml`)]);
    const com = readFileSync(path.join(dir, `${numbers[0]}.xml`), 'utf8');
    assert.match(com, /<ram:BusinessProcessSpecifiedDocumentContextParameter>\s*<ram:ID>S1<\/ram:ID>/);
    assert.match(com, /<ram:DueDateTypeCode>5<\/ram:DueDateTypeCode>/);
    assert.match(com, /<ram:RateApplicablePercent>20<\/ram:RateApplicablePercent>/);
    const s = readFileSync(path.join(dir, `${sale}.xml`), 'utf8');
    assert.match(s, /<ram:BusinessProcessSpecifiedDocumentContextParameter>\s*<ram:ID>B1<\/ram:ID>/);
    assert.match(s, /<ram:ShipToTradeParty>\s*<ram:Name>[^<]+<\/ram:Name>/);
    assert.match(com, /Commission de 12,5 % sur vos ventes/);
    assert.match(s, /mandat de facturation du 05\/01\/2026/);
    const r = validateCii(dir, work);
    assert.deepEqual(r.failed, []);
  });

  it('pays producers by SEPA transfer: refused without an IBAN, then pain.001 .03 and .09 valid', (t) => {
    refused(['sepa', 'transfer', '-o', path.join(work, 'none.xml')], /IBAN/);
    assert.equal(count('transfer_batches'), 0);
    assert.equal(existsSync(path.join(work, 'none.xml')), false);
    ok(['fees', 'producer', VG, '--iban', VG_IBAN]);
    const d1 = db.one(`SELECT to_char(delivery_date, 'YYYY-MM-DD') FROM cycles WHERE id = ${c1}`);
    const f09 = path.join(work, 'p09.xml');
    const f03 = path.join(work, 'p03.xml');
    ok(['sepa', 'transfer', '--from', d1, '--to', d1, '--version', '09', '-o', f09]);
    ok(['sepa', 'transfer', '--version', '03', '-o', f03]);
    refused(['sepa', 'transfer', '-o', path.join(work, 'again.xml')], /Nothing to pay|Aucun reversement/);
    // one transfer per producer, amounts = the settlements they pay
    for (const [file, batchNo] of [[f09, 1], [f03, 2]]) {
      const xml = readFileSync(file, 'utf8');
      const batch = db.one(`SELECT id FROM transfer_batches ORDER BY id OFFSET ${batchNo - 1} LIMIT 1`);
      const want = db.sql(`SELECT p.iban, sum(s.due_cents) FROM settlements s JOIN producers p ON p.id = s.producer_id
        WHERE s.transfer_batch_id = ${batch} GROUP BY p.iban ORDER BY 1`);
      const txs = [...xml.matchAll(/<CdtTrfTxInf>[\s\S]*?<InstdAmt Ccy="EUR">([\d.]+)<\/InstdAmt>[\s\S]*?<CdtrAcct><Id><IBAN>(\w+)<\/IBAN>/g)]
        .map((m) => [m[2], String(Math.round(Number(m[1]) * 100))]).sort();
      assert.deepEqual(txs, want);
    }
    assert.equal(db.one("SELECT count(*) FROM settlements WHERE transfer_batch_id IS NULL AND due_cents > 0"), '0');
    // paid: the producers' accounts are back to zero, the bank paid the total
    assert.equal(db.one("SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE account = '467'"), '0');
    assert.equal(db.one("SELECT -sum(amount_cents) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id WHERE e.kind = 'settlement' AND l.account = '512'"),
      db.one('SELECT sum(due_cents) FROM settlements'));
    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    for (const [file, xsd] of [[f09, 'pain.001.001.09.xsd'], [f03, 'pain.001.001.03.xsd']]) {
      const v = validateXsd(file, xsd);
      assert.ok(v.ok, `${xsd}: ${v.errors}`);
    }
  });

  it('exports the FEC: 18 columns, balanced per entry and in total, with the hub’s chart of accounts', () => {
    refused(['fec', 'account', '706', '70', 'Commissions'], /3 to 20|3 à 20/);
    refused(['fec', 'account', '999', '999000', 'Rien'], /no such account|pas ce compte/);
    ok(['fec', 'account', '706', '706100', 'Commissions de la plateforme']);
    const from = db.one("SELECT to_char(min(booked_on), 'YYYY-MM-DD') FROM ledger_entries");
    const to = db.one("SELECT to_char(max(booked_on), 'YYYY-MM-DD') FROM ledger_entries");
    for (const [sep, flag] of [['\t', []], ['|', ['--pipe']]]) {
      const file = path.join(work, `fec${flag.length}.txt`);
      const out = ok(['fec', '--from', from, '--to', to, '-o', file, ...flag]);
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
      const head = lines.shift().split(sep);
      assert.deepEqual(head, ['JournalCode', 'JournalLib', 'EcritureNum', 'EcritureDate', 'CompteNum', 'CompteLib',
        'CompAuxNum', 'CompAuxLib', 'PieceRef', 'PieceDate', 'EcritureLib', 'Debit', 'Credit', 'EcritureLet',
        'DateLet', 'ValidDate', 'Montantdevise', 'Idevise']);
      assert.equal(out.trim(), `${lines.length} lines`);
      assert.equal(String(lines.length), db.one(`SELECT count(*) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
        WHERE e.booked_on BETWEEN '${from}' AND '${to}'`));
      const perEntry = new Map();
      let debit = 0, credit = 0;
      const cents = (s) => { assert.match(s, /^\d+,\d\d$/); const [u, c] = s.split(','); return Number(u) * 100 + Number(c); };
      for (const l of lines) {
        const f = l.split(sep);
        assert.equal(f.length, 18, l);
        assert.match(f[0], /^(VE|BQ|CA|OD)$/);
        assert.match(f[3], /^\d{8}$/);
        assert.match(f[9], /^\d{8}$/);
        assert.match(f[15], /^\d{8}$/);
        assert.ok(f[4].length >= 3);
        const d = cents(f[11]), c = cents(f[12]);
        assert.ok((d === 0) !== (c === 0), `one side per line: ${l}`);
        const e = perEntry.get(f[2]) || 0;
        perEntry.set(f[2], e + d - c);
        debit += d; credit += c;
        if (f[4] === '706100') assert.equal(f[5], 'Commissions de la plateforme');
        assert.notEqual(f[4], '706');
      }
      for (const [entry, sum] of perEntry) assert.equal(sum, 0, `entry ${entry} does not balance`);
      assert.equal(debit, credit);
      assert.ok(lines.some((l) => l.split(sep)[4] === '706100'));
      assert.ok(lines.some((l) => /^P\d+$/.test(l.split(sep)[6])));
    }
  });

  it('closes an exported period: an overlapping export is refused and writes nothing', () => {
    const from = db.one("SELECT to_char(min(booked_on), 'YYYY-MM-DD') FROM ledger_entries");
    const to = db.one("SELECT to_char(max(booked_on), 'YYYY-MM-DD') FROM ledger_entries");
    ok(['fec', '--from', from, '--to', to, '--close', '-o', path.join(work, 'closed.txt')]);
    const before = count('fec_exports');
    const file = path.join(work, 'overlap.txt');
    refused(['fec', '--from', '2000-01-01', '--to', from, '-o', file], /closed|close/);
    assert.equal(existsSync(file), false);
    assert.equal(count('fec_exports'), before);
    refused(['fec', '--from', to, '--to', from === to ? '2000-01-01' : from, '-o', file], /before|précède|closed|close/);
    refused(['fec', '--from', '2026-02-30', '--to', to, '-o', file], /date/);
  });

  it('shows the producer its own settlements, statements and commission invoices, and no one else’s', async () => {
    const mine = db.sql(`SELECT s.id, s.due_cents, coalesce(i.number, '') FROM settlements s
      LEFT JOIN invoices i ON i.id = s.commission_invoice_id WHERE s.producer_id = ${producerId(FTC)} ORDER BY s.id`);
    const other = db.sql(`SELECT s.id, coalesce(i.number, '') FROM settlements s
      LEFT JOIN invoices i ON i.id = s.commission_invoice_id WHERE s.producer_id = ${producerId(VG)} ORDER BY s.id`);
    assert.equal(mine.length, 2);
    await wakeHttp();
    producerUser = srv.client();
    await producerUser.login('ftc@example.org', PASSWORD);
    const page = await producerUser.get('/producer/settlements');
    assert.equal(page.status, 200, page.text);
    for (const [id, due, number] of mine) {
      const d = Number(due);
      assert.ok(page.text.includes(`${Math.trunc(d / 100)},${String(d % 100).padStart(2, '0')}\u00a0€`), `due of ${id}`);
      assert.ok(page.text.includes(`/api/v1/settlements/${id}/statement?format=pdf`));
      assert.ok(page.text.includes(`/api/v1/invoices/${number}?format=pdf`));
    }
    assert.match(page.text, /Mandat de facturation du/);
    const en = await producerUser.get('/producer/settlements?lang=en');
    assert.match(en.text, /My settlements/);
    const list = await producerUser.get('/api/v1/settlements');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.settlements.map((x) => x.id).sort(), mine.map(([id]) => Number(id)).sort());
    const pdf = await producerUser.get(`/api/v1/settlements/${mine[0][0]}/statement?format=pdf`);
    assert.equal(pdf.status, 200);
    assert.match(pdf.headers.get('content-type'), /application\/pdf/);
    assert.equal((await producerUser.get(`/api/v1/settlements/${other[0][0]}/statement?format=xml`)).status, 404);
    assert.equal((await producerUser.get(`/api/v1/invoices/${mine[0][2]}?format=cii`)).status, 200);
    assert.equal((await producerUser.get(`/api/v1/invoices/${other[0][1]}?format=cii`)).status, 404);
    assert.equal((await producerUser.get(`/api/v1/settlements/${mine[0][0]}/statement?format=html`)).status, 422);
  });

  it('renders a statement’s PDF on a renderer thread: the only HTTP thread answers meanwhile', async () => {
    // FOP that takes three seconds more to start; one HTTP worker thread, which a PDF
    // rendered in the handler (as statements once were) would hold for the whole run
    const slow = path.join(work, 'slow-fop');
    writeFileSync(slow, '#!/bin/sh\nsleep 3\nexec fop "$@"\n', { mode: 0o755 });
    const conf = writeConfig(work, 'slowfop', { connections_per_address: 0, threads: 1, render_slots: 1, archive_workers: 0, fop: slow });
    const s = await startServer(db, { config: conf });
    try {
      const c = s.client();
      await c.login('coord@example.org', PASSWORD);
      const id = db.one('SELECT min(id) FROM settlements');
      const pdf = c.get(`/api/v1/settlements/${id}/statement?format=pdf`);
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      const h = await s.client().get('/healthz');
      const waited = Date.now() - t0;
      assert.equal(h.status, 200);
      assert.ok(waited < 2000, `/healthz waited ${waited} ms behind the statement's FOP run on the only HTTP thread`);
      const r = await pdf;
      assert.equal(r.status, 200, r.text?.slice(0, 300));
      assert.match(r.headers.get('content-type'), /application\/pdf/);
    } finally {
      await s.stop();
    }
  });

  it('answers the coordinator’s API with the same rules, refusing bad input with the JSON error shape', async () => {
    coord = srv.client();
    await coord.login('coord@example.org', PASSWORD);
    let r = await coord.patch('/api/v1/hub/fees', { fee_percent: '101' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'fee_percent');
    r = await coord.patch(`/api/v1/producers/${VG}/fees`, { fee_percent: null, bic: 'not a bic' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'bic');
    r = await coord.patch(`/api/v1/producers/${VG}/fees`, { fee_percent: '9.75' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.producers.find((p) => p.producer === VG).fee_percent, '9.75');
    r = await coord.post(`/api/v1/producers/${VG}/billing-mandates`, { signed_on: '2026-03-01', scope: 'Ventes', accepted_by: 'Paul Grane' });
    assert.equal(r.status, 201, r.text);
    assert.equal((await coord.get('/api/v1/hub/fees')).json.producers.find((p) => p.producer === VG).billing_mandate.signed_on, '2026-03-01');
    r = await coord.post('/api/v1/settlements', { month: '2026-13' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'month');
    r = await coord.post('/api/v1/settlements', { cycle: c1 });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'nothing_to_settle');
    r = await coord.post('/api/v1/payments/transfers', {});
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'nothing_to_pay');
    r = await coord.get('/api/v1/payments/transfers/1');
    assert.equal(r.status, 200);
    assert.match(r.text, /pain\.001\.001\.09/);
    r = await coord.post('/api/v1/accounting/fec', { from: '2000-01-01', to: '2099-12-31' });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'period_closed');
    r = await coord.post('/api/v1/accounting/fec', { from: '2099-01-01', to: '2099-12-31', separator: 'pipe' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text.split('\n')[0].split('|').length, 18);
    r = await coord.put('/api/v1/accounting/accounts/512', { number: '512100', label: 'Crédit Agricole' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.accounts.find((a) => a.account === '512').number, '512100');
    r = await coord.put('/api/v1/accounting/accounts/512', { number: '51', label: 'x' });
    assert.equal(r.status, 422);
  });
});
