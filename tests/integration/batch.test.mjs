// Batching: a closed cycle of the demo hub (8 pickup points around Crest, a Kangoo of
// 450 kg and a Master of 1100 kg) into delivery rounds, through the API and the CLI,
// checked against the orders placed and against independent arithmetic.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, km0, addUser, makeConsumers, clientFor, insertProducts, openCycle } from '../lib/harness.mjs';

const FTC = 'ferme-trois-chenes';
const POINTS = ['crest-halle', 'valence-panier', 'die-mjc', 'livron-gare', 'romans-tiers-lieu',
  'saillans-ecole', 'montelimar-amap', 'chabeuil-mairie'];
const FRIDAY = new Set(['romans-tiers-lieu', 'montelimar-amap', 'chabeuil-mairie']);
// weight per unit in grams, as inserted below
const WEIGHT = { 'POM-5KG': 5000, 'PANIER': 6000, 'FARINE': 2000, 'OEUFS': 400, 'SAC-50': 50000 };

const g = (kg) => Math.round(Number(kg) * 1000); // decimal kg or km string → grams or metres
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

function haversineM(a, b) {
  const rad = Math.PI / 180;
  const dlat = (b.lat - a.lat) * rad, dlon = (b.lon - a.lon) * rad;
  const h = Math.sin(dlat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dlon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h)) * 1000;
}

/** The rounds of a reply without their ids (which change on every batch). */
const shape = (j) => JSON.stringify({ ...j, rounds: j.rounds.map(({ id, ...r }) => r) });

