// PostgreSQL failing under km0, on a private cluster (stopping the shared one would
// disturb other tests): stopped and restarted under a load of orders, made read-only,
// a lock held past statement_timeout, the disk full. Each time km0 answers 503 with
// a message that says what happened (never a 500, never a crash, never a hang past
// its configured timeouts), writes nothing half-way, and recovers by itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, km0, startServer, makeConsumers, clientFor, insertProducts, openCycle, fixture, tmpDir, TIMEOUT, track } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';
import { snapshot } from '../lib/security.mjs';

const FTC = 'ferme-trois-chenes';
const OUTAGES = process.env.KM0_SOAK ? 5 : 1; // stops and restarts of PostgreSQL under load
const CONNECT_S = 2, STATEMENT_MS = 1000;
// a request that takes longer than this has hung (connect + statement timeouts, thrice)
const HANG_MS = 3 * (CONNECT_S * 1000 + STATEMENT_MS) + 5000;

const dir = path.join(ROOT, `var/test-outage2-${process.pid}`);
const pgEnv = { ...process.env, KM0_PG_FSYNC: 'off' };
const pg = (cmd) => execFileSync(path.join(ROOT, 'scripts/pg.sh'), [cmd, dir], { env: pgEnv, timeout: TIMEOUT.cmd }).toString().trim();
const pgAsync = (cmd) => promisify(execFile)(path.join(ROOT, 'scripts/pg.sh'), [cmd, dir], { env: pgEnv, timeout: TIMEOUT.cmd });

/** The harness's db object, for a database of the private cluster. */
function dbAt(url) {
  const sql = (q) => execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', url, '-c', q], { encoding: 'utf8', timeout: TIMEOUT.cmd })
    .split('\n').filter((l) => l.length).map((l) => l.split('\t'));
  return { name: 'km0', url, sql, one: (q) => { const r = sql(q); return r.length ? r[0][0] : undefined; } };
}

/** The answer, or a rejection if there is none within HANG_MS (the request hung). */
function answered(promise) {
  let timer;
  const hang = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS); });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

const order = (q) => ({ pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'CAR', quantity: String(q) }] });
const stored = (db, cycle, cid) => db.one(`SELECT coalesce(string_agg(l.quantity_milli::text, ','), 'none') FROM orders o
  JOIN order_lines l ON l.order_id = o.id WHERE o.cycle_id = ${cycle} AND o.customer_id = ${cid}`);

