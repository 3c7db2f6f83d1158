// Ordering: cycles, offers frozen at opening, the order API and its integrity.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, km0, addUser, makeConsumers, clientFor, insertProducts, openCycle } from '../lib/harness.mjs';

const FTC = 'ferme-trois-chenes';
const VOL = 'volailles-plein-champ';

function setupCatalog(db) {
  insertProducts(db, FTC, [
    { sku: 'LEG-CAR-1KG', name: 'Carottes des sables', price: '2.37', vat: '5.5', stock: '120', step: '0.5', category: 'Légumes' },
    { sku: 'LEG-POI-1KG', name: 'Poireaux', price: '2.84', vat: '5.5', stock: '10', step: '0.5', category: 'Légumes' },
    { sku: 'PAN-LEG-FAM', name: 'Panier famille', unit: 'piece', price: '23.70', vat: '5.5', stock: null, step: '1', weight: '6' },
  ]);
  // a price stated incl. VAT: 21.00 at 5.5 % is 19.9052 excl. VAT
  insertProducts(db, VOL, [
    { sku: 'PINT-ENT', name: 'Pintade fermière', unit: 'piece', price: '19.9052', vat: '5.5', stock: '10', step: '1', weight: '1.5' },
    { sku: 'RIL-POU', name: 'Rillettes de poulet', unit: 'piece', price: '6.4455', vat: '5.5', stock: '40', step: '1' },
  ]);
  insertProducts(db, 'brasserie-crest', [
    { sku: 'BLONDE-33', name: 'Blonde de la Tour 33 cl', unit: 'bottle', price: '2.6667', vat: '20', stock: '240', step: '1', weight: '0.55' },
  ]);
}

