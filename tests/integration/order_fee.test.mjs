// The hub's fixed fee per order, charged to the customer (issue 22, schema/023).
//
// Two cycles of the real catalog: the first while the hub sells for its producers (the
// fee is an invoice of the hub's own, 1.25 € excl. VAT at 20 %), the second while the hub
// sells (the fee is a line of the hub's invoice, 2.00 € at 5.5 %, in the same VAT group
// as the carrots). The fee is set through the API, frozen on each cycle when it opens,
// shown in the shop before anything is ordered, on the order (page and JSON), on the
// invoices, in order_dues, and left out of the producers' settlements.
//
// Every total is recomputed here from the order lines as stored and the fee this test
// set: per seller (the producer, or the hub) and VAT rate, the sum of the lines excl.
// VAT, the VAT on that sum rounded half away from zero; the hub's fee as a line of the
// hub (seller 0). The invoices of both fee shapes pass the EN 16931 XSD + Schematron.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, tmpDir, clientFor } from '../lib/harness.mjs';
import {
  openCycleWith, closeAndBatch, realCatalog, placeRealOrders, validateCii, validatorsMissing,
} from '../lib/invoicing.mjs';

const PASSWORD = 'correct horse battery';
let work, db, srv, coord;
let c1, c2, orders1, orders2;
const fees = new Map(); // cycle → { net, rate } as this test set them