describe('batching a closed cycle into delivery rounds', () => {
  let db, srv, coord, consumers, cycle, split, placed, coords, depot;
  // each order placed: id → {pickup, weight_g} computed here from the lines, not read back
  const orders = new Map();

  async function place(cyc, list) {
    for (let i = 0; i < list.length; i += 16) {
      await Promise.all(list.slice(i, i + 16).map(async ({ consumer, pickup, lines }) => {
        const r = await clientFor(srv, consumer).put(`/api/v1/cycles/${cyc}/order`, {
          pickup_point: pickup, lines: lines.map(([sku, q]) => ({ producer: FTC, sku, quantity: String(q) })),
        });
        assert.equal(r.status, 200, r.text);
        orders.set(r.json.order.id, { cycle: cyc, pickup, weight_g: sum(lines.map(([sku, q]) => WEIGHT[sku] * q)) });
      }));
    }
  }

  const ordersOf = (cyc) => [...orders].filter(([, o]) => o.cycle === cyc);

  /** Every invariant a stored batch must satisfy, from the API reply and SQL. */
  function checkBatch(cyc, j) {
    const mine = ordersOf(cyc);
    assert.equal(j.orders, mine.length);
    // every order in exactly one round
    const os = db.sql(`SELECT order_id, round_id, stop_id FROM order_stops WHERE cycle_id = ${cyc}`);
    assert.equal(os.length, mine.length);
    assert.equal(new Set(os.map((r) => r[0])).size, mine.length);
    for (const [id] of mine) assert.ok(os.some((r) => Number(r[0]) === id), `order ${id} in no round`);
    // what the rows say is what the reply says
    assert.equal(Number(db.one(`SELECT count(*) FROM rounds WHERE cycle_id = ${cyc}`)), j.rounds.length);
    assert.equal(Number(db.one(`SELECT count(*) FROM round_stops WHERE cycle_id = ${cyc}`)), sum(j.rounds.map((r) => r.stops.length)));
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cyc}`), 'batched');
    const byStop = new Map();
    for (const [o, , s] of os) byStop.set(s, (byStop.get(s) || 0) + orders.get(Number(o)).weight_g);
    const stopIds = db.sql(`SELECT s.id, r.seq, s.seq FROM round_stops s JOIN rounds r ON r.id = s.round_id WHERE s.cycle_id = ${cyc}`);
    // the vehicles' timings, and their departure on the delivery day as PostgreSQL puts it in Paris time
    const veh = Object.fromEntries(db.sql(`SELECT v.slug, v.speed_kmh, v.stop_minutes,
        to_char((c.delivery_date + v.departs) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')
        FROM vehicles v, cycles c WHERE c.id = ${cyc}`).map(([v, sp, st, dep]) => [v, { speed: Number(sp), stop: Number(st), dep }]));
    let totalM = 0;
    for (const r of j.rounds) {
      const v = veh[r.vehicle];
      assert.equal(r.departs_at, v.dep);
      // ETA: departure + driving time from the depot to the minute + the earlier stops' time
      let drivenM = 0;
      r.stops.forEach((s, k) => {
        drivenM += g(s.leg_km);
        const expected = Date.parse(r.departs_at) + (Math.round(drivenM / 1000 / v.speed * 60) + k * v.stop) * 60000;
        assert.ok(Math.abs(Date.parse(s.eta) - expected) <= 60000, `ETA of ${s.name}: ${s.eta}`);
      });
      assert.ok(g(r.load_kg) <= g(r.capacity_kg), `round ${r.seq} over capacity`);
      assert.equal(g(r.load_kg), sum(r.stops.map((s) => g(s.load_kg))));
      // km is the legs plus the way back, to the metre, and each leg is the distance
      assert.equal(g(r.km), sum(r.stops.map((s) => g(s.leg_km))) + g(r.return_km));
      let prev = depot, prevEta = Date.parse(r.departs_at);
      for (const s of r.stops) {
        assert.ok(Math.abs(g(s.leg_km) - haversineM(prev, coords[s.pickup_point])) <= 1, `leg to ${s.name}`);
        prev = coords[s.pickup_point];
        const eta = Date.parse(s.eta);
        assert.ok(eta > prevEta, `round ${r.seq}: ETAs must increase: ${JSON.stringify(r)}`);
        prevEta = eta;
        // the load of a stop is the weight of the orders it delivers, computed here
        const [sid] = stopIds.find(([, rs, ss]) => Number(rs) === r.seq && Number(ss) === s.seq);
        assert.equal(g(s.load_kg), byStop.get(sid), `load of ${s.name}`);
      }
      assert.ok(Math.abs(g(r.return_km) - haversineM(prev, depot)) <= 1);
      assert.ok(Date.parse(r.returns_at) > prevEta);
      totalM += g(r.km);
    }
    assert.equal(g(j.total_km), totalM);
  }

  before(async () => {
    db = freshDb('batch');
    insertProducts(db, FTC, [
      { sku: 'POM-5KG', name: 'Pommes de terre 5 kg', unit: 'piece', price: '6', stock: null, weight: '5' },
      { sku: 'PANIER', name: 'Panier de légumes', unit: 'piece', price: '20', stock: null, weight: '6' },
      { sku: 'FARINE', name: 'Farine T80 2 kg', unit: 'piece', price: '4', stock: null, weight: '2' },
      { sku: 'OEUFS', name: 'Œufs ×6', unit: 'piece', price: '2.5', stock: null, weight: '0.4' },
      { sku: 'SAC-50', name: 'Sac de blé 50 kg', unit: 'piece', price: '30', stock: '1000', weight: '50' }, // one stock keeps the VALUES column numeric
    ]);
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    addUser(db, { email: 'prod@example.org', role: 'producer', producer: FTC, password: 'producer pass' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', 'coordinator pass');
    consumers = makeConsumers(db, 96);
    coords = Object.fromEntries(db.sql('SELECT slug, lat, lon FROM pickup_points').map(([s, lat, lon]) => [s, { lat: Number(lat), lon: Number(lon) }]));
    const [dlat, dlon] = db.sql('SELECT depot_lat, depot_lon FROM hubs')[0];
    depot = { lat: Number(dlat), lon: Number(dlon) };

    // 80 orders, 10 per pickup point, 12 to 21 kg each: 1256 kg for 1550 kg of vans
    cycle = openCycle(db);
    placed = [];
    for (let i = 0; i < 80; i++) {
      const lines = [['POM-5KG', 1 + (i % 2)], ['PANIER', 1], ['OEUFS', 1 + (i % 5)]];
      if (i % 4 === 0) lines.push(['FARINE', 2]);
      placed.push({ consumer: consumers[i], pickup: POINTS[i % 8], lines });
    }
    await place(cycle, placed);
    // delivered on the Thursday after closing: the Friday points' slots do not count
    db.sql(`UPDATE cycles SET delivery_date = closes_at::date + (11 - extract(isodow FROM closes_at::date)::int) % 7 WHERE id = ${cycle}`);
    const r = await coord.patch(`/api/v1/cycles/${cycle}`, { state: 'closed' });
    assert.equal(r.status, 200, r.text);
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('refuses to batch an open or draft cycle', async () => {
    const open = openCycle(db);
    let r = await coord.post(`/api/v1/cycles/${open}/batch`, {});
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'cycle_not_closed');
    assert.match(r.json.error.message, /open/);
    const cli = km0(['batch', '--cycle', String(open)], { db, env: { LANG: 'C.UTF-8' } });
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /closed/);
    r = await coord.get(`/api/v1/cycles/${open}/rounds`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.rounds, []);
    assert.equal(r.json.state, 'open');
    db.sql(`UPDATE cycles SET state = 'draft' WHERE id = ${open}`);
    r = await coord.post(`/api/v1/cycles/${open}/batch`, {});
    assert.equal(r.status, 409);
  });

  it('keeps batching to coordinators: 401 anonymous, 403 consumer and producer, 404 unknown', async () => {
    let r = await srv.client().post(`/api/v1/cycles/${cycle}/batch`, {});
    assert.equal(r.status, 401);
    r = await srv.client().get(`/api/v1/cycles/${cycle}/rounds`);
    assert.equal(r.status, 401);
    r = await clientFor(srv, consumers[0]).post(`/api/v1/cycles/${cycle}/batch`, {});
    assert.equal(r.status, 403);
    r = await clientFor(srv, consumers[0]).get(`/api/v1/cycles/${cycle}/rounds`);
    assert.equal(r.status, 403);
    const prod = srv.client();
    await prod.login('prod@example.org', 'producer pass');
    r = await prod.post(`/api/v1/cycles/${cycle}/batch`, {});
    assert.equal(r.status, 403);
    r = await coord.post('/api/v1/cycles/999999/batch', {});
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, 'not_found');
    r = await coord.get('/api/v1/cycles/999999/rounds');
    assert.equal(r.status, 404);
    r = await coord.post('/api/v1/cycles/abc/batch', {});
    assert.equal(r.status, 404);
    // nothing was written by any of them
    assert.equal(db.one(`SELECT count(*) FROM rounds WHERE cycle_id = ${cycle}`), '0');
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycle}`), 'closed');
  });

  it('batches through the API: every order in exactly one round, within capacity, legs and ETAs consistent', async () => {
    const r = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    assert.equal(r.status, 200, r.text);
    const j = r.json;
    assert.equal(j.cycle, cycle);
    assert.equal(j.state, 'batched');
    assert.ok(j.rounds.length >= 1 && j.rounds.length <= 2);
    assert.deepEqual(new Set(j.rounds.map((x) => x.vehicle)).size, j.rounds.length);
    assert.deepEqual(j.rounds.map((x) => x.seq), j.rounds.map((_, i) => i + 1));
    const stops = j.rounds.flatMap((x) => x.stops);
    assert.deepEqual(stops.map((s) => s.pickup_point).sort(), [...POINTS].sort());
    for (const s of stops) {
      assert.equal(s.orders, 10);
      assert.deepEqual([s.part, s.parts], [1, 1]);
      assert.equal(typeof s.late, 'boolean');
      assert.match(s.eta, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d/);
      assert.ok(s.name && s.address !== undefined);
    }
    assert.match(j.total_km, /^\d+(\.\d+)?$/);
    checkBatch(cycle, j);
    // no split stop, so no per-order rows
    assert.equal(db.one(`SELECT count(*) FROM round_stop_orders`), '0');
    const again = await coord.get(`/api/v1/cycles/${cycle}/rounds`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, j);
  });

  it('gives the same rounds when batched again, by the API or the CLI', async () => {
    const first = (await coord.get(`/api/v1/cycles/${cycle}/rounds`)).json;
    const r = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    assert.equal(r.status, 200);
    assert.equal(shape(r.json), shape(first));
    assert.notDeepEqual(r.json.rounds.map((x) => x.id), first.rounds.map((x) => x.id));
    const cli = km0(['batch', '--cycle', String(cycle)], { db });
    assert.equal(cli.status, 0, cli.stderr);
    for (const x of first.rounds) {
      assert.match(cli.stdout, new RegExp(`round ${x.seq}\\s+${x.vehicle_name} \\(${x.vehicle}\\).* ${x.km} km\\s+${x.load_kg} / ${x.capacity_kg} kg`));
      for (const s of x.stops) assert.ok(cli.stdout.includes(s.name), s.name);
    }
    const after = (await coord.get(`/api/v1/cycles/${cycle}/rounds`)).json;
    assert.equal(shape(after), shape(first));
    checkBatch(cycle, after);
  });

  it('flags late arrivals only where the slot is on the delivery day', async () => {
    const before = (await coord.get(`/api/v1/cycles/${cycle}/rounds`)).json;
    db.sql("UPDATE vehicles SET departs = '19:31'");
    const r = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    db.sql("UPDATE vehicles SET departs = CASE slug WHEN 'kangoo' THEN '13:30'::time ELSE '13:00'::time END");
    assert.equal(r.status, 200, r.text);
    // every Thursday slot closes by 19:30: all late; Friday points are a day early, not late
    for (const s of r.json.rounds.flatMap((x) => x.stops))
      assert.equal(s.late, !FRIDAY.has(s.pickup_point), s.pickup_point);
    assert.equal(r.json.late_stops, 5);
    const back = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    assert.equal(shape(back.json), shape(before));
    assert.equal(back.json.late_stops, 0);
  });

  it('replaces a batch atomically when the cycle changed, even with two batches at once', async () => {
    const before = (await coord.get(`/api/v1/cycles/${cycle}/rounds`)).json;
    // the coordinator moves Die's orders to Saillans (the MJC is closed that week)
    db.sql(`UPDATE orders SET pickup_point_id = (SELECT id FROM pickup_points WHERE slug = 'saillans-ecole')
             WHERE cycle_id = ${cycle} AND pickup_point_id = (SELECT id FROM pickup_points WHERE slug = 'die-mjc')`);
    for (const o of orders.values()) if (o.cycle === cycle && o.pickup === 'die-mjc') o.pickup = 'saillans-ecole';
    const [a, b] = await Promise.all([coord.post(`/api/v1/cycles/${cycle}/batch`, {}), coord.post(`/api/v1/cycles/${cycle}/batch`, {})]);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    assert.equal(shape(a.json), shape(b.json));
    assert.notEqual(shape(a.json), shape(before));
    const stops = a.json.rounds.flatMap((x) => x.stops);
    assert.ok(!stops.some((s) => s.pickup_point === 'die-mjc'));
    assert.equal(stops.find((s) => s.pickup_point === 'saillans-ecole').orders, 20);
    // one batch's rows only: the other's were replaced whole
    const now = (await coord.get(`/api/v1/cycles/${cycle}/rounds`)).json;
    assert.equal(shape(now), shape(a.json));
    assert.equal(db.one(`SELECT count(*) FROM round_stops WHERE cycle_id = ${cycle}`), String(stops.length));
    checkBatch(cycle, now);
  });

  it('refuses a cycle that does not fit, naming the kg over and the points left, and keeps the previous batch', async () => {
    const rowsBefore = db.sql(`SELECT r.id, s.id, s.pickup_point_id, s.eta FROM rounds r JOIN round_stops s ON s.round_id = r.id WHERE r.cycle_id = ${cycle} ORDER BY 2`);
    const total = sum(ordersOf(cycle).map(([, o]) => o.weight_g));
    db.sql("UPDATE vehicles SET capacity_g = 150000"); // 2 × 150 kg for about 1.2 t
    const r = await coord.post(`/api/v1/cycles/${cycle}/batch?lang=en`, {});
    const fr = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    const cli = km0(['batch', '--cycle', String(cycle)], { db, env: { LANG: 'C.UTF-8' } });
    db.sql("UPDATE vehicles SET capacity_g = CASE slug WHEN 'kangoo' THEN 450000 ELSE 1100000 END");
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'cycle_does_not_fit');
    const m = r.json.error.message.match(/([\d.]+) kg too many/);
    assert.ok(m, r.json.error.message);
    const over = g(m[1]);
    assert.ok(over >= total - 300000 && over < total, `${over} g over of ${total}`);
    const names = r.json.error.details.map((d) => d.message);
    assert.ok(names.length >= 1);
    for (const d of r.json.error.details) {
      assert.equal(d.code, 'left_over');
      assert.ok(POINTS.includes(d.field), d.field);
      assert.ok(r.json.error.message.includes(d.message));
    }
    assert.equal(fr.status, 409);
    assert.match(fr.json.error.message, /kg de trop/);
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /kg too many/);
    // nothing written: same rows, same ids
    assert.deepEqual(db.sql(`SELECT r.id, s.id, s.pickup_point_id, s.eta FROM rounds r JOIN round_stops s ON s.round_id = r.id WHERE r.cycle_id = ${cycle} ORDER BY 2`), rowsBefore);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycle}`), 'batched');
  });

  it('honours a pinned pickup point', async () => {
    const j = (await coord.get(`/api/v1/cycles/${cycle}/rounds`)).json;
    // the lightest stop, pinned to the vehicle that does not carry it now
    const all = j.rounds.flatMap((x) => x.stops.map((s) => ({ ...s, vehicle: x.vehicle })));
    const s = all.sort((a, b) => g(a.load_kg) - g(b.load_kg))[0];
    const other = s.vehicle === 'kangoo' ? 'master' : 'kangoo';
    db.sql(`INSERT INTO pickup_point_vehicles (hub_id, pickup_point_id, vehicle_id)
            SELECT p.hub_id, p.id, v.id FROM pickup_points p, vehicles v WHERE p.slug = '${s.pickup_point}' AND v.slug = '${other}'`);
    const r = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    assert.equal(r.status, 200, r.text);
    const round = r.json.rounds.find((x) => x.stops.some((t) => t.pickup_point === s.pickup_point));
    assert.equal(round.vehicle, other);
    checkBatch(cycle, r.json);
    // a pin to a vehicle off the road is set aside, not refused
    db.sql(`UPDATE vehicles SET active = false WHERE slug = '${other}'`);
    const off = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    db.sql(`UPDATE vehicles SET active = true WHERE slug = '${other}'`);
    db.sql('DELETE FROM pickup_point_vehicles');
    // one van of 450 or 1100 kg cannot carry 1.2 t
    assert.equal(off.status, 409);
    assert.equal(off.json.error.code, 'cycle_does_not_fit');
  });

  it('refuses to change the rounds of an invoiced cycle', async () => {
    db.sql(`UPDATE cycles SET state = 'invoiced' WHERE id = ${cycle}`);
    const r = await coord.post(`/api/v1/cycles/${cycle}/batch`, {});
    db.sql(`UPDATE cycles SET state = 'batched' WHERE id = ${cycle}`);
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'cycle_invoiced');
  });

  it('splits a pickup point heavier than any vehicle across rounds, dividing its orders', async () => {
    split = openCycle(db);
    // Crest: 16 orders of 75 kg (1.2 t, more than the Master); 7 light points of 20 kg
    const list = [];
    for (let i = 0; i < 16; i++) list.push({ consumer: consumers[i], pickup: 'crest-halle', lines: [['SAC-50', 1], ['POM-5KG', 5]] });
    for (let i = 0; i < 7; i++) list.push({ consumer: consumers[16 + i], pickup: POINTS[1 + i], lines: [['PANIER', 2], ['FARINE', 4]] });
    await place(split, list);
    // its closing time passes: batching closes it without waiting for the server's timer
    db.sql(`UPDATE cycles SET opens_at = now() - interval '2 hours', closes_at = now() - interval '1 second' WHERE id = ${split}`);
    const r = await coord.post(`/api/v1/cycles/${split}/batch`, {});
    assert.equal(r.status, 200, r.text);
    const parts = r.json.rounds.flatMap((x) => x.stops.filter((s) => s.pickup_point === 'crest-halle').map((s) => ({ ...s, vehicle: x.vehicle })));
    assert.equal(parts.length, 2);
    assert.deepEqual(parts.map((p) => `${p.part}/${p.parts}`).sort(), ['1/2', '2/2']);
    assert.notEqual(parts[0].vehicle, parts[1].vehicle);
    assert.equal(sum(parts.map((p) => p.orders)), 16);
    assert.equal(sum(parts.map((p) => g(p.load_kg))), 16 * 75000);
    // the split orders are listed, each once, and only those
    const rso = db.sql(`SELECT s.part, count(*) FROM round_stop_orders x JOIN round_stops s ON s.id = x.stop_id
                         WHERE s.cycle_id = ${split} GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(rso.map(([p, n]) => [Number(p), Number(n)]), parts.sort((a, b) => a.part - b.part).map((p) => [p.part, p.orders]));
    checkBatch(split, r.json);
    // the first cycle's batch is untouched by this one
    checkBatch(cycle, (await coord.get(`/api/v1/cycles/${cycle}/rounds`)).json);
    const cli = km0(['batch', '--cycle', String(split)], { db });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /part 1\/2/);
    assert.match(cli.stdout, /part 2\/2/);
  });

  it('answers usage errors from the CLI with exit status 2', () => {
    for (const args of [['batch'], ['batch', '--cycle'], ['batch', '--cycle', 'x'], ['batch', '--cycle', '0'], ['batch', '--cycle', '1', 'extra'], ['batch', '--round', '1']]) {
      const r = km0(args, { db });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    const r = km0(['batch', '--cycle', '999999'], { db, env: { LANG: 'C.UTF-8' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no such cycle|n’existe pas/);
  });
});
