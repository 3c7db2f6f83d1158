// Payments: a month of a hub, to the cent. Four weekly cycles; eight customers paying
// each of the four ways (at the pickup in cash, by cheque and by card; by transfer with
// the reference, without it, and too much; by SEPA direct debit; from a prepaid balance);
// the pickup's cash-up page; bank statements as a bank writes them (camt.053 .001.02 and
// .001.08, camt.054, a French bank's CSV), each imported twice; a direct debit batch a
// week (FRST, then RCUR) validated against the official pain.008 schema; a credit note
// whose difference goes back to the balance; a line matched by hand on the desk.
//
// At the end the test recomputes, from what it sent (the amounts it paid, the statements
// it wrote, the debits in the files) and from the invoices as stored (not from the
// ledger), what every customer owes and holds, and what every account of the ledger
// must hold; km0's figures (km0 payments outstanding, balance, check, the API, the
// ledger's sums) must agree to the cent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, clientFor, makeConsumers, openCycle, tmpDir } from '../lib/harness.mjs';
import { realCatalog } from '../lib/invoicing.mjs';
import {
  makeIban, makeIcs, rf, grouped, camt053, camt054, bankCsv, readPain008, readOutstanding,
  validateXsd, iso20022Missing,
} from '../lib/payments.mjs';

const PASSWORD = 'correct horse battery';
const FTC = 'ferme-trois-chenes';
const VG = 'vergers-grane';
const HUB_IBAN = makeIban('FR', '30006000011234567890189'.slice(0, 23));
const ICS = makeIcs('FR', 'ZZZ', '4F2E1D');
const G_IBAN = makeIban('FR', '20041010050500013M02606');

// who pays how; names as a bank would write the payer back
const PEOPLE = [
  { key: 'A', name: 'Alice Martin', method: 'onsite', at: 'cash' },
  { key: 'B', name: 'Bruno Petit', method: 'onsite', at: 'cheque' },
  { key: 'C', name: 'Chloé Bernard', method: 'onsite', at: 'card' },
  { key: 'D', name: 'Denis Robert', method: 'transfer' },
  { key: 'E', name: 'Éloïse Durand', method: 'transfer', bankName: 'M OU MME DURAND ELOISE' },
  { key: 'F', name: 'François Moreau', method: 'transfer' },
  { key: 'G', name: 'Gaëlle Fournier', method: 'sepa_debit' },
  { key: 'H', name: 'Hugo Lefèvre', method: 'balance' },
];

let work, db, srv, coord, people, statementNo = 0;
const paid = new Map();      // key → cents the test paid to km0 for orders (and overpaid)
const toBalance = new Map(); // key → cents the test expects on the prepaid balance
const account = { 512: 0, 530: 0, 5112: 0, 5115: 0, 627: 0 }; // what the test moved
const add = (m, k, v) => m.set(k, (m.get(k) || 0) + v);