function ok(args) {
  const r = km0(args, { db });
  assert.equal(r.status, 0, `km0 ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function roundHalfAway(num, den) {
  const q = Math.trunc(num / den);
  const r = num - q * den;
  return 2 * Math.abs(r) >= den ? q + Math.sign(num) : q;
}

/** What an order comes to incl. VAT, from its stored lines (as delivered) and the fee. */
function expectedTotal(orderId, cycle, hubSells) {
  const rows = db.sql(`SELECT f.producer_id, l.vat_rate_bp, coalesce(l.delivered_net_cents, l.line_excl_vat_cents),
      coalesce(l.delivered_milli, l.quantity_milli) FROM order_lines l JOIN offers f ON f.id = l.offer_id
      WHERE l.order_id = ${orderId}`);
  const groups = new Map();
  let holds = false;
  for (const [producer, rate, net, qty] of rows) {
    const key = `${hubSells ? 0 : producer}:${rate}`;
    groups.set(key, (groups.get(key) || 0) + Number(net));
    holds = holds || Number(qty) > 0;
  }
  const fee = fees.get(cycle);
  if (holds) groups.set(`0:${fee.rate}`, (groups.get(`0:${fee.rate}`) || 0) + fee.net);
  let total = 0;
  for (const [key, net] of groups) total += net + roundHalfAway(net * Number(key.split(':')[1]), 10000);
  return total;
}

before(async () => {
  work = tmpDir('km0-orderfee');
  db = freshDb('order_fee');
  realCatalog(db);
  addUser(db, { email: 'coord@example.org', role: 'coordinator' });
  srv = await startServer(db);
  coord = srv.client();
  await coord.login('coord@example.org', PASSWORD);
});
after(async () => {
  await srv?.stop();
  db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the hub’s fixed fee per order', { timeout: 600000 }, () => {
  it('refuses a bad fee and changes nothing, then sets one', async () => {
    for (const [body, field] of [
      [{ order_fee: '1000.01' }, 'order_fee'], [{ order_fee: '1.255' }, 'order_fee'],
      [{ order_fee: '-1' }, 'order_fee'], [{ order_fee: '1', order_fee_vat_rate: '7' }, 'order_fee_vat_rate'],
      [{ fee_percent: '101', order_fee: '1' }, 'fee_percent'], [{}, 'fee_percent'],
    ]) {
      const r = await coord.patch('/api/v1/hub/fees', body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.equal(r.json.error.field, field, JSON.stringify(body));
    }
    assert.deepEqual(db.sql('SELECT order_fee_cents, order_fee_vat_bp, fee_bp FROM hub_settings'), [['0', '2000', '0']]);
    const r = await coord.patch('/api/v1/hub/fees', { order_fee: '1.25', order_fee_vat_rate: '20' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order_fee, '1.25');
    assert.equal(r.json.order_fee_vat_rate, '20');
    assert.equal(r.json.order_fee_incl_vat, '1.50');
    assert.deepEqual(db.sql("SELECT setting, old_value, new_value FROM hub_settings_changes WHERE setting LIKE 'order_fee%' ORDER BY id"),
      [['order_fee', '0', '1.25']]);
    const anon = await srv.client().patch('/api/v1/hub/fees', { order_fee: '9' });
    assert.ok([401, 403].includes(anon.status), String(anon.status));
  });

  it('freezes the fee on the cycle when it opens, and shows it in the shop before ordering', async () => {
    c1 = openCycleWith(db, undefined);
    fees.set(c1, { net: 125, rate: 2000 });
    const r = await coord.patch('/api/v1/hub/fees', { order_fee: '2', order_fee_vat_rate: '5.5' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(db.sql(`SELECT order_fee_cents, order_fee_vat_bp FROM cycles WHERE id = ${c1}`), [['125', '2000']]);
    const shop = await srv.client().get('/');
    assert.equal(shop.status, 200);
    const p = /<p id="order-fee">([\s\S]*?)<\/p>/.exec(shop.text);
    assert.ok(p, 'the shop says the fee');
    assert.match(p[1].replace(/\u00a0|&nbsp;/g, ' '), /1,50 €.*TTC \(TVA 20 %\)/);
  });

  it('counts the fee in each order, on its page and JSON, to the cent', async () => {
    orders1 = await placeRealOrders(db, srv, c1, 'f1');
    for (const { consumer, order } of orders1) {
      const want = expectedTotal(order.id, c1, false);
      assert.deepEqual(order.order_fee, { excl_vat_cents: 125, vat_rate: '20', incl_vat_cents: 150, charged: true, charged_as_delivered: true });
      assert.equal(order.total_incl_vat_cents, want);
      assert.equal(Number(db.one(`SELECT amount_cents FROM order_dues WHERE order_id = ${order.id}`)), want);
      const page = await clientFor(srv, consumer).get(`/orders/${c1}`);
      assert.equal(page.status, 200);
      const fee = /<li id="order-fee">([\s\S]*?)<\/li>/.exec(page.text);
      assert.ok(fee, 'the order page lists the fee');
      assert.match(fee[1].replace(/\u00a0|&nbsp;/g, ' '), /Frais par commande.*1,50 €/);
      const total = /<tr class="grand" id="total">[\s\S]*?<td class="num">([^<]*)</.exec(page.text)[1].replace(/\u00a0|&nbsp;/g, ' ');
      assert.equal(total, `${Math.trunc(want / 100)},${String(want % 100).padStart(2, '0')} €`);
    }
  });

  it('invoices the fee from the hub when it sells for its producers, and keeps it out of the settlements', () => {
    closeAndBatch(db, undefined, c1);
    ok(['invoice', 'issue', '--cycle', String(c1)]);
    for (const { order } of orders1) {
      const want = expectedTotal(order.id, c1, false);
      const hub = db.sql(`SELECT total_excl_vat_cents, total_vat_cents, total_incl_vat_cents FROM invoices
        WHERE order_id = ${order.id} AND seller_key = 'hub'`);
      assert.deepEqual(hub, [['125', '25', '150']], `order ${order.id}: one invoice of the hub for the fee`);
      assert.equal(Number(db.one(`SELECT sum(total_incl_vat_cents) FROM invoices WHERE order_id = ${order.id}`)), want);
      assert.equal(Number(db.one(`SELECT amount_cents FROM order_dues WHERE order_id = ${order.id}`)), want);
    }
    // the fee is the hub's revenue: booked to the hub's sales and VAT, not to a producer
    assert.equal(db.one(`SELECT -sum(l.amount_cents) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
      JOIN invoices i ON i.id = e.invoice_id WHERE i.seller_key = 'hub' AND l.account IN ('706', '707')`), String(125 * orders1.length));
    assert.equal(db.one(`SELECT count(*) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
      JOIN invoices i ON i.id = e.invoice_id WHERE i.seller_key = 'hub' AND l.account = '467'`), '0');
    const out = ok(['settle', '--cycle', String(c1)]);
    const settledSales = out.trim().split('\n').reduce((s, l) => s + Number(l.split('\t')[2]), 0);
    const producerSales = Number(db.one(`SELECT sum(total_incl_vat_cents) FROM invoices WHERE cycle_id = ${c1} AND seller_key LIKE 'producer:%'`));
    const all = Number(db.one(`SELECT sum(total_incl_vat_cents) FROM invoices WHERE cycle_id = ${c1} AND seller_key <> 'commission'`));
    assert.equal(settledSales, producerSales);
    assert.equal(all - settledSales, 150 * orders1.length);
  });

  it('puts the fee on the hub’s invoice when the hub sells, in the VAT group of its rate', async () => {
    db.sql("UPDATE hub_settings SET seller_mode = 'hub'");
    c2 = openCycleWith(db, undefined);
    fees.set(c2, { net: 200, rate: 550 });
    assert.deepEqual(db.sql(`SELECT seller_mode, order_fee_cents, order_fee_vat_bp FROM cycles WHERE id = ${c2}`), [['hub', '200', '550']]);
    orders2 = await placeRealOrders(db, srv, c2, 'f2');
    for (const { order } of orders2) {
      assert.equal(order.total_incl_vat_cents, expectedTotal(order.id, c2, true));
      assert.equal(order.order_fee.incl_vat_cents, 211);
    }
    closeAndBatch(db, undefined, c2);
    ok(['invoice', 'issue', '--cycle', String(c2)]);
    for (const { order } of orders2) {
      const want = expectedTotal(order.id, c2, true);
      const rows = db.sql(`SELECT i.total_incl_vat_cents, (SELECT count(*) FROM invoice_lines x
          WHERE x.invoice_id = i.id AND x.sku = 'FRAIS' AND x.line_excl_vat_cents = 200 AND x.vat_rate_bp = 550)
        FROM invoices i WHERE i.order_id = ${order.id}`);
      assert.equal(rows.length, 1, 'one invoice, the hub’s');
      assert.deepEqual(rows[0], [String(want), '1']);
      assert.equal(Number(db.one(`SELECT amount_cents FROM order_dues WHERE order_id = ${order.id}`)), want);
    }
  });

  it('passes both shapes of fee invoice through the EN 16931 validators', (t) => {
    const why = validatorsMissing();
    if (why) { t.skip(why); return; }
    const dir = path.join(work, 'cii');
    mkdirSync(dir, { recursive: true });
    const numbers = db.sql(`SELECT number FROM invoices WHERE seller_key = 'hub' AND order_id IN
      (${[...orders1, ...orders2].map((o) => o.order.id).join(',')}) ORDER BY id`).map(([n]) => n);
    assert.equal(numbers.length, orders1.length + orders2.length);
    for (const n of numbers) ok(['invoice', 'export', n, '--format', 'cii', '-o', path.join(dir, `${n}.xml`)]);
    const feeOnly = readFileSync(path.join(dir, `${numbers[0]}.xml`), 'utf8');
    assert.match(feeOnly, /<ram:BusinessProcessSpecifiedDocumentContextParameter>\s*<ram:ID>S1<\/ram:ID>/);
    assert.match(feeOnly, /Frais par commande/);
    const both = readFileSync(path.join(dir, `${numbers[numbers.length - 1]}.xml`), 'utf8');
    assert.match(both, /<ram:BusinessProcessSpecifiedDocumentContextParameter>\s*<ram:ID>M1<\/ram:ID>/);
    // a credit note of the fee says the same nature as the invoice it corrects
    ok(['invoice', 'credit', numbers[0], '--reason', 'Frais offerts']);
    const cn = db.one(`SELECT number FROM invoices WHERE type_code = 381 AND corrects_invoice_id =
      (SELECT id FROM invoices WHERE number = '${numbers[0]}')`);
    ok(['invoice', 'export', cn, '--format', 'cii', '-o', path.join(dir, `${cn}.xml`)]);
    const credit = readFileSync(path.join(dir, `${cn}.xml`), 'utf8');
    assert.match(credit, /<ram:TypeCode>381<\/ram:TypeCode>/);
    assert.match(credit, /<ram:BusinessProcessSpecifiedDocumentContextParameter>\s*<ram:ID>S1<\/ram:ID>/);
    assert.match(credit, /opération : prestation de services\./);
    const r = validateCii(dir, work);
    assert.equal(r.files, numbers.length + 1);
    assert.deepEqual(r.failed, []);
  });
});
