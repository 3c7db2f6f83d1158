// Several hubs in one database: the demo hub (Drôme) and tests/data/hub2 (Tarn).
// Over HTTP, a coordinator, a consumer and a producer of one hub get 404 (or 403)
// for every id-bearing route of the other, and lists show their own hub only;
// anonymous visitors get the hub of their Host header (config hub_hosts); the
// command line works on the hub of its --config.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, km0, insertProducts, fixture, tmpDir } from '../lib/harness.mjs';
import { writeConf, cli, addUserIn, openCycleIn, HostClient } from '../lib/scale.mjs';

const A = { slug: 'drome-paysanne', host: 'paniers.drome.test', producer: 'ferme-trois-chenes', pickup: 'crest-halle' };
const B = { slug: 'tarn-fermier', host: 'tarn-fermier.hubs.test', producer: 'ferme-cabanes', pickup: 'albi-marche' };
const PW = 'correct horse battery';

describe('two hubs in one database', () => {
  let db, srv, dir, cycleA, cycleB, roundB, orderB, invoiceB;
  const users = {}; // `${hub}-${role}` → logged-in HostClient

  /** Everything of hub B that hub A's users must not be able to change. */
  const snapshotB = () => db.sql(`SELECT c.id, c.state, c.name,
      (SELECT count(*) FROM orders o WHERE o.cycle_id = c.id),
      (SELECT coalesce(sum(sold_milli), 0) FROM offers f WHERE f.cycle_id = c.id),
      (SELECT count(*) FROM rounds r WHERE r.cycle_id = c.id),
      (SELECT string_agg(p.slug || ':' || p.active || ':' || p.name, ',' ORDER BY p.slug) FROM producers p WHERE p.hub_id = c.hub_id),
      (SELECT string_agg(p.slug || ':' || p.active, ',' ORDER BY p.slug) FROM pickup_points p WHERE p.hub_id = c.hub_id),
      (SELECT count(*) FROM products p WHERE p.hub_id = c.hub_id),
      (SELECT count(*) FROM invoices i WHERE i.hub_id = c.hub_id)
    FROM cycles c JOIN hubs h ON h.id = c.hub_id WHERE h.slug = '${B.slug}' ORDER BY c.id`);

  before(async () => {
    db = freshDb('multihub');
    dir = tmpDir('km0-multihub');
    // the template holds the demo hub; a second hub comes in through the CLI
    const seeded = km0(['seed', fixture('hub2')], { db });
    assert.equal(seeded.status, 0, seeded.stderr);
    A.conf = writeConf(dir, 'a.conf', `hub = ${A.slug}`);
    B.conf = writeConf(dir, 'b.conf', `hub = ${B.slug}`);
    const serveConf = writeConf(dir, 'serve.conf', `hub =
      hub_hosts = "${A.host}=${A.slug}, *.hubs.test"`);
    insertProducts(db, A.producer, [{ sku: 'CAROTTES', name: 'Carottes', price: '2.40', stock: '50' }]);
    insertProducts(db, B.producer, [{ sku: 'CAROTTES', name: 'Carottes du Tarn', price: '2.10', stock: '50' },
      { sku: 'MELON', name: 'Melon', unit: 'piece', price: '3.00', stock: '20' }]);
    for (const h of [A, B]) {
      // the same email in both hubs: accounts are per hub
      addUserIn(db, h.conf, { email: 'coord@example.org', role: 'coordinator' });
      addUserIn(db, h.conf, { email: 'client@example.org', role: 'consumer' });
      addUserIn(db, h.conf, { email: 'farm@example.org', role: 'producer', producer: h.producer });
    }
    cycleA = openCycleIn(db, A.conf, { name: 'Semaine Drôme' });
    cycleB = openCycleIn(db, B.conf, { name: 'Semaine Tarn' });
    srv = await startServer(db, { config: serveConf });
    for (const h of [A, B]) {
      for (const role of ['coordinator', 'consumer', 'producer']) {
        const c = new HostClient(srv.base, h.host);
        const email = { coordinator: 'coord', consumer: 'client', producer: 'farm' }[role];
        await c.login(`${email}@example.org`, PW);
        users[`${h === A ? 'A' : 'B'}-${role}`] = c;
      }
    }
    // hub B: an order, then the cycle closed and batched, so it has rounds and documents
    let r = await users['B-consumer'].put(`/api/v1/cycles/${cycleB}/order`,
      { pickup_point: B.pickup, lines: [{ producer: B.producer, sku: 'MELON', quantity: '2' }] });
    assert.equal(r.status, 200, r.text);
    orderB = r.json.order.id;
    r = await users['A-consumer'].put(`/api/v1/cycles/${cycleA}/order`,
      { pickup_point: A.pickup, lines: [{ producer: A.producer, sku: 'CAROTTES', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(cli(B.conf, ['cycle', 'close', String(cycleB)], { db }).status, 0);
    const batched = cli(B.conf, ['batch', '--cycle', String(cycleB)], { db });
    assert.equal(batched.status, 0, batched.stderr);
    roundB = Number(db.one(`SELECT min(id) FROM rounds WHERE cycle_id = ${cycleB}`));
    assert.ok(roundB > 0);
    // and invoiced, when invoicing exists in this tree
    r = await users['B-coordinator'].post(`/api/v1/cycles/${cycleB}/invoices`, {});
    assert.ok([201, 404].includes(r.status), r.text);
    invoiceB = db.one(`SELECT min(number) FROM invoices WHERE cycle_id = ${cycleB}`) || 'F-0000-000001';
    if (r.status === 201) assert.notEqual(invoiceB, 'F-0000-000001');
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('serves an anonymous visitor the hub of its Host header, and no hub to an unknown host', async () => {
    const list = async (host) => new HostClient(srv.base, host).get('/api/v1/cycles');
    let r = await list(A.host);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.cycles.map((c) => c.id), [cycleA]);
    r = await list(`${B.host}:8080`); // the port is ignored, the case too
    assert.deepEqual(r.json.cycles.map((c) => c.id), [cycleB]);
    r = await list(B.host.toUpperCase());
    assert.deepEqual(r.json.cycles.map((c) => c.id), [cycleB]);
    for (const host of ['127.0.0.1', 'nowhere.example', 'x.tarn-fermier.hubs.test', 'no-such-hub.hubs.test', 'hubs.test']) {
      r = await list(host);
      assert.equal(r.status, 404, host);
      assert.equal(r.json.error.code, 'unknown_hub', host);
    }
    r = await new HostClient(srv.base, 'nowhere.example').get('/healthz');
    assert.equal(r.status, 200, 'health checks need no hub');
    // the shop page shows the host's hub's open cycle (B's is batched by now)
    let shop = await new HostClient(srv.base, A.host).get('/');
    assert.equal(shop.status, 200);
    assert.match(shop.text, /Carottes/);
    assert.doesNotMatch(shop.text, /Carottes du Tarn|Melon/);
    shop = await new HostClient(srv.base, B.host).get('/');
    assert.equal(shop.status, 200);
    assert.doesNotMatch(shop.text, /Carottes/);
  });

  it('looks a login up in the hub of the host only', async () => {
    const c = new HostClient(srv.base, A.host);
    const a = await c.login('coord@example.org', PW);
    const b = await new HostClient(srv.base, B.host).login('coord@example.org', PW);
    assert.notEqual(a.id, b.id, 'one email, two accounts');
    assert.equal(db.one(`SELECT h.slug FROM users u JOIN hubs h ON h.id = u.hub_id WHERE u.id = ${b.id}`), B.slug);
    // a session keeps its own hub whatever the Host says
    const cross = new HostClient(srv.base, B.host);
    cross.cookies = new Map(c.cookies);
    const r = await cross.get('/api/v1/cycles');
    assert.deepEqual(r.json.cycles.map((x) => x.id), [cycleA]);
    // an account of B is unknown on A's host
    const only = km0(['--config', B.conf, 'user', 'add', '--email', 'only-b@example.org', '--role', 'consumer'], { db, input: PW + '\n' });
    assert.equal(only.status, 0, only.stderr);
    const wrong = await new HostClient(srv.base, A.host).post('/api/v1/session', { email: 'only-b@example.org', password: PW });
    assert.equal(wrong.status, 401);
  });

  it('answers 404 or 403 to hub A on every id-bearing route of hub B, and changes nothing', async () => {
    const before = snapshotB();
    const C = users['A-coordinator'], U = users['A-consumer'], P = users['A-producer'];
    const line = { pickup_point: B.pickup, lines: [{ producer: B.producer, sku: 'MELON', quantity: '1' }] };
    const xml = '?format=xml';
    const steps = [
      // [client, method, path, body, allowed statuses]
      ...[C, U, P].map((c) => [c, 'GET', `/api/v1/cycles/${cycleB}`, undefined, [404]]),
      [C, 'PATCH', `/api/v1/cycles/${cycleB}`, { state: 'open' }, [404]],
      [C, 'PATCH', `/api/v1/cycles/${cycleB}`, { name: 'Volé' }, [404]],
      [U, 'PATCH', `/api/v1/cycles/${cycleB}`, { state: 'open' }, [403]],
      [U, 'PUT', `/api/v1/cycles/${cycleB}/order`, line, [404]],
      [U, 'GET', `/api/v1/cycles/${cycleB}/order`, undefined, [404]],
      [U, 'DELETE', `/api/v1/cycles/${cycleB}/order`, undefined, [404]],
      [C, 'POST', `/api/v1/cycles/${cycleB}/batch`, {}, [404]],
      [C, 'GET', `/api/v1/cycles/${cycleB}/rounds`, undefined, [404]],
      [C, 'GET', `/api/v1/cycles/${cycleB}/reports`, undefined, [404]],
      ...['collection', 'picking', 'delivery', 'route'].map((k) => [C, 'GET', `/api/v1/cycles/${cycleB}/reports/${k}${xml}`, undefined, [404]]),
      [P, 'GET', `/api/v1/cycles/${cycleB}/reports/collection${xml}`, undefined, [404]],
      [P, 'GET', `/api/v1/cycles/${cycleB}/reports/picking${xml}`, undefined, [403]],
      // B's round, pickup point and producer named as filters of A's own cycle
      [C, 'GET', `/api/v1/cycles/${cycleA}/reports/route${xml}&round=${roundB}`, undefined, [400, 404, 409]],
      [C, 'GET', `/api/v1/cycles/${cycleA}/reports/delivery${xml}&pickup=${B.pickup}`, undefined, [400, 404, 409]],
      [C, 'GET', `/api/v1/cycles/${cycleA}/reports/collection${xml}&producer=${B.producer}`, undefined, [400, 404, 409]],
      [C, 'GET', `/api/v1/producers/${B.producer}/catalog`, undefined, [404]],
      [C, 'PUT', `/api/v1/producers/${B.producer}/catalog`, undefined, [404]],
      [P, 'GET', `/api/v1/producers/${B.producer}/catalog`, undefined, [403, 404]],
      [C, 'POST', `/api/v1/cycles/${cycleB}/invoices`, {}, [404]],
      [C, 'GET', `/api/v1/cycles/${cycleB}/invoices`, undefined, [404]],
      [C, 'FORM', `/desk/cycles/${cycleB}/invoices`, {}, [404]],
      ...[C, U, P].map((c) => [c, 'GET', `/api/v1/invoices/${encodeURIComponent(invoiceB)}`, undefined, [404]]),
      [C, 'GET', `/api/v1/invoices/${encodeURIComponent(invoiceB)}?format=cii`, undefined, [404]],
      [C, 'POST', `/api/v1/invoices/${encodeURIComponent(invoiceB)}/credit-note`, { reason: 'Volé' }, [404]],
      // the HTML desk and order pages
      [C, 'GET', `/desk/cycles/${cycleB}`, undefined, [404]],
      [C, 'FORM', `/desk/cycles/${cycleB}/state`, { state: 'closed' }, [404]],
      [C, 'GET', `/desk/producers/${B.producer}`, undefined, [404]],
      [C, 'FORM', `/desk/producers/${B.producer}`, { name: 'Volé', email: '', address: '', town: '' }, [404]],
      [C, 'FORM', `/desk/producers/${B.producer}/active`, { active: '0' }, [404]],
      [C, 'GET', `/desk/pickup-points/${B.pickup}`, undefined, [404]],
      [C, 'FORM', `/desk/pickup-points/${B.pickup}/active`, { active: '0' }, [404]],
      [U, 'GET', `/orders/${cycleB}`, undefined, [404]],
      [U, 'FORM', `/orders/${cycleB}/cancel`, {}, [403, 404]],
      [U, 'FORM', '/order', { cycle: String(cycleB), pickup: B.pickup }, [403, 404]],
    ];
    for (const [c, method, url, body, allowed] of steps) {
      let r;
      if (method === 'FORM') r = await c.form(url, body);
      else if (method === 'PUT' && url.endsWith('/catalog')) {
        r = await c.req('PUT', url, { body: 'sku,name,unit,price_excl_vat,vat_rate\nVOL,Volé,kg,1.00,5.5\n', headers: { 'content-type': 'text/csv' } });
      } else r = await c.req(method, url, body === undefined ? {} : { json: body });
      assert.ok(allowed.includes(r.status), `${method} ${url} as A's ${c === C ? 'coordinator' : c === U ? 'consumer' : 'producer'}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    assert.deepEqual(snapshotB(), before, "hub B's data changed");
    assert.equal(db.one(`SELECT count(*) FROM orders WHERE id = ${orderB}`), '1');
  });

  it('lists only the hub of the session', async () => {
    const hubOf = (table, ids) => db.sql(`SELECT DISTINCT h.slug FROM ${table} t JOIN hubs h ON h.id = t.hub_id WHERE t.id IN (${ids.join(',') || 0})`).map((r) => r[0]);
    for (const [who, h, cyc] of [['A', A, cycleA], ['B', B, cycleB]]) {
      const C = users[`${who}-coordinator`], U = users[`${who}-consumer`];
      let r = await C.get('/api/v1/cycles');
      assert.deepEqual(hubOf('cycles', r.json.cycles.map((c) => c.id)), [h.slug]);
      r = await U.get('/api/v1/orders');
      assert.deepEqual(hubOf('orders', r.json.orders.map((o) => o.id)), [h.slug]);
      r = await U.get(`/api/v1/cycles/${cyc}`);
      assert.equal(r.status, 200);
      assert.ok(r.json.cycle.offers.every((o) => o.producer === h.producer));
      assert.ok(r.json.cycle.pickup_points.every((p) => db.one(`SELECT count(*) FROM pickup_points p JOIN hubs h ON h.id = p.hub_id WHERE p.slug = '${p.slug}' AND h.slug = '${h.slug}'`) === '1'));
      const producers = await C.get('/desk/producers');
      const other = who === 'A' ? B : A;
      assert.match(producers.text, new RegExp(db.one(`SELECT name FROM producers WHERE slug = '${h.producer}'`)));
      assert.doesNotMatch(producers.text, new RegExp(db.one(`SELECT name FROM producers WHERE slug = '${other.producer}'`)));
      const desk = await C.get('/desk');
      assert.doesNotMatch(desk.text, new RegExp(`/desk/cycles/${who === 'A' ? cycleB : cycleA}"`));
    }
    const rep = await users['B-coordinator'].get(`/api/v1/cycles/${cycleB}/reports`);
    assert.equal(rep.status, 200, rep.text);
    assert.deepEqual(rep.json.rounds.map((x) => x.id).sort(), db.sql(`SELECT id FROM rounds WHERE cycle_id = ${cycleB}`).map((x) => Number(x[0])).sort());
    assert.ok(rep.json.pickup_points.every((p) => ['albi-marche', 'gaillac-abbaye', 'rabastens-halle'].includes(p.slug)));
    const rounds = await users['B-coordinator'].get(`/api/v1/cycles/${cycleB}/rounds`);
    assert.equal(rounds.status, 200);
    assert.ok(rounds.json.rounds.every((x) => x.vehicle === 'kangoo' && x.stops.every((s) => s.pickup_point === B.pickup)));
  });

  it('runs each CLI command on the hub of its --config', () => {
    // without a hub the CLI cannot choose between two
    let r = km0(['cycle', 'list'], { db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /several/);
    r = cli(B.conf, ['cycle', 'list'], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Semaine Tarn/);
    assert.doesNotMatch(r.stdout, /Semaine Drôme/);
    r = cli(A.conf, ['cycle', 'list'], { db });
    assert.match(r.stdout, /Semaine Drôme/);
    assert.doesNotMatch(r.stdout, /Semaine Tarn/);
    // another hub's ids and slugs are unknown
    for (const args of [['cycle', 'close', String(cycleB)], ['cycle', 'open', String(cycleB)],
      ['batch', '--cycle', String(cycleB)], ['report', 'route', '--cycle', String(cycleB), '--format', 'xml', '-o', `${dir}/x.xml`]]) {
      r = cli(A.conf, args, { db });
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
    r = cli(A.conf, ['import', 'catalog', '--producer', B.producer, '--dry-run', fixture('hub2/producers.csv')], { db });
    assert.equal(r.status, 1, r.stderr);
    r = cli(A.conf, ['user', 'add', '--email', 'x@example.org', '--role', 'producer', '--producer', B.producer], { db, input: PW + '\n' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no producer/);
    // and its own documents come out
    r = cli(B.conf, ['report', 'route', '--cycle', String(cycleB), '--format', 'xml', '-o', `${dir}/route.xml`], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${cycleA}`), 'open');
  });
});