describe('ordering over the JSON API', () => {
  let db, srv, coord, consumers, cycle;
  before(async () => {
    db = freshDb('ordering');
    setupCatalog(db);
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', 'coordinator pass');
    consumers = makeConsumers(db, 4);
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('lets a coordinator create a cycle, which consumers do not see while it is a draft', async () => {
    const now = db.one(`SELECT to_char(now() + interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SSOF')`);
    const closes = db.one(`SELECT to_char(now() + interval '3 days', 'YYYY-MM-DD"T"HH24:MI:SSOF')`);
    const delivery = db.one(`SELECT to_char(current_date + 5, 'YYYY-MM-DD')`);
    let r = await coord.post('/api/v1/cycles', { opens: now, closes, delivery, name: 'Semaine test' });
    assert.equal(r.status, 201, r.text);
    cycle = r.json.cycle.id;
    assert.equal(r.json.cycle.state, 'draft');
    assert.equal(r.json.cycle.producers_count, 12);
    assert.equal(r.json.cycle.pickup_points_count, 8);
    const c = clientFor(srv, consumers[0]);
    r = await c.get(`/api/v1/cycles/${cycle}`);
    assert.equal(r.status, 404);
    r = await c.get('/api/v1/cycles');
    assert.ok(!r.json.cycles.some((x) => x.id === cycle));
    r = await c.post('/api/v1/cycles', { opens: now, closes, delivery });
    assert.equal(r.status, 403);
    r = await coord.post('/api/v1/cycles', { opens: closes, closes: now, delivery });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'closes');
    r = await coord.post('/api/v1/cycles', { opens: 'mardi', closes, delivery });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'opens');
  });

  it('freezes offers when the cycle opens', async () => {
    const r = await coord.patch(`/api/v1/cycles/${cycle}`, { state: 'open' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.cycle.state, 'open');
    const carrots = r.json.cycle.offers.find((o) => o.sku === 'LEG-CAR-1KG');
    assert.equal(carrots.unit_price_excl_vat_cents, 237);
    assert.equal(carrots.unit_price_incl_vat_cents, 250);
    assert.equal(carrots.vat_rate, '5.5');
    assert.equal(carrots.step, '0.5');
    assert.equal(carrots.left, '120');
    const pintade = r.json.cycle.offers.find((o) => o.sku === 'PINT-ENT');
    assert.equal(pintade.unit_price_incl_vat_cents, 2100);
    assert.equal(pintade.unit_price_excl_vat_cents, 1990.52);
    // a price change in the catalog no longer reaches this cycle
    db.sql("UPDATE products SET price_excl_vat_e4 = 99900 WHERE sku = 'LEG-CAR-1KG'");
    const again = await clientFor(srv, consumers[0]).get(`/api/v1/cycles/${cycle}`);
    assert.equal(again.json.cycle.offers.find((o) => o.sku === 'LEG-CAR-1KG').unit_price_excl_vat_cents, 237);
    db.sql("UPDATE products SET price_excl_vat_e4 = 23700 WHERE sku = 'LEG-CAR-1KG'");
  });

  it('pages the offers of GET /api/v1/cycles/{id}: 200 by default, at most 1000, each once through offers_next', async () => {
    insertProducts(db, 'moulin-mirmande', Array.from({ length: 450 }, (_, i) => ({ sku: `PAGE-${i}`, name: `Farine ${i}`, price: '3', stock: null })));
    const big = openCycle(db, { producers: ['moulin-mirmande'] });
    const total = Number(db.one(`SELECT count(*) FROM offers WHERE cycle_id = ${big}`));
    assert.ok(total >= 450, `${total} offers`);
    const visitor = srv.client();
    const seen = [];
    let url = `/api/v1/cycles/${big}`, pages = 0;
    while (url) {
      const r = await visitor.get(url);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.cycle.offers.length <= 200, `${r.json.cycle.offers.length} offers in a page`);
      assert.equal(r.json.cycle.pickup_points.length > 0, true, 'each page carries the cycle');
      seen.push(...r.json.cycle.offers.map((o) => `${o.producer}/${o.sku}`));
      url = r.json.cycle.offers_next;
      assert.ok(++pages <= 10, 'the pages end');
    }
    assert.equal(pages, Math.ceil(total / 200));
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total, 'no offer twice');
    const wide = await visitor.get(`/api/v1/cycles/${big}?limit=1000`);
    assert.equal(wide.json.cycle.offers.length, total);
    assert.equal(wide.json.cycle.offers_next, null);
    for (const bad of ['limit=1001', 'limit=0', 'limit=-5', 'limit=x', 'after=-1', 'after=1e3']) {
      const r = await visitor.get(`/api/v1/cycles/${big}?${bad}`);
      assert.equal(r.status, 400, bad);
      assert.equal(r.json.error.field, bad.split('=')[0]);
    }
  });

  it('places the DESIGN.md order with totals to the cent', async () => {
    const c = clientFor(srv, consumers[0]);
    const r = await c.put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'crest-halle',
      lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1.5' }],
    });
    assert.equal(r.status, 200, r.text);
    const o = r.json.order;
    assert.equal(o.cycle, cycle);
    assert.equal(o.pickup_point, 'crest-halle');
    assert.deepEqual(o.lines.map(({ producer, sku, quantity, unit_price_excl_vat_cents, vat_rate, line_excl_vat_cents }) =>
      ({ producer, sku, quantity, unit_price_excl_vat_cents, vat_rate, line_excl_vat_cents })),
    [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1.5', unit_price_excl_vat_cents: 237, vat_rate: '5.5', line_excl_vat_cents: 356 }]);
    assert.deepEqual(o.vat, [{ rate: '5.5', base_cents: 356, amount_cents: 20 }]);
    assert.equal(o.total_excl_vat_cents, 356);
    assert.equal(o.total_vat_cents, 20);
    assert.equal(o.total_incl_vat_cents, 376);
    assert.equal(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'LEG-CAR-1KG'`), '1500');
    // a repeated request is harmless
    const again = await c.put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1.5' }],
    });
    assert.equal(again.status, 200);
    assert.equal(again.json.order.id, o.id);
    assert.equal(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'LEG-CAR-1KG'`), '1500');
  });

  it('computes VAT per seller and rate, matching an independent computation from the database', async () => {
    const c = clientFor(srv, consumers[1]);
    const r = await c.put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'valence-panier',
      lines: [
        { producer: FTC, sku: 'LEG-CAR-1KG', quantity: '2.5' },
        { producer: FTC, sku: 'PAN-LEG-FAM', quantity: 1 },
        { producer: VOL, sku: 'PINT-ENT', quantity: '1' },
        { producer: VOL, sku: 'RIL-POU', quantity: '3' },
        { producer: 'brasserie-crest', sku: 'BLONDE-33', quantity: '6' },
      ],
    });
    assert.equal(r.status, 200, r.text);
    const o = r.json.order;
    // recompute from the stored lines: net per line, VAT per (producer, rate) on the sum of nets
    const rows = db.sql(`SELECT f.producer_id, l.vat_rate_bp, l.quantity_milli, l.unit_price_excl_vat_e4, l.line_excl_vat_cents
      FROM order_lines l JOIN offers f ON f.id = l.offer_id WHERE l.order_id = ${o.id}`);
    const div = (n, d) => (n >= 0n ? (2n * n + d) / (2n * d) : -((-2n * n + d) / (2n * d)));
    const groups = new Map();
    let excl = 0n;
    for (const [prod, rate, q, p, net] of rows) {
      assert.equal(BigInt(net), div(BigInt(q) * BigInt(p), 100000n));
      excl += BigInt(net);
      const k = `${prod}/${rate}`;
      groups.set(k, (groups.get(k) || 0n) + BigInt(net));
    }
    let vat = 0n;
    for (const [k, base] of groups) vat += div(base * BigInt(k.split('/')[1]), 10000n);
    assert.equal(BigInt(o.total_excl_vat_cents), excl);
    assert.equal(BigInt(o.total_vat_cents), vat);
    assert.equal(o.total_incl_vat_cents, o.total_excl_vat_cents + o.total_vat_cents);
    assert.deepEqual(o.vat.map((v) => v.rate), ['5.5', '20']);
    const pint = o.lines.find((l) => l.sku === 'PINT-ENT');
    assert.equal(pint.unit_price_incl_vat_cents, 2100);
    assert.equal(pint.line_excl_vat_cents, 1991);
    const g = await c.get(`/api/v1/cycles/${cycle}/order`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.json, r.json);
  });

  it('answers 422 naming the field for invalid quantities, products and pickup points', async () => {
    const c = clientFor(srv, consumers[2]);
    const put = (body) => c.put(`/api/v1/cycles/${cycle}/order`, body);
    let r = await put({ pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '0.7' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, 'invalid_quantity');
    assert.equal(r.json.error.field, 'lines[0].quantity');
    assert.match(r.json.error.message, /0[.,]5/);
    r = await put({ pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1' }, { producer: FTC, sku: 'NOPE', quantity: '1' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'lines[1].sku');
    r = await put({ pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '-1' }] });
    assert.equal(r.status, 422);
    r = await put({ pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: 'deux' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'lines[0].quantity');
    r = await put({ pickup_point: 'crest-halle', lines: [{ producer: FTC, quantity: '1' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'lines[0].sku');
    r = await put({ pickup_point: 'nowhere', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'pickup_point');
    r = await put({ pickup_point: 'crest-halle', lines: [] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, 'empty_order');
    r = await put({ pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1' }, { producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, 'duplicate_line');
    r = await c.req('PUT', `/api/v1/cycles/${cycle}/order`, { body: 'pickup_point=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 415);
    assert.equal(db.one(`SELECT count(*) FROM orders WHERE customer_id = ${consumers[2].customerId}`), '0');
  });

  it('answers 409 out_of_stock naming the line, and lists every problem', async () => {
    const c = clientFor(srv, consumers[2]);
    const r = await c.put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'crest-halle',
      lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1' }, { producer: FTC, sku: 'LEG-POI-1KG', quantity: '10.5' }],
    });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'out_of_stock');
    assert.equal(r.json.error.field, 'lines[1].quantity');
    assert.match(r.json.error.message, /Poireaux/);
    assert.equal(r.json.error.details.length, 1);
    assert.equal(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'LEG-POI-1KG'`), '0');
  });

  it('changes an order by releasing and re-taking stock atomically, and cancels it', async () => {
    const c = clientFor(srv, consumers[3]);
    const sold = () => Number(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'LEG-POI-1KG'`));
    let r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'die-mjc', lines: [{ producer: FTC, sku: 'LEG-POI-1KG', quantity: '6' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(sold(), 6000);
    // 10 in stock, 6 held by this order: asking for 10 works (6 released, 10 taken)
    r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'die-mjc', lines: [{ producer: FTC, sku: 'LEG-POI-1KG', quantity: '10' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(sold(), 10000);
    // 10.5 is too much: refused, and the order keeps its 10
    r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'die-mjc', lines: [{ producer: FTC, sku: 'LEG-POI-1KG', quantity: '10.5' }] });
    assert.equal(r.status, 409);
    assert.equal(sold(), 10000);
    assert.equal((await c.get(`/api/v1/cycles/${cycle}/order`)).json.order.lines[0].quantity, '10');
    // moving to another pickup point moves the count
    const count = (pp) => db.one(`SELECT orders_count FROM cycle_pickup_points x JOIN pickup_points p ON p.id = x.pickup_point_id WHERE cycle_id = ${cycle} AND p.slug = '${pp}'`);
    r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'livron-gare', lines: [{ producer: FTC, sku: 'LEG-POI-1KG', quantity: '4' }] });
    assert.equal(r.status, 200);
    assert.equal(count('die-mjc'), '0');
    assert.equal(count('livron-gare'), '1');
    assert.equal(sold(), 4000);
    r = await c.del(`/api/v1/cycles/${cycle}/order`);
    assert.equal(r.status, 204);
    assert.equal(sold(), 0);
    assert.equal(count('livron-gare'), '0');
    r = await c.get(`/api/v1/cycles/${cycle}/order`);
    assert.equal(r.status, 404);
    r = await c.del(`/api/v1/cycles/${cycle}/order`);
    assert.equal(r.status, 404);
  });

  it('refuses a full pickup point with 409', async () => {
    db.sql(`UPDATE cycle_pickup_points SET capacity_orders = 1 FROM pickup_points p WHERE p.id = pickup_point_id AND cycle_id = ${cycle} AND p.slug = 'saillans-ecole'`);
    const [a, b] = makeConsumers(db, 2, 'full');
    let r = await clientFor(srv, a).put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'saillans-ecole', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1' }] });
    assert.equal(r.status, 200);
    r = await clientFor(srv, b).put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'saillans-ecole', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '1' }] });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'pickup_point_full');
    assert.equal(r.json.error.field, 'pickup_point');
  });

  it('keeps roles apart', async () => {
    const anon = srv.client();
    let r = await anon.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [] });
    assert.equal(r.status, 401);
    r = await coord.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [] });
    assert.equal(r.status, 403);
    r = await clientFor(srv, consumers[0]).patch(`/api/v1/cycles/${cycle}`, { state: 'closed' });
    assert.equal(r.status, 403);
    r = await clientFor(srv, consumers[0]).get('/api/v1/orders');
    assert.equal(r.status, 200);
    assert.equal(r.json.orders.length, 1);
    assert.equal(r.json.orders[0].cycle, cycle);
  });

  it('answers 403 once the cycle is closed, and nothing changes', async () => {
    let r = await coord.patch(`/api/v1/cycles/${cycle}`, { state: 'closed' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.cycle.state, 'closed');
    const c = clientFor(srv, consumers[0]);
    r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'LEG-CAR-1KG', quantity: '3' }] });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'cycle_not_open');
    r = await c.del(`/api/v1/cycles/${cycle}/order`);
    assert.equal(r.status, 403);
    r = await c.get(`/api/v1/cycles/${cycle}/order`);
    assert.equal(r.json.order.lines[0].quantity, '1.5');
    assert.equal(r.json.order.editable, false);
    r = await coord.patch(`/api/v1/cycles/${cycle}`, { state: 'open' });
    assert.equal(r.status, 409);
  });
});

