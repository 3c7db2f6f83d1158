// Foundation: the binary, the schema, the HTTP core, the database lifecycle.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync, mkdirSync, cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, tmpDir, fixture, ROOT, psql, TIMEOUT, track } from '../lib/harness.mjs';

describe('km0 command line', () => {
  let db;
  before(() => { db = freshDb('cli'); });
  after(() => db.drop());

  it('prints usage and exits 2 without a command or with an unknown one', () => {
    let r = km0([]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: km0/);
    for (const c of ['serve', 'migrate', 'seed', 'user']) assert.match(r.stderr, new RegExp(`\\b${c}\\b`));
    r = km0(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    r = km0(['seed']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: km0 seed DIR/);
  });

  it('refuses a bad configuration file naming file and line, exit 2', () => {
    const dir = tmpDir('conf');
    const conf = path.join(dir, 'km0.conf');
    writeFileSync(conf, 'listen = 127.0.0.1:1\nthreads = lots\n');
    const r = km0(['--config', conf, 'migrate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${conf}:2: threads must be a whole number`));
  });

  it('checks every value at start-up: a VAT rate, a level, an address, a slug; exit 2 naming file, line and key', () => {
    const dir = tmpDir('conf');
    const conf = path.join(dir, 'km0.conf');
    for (const [line, message] of [
      ['resale_vat_rate = 7', /resale_vat_rate must be a French VAT rate in percent: 2\.1, 5\.5, 10 or 20/],
      ['resale_vat_rate = 5,5 %', /resale_vat_rate must be a French VAT rate/],
      ['seller_mode = shop', /seller_mode must be "producers" or "hub", not "shop"/],
      ['log_level = loud', /log_level must be debug, info, warn or error/],
      ['listen = localhost', /listen must be ADDR:PORT/],
      ['public_url = example.org', /public_url must be an http:\/\/ or https:\/\/ address/],
      ['hub = Drôme Paysanne', /hub must be a hub's slug/],
    ]) {
      writeFileSync(conf, `# km0\nthreads = 4\n${line}\n`);
      const r = km0(['--config', conf, 'migrate'], { db });
      assert.equal(r.status, 2, `${line}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^${conf}:3: `), line);
      assert.match(r.stderr, message, line);
    }
    // the rates a resale can carry are taken as written
    writeFileSync(conf, 'resale_vat_rate = 20\nseller_mode = hub\n');
    assert.equal(km0(['--config', conf, 'migrate'], { db }).status, 0);
  });

  it('reads a line of any length whole: a hub_hosts of 4 000 bytes is one value', () => {
    const dir = tmpDir('conf');
    const conf = path.join(dir, 'km0.conf');
    const hosts = Array.from({ length: 106 }, (_, i) => `paniers-${i}.example.org=drome-paysanne`).join(' ');
    assert.ok(hosts.length > 4000 && hosts.length < 4096, String(hosts.length));
    writeFileSync(conf, `hub_hosts = ${hosts}\nthreads = 2\n`);
    const r = km0(['--config', conf, 'migrate'], { db });
    assert.equal(r.status, 0, r.stderr.slice(0, 500));
  });

  it('KM0_DATABASE_URL overrides the configuration, and an unreachable database is exit 1', () => {
    const r = km0(['migrate'], { env: { KM0_DATABASE_URL: 'host=/nonexistent dbname=x' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot connect to the database/);
  });

  it('migrates a fresh database once, then finds nothing to do', () => {
    const empty = `t_empty_${process.pid}`;
    psql('postgres', `CREATE DATABASE ${empty}`);
    try {
      const url = db.url.replace(/dbname=\S+/, `dbname=${empty}`);
      let r = km0(['migrate'], { env: { KM0_DATABASE_URL: url } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /applied 001_domain\.sql/);
      r = km0(['migrate'], { env: { KM0_DATABASE_URL: url } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /0 migrations applied now/);
      const n = psql(empty, 'SELECT count(*) FROM schema_migrations')[0][0];
      assert.ok(Number(n) >= 1);
      // every table says what it is for
      const bare = psql(empty, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
          AND obj_description(c.oid, 'pg_class') IS NULL`);
      assert.deepEqual(bare, []);
    } finally {
      psql('postgres', `DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`);
    }
  });

  it('seeds the demo hub idempotently', () => {
    const r1 = km0(['seed', fixture('hub')], { db });
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /12 producers, 8 pickup points, 2 vehicles/);
    const before = db.sql('SELECT id, slug, name FROM producers ORDER BY id');
    const r2 = km0(['seed', fixture('hub')], { db });
    assert.equal(r2.status, 0, r2.stderr);
    assert.deepEqual(db.sql('SELECT id, slug, name FROM producers ORDER BY id'), before);
    assert.equal(db.one('SELECT count(*) FROM hubs'), '1');
    assert.equal(db.one("SELECT name FROM producers WHERE slug = 'oeufs-puy'"), 'Les Œufs de Puy-Saint-Martin');
    assert.deepEqual(db.sql("SELECT opening_dow, opening_start, opening_end, capacity_orders FROM pickup_points WHERE slug = 'crest-halle'"),
      [['4', '17:00:00', '19:00:00', '120']]);
    assert.equal(db.one("SELECT capacity_g FROM vehicles WHERE slug = 'master'"), '1100000');
    assert.equal(db.one("SELECT vat_regime FROM producers WHERE slug = 'vergers-grane'"), 'franchise');
  });

  it('refuses a bad hub directory with every problem as FILE:LINE:COLUMN, writing nothing', () => {
    const dir = tmpDir('hub');
    cpSync(fixture('hub'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'producers.csv'),
      'slug,name,legal_form,siret,vat_number,vat_regime,address,town,lat,lon,email\n' +
      'new-farm,New Farm,EI,12345678901234,,franchise,,,44.7,5.0,\n' +
      'Bad Slug,Farm,EI,71106658903512,FR29711066589,standard,,,95,5.0,\n');
    writeFileSync(path.join(dir, 'vehicles.csv'),
      'slug,name,capacity_kg,capacity_crates,speed_kmh,stop_minutes,departs\nvan,Van,heavy,,50,10,25:00\n');
    const before = db.one('SELECT count(*) FROM producers');
    const r = km0(['seed', dir], { db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /producers\.csv:2:siret: "12345678901234" is not a valid SIRET/);
    assert.match(r.stderr, /producers\.csv:3:slug: "Bad Slug" is not a slug/);
    assert.match(r.stderr, /producers\.csv:3:lat: "95" is not a latitude/);
    assert.match(r.stderr, /vehicles\.csv:2:capacity_kg: "heavy" is not a weight in kg/);
    assert.match(r.stderr, /vehicles\.csv:2:departs: "25:00" is not a time HH:MM/);
    assert.equal(db.one('SELECT count(*) FROM producers'), before);
    assert.equal(db.one("SELECT count(*) FROM producers WHERE slug = 'new-farm'"), '0');
  });

  it('adds users with a slow password hash, refusing duplicates and weak passwords', () => {
    const id = addUser(db, { email: 'Coord@Example.ORG', role: 'coordinator', name: 'Coord' });
    assert.ok(id > 0);
    const hash = db.one(`SELECT password_hash FROM users WHERE id = ${id}`);
    assert.match(hash, /^\$y\$/);
    assert.equal(db.one(`SELECT email FROM users WHERE id = ${id}`), 'coord@example.org');
    let r = km0(['user', 'add', '--email', 'coord@example.org', '--role', 'coordinator'], { db, input: 'another good one\n' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already exists/);
    r = km0(['user', 'add', '--email', 'x@example.org', '--role', 'consumer'], { db, input: 'short\n' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /at least 12 characters/);
    r = km0(['user', 'add', '--email', 'p@example.org', '--role', 'producer', '--producer', 'nope'], { db, input: 'long enough pass\n' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no producer "nope"/);
    r = km0(['user', 'add', '--email', 'x@example.org', '--role', 'king'], { db, input: 'long enough pass\n' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /role/);
    const pid = addUser(db, { email: 'ftc@example.org', role: 'producer', producer: 'ferme-trois-chenes' });
    assert.equal(db.one(`SELECT p.slug FROM users u JOIN producers p ON p.id = u.producer_id WHERE u.id = ${pid}`), 'ferme-trois-chenes');
    const cid = addUser(db, { email: 'cons@example.org', role: 'consumer', name: 'Claire' });
    assert.equal(db.one(`SELECT c.name FROM users u JOIN customers c ON c.id = u.customer_id WHERE u.id = ${cid}`), 'Claire');
  });
});

describe('schema constraints', () => {
  let db, ids;
  before(() => {
    db = freshDb('constraints');
    const hub = db.one('SELECT id FROM hubs');
    const prod = db.one("SELECT id FROM producers WHERE slug = 'ferme-trois-chenes'");
    const pp = db.one("SELECT id FROM pickup_points WHERE slug = 'crest-halle'");
    const product = db.one(`INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp)
      VALUES (${hub}, ${prod}, 'A', 'Carottes', 'kg', 23700, 550) RETURNING id`);
    const cycle = db.one(`INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date)
      VALUES (${hub}, 'S1', now(), now() + interval '2 days', current_date + 3) RETURNING id`);
    db.sql(`INSERT INTO cycle_pickup_points VALUES (${hub}, ${cycle}, ${pp})`);
    const offer = db.one(`INSERT INTO offers (hub_id, cycle_id, product_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp, step_milli, stock_milli)
      VALUES (${hub}, ${cycle}, ${product}, ${prod}, 'A', 'Carottes', 'kg', 23700, 550, 500, 10000) RETURNING id`);
    const cust = db.one(`INSERT INTO customers (hub_id, kind, name, email) VALUES (${hub}, 'person', 'C', 'c@x.org') RETURNING id`);
    ids = { hub, prod, pp, product, cycle, offer, cust };
  });
  after(() => db.drop());

  const rejects = (sql, pattern) => assert.throws(() => db.sql(sql), pattern);

  it('keeps money positive and VAT rates French', () => {
    const { hub, prod } = ids;
    rejects(`INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp) VALUES (${hub}, ${prod}, 'N', 'n', 'kg', -1, 550)`, /products_price_excl_vat_e4_check/);
    rejects(`INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp) VALUES (${hub}, ${prod}, 'N', 'n', 'kg', 100, 700)`, /vat_rate_bp_check/);
    rejects(`INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp) VALUES (${hub}, ${prod}, 'A', 'dup', 'kg', 100, 550)`, /duplicate key value violates unique constraint "products_pkey"/);
  });

  it('never lets an offer be oversold', () => {
    rejects(`UPDATE offers SET sold_milli = 10001 WHERE id = ${ids.offer}`, /offers_not_oversold/);
    db.sql(`UPDATE offers SET sold_milli = 10000 WHERE id = ${ids.offer}`);
  });

  it('allows one order per customer per cycle, with positive quantities', () => {
    const { hub, cycle, cust, pp, offer } = ids;
    const order = db.one(`INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id) VALUES (${hub}, ${cycle}, ${cust}, ${pp}) RETURNING id`);
    rejects(`INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id) VALUES (${hub}, ${cycle}, ${cust}, ${pp})`, /orders_cycle_id_customer_id_key/);
    rejects(`INSERT INTO order_lines VALUES (${hub}, ${order}, ${offer}, 0, 23700, 550, 0)`, /order_lines_quantity_milli_check/);
    const other = db.one("SELECT id FROM pickup_points WHERE slug = 'die-mjc'");
    rejects(`UPDATE orders SET pickup_point_id = ${other} WHERE id = ${order}`, /foreign key/);
  });

  it('keeps rows of two hubs apart', () => {
    const hub2 = db.one(`INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon) VALUES ('autre', 'Autre', '52601815500014', 45, 5) RETURNING id`);
    rejects(`INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp) VALUES (${hub2}, ${ids.prod}, 'X', 'x', 'kg', 100, 550)`, /foreign key/);
  });

  // schema/006: the key from products to producers is a declared foreign key again
  // (005 had replaced it with statement-level triggers); these prove what it holds.
  describe('the producer key of products', () => {
    let n = 0;
    const FK = /violates foreign key constraint "products_hub_id_producer_id_fkey"/;
    const lone = () => db.one(`INSERT INTO producers (hub_id, slug, name, siret, vat_regime)
      VALUES (${ids.hub}, 'lone-${++n}', 'Lone ${n}', '12345678901234', 'franchise') RETURNING id`);
    const product = (producer, sku, hub = ids.hub) => `(${hub}, ${producer}, '${sku}', 'x', 'kg', 100, 550)`;
    const insert = (...rows) => `INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp) VALUES ${rows.join(',')}`;
    const count = (producer) => db.one(`SELECT count(*) FROM products WHERE producer_id = ${producer}`);

    it('is a declared foreign key, with no trigger standing in for it', () => {
      assert.deepEqual(db.sql(`SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'products'::regclass AND confrelid = 'producers'::regclass`),
      [['products_hub_id_producer_id_fkey', 'FOREIGN KEY (hub_id, producer_id) REFERENCES producers(hub_id, id)']]);
      assert.deepEqual(db.sql(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal
        AND tgrelid IN ('products'::regclass, 'producers'::regclass)`), []);
    });

    it('refuses a statement with one row naming no producer, and writes none of its rows', () => {
      const p = lone();
      rejects(insert(product(p, 'OK-1'), product(p, 'OK-2'), product(999999, 'NOPE')), FK);
      assert.equal(count(p), '0');
      db.sql(insert(product(p, 'OK-1'), product(p, 'OK-2')));
      assert.equal(count(p), '2');
    });

    it('keeps a product within its producer\'s hub, and a producer\'s key while products name it', () => {
      const p = lone();
      const other = db.one(`INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon)
        VALUES ('fk-other', 'Autre', '52601815500014', 45, 5) RETURNING id`);
      db.sql(insert(product(p, 'MOVE')));
      rejects(`UPDATE products SET hub_id = ${other} WHERE producer_id = ${p}`, FK);
      db.sql(`UPDATE products SET name = 'renamed' WHERE producer_id = ${p}`);
      rejects(`UPDATE producers SET hub_id = ${other} WHERE id = ${p}`, FK);
    });

    it('refuses to delete a producer that has products, not one that has none, in any isolation level', () => {
      const p = lone(), q = lone();
      db.sql(insert(product(p, 'STAY')));
      rejects(`DELETE FROM producers WHERE id IN (${p}, ${q})`, FK);
      assert.equal(db.one(`SELECT count(*) FROM producers WHERE id IN (${p}, ${q})`), '2');
      db.sql(`DELETE FROM producers WHERE id = ${q}`);
      assert.equal(db.one(`SELECT count(*) FROM producers WHERE id = ${q}`), '0');
      // a foreign key is checked the same under REPEATABLE READ and SERIALIZABLE
      for (const level of ['REPEATABLE READ', 'SERIALIZABLE']) {
        rejects(`BEGIN ISOLATION LEVEL ${level}; DELETE FROM producers WHERE id = ${p}; COMMIT`, FK);
        const r = lone();
        db.sql(`BEGIN ISOLATION LEVEL ${level}; DELETE FROM producers WHERE id = ${r}; COMMIT`);
        assert.equal(db.one(`SELECT count(*) FROM producers WHERE id = ${r}`), '0');
      }
    });

    it('leaves no orphan when a delete races a catalog being written', async () => {
      const p = lone();
      // the writer holds its transaction open after inserting; the delete comes meanwhile
      const writer = track(spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', db.url, '-c',
        `BEGIN; ${insert(product(p, 'RACE-1'), product(p, 'RACE-2'))}; SELECT pg_sleep(2); COMMIT;`], { timeout: TIMEOUT.cmd }));
      const writerDone = new Promise((resolve) => writer.on('exit', resolve));
      // the delete comes once the rows are in and the writer sleeps, its transaction open
      const asleep = () => db.one(`SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event = 'PgSleep'`) === '1';
      for (let waited = 0; !asleep(); waited += 50) {
        assert.ok(waited < 10000, 'the writer never got to its pg_sleep');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      let deleteError = '';
      try { db.sql(`DELETE FROM producers WHERE id = ${p}`); } catch (e) { deleteError = String(e.message); }
      const writerStatus = await writerDone;
      // one of the two must lose; whichever it is, every product has its producer
      assert.ok(deleteError !== '' || writerStatus !== 0, 'the delete and the insert both succeeded');
      assert.equal(db.one(`SELECT count(*) FROM products x WHERE NOT EXISTS
        (SELECT FROM producers r WHERE r.id = x.producer_id AND r.hub_id = x.hub_id)`), '0');
      // the delete waited for the writer's lock on the producer, then saw its rows: it loses
      assert.match(deleteError, FK);
      assert.equal(writerStatus, 0);
    });
  });

  it('refuses TRUNCATE of invoices, their lines and their VAT breakdown', () => {
    for (const table of ['invoice_lines', 'invoice_vat', 'invoices, invoice_lines, invoice_vat CASCADE', 'invoices CASCADE']) {
      rejects(`TRUNCATE ${table}`, /an issued invoice cannot be changed or deleted/);
    }
  });

  it('makes issued invoices immutable', () => {
    const { hub } = ids;
    db.sql(`INSERT INTO invoice_sequences VALUES (${hub}, 'hub', 2026, 1)`);
    const inv = db.one(`INSERT INTO invoices (hub_id, number, seller_key, year, seq, type_code, issue_date, delivery_date, due_date, seller, buyer, payment_terms, total_excl_vat_cents, total_vat_cents, total_incl_vat_cents)
      VALUES (${hub}, '2026-000001', 'hub', 2026, 1, 380, current_date, current_date, current_date, '{}', '{}', 'x', 100, 6, 106) RETURNING id`);
    rejects(`UPDATE invoices SET total_excl_vat_cents = 1 WHERE id = ${inv}`, /cannot be changed/);
    rejects(`DELETE FROM invoices WHERE id = ${inv}`, /cannot be changed/);
    rejects(`INSERT INTO invoices (hub_id, number, seller_key, year, seq, type_code, issue_date, delivery_date, due_date, seller, buyer, payment_terms, total_excl_vat_cents, total_vat_cents, total_incl_vat_cents)
      VALUES (${hub}, '2026-000002', 'hub', 2026, 2, 380, current_date, current_date, current_date, '{}', '{}', 'x', 100, 6, 107)`, /invoices_check/);
  });
});

