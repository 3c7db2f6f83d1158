// Several `km0 serve` behind nginx (round robin on loopback) against one PostgreSQL:
// the stock race, sessions that every server sees, invoice numbers without gaps,
// and nginx's request id in km0's logs. nginx comes from scripts/deps.sh.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, freshDb, startServer, km0, addUser, makeConsumers, insertProducts, openCycle } from '../lib/harness.mjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startNginx, startExampleSite, httpsGet, nginxBinary } from '../lib/scale.mjs';

const FTC = 'ferme-trois-chenes';
const SERVERS = 3;
// The mixed race: short in make test, long in make soak (KM0_SOAK=1); the same
// contention either way, five scarce products for every ten buyers or so.
const SOAK = process.env.KM0_SOAK === '1';
const RACE = SOAK ? { buyers: 600, stock: 40 } : { buyers: 150, stock: 10 };

/** A client of the proxy carrying a consumer's session cookie. */
function viaProxy(proxy, consumer) {
  const c = proxy.client();
  c.cookies.set('km0_session', consumer.token);
  c.csrf = consumer.csrf;
  return c;
}

describe('three km0 servers behind nginx', { skip: nginxBinary() ? false : 'nginx is not installed (scripts/deps.sh)' }, () => {
  let db, servers = [], proxy, cycle;
  const upstreams = () => new Set(servers.map((s) => `127.0.0.1:${s.port}`));

  before(async () => {
    db = freshDb('scaleout');
    insertProducts(db, FTC, [
      { sku: 'RARE', name: 'Truffes', unit: 'piece', price: '10', stock: '10', step: '1', weight: '0.1' },
      { sku: 'PLENTY', name: 'Navets', price: '1.2', stock: null, step: '1' }]);
    cycle = openCycle(db);
    for (let i = 0; i < SERVERS; i++) servers.push(await startServer(db));
    proxy = await startNginx(servers);
  });
  after(async () => {
    await proxy?.stop();
    for (const s of servers) await s.stop();
    db?.drop();
  });

  it('sells exactly the last 10 units to 50 racing clients, the requests spread over every server', async () => {
    const buyers = makeConsumers(db, 50, 'race');
    const results = await Promise.all(buyers.map((b) => viaProxy(proxy, b).put(`/api/v1/cycles/${cycle}/order`,
      { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'RARE', quantity: '1' }] })));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409 && r.json.error.code === 'out_of_stock');
    assert.equal(ok.length, 10, results.map((r) => r.status).join(','));
    assert.equal(refused.length, 40);
    assert.deepEqual(new Set(results.map((r) => r.headers.get('x-upstream'))), upstreams());
    // what the replies promised is exactly what the database holds
    assert.equal(db.one(`SELECT sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'RARE'`), '10000');
    assert.equal(db.one(`SELECT sum(l.quantity_milli) FROM order_lines l JOIN offers o ON o.id = l.offer_id
      WHERE o.cycle_id = ${cycle} AND o.sku = 'RARE'`), '10000');
    assert.deepEqual(db.sql(`SELECT id FROM orders WHERE cycle_id = ${cycle} ORDER BY id`).map((r) => Number(r[0])),
      ok.map((r) => r.json.order.id).sort((a, b) => a - b));
    assert.equal(db.one(`SELECT orders_count FROM cycle_pickup_points x JOIN pickup_points p ON p.id = x.pickup_point_id
      WHERE x.cycle_id = ${cycle} AND p.slug = 'crest-halle'`), '10');
  });

  it(`keeps every invariant under a larger mixed race (${RACE.buyers} buyers${SOAK ? '' : '; 600 under make soak'})`, async () => {
    // the buyers, 5 scarce products, orders of 1 to 3 lines, each buyer setting its
    // order twice (the second replaces the first)
    const skus = ['S1', 'S2', 'S3', 'S4', 'S5'];
    insertProducts(db, FTC, skus.map((sku) => ({ sku, name: `Rare ${sku}`, unit: 'piece', price: '3', stock: String(RACE.stock), step: '1' })));
    const cyc = openCycle(db);
    const buyers = makeConsumers(db, RACE.buyers, 'soak');
    const pick = (i, k) => skus.filter((_, j) => (i + j * k) % 3 === 0).slice(0, 1 + ((i + k) % 3));
    const body = (i, k) => ({ pickup_point: 'crest-halle', lines: (pick(i, k).length ? pick(i, k) : ['S1'])
      .map((sku) => ({ producer: FTC, sku, quantity: String(1 + ((i + k) % 2)) })) });
    for (const round of [1, 2]) {
      const replies = await Promise.all(buyers.map((b, i) => viaProxy(proxy, b).put(`/api/v1/cycles/${cyc}/order`, body(i, round))));
      for (const r of replies) assert.ok(r.status === 200 || (r.status === 409 && r.json.error.code === 'out_of_stock'), `${r.status} ${r.text}`);
      // a race, not a queue: the stock ran out for some buyers in each round
      assert.ok(replies.some((r) => r.status === 409), `round ${round}: nobody was refused`);
    }
    const bad = db.sql(`SELECT o.sku, o.stock_milli, o.sold_milli, coalesce(sum(l.quantity_milli), 0)
      FROM offers o LEFT JOIN order_lines l ON l.offer_id = o.id WHERE o.cycle_id = ${cyc}
      GROUP BY o.id HAVING o.sold_milli > o.stock_milli OR o.sold_milli <> coalesce(sum(l.quantity_milli), 0)`);
    assert.deepEqual(bad, [], 'oversold, or the counter disagrees with the lines');
    assert.equal(db.one(`SELECT count(*) FROM orders o WHERE o.cycle_id = ${cyc} AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)`), '0');
    assert.equal(db.one(`SELECT orders_count FROM cycle_pickup_points x JOIN pickup_points p ON p.id = x.pickup_point_id
      WHERE x.cycle_id = ${cyc} AND p.slug = 'crest-halle'`), db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${cyc}`));
    assert.ok(Number(db.one(`SELECT sum(sold_milli) FROM offers WHERE cycle_id = ${cyc}`)) > 0);
  });

  it('keeps a session made on one server valid on every server, and ended on all at once', async () => {
    addUser(db, { email: 'coord-proxy@example.org', role: 'coordinator', password: 'coordinator pass' });
    const c = proxy.client();
    const user = await c.login('coord-proxy@example.org', 'coordinator pass');
    const seen = [];
    for (let i = 0; i < 2 * SERVERS; i++) {
      const r = await c.get('/api/v1/session');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.user.id, user.id);
      assert.equal(r.json.user.csrf_token, user.csrf_token);
      seen.push(r.headers.get('x-upstream'));
    }
    assert.deepEqual(new Set(seen), upstreams(), `round robin reached ${seen}`);
    // logged out through one server: the old cookie, sent again, opens nothing anywhere
    const token = c.cookies.get('km0_session');
    const out = await c.del('/api/v1/session');
    assert.equal(out.status, 204);
    const replay = proxy.client();
    seen.length = 0;
    for (let i = 0; i < SERVERS; i++) {
      replay.cookies.set('km0_session', token);
      const r = await replay.get('/api/v1/session');
      assert.equal(r.status, 401);
      seen.push(r.headers.get('x-upstream'));
    }
    assert.deepEqual(new Set(seen), upstreams());
  });

  it('numbers invoices without gap or duplicate when cycles are invoiced at once through several servers', async () => {
    addUser(db, { email: 'coord-inv@example.org', role: 'coordinator', password: 'coordinator pass' });
    const cycles = [];
    for (let k = 0; k < 3; k++) {
      const cyc = openCycle(db);
      const buyers = makeConsumers(db, 6, `inv${k}-`);
      for (const [i, b] of buyers.entries()) {
        const r = await viaProxy(proxy, b).put(`/api/v1/cycles/${cyc}/order`, { pickup_point: 'crest-halle',
          lines: [{ producer: FTC, sku: 'PLENTY', quantity: String(1 + i) }] });
        assert.equal(r.status, 200, r.text);
      }
      assert.equal(km0(['cycle', 'close', String(cyc)], { db }).status, 0);
      const b = km0(['batch', '--cycle', String(cyc)], { db });
      assert.equal(b.status, 0, b.stderr);
      cycles.push(cyc);
    }
    const coords = await Promise.all([0, 1, 2].map(async () => {
      const c = proxy.client();
      await c.login('coord-inv@example.org', 'coordinator pass');
      return c;
    }));
    // every cycle asked twice at once, each request through whichever server nginx picks
    const replies = await Promise.all(cycles.flatMap((cyc, k) => [0, 1].map((j) =>
      coords[(k + j) % 3].post(`/api/v1/cycles/${cyc}/invoices`, {}))));
    for (const r of replies) assert.ok([200, 201, 409].includes(r.status), `${r.status} ${r.text.slice(0, 300)}`);
    // a cycle is invoiced once: of its two requests, exactly one issues
    cycles.forEach((cyc, k) => assert.equal(replies.slice(2 * k, 2 * k + 2).filter((r) => r.status < 300).length, 1, `cycle ${cyc}`));
    const ids = cycles.join(',');
    // per seller and year: numbers 1..n, no gap, no duplicate, and the counter agrees
    const seqs = db.sql(`SELECT hub_id, seller_key, year, array_agg(seq ORDER BY seq)::text, count(DISTINCT number), count(*)
      FROM invoices GROUP BY 1, 2, 3`);
    assert.ok(seqs.length > 0, 'no invoice issued');
    for (const [hub, seller, year, list, distinctNumbers, n] of seqs) {
      const got = list.replace(/[{}]/g, '').split(',').map(Number);
      assert.deepEqual(got, got.map((_, i) => i + 1), `${seller} ${year}: ${list}`);
      assert.equal(distinctNumbers, n);
      assert.equal(db.one(`SELECT last_number FROM invoice_sequences WHERE hub_id = ${hub} AND seller_key = '${seller}' AND year = ${year}`), n);
    }
    // each order of the cycles invoiced, and once only per seller
    assert.equal(db.one(`SELECT count(*) FROM orders o WHERE o.cycle_id IN (${ids})
      AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id)`), '0');
    assert.equal(db.one(`SELECT count(*) FROM (SELECT order_id, seller_key FROM invoices WHERE type_code = 380
      AND cycle_id IN (${ids}) GROUP BY 1, 2 HAVING count(*) > 1) d`), '0');
  });

  it('runs the example site of config/nginx-km0.conf as shipped: TLS, redirect, cached stylesheet', async () => {
    const site = await startExampleSite(servers);
    let rid;
    try {
      let r = await httpsGet(`${site.https}/healthz`);
      assert.equal(r.status, 200);
      assert.match(r.headers['strict-transport-security'], /max-age=\d+/);
      assert.match(r.headers['x-request-id'], /^[0-9a-f]{32}$/);
      rid = r.headers['x-request-id'];
      r = await fetch(`${site.http}/cycles?x=1`, { redirect: 'manual' });
      assert.equal(r.status, 301);
      assert.match(r.headers.get('location'), /^https:\/\/127\.0\.0\.1(:\d+)?\/cycles\?x=1$/);
      const first = await httpsGet(`${site.https}/static/km0.css`);
      const second = await httpsGet(`${site.https}/static/km0.css`);
      assert.equal(second.status, 200);
      assert.equal(second.text, first.text);
      assert.equal(second.headers['x-cache'], 'HIT');
      assert.equal(second.headers['cache-control'], 'public, max-age=3600');
      r = await httpsGet(`${site.https}/api/v1/cycles`);
      assert.equal(r.status, 200);
      assert.equal(r.headers['cache-control'], 'no-store', 'only /static/ is cached');
      // the body cap matches the one km0 documents for catalogs
      const conf = readFileSync(path.join(ROOT, 'config/km0.conf'), 'utf8');
      const siteText = readFileSync(path.join(ROOT, 'config/nginx-km0.conf'), 'utf8');
      assert.equal(siteText.match(/client_max_body_size (\w+);/)[1].toUpperCase(), conf.match(/^catalog_max_bytes = (\w+)$/m)[1].toUpperCase());
    } finally {
      await site.stop();
    }
    // once nginx has stopped, its access log names the request by the id km0 sent back
    assert.match(readFileSync(path.join(site.dir, 'site-access.log'), 'utf8'), new RegExp(`"GET /healthz HTTP/1.1" 200 .* req=${rid}$`, 'm'));
  });

  it("logs nginx's request id in the server that answered", async () => {
    const r = await proxy.client().get('/healthz');
    assert.equal(r.status, 200);
    const id = r.headers.get('x-request-id');
    assert.match(id, /^[0-9a-f]{32}$/, 'nginx $request_id passed through');
    // the access line is written once the reply is out: stop everything, then read
    await proxy.stop();
    for (const s of servers) await s.stop();
    assert.match(proxy.accessLog(), new RegExp(`^${id} 200 `, 'm'));
    const owner = servers.filter((s) => s.logs().includes(`req=${id} `));
    assert.equal(owner.length, 1, 'exactly one server logged the request');
    assert.ok(`127.0.0.1:${owner[0].port}` === r.headers.get('x-upstream'));
  });
});
