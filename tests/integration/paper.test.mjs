// Nobody left out (issue 25): customers registered by phone, orders typed for them by a
// coordinator through the API, the paper order form of the week checked against the
// database, and the paper mark, receipts and printed invoices that follow.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, makeConsumers, clientFor, insertProducts, openCycle, tmpDir, ROOT, TIMEOUT } from '../lib/harness.mjs';

const FTC = 'ferme-trois-chenes';
const flat = (s) => s.replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ');
const euros = (cents) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;
const LABEL = { kg: 'kg', piece: 'pièce', bottle: 'bouteille', bunch: 'botte', l: 'l', jar: 'bocal' };

function pdfText(file) {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: TIMEOUT.cmd });
}
function assertValid(kind, file) {
  const r = spawnSync('xmllint', ['--noout', '--schema', path.join(ROOT, 'reports/xsd', `${kind}.xsd`), file],
    { encoding: 'utf8', timeout: TIMEOUT.cmd });
  assert.equal(r.status, 0, `${kind} XML does not follow its XSD:\n${r.stderr.slice(0, 2000)}`);
}

describe('customers without internet and orders typed for them', () => {
  let db, srv, coord, coordId, consumer, cycle, dir, conf;
  const customerCount = () => Number(db.one('SELECT count(*) FROM customers'));
  before(async () => {
    db = freshDb('paper');
    dir = tmpDir('paper');
    // a second hub appears below: the CLI is told which one it works for
    conf = path.join(dir, 'hub.conf');
    writeFileSync(conf, 'hub = drome-paysanne\n');
    insertProducts(db, FTC, [
      { sku: 'CAR', name: 'Carottes des sables', price: '2.37', vat: '5.5', stock: '20', step: '0.5', category: 'Légumes' },
      { sku: 'OEU', name: 'Œufs plein air', unit: 'box', price: '3.3175', vat: '5.5', stock: null, step: '1', weight: '0.4', category: 'Œufs' },
    ]);
    coordId = addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', 'coordinator pass');
    [consumer] = makeConsumers(db, 1);
    cycle = openCycle(db, { producers: [FTC] });
  });
  after(async () => { await srv.stop(); db.drop(); });

  let marie;
  it('registers a customer with a name and a phone number, no e-mail, no account', async () => {
    const r = await coord.post('/api/v1/customers', { name: 'Marie Durand', phone: '06.12.34.56.78' });
    assert.equal(r.status, 201, r.text);
    marie = r.json.customer;
    assert.equal(marie.phone, '06 12 34 56 78');
    assert.equal(marie.email, '');
    assert.equal(marie.paper, true);
    assert.equal(marie.has_account, false);
    assert.deepEqual(db.sql(`SELECT name, email, registered_by FROM customers WHERE id = ${marie.id}`),
      [['Marie Durand', '', String(coordId)]]);
    assert.equal(db.one(`SELECT count(*) FROM users WHERE customer_id = ${marie.id}`), '0');
    const withMail = await coord.post('/api/v1/customers', { name: 'Jean Martin', phone: '+33 4 75 00 11 22', email: 'Jean.Martin@Example.org' });
    assert.equal(withMail.status, 201, withMail.text);
    assert.equal(withMail.json.customer.phone, '04 75 00 11 22');
    assert.equal(withMail.json.customer.email, 'jean.martin@example.org');
    assert.equal(withMail.json.customer.paper, false);
  });

  it('finds a customer again by part of the name or by the phone number however it is typed', async () => {
    for (const q of ['durand', 'MARIE', '0612345678', '+33612345678', '56 78', '0033 6 12 34 56 78']) {
      const r = await coord.get(`/api/v1/customers?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.customers.map((c) => [c.name, c.paper]), [['Marie Durand', true]], q);
    }
    const none = await coord.get('/api/v1/customers?q=Dupont');
    assert.deepEqual(none.json.customers, []);
    const long = await coord.get(`/api/v1/customers?q=${'x'.repeat(201)}`);
    assert.equal(long.status, 400);
    assert.equal(long.json.error.field, 'q');
  });

  it('refuses what is not a phone number, a missing name, a wrong e-mail: every field named, nothing written', async () => {
    const before = customerCount();
    for (const phone of ['12', 'abc', '06 12 34 56 7', '+33 0 12 34 56 78', '06 12 34 56 78 9', '061234567x']) {
      const r = await coord.post('/api/v1/customers', { name: 'X', phone });
      assert.equal(r.status, 422, phone);
      assert.equal(r.json.error.field, 'phone', phone);
      assert.equal(r.json.error.code, 'invalid_phone', phone);
    }
    const r = await coord.post('/api/v1/customers', { name: '', phone: 'téléphone', email: 'pas-une-adresse' });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json.error.details.map((d) => d.field), ['name', 'phone', 'email']);
    const ctl = await coord.post('/api/v1/customers', { name: 'A\u0001B', phone: '0612345678' });
    assert.equal(ctl.status, 422);
    assert.equal(ctl.json.error.field, 'name');
    assert.equal(customerCount(), before);
  });

  it('tells a customer registered by phone that they cannot log in, on the email field', async () => {
    const r = await srv.client().post('/api/v1/session', { email: '06 12 34 56 78', password: 'anything at all' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, 'phone_cannot_log_in');
    assert.equal(r.json.error.field, 'email');
    assert.match(r.json.error.message, /coordinateur/);
    // the HTML login page says it next to the field
    const page = srv.client();
    await page.get('/login');
    const f = await page.form('/login', { email: '0612345678', password: 'x' });
    assert.equal(f.status, 422);
    assert.match(f.text, /inscrit par téléphone/);
  });

  it('takes an order for the customer with the rules of the shop, recording who typed it and when', async () => {
    const url = `/api/v1/cycles/${cycle}/orders/${marie.id}`;
    const body = { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'CAR', quantity: '1.5' }, { producer: FTC, sku: 'OEU', quantity: '2' }] };
    let r = await coord.put(url, body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order.entered_by, coordId, r.text);
    assert.ok(r.json.order.entered_at);
    assert.deepEqual(db.sql(`SELECT entered_by, entered_at IS NOT NULL, customer_id FROM orders WHERE cycle_id = ${cycle}`),
      [[String(coordId), 't', String(marie.id)]]);
    assert.equal(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'CAR'`), '1500');
    // lines excl. VAT 1.5 × 2.37 = 3.555 → 3.56 and 2 × 3.3175 = 6.635 → 6.64; 10.20 + 5.5 % (0.561 → 0.56)
    assert.equal(r.json.order.total_incl_vat_cents, 1076);
    r = await coord.get(url);
    assert.equal(r.status, 200);
    assert.equal(r.json.order.lines.length, 2);
    // refusals: off the step, beyond the stock, unknown product; nothing changes
    const snapshot = () => db.sql(`SELECT l.offer_id, l.quantity_milli FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.cycle_id = ${cycle} ORDER BY 1`).concat(db.sql(`SELECT sku, sold_milli FROM offers WHERE cycle_id = ${cycle} ORDER BY 1`));
    const was = snapshot();
    const cases = [
      [{ producer: FTC, sku: 'CAR', quantity: '1.3' }, 422, 'invalid_quantity', 'lines[0].quantity'],
      [{ producer: FTC, sku: 'CAR', quantity: '25' }, 409, 'out_of_stock', 'lines[0].quantity'],
      [{ producer: FTC, sku: 'NOPE', quantity: '1' }, 422, 'unknown_product', 'lines[0].sku'],
      [{ producer: FTC, sku: 'CAR', quantity: 'deux' }, 422, undefined, 'lines[0].quantity'],
    ];
    for (const [line, status, code, field] of cases) {
      r = await coord.put(url, { pickup_point: 'crest-halle', lines: [line] });
      assert.equal(r.status, status, JSON.stringify(line) + r.text);
      if (code) assert.equal(r.json.error.code, code);
      assert.equal(r.json.error.field, field);
    }
    assert.deepEqual(snapshot(), was);
  });

  it('refuses a customer of another hub, or none, as not found on the customer', async () => {
    const other = db.one(`WITH h AS (INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon)
        VALUES ('autre-pole', 'Autre pôle', '12345678901234', 45, 5) RETURNING id)
      INSERT INTO customers (hub_id, kind, name, email, phone) SELECT id, 'person', 'Ailleurs', '', '06 99 99 99 99' FROM h RETURNING id`);
    for (const id of [other, '999999']) {
      const r = await coord.put(`/api/v1/cycles/${cycle}/orders/${id}`, { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'CAR', quantity: '1' }] });
      assert.equal(r.status, 404, r.text);
      assert.equal(r.json.error.code, 'unknown_customer');
      assert.equal(r.json.error.field, 'customer');
      assert.equal((await coord.get(`/api/v1/cycles/${cycle}/orders/${id}`)).status, 404);
    }
    assert.equal(db.one(`SELECT count(*) FROM orders WHERE customer_id = ${other}`), '0');
    const search = await coord.get('/api/v1/customers?q=Ailleurs');
    assert.deepEqual(search.json.customers, []);
  });

  it('keeps these routes to coordinators', async () => {
    const c = clientFor(srv, consumer);
    assert.equal((await c.get('/api/v1/customers?q=marie')).status, 403);
    assert.equal((await c.post('/api/v1/customers', { name: 'X', phone: '0612345678' })).status, 403);
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/orders/${marie.id}`, { pickup_point: 'crest-halle', lines: [] })).status, 403);
    assert.equal((await srv.client().get(`/api/v1/cycles/${cycle}/orders/${marie.id}`)).status, 401);
  });

  it('clears the mark when the customer changes the order themselves', async () => {
    const c = clientFor(srv, consumer);
    let r = await coord.put(`/api/v1/cycles/${cycle}/orders/${consumer.customerId}`,
      { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'CAR', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(db.one(`SELECT entered_by FROM orders WHERE customer_id = ${consumer.customerId}`), String(coordId));
    r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'CAR', quantity: '2' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order.entered_by, undefined);
    assert.deepEqual(db.sql(`SELECT entered_by IS NULL, entered_at IS NULL FROM orders WHERE customer_id = ${consumer.customerId}`), [['t', 't']]);
  });

  it('prints the paper mark on the picking and delivery sheets, a receipt for the bag, and marks the invoice to print', async () => {
    for (const a of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)]]) {
      const r = km0(['--config', conf, ...a], { db });
      assert.equal(r.status, 0, r.stderr);
    }
    const out = (kind, fmt) => {
      const file = path.join(dir, `${kind}.${fmt}`);
      const r = km0(['--config', conf, 'report', kind, '--cycle', String(cycle), '--format', fmt, '-o', file, ...(fmt === 'xml' ? ['--validate'] : [])], { db });
      assert.equal(r.status, 0, r.stderr);
      if (fmt === 'xml') assertValid(kind, file);
      return file;
    };
    const picking = readFileSync(out('picking', 'xml'), 'utf8');
    assert.match(picking, /<customer kind="person" name="Marie Durand" phone="06 12 34 56 78" paper="true"\/>/);
    assert.doesNotMatch(picking, /name="Client 0"[^>]*paper=/);
    const delivery = readFileSync(out('delivery', 'xml'), 'utf8');
    const due = Number(/<customer [^>]*name="Marie Durand"[^>]*paper="true"[^>]*due-cents="(\d+)"/.exec(delivery)[1]);
    assert.equal(due, 1076);
    assert.match(flat(pdfText(out('picking', 'pdf'))), /Marie Durand PAPIER · reçu à joindre/);
    assert.match(flat(pdfText(out('delivery', 'pdf'))), /Marie Durand\s[^]*PAPIER · sans e-mail/);
    // the receipt: Marie only (the other customer has an e-mail), lines adding up to the amount due
    const receipts = readFileSync(out('receipts', 'xml'), 'utf8');
    const rc = [...receipts.matchAll(/<receipt [^>]*total-cents="(\d+)"/g)];
    assert.equal(rc.length, 1);
    assert.equal(Number(rc[0][1]), due);
    const amounts = [...receipts.matchAll(/amount-cents="(\d+)"/g)].map((m) => Number(m[1]));
    assert.equal(amounts.reduce((a, b) => a + b, 0), due);
    const text = flat(pdfText(out('receipts', 'pdf')));
    assert.match(text, /Marie Durand/);
    assert.match(text, new RegExp(`Total à payer TTC : ${euros(due)}`));
    // invoices: the one to Marie says it is printed, Client 0's does not
    const inv = km0(['--config', conf, 'invoice', 'issue', '--cycle', String(cycle)], { db });
    assert.equal(inv.status, 0, inv.stderr);
    const html = readFileSync(out('invoices', 'html'), 'utf8');
    const notes = html.split('<section').filter((s) => /Client sans e-mail : facture à imprimer/.test(s));
    assert.ok(notes.length >= 1);
    assert.ok(notes.every((s) => /Marie Durand/.test(s)), 'the print note only on invoices to Marie');
    // and the desk's list of the cycle's invoices says which ones to print
    const list = await coord.get(`/desk/cycles/${cycle}/invoices`);
    assert.equal(list.status, 200);
    assert.match(list.text, /Marie Durand <span class="badge">à imprimer \(sans e-mail\)<\/span>/);
    assert.doesNotMatch(list.text, /Client 0 <span class="badge">à imprimer/);
  });
});

describe('the paper order form of the week', () => {
  let db, srv, coord, cycle, dir, offers;
  before(async () => {
    db = freshDb('orderform');
    dir = tmpDir('orderform');
    // 100 offers from four producers, in several units and categories
    const units = [['kg', '1', '0.5'], ['piece', '0.35', '1'], ['bottle', '0.75', '1'], ['bunch', '0.3', '1'], ['l', '1', '1'], ['jar', '0.25', '1']];
    const producers = [FTC, 'volailles-plein-champ', 'brasserie-crest', 'vergers-grane'];
    for (let p = 0; p < producers.length; p++) {
      const items = [];
      for (let i = 0; i < 25; i++) {
        const n = p * 25 + i;
        const [unit, weight, step] = units[n % units.length];
        items.push({ sku: `P${n}`, name: `Produit ${String(n).padStart(3, '0')} ${unit}`, unit, weight, step,
          price: (0.4 + n * 0.173).toFixed(4), vat: n % 7 === 0 ? '20' : '5.5', stock: n % 3 ? '50' : null,
          category: ['Légumes', 'Fruits', ''][n % 3] });
      }
      insertProducts(db, producers[p], items);
    }
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', 'coordinator pass');
    cycle = openCycle(db, { producers });
    // what the form must say, from the database: number in print order, name, price incl. VAT, unit
    offers = db.sql(`SELECT row_number() OVER (ORDER BY p.name COLLATE "fr-x-icu", p.id, o.category = '',
        o.category COLLATE "fr-x-icu", o.name COLLATE "fr-x-icu", o.id), o.name,
        round(o.price_excl_vat_e4::numeric * (10000 + o.vat_rate_bp) / 1000000)::bigint, o.unit, p.name
      FROM offers o JOIN producers p ON p.id = o.producer_id WHERE o.cycle_id = ${cycle}
      ORDER BY 1`).map(([n, name, cents, unit, producer]) => ({ n: Number(n), name, cents: Number(cents), unit, producer }));
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('lists the 100 offers of the open cycle with their number, name, price and unit, as the database has them', () => {
    assert.equal(offers.length, 100);
    const file = path.join(dir, 'orderform.pdf');
    const r = km0(['report', 'orderform', '--cycle', String(cycle), '--format', 'pdf', '-o', file], { db });
    assert.equal(r.status, 0, r.stderr);
    const lines = flat(pdfText(file)).split('\n');
    let at = 0; // offers appear in print order
    for (const o of offers) {
      const i = lines.findIndex((l, k) => k >= at && l.trim().startsWith(`${o.n} ${o.name}`));
      assert.ok(i >= 0, `n° ${o.n} ${o.name} not found after line ${at}`);
      assert.ok(lines[i].includes(`${euros(o.cents)} / ${LABEL[o.unit]}`), `${o.name}: ${lines[i]}`);
      at = i + 1;
    }
    const text = flat(pdfText(file));
    for (const p of new Set(offers.map((o) => o.producer))) assert.match(text, new RegExp(p));
    assert.match(text, /Commandes jusqu’au/);
    assert.match(text, new RegExp(db.one('SELECT phone FROM hubs ORDER BY id LIMIT 1').replace(/\+/g, '\\+')));
    for (const [name] of db.sql(`SELECT pp.name FROM cycle_pickup_points x JOIN pickup_points pp ON pp.id = x.pickup_point_id WHERE x.cycle_id = ${cycle}`))
      assert.ok(text.includes(name), name);
  });

  it('is valid against its XSD, in type of 11 pt at least, and A4', () => {
    const xml = path.join(dir, 'orderform.xml');
    let r = km0(['report', 'orderform', '--cycle', String(cycle), '--format', 'xml', '--validate', '-o', xml], { db });
    assert.equal(r.status, 0, r.stderr);
    assertValid('orderform', xml);
    assert.equal([...readFileSync(xml, 'utf8').matchAll(/<offer /g)].length, 100);
    const fo = path.join(dir, 'orderform.fo');
    r = km0(['report', 'orderform', '--cycle', String(cycle), '--format', 'fo', '-o', fo], { db });
    assert.equal(r.status, 0, r.stderr);
    const sizes = [...readFileSync(fo, 'utf8').matchAll(/font-size="([\d.]+)pt"/g)].map((m) => Number(m[1]));
    assert.ok(sizes.length > 0);
    assert.ok(sizes.every((s) => s >= 11), `font sizes ${[...new Set(sizes)]}`);
    assert.match(readFileSync(fo, 'utf8'), /page-width="210mm" page-height="297mm"/);
    const info = execFileSync('pdfinfo', [path.join(dir, 'orderform.pdf')], { encoding: 'utf8', timeout: TIMEOUT.cmd });
    assert.match(info, /Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
  });

  it('is on the desk and over HTTP for an open cycle, HTML too; the batched documents are not yet', async () => {
    let r = await coord.get(`/api/v1/cycles/${cycle}/reports/orderform?format=html`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /^<!DOCTYPE html/i);
    assert.doesNotMatch(r.text, /<script|<link|<img|\ssrc=/i);
    for (const o of offers.slice(0, 10)) assert.ok(r.text.includes(o.name), o.name);
    r = await coord.get(`/api/v1/cycles/${cycle}/reports/picking?format=xml`);
    assert.equal(r.status, 409);
    const page = await coord.get(`/desk/cycles/${cycle}`);
    assert.match(page.text, new RegExp(`/api/v1/cycles/${cycle}/reports/orderform\\?format=pdf`));
    r = await coord.get(`/api/v1/cycles/${cycle}/reports/orderform?format=pdf`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal((await srv.client().get(`/api/v1/cycles/${cycle}/reports/orderform?format=pdf`)).status, 401);
  });
});
