// Standing orders and AMAP contracts (issue 21): three weekly cycles generated from
// the template, 200 subscriptions made through the API (every week or every second
// week, some starting later, some paused, some cancelled), two contracts, limited
// stocks, a product withdrawn and a pickup point with a small capacity. Each cycle's
// opening must place exactly what the test's own model of the rules expects
// (computed here from what the test created, never read back from km0's choices);
// two servers opening the same cycle at once place it once; a contract delivery's
// order line, its documents and its invoice carry the contract's price.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, makeConsumers, clientFor, insertProducts, km0, tmpDir } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';

const X = 'ferme-trois-chenes';
const Y = 'volailles-plein-champ';

// sku → [producer, step (milli), stock (milli) | null]
const PRODUCTS = {
  'SUB-CAR': [X, 500, 40000],
  'SUB-POM': [X, 1000, null],
  'SUB-OEU': [X, 1000, 60000],
  'SUB-POU': [Y, 1000, 25000],
  'SUB-GONE': [Y, 1000, null],
  'SUB-PANIER-S': [X, 1000, null], // the two contracts' baskets
  'SUB-PANIER-V': [Y, 1000, null],
};
const SKUS = Object.keys(PRODUCTS);
const STANDING = SKUS.filter((s) => !s.startsWith('SUB-PANIER'));
const BASKETS = new Set(['SUB-PANIER-S', 'SUB-PANIER-V']);

/** Deterministic pseudo-random numbers (mulberry32): the same world on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// the CLI names its hub: the bad-input test adds a second one
const hubConf = () => writeConf(tmpDir('km0-sub'), 'cli.conf', 'hub = drome-paysanne\n');
const day = (iso) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000;
const iso = (d) => new Date(d * 86400000).toISOString().slice(0, 10);

/**
 * The test's own reading of the rules (docs/subscriptions.md): which subscriptions are
 * due on a delivery date, who is away, in which order customers are served, and what
 * each line and order meets (product offered, step, stock left, pickup capacity).
 * model: { subs: [{id, customer, pickup, every, starts, lines: [{sku, q}], pauses: [[from, until]], cancelled, contract}],
 *          contracts: {id: {deliveries: Set, rule}}, active: Set of skus, capacity: {pickup: n|null} }
 */
function expectCycle(model, delivery) {
  const D = day(delivery);
  const due = model.subs.filter((s) => {
    if (s.cancelled || day(s.starts) > D) return false;
    if (s.contract) return model.contracts[s.contract].deliveries.has(delivery);
    return Math.floor((D - day(s.starts)) / 7) % s.every === 0;
  }).map((s) => Object.assign(s, { absent: s.pauses.some(([f, u]) => day(f) <= D && D <= day(u)) }));
  const byCustomer = new Map();
  for (const s of due) {
    if (!byCustomer.has(s.customer)) byCustomer.set(s.customer, []);
    byCustomer.get(s.customer).push(s);
  }
  const customers = [...byCustomer.entries()].map(([c, subs]) => ({
    c, subs: subs.sort((a, b) => (!!b.contract - !!a.contract) || a.id - b.id),
    contractFirst: subs.some((s) => s.contract && !s.absent),
    minId: Math.min(...subs.map((s) => s.id)),
  })).sort((a, b) => (b.contractFirst - a.contractFirst) || a.minId - b.minId || a.c - b.c);
  const left = {};
  for (const sku of SKUS) left[sku] = PRODUCTS[sku][2];
  for (const sku of Object.keys(model.extraStock || {})) left[sku] = model.extraStock[sku];
  const room = { ...model.capacity };
  const lines = [], runs = [], misses = [];
  for (const { c, subs } of customers) {
    const present = [];
    for (const s of subs) {
      const rule = s.contract ? model.contracts[s.contract].rule : null;
      if (s.absent && (!s.contract || rule !== 'neighbour')) {
        runs.push([s.id, !s.contract ? 'absent' : rule === 'hub' ? 'kept_by_hub' : 'carried_over']);
        if (rule === 'carry_over') s.carried = (s.carried || 0) + 1;
        continue;
      }
      present.push(s);
    }
    if (!present.length) continue;
    const pickup = present[0].pickup;
    let whole = null;
    if (!(pickup in room)) whole = 'pickup_gone';
    else if (room[pickup] === 0) whole = 'pickup_full';
    const mine = [], mineMiss = [];
    const taken = {};
    if (!whole) {
      for (const s of present) {
        const times = s.contract ? 1 + (s.carried || 0) : 1;
        for (const l of s.lines) {
          const q = l.q * times;
          const step = (model.step || {})[l.sku] ?? PRODUCTS[l.sku][1];
          let why = null;
          if (!model.active.has(l.sku)) why = 'product_gone';
          else if (q % step !== 0) why = 'step';
          else if (model.maxLine && q > model.maxLine) why = 'over_line_limit';
          else if (left[l.sku] !== null && q > left[l.sku]) why = 'out_of_stock';
          if (why) { mineMiss.push([s.id, l.sku, q, why]); continue; }
          if (left[l.sku] !== null) left[l.sku] -= q;
          taken[l.sku] = (taken[l.sku] || 0) + q;
          mine.push({ s, c, sku: l.sku, q, price: s.contract ? model.contracts[s.contract].price : null });
        }
      }
    }
    const placed = !whole && mine.length > 0;
    if (placed) {
      if (room[pickup] !== null) room[pickup] -= 1;
      lines.push(...mine.map(({ c, sku, q, price }) => [c, sku, q, price]));
      misses.push(...mineMiss);
    }
    for (const s of present) {
      const got = mine.filter((m) => m.s === s).length;
      const missed = mineMiss.some((m) => m[0] === s.id);
      if (whole) misses.push([s.id, null, null, whole]);
      runs.push([s.id, !placed || got === 0 ? 'not_placed' : missed ? 'partial' : 'placed']);
      if (!placed) misses.push(...mineMiss.filter((m) => m[0] === s.id));
      if (placed && got > 0 && s.contract) s.carried = 0;
    }
  }
  return {
    lines: lines.map((l) => l.join('|')).sort(),
    runs: runs.map((r) => r.join('|')).sort(),
    misses: misses.map((m) => m.map((v) => v ?? '').join('|')).sort(),
    orders: new Set(lines.map((l) => l[0])).size,
  };
}

