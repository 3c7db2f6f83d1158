// Delivered quantities on the demo hub: products sold by the piece and priced by the kg,
// two shortages (a product short, split pro rata; a line set), a substitute the customer
// accepts, the weigh-in through the packing-table page, the JSON API and a scale's CSV,
// the invoices from what was delivered (the estimates accepted for the last line, on the
// record), and a late correction as a partial credit note that the official EN 16931
// validators accept; and the issue from the desk page, its box ticked. Every figure
// expected is worked out here, in BigInt, from the weights and prices typed in this file,
// never read back from km0's own computation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, makeConsumers, clientFor, openCycle, tmpDir } from '../lib/harness.mjs';
import { account, sessionClient, send } from '../lib/security.mjs';
import { validateCii, validatorsMissing } from '../lib/invoicing.mjs';

const VOL = 'volailles-plein-champ'; // VAT-registered: chicken and roast, priced by the kg
const OEUFS = 'oeufs-puy'; // under the VAT franchise: trays of eggs
const FTC = 'ferme-trois-chenes'; // salads, carrots by the kg, the substitute

// ---- money, worked out independently (BigInt, half away from zero) ----------------
const half = (num, den) => (num >= 0n ? (2n * num + den) / (2n * den) : -((2n * -num + den) / (2n * den)));
const lineNet = (qMilli, priceE4) => Number(half(BigInt(qMilli) * BigInt(priceE4), 100000n));
const vatOf = (base, rateBp) => Number(half(BigInt(base) * BigInt(rateBp), 10000n));
const milli = (s) => Math.round(Number(String(s).replace(',', '.')) * 1000);
const e4 = (s) => Math.round(Number(String(s).replace(',', '.')) * 10000);

/** What an order's lines come to, VAT per seller and rate on the sum, as EN 16931 wants. */
function orderTotal(lines) {
  const groups = new Map();
  for (const l of lines) {
    const k = `${l.seller}|${l.rate}`;
    groups.set(k, (groups.get(k) || 0) + l.net);
  }
  let incl = 0;
  for (const [k, base] of groups) incl += base + vatOf(base, Number(k.split('|')[1]));
  return incl;
}

/** Pro rata in whole steps by the largest remainder, ties to the order placed last:
 *  the rule of docs/delivered.md, computed with fractions over the ordered list. */
function proRata(quantities, missing) {
  const total = quantities.reduce((a, b) => a + b, 0);
  const base = quantities.map((q) => Math.floor((missing * q) / total));
  let left = missing - base.reduce((a, b) => a + b, 0);
  const order = quantities.map((q, i) => ({ i, rem: (missing * q) % total })).sort((a, b) => b.rem - a.rem || b.i - a.i);
  for (const o of order) if (left-- > 0) base[o.i]++;
  return base;
}

