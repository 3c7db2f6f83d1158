// Operations: `km0 migrate` run by several processes at once, and while servers
// serve; a backup with pg_dump restored with pg_restore gives back the same orders.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync, mkdirSync, copyFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, BIN, psql, freshDb, startServer, km0, makeConsumers, clientFor, insertProducts, openCycle,
  tmpDir, assertNoSanitizerReport, TIMEOUT, track } from '../lib/harness.mjs';

const FTC = 'ferme-trois-chenes';
const pgUrl = (db) => execFileSync(path.join(ROOT, 'scripts/pg.sh'), ['url', process.env.KM0_PG_DIR || path.join(ROOT, 'var/test-pg'), db], { timeout: TIMEOUT.cmd }).toString().trim();

/** `km0 migrate` as a child process, without waiting (the point is to overlap). */
function migrate(url, env = {}) {
  return new Promise((resolve) => {
    const p = track(spawn(BIN, ['migrate'], { cwd: ROOT, env: { ...process.env, KM0_DATABASE_URL: url, ...env }, timeout: TIMEOUT.cmd }));
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => resolve({ code, stdout, stderr })); // close: after the output is read
  });
}

const migrations = () => readdirSync(path.join(ROOT, 'schema')).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();

describe('km0 migrate', () => {
  it('succeeds from three processes at once on a fresh database, each migration applied once', async () => {
    const name = `t_migrate_${process.pid}`;
    psql('postgres', `CREATE DATABASE ${name}`);
    try {
      const runs = await Promise.all([0, 1, 2].map(() => migrate(pgUrl(name))));
      for (const r of runs) {
        assertNoSanitizerReport(r.stderr, 'km0 migrate');
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /schema up to date/);
      }
      const files = migrations();
      for (const f of files) {
        const times = runs.filter((r) => r.stdout.includes(`applied ${f}\n`)).length;
        assert.equal(times, 1, `${f} applied by ${times} processes`);
      }
      assert.deepEqual(psql(name, 'SELECT name FROM schema_migrations ORDER BY version').map((r) => r[0]), files);
      // and a fourth run later has nothing to do
      const again = await migrate(pgUrl(name));
      assert.match(again.stdout, /\(0 migrations applied now\)/);
    } finally {
      psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('upgrades a database holding catalogs and a cycle\'s offers through schema/005 (products keyed by producer and sku)', async () => {
    const name = `t_upgrade_${process.pid}`;
    psql('postgres', `CREATE DATABASE ${name}`);
    const db = { name, url: pgUrl(name), sql: (q) => psql(name, q), one: (q) => psql(name, q)[0]?.[0] };
    try {
      // the release before: migrations up to 004, a seeded hub, catalogs, an open cycle
      const home = tmpDir('km0-prev');
      mkdirSync(path.join(home, 'schema'));
      for (const f of migrations().filter((f) => f < '005')) copyFileSync(path.join(ROOT, 'schema', f), path.join(home, 'schema', f));
      let m = await migrate(db.url, { KM0_HOME: home });
      assert.equal(m.code, 0, m.stderr);
      // the hub and the cycle as that release wrote them (this release's km0 seed and
      // cycle open need schema/006); the catalogs through this release's importer, run
      // on a database of this release (it reads columns of schema/010 and 013) and copied over
      db.sql(`WITH h AS (INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon)
          VALUES ('drome-paysanne', 'Drôme Paysanne (SCIC)', '52601815500014', 44.7352, 5.0046) RETURNING id)
        INSERT INTO producers (hub_id, slug, name, legal_form, siret, vat_regime, vat_number)
        SELECT h.id, v.* FROM h, (VALUES
          ('${FTC}', 'Ferme des Trois Chênes', 'GAEC', '71106658903512', 'standard', 'FR29711066589'),
          ('brasserie-crest', 'Brasserie de la Tour de Crest', 'SAS', '70550866170060', 'standard', 'FR60705508661')) v`);
      const scratch = freshDb('prevcatalogs');
      let values;
      try {
        scratch.sql('TRUNCATE products CASCADE');
        for (const slug of [FTC, 'brasserie-crest']) {
          const file = readdirSync(path.join(ROOT, 'tests/data/catalogs')).find((f) => f.startsWith(`${slug}.`));
          const r = km0(['import', 'catalog', '--producer', slug, path.join('tests/data/catalogs', file)], { db: scratch });
          assert.equal(r.status, 0, r.stderr);
        }
        values = scratch.one(`SELECT string_agg(format('(%L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L)',
            r.slug, p.sku, p.name, p.category, p.unit, p.price_excl_vat_e4, p.price_incl_vat_cents, p.vat_rate_bp,
            p.weight_g, p.stock_milli, p.step_milli, p.organic, p.description, p.active), ', ' ORDER BY p.id)
          FROM products p JOIN producers r ON r.id = p.producer_id WHERE r.slug IN ('${FTC}', 'brasserie-crest')`);
      } finally {
        scratch.drop();
      }
      db.sql(`INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4,
          price_incl_vat_cents, vat_rate_bp, weight_g, stock_milli, step_milli, organic, description, active)
        SELECT r.hub_id, r.id, v.sku, v.name, v.category, v.unit, v.price::bigint, v.incl::bigint, v.rate::integer,
          v.weight::bigint, v.stock::bigint, v.step::bigint, v.organic::boolean, v.description, v.active::boolean
          FROM (VALUES ${values}) v(slug, sku, name, category, unit, price, incl, rate, weight, stock, step, organic,
            description, active) JOIN producers r ON r.slug = v.slug`);
      db.sql(`WITH c AS (INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date, state)
          SELECT id, 'Ouvert', now(), now() + interval '3 days', current_date + 5, 'open' FROM hubs RETURNING id, hub_id),
        cp AS (INSERT INTO cycle_producers (hub_id, cycle_id, producer_id) SELECT c.hub_id, c.id, p.id FROM c JOIN producers p ON p.hub_id = c.hub_id)
        INSERT INTO offers (hub_id, cycle_id, product_id, producer_id, sku, name, category, unit, price_excl_vat_e4,
            vat_rate_bp, weight_g, step_milli, stock_milli, organic, description)
        SELECT p.hub_id, c.id, p.id, p.producer_id, p.sku, p.name, p.category, p.unit, p.price_excl_vat_e4,
            p.vat_rate_bp, coalesce(p.weight_g, 0), p.step_milli, p.stock_milli, p.organic, p.description
          FROM products p JOIN c ON c.hub_id = p.hub_id WHERE p.active`);
      const state = () => db.one(`SELECT (SELECT count(*) FROM products) || ' ' || (SELECT count(*) FROM offers) || ' ' ||
        md5((SELECT string_agg(concat_ws('|', p.id, p.producer_id, p.sku, p.name, p.price_excl_vat_e4, p.xmin), ',' ORDER BY p.id) FROM products p)
            || (SELECT string_agg(concat_ws('|', o.id, o.product_id, o.producer_id, o.sku, o.price_excl_vat_e4), ',' ORDER BY o.id) FROM offers o))`);
      const before = state();
      assert.match(before, /^12 12 /);
      // this release: 005 to 012 apply over that data, which comes through untouched
      const mid = tmpDir('km0-mid');
      mkdirSync(path.join(mid, 'schema'));
      for (const f of migrations().filter((f) => f < '013')) copyFileSync(path.join(ROOT, 'schema', f), path.join(mid, 'schema', f));
      m = await migrate(db.url, { KM0_HOME: mid });
      assert.equal(m.code, 0, m.stderr);
      assert.match(m.stdout, /applied 005_product_keys\.sql/);
      assert.equal(state(), before);
      // 013 and after: the organic mark becomes the organic label, on products and offers
      m = await migrate(db.url);
      assert.equal(m.code, 0, m.stderr);
      assert.match(m.stdout, /applied 013_product_info\.sql/);
      assert.equal(db.one(`SELECT count(*) FROM products WHERE coalesce(organic, false) <> ('organic' = ANY (labels))`), '0');
      assert.equal(db.one(`SELECT count(*) FROM offers WHERE coalesce(organic, false) <> ('organic' = ANY (labels))`), '0');
      assert.ok(Number(db.one(`SELECT count(*) FROM products WHERE organic`)) > 0, 'some products are organic');
      const migrated = state();
      assert.deepEqual(db.sql(`SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid IN ('products'::regclass, 'offers'::regclass) AND contype IN ('p', 'f', 'u') ORDER BY conname`), [
        ['offers_cycle_id_producer_id_sku_key', 'UNIQUE (cycle_id, producer_id, sku)'],
        ['offers_cycle_id_product_id_key', 'UNIQUE (cycle_id, product_id)'],
        ['offers_hub_id_cycle_id_fkey', 'FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles(hub_id, id) ON DELETE CASCADE'],
        ['offers_hub_id_id_key', 'UNIQUE (hub_id, id)'],
        ['offers_hub_id_producer_id_fkey', 'FOREIGN KEY (hub_id, producer_id) REFERENCES producers(hub_id, id)'],
        // schema/013: a product's photo, frozen on its offers
        ['offers_photo_fkey', 'FOREIGN KEY (hub_id, photo) REFERENCES photos(hub_id, digest)'],
        ['offers_pkey', 'PRIMARY KEY (id)'],
        ['offers_product_fkey', 'FOREIGN KEY (producer_id, sku) REFERENCES products(producer_id, sku)'],
        // schema/006 declares the producer key again
        ['products_hub_id_producer_id_fkey', 'FOREIGN KEY (hub_id, producer_id) REFERENCES producers(hub_id, id)'],
        ['products_photo_fkey', 'FOREIGN KEY (hub_id, photo) REFERENCES photos(hub_id, digest)'],
        ['products_pkey', 'PRIMARY KEY (producer_id, sku)'],
      ]);
      // and the new importer finds every product it wrote before the upgrade
      const r = km0(['import', 'catalog', '--producer', FTC, 'tests/data/catalogs/ferme-trois-chenes.csv'], { db });
      assert.match(r.stdout, /new 0, changed 0, unchanged 8, deactivated 0/);
      assert.equal(state(), migrated);
    } finally {
      psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('gives the hubs and cycles of the release before the settings of the configuration that migrates them (schema/006)', async () => {
    const name = `t_upgrade6_${process.pid}`;
    psql('postgres', `CREATE DATABASE ${name}`);
    const db = { name, url: pgUrl(name), sql: (q) => psql(name, q), one: (q) => psql(name, q)[0]?.[0] };
    try {
      // the release before: migrations up to 005, two hubs, a cycle open in each
      const home = tmpDir('km0-prev6');
      mkdirSync(path.join(home, 'schema'));
      for (const f of migrations().filter((f) => f < '006')) copyFileSync(path.join(ROOT, 'schema', f), path.join(home, 'schema', f));
      let m = await migrate(db.url, { KM0_HOME: home });
      assert.equal(m.code, 0, m.stderr);
      db.sql(`INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon) VALUES
          ('avant-un', 'Avant un', '52601815500014', 45, 5), ('avant-deux', 'Avant deux', '52601815500014', 44, 4);
        INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date, state)
          SELECT id, 'Ouvert', now() - interval '1 day', now() + interval '1 day', current_date + 3, 'open' FROM hubs`);
      // this release, run with the configuration those servers had
      const conf = path.join(home, 'km0.conf');
      writeFileSync(conf, 'seller_mode = hub\npayment_days = 30\nresale_vat_rate = 10\n');
      const p = spawn(BIN, ['--config', conf, 'migrate'], { cwd: ROOT, env: { ...process.env, KM0_DATABASE_URL: db.url } });
      let out = '', err = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { err += d; });
      const code = await new Promise((resolve) => p.on('close', resolve));
      assertNoSanitizerReport(err, 'km0 migrate');
      assert.equal(code, 0, err);
      assert.match(out, /applied 006_hub_settings\.sql/);
      assert.deepEqual(db.sql('SELECT h.slug, s.seller_mode, s.payment_days, s.resale_vat_rate_bp FROM hubs h JOIN hub_settings s ON s.hub_id = h.id ORDER BY h.slug'),
        [['avant-deux', 'hub', '30', '1000'], ['avant-un', 'hub', '30', '1000']]);
      assert.deepEqual(db.sql('SELECT DISTINCT seller_mode, payment_days, resale_vat_rate_bp FROM cycles'), [['hub', '30', '1000']]);
      // a hub created afterwards has its settings row too, with the defaults
      db.sql("INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon) VALUES ('apres', 'Après', '52601815500014', 45, 5)");
      assert.equal(db.one("SELECT s.seller_mode || ' ' || s.payment_days FROM hub_settings s JOIN hubs h ON h.id = s.hub_id WHERE h.slug = 'apres'"), 'producers 0');
    } finally {
      psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('applies an additive migration while a server of the previous version takes orders', async () => {
    const db = freshDb('migrate_live');
    insertProducts(db, FTC, [{ sku: 'NAVET', name: 'Navets', price: '1.2', stock: '100000' }]);
    const cycle = openCycle(db);
    const srv = await startServer(db);
    try {
      // the next version: the same schema directory plus one additive file
      const home = tmpDir('km0-next');
      mkdirSync(path.join(home, 'schema'));
      for (const f of migrations()) copyFileSync(path.join(ROOT, 'schema', f), path.join(home, 'schema', f));
      const next = String(Number(migrations().at(-1).split('_')[0]) + 1).padStart(3, '0');
      writeFileSync(path.join(home, 'schema', `${next}_pickup_note.sql`), `
        -- additive: a new nullable column and a new table; old servers never name them
        SET LOCAL lock_timeout = '5s';
        ALTER TABLE pickup_points ADD COLUMN note text;
        CREATE TABLE pickup_point_notes_test (hub_id bigint NOT NULL REFERENCES hubs, body text NOT NULL);
      `);
      const buyers = makeConsumers(db, 24, 'live');
      const [mig, ...orders] = await Promise.all([
        migrate(db.url, { KM0_HOME: home }),
        ...buyers.map((b, i) => clientFor(srv, b).put(`/api/v1/cycles/${cycle}/order`,
          { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'NAVET', quantity: String(1 + (i % 4)) }] })),
      ]);
      assert.equal(mig.code, 0, mig.stderr);
      assert.match(mig.stdout, new RegExp(`applied ${next}_pickup_note.sql`));
      assert.deepEqual(orders.map((r) => r.status), orders.map(() => 200));
      assert.equal(db.one("SELECT count(*) FROM information_schema.columns WHERE table_name = 'pickup_points' AND column_name = 'note'"), '1');
      // the old server goes on serving the migrated schema
      const again = await clientFor(srv, buyers[0]).get(`/api/v1/cycles/${cycle}/order`);
      assert.equal(again.status, 200);
      assert.equal((await srv.client().get(`/api/v1/cycles/${cycle}`)).status, 200);
    } finally {
      await srv.stop();
      db.drop();
    }
  });
});

describe('backup and restore', () => {
  let db, dir;
  before(() => { db = freshDb('backup'); dir = tmpDir('km0-backup'); });
  after(() => db.drop());

  it('gives back the same orders, to the cent, after pg_dump, drop and pg_restore', async () => {
    insertProducts(db, FTC, [
      { sku: 'CAR', name: 'Carottes', price: '2.37', stock: '100', step: '0.5' },
      { sku: 'PAN', name: 'Panier', unit: 'piece', price: '23.70', stock: null }]);
    insertProducts(db, 'brasserie-crest', [{ sku: 'BLONDE', name: 'Blonde', unit: 'bottle', price: '2.6667', vat: '20', stock: '100' }]);
    const cycle = openCycle(db);
    const buyers = makeConsumers(db, 8, 'bk');
    let srv = await startServer(db);
    const placed = [];
    for (const [i, b] of buyers.entries()) {
      const r = await clientFor(srv, b).put(`/api/v1/cycles/${cycle}/order`, { pickup_point: i % 2 ? 'crest-halle' : 'die-mjc',
        lines: [{ producer: FTC, sku: 'CAR', quantity: String(0.5 * (i + 1)) }, { producer: FTC, sku: 'PAN', quantity: '1' },
          { producer: 'brasserie-crest', sku: 'BLONDE', quantity: String(i + 1) }] });
      assert.equal(r.status, 200, r.text);
      placed.push(r.json.order);
    }
    await srv.stop();
    const rows = () => db.sql(`SELECT o.id, o.hub_id, o.cycle_id, o.customer_id, o.pickup_point_id, l.offer_id,
        l.quantity_milli, l.unit_price_excl_vat_e4, l.vat_rate_bp, l.line_excl_vat_cents
      FROM orders o JOIN order_lines l ON l.order_id = o.id ORDER BY o.id, l.offer_id`);
    const totals = () => db.sql(`SELECT o.id, sum(l.line_excl_vat_cents), (SELECT sum(sold_milli) FROM offers WHERE cycle_id = o.cycle_id)
      FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id ORDER BY o.id`);
    const before = { rows: rows(), totals: totals(), sessions: db.one('SELECT count(*) FROM sessions') };

    const file = path.join(dir, 'km0.dump');
    execFileSync('pg_dump', ['--format=custom', '--file', file, '--dbname', db.url], { timeout: TIMEOUT.cmd });
    assert.ok(statSync(file).size > 0);
    psql('postgres', `DROP DATABASE ${db.name} WITH (FORCE)`);
    psql('postgres', `CREATE DATABASE ${db.name}`);
    execFileSync('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--dbname', db.url, file], { timeout: TIMEOUT.cmd });

    assert.deepEqual(rows(), before.rows);
    assert.deepEqual(totals(), before.totals);
    assert.equal(db.one('SELECT count(*) FROM sessions'), before.sessions, 'logged-in users stay logged in');
    // the server reads the same orders back, with the same totals
    srv = await startServer(db);
    try {
      for (const [i, b] of buyers.entries()) {
        const r = await clientFor(srv, b).get(`/api/v1/cycles/${cycle}/order`);
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.order, placed[i]);
      }
      // identity counters came back too: a new order takes a new id
      const [late] = makeConsumers(db, 1, 'late');
      const r = await clientFor(srv, late).put(`/api/v1/cycles/${cycle}/order`,
        { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'PAN', quantity: '1' }] });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.order.id > Math.max(...placed.map((o) => o.id)));
      // the rules that live in the schema came back as well
      assert.throws(() => db.sql(`UPDATE offers SET sold_milli = stock_milli + 1 WHERE cycle_id = ${cycle} AND sku = 'CAR'`), /offers_not_oversold/);
    } finally {
      await srv.stop();
    }
  });
});