/** What km0 placed for the cycle, in the model's terms. */
function actualCycle(db, cycle, contractSkus) {
  const lines = db.sql(`SELECT o.customer_id, f.sku, l.quantity_milli, l.unit_price_excl_vat_e4
      FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN offers f ON f.id = l.offer_id
     WHERE o.cycle_id = ${cycle}`)
    .map(([c, sku, q, price]) => [c, sku, q, contractSkus.has(sku) ? price : ''].join('|')).sort();
  const runs = db.sql(`SELECT subscription_id, outcome FROM subscription_runs WHERE cycle_id = ${cycle}`)
    .map((r) => r.join('|')).sort();
  const misses = db.sql(`SELECT subscription_id, coalesce(sku, ''), coalesce(quantity_milli::text, ''), reason
      FROM subscription_misses WHERE cycle_id = ${cycle}`).map((r) => r.join('|')).sort();
  const orders = Number(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${cycle}`));
  return { lines, runs, misses, orders };
}

describe('subscriptions placed when cycles open', () => {
  let db, srv, coord, consumers, cycles, deliveries, picks;
  const model = { subs: [], contracts: {}, active: new Set(SKUS), capacity: {} };

  before(async () => {
    db = freshDb('subscriptions');
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    addUser(db, { email: 'veg@example.org', role: 'producer', producer: X });
    insertProducts(db, X, [
      { sku: 'SUB-CAR', name: 'Carottes abonnées', price: '2.37', stock: '40', step: '0.5' },
      { sku: 'SUB-POM', name: 'Pommes abonnées', price: '2.60', stock: null, step: '1' },
      { sku: 'SUB-OEU', name: 'Œufs abonnés', unit: 'piece', price: '0.40', stock: '60', step: '1' },
      { sku: 'SUB-PANIER-S', name: 'Panier AMAP petit', unit: 'piece', price: '9.00', stock: null, step: '1' },
    ]);
    insertProducts(db, Y, [
      { sku: 'SUB-POU', name: 'Poulet abonné', unit: 'piece', price: '12', stock: '25', step: '1' },
      { sku: 'SUB-GONE', name: 'Produit retiré', unit: 'piece', price: '3', stock: null, step: '1' },
      { sku: 'SUB-PANIER-V', name: 'Panier volailles', unit: 'piece', price: '30', stock: null, step: '1' },
    ]);
    picks = db.sql('SELECT slug FROM pickup_points WHERE active ORDER BY id').map(([s]) => s);
    assert.ok(picks.length >= 2, 'the seed has pickup points');
    // the first point takes 12 orders a week at most
    db.sql(`UPDATE pickup_points SET capacity_orders = 12 WHERE slug = '${picks[0]}';
            UPDATE pickup_points SET capacity_orders = NULL WHERE slug <> '${picks[0]}'`);
    for (const p of picks) model.capacity[p] = p === picks[0] ? 12 : null;
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', 'correct horse battery');
    const g = await coord.post('/api/v1/cycles', { from_template: true, weeks: 3 });
    assert.equal(g.status, 201, g.text);
    cycles = g.json.cycles.map((c) => c.id);
    deliveries = g.json.cycles.map((c) => c.delivery_date);
    assert.equal(cycles.length, 3);
    assert.deepEqual(deliveries.map(day), [day(deliveries[0]), day(deliveries[0]) + 7, day(deliveries[0]) + 14]);
    consumers = makeConsumers(db, 200, 'sub');
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('refuses bad input and writes nothing', { timeout: 60000 }, async () => {
    const c = clientFor(srv, consumers[0]);
    const before = db.one('SELECT count(*) FROM subscriptions');
    const line = { producer: X, sku: 'SUB-POM', quantity: '1' };
    const cases = [
      [{ every_weeks: 3, pickup_point: picks[1], lines: [line] }, 422, 'every_weeks'],
      [{ every_weeks: 1, pickup_point: picks[1], lines: [{ ...line, sku: 'NOPE' }] }, 422, 'lines[0].sku'],
      [{ every_weeks: 1, pickup_point: picks[1], lines: [{ ...line, quantity: '0.5' }] }, 422, 'lines[0].quantity'],
      [{ every_weeks: 1, pickup_point: 'nowhere', lines: [line] }, 422, 'pickup_point'],
      [{ every_weeks: 1, pickup_point: picks[1], lines: [line, line] }, 422, 'lines[1].sku'],
      [{ every_weeks: 1, starts_on: '2026-02-30', pickup_point: picks[1], lines: [line] }, 422, 'starts_on'],
      [{ every_weeks: 1, from_cycle: cycles[0] }, 422, 'from_cycle'],
    ];
    for (const [body, status, field] of cases) {
      const r = await c.post('/api/v1/subscriptions', body);
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.json.error.field, field, r.text);
    }
    // a product of another hub is unknown here, even with its exact producer and sku
    db.sql(`INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon) VALUES ('ailleurs', 'Ailleurs', '12345678901234', 44, 4);
      INSERT INTO producers (hub_id, slug, name, siret, vat_regime)
        SELECT id, 'ferme-ailleurs', 'Ferme ailleurs', '12345678901234', 'franchise' FROM hubs WHERE slug = 'ailleurs'`);
    insertProducts(db, 'ferme-ailleurs', [{ sku: 'LOIN', name: 'Lointain', price: '1', stock: null, step: '1' }]);
    const far = await c.post('/api/v1/subscriptions', { every_weeks: 1, pickup_point: picks[1], lines: [{ producer: 'ferme-ailleurs', sku: 'LOIN', quantity: '1' }] });
    assert.equal(far.status, 422, far.text);
    assert.equal(far.json.error.field, 'lines[0].sku');
    assert.equal(db.one('SELECT count(*) FROM subscriptions'), before);
    // a pause that ends before it starts, on a live subscription
    const ok = await c.post('/api/v1/subscriptions', { every_weeks: 1, pickup_point: picks[1], lines: [line] });
    assert.equal(ok.status, 201, ok.text);
    const bad = await c.post(`/api/v1/subscriptions/${ok.json.subscription.id}/pauses`, { from: '2030-01-10', until: '2030-01-09' });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.error.field, 'until');
    assert.equal(db.one('SELECT count(*) FROM subscription_pauses'), '0');
    // a second standing order for the same customer is refused while the first lives
    const twice = await c.post('/api/v1/subscriptions', { every_weeks: 2, pickup_point: picks[1], lines: [line] });
    assert.equal(twice.status, 409, twice.text);
    const del = await c.del(`/api/v1/subscriptions/${ok.json.subscription.id}`);
    assert.equal(del.status, 204, del.text);
    assert.equal((await c.del(`/api/v1/subscriptions/${ok.json.subscription.id}`)).status, 404);
    // the CLI's report of a cycle that does not exist: exit 1
    const cli = km0(['--config', hubConf(), 'subscription', 'report', '--cycle', '999999'], { db });
    assert.equal(cli.status, 1, cli.stderr);
  });

  it('places each of three weekly cycles exactly as the rules say', { timeout: 600000 }, async () => {
    const r = rng(21);
    const D1 = day(deliveries[0]);
    // 200 standing orders, through the API
    for (let i = 0; i < 200; i++) {
      const n = 1 + Math.floor(r() * 3);
      const chosen = [...STANDING].sort(() => r() - 0.5).slice(0, n);
      const lines = chosen.map((sku) => {
        const step = PRODUCTS[sku][1];
        return { sku, q: step * (1 + Math.floor(r() * (sku === 'SUB-CAR' ? 6 : 3))) };
      });
      const s = {
        customer: consumers[i].customerId,
        pickup: picks[i % 3 === 0 ? 0 : 1 + (i % (picks.length - 1))],
        every: i % 4 === 0 ? 2 : 1,
        starts: iso(i % 10 === 0 ? D1 + 4 : D1 - 3),
        lines, pauses: [], cancelled: false,
      };
      const res = await clientFor(srv, consumers[i]).post('/api/v1/subscriptions', {
        every_weeks: s.every, starts_on: s.starts, pickup_point: s.pickup,
        lines: lines.map((l) => ({ producer: PRODUCTS[l.sku][0], sku: l.sku, quantity: String(l.q / 1000) })),
      });
      assert.equal(res.status, 201, res.text);
      s.id = res.json.subscription.id;
      model.subs.push(s);
      // every seventh is away around the second delivery
      if (i % 7 === 0) {
        const p = [iso(D1 + 6), iso(D1 + 8)];
        const pr = await clientFor(srv, consumers[i]).post(`/api/v1/subscriptions/${s.id}/pauses`, { from: p[0], until: p[1] });
        assert.equal(pr.status, 201, pr.text);
        s.pauses.push(p);
      }
    }
    // two AMAP contracts: vegetables every week (a missed basket is carried over),
    // poultry every second week (a missed basket is kept by the hub)
    const today = db.one(`SELECT (now() AT TIME ZONE 'Europe/Paris')::date`);
    const K = [
      { producer: X, sku: 'SUB-PANIER-S', price: '8.50', e4: 85000, rule: 'carry_over', dates: [0, 1, 2], plans: [1, 3], who: [0, 30] },
      { producer: Y, sku: 'SUB-PANIER-V', price: '27', e4: 270000, rule: 'hub', dates: [0, 2], plans: [1, 2], who: [150, 170] },
    ];
    for (const k of K) {
      const res = await coord.post('/api/v1/contracts', {
        producer: k.producer, name: `AMAP ${k.sku}`, window_opens: iso(day(today) - 1), window_closes: iso(day(today) + 2),
        deliveries: k.dates.map((w) => deliveries[w]), baskets: [{ sku: k.sku, label: 'Panier', price: k.price }],
        min_deliveries: 2, missed_rule: k.rule, instalment_plans: k.plans, payment_methods: ['cheque'],
      });
      assert.equal(res.status, 201, res.text);
      k.id = res.json.contract.id;
      const list = await coord.get('/api/v1/contracts');
      const basket = Number(list.json.contracts.find((c) => c.id === k.id).baskets.split(':')[0]);
      model.contracts[k.id] = { deliveries: new Set(k.dates.map((w) => deliveries[w])), rule: k.rule, price: k.e4 };
      for (let i = k.who[0]; i < k.who[1]; i++) {
        const pickup = picks[(i + 1) % picks.length];
        const sr = await clientFor(srv, consumers[i]).post(`/api/v1/contracts/${k.id}/subscriptions`,
          { basket, pickup_point: pickup, instalments: k.plans[i % 2], payment_method: 'cheque' });
        assert.equal(sr.status, 201, sr.text);
        const sub = { id: sr.json.subscription.id, customer: consumers[i].customerId, pickup, contract: k.id,
          starts: today, lines: [{ sku: k.sku, q: 1000 }], pauses: [], cancelled: false };
        // every fifth misses a delivery: the second for vegetables, the last for poultry
        if (i % 5 === 0) {
          const away = deliveries[k.rule === 'carry_over' ? 1 : 2];
          const pr = await clientFor(srv, consumers[i]).post(`/api/v1/subscriptions/${sub.id}/pauses`, { from: away, until: away });
          assert.equal(pr.status, 201, pr.text);
          sub.pauses.push([away, away]);
        }
        model.subs.push(sub);
      }
    }
    // the instalments: the season's price incl. VAT (5.5 %) over the plan, the odd cents first
    const k0 = K[0];
    const members = await coord.get(`/api/v1/contracts/${k0.id}/members`);
    assert.equal(members.status, 200, members.text);
    assert.equal(members.json.members.length, 30);
    const perDelivery = 850 + Math.round(850 * 550 / 10000);
    const firstSub = model.subs.find((s) => s.contract === k0.id && s.customer === consumers[1].customerId);
    const inst = db.sql(`SELECT number, amount_cents FROM contract_instalments WHERE subscription_id = ${firstSub.id} ORDER BY number`);
    assert.equal(inst.length, 3);
    assert.equal(inst.reduce((t, [, a]) => t + Number(a), 0), perDelivery * 3);
    // an instalment paid goes to the ledger once: the customer's prepaid balance grows by it
    const bal = () => Number(db.one(`SELECT coalesce(-sum(amount_cents), 0) FROM ledger_lines WHERE account = '4191' AND customer_id = ${firstSub.customer}`));
    const b0 = bal();
    const paid = await coord.post(`/api/v1/contracts/${k0.id}/instalments`, { subscription: firstSub.id, number: 1 });
    assert.equal(paid.status, 201, paid.text);
    assert.equal(bal() - b0, Number(inst[0][1]));
    const again = await coord.post(`/api/v1/contracts/${k0.id}/instalments`, { subscription: firstSub.id, number: 1 });
    assert.equal(again.status, 409, again.text);
    assert.equal(bal() - b0, Number(inst[0][1]));
    // the producer sees the baskets to prepare per delivery and pickup point
    const prod = srv.client();
    await prod.login('veg@example.org', 'correct horse battery');
    const dv = await prod.get(`/api/v1/contracts/${k0.id}/deliveries`);
    assert.equal(dv.status, 200, dv.text);
    assert.equal(dv.json.deliveries.filter((d) => d.delivery_date === deliveries[0])
      .reduce((t, d) => t + d.subscribed_milli, 0), 30000);
    assert.equal((await prod.get(`/api/v1/contracts/${K[1].id}/deliveries`)).status, 404, "another producer's contract");
    const prodPage = await prod.get('/producer/contracts');
    assert.equal(prodPage.status, 200);
    assert.match(prodPage.text, /AMAP SUB-PANIER-S/);
    assert.doesNotMatch(prodPage.text, /AMAP SUB-PANIER-V/, "another producer's contract");
    const deskPage = await coord.get('/desk/contracts');
    assert.equal(deskPage.status, 200);
    for (const re of [/AMAP SUB-PANIER-S/, /AMAP SUB-PANIER-V/, /échéances payées 1\/3/]) assert.match(deskPage.text, re);

    for (let w = 0; w < 3; w++) {
      if (w === 2) {
        // before the third week: some cancel, a product is withdrawn
        for (let i = 5; i < 200; i += 11) {
          const res = await clientFor(srv, consumers[i]).del(`/api/v1/subscriptions/${model.subs[i].id}`);
          assert.equal(res.status, 204, res.text);
          model.subs[i].cancelled = true;
        }
        db.sql(`UPDATE products SET active = false WHERE sku = 'SUB-GONE'`);
        model.active.delete('SUB-GONE');
        // and the hub limits a line to 2.5 units: the cycle takes it as it opens
        const lim = await coord.patch('/api/v1/hub/settings', { max_line_quantity: '2.5' });
        assert.equal(lim.status, 200, lim.text);
        model.maxLine = 2500;
      }
      const expected = expectCycle(model, deliveries[w]);
      const o = await coord.patch(`/api/v1/cycles/${cycles[w]}`, { state: 'open' });
      assert.equal(o.status, 200, o.text);
      const actual = actualCycle(db, cycles[w], BASKETS);
      assert.deepEqual(actual.runs, expected.runs, `week ${w + 1}: outcomes`);
      assert.deepEqual(actual.lines, expected.lines, `week ${w + 1}: order lines`);
      assert.deepEqual(actual.misses, expected.misses, `week ${w + 1}: what could not be placed`);
      assert.equal(actual.orders, expected.orders, `week ${w + 1}: orders`);
      // the stock and the pickup counts moved by exactly what was placed
      assert.equal(db.one(`SELECT count(*) FROM offers f WHERE f.cycle_id = ${cycles[w]}
        AND f.sold_milli <> coalesce((SELECT sum(l.quantity_milli) FROM order_lines l WHERE l.offer_id = f.id), 0)`), '0');
      assert.equal(db.one(`SELECT count(*) FROM cycle_pickup_points x WHERE x.cycle_id = ${cycles[w]}
        AND x.orders_count <> (SELECT count(*) FROM orders o WHERE o.cycle_id = x.cycle_id AND o.pickup_point_id = x.pickup_point_id)`), '0');
      assert.ok(expected.runs.some((x) => /not_placed|partial/.test(x)), 'the limits were met');
      // the contracts' rules for a missed delivery were met too
      if (w === 1) assert.ok(expected.runs.some((x) => x.endsWith('|carried_over')));
      if (w === 2) {
        assert.ok(expected.runs.some((x) => x.endsWith('|kept_by_hub')));
        assert.ok(expected.misses.some((x) => x.endsWith('|over_line_limit')), 'the line limit was met');
        assert.ok(expected.lines.some((x) => x.includes('|SUB-PANIER-S|2000|85000')), 'a carried basket comes with the next');
      }
      if (w === 0) {
        // the week's order is an ordinary order: its customer changes it, another cancels
        const placed = db.sql(`SELECT o.customer_id FROM orders o WHERE o.cycle_id = ${cycles[0]} ORDER BY o.id LIMIT 2`).map(([c]) => Number(c));
        const who = (cid) => consumers.find((c) => c.customerId === cid);
        const ch = await clientFor(srv, who(placed[0])).put(`/api/v1/cycles/${cycles[0]}/order`,
          { pickup_point: picks[1], lines: [{ producer: X, sku: 'SUB-POM', quantity: '2' }] });
        assert.equal(ch.status, 200, ch.text);
        const cn = await clientFor(srv, who(placed[1])).del(`/api/v1/cycles/${cycles[0]}/order`);
        assert.equal(cn.status, 204, cn.text);
        // what the customer and the coordinator see
        const mine = await clientFor(srv, who(placed[0])).get('/api/v1/subscriptions');
        assert.equal(mine.status, 200, mine.text);
        assert.equal(mine.json.subscriptions[0].runs[0].cycle, cycles[0]);
        const rep = await coord.get(`/api/v1/cycles/${cycles[0]}/subscriptions`);
        assert.equal(rep.status, 200, rep.text);
        assert.equal(rep.json.subscriptions.length, expected.runs.length);
        const page = await coord.get(`/desk/cycles/${cycles[0]}/subscriptions`);
        assert.equal(page.status, 200);
        assert.match(page.text, /non passée|épuisé|complet/);
        // the week is closed, batched and invoiced: the baskets carry the contract's price
        for (const [verb, url, body] of [['patch', `/api/v1/cycles/${cycles[0]}`, { state: 'closed' }],
          ['post', `/api/v1/cycles/${cycles[0]}/batch`], ['post', `/api/v1/cycles/${cycles[0]}/invoices`]]) {
          const res = await coord[verb](url, body);
          assert.ok([200, 201].includes(res.status), `${url}: ${res.text}`);
        }
        const inv = db.sql(`SELECT DISTINCT il.unit_price_excl_vat_e4 FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id
          WHERE i.cycle_id = ${cycles[0]} AND il.sku = 'SUB-PANIER-S'`);
        assert.deepEqual(inv, [['85000']], 'invoices carry the contract price, not the catalog 9.00');
        const doc = await coord.get(`/api/v1/cycles/${cycles[0]}/reports/invoices?format=xml`);
        assert.equal(doc.status, 200, doc.text.slice(0, 300));
        assert.match(doc.text, /Panier AMAP petit/);
        assert.match(doc.text, /8[.,]50?(?!\d)/);
      }
    }
    // the CLI's report names the cycle's outcomes
    const cli = km0(['--config', hubConf(), 'subscription', 'report', '--cycle', String(cycles[2])], { db });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /placed/);
  });
  it('places a cycle once when two servers open it at the same time', { timeout: 300000 }, async () => {
    const g = await coord.post('/api/v1/cycles', { from_template: true, weeks: 4 });
    assert.equal(g.status, 201, g.text);
    assert.equal(g.json.cycles.length, 1, 'one more week');
    const [{ id: cycle, delivery_date: delivery }] = g.json.cycles;
    const srv2 = await startServer(db);
    try {
      const coord2 = srv2.client();
      coord2.cookies = new Map(coord.cookies);
      coord2.csrf = coord.csrf;
      const expected = expectCycle(model, delivery);
      // the coordinator on both servers at once, and both servers' own catching up
      // with a cycle whose opening time has come
      db.sql(`UPDATE cycles SET opens_at = now() - interval '1 second' WHERE id = ${cycle}`);
      const replies = await Promise.all([
        coord.patch(`/api/v1/cycles/${cycle}`, { state: 'open' }),
        coord2.patch(`/api/v1/cycles/${cycle}`, { state: 'open' }),
        coord.get('/api/v1/cycles'),
        coord2.get('/api/v1/cycles'),
      ]);
      for (const r of replies.slice(0, 2)) assert.ok([200, 409].includes(r.status), r.text);
      assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycle}`), 'open');
      const actual = actualCycle(db, cycle, BASKETS);
      assert.deepEqual(actual.runs, expected.runs, 'each subscription once');
      assert.deepEqual(actual.lines, expected.lines, 'each line once');
      assert.equal(actual.orders, expected.orders);
      assert.equal(db.one(`SELECT count(*) FROM offers f WHERE f.cycle_id = ${cycle}
        AND f.sold_milli <> coalesce((SELECT sum(l.quantity_milli) FROM order_lines l WHERE l.offer_id = f.id), 0)`), '0');
      assert.equal(db.one(`SELECT count(*) FROM cycle_pickup_points x WHERE x.cycle_id = ${cycle}
        AND x.orders_count <> (SELECT count(*) FROM orders o WHERE o.cycle_id = x.cycle_id AND o.pickup_point_id = x.pickup_point_id)`), '0');
    } finally {
      await srv2.stop();
    }
  });
  it('refuses a contract with no delivery, an overlapping season, a subscription after the window', { timeout: 60000 }, async () => {
    const today = db.one(`SELECT (now() AT TIME ZONE 'Europe/Paris')::date`);
    const base = { producer: X, name: 'AMAP bis', window_opens: iso(day(today) - 10), window_closes: iso(day(today) - 5),
      baskets: [{ sku: 'SUB-PANIER-S', label: 'Panier', price: '8' }], min_deliveries: 1 };
    const contracts = Number(db.one('SELECT count(*) FROM contracts'));
    const none = await coord.post('/api/v1/contracts', { ...base, deliveries: [] });
    assert.equal(none.status, 422, none.text);
    assert.equal(none.json.error.field, 'deliveries');
    // the vegetable basket is delivered every week of the three: a season meeting them is refused
    const overlap = await coord.post('/api/v1/contracts', { ...base, deliveries: [deliveries[2], iso(day(deliveries[2]) + 28)] });
    assert.equal(overlap.status, 409, overlap.text);
    assert.equal(overlap.json.error.field, 'baskets[0].sku');
    const window = await coord.post('/api/v1/contracts', { ...base, window_closes: iso(day(today) - 11), deliveries: ['2031-01-09'] });
    assert.equal(window.status, 422, window.text);
    assert.equal(window.json.error.field, 'window_closes');
    assert.equal(Number(db.one('SELECT count(*) FROM contracts')), contracts, 'nothing written');
    // a later season is free; its window closed five days ago
    const later = await coord.post('/api/v1/contracts', { ...base, deliveries: ['2031-01-09', '2031-01-16'] });
    assert.equal(later.status, 201, later.text);
    const basket = Number(db.one(`SELECT id FROM contract_baskets WHERE contract_id = ${later.json.contract.id}`));
    const subs = db.one('SELECT count(*) FROM subscriptions');
    const late = await clientFor(srv, consumers[199]).post(`/api/v1/contracts/${later.json.contract.id}/subscriptions`,
      { basket, pickup_point: picks[1], instalments: 1, payment_method: 'cheque' });
    assert.equal(late.status, 409, late.text);
    assert.equal(late.json.error.code, 'window_closed');
    assert.equal(db.one('SELECT count(*) FROM subscriptions'), subs);
    assert.equal(db.one('SELECT count(*) FROM contract_instalments WHERE subscription_id NOT IN (SELECT id FROM subscriptions)'), '0');
  });
});
