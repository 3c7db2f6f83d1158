// Cycles and orders under concurrency (issue 14, items 6, 7 and 8): generating weeks
// from the template is one transaction and never makes a week twice, even when
// several generations run at once; a coordinator's close wins promptly under a
// sustained order load and records when it took effect; an order change writes each
// offer it touches once, by the net difference.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  freshDb, startServer, addUser, makeConsumers, clientFor, insertProducts, openCycle, BIN, ROOT, tmpDir,
} from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';

const FTC = 'ferme-trois-chenes';
const VOL = 'volailles-plein-champ';

/** km0 CLI as a child process that does not block the event loop. */
function km0Async(args, db) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { cwd: ROOT, env: { ...process.env, KM0_DATABASE_URL: db.url } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('cycles from the weekly template', () => {
  let db, srv, coord;
  before(async () => {
    db = freshDb('generate');
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', 'correct horse battery');
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('makes every week or none: a failure on the third week leaves no cycle', { timeout: 60000 }, async () => {
    // a refusal the test plants in the database: the third cycle inserted fails
    db.sql(`CREATE SEQUENCE t_generated;
      CREATE FUNCTION t_third_fails() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('t_generated') >= 3 THEN RAISE EXCEPTION 'test: the third week is refused'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER t_third_fails BEFORE INSERT ON cycles FOR EACH ROW EXECUTE FUNCTION t_third_fails()`);
    try {
      const r = await km0Async(['cycle', 'generate', '--weeks', '4'], db);
      assert.notEqual(r.status, 0, 'the generation reported success');
      assert.equal(db.one('SELECT count(*) FROM cycles'), '0', 'weeks before the failure were kept');
      assert.equal(db.one('SELECT count(*) FROM cycle_producers'), '0');
      assert.equal(db.one('SELECT count(*) FROM cycle_pickup_points'), '0');
    } finally {
      db.sql('DROP TRIGGER t_third_fails ON cycles; DROP FUNCTION t_third_fails(); DROP SEQUENCE t_generated');
    }
  });

  it('makes each week once when ten generations run at once (HTTP and CLI)', { timeout: 120000 }, async () => {
    const weeks = 4;
    const http = Array.from({ length: 6 }, () => coord.post('/api/v1/cycles', { from_template: true, weeks }));
    const cli = Array.from({ length: 4 }, () => km0Async(['cycle', 'generate', '--weeks', String(weeks)], db));
    const [replies, runs] = await Promise.all([Promise.all(http), Promise.all(cli)]);
    const ids = [];
    for (const r of replies) {
      assert.equal(r.status, 201, r.text);
      ids.push(...r.json.cycles.map((c) => c.id));
    }
    for (const r of runs) {
      assert.equal(r.status, 0, r.stderr);
      ids.push(...r.stdout.split('\n').filter(Boolean).map(Number));
    }
    // every week exists once, and was announced by exactly one of the generations
    assert.equal(db.one('SELECT count(*) FROM cycles'), String(weeks));
    assert.equal(db.one('SELECT count(DISTINCT opens_at) FROM cycles'), String(weeks));
    assert.deepEqual([...ids].sort((a, b) => a - b),
      db.sql('SELECT id FROM cycles ORDER BY id').map(([id]) => Number(id)));
    // each with its producers and pickup points, once
    assert.deepEqual(db.sql(`SELECT count(DISTINCT x.cycle_id), count(*) FROM cycle_pickup_points x`),
      [[String(weeks), String(weeks * Number(db.one('SELECT count(*) FROM pickup_points WHERE active')))]]);
    // and a later run finds nothing left to make
    const again = await coord.post('/api/v1/cycles', { from_template: true, weeks });
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(again.json.cycles, []);
  });
});

describe('closing a cycle by hand under a sustained order load', () => {
  let db, srv, coord, consumers;
  before(async () => {
    db = freshDb('closeload');
    insertProducts(db, FTC, [
      { sku: 'CLOSE-CAR', name: 'Carottes', price: '2.37', stock: null, step: '0.5' },
      { sku: 'CLOSE-POI', name: 'Poireaux', price: '2.84', stock: null, step: '0.5' },
    ]);
    insertProducts(db, VOL, [{ sku: 'CLOSE-OEU', name: 'Œufs', unit: 'piece', price: '0.35', stock: null, step: '6' }]);
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    consumers = makeConsumers(db, 48, 'load');
    // a short lock wait: a close that queues behind the orders' locks fails fast
    const conf = writeConf(tmpDir('km0-close'), 'serve.conf', 'statement_timeout_ms = 3000\nthreads = 24\n# 48 consumers from one address: each would have its own\nconnections_per_address = 0');
    srv = await startServer(db, { config: conf });
    coord = srv.client();
    await coord.login('coord@example.org', 'correct horse battery');
  });
  after(async () => { await srv.stop(); db.drop(); });

  /** Orders from every consumer, each changing its order again and again, until stop(). */
  function orderLoad(cycle) {
    let running = true;
    const counts = { ok: 0, closed: 0, other: [], each: consumers.map(() => 0) };
    const loops = consumers.map(async (c, i) => {
      const cl = clientFor(srv, c);
      for (let k = 0; running; k++) {
        const r = await cl.put(`/api/v1/cycles/${cycle}/order`, {
          pickup_point: 'crest-halle',
          lines: [
            { producer: FTC, sku: 'CLOSE-CAR', quantity: String(0.5 * (1 + ((i + k) % 7))) },
            { producer: FTC, sku: 'CLOSE-POI', quantity: '1' },
            { producer: VOL, sku: 'CLOSE-OEU', quantity: String(6 * (1 + (k % 3))) },
          ],
        });
        if (r.status === 200) counts.ok++, counts.each[i]++;
        else if (r.status === 403) counts.closed++;
        else counts.other.push(`${r.status} ${r.text.slice(0, 120)}`);
      }
    });
    return { counts, stop: async () => { running = false; await Promise.all(loops); } };
  }

  for (const attempt of [1, 2, 3]) {
    it(`closes at once and before every order it let in (try ${attempt})`, { timeout: 120000 }, async () => {
      const cycle = openCycle(db);
      const load = orderLoad(cycle);
      // let the load settle: every consumer has placed and keeps changing an order
      for (let waited = 0; Math.min(...load.counts.each) < 2; waited += 50) {
        assert.ok(waited < 60000, `the load never got going: ${JSON.stringify(load.counts)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const started = Date.now();
      const r = await coord.patch(`/api/v1/cycles/${cycle}`, { state: 'closed' });
      const took = Date.now() - started;
      // the load goes on a little after the close, and is refused
      const before = load.counts.closed;
      for (let waited = 0; load.counts.closed < before + consumers.length && waited < 20000; waited += 50) {
        await new Promise((res) => setTimeout(res, 50));
      }
      await load.stop();
      assert.equal(r.status, 200, `the close failed after ${took} ms: ${r.text}`);
      assert.equal(r.json.cycle.state, 'closed');
      // a generous bound: the close waits for the orders in flight, not for the load to stop
      assert.ok(took < 5000, `the close took ${took} ms`);
      assert.deepEqual(load.counts.other, [], 'orders answered other than 200 or 403');
      assert.ok(load.counts.closed >= consumers.length, 'the load did not go on after the close');
      // the recorded closing time is when the close took effect: no order is later
      const late = db.sql(`SELECT o.id, o.created_at, o.updated_at, c.closes_at FROM orders o
        JOIN cycles c ON c.id = o.cycle_id
        WHERE o.cycle_id = ${cycle} AND (o.updated_at > c.closes_at OR o.created_at > c.closes_at)`);
      assert.deepEqual(late, [], `${late.length} orders are timestamped after the recorded close`);
      assert.equal(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${cycle}`), String(consumers.length));
      // the stock counters agree with the lines the close froze
      assert.deepEqual(db.sql(`SELECT f.sku FROM offers f WHERE f.cycle_id = ${cycle}
        AND f.sold_milli <> (SELECT coalesce(sum(l.quantity_milli), 0) FROM order_lines l WHERE l.offer_id = f.id)`), []);
    });
  }
});

describe('an order change writes each offer once', () => {
  let db, srv, cycle, buyer;
  before(async () => {
    db = freshDb('netupdate');
    insertProducts(db, FTC, [
      { sku: 'NET-A', name: 'Carottes', price: '2.37', stock: '100', step: '0.5' },
      { sku: 'NET-B', name: 'Poireaux', price: '2.84', stock: '100', step: '0.5' },
      { sku: 'NET-C', name: 'Navets', price: '1.20', stock: null, step: '1' },
    ]);
    cycle = openCycle(db);
    [buyer] = makeConsumers(db, 1, 'net');
    // every row version an UPDATE of offers makes, with the transaction that made it
    db.sql(`CREATE TABLE t_offer_writes (offer_id bigint, tx bigint, sold bigint);
      CREATE FUNCTION t_offer_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO t_offer_writes VALUES (NEW.id, txid_current(), NEW.sold_milli); RETURN NEW; END $$;
      CREATE TRIGGER t_offer_write AFTER UPDATE ON offers FOR EACH ROW EXECUTE FUNCTION t_offer_write()`);
    srv = await startServer(db);
  });
  after(async () => { await srv.stop(); db.drop(); });

  const offer = (sku) => db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = '${sku}'`);
  const sold = (sku) => db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = '${sku}'`);
  /** The offers the last request wrote, each with how many times. */
  function writes() {
    const rows = db.sql(`SELECT f.sku, count(*) FROM t_offer_writes w JOIN offers f ON f.id = w.offer_id
      GROUP BY f.sku ORDER BY f.sku`);
    db.sql('TRUNCATE t_offer_writes');
    return Object.fromEntries(rows.map(([sku, n]) => [sku, Number(n)]));
  }
  const put = (lines) => clientFor(srv, buyer).put(`/api/v1/cycles/${cycle}/order`, {
    pickup_point: 'crest-halle', lines: lines.map(([sku, quantity]) => ({ producer: FTC, sku, quantity })),
  });

  it('takes stock once per offer for a new order', async () => {
    const r = await put([['NET-A', '2'], ['NET-B', '1']]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(writes(), { 'NET-A': 1, 'NET-B': 1 });
    assert.deepEqual([sold('NET-A'), sold('NET-B')], ['2000', '1000']);
  });

  it('changes an order by the difference only: an unchanged line writes nothing', async () => {
    const r = await put([['NET-A', '3'], ['NET-B', '1'], ['NET-C', '4']]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(writes(), { 'NET-A': 1, 'NET-C': 1 });
    assert.deepEqual([sold('NET-A'), sold('NET-B'), sold('NET-C')], ['3000', '1000', '4000']);
  });

  it('gives back a removed line in one write, and a cancel in one write per offer', async () => {
    let r = await put([['NET-A', '3']]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(writes(), { 'NET-B': 1, 'NET-C': 1 });
    assert.deepEqual([sold('NET-A'), sold('NET-B'), sold('NET-C')], ['3000', '0', '0']);
    r = await clientFor(srv, buyer).del(`/api/v1/cycles/${cycle}/order`);
    assert.equal(r.status, 204, r.text);
    assert.deepEqual(writes(), { 'NET-A': 1 });
    assert.equal(sold('NET-A'), '0');
  });

  it('still refuses more than the stock left, counting what the order holds, writing nothing', async () => {
    let r = await put([['NET-A', '60']]);
    assert.equal(r.status, 200, r.text);
    writes();
    // 100 in stock, 60 held: 100 is allowed (net +40), 100.5 is not
    r = await put([['NET-A', '100.5']]);
    assert.equal(r.status, 409, r.text);
    assert.deepEqual(writes(), {});
    r = await put([['NET-A', '100']]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(writes(), { 'NET-A': 1 });
    assert.equal(sold('NET-A'), '100000');
    assert.equal(offer('NET-A') > 0, true);
  });
});
