// Contract instalments paid by SEPA direct debit join the hub's pain.008 batch (issue
// 21, schema/022): a batch takes, beside the orders paid by direct debit, every
// instalment falling due by its collection date and not paid yet, under the
// subscription's customer's mandate, for the instalment's amount, collected on its due
// date (or on the batch's date when that has passed). The file validates against the
// official ISO 20022 schema; the batch's ledger entry credits the customer's prepaid
// balance (4191) with each instalment and marks it paid; a second batch does not take
// it again, a later one takes the next. A debit the debtor's bank returns (schema/025)
// takes the advance back, makes the instalment unpaid, is booked once however many
// lines name it, and a later batch collects the instalment again. The expectations (amounts, dates, who) are
// computed here from what the test created, not read back from km0's choices.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  freshDb, startServer, km0, addUser, clientFor, makeConsumers, openCycle, insertProducts, tmpDir,
} from '../lib/harness.mjs';
import { realCatalog } from '../lib/invoicing.mjs';
import { iso20022Missing, validateXsd, makeIban, makeIcs, readPain008, camt053 } from '../lib/payments.mjs';

const X = 'ferme-trois-chenes';
const PRICE_CENTS = 1200; // the basket's contract price excl. VAT
const VAT_BP = 550;
const DELIVERIES = 3;

/** Each <PmtInf>: sequence, requested collection date, and its debits (e2e, cents, text). */
function blocks(xml) {
  return [...xml.matchAll(/<PmtInf>([\s\S]*?)<\/PmtInf>/g)].map((m) => ({
    id: /<PmtInfId>([^<]+)</.exec(m[1])[1],
    seq: /<SeqTp>(\w+)</.exec(m[1])[1],
    date: /<ReqdColltnDt>([^<]+)</.exec(m[1])[1],
    debits: [...m[1].matchAll(/<DrctDbtTxInf>([\s\S]*?)<\/DrctDbtTxInf>/g)].map((t) => ({
      e2e: /<EndToEndId>([^<]+)</.exec(t[1])[1],
      cents: Math.round(Number(/<InstdAmt Ccy="EUR">([^<]+)</.exec(t[1])[1]) * 100),
      mandate: /<MndtId>([^<]+)</.exec(t[1])[1],
      text: /<Ustrd>([^<]+)</.exec(t[1])[1],
    })),
  }));
}