describe('delivered quantities: weighed goods, shortages, invoices for what was delivered', { timeout: 600000 }, () => {
  let db, srv, work, cycle, coord, vol, ftc, oeufs, buyers;
  const orders = []; // per buyer: {consumer, client, order}
  const weights = new Map(); // line id -> grams recorded

  // what each buyer orders (in this order, one after the other: the order they were placed)
  const WANT = [
    [[VOL, 'POULET', '2'], [OEUFS, 'OEUFS', '5'], [FTC, 'SALADE', '2'], [FTC, 'CAR', '1.5']],
    [[VOL, 'POULET', '1'], [OEUFS, 'OEUFS', '8'], [FTC, 'SALADE', '1']],
    [[VOL, 'ROTI', '2'], [OEUFS, 'OEUFS', '3'], [FTC, 'CAR', '0.75']],
    [[VOL, 'POULET', '1'], [VOL, 'ROTI', '1'], [OEUFS, 'OEUFS', '6'], [FTC, 'SALADE', '3']],
    [[OEUFS, 'OEUFS', '4'], [FTC, 'SALADE', '1']],
    [[VOL, 'POULET', '3'], [OEUFS, 'OEUFS', '4']],
  ];
  const lineOf = (b, sku) => orders[b].order.lines.find((l) => l.sku === sku);
  const deliveries = async () => {
    const r = await coord.get(`/api/v1/cycles/${cycle}/deliveries`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const changesCount = () => Number(db.one('SELECT count(*) FROM delivery_changes'));

  before(async () => {
    db = freshDb('delivered');
    work = tmpDir('km0-delivered');
    // catalogs as producers send them: French headers through the command line, English
    // ones through the API, a plain product beside each weighed one
    const fr = path.join(work, 'volailles.csv');
    writeFileSync(fr, 'Référence;Nom;Unité;Prix au kg;Poids estimé;TVA;Stock\n' +
      'POULET;Poulet fermier;pièce;12,00;2;5,5;100\n');
    let r = km0(['import', 'catalog', '--producer', VOL, fr], { db });
    assert.equal(r.status, 0, r.stderr);
    srv = await startServer(db);
    coord = sessionClient(srv, account(db, { email: `coord-${process.pid}@example.org`, role: 'coordinator' }));
    vol = sessionClient(srv, account(db, { email: `vol-${process.pid}@example.org`, role: 'producer', producer: VOL }));
    ftc = sessionClient(srv, account(db, { email: `ftc-${process.pid}@example.org`, role: 'producer', producer: FTC }));
    oeufs = sessionClient(srv, account(db, { email: `oeufs-${process.pid}@example.org`, role: 'producer', producer: OEUFS }));
    r = await vol.req('PUT', `/api/v1/producers/${VOL}/catalog`, {
      body: 'sku,name,unit,price_per_kg,estimated_weight_kg,vat_rate,stock\nPOULET,Poulet fermier,piece,12.00,2,5.5,100\n' +
        'ROTI,Rôti de porc,piece,18.5,0.8,5.5,50\n',
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 200, r.text);
    r = await oeufs.req('PUT', `/api/v1/producers/${OEUFS}/catalog`, {
      body: 'sku,name,unit,price,stock\nOEUFS,Plateau de 30 œufs,plateau,9.00,40\n', headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 200, r.text);
    r = await ftc.req('PUT', `/api/v1/producers/${FTC}/catalog`, {
      body: 'sku,name,unit,price,vat_rate,stock,step\nSALADE,Salade batavia,piece,1.20,5.5,100,1\n' +
        'FEUILLE,Salade feuille de chêne,piece,1.30,5.5,100,1\nCAR,Carottes,kg,2.37,5.5,100,0.25\n',
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 200, r.text);
    // the hub splits shortages pro rata: the cycle takes that when it opens
    r = await coord.patch('/api/v1/hub/settings', { shortage_rule: 'pro_rata' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.settings.shortage_rule, 'pro_rata', 'the PATCH changed the rule');
    cycle = openCycle(db);
    // a change of the hub's rule afterwards does not reach the open cycle
    r = await coord.patch('/api/v1/hub/settings', { shortage_rule: 'last_orders_first' });
    assert.equal(r.status, 200, r.text);
    buyers = makeConsumers(db, WANT.length, 'dl');
    for (let b = 0; b < WANT.length; b++) {
      const client = clientFor(srv, buyers[b]);
      const put = await client.put(`/api/v1/cycles/${cycle}/order`, {
        pickup_point: 'crest-halle',
        lines: WANT[b].map(([producer, sku, quantity]) => ({ producer, sku, quantity })),
      });
      assert.equal(put.status, 200, put.text);
      orders.push({ consumer: buyers[b], client, order: put.json.order });
    }
  });
  after(async () => {
    await srv?.stop();
    db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('imports a price per kg and an estimate from CSV (French and English headers), OFN and DFC', async () => {
    assert.deepEqual(db.sql(`SELECT p.sku, p.unit, p.measure, p.measure_price_excl_vat_e4, p.measure_estimate_milli,
        p.price_excl_vat_e4, p.weight_g FROM products p JOIN producers r ON r.id = p.producer_id
       WHERE r.slug = '${VOL}' ORDER BY p.sku`),
    [['POULET', 'piece', 'kg', '120000', '2000', '240000', '2000'],
      ['ROTI', 'piece', 'kg', '185000', '800', '148000', '800']]);
    // an Open Food Network template with km0's two columns: OFN's units say the estimate
    const ofn = 'producer,sku,name,display_name,category,description,units,unit_type,variant_unit_name,price,on_hand,on_demand,shipping_category,tax_category,price_per_kg\n' +
      `Volailles,PINTADE,Pintade,,,,1.5,kg,,,10,,,TVA 5.5,15.00\n`;
    let r = await vol.req('PUT', `/api/v1/producers/${VOL}/catalog?dry_run=1&format=ofn`, { body: ofn, headers: { 'content-type': 'text/csv' } });
    assert.equal(r.status, 200, r.text);
    // DFC: km0's own export reads back to the same product, price per kg and estimate
    const dfc = await vol.get(`/api/v1/producers/${VOL}/catalog?format=dfc`);
    assert.equal(dfc.status, 200);
    assert.match(dfc.text, /"km0:pricePerKg": "12\.00"/);
    assert.match(dfc.text, /"km0:estimate": "2"/);
    r = await vol.req('PUT', `/api/v1/producers/${VOL}/catalog?dry_run=1&format=dfc`, { body: dfc.text, headers: { 'content-type': 'application/ld+json' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.import.unchanged, 2, r.text);
    // a price per kg with a unit price too, or on a product sold by the kg: refused
    r = await vol.req('PUT', `/api/v1/producers/${VOL}/catalog?dry_run=1`, {
      body: 'sku,name,unit,price,price_per_kg,estimated_weight_kg,vat_rate\nX,X,piece,3,12,2,5.5\nY,Y,kg,,12,,5.5\nZ,Z,piece,,12,,5.5\n',
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 422, r.text);
    const codes = r.json.error.details.map((d) => d.code).sort();
    assert.deepEqual(codes, ['missing_estimate', 'two_prices', 'weighed_unit']);
  });

  it('shows the estimate in the shop and marks the order total as one (page and API)', async () => {
    const shop = await orders[0].client.get('/?lang=fr');
    assert.equal(shop.status, 200);
    // ≈ 2 kg, 12,66 €/kg (12.00 + 5.5 %), ≈ 25,32 € a piece
    assert.match(shop.text, /≈ 2 kg, 12,66\s€\/kg, ≈ 25,32\s€ \/ pièce/);
    assert.match(shop.text, /<b>≈ [\d\s,]+€ \(estimation\)/);
    const o = orders[0].order;
    assert.equal(o.estimate, true);
    const poulet = lineOf(0, 'POULET');
    assert.deepEqual(poulet.weighed, { measure: 'kg', price_excl_vat_cents: 1200, price_incl_vat_cents: 1266, estimate: '2' });
    assert.equal(poulet.line_excl_vat_cents, lineNet(2000, 240000));
    assert.equal(lineOf(0, 'SALADE').weighed, null);
    const page = await orders[0].client.get(`/orders/${cycle}?lang=en`);
    assert.match(page.text, /Estimated total incl\. VAT/);
  });

  it('refuses a weigh-in or a shortage while the cycle takes orders', async () => {
    let r = await vol.post(`/api/v1/cycles/${cycle}/weights`, { weights: [{ line: lineOf(0, 'POULET').line_id, weight: '4.2' }] });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'cycle_not_closed');
    r = km0(['shortage', '--cycle', String(cycle), '--producer', OEUFS, '--sku', 'OEUFS', '--missing', '2'], { db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /still takes orders/);
    for (const args of [['close', String(cycle)]]) assert.equal(km0(['cycle', ...args], { db }).status, 0);
    assert.equal(km0(['batch', '--cycle', String(cycle)], { db }).status, 0);
  });

  it('splits a product short by the cycle’s rule (pro rata, frozen when it opened), from the command line', () => {
    const before = WANT.map((w) => w.find((l) => l[1] === 'OEUFS')).map((l) => (l ? Number(l[2]) : 0));
    const expected = proRata(before.filter((q) => q > 0), 2);
    const r = km0(['shortage', '--cycle', String(cycle), '--producer', OEUFS, '--sku', 'OEUFS', '--missing', '2',
      '--reason', 'Deux plateaux cassés au transport'], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /split by the rule "pro_rata" over 2 lines/);
    let k = 0;
    for (let b = 0; b < WANT.length; b++) {
      if (!before[b]) continue;
      const got = db.one(`SELECT coalesce(delivered_milli, quantity_milli) FROM order_lines WHERE id = ${lineOf(b, 'OEUFS').line_id}`);
      assert.equal(Number(got), (before[b] - expected[k++]) * 1000, `buyer ${b}`);
    }
    // a shortage larger than what the orders hold names the rule's numbers
    const big = km0(['shortage', '--cycle', String(cycle), '--producer', OEUFS, '--sku', 'OEUFS', '--missing', '100'], { db, env: { LANG: 'fr_FR.UTF-8' } });
    assert.equal(big.status, 1);
    assert.match(big.stderr, /Il manque 100 plateaux de Plateau de 30 œufs, mais les commandes n’en attendent que 28 plateaux/);
    assert.equal(km0(['shortage', '--cycle', String(cycle), '--producer', OEUFS, '--missing', '1'], { db }).status, 2);
    assert.equal(km0(['shortage', '--cycle', String(cycle), '--line', '1', '--delivered', '1', '--missing', '1'], { db }).status, 2);
  });

  it('sets a line through the API, as its producer only, and records why', async () => {
    const salade = lineOf(3, 'SALADE');
    let r = await vol.post(`/api/v1/cycles/${cycle}/shortages`, { line: salade.line_id, delivered: '2' });
    assert.equal(r.status, 403, r.text);
    r = await ftc.post(`/api/v1/cycles/${cycle}/shortages`, { line: salade.line_id, delivered: '5' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, 'more_than_ordered');
    r = await ftc.post(`/api/v1/cycles/${cycle}/shortages`, { line: salade.line_id, delivered: '2', reason: 'Grêle sur la parcelle' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.changes.map((c) => [c.line_id, c.before, c.after]), [[salade.line_id, '3', '2']]);
    assert.equal(r.json.changes[0].line_excl_vat_cents_after, lineNet(2000, 12000));
    // a line set to zero, by the coordinator (any line): nothing delivered, nothing invoiced
    const none = lineOf(4, 'SALADE');
    r = await coord.post(`/api/v1/cycles/${cycle}/shortages`, { line: none.line_id, delivered: '0', reason: 'Salade oubliée au champ' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.changes.map((c) => [c.line_id, c.before, c.after]), [[none.line_id, '1', '0']]);
    assert.equal(r.json.changes[0].line_excl_vat_cents_after, 0);
  });

  it('offers a substitute the customer accepts on their order page', async () => {
    const salade = lineOf(3, 'SALADE');
    let r = await ftc.post(`/api/v1/cycles/${cycle}/substitutions`, { line: salade.line_id, producer: FTC, sku: 'FEUILLE', quantity: '1', reason: 'En remplacement de la batavia grêlée' });
    assert.equal(r.status, 201, r.text);
    const sid = r.json.substitution.id;
    r = await ftc.post(`/api/v1/cycles/${cycle}/substitutions`, { line: salade.line_id, producer: FTC, sku: 'FEUILLE', quantity: '1' });
    assert.equal(r.status, 409);
    const buyer = orders[3].client;
    const page = await buyer.get(`/orders/${cycle}?lang=fr`);
    assert.match(page.text, /Remplacements proposés/);
    assert.match(page.text, /Salade feuille de chêne/);
    // another customer cannot answer it
    r = await orders[0].client.post(`/api/v1/cycles/${cycle}/order/substitutions/${sid}`, { accept: true });
    assert.equal(r.status, 404);
    r = await send(buyer, { method: 'POST', url: `/orders/${cycle}/substitutions/${sid}`, form: { answer: 'accept' } });
    assert.equal(r.status, 303, r.text);
    r = await buyer.post(`/api/v1/cycles/${cycle}/order/substitutions/${sid}`, { accept: false });
    assert.equal(r.status, 409, 'answered once');
    r = await buyer.get(`/api/v1/cycles/${cycle}/order`);
    const sub = r.json.order.lines.find((l) => l.sku === 'FEUILLE');
    assert.equal(sub.substitute, true);
    assert.equal(sub.quantity, '0');
    assert.equal(sub.delivered.quantity, '1');
    assert.equal(sub.delivered.line_excl_vat_cents, lineNet(1000, 13000));
    assert.equal(r.json.order.substitutions[0].state, 'accepted');
  });

  it('records a weight from the packing-table page: one form per line, back to it', async () => {
    const line = lineOf(0, 'POULET');
    let page = await vol.get(`/weigh/${cycle}?lang=fr`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`id="line-${line.line_id}"`));
    assert.match(page.text, /inputmode="decimal"/);
    assert.doesNotMatch(page.text, /Salade batavia — /); // only weighed lines, only theirs
    // absurd: 13 kg for two chickens of about 2 kg — refused on the page, nothing written
    const count = changesCount();
    let r = await send(vol, { method: 'POST', url: `/weigh/${cycle}/line`, form: { line: String(line.line_id), weight: '13' } });
    assert.equal(r.status, 422);
    assert.match(r.text, /plus de trois fois l’estimation/);
    assert.match(r.text, /aria-invalid="true"/);
    assert.equal(changesCount(), count);
    r = await send(vol, { method: 'POST', url: `/weigh/${cycle}/line`, form: { line: String(line.line_id), weight: '4,31' } });
    assert.equal(r.status, 303, r.text);
    assert.match(r.headers.get('location'), new RegExp(`saved=${line.line_id}#line-${line.line_id}$`));
    weights.set(line.line_id, 4310);
    page = await vol.get(r.headers.get('location').replace(/#.*/, ''));
    assert.match(page.text, /Pesé : 4,31\skg/);
    // another producer's line is not theirs to weigh
    r = await send(ftc, { method: 'POST', url: `/weigh/${cycle}/line`, form: { line: String(lineOf(1, 'POULET').line_id), weight: '2' } });
    assert.equal(r.status, 403);
  });

  it('records weights through the JSON API, by bag and SKU or by line, all or nothing', async () => {
    const d = await deliveries();
    const bagOf = (b) => d.lines.find((l) => l.order === orders[b].order.id).bag;
    const count = changesCount();
    // one bad row (a weight on a product that is not weighed) refuses the whole body
    let r = await vol.post(`/api/v1/cycles/${cycle}/weights?lang=en`, {
      weights: [
        { bag: bagOf(1), sku: 'POULET', weight: '2.140' },
        { line: lineOf(3, 'POULET').line_id, weight: '-1' },
      ],
    });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'weights[1].weight');
    r = await coord.post(`/api/v1/cycles/${cycle}/weights?lang=en`, {
      weights: [{ bag: bagOf(1), sku: 'POULET', weight: '2.140' }, { line: lineOf(0, 'SALADE').line_id, weight: '0.4' }],
    });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.details[0].code, 'not_weighed');
    assert.equal(r.json.error.details[0].field, 'weights[1].line');
    // less than a third of the estimate: 0.6 kg for one chicken of about 2 kg
    r = await vol.post(`/api/v1/cycles/${cycle}/weights?lang=en`, { weights: [{ line: lineOf(3, 'POULET').line_id, weight: '0.6' }] });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'implausible_weight');
    assert.equal(r.json.error.field, 'weights[0].weight');
    assert.match(r.json.error.message, /0\.6 kg for 1 piece, 2 kg expected: less than a third of the estimate/);
    assert.equal(changesCount(), count, 'nothing written');
    r = await vol.post(`/api/v1/cycles/${cycle}/weights`, { weights: [{ bag: bagOf(1), sku: 'POULET', weight: '2.140' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.changed, 1);
    weights.set(lineOf(1, 'POULET').line_id, 2140);
    const row = r.json.lines.find((l) => l.line_id === lineOf(1, 'POULET').line_id);
    assert.equal(row.line_excl_vat_cents, lineNet(2140, 120000));
  });

  it('records a scale’s CSV sent as the body of the API, every problem at its line, all or nothing', async () => {
    const d = await deliveries();
    const bagOf = (b) => d.lines.find((l) => l.order === orders[b].order.id).bag;
    const count = changesCount();
    const csv = { 'content-type': 'text/csv' };
    let r = await vol.req('POST', `/api/v1/cycles/${cycle}/weights?lang=fr`, {
      body: `sac;référence;poids\n${bagOf(3)};POULET;1,87\n${bagOf(5)};POULET;0,5\n`, headers: csv,
    });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'implausible_weight');
    assert.match(r.json.error.field, /^body:3/);
    assert.match(r.json.error.message, /moins du tiers de l’estimation/);
    assert.equal(changesCount(), count, 'nothing written');
    r = await vol.req('POST', `/api/v1/cycles/${cycle}/weights`, { body: `${bagOf(3)},POULET,1870 g\n`, headers: csv });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.changed, 1);
    weights.set(lineOf(3, 'POULET').line_id, 1870);
    assert.equal(db.one(`SELECT weighed_milli FROM order_lines WHERE id = ${lineOf(3, 'POULET').line_id}`), '1870');
  });

  it('records a scale’s CSV from the command line, every problem at its line and column', () => {
    const bags = new Map(db.sql(`WITH b AS (SELECT os.order_id, row_number() OVER (ORDER BY r.seq, s.seq,
        c.name COLLATE "fr-x-icu", o.id) AS bag FROM order_stops os JOIN rounds r ON r.id = os.round_id
        JOIN round_stops s ON s.id = os.stop_id JOIN orders o ON o.id = os.order_id
        JOIN customers c ON c.id = o.customer_id WHERE os.cycle_id = ${cycle}) SELECT order_id, bag FROM b`)
      .map(([o, b]) => [Number(o), Number(b)]));
    const bag = (b) => bags.get(orders[b].order.id);
    const bad = path.join(work, 'scale-bad.csv');
    writeFileSync(bad, `sac;référence;poids\n${bag(2)};ROTI;-1\n${bag(0)};SALADE;0,4\n${bag(3)};ROTI;2,9\n999;ROTI;1\n`);
    const count = changesCount();
    let r = km0(['weigh', '--cycle', String(cycle), bad], { db, env: { LANG: 'fr_FR.UTF-8' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`${bad.replace(/[.]/g, '\\.')}:2:poids: le poids « -1 » doit être positif`));
    writeFileSync(bad, `sac;référence;poids\n${bag(0)};SALADE;0,4\n${bag(3)};ROTI;2,9\n999;ROTI;1\n`);
    r = km0(['weigh', '--cycle', String(cycle), bad], { db, env: { LANG: 'en_GB.UTF-8' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /:2:référence: "Salade batavia" is not weighed/);
    assert.match(r.stderr, /:3:poids: Bag \d+, Rôti de porc: 2\.9 kg for 1 piece, 0\.8 kg expected: more than three times the estimate/);
    assert.match(r.stderr, /:4:sac: No bag 999 in this cycle/);
    assert.equal(changesCount(), count, 'nothing written');
    assert.equal(km0(['weigh', bad], { db }).status, 2);
    // the scale weighs the two roasts of bag 3 one by one: rows of one bag and SKU add up
    const good = path.join(work, 'scale.csv');
    writeFileSync(good, `${bag(2)},ROTI,0.81\n${bag(2)},ROTI,0.83\n${bag(3)},ROTI,790 g\n`);
    r = km0(['weigh', '--cycle', String(cycle), good], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 lines weighed, 2 changed/);
    weights.set(lineOf(2, 'ROTI').line_id, 1640);
    weights.set(lineOf(3, 'ROTI').line_id, 790);
  });

  it('refuses to issue while a weighed line has no weight, then issues with the estimates accepted, on the record', async () => {
    const missing = lineOf(5, 'POULET');
    let r = await coord.post(`/api/v1/cycles/${cycle}/invoices?lang=en`);
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'weights_missing');
    assert.match(r.json.error.message, /1 weighed line has no weight/);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycle}`), 'batched');
    const confirm = await coord.get(`/desk/cycles/${cycle}/invoices/issue?lang=fr`);
    assert.match(confirm.text, /name="accept_estimates"/);
    // what each customer is shown before the invoices: the final amount to come, and
    // what they are asked to pay is that amount, as delivered (schema/020), not as ordered
    for (const o of orders) {
      const g = await o.client.get(`/api/v1/cycles/${cycle}/order`);
      o.shownBefore = g.json.order.final_incl_vat_cents;
      assert.equal(g.json.order.payment.amount_cents, o.shownBefore, `order ${g.json.order.id}: amount to pay`);
      assert.equal(g.json.order.payment.due_cents, o.shownBefore - g.json.order.payment.paid_cents);
    }
    // at least one of them differs from what was ordered, or the check above proves nothing
    assert.ok(orders.some((o) => o.shownBefore !== o.order.total_incl_vat_cents));
    r = await coord.post(`/api/v1/cycles/${cycle}/invoices`, { accept_estimates: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.estimates_accepted, 1);
    weights.set(missing.line_id, 6000); // three chickens of about 2 kg
    const coordId = db.one("SELECT id FROM users WHERE role = 'coordinator' ORDER BY id DESC LIMIT 1");
    assert.equal(db.one(`SELECT estimates_accepted_by FROM cycles WHERE id = ${cycle}`), coordId);
    assert.deepEqual(db.sql(`SELECT kind, new_weighed_milli, user_id, via FROM delivery_changes WHERE line_id = ${missing.line_id}`),
      [['estimate', '6000', coordId, 'api']]);
  });

  it('invoices exactly what was delivered: each invoice is the sum of its delivered lines, to the cent', () => {
    const rows = db.sql(`SELECT i.number, i.order_id, i.seller_key, i.total_excl_vat_cents, i.total_incl_vat_cents,
        l.sku, l.unit, l.quantity_milli, l.unit_price_excl_vat_e4, l.line_excl_vat_cents, l.order_line_id
       FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id WHERE i.cycle_id = ${cycle} AND i.type_code = 380
       ORDER BY i.number, l.line_no`);
    const byInvoice = new Map();
    for (const [number, order, seller, excl, incl, sku, unit, q, price, net, lineId] of rows) {
      const inv = byInvoice.get(number) || { order: Number(order), seller, excl: Number(excl), incl: Number(incl), lines: [] };
      inv.lines.push({ sku, unit, q: Number(q), price: Number(price), net: Number(net), lineId: Number(lineId) });
      byInvoice.set(number, inv);
    }
    // the delivered lines, worked out here from what this file typed
    const expected = new Map(); // line id -> {q, unit, price, net}
    const PRICES = { POULET: 120000, ROTI: 185000, OEUFS: 90000, SALADE: 12000, CAR: 23700, FEUILLE: 13000 };
    for (let b = 0; b < WANT.length; b++) {
      for (const l of orders[b].order.lines) {
        let q = milli(l.quantity);
        if (l.sku === 'OEUFS') q = Number(db.one(`SELECT coalesce(delivered_milli, quantity_milli) FROM order_lines WHERE id = ${l.line_id}`));
        if (l.line_id === lineOf(3, 'SALADE').line_id) q = 2000;
        if (l.line_id === lineOf(4, 'SALADE').line_id) continue; // set to zero: not invoiced
        const w = weights.get(l.line_id);
        expected.set(l.line_id, w !== undefined
          ? { q: w, unit: 'kg', price: PRICES[l.sku], net: lineNet(w, PRICES[l.sku]) }
          : { q, unit: l.unit, price: PRICES[l.sku], net: lineNet(q, PRICES[l.sku]) });
      }
    }
    const subId = Number(db.one("SELECT l.id FROM order_lines l JOIN offers f ON f.id = l.offer_id WHERE f.sku = 'FEUILLE'"));
    expected.set(subId, { q: 1000, unit: 'piece', price: 13000, net: lineNet(1000, 13000) });
    let seen = 0;
    for (const [number, inv] of byInvoice) {
      let sum = 0;
      for (const l of inv.lines) {
        const want = expected.get(l.lineId);
        assert.ok(want, `${number}: line ${l.lineId} invoices no order line`);
        assert.deepEqual({ q: l.q, unit: l.unit, price: l.price, net: l.net }, want, `${number} ${l.sku}`);
        sum += l.net;
        seen++;
      }
      assert.equal(inv.excl, sum, `${number}: total excl. VAT`);
    }
    assert.equal(seen, expected.size, 'every delivered line is invoiced once');
  });

  it('gives each customer, page and API, a final amount equal to their invoices', async () => {
    for (let b = 0; b < WANT.length; b++) {
      const o = orders[b];
      const sum = Number(db.one(`SELECT sum(total_incl_vat_cents) FROM invoices WHERE order_id = ${o.order.id} AND type_code = 380`));
      const g = await o.client.get(`/api/v1/cycles/${cycle}/order`);
      assert.equal(g.json.order.final_incl_vat_cents, sum, `buyer ${b}`);
      assert.equal(g.json.order.delivered.total_incl_vat_cents, sum, `buyer ${b}: delivered total`);
      assert.equal(o.shownBefore, sum, `buyer ${b}: shown before the invoices`);
      // and worked out here, VAT on the sum per seller and rate
      const lines = g.json.order.lines.map((l) => ({
        seller: l.producer, rate: Math.round(Number(l.vat_rate) * 100), net: l.delivered.line_excl_vat_cents,
      }));
      assert.equal(orderTotal(lines), sum, `buyer ${b}: computed`);
    }
    const page = await orders[1].client.get(`/orders/${cycle}?lang=fr`);
    assert.match(page.text, /Commandé et livré/);
    assert.match(page.text, /Deux plateaux cassés au transport/);
    assert.match(page.text, /8 plateaux[^<]*→ 7|Commandé : 8 plateaux/);
    assert.match(page.text, /Montant final \(factures moins avoirs\)/);
    const list = await orders[1].client.get('/orders?lang=fr');
    assert.match(list.text, /livraison modifiée \(\d+\)/);
    // the line set to zero: delivered as nothing, with its reason, page and API
    const zero = await orders[4].client.get(`/api/v1/cycles/${cycle}/order`);
    const zl = zero.json.order.lines.find((l) => l.sku === 'SALADE');
    assert.equal(zl.delivered.quantity, '0');
    assert.equal(zl.delivered.line_excl_vat_cents, 0);
    assert.equal(zl.changes.at(-1).reason, 'Salade oubliée au champ');
    assert.match((await orders[4].client.get(`/orders/${cycle}?lang=fr`)).text, /Salade oubliée au champ/);
  });

  it('corrects a late weighing with a partial credit note for that line only, valid under EN 16931', async (t) => {
    const line = lineOf(0, 'POULET');
    const inv = db.sql(`SELECT i.number, l.line_no FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
      WHERE l.order_line_id = ${line.line_id} AND i.type_code = 380`)[0];
    let r = await coord.post(`/api/v1/invoices/${inv[0]}/credit-note`, { lines: [{ line_no: Number(inv[1]), quantity: '5' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, 'more_than_invoiced');
    r = await coord.post(`/api/v1/invoices/${inv[0]}/credit-note`, {
      reason: 'Pesée reprise : 4,07 kg', lines: [{ line_no: Number(inv[1]), quantity: '0.24' }],
    });
    assert.equal(r.status, 201, r.text);
    const cn = r.json.credit_note;
    assert.equal(cn.type_code, 381);
    assert.equal(cn.corrects, inv[0]);
    assert.equal(cn.lines.length, 1);
    assert.equal(cn.lines[0].quantity, '0.24');
    assert.equal(cn.lines[0].credits_line_no, Number(inv[1]));
    const net = lineNet(240, 120000);
    assert.equal(cn.total_excl_vat_cents, net);
    assert.equal(cn.total_incl_vat_cents, net + vatOf(net, 550));
    // the customer sees the correction and its reason, and the final amount follows
    const g = await orders[0].client.get(`/api/v1/cycles/${cycle}/order`);
    const pl = g.json.order.lines.find((l) => l.line_id === line.line_id);
    assert.equal(pl.delivered.weight, '4.07');
    assert.match(pl.changes.at(-1).reason, new RegExp(`Avoir ${cn.number} : Pesée reprise`));
    const sum = Number(db.one(`SELECT sum(CASE WHEN type_code = 381 THEN -total_incl_vat_cents ELSE total_incl_vat_cents END)
      FROM invoices WHERE order_id = ${orders[0].order.id}`));
    assert.equal(g.json.order.final_incl_vat_cents, sum);
    // a full credit note of another invoice gives back the rest; a second has nothing left
    const other = db.one(`SELECT number FROM invoices WHERE cycle_id = ${cycle} AND type_code = 380 AND order_id = ${orders[4].order.id} LIMIT 1`);
    r = await coord.post(`/api/v1/invoices/${other}/credit-note`, { reason: 'Client absent' });
    assert.equal(r.status, 201, r.text);
    r = await coord.post(`/api/v1/invoices/${other}/credit-note`, {});
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'already_credited');
    // the database refuses, whatever the code, a credit note giving back more than invoiced
    assert.throws(() => db.sql(`WITH o AS (SELECT * FROM invoices WHERE number = '${inv[0]}'),
      i AS (INSERT INTO invoices (hub_id, number, seller_key, year, seq, type_code, cycle_id, order_id,
        corrects_invoice_id, issue_date, delivery_date, due_date, seller, buyer, intermediary, payment_terms,
        total_excl_vat_cents, total_vat_cents, total_incl_vat_cents)
        SELECT hub_id, number || '-X', seller_key, year, 99999, 381, cycle_id, order_id, id, issue_date,
        delivery_date, due_date, seller, buyer, intermediary, payment_terms, 0, 0, 0 FROM o RETURNING id)
      INSERT INTO invoice_lines (hub_id, invoice_id, line_no, sku, description, unit, quantity_milli,
        unit_price_excl_vat_e4, vat_category, vat_rate_bp, line_excl_vat_cents, credits_line_no)
      SELECT l.hub_id, i.id, 1, l.sku, l.description, l.unit, l.quantity_milli, l.unit_price_excl_vat_e4,
        l.vat_category, l.vat_rate_bp, l.line_excl_vat_cents, l.line_no
        FROM o JOIN invoice_lines l ON l.invoice_id = o.id AND l.line_no = ${inv[1]}, i`), /invoice_credits_within|give back/);
    // every invoice and both credit notes through the official validators
    const why = validatorsMissing();
    if (why) return t.skip(why);
    const dir = path.join(work, 'cii');
    mkdirSync(dir, { recursive: true });
    for (const [number] of db.sql(`SELECT number FROM invoices WHERE cycle_id = ${cycle}`)) {
      const e = km0(['invoice', 'export', number, '--format', 'cii', '-o', path.join(dir, `${number}.xml`)], { db });
      assert.equal(e.status, 0, e.stderr);
    }
    assert.match(readFileSync(path.join(dir, `${cn.number}.xml`), 'utf8'), /<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>/);
    const { files, failed } = validateCii(dir, work);
    assert.ok(files >= 8, `${files} documents`);
    assert.deepEqual(failed, []);
  });

  it('refuses a weigh-in once invoiced, pointing to credit notes', () => {
    const f = path.join(work, 'late.csv');
    writeFileSync(f, '1,POULET,2\n');
    const r = km0(['weigh', '--cycle', String(cycle), f], { db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invoices are issued: a correction is now a credit note/);
  });

  it('keeps a trail of every change: who, when, old, new, why; nothing changes without one', () => {
    // every line that differs from its order has its trail
    assert.deepEqual(db.sql(`SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.cycle_id = ${cycle} AND (l.delivered_milli IS NOT NULL OR l.weighed_milli IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM delivery_changes d WHERE d.line_id = l.id)`), []);
    const kinds = db.sql(`SELECT kind, via, count(*) FROM delivery_changes WHERE cycle_id = ${cycle} GROUP BY 1, 2 ORDER BY 1, 2`)
      .map(([k, v]) => `${k}/${v}`);
    assert.deepEqual(kinds, ['credit/api', 'estimate/api', 'line/api', 'shortage/cli', 'substitution/page', 'weight/api', 'weight/cli', 'weight/page']);
    assert.throws(() => db.sql(`UPDATE order_lines SET delivered_milli = 0 WHERE id = ${lineOf(2, 'CAR').line_id}`),
      /changes only with who changes it and why/);
    assert.throws(() => db.sql('UPDATE delivery_changes SET reason = \'rewritten\''), /audit record cannot be changed/);
    assert.throws(() => db.sql('DELETE FROM delivery_changes'), /audit record cannot be changed/);
  });

  it('shows what changed on the picking, collection and delivery documents, valid against their XSDs', () => {
    const file = path.join(work, 'picking.xml');
    let r = km0(['report', 'picking', '--cycle', String(cycle), '--format', 'xml', '--validate', '-o', file], { db });
    assert.equal(r.status, 0, r.stderr);
    const xml = readFileSync(file, 'utf8');
    assert.match(xml, /sku="OEUFS"[^>]*quantity="8"[^>]*delivered="7"[^>]*reason="Deux plateaux cassés au transport"/);
    assert.match(xml, /sku="POULET"[^>]*measure="kg" estimate="4" actual="4\.07"/);
    assert.match(xml, /sku="FEUILLE"[^>]*quantity="0"[^>]*delivered="1" substitute="true"/);
    r = km0(['report', 'collection', '--cycle', String(cycle), '--format', 'xml', '--validate', '-o', file], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(file, 'utf8'), /sku="OEUFS"[^>]*quantity="30"[^>]*delivered="28" reason="Deux plateaux cassés au transport"/);
    r = km0(['report', 'delivery', '--cycle', String(cycle), '--format', 'xml', '--validate', '-o', file], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(file, 'utf8'), /changes="\d+"/);
    for (const kind of ['picking', 'collection', 'delivery']) {
      r = km0(['report', kind, '--cycle', String(cycle), '--format', 'html', '-o', path.join(work, `${kind}.html`)], { db });
      assert.equal(r.status, 0, r.stderr);
    }
    assert.match(readFileSync(path.join(work, 'picking.html'), 'utf8'), /Réel/);
  });
});

describe('the rule "last orders placed first"', { timeout: 300000 }, () => {
  let db, srv;
  before(async () => {
    db = freshDb('lastfirst');
    srv = await startServer(db);
    const coord = sessionClient(srv, account(db, { email: `c2-${process.pid}@example.org`, role: 'coordinator' }));
    const producer = sessionClient(srv, account(db, { email: `o2-${process.pid}@example.org`, role: 'producer', producer: OEUFS }));
    let r = await producer.req('PUT', `/api/v1/producers/${OEUFS}/catalog`, {
      body: 'sku,name,unit,price,stock\nOEUFS,Plateau de 30 œufs,plateau,9.00,40\n', headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 200, r.text);
    r = await coord.get('/api/v1/hub/settings');
    assert.equal(r.json.settings.shortage_rule, 'last_orders_first');
    const cycle = openCycle(db);
    const buyers = makeConsumers(db, 4, 'lf');
    for (const [i, q] of [3, 2, 4, 1].entries()) {
      r = await clientFor(srv, buyers[i]).put(`/api/v1/cycles/${cycle}/order`, {
        pickup_point: 'crest-halle', lines: [{ producer: OEUFS, sku: 'OEUFS', quantity: String(q) }],
      });
      assert.equal(r.status, 200, r.text);
    }
    assert.equal(km0(['cycle', 'close', String(cycle)], { db }).status, 0);
    // closed, not batched: shortages already apply
    r = await producer.post(`/api/v1/cycles/${cycle}/shortages`, { producer: OEUFS, sku: 'OEUFS', missing: '4' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.rule, 'last_orders_first');
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('takes the missing units from the orders placed last, each down to zero before the next', () => {
    const rows = db.sql(`SELECT l.quantity_milli, coalesce(l.delivered_milli, l.quantity_milli) FROM order_lines l
      JOIN orders o ON o.id = l.order_id JOIN offers f ON f.id = l.offer_id WHERE f.sku = 'OEUFS'
      ORDER BY o.created_at, o.id`).map((r) => r.map(Number));
    // ordered 3, 2, 4, 1 (in this order); 4 missing: the last (1) to 0, then 4 → 1
    assert.deepEqual(rows, [[3000, 3000], [2000, 2000], [4000, 1000], [1000, 0]]);
  });
});

describe('issuing from the desk page, the estimates accepted by a ticked box', { timeout: 300000 }, () => {
  let db, srv, coord, cycle, lineId;
  before(async () => {
    db = freshDb('deskestimates');
    srv = await startServer(db);
    coord = sessionClient(srv, account(db, { email: `c3-${process.pid}@example.org`, role: 'coordinator' }));
    const producer = sessionClient(srv, account(db, { email: `v3-${process.pid}@example.org`, role: 'producer', producer: VOL }));
    let r = await producer.req('PUT', `/api/v1/producers/${VOL}/catalog`, {
      body: 'sku,name,unit,price_per_kg,estimated_weight_kg,vat_rate,stock\nPOULET,Poulet fermier,piece,12.00,2,5.5,100\n',
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 200, r.text);
    cycle = openCycle(db);
    const [buyer] = makeConsumers(db, 1, 'de');
    r = await clientFor(srv, buyer).put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'crest-halle', lines: [{ producer: VOL, sku: 'POULET', quantity: '2' }],
    });
    assert.equal(r.status, 200, r.text);
    lineId = r.json.order.lines[0].line_id;
    for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)]]) {
      const k = km0(args, { db });
      assert.equal(k.status, 0, k.stderr);
    }
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('refuses without the box, saying why; issues with it, on the record as done on the page', async () => {
    let r = await send(coord, { method: 'POST', url: `/desk/cycles/${cycle}/invoices?lang=en`, form: {} });
    assert.equal(r.status, 409, r.text);
    assert.match(r.text, /1 weighed line has no weight/);
    assert.equal(Number(db.one(`SELECT count(*) FROM invoices WHERE cycle_id = ${cycle}`)), 0);
    r = await send(coord, { method: 'POST', url: `/desk/cycles/${cycle}/invoices`, form: { accept_estimates: '1' } });
    assert.equal(r.status, 303, r.text);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycle}`), 'invoiced');
    assert.deepEqual(db.sql(`SELECT kind, via, new_weighed_milli FROM delivery_changes WHERE line_id = ${lineId}`),
      [['estimate', 'page', '4000']]);
    assert.equal(db.one(`SELECT line_excl_vat_cents FROM invoice_lines WHERE order_line_id = ${lineId}`), String(lineNet(4000, 120000)));
  });
});