describe('PostgreSQL failing under km0', () => {
  let db, srv, cycle, consumers, conf;
  before(async () => {
    pg('init');
    pg('start');
    db = dbAt(pg('url'));
    assert.equal(km0(['migrate'], { db }).status, 0);
    assert.equal(km0(['seed', fixture('hub')], { db }).status, 0);
    insertProducts(db, FTC, [{ sku: 'CAR', name: 'Carottes', price: '2.37', stock: '100000', step: '0.5' },
      { sku: 'POI', name: 'Poireaux', price: '2.84', stock: '100000', step: '0.5' }]);
    cycle = openCycle(db);
    consumers = makeConsumers(db, 12, 'outage');
    conf = writeConf(tmpDir('km0-outage'), 'km0.conf', `db_connect_timeout_s = ${CONNECT_S}\nstatement_timeout_ms = ${STATEMENT_MS}`);
    srv = await startServer(db, { config: conf });
  });
  after(async () => {
    await srv?.stop();
    try { pg('stop'); } catch { /* already */ }
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers 503 while PostgreSQL is stopped under load, and recovers by itself (${OUTAGES}×)`, async () => {
    let phase = 'up';
    let running = true;
    const seen = { up: [], down: [], back: [] }; // [status, code] of requests sent and answered in one phase
    const problems = [];
    const known = new Map(consumers.map((c) => [c.customerId, 'none']));
    const uncertain = new Map(consumers.map((c) => [c.customerId, new Set()]));
    const okBack = new Set();
    const worker = async (c, i) => {
      const client = clientFor(srv, c);
      for (let n = 1; running; n++) {
        const q = ((i + n) % 9 + 1) / 2; // 0.5 … 4.5, a different order each time
        const sentIn = phase;
        let r;
        try {
          r = await answered(client.put(`/api/v1/cycles/${cycle}/order`, order(q)));
        } catch (e) { problems.push(e.message); return; }
        const intent = String(q * 1000);
        if (r.status === 200) { known.set(c.customerId, intent); uncertain.get(c.customerId).clear(); }
        else uncertain.get(c.customerId).add(intent); // a 503 may hide a commit whose answer was lost
        if (sentIn === phase && seen[phase]) seen[phase].push([r.status, r.json?.error?.code, r.json?.error?.message]);
        if (phase === 'back' && r.status === 200) okBack.add(c.customerId);
        if (r.status !== 200 && r.status !== 503) problems.push(`${r.status} ${r.text}`);
        if (r.status !== 200) await new Promise((res) => setTimeout(res, 20));
      }
    };
    const workers = consumers.map(worker);
    const until = async (cond, what) => {
      for (let i = 0; i < 1500 && !cond(); i++) await new Promise((res) => setTimeout(res, 20));
      assert.ok(cond(), what);
    };
    for (let outage = 1; outage <= OUTAGES; outage++) {
      phase = 'up';
      seen.up = [];
      await until(() => seen.up.filter(([s]) => s === 200).length >= 20, 'orders flow before the outage');
      await pgAsync('stop');
      phase = 'down';
      const downBefore = seen.down.length;
      await until(() => seen.down.length >= downBefore + 3 * consumers.length, 'answers while PostgreSQL is down');
      const health = await srv.client().get('/healthz');
      assert.equal(health.status, 503);
      assert.equal(health.json.error.code, 'database_unavailable');
      phase = 'starting'; // answers that cross the restart belong to no phase
      await pgAsync('start');
      okBack.clear();
      phase = 'back';
      await until(() => okBack.size === consumers.length, 'every client served again after the restart');
    }
    running = false;
    await Promise.all(workers);
    assert.deepEqual(problems, []);
    // while down: only 503, saying the database does not answer
    for (const [status, code, message] of seen.down) {
      assert.equal(status, 503);
      assert.ok(code === 'database_unavailable' || code === 'timeout', code);
      assert.match(message, /base de données|database/i);
    }
    // nothing lost, nothing half-written: each order is the last confirmed one, or a
    // later one whose answer was lost with the connection
    for (const c of consumers) {
      const got = stored(db, cycle, c.customerId);
      assert.ok(got === known.get(c.customerId) || uncertain.get(c.customerId).has(got),
        `customer ${c.customerId}: stored ${got}, confirmed ${known.get(c.customerId)}`);
    }
    assert.equal(db.one(`SELECT count(*) FROM offers f WHERE f.cycle_id = ${cycle}
      AND f.sold_milli <> coalesce((SELECT sum(quantity_milli) FROM order_lines l WHERE l.offer_id = f.id), 0)`), '0');
    assert.equal((await srv.client().get('/healthz')).status, 200);
  });

  it('starts without its database, answering 503, and serves once it is there', async () => {
    await pgAsync('stop');
    const cold = await startServer(db, { config: conf }); // startServer accepts a 503 /healthz
    try {
      const r = await clientFor(cold, consumers[0]).get(`/api/v1/cycles/${cycle}/order`);
      assert.equal(r.status, 503);
      assert.equal(r.json.error.code, 'database_unavailable');
      const page = await clientFor(cold, consumers[0]).get('/orders');
      assert.equal(page.status, 503);
      assert.match(page.text, /La base de données ne répond pas/);
      await pgAsync('start');
      assert.equal((await cold.client().get('/healthz')).status, 200);
      assert.equal((await clientFor(cold, consumers[0]).put(`/api/v1/cycles/${cycle}/order`, order(1))).status, 200);
    } finally { await cold.stop(); }
  });

  it('answers 503 to writes on a read-only database, writes nothing, and reads on', async () => {
    const c = clientFor(srv, consumers[1]);
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/order`, order(2))).status, 200);
    db.sql('ALTER DATABASE km0 SET default_transaction_read_only = on');
    // km0's connections pick the setting up when they reconnect: end them as a failover would
    db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'km0'");
    try {
      const before = snapshot(db);
      let r = await c.put(`/api/v1/cycles/${cycle}/order`, order(3));
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error.code, 'database_unavailable');
      assert.match(r.json.error.message, /ne peut pas enregistrer.*rien n’a changé/);
      r = await c.del(`/api/v1/cycles/${cycle}/order`);
      assert.equal(r.status, 503);
      const offer = db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = 'CAR'`);
      r = await c.req('POST', '/order', { body: new URLSearchParams({ csrf: consumers[1].csrf, cycle, pickup: 'crest-halle', [`q${offer}`]: '3' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.status, 503, 'the order form too');
      assert.match(r.text, /role="alert"[^>]*>[^<]*rien n’a changé/);
      assert.equal((await srv.client().post('/api/v1/session', { email: 'x@example.org', password: 'whatever pass' })).status, 503);
      assert.deepEqual(snapshot(db), before);
      assert.equal(stored(db, cycle, consumers[1].customerId), '2000');
      // reading needs no write
      r = await c.get(`/api/v1/cycles/${cycle}/order`);
      assert.equal(r.status, 200);
      assert.equal(r.json.order.lines[0].quantity, '2');
    } finally {
      // from another database: every new session of km0's is read-only by now
      dbAt(db.url.replace('dbname=km0', 'dbname=postgres')).sql('ALTER DATABASE km0 RESET default_transaction_read_only');
      db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'km0'");
    }
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/order`, order(3))).status, 200, 'writes again');
  });

  it('answers 503 timeout when a lock is held past statement_timeout, writing nothing', async () => {
    const c = clientFor(srv, consumers[2]);
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/order`, order(1))).status, 200);
    // another session holds the carrots' offer row (a long report, a stuck migration)
    const holder = track(spawn('psql', ['-X', '-q', '-At', db.url], { stdio: ['pipe', 'pipe', 'pipe'], timeout: TIMEOUT.cmd }));
    let out = '';
    holder.stdout.on('data', (d) => { out += d; });
    holder.stdin.write(`BEGIN; SELECT 'locked' FROM offers WHERE cycle_id = ${cycle} AND sku = 'CAR' FOR UPDATE;\n`);
    for (let i = 0; i < 500 && !out.includes('locked'); i++) await new Promise((res) => setTimeout(res, 10));
    assert.ok(out.includes('locked'), 'the other session holds the lock');
    try {
      const before = snapshot(db);
      const r = await answered(c.put(`/api/v1/cycles/${cycle}/order`, order(4)));
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error.code, 'timeout');
      assert.match(r.json.error.message, /trop de temps.*rien n’a changé/);
      assert.deepEqual(snapshot(db), before, 'nothing written');
      assert.equal((await srv.client().get(`/api/v1/cycles/${cycle}`)).status, 200, 'reads do not wait for a row lock');
    } finally {
      holder.stdin.end('ROLLBACK;\n');
      await new Promise((res) => holder.on('close', res));
    }
    assert.equal(stored(db, cycle, consumers[2].customerId), '1000');
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/order`, order(4))).status, 200, 'once the lock is gone');
  });

  it('reports an order whose commit the synchronous standby never confirmed as unknown, not as saved', async () => {
    // With a synchronous standby (scripts/ha.sh, docs/operations.md), COMMIT waits for
    // it. Here it never answers (a standby named that does not exist), and an operator
    // ends the wait with pg_cancel_backend, as one does when a standby is gone:
    // PostgreSQL then returns "committed" with a warning, saved on this machine and on
    // no other. km0 must not answer 200 to that. (statement_timeout does not end that
    // wait: PostgreSQL disarms it before committing.)
    const c = clientFor(srv, consumers[5]);
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/order`, order(1))).status, 200);
    db.sql("ALTER SYSTEM SET synchronous_standby_names = 'km0_absent_standby'");
    db.sql('SELECT pg_reload_conf()');
    try {
      const pending = c.put(`/api/v1/cycles/${cycle}/order`, order(2.5));
      let cancelled = '0';
      for (let i = 0; i < 200 && cancelled === '0'; i++) {
        await new Promise((res) => setTimeout(res, 25));
        cancelled = db.one(`SELECT count(*) FROM (SELECT pg_cancel_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'km0' AND wait_event = 'SyncRep') c`);
      }
      assert.ok(Number(cancelled) >= 1, 'the commit waited for the standby');
      const r = await answered(pending);
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error.code, 'outcome_unknown');
      assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
      // committed on this machine only: exactly why km0 could not say "saved"
      assert.equal(stored(db, cycle, consumers[5].customerId), '2500');
      assert.match(srv.logs(), /level=warn event=db\.commit_unconfirmed/);
    } finally {
      db.sql('ALTER SYSTEM RESET synchronous_standby_names');
      db.sql('SELECT pg_reload_conf()');
    }
    const r = await c.put(`/api/v1/cycles/${cycle}/order`, order(2.5));
    assert.equal(r.status, 200, 'the same order again, confirmed this time');
    assert.equal(stored(db, cycle, consumers[5].customerId), '2500');
  });

  it('answers 503 when the disk is full in the middle of a write, and keeps the order it had', async () => {
    // PostgreSQL reports a full disk as SQLSTATE 53100 from the statement that needed
    // the space. Filling a real filesystem would need a mount of its own; instead the
    // error is raised where it would be: after the new order lines went in, before
    // the commit (see docs/SECURITY.md).
    const c = clientFor(srv, consumers[3]);
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/order`, order(1.5))).status, 200);
    db.sql(`CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device' USING ERRCODE = '53100'; END $$;
      CREATE TRIGGER test_disk_full AFTER INSERT ON order_lines FOR EACH ROW EXECUTE FUNCTION test_disk_full()`);
    try {
      const before = snapshot(db);
      let r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'die-mjc', lines: [{ producer: FTC, sku: 'CAR', quantity: '3' }, { producer: FTC, sku: 'POI', quantity: '2' }] });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error.code, 'database_unavailable');
      assert.match(r.json.error.message, /rien n’a changé/);
      assert.deepEqual(snapshot(db), before, 'nothing half-written');
      const v = clientFor(srv, consumers[4]);
      const had = stored(db, cycle, consumers[4].customerId);
      r = await v.put(`/api/v1/cycles/${cycle}/order`, order(1));
      assert.equal(r.status, 503);
      assert.equal(stored(db, cycle, consumers[4].customerId), had);
      r = await c.get(`/api/v1/cycles/${cycle}/order`);
      assert.equal(r.json.order.lines[0].quantity, '1.5');
      assert.equal(r.json.order.pickup_point, 'crest-halle');
    } finally {
      db.sql('DROP TRIGGER test_disk_full ON order_lines; DROP FUNCTION test_disk_full()');
    }
    assert.equal((await c.put(`/api/v1/cycles/${cycle}/order`, order(3))).status, 200);
  });
});