describe('HTTP core', () => {
  let db, srv, c;
  before(async () => {
    db = freshDb('http');
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    c = srv.client();
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('answers /healthz with the database status', async () => {
    const r = await c.get('/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok', database: 'ok' });
    assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  });

  it('answers unknown routes with 404 and wrong methods with 405, as JSON errors', async () => {
    let r = await c.get('/api/v1/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, 'not_found');
    assert.ok(r.json.error.message);
    r = await c.req('PATCH', '/healthz');
    assert.equal(r.status, 405);
    assert.equal(r.json.error.code, 'method_not_allowed');
  });

  it('refuses an oversized body with 413, announced or chunked', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    let r = await c.req('POST', '/api/v1/session', { body: big, headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'body_too_large');
    // without Content-Length: a stream the server can only measure as it arrives
    const stream = new ReadableStream({
      start(ctl) { for (let i = 0; i < 20; i++) ctl.enqueue(new TextEncoder().encode('y'.repeat(64 * 1024))); ctl.close(); },
    });
    const res = await fetch(srv.base + '/api/v1/session', { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.code, 'body_too_large');
  });

  it('refuses malformed JSON with 400 and missing fields with 422 naming the field', async () => {
    let r = await c.req('POST', '/api/v1/session', { body: '{"email": ', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'bad_json');
    r = await c.post('/api/v1/session', { email: 'coord@example.org' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'password');
    r = await c.post('/api/v1/session', { email: 42, password: 'x' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'email');
  });

  it('logs in with an HttpOnly SameSite cookie, and logs out server-side', async () => {
    const anon = srv.client();
    let r = await anon.get('/api/v1/session');
    assert.equal(r.status, 401);
    r = await anon.post('/api/v1/session', { email: 'coord@example.org', password: 'wrong password' });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'bad_credentials');
    r = await anon.post('/api/v1/session', { email: 'COORD@example.org', password: 'coordinator pass' });
    assert.equal(r.status, 200);
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /km0_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.equal(r.json.user.role, 'coordinator');
    anon.csrf = r.json.user.csrf_token; // a script sends it back with what it changes
    const token = anon.cookies.get('km0_session');
    assert.equal(db.one(`SELECT count(*) FROM sessions WHERE token_sha256 = sha256(convert_to('${token}', 'UTF8'))`), '1');
    r = await anon.get('/api/v1/session');
    assert.equal(r.status, 200);
    assert.equal(r.json.user.email, 'coord@example.org');
    r = await anon.del('/api/v1/session');
    assert.equal(r.status, 204);
    assert.equal(db.one(`SELECT count(*) FROM sessions WHERE token_sha256 = sha256(convert_to('${token}', 'UTF8'))`), '0');
    // the old cookie no longer opens anything
    const replay = srv.client();
    replay.cookies.set('km0_session', token);
    r = await replay.get('/api/v1/session');
    assert.equal(r.status, 401);
  });

  it('serves /metrics in Prometheus text with counts by route and status', async () => {
    await c.get('/healthz');
    // metrics_access = coordinator (the default): a coordinator's session
    const coord = srv.client();
    await coord.login('coord@example.org', 'coordinator pass');
    const r = await coord.get('/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/plain; version=0\.0\.4/);
    assert.match(r.text, /km0_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    assert.match(r.text, /km0_http_requests_total\{method="-",route="none",status="404"\} \d+/);
    assert.match(r.text, /km0_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+/);
    assert.match(r.text, /km0_process_resident_memory_bytes \d+/);
  });

  it('writes one access-log line per request with its request id', async () => {
    const r = await c.get('/healthz');
    const id = r.headers.get('x-request-id');
    await new Promise((res) => setTimeout(res, 100));
    const lines = srv.logs().split('\n').filter((l) => l.includes(`req=${id}`));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /event=http\.request .*method=GET path=\/healthz .*status=200/);
    assert.doesNotMatch(srv.logs(), /coord@example\.org/); // no personal data in logs
  });
});

describe('database outage', () => {
  // A cluster of its own: stopping the shared one would disturb other tests.
  const dir = path.join(ROOT, `var/test-outage-${process.pid}`);
  const pg = (cmd) => execFileSync(path.join(ROOT, 'scripts/pg.sh'), [cmd, dir], { env: { ...process.env, KM0_PG_FSYNC: 'off' }, timeout: TIMEOUT.cmd }).toString().trim();
  let srv, db;
  before(async () => {
    pg('init'); pg('start');
    db = { url: pg('url') };
    assert.equal(km0(['migrate'], { db }).status, 0);
    srv = await startServer(db);
  });
  after(async () => { await srv?.stop(); try { pg('stop'); } catch { /* already */ } rmSync(dir, { recursive: true, force: true }); });

  it('healthz goes 503 while PostgreSQL is stopped and back to 200 when it returns', async () => {
    const c = srv.client();
    assert.equal((await c.get('/healthz')).status, 200);
    pg('stop');
    for (let i = 0; i < 3; i++) {
      const r = await c.get('/healthz');
      assert.equal(r.status, 503);
    }
    const r = await c.get('/api/v1/session');
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'database_unavailable');
    pg('start');
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = (await c.get('/healthz')).status === 200;
      if (!ok) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(ok, 'healthz came back to 200');
  });
});
