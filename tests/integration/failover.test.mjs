// The database server lost under load, twice: PostgreSQL in failover (scripts/ha.sh: a
// pg_auto_failover monitor, a primary, a synchronous standby with remote_apply, on
// loopback ports) behind two km0 servers that use the multi-host URL. Consumers place
// orders through both servers; the primary's machine is "lost" (kill -9 of its
// pg_autoctl and PostgreSQL, all at once); pg_auto_failover promotes the standby; km0
// answers 503 with Retry-After meanwhile and finds the new primary by itself. The
// lost node rejoins as a standby, and the same happens the other way.
//
// The test keeps its own ledger of what km0 acknowledged: each consumer places one
// order and retries it (the same whole order, as docs/api.md says) until a 200 or a
// 409. Afterwards every acknowledged order is in the database exactly as
// acknowledged, none twice, no stock oversold, and the invoices issued after the
// failovers continue the numbering of those issued before, without a gap. The time
// from each kill to the first order acknowledged after it is measured and reported
// (test diagnostics, and var/test-logs/failover-times.json).
//
// KM0_SOAK=1: six failovers instead of two, with more load between them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, km0, startServer, makeConsumers, clientFor, insertProducts, openCycle, fixture, tmpDir, freePort, addUser, Client, TIMEOUT } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';
import { snapshot } from '../lib/security.mjs';

const FAILOVERS = process.env.KM0_SOAK ? 6 : 2;
const WORKERS = 12; // consumers ordering at once, across both servers
const ACKS_BETWEEN = process.env.KM0_SOAK ? 200 : 60; // orders acknowledged before each kill
const dir = path.join(ROOT, `var/test-ha-${process.pid}`);
const haEnv = { ...process.env, KM0_PG_FSYNC: 'off' };
const ha = (...args) => execFileSync(path.join(ROOT, 'scripts/ha.sh'), [args[0], dir, ...args.slice(1)], { env: haEnv, timeout: TIMEOUT.cmd, encoding: 'utf8' }).trim();
const haAsync = async (...args) => (await promisify(execFile)(path.join(ROOT, 'scripts/ha.sh'), [args[0], dir, ...args.slice(1)], { env: haEnv, timeout: TIMEOUT.cmd })).stdout.trim();
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** The harness's db object over a libpq URL (here, the multi-host one: the primary). */
function dbAt(url) {
  // the SQL on standard input: thousands of generated consumers outgrow an argument
  const sql = (q) => execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', url, '-f', '-'], { input: q, encoding: 'utf8', timeout: TIMEOUT.cmd, maxBuffer: 1 << 28 })
    .split('\n').filter((l) => l.length).map((l) => l.split('\t'));
  return { name: 'km0', url, sql, one: (q) => { const r = sql(q); return r.length ? r[0][0] : undefined; } };
}

const PRODUCTS = [
  { producer: 'ferme-trois-chenes', sku: 'HA-CAR', name: 'Carottes', price: '2.37', stock: null, step: '0.5', weight: '0.2' },
  { producer: 'ferme-trois-chenes', sku: 'HA-RARE', name: 'Asperges', price: '9.10', stock: '60', step: '1', weight: '0.2' },
  { producer: 'vergers-grane', sku: 'HA-POM', name: 'Pommes', price: '2.60', vat: '0', stock: null, step: '0.5', weight: '0.2' },
];
const PICKUPS = ['crest-halle', 'valence-panier', 'die-mjc', 'livron-gare'];

/** Consumer i's one order: deterministic, 1 to 3 lines, sometimes the scarce product. */
function orderOf(i) {
  const lines = [{ producer: PRODUCTS[0].producer, sku: 'HA-CAR', quantity: String(((i % 4) + 1) / 2) }];
  if (i % 3 === 0) lines.push({ producer: PRODUCTS[2].producer, sku: 'HA-POM', quantity: String(((i % 5) + 1) / 2) });
  if (i % 4 === 1) lines.push({ producer: PRODUCTS[1].producer, sku: 'HA-RARE', quantity: String((i % 2) + 1) });
  return { pickup_point: PICKUPS[i % PICKUPS.length], lines };
}