function cli(args) {
  const r = km0(args, { db });
  return r;
}
function ok(args) {
  const r = cli(args);
  assert.equal(r.status, 0, `km0 ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const today = () => db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD')");
const tomorrow = () => db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date + 1, 'YYYY-MM-DD')");

/** What km0 says an order still owes (the order's API, as its customer reads it). */
async function dueOf(p, cycle) {
  const r = await clientFor(srv, p).get(`/api/v1/cycles/${cycle}/order`);
  assert.equal(r.status, 200, r.text);
  return r.json.order.payment;
}

/** Import a statement file twice through the CLI (and once through the API): the first
 *  time it takes its new lines, after that nothing. Returns the first run's lines. */
async function importTwice(name, bytes) {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  const first = ok(['payments', 'import', file]);
  const lines = first.trim().split('\n');
  const summary = lines.pop();
  const again = ok(['payments', 'import', file]);
  assert.match(again.trim(), /, 0 new \(0 matched, 0 unmatched\), (\d+) already imported/, again);
  const api = await coord.req('POST', '/api/v1/payments/statements', { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(api.status, 201, api.text);
  assert.equal(api.json.import.new_entries, 0);
  return { lines: lines.map((l) => l.split('\t')), summary };
}

function orderLines(week, i) {
  return [
    { producer: FTC, sku: 'INV-CAR', quantity: String(1 + 0.5 * ((i + week) % 3)) },
    { producer: FTC, sku: 'INV-JUS', quantity: String(1 + (i % 2)) },
    { producer: VG, sku: 'INV-POM', quantity: String(0.5 * (1 + week)) },
  ];
}

/** The cash-up page's bags: [{bag, order, key, amount}] in page order. */
function bagsOf(html) {
  const out = [];
  for (const m of html.matchAll(/<div class="bag" id="bag-(\d+)">([\s\S]*?)<\/div>/g)) {
    const order = /name="order" value="(\d+)"/.exec(m[2]);
    out.push({
      bag: Number(m[1]),
      order: order ? Number(order[1]) : null,
      key: /name="key" value="([^"]+)"/.exec(m[2])?.[1],
      amount: /name="amount" value="([^"]+)"/.exec(m[2])?.[1],
      paid: /class="paid"/.test(m[2]),
    });
  }
  return out;
}

before(async () => {
  work = tmpDir('km0-pay');
  db = freshDb('payments');
  realCatalog(db);
  addUser(db, { email: 'coord@example.org', role: 'coordinator' });
  srv = await startServer(db);
  coord = srv.client();
  await coord.login('coord@example.org', PASSWORD);
  const consumers = makeConsumers(db, PEOPLE.length, 'pay');
  people = PEOPLE.map((p, i) => ({ ...p, ...consumers[i] }));
  for (const p of people) db.sql(`UPDATE customers SET name = '${p.name}' WHERE id = ${p.customerId}`);
});
after(async () => {
  await srv?.stop();
  db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const P = (key) => people.find((p) => p.key === key);

describe('a month of a hub, paid in each of the four ways', () => {
  it('takes the hub’s payment settings, checking the IBAN and the creditor identifier', async () => {
    let r = await coord.patch('/api/v1/hub/settings', { bank_iban: 'FR76 3000 6000 0112 3456 7890 188' });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, 'bank_iban');
    r = await coord.patch('/api/v1/hub/settings', { payment_methods: ['onsite', 'sepa_debit'] });
    assert.equal(r.status, 422, 'a direct debit needs the IBAN and the ICS');
    r = await coord.patch('/api/v1/hub/settings', {
      payment_methods: ['onsite', 'transfer', 'sepa_debit', 'balance'],
      bank_iban: grouped(HUB_IBAN).toLowerCase(), bank_bic: 'agrifrpp882', sepa_creditor_id: ICS,
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.settings.payment_methods, ['onsite', 'transfer', 'sepa_debit', 'balance']);
    assert.equal(r.json.settings.bank_iban, HUB_IBAN);
    assert.equal(r.json.settings.bank_bic, 'AGRIFRPP882');
    assert.deepEqual(db.sql(`SELECT setting FROM hub_settings_changes WHERE via = 'api' ORDER BY id`).map((x) => x[0]),
      ['payment_methods', 'bank_iban', 'bank_bic', 'sepa_creditor_id']);
  });

  it('records G’s mandate (IBAN checked, reference unique) and tops up H’s balance at the desk', async () => {
    const g = P('G');
    let r = cli(['sepa', 'mandate', 'add', '--customer', g.email, '--reference', 'KM0-MANDAT-G', '--signed', today(),
      '--iban', 'FR76 2004 1010 0505 0001 3M02 607']);
    assert.equal(r.status, 1, 'a wrong IBAN checksum');
    assert.match(r.stderr, /IBAN/);
    ok(['sepa', 'mandate', 'add', '--customer', g.email, '--reference', 'KM0-MANDAT-G', '--signed', today(), '--iban', grouped(G_IBAN)]);
    r = cli(['sepa', 'mandate', 'add', '--customer', P('A').email, '--reference', 'KM0-MANDAT-G', '--signed', today(), '--iban', G_IBAN]);
    assert.equal(r.status, 1, 'a duplicate mandate reference');
    assert.match(r.stderr, /taken|prise/);
    // H's first top-up, in cash at the desk
    const h = P('H');
    await coord.get(`/desk/payments/customers/${h.customerId}`);
    r = await coord.form(`/desk/payments/customers/${h.customerId}/topup`, { amount: '30,00', method: 'cash' });
    assert.equal(r.status, 303, r.text);
    add(toBalance, 'H', 3000);
    account[530] += 3000;
  });

  for (let week = 1; week <= 4; week++) {
    describe(`week ${week}`, () => {
      let cycle;
      const orders = new Map(); // key → order id
      const totals = new Map(); // key → total shown when ordering

      it('takes every order with its way to pay; a balance that does not cover is refused', async () => {
        cycle = openCycle(db);
        if (week === 1) {
          const r = await clientFor(srv, P('H')).put(`/api/v1/cycles/${cycle}/order`, {
            pickup_point: 'crest-halle', payment_method: 'balance',
            lines: [{ producer: FTC, sku: 'INV-CAR', quantity: '20' }],
          });
          assert.equal(r.status, 409, r.text);
          assert.equal(r.json.error.code, 'balance_too_low');
          assert.equal(r.json.error.field, 'payment_method');
          assert.equal(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${cycle}`), '0', 'nothing half-written');
        }
        for (const [i, p] of people.entries()) {
          const r = await clientFor(srv, p).put(`/api/v1/cycles/${cycle}/order`, {
            pickup_point: 'crest-halle', payment_method: p.method, lines: orderLines(week, i),
          });
          assert.equal(r.status, 200, `${p.key}: ${r.text}`);
          assert.equal(r.json.order.payment_method, p.method);
          assert.equal(r.json.order.payment.reference, rf(1, r.json.order.id));
          orders.set(p.key, r.json.order.id);
          totals.set(p.key, r.json.order.total_incl_vat_cents);
        }
        // an order without payment_method keeps its own (the API stays as it was)
        const d = P('D');
        const again = await clientFor(srv, d).put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: orderLines(week, 3) });
        assert.equal(again.status, 200, again.text);
        assert.equal(again.json.order.payment_method, 'transfer');
      });

      if (week === 2) {
        it('matches a transfer made while the cycle is still open, by the order’s reference', async () => {
          const d = P('D');
          const page = await clientFor(srv, d).get(`/orders/${cycle}`);
          assert.equal(page.status, 200);
          assert.ok(page.text.includes(grouped(HUB_IBAN)), 'the hub’s IBAN on the order page');
          assert.ok(page.text.includes(grouped(rf(1, orders.get('D')))), 'the reference on the order page');
          assert.match(page.text, /<svg[^>]*class="qr"/, 'the EPC QR code on the order page');
          const amount = totals.get('D');
          const { lines } = await importTwice('early.xml', camt053({
            account: HUB_IBAN, id: `EARLY-${week}`,
            entries: [{ ref: `EARLY-${week}-D`, amount, booked: today(), name: 'ROBERT DENIS', strd: rf(1, orders.get('D')) }],
          }));
          assert.deepEqual(lines.map((l) => l[0]), ['matched']);
          add(paid, 'D', amount);
          account[512] += amount;
          const pay = await dueOf(d, cycle);
          assert.deepEqual([pay.status, pay.due_cents, pay.paid_cents], ['paid', 0, amount]);
        });
      }

      it('closes, batches and invoices the week; every invoice and credit note posts itself', async () => {
        ok(['cycle', 'close', String(cycle)]);
        ok(['batch', '--cycle', String(cycle)]);
        ok(['invoice', 'issue', '--cycle', String(cycle)]);
        // the invoices of each order add up to the total its customer was shown
        for (const p of people) {
          const inv = Number(db.one(`SELECT sum(total_incl_vat_cents) FROM invoices WHERE order_id = ${orders.get(p.key)}`));
          assert.equal(inv, totals.get(p.key), `${p.key}: invoices and order total`);
        }
        const posted = db.sql(`SELECT count(*) FILTER (WHERE e.id IS NULL) FROM invoices i
          LEFT JOIN ledger_entries e ON e.invoice_id = i.id AND e.kind = 'invoice' WHERE i.cycle_id = ${cycle}`);
        assert.equal(posted[0][0], '0', 'every invoice has its ledger entry');
      });

      it('records the pickup’s payments on the cash-up page, bag after bag, once each', async () => {
        const page = await coord.get(`/desk/cycles/${cycle}/cashup`);
        assert.equal(page.status, 200, page.text);
        const bags = bagsOf(page.text);
        assert.equal(bags.length, people.length);
        assert.deepEqual(bags.map((b) => b.bag), bags.map((_, i) => i + 1), 'one line per bag, in bag order');
        for (const p of people.filter((x) => x.method === 'onsite')) {
          const bag = bags.find((b) => b.order === orders.get(p.key));
          const due = (await dueOf(p, cycle)).due_cents;
          assert.equal(bag.amount, (due / 100).toFixed(2).replace('.', ','), `${p.key}: the amount due, already in the box`);
          const fields = { order: String(bag.order), key: bag.key, amount: bag.amount, method: p.at,
            ...(p.at === 'cheque' ? { cheque_number: `CHQ-${week}00` } : {}) };
          let r = await coord.form(`/desk/cycles/${cycle}/cashup`, fields);
          assert.equal(r.status, 303, r.text);
          assert.match(r.headers.get('location'), new RegExp(`done=paid#bag-${bag.bag}$`));
          if (p.key === 'A') { // the same line sent again: once
            r = await coord.form(`/desk/cycles/${cycle}/cashup`, fields);
            assert.equal(r.status, 303);
            assert.match(r.headers.get('location'), /done=already_recorded/);
          }
          add(paid, p.key, due);
          account[{ cash: 530, cheque: 5112, card: 5115 }[p.at]] += due;
        }
        const after = (await coord.get(`/desk/cycles/${cycle}/cashup`)).text;
        for (const p of people.filter((x) => x.method === 'onsite')) {
          const bag = bags.find((b) => b.order === orders.get(p.key)).bag;
          assert.match(after, new RegExp(`id="bag-${bag}">(?:(?!</div>)[\\s\\S])*class="paid"`), `${p.key} shows paid`);
        }
        assert.equal(db.one(`SELECT count(*) FROM ledger_entries WHERE kind = 'payment' AND method = 'cash'`), String(week));
        assert.equal(db.one(`SELECT cheque_number FROM ledger_entries WHERE method = 'cheque' ORDER BY id DESC LIMIT 1`), `CHQ-${week}00`);
        // the delivery sheet says what was collected, and that nothing is left to collect
        const xml = path.join(work, `delivery-${week}.xml`);
        ok(['report', 'delivery', '--cycle', String(cycle), '--format', 'xml', '-o', xml]);
        const sheet = readFileSync(xml, 'utf8');
        const a = new RegExp(`<customer order="${orders.get('A')}"[^>]*payment-method="onsite" to-collect-cents="0" collected-cents="${totals.get('A')}"`);
        assert.match(sheet, a, 'A: collected, nothing left');
        assert.match(sheet, new RegExp(`<customer order="${orders.get('G')}"[^>]*payment-method="sepa_debit" to-collect-cents="${totals.get('G')}"`));
      });

      it('writes the direct debit batch as pain.008, valid against the official schema', async (t) => {
        const version = week % 2 ? '02' : '08';
        const file = path.join(work, `pain008-${week}.xml`);
        const out = ok(['sepa', 'debit', '--collect', tomorrow(), '-o', file, '--version', version]);
        assert.match(out, /1 debits/);
        const xml = readFileSync(file, 'utf8');
        const pain = readPain008(xml);
        const g = P('G');
        assert.deepEqual(pain.debits.map((d) => [d.amountCents, d.seq, d.mandate, d.iban]),
          [[totals.get('G'), week === 1 ? 'FRST' : 'RCUR', 'KM0-MANDAT-G', G_IBAN]]);
        assert.ok(xml.includes(`<Id>${ICS}</Id>`), 'the creditor identifier');
        assert.ok(xml.includes(`urn:iso:std:iso:20022:tech:xsd:pain.008.001.${version}`));
        const again = ok(['sepa', 'debit', '--collect', tomorrow(), '-o', path.join(work, 'nothing.xml')]);
        assert.match(again, /nothing is due/, 'a debit in collection is not asked twice');
        g.batch = pain;
        add(paid, 'G', totals.get('G'));
        const why = iso20022Missing();
        if (why) { t.skip(why); return; }
        const v = validateXsd(file, `pain.008.001.${version}.xsd`);
        assert.ok(v.ok, v.errors);
      });

      it('imports the week’s bank statement twice: matched once, nothing the second time', async () => {
        const d = P('D'), e = P('E'), f = P('F'), g = P('G'), h = P('H');
        const dueD = (await dueOf(d, cycle)).due_cents;
        const dueE = (await dueOf(e, cycle)).due_cents;
        const dueF = (await dueOf(f, cycle)).due_cents;
        const n = ++statementNo;
        const entries = [
          { ref: `W${week}-E`, amount: dueE, booked: today(), name: e.bankName, ustrd: `VIR SEPA ${e.bankName} legumes` },
          { ref: `W${week}-F`, amount: dueF + 500, booked: today(), name: 'MOREAU FRANCOIS',
            ustrd: `Commande ${grouped(rf(1, orders.get('F'))).toLowerCase()} merci` },
          { ref: `W${week}-G`, amount: totals.get('G'), booked: today(), name: 'KM0 PRELEVEMENTS',
            e2e: g.batch.debits.map((x) => x.e2e), pmtInfId: g.batch.infos[0] },
          { ref: `W${week}-FEE`, amount: -350, booked: today(), family: 'CHRG', ustrd: 'FRAIS TENUE DE COMPTE' },
        ];
        if (dueD > 0) entries.unshift({ ref: `W${week}-D`, amount: dueD, booked: today(), name: 'ROBERT DENIS', strd: rf(1, orders.get('D')) });
        if (week === 1) {
          entries.push({ ref: 'W1-H', amount: 2000, booked: today(), name: 'LEFEVRE HUGO', strd: rf(2, h.customerId) });
          entries.push({ ref: 'W1-X', amount: 1234, booked: today(), name: 'MME INCONNUE', ustrd: 'cadeau' });
        }
        let bytes, name;
        if (week === 1) { bytes = camt053({ version: '02', account: HUB_IBAN, id: `S${n}`, entries }); name = 'w1.camt053.v2.xml'; }
        if (week === 2) { bytes = camt053({ version: '08', account: HUB_IBAN, id: `S${n}`, entries }); name = 'w2.camt053.v8.xml'; }
        if (week === 3) { bytes = camt054({ version: '02', account: HUB_IBAN, id: `S${n}`, entries }); name = 'w3.camt054.xml'; }
        if (week === 4) {
          // a French bank's CSV: no bank references, the payer in the label
          const d8 = today().split('-').reverse().join('/');
          bytes = bankCsv({ account: HUB_IBAN, rows: entries.filter((x) => !x.e2e).map((x) => ({
            date: d8, amount: x.amount,
            label: x.strd ? `VIR SEPA RECU /DE ${x.name} /MOTIF ${grouped(x.strd)}` : x.ustrd.startsWith('VIR') ? x.ustrd
              : x.family ? x.ustrd : `VIR SEPA RECU /DE ${x.name} /MOTIF ${x.ustrd}`,
          })) });
          name = 'w4.csv';
          // the direct debits of week 4 come in a camt.053 of their own
          await importTwice('w4-dd.xml', camt053({ version: '02', account: HUB_IBAN, id: `S${n}-DD`, entries: entries.filter((x) => x.e2e) }));
        }
        const { lines } = await importTwice(name, bytes);
        const written = entries.filter((y) => week !== 4 || !y.e2e);
        assert.equal(lines.length, written.length, lines.join(' | '));
        written.forEach((x, i) => {
          const line = lines.find((l) => Number(l[1]) === i + 1);
          assert.equal(line?.[0], x.ref === 'W1-X' ? 'unmatched' : 'matched', `${x.ref} ${x.amount}: ${lines.join(' | ')}`);
          assert.equal(line[3], (x.amount / 100).toFixed(2));
        });
        if (dueD > 0) add(paid, 'D', dueD);
        add(paid, 'E', dueE);
        add(paid, 'F', dueF);
        add(toBalance, 'F', 500);
        if (week === 1) add(toBalance, 'H', 2000);
        for (const x of entries) account[512] += x.amount;
        account[627] += 350;
        for (const p of [d, e, f, g]) {
          const pay = await dueOf(p, cycle);
          assert.equal(pay.due_cents, 0, `${p.key} paid`);
        }
        assert.equal(db.one(`SELECT coalesce(sum(l.amount_cents), 0) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
          WHERE l.account = '5113' AND e.sepa_batch_id IS NOT NULL`), '0', 'the direct debits collected');
      });

      if (week === 1) {
        it('shows the unknown transfer to the coordinator, who says whose it is', async () => {
          const r = await coord.get('/api/v1/payments/unmatched');
          assert.equal(r.status, 200);
          assert.deepEqual(r.json.unmatched.map((u) => [u.amount_cents, u.counterparty]), [[1234, 'MME INCONNUE']]);
          const page = await coord.get('/desk/payments/bank');
          assert.ok(page.text.includes('MME INCONNUE'));
          const res = await coord.form(`/desk/payments/bank/${r.json.unmatched[0].id}`, { customer: P('B').email });
          assert.equal(res.status, 303, res.text);
          assert.deepEqual((await coord.get('/api/v1/payments/unmatched')).json.unmatched, []);
          add(toBalance, 'B', 1234); // B owed nothing: kept as B's credit
        });
      }

      if (week === 2) {
        it('credits an invoice after payment: the difference goes back to the customer’s balance', async () => {
          const d = P('D');
          const [number, amount] = db.sql(`SELECT number, total_incl_vat_cents FROM invoices
            WHERE order_id = ${orders.get('D')} AND seller_key LIKE 'producer:%' AND seller ->> 'name' ILIKE '%verger%'`)[0];
          ok(['invoice', 'credit', number, '--reason', 'pommes abîmées']);
          let pay = await dueOf(d, cycle);
          assert.deepEqual([pay.status, pay.due_cents], ['overpaid', -Number(amount)]);
          const out = ok(['payments', 'refund', '--customer', d.email, '--to', 'balance']);
          assert.match(out, new RegExp(`^${(Number(amount) / 100).toFixed(2)} EUR refunded`));
          pay = await dueOf(d, cycle);
          assert.equal(pay.due_cents, 0);
          add(toBalance, 'D', Number(amount));
          add(paid, 'D', -Number(amount)); // what D paid for it is now D's balance
        });
      }

      it('uses H’s balance for H’s order when it is invoiced', async () => {
        add(toBalance, 'H', -totals.get('H'));
        const pay = await dueOf(P('H'), cycle);
        assert.equal(pay.status, 'paid');
        assert.equal(pay.balance_cents, toBalance.get('H'));
        if (week < 4) { // keep H able to order next week
          const r = await coord.form(`/desk/payments/customers/${P('H').customerId}/topup`, { amount: '15', method: 'cheque' });
          assert.equal(r.status, 303);
          add(toBalance, 'H', 1500);
          account[5112] += 1500;
        }
      });
    });
  }

  it('ends the month with nothing owed: km0 and an independent recomputation agree to the cent', async () => {
    // 1. the ledger checks itself
    const check = cli(['payments', 'check']);
    assert.equal(check.status, 0, check.stderr);
    // 2. what is owed: nothing, by the CLI's CSV and the API
    const csv = readOutstanding(ok(['payments', 'outstanding']));
    assert.deepEqual(csv, [], 'nobody owes anything');
    const api = await coord.get('/api/v1/payments/outstanding');
    assert.deepEqual([api.json.outstanding, api.json.due_cents], [[], 0]);
    // 3. per customer: the receivable is zero, and the balance is what the test expects
    for (const p of people) {
      const owed = db.one(`SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE customer_id = ${p.customerId} AND account = '411'`);
      assert.equal(owed, '0', `${p.key}: the ledger balances to zero`);
      const expect = toBalance.get(p.key) || 0;
      const out = ok(['payments', 'balance', '--customer', p.email]);
      assert.match(out, new RegExp(`^balance ${(expect / 100).toFixed(2)}, owed 0.00, overpaid orders 0.00`), `${p.key}: ${out}`);
      const mine = await clientFor(srv, p).get('/api/v1/balance');
      assert.equal(mine.json.balance_cents, expect, `${p.key}: balance on the API`);
      // invoices (as stored) less what was paid for them: zero
      const invoiced = Number(db.one(`SELECT coalesce(sum(CASE WHEN type_code = 380 THEN total_incl_vat_cents
        ELSE -total_incl_vat_cents END), 0) FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = ${p.customerId}`));
      const usedBalance = p.key === 'H' ? invoiced : 0;
      assert.equal(invoiced - (paid.get(p.key) || 0) - usedBalance, 0, `${p.key}: invoiced ${invoiced}, paid ${paid.get(p.key)}`);
    }
    // 4. every account of the ledger holds what the test moved through it
    const sums = Object.fromEntries(db.sql('SELECT account, sum(amount_cents) FROM ledger_lines GROUP BY account').map(([a, s]) => [a, Number(s)]));
    assert.equal(sums['512'], account[512], 'bank');
    assert.equal(sums['530'], account[530], 'cash');
    assert.equal(sums['5112'], account[5112], 'cheques');
    assert.equal(sums['5115'], account[5115], 'card');
    assert.equal(sums['627'], account[627], 'bank charges');
    assert.equal(sums['471'] || 0, 0, 'nothing waits to be matched');
    assert.equal(sums['5113'] || 0, 0, 'no direct debit in collection');
    const balances = [...toBalance.values()].reduce((s, v) => s + v, 0);
    assert.equal(-(sums['4191'] || 0), balances, 'prepaid balances');
    // what the hub owes its producers is what their invoices say, VAT included
    const byProducer = db.sql(`SELECT substr(seller_key, 10), sum(CASE WHEN type_code = 380 THEN total_incl_vat_cents
      ELSE -total_incl_vat_cents END) FROM invoices GROUP BY seller_key`);
    for (const [producer, total] of byProducer) {
      const posted = db.one(`SELECT -sum(amount_cents) FROM ledger_lines WHERE account = '467' AND producer_id = ${producer}`);
      assert.equal(posted, total, `producer ${producer}`);
    }
    assert.equal(Object.values(sums).reduce((s, v) => s + v, 0), 0, 'the ledger balances');
  });

  it('keeps the ledger append-only: no update, no delete, no truncate, no entry that does not balance', () => {
    for (const sql of ['UPDATE ledger_lines SET amount_cents = amount_cents + 1', 'DELETE FROM ledger_entries',
      'TRUNCATE ledger_lines', 'UPDATE bank_entries SET amount_cents = 1']) {
      assert.throws(() => db.sql(sql), /append-only/, sql);
    }
    assert.throws(() => db.sql(`WITH e AS (INSERT INTO ledger_entries (hub_id, kind, booked_on, via)
        SELECT id, 'correction', current_date, 'cli' FROM hubs LIMIT 1 RETURNING id, hub_id)
      INSERT INTO ledger_lines (hub_id, entry_id, line_no, account, amount_cents)
        SELECT hub_id, id, 1, '530', 100 FROM e UNION ALL SELECT hub_id, id, 2, '512', -99 FROM e`), /does not balance/);
    assert.equal(cli(['payments', 'check']).status, 0);
  });

  it('counts what an order amounts to in one function, inlined into every query over order_dues', () => {
    // schema/024: order_dues is order_amounts() less what was paid. Called once per order
    // (a plpgsql, STRICT or SET function) it would run its aggregates for each order of
    // a bank statement; inlined, the plan stays the set-based join over the hub's rows.
    assert.equal(db.one(`SELECT pg_get_viewdef('order_dues') LIKE '%FROM (order_amounts() a(%'`), 't');
    for (const q of ['SELECT * FROM order_dues WHERE due_cents > 0', 'SELECT amount_cents FROM order_dues WHERE order_id = 1']) {
      const plan = db.sql(`EXPLAIN ${q}`).map((r) => r[0]).join('\n');
      assert.doesNotMatch(plan, /Function Scan/, `${q}:\n${plan}`);
    }
  });
});