describe('cycles by time and from the weekly template', () => {
  let db, srv;
  before(async () => {
    db = freshDb('cycletime');
    setupCatalog(db);
    srv = await startServer(db);
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('opens and closes on their own at the stated time', async () => {
    const t = (s) => db.one(`SELECT to_char(now() + interval '${s}', 'YYYY-MM-DD"T"HH24:MI:SS.USOF')`);
    const r = km0(['cycle', 'create', '--opens', t('1 second'), '--closes', t('4 seconds'), '--delivery', db.one("SELECT current_date + 2")], { db });
    assert.equal(r.status, 0, r.stderr);
    const id = r.stdout.trim();
    const c = srv.client();
    const state = async () => (await c.get('/api/v1/cycles')).json.cycles.find((x) => String(x.id) === id)?.state;
    let s;
    for (let i = 0; i < 40 && s !== 'open'; i++) { await new Promise((res) => setTimeout(res, 100)); s = await state(); }
    assert.equal(s, 'open');
    assert.ok(Number(db.one(`SELECT count(*) FROM offers WHERE cycle_id = ${id}`)) > 0, 'offers frozen at opening');
    for (let i = 0; i < 60 && s !== 'closed'; i++) { await new Promise((res) => setTimeout(res, 100)); s = await state(); }
    assert.equal(s, 'closed');
  });

  it('generates the next weeks from the template, skipping those that exist', () => {
    let r = km0(['cycle', 'generate', '--weeks', '3'], { db });
    assert.equal(r.status, 0, r.stderr);
    const ids = r.stdout.trim().split('\n');
    assert.equal(ids.length, 3);
    const rows = db.sql(`SELECT extract(isodow FROM opens_at AT TIME ZONE 'Europe/Paris'), to_char(opens_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'),
        extract(isodow FROM closes_at AT TIME ZONE 'Europe/Paris'), extract(isodow FROM delivery_date), state
      FROM cycles WHERE id IN (${ids.join(',')}) ORDER BY opens_at`);
    for (const row of rows) assert.deepEqual(row, ['5', '18:00', '2', '4', 'draft']);
    r = km0(['cycle', 'generate', '--weeks', '3'], { db });
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), '');
    r = km0(['cycle', 'list'], { db });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Semaine \d+/);
  });

  it('refuses bad cycle commands with exit 1 or 2', () => {
    assert.equal(km0(['cycle', 'open', 'abc'], { db }).status, 2);
    assert.equal(km0(['cycle'], { db }).status, 2);
    let r = km0(['cycle', 'open', '999999'], { db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no such cycle/);
    r = km0(['cycle', 'create', '--opens', 'x', '--closes', 'y', '--delivery', 'z'], { db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /opens/);
    r = km0(['cycle', 'create', '--opens', '2026-12-01T10:00', '--closes', '2026-12-02T10:00', '--delivery', '2026-12-03', '--producers', 'nope'], { db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /"nope" does not exist/);
  });
});

describe('integrity under concurrency and crashes', () => {
  let db, cycle;
  before(() => {
    db = freshDb('integrity');
    insertProducts(db, FTC, [{ sku: 'RARE', name: 'Truffes', unit: 'piece', price: '10', stock: '10', step: '1', weight: '0.1' },
      { sku: 'PLENTY', name: 'Navets', price: '1.2', stock: null, step: '1' }]);
    cycle = openCycle(db);
  });
  after(() => db.drop());

  it('sells exactly the last 10 units to 50 racing clients over two servers', async () => {
    const a = await startServer(db);
    const b = await startServer(db);
    try {
      const buyers = makeConsumers(db, 50, 'race');
      const results = await Promise.all(buyers.map((buyer, i) => clientFor(i % 2 ? a : b, buyer)
        .put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'RARE', quantity: '1' }] })));
      const ok = results.filter((r) => r.status === 200).length;
      const refused = results.filter((r) => r.status === 409 && r.json.error.code === 'out_of_stock').length;
      assert.equal(ok, 10, results.map((r) => r.status).join(','));
      assert.equal(refused, 40);
      assert.equal(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'RARE'`), '10000');
      assert.equal(db.one(`SELECT sum(quantity_milli) FROM order_lines l JOIN offers o ON o.id = l.offer_id WHERE o.sku = 'RARE'`), '10000');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('keeps an order confirmed to the client after kill -9 of the server right after', async () => {
    const [buyer] = makeConsumers(db, 1, 'crash');
    const srv = await startServer(db);
    const r = await clientFor(srv, buyer).put(`/api/v1/cycles/${cycle}/order`, {
      pickup_point: 'die-mjc', lines: [{ producer: FTC, sku: 'PLENTY', quantity: '7' }],
    });
    await srv.kill9();
    assert.equal(r.status, 200);
    assert.equal(db.one(`SELECT l.quantity_milli FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = ${buyer.customerId}`), '7000');
    const again = await startServer(db);
    const g = await clientFor(again, buyer).get(`/api/v1/cycles/${cycle}/order`);
    assert.equal(g.status, 200);
    assert.equal(g.json.order.total_incl_vat_cents, r.json.order.total_incl_vat_cents);
    await again.stop();
  });
});