describe('contract instalments in the direct debit batch', () => {
  let db, srv, coord, work, people, contract, subs, order, today;
  const run = (args) => km0(args, { db });
  const ok = (args) => {
    const r = run(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const dateAfter = (days) => db.one(`SELECT to_char(${`'${today}'::date`} + ${days}, 'YYYY-MM-DD')`);
  // instalment k of a plan started today: k - 1 months later (calendar months)
  const dueOf = (k) => db.one(`SELECT to_char(('${today}'::date + ${k - 1} * interval '1 month')::date, 'YYYY-MM-DD')`);
  const season = DELIVERIES * (PRICE_CENTS + Math.round(PRICE_CENTS * VAT_BP / 10000));
  const split = (n) => Array.from({ length: n }, (_, i) => Math.floor(season / n) + (i === 0 ? season % n : 0));

  before(async () => {
    work = tmpDir('km0-subsepa');
    db = freshDb('subsepa');
    realCatalog(db);
    insertProducts(db, X, [{ sku: 'SEPA-PANIER', name: 'Panier AMAP', unit: 'piece', price: '13', stock: null, step: '1' }]);
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', 'correct horse battery');
    today = db.one("SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD')");
    const s = await coord.patch('/api/v1/hub/settings', {
      payment_methods: ['onsite', 'sepa_debit'], bank_iban: makeIban('FR', '30006000011234567890189'),
      sepa_creditor_id: makeIcs('FR', 'ZZZ', '654321'),
    });
    assert.equal(s.status, 200, s.text);
    people = makeConsumers(db, 3, 'dd');
    // A and B pay by direct debit (mandates), C by cheque
    for (const i of [0, 1]) {
      ok(['sepa', 'mandate', 'add', '--customer', people[i].email, '--reference', `MDT-AMAP-${i}`, '--signed', today,
        '--iban', makeIban('FR', `2004101005050001${String(i).padStart(7, '0')}`)]);
    }
    const k = await coord.post('/api/v1/contracts', {
      producer: X, name: 'AMAP légumes', window_opens: today, window_closes: dateAfter(5),
      deliveries: [20, 27, 34].map(dateAfter), baskets: [{ sku: 'SEPA-PANIER', label: 'Panier', price: '12' }],
      min_deliveries: 1, missed_rule: 'neighbour', instalment_plans: [1, 3], payment_methods: ['cheque', 'sepa_debit'],
    });
    assert.equal(k.status, 201, k.text);
    contract = k.json.contract.id;
    const basket = Number(db.one(`SELECT id FROM contract_baskets WHERE contract_id = ${contract}`));
    const pickup = db.one('SELECT slug FROM pickup_points WHERE active ORDER BY id LIMIT 1');
    const plans = [[3, 'sepa_debit'], [1, 'sepa_debit'], [3, 'cheque']];
    subs = [];
    for (const [i, [n, method]] of plans.entries()) {
      const r = await clientFor(srv, people[i]).post(`/api/v1/contracts/${contract}/subscriptions`,
        { basket, pickup_point: pickup, instalments: n, payment_method: method });
      assert.equal(r.status, 201, r.text);
      subs.push(r.json.subscription.id);
    }
    // A also has an order paid by direct debit, in a cycle now closed: both kinds in one batch
    const cycle = openCycle(db);
    const o = await clientFor(srv, people[0]).put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'crest-halle', payment_method: 'sepa_debit',
      lines: [{ producer: X, sku: 'INV-CAR', quantity: '2' }],
    });
    assert.equal(o.status, 200, o.text);
    order = o.json.order.id;
    ok(['cycle', 'close', String(cycle)]);
  });
  after(async () => {
    await srv?.stop();
    db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('collects the instalments due once, with their amounts and dates, in a valid pain.008', { timeout: 120000 }, async (t) => {
    const A = split(3), B = split(1), C = split(3);
    assert.deepEqual(db.sql(`SELECT amount_cents, to_char(due_on, 'YYYY-MM-DD') FROM contract_instalments
      WHERE subscription_id = ${subs[0]} ORDER BY number`).map(([a, d]) => [Number(a), d]),
    A.map((a, i) => [a, dueOf(i + 1)]), "A's plan as the contract's price says");
    const orderDue = Number(db.one(`SELECT due_cents FROM order_dues WHERE order_id = ${order}`));
    assert.ok(orderDue > 0);
    const ledger = (account, customer) => Number(db.one(`SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines
      WHERE account = '${account}' AND customer_id = ${customer}`));
    const bal0 = [0, 1, 2].map((i) => ledger('4191', people[i].customerId));

    // collected in 40 days: A's first two instalments (today, in a month), B's only one,
    // A's order; not A's third (two months), not C's (cheque)
    const collect = dateAfter(40);
    const file = path.join(work, 'batch1.xml');
    const out = ok(['sepa', 'debit', '--collect', collect, '-o', file, '--version', '02']);
    assert.match(out, /4 debits \(2 first\)/);
    const xml = readFileSync(file, 'utf8');
    const got = blocks(xml);
    const batch = db.one('SELECT id FROM sepa_batches ORDER BY id DESC LIMIT 1');
    const inst = (s, n) => `KM0-${batch}-C${s}-${n}`;
    const flat = got.flatMap((b) => b.debits.map((d) => ({ ...d, seq: b.seq, date: b.date })));
    const by = Object.fromEntries(flat.map((d) => [d.e2e, d]));
    assert.equal(flat.length, 4, 'each debit once');
    assert.deepEqual(Object.keys(by).sort(), [inst(subs[0], 1), inst(subs[0], 2), inst(subs[1], 1), `KM0-${batch}-${order}`].sort());
    // amounts and mandates
    assert.equal(by[inst(subs[0], 1)].cents, A[0]);
    assert.equal(by[inst(subs[0], 2)].cents, A[1]);
    assert.equal(by[inst(subs[1], 1)].cents, B[0]);
    assert.equal(by[`KM0-${batch}-${order}`].cents, orderDue);
    for (const e of [inst(subs[0], 1), inst(subs[0], 2), `KM0-${batch}-${order}`]) assert.equal(by[e].mandate, 'MDT-AMAP-0');
    assert.equal(by[inst(subs[1], 1)].mandate, 'MDT-AMAP-1');
    // dates: an instalment due today is collected on the batch's date; one due in a
    // month on its own due date; each mandate's earliest collection is its first
    assert.equal(by[inst(subs[0], 1)].date, collect);
    assert.equal(by[inst(subs[1], 1)].date, collect);
    assert.equal(by[inst(subs[0], 2)].date, dueOf(2));
    assert.equal(by[`KM0-${batch}-${order}`].date, collect);
    // (A's second instalment, on its due date in a month, comes before the batch's date)
    assert.equal(by[inst(subs[0], 2)].seq, 'FRST');
    assert.equal(by[inst(subs[0], 1)].seq, 'RCUR');
    assert.equal(by[`KM0-${batch}-${order}`].seq, 'RCUR');
    assert.equal(by[inst(subs[1], 1)].seq, 'FRST');
    assert.match(by[inst(subs[0], 2)].text, new RegExp(`echeance 2/3 du ${dueOf(2)}`));
    // one block per sequence and date, the batch's own date named as before
    const msg = readPain008(xml).msgId;
    assert.ok(got.some((b) => b.id === `${msg}-FRST`));
    assert.ok(got.some((b) => b.id === `${msg}-FRST-${dueOf(2).replaceAll('-', '')}` && b.date === dueOf(2)));
    assert.equal(new Set(got.map((b) => `${b.seq} ${b.date}`)).size, got.length);
    // the ledger: the instalments are on the customers' prepaid balances, the order paid
    assert.equal(ledger('4191', people[0].customerId) - bal0[0], -(A[0] + A[1]));
    assert.equal(ledger('4191', people[1].customerId) - bal0[1], -B[0]);
    assert.equal(ledger('4191', people[2].customerId) - bal0[2], 0);
    assert.equal(Number(db.one(`SELECT due_cents FROM order_dues WHERE order_id = ${order}`)), 0);
    assert.equal(Number(db.one(`SELECT sum(l.amount_cents) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
      WHERE e.sepa_batch_id = ${batch} AND l.account = '5113'`)), A[0] + A[1] + B[0] + orderDue);
    assert.equal(db.one(`SELECT count(*) FROM contract_instalments WHERE ledger_entry_id IS NOT NULL`), '3');
    // a paid instalment cannot be recorded paid again by cheque
    const twice = await coord.post(`/api/v1/contracts/${contract}/instalments`, { subscription: subs[0], number: 2 });
    assert.equal(twice.status, 409, twice.text);
    // the desk's download of the batch is the same file
    const d = await coord.get(`/desk/payments/sepa/${batch}`);
    assert.equal(d.status, 200);
    assert.equal(d.text, xml, 'rebuilt from what was recorded');

    // a second batch on the same date takes nothing again
    assert.match(ok(['sepa', 'debit', '--collect', collect, '-o', path.join(work, 'none.xml')]), /nothing is due/);
    // a later one takes A's third instalment only, on its due date
    const later = path.join(work, 'batch3.xml');
    assert.match(ok(['sepa', 'debit', '--collect', dateAfter(70), '-o', later, '--version', '08']), /1 debits \(0 first\)/);
    const third = blocks(readFileSync(later, 'utf8'));
    assert.equal(third.length, 1);
    assert.deepEqual(third[0].debits.map((x) => [x.cents, x.mandate]), [[A[2], 'MDT-AMAP-0']]);
    assert.equal(third[0].date, dueOf(3));
    assert.equal(db.one(`SELECT count(*) FROM sepa_debits WHERE subscription_id IS NOT NULL`), '4');
    assert.equal(db.one(`SELECT count(*) FROM contract_instalments WHERE subscription_id = ${subs[2]} AND ledger_entry_id IS NOT NULL`), '0',
      'cheque instalments are never debited');
    assert.ok(C.length === 3);

    const why = iso20022Missing();
    if (why) { t.skip(why); return; }
    for (const [f, xsd] of [[file, 'pain.008.001.02.xsd'], [later, 'pain.008.001.08.xsd']]) {
      const v = validateXsd(f, xsd);
      assert.ok(v.ok, `${f}: ${v.errors}`);
    }
  });

  it('books a returned instalment debit once, makes the instalment unpaid, and collects it again', { timeout: 120000 }, async () => {
    const first = db.one('SELECT min(id) FROM sepa_batches');
    const e2e = `KM0-${first}-C${subs[1]}-1`;
    const [amount] = split(1);
    const ledger = (account, customer) => Number(db.one(`SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines
      WHERE account = '${account}'${customer ? ` AND customer_id = ${customer}` : ''}`));
    const paid = () => db.one(`SELECT ledger_entry_id IS NOT NULL FROM contract_instalments
      WHERE subscription_id = ${subs[1]} AND number = 1`);
    assert.equal(paid(), 't', "B's instalment was paid by the first batch");
    const advance = ledger('4191', people[1].customerId), waiting = ledger('471');
    // the bank's statement: B's debit returned — and a second line naming it again
    const iban = db.one('SELECT bank_iban FROM hub_settings LIMIT 1');
    const f = path.join(work, 'returns.xml');
    writeFileSync(f, camt053({ account: iban, id: 'RET-1', entries: [
      { amount: -amount, booked: dateAfter(42), ref: 'RET-1-A', e2e: [e2e], ustrd: 'RETOUR PRLV MD01' },
      { amount: -amount, booked: dateAfter(43), ref: 'RET-1-B', e2e: [e2e], ustrd: 'RETOUR PRLV MD01' },
    ] }));
    const out = ok(['payments', 'import', f]);
    assert.match(out, new RegExp(`instalment of customer ${people[1].customerId} returned: unpaid again`), out);
    assert.equal(db.one('SELECT count(*) FROM sepa_debit_returns'), '1', 'a debit is returned once');
    assert.equal(ledger('4191', people[1].customerId) - advance, amount, 'the advance is taken back');
    assert.equal(ledger('471') - waiting, amount, 'the second line waits for a coordinator');
    assert.equal(paid(), 'f', 'the instalment is unpaid again');
    // importing the same statement again changes nothing
    ok(['payments', 'import', f]);
    assert.equal(db.one('SELECT count(*) FROM sepa_debit_returns'), '1');
    // a later batch collects it again: a second attempt, with an end-to-end id of its own
    const again = path.join(work, 'again.xml');
    assert.match(ok(['sepa', 'debit', '--collect', dateAfter(75), '-o', again]), /1 debits/);
    const next = db.one('SELECT max(id) FROM sepa_batches');
    const debits = blocks(readFileSync(again, 'utf8')).flatMap((b) => b.debits);
    assert.deepEqual(debits.map((d) => [d.e2e, d.cents, d.mandate]), [[`KM0-${next}-C${subs[1]}-1`, amount, 'MDT-AMAP-1']]);
    assert.equal(db.one(`SELECT string_agg(attempt::text, ',' ORDER BY attempt) FROM sepa_debits
      WHERE subscription_id = ${subs[1]} AND instalment = 1`), '1,2');
    assert.equal(paid(), 't');
    assert.equal(ledger('4191', people[1].customerId), advance, 'on the prepaid balance again');
    // and once only
    assert.match(ok(['sepa', 'debit', '--collect', dateAfter(75), '-o', path.join(work, 'none2.xml')]), /nothing is due/);
  });
});