describe('PostgreSQL failover under order load (pg_auto_failover, two km0 servers)', { timeout: 900000 }, () => {
  let db, servers = [], conf, consumers, cycleBefore, cycle;
  const times = [];

  before(async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    mkdirSync(dir, { recursive: true });
    await promisify(execFile)(path.join(ROOT, 'scripts/ha.sh'), ['init', dir],
      { env: { ...haEnv, KM0_HA_PORTS: ports.join(' ') }, timeout: TIMEOUT.cmd });
    db = dbAt(ha('url'));
    assert.equal(db.one('SHOW synchronous_commit'), 'remote_apply');
    assert.match(db.one('SHOW synchronous_standby_names'), /pgautofailover_standby/);
    assert.equal(km0(['migrate'], { db }).status, 0);
    assert.equal(km0(['seed', fixture('hub')], { db }).status, 0);
    db.sql('UPDATE pickup_points SET capacity_orders = NULL'); // the ledger is about stock
    for (const p of PRODUCTS) insertProducts(db, p.producer, [p]);
    consumers = makeConsumers(db, process.env.KM0_SOAK ? 12000 : 4000, 'ha');
    // a first week, invoiced before any failover
    cycleBefore = openCycle(db);
    conf = writeConf(tmpDir('km0-ha'), 'km0.conf', `threads = 6
      db_connect_timeout_s = 2
      statement_timeout_ms = 5000
      retry_after_s = 1
      connections_per_address = 0
      database_read_url = "${ha('read-url')}"`);
    servers = [await startServer(db, { config: conf }), await startServer(db, { config: conf })];
    for (let i = 0; i < 6; i++) {
      const r = await clientFor(servers[i % 2], consumers[i]).put(`/api/v1/cycles/${cycleBefore}/order`, orderOf(i));
      assert.equal(r.status, 200, r.text);
    }
    for (const args of [['cycle', 'close', String(cycleBefore)], ['batch', '--cycle', String(cycleBefore)], ['invoice', 'issue', '--cycle', String(cycleBefore)]]) {
      const r = km0(args, { db });
      assert.equal(r.status, 0, `km0 ${args.join(' ')}: ${r.stderr}`);
    }
    cycle = openCycle(db);
  });

  after(async () => {
    for (const s of servers) await s.stop();
    try { await haAsync('destroy'); } catch (e) { console.error(`ha.sh destroy: ${e.message}`); }
    if (times.length) {
      mkdirSync(path.join(ROOT, 'var/test-logs'), { recursive: true });
      writeFileSync(path.join(ROOT, 'var/test-logs/failover-times.json'), JSON.stringify(times, null, 2) + '\n');
    }
  });

  it(`loses no acknowledged order over ${FAILOVERS} failovers, and km0 finds each new primary by itself`, async (t) => {
    const ledger = new Map(); // consumer index → 'ok' | 'refused' (its last definitive answer)
    const answers = []; // [sentAt, status, code, retryAfter]
    const problems = [];
    let next = 0, running = true, acks = 0;
    const worker = async (w) => {
      while (running && next < consumers.length) {
        const i = next++;
        const client = clientFor(servers[(i + w) % 2], consumers[i]);
        for (let attempt = 0; running; attempt++) {
          // each retry through the other server, as nginx would send it
          client.base = servers[(i + w + attempt) % 2].base;
          const sentAt = Date.now();
          let r;
          try {
            r = await client.put(`/api/v1/cycles/${cycle}/order`, orderOf(i));
          } catch (e) { problems.push(`consumer ${i}: ${e.message}`); return; }
          answers.push([sentAt, r.status, r.json?.error?.code, r.headers.get('retry-after')]);
          if (r.status === 200) {
            // what was acknowledged is what was sent
            const said = r.json.order.lines.map((l) => `${l.sku}=${l.quantity}`).sort().join(',');
            const sent = orderOf(i).lines.map((l) => `${l.sku}=${l.quantity}`).sort().join(',');
            if (said !== sent) { problems.push(`consumer ${i}: acknowledged ${said}, sent ${sent}`); return; }
            ledger.set(i, 'ok');
            acks++;
            break;
          }
          if (r.status === 409) { ledger.set(i, 'refused'); break; }
          if (r.status !== 503) { problems.push(`consumer ${i}: ${r.status} ${r.text}`); return; }
          ledger.set(i, 'unknown');
          await sleep(100 + Math.random() * 100); // a client honouring Retry-After would wait longer
        }
        await sleep(250); // the next consumer
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    const until = async (cond, what, ms = 180000) => {
      const end = Date.now() + ms;
      while (!cond() && Date.now() < end && problems.length === 0) await sleep(50);
      assert.deepEqual(problems, []);
      assert.ok(cond(), what);
    };
    try {
      for (let f = 1; f <= FAILOVERS; f++) {
        const start = acks;
        await until(() => acks >= start + ACKS_BETWEEN, `orders acknowledged before failover ${f}`);
        const lost = await haAsync('primary');
        assert.match(lost, /^node[12]$/);
        await haAsync('kill', lost); // SIGKILL to the node's process group: gone on return
        const killedAt = Date.now();
        // the first order acknowledged that was sent after the kill
        await until(() => answers.some(([s, st]) => s > killedAt && st === 200), `an order acknowledged after failover ${f}`);
        const firstOk = Math.min(...answers.filter(([s, st]) => s > killedAt && st === 200).map(([s]) => s));
        const promoted = await haAsync('primary');
        assert.notEqual(promoted, lost, 'the standby was promoted');
        const unavailable = answers.filter(([s, st]) => s > killedAt && s < firstOk && st === 503).length;
        // the lost node comes back and pg_auto_failover makes it the new standby
        const rejoinAt = Date.now();
        await haAsync('start', lost);
        await haAsync('wait');
        const rejoinMs = Date.now() - rejoinAt;
        times.push({ failover: f, lost, promoted, kill_to_first_order_ms: firstOk - killedAt, answers_503_meanwhile: unavailable, rejoin_ms: rejoinMs });
        t.diagnostic(`failover ${f}: ${lost} killed, ${promoted} promoted; first order acknowledged ${firstOk - killedAt} ms after the kill ` +
          `(${unavailable} answers 503 meanwhile); ${lost} back as standby in ${rejoinMs} ms`);
      }
      const start = acks;
      await until(() => acks >= start + 20, 'orders acknowledged after the last failover');
    } finally {
      running = false;
      await Promise.all(workers);
    }
    assert.deepEqual(problems, []);

    // every answer: 200, 409 (out of stock), or 503 with Retry-After and a code that says
    // nothing was written or that the outcome is not known
    for (const [, status, code, retryAfter] of answers.filter(([, st]) => st === 503)) {
      assert.ok(['database_unavailable', 'outcome_unknown', 'timeout'].includes(code), `503 ${code}`);
      assert.equal(retryAfter, '1', `503 ${code} carries Retry-After`);
      assert.equal(status, 503);
    }
    assert.ok(answers.some(([, st]) => st === 503), 'the failovers were seen by km0');

    // the ledger against the database
    const stored = new Map(db.sql(`SELECT o.customer_id,
        (SELECT count(*) FROM orders o2 WHERE o2.cycle_id = o.cycle_id AND o2.customer_id = o.customer_id),
        string_agg(f.sku || '=' || l.quantity_milli, ',' ORDER BY f.sku)
      FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN offers f ON f.id = l.offer_id
      WHERE o.cycle_id = ${cycle} GROUP BY o.id`).map(([cid, n, lines]) => [Number(cid), { n, lines }]));
    const expect = (i) => orderOf(i).lines.map((l) => `${l.sku}=${Math.round(Number(l.quantity) * 1000)}`).sort().join(',');
    let ok = 0, refused = 0, unknown = 0;
    for (const [i, what] of ledger) {
      const got = stored.get(consumers[i].customerId);
      if (what === 'ok') {
        ok++;
        assert.ok(got, `consumer ${i}: acknowledged order lost`);
        assert.equal(got.n, '1', `consumer ${i}: one order`);
        assert.equal(got.lines, expect(i), `consumer ${i}: stored as acknowledged`);
      } else if (what === 'refused') {
        refused++;
        assert.equal(got, undefined, `consumer ${i}: refused, and no order`);
      } else {
        unknown++; // never answered for sure (the run ended): stored whole, or not at all
        if (got) assert.equal(got.lines, expect(i));
      }
    }
    assert.equal(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${cycle}`), String(stored.size), 'one order per customer');
    assert.equal(db.one(`SELECT count(*) FROM (SELECT order_id, offer_id FROM order_lines GROUP BY 1, 2 HAVING count(*) > 1) d`), '0', 'no line twice');
    // stock: what each offer counts as sold is what its lines hold, never past the stock
    assert.equal(db.one(`SELECT count(*) FROM offers f WHERE f.cycle_id = ${cycle}
      AND (f.sold_milli <> coalesce((SELECT sum(quantity_milli) FROM order_lines l WHERE l.offer_id = f.id), 0)
           OR f.sold_milli > coalesce(f.stock_milli, f.sold_milli))`), '0');
    assert.ok(refused > 0, 'the scarce product ran out during the run');
    const codes = {};
    for (const [, st, code] of answers) codes[code ? `${st} ${code}` : st] = (codes[code ? `${st} ${code}` : st] || 0) + 1;
    t.diagnostic(`${answers.length} answers (${JSON.stringify(codes)}): ${ok} orders acknowledged, ${refused} refused (out of stock), ${unknown} left unknown`);
    times.push({ answers: codes, acknowledged: ok, refused, unknown });

    // invoices after the failovers continue the numbering of those before, with no gap
    const issuedBefore = Number(db.one('SELECT count(*) FROM invoices'));
    assert.ok(issuedBefore > 0);
    for (const args of [['cycle', 'close', String(cycle)], ['batch', '--cycle', String(cycle)], ['invoice', 'issue', '--cycle', String(cycle)]]) {
      const r = km0(args, { db });
      assert.equal(r.status, 0, `km0 ${args.join(' ')}: ${r.stderr}`);
    }
    assert.ok(Number(db.one(`SELECT count(*) FROM invoices WHERE cycle_id = ${cycle}`)) >= ok);
    const gaps = db.sql(`SELECT s.seller_key, s.last_number, count(i.*), min(i.seq), max(i.seq)
      FROM invoice_sequences s JOIN invoices i USING (hub_id, seller_key, year) GROUP BY 1, 2`);
    for (const [seller, last, n, min, max] of gaps) {
      assert.deepEqual([n, min, max], [last, '1', last], `${seller}: numbers 1 to ${last}, each once`);
    }
    assert.equal(db.one(`SELECT count(*) FROM invoices a JOIN invoices b ON a.seller_key = b.seller_key AND a.year = b.year
      WHERE a.cycle_id = ${cycleBefore} AND b.cycle_id = ${cycle} AND a.seq > b.seq`), '0', 'the new week numbered after the old one');
  });

  it('serves documents, reports and the shop\'s catalog from the standby (database_read_url)', async () => {
    const primary = ha('primary');
    const standby = dbAt(ha('node-url', primary === 'node1' ? 'node2' : 'node1'));
    // km0's sessions on the standby that ran a statement since `since` (the standby's
    // own clock): only database_read_url leads there, so these are its reads
    const readSince = (since) => Number(standby.one(`SELECT count(*) FROM pg_stat_activity
      WHERE application_name = 'km0' AND query_start >= '${since}'`));
    const buyer = consumers[0]; // ordered in the first week, invoiced
    const number = db.one(`SELECT i.number FROM invoices i JOIN orders o ON o.id = i.order_id
      WHERE o.customer_id = ${buyer.customerId} ORDER BY i.id LIMIT 1`);
    assert.ok(number);
    addUser(db, { email: 'ha-coord@example.org', role: 'coordinator' });
    const other = openCycle(db); // the week the shop shows (the failovers' one is closed)
    const reads = [
      ['an invoice', (s) => clientFor(s, buyer).get(`/api/v1/invoices/${encodeURIComponent(number)}?format=xml`), number],
      ['the shop', (s) => clientFor(s, buyer).get('/'), 'Carottes'],
      ['a report', async (s) => {
        const coord = new Client(s.base);
        await coord.login('ha-coord@example.org', 'correct horse battery');
        return coord.get(`/api/v1/cycles/${cycleBefore}/reports/delivery?format=xml`);
      }, PICKUPS[0]],
    ];
    for (const s of servers) {
      for (const [what, get, shows] of reads) {
        const since = standby.one('SELECT now()');
        const r = await get(s);
        assert.equal(r.status, 200, `${what}: ${r.text}`);
        assert.ok(r.text.includes(shows), `${what} shows ${shows}`);
        assert.ok(readSince(since) > 0, `${what} read on the standby`);
      }
    }
    assert.match(servers[0].logs(), /event=db\.connected host=\S+ port=\d+ use=read/);
    // its orders still go to the primary, and read back there
    const c = clientFor(servers[1], buyer);
    assert.equal((await c.put(`/api/v1/cycles/${other}/order`, orderOf(2))).status, 200);
    assert.equal((await c.get(`/api/v1/cycles/${other}/order`)).status, 200);
  });

  it('drops a connection that meets a read-only server (25006) and opens it again', async () => {
    const primary = ha('primary');
    const node = dbAt(ha('node-url', primary));
    const c = clientFor(servers[0], consumers[consumers.length - 1]);
    const other = openCycle(db);
    assert.equal((await c.put(`/api/v1/cycles/${other}/order`, orderOf(0))).status, 200);
    const pids = () => new Set(node.sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'km0'").map(([p]) => p));
    const before = pids();
    // the primary turned read-only under km0's open sessions (a node being demoted)
    node.sql('ALTER SYSTEM SET default_transaction_read_only = on');
    node.sql('SELECT pg_reload_conf()');
    try {
      const was = snapshot(node);
      const r = await c.put(`/api/v1/cycles/${other}/order`, orderOf(1));
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error.code, 'database_unavailable');
      assert.equal(r.headers.get('retry-after'), '1');
      assert.deepEqual(snapshot(node), was, 'nothing written');
      assert.match(servers[0].logs(), /event=db\.reconnect reason=read_only/);
    } finally {
      node.sql('ALTER SYSTEM RESET default_transaction_read_only');
      node.sql('SELECT pg_reload_conf()');
    }
    const r = await c.put(`/api/v1/cycles/${other}/order`, orderOf(1));
    assert.equal(r.status, 200, r.text);
    // the connection that met the read-only server was closed (and another opened)
    const after = pids();
    assert.ok([...before].some((p) => !after.has(p)), 'a connection was closed');
  });
});
