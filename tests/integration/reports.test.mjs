// Documents: collection, picking, delivery and route sheets of a generated week, as
// XML (valid against its XSD), XSL-FO, printable HTML and PDF (FOP), from the CLI and
// over HTTP. Expected values are computed from the database with SQL here, never
// copied from an earlier output. FOP is a JVM: the file keeps its runs few.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, readdirSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, tmpDir, ROOT, TIMEOUT } from '../lib/harness.mjs';
import { generateWeek } from '../lib/weekgen.mjs';

const KINDS = ['collection', 'picking', 'delivery', 'route'];
const PASSWORD = 'correct horse battery';

// ---- formatting as the stylesheets do (French) -----------------------------------
const group = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
const fixed = (n, scale) => {
  const unit = 10 ** scale;
  const neg = n < 0;
  const a = Math.abs(n);
  return `${neg ? '-' : ''}${group(Math.floor(a / unit))},${String(a % unit).padStart(scale, '0')}`;
};
const money = (cents) => `${fixed(Number(cents), 2)} €`;
const kg = (g) => `${fixed(Math.round(Number(g) / 100), 1)} kg`;
const UNITS = { kg: ['kg', 'kg'], piece: ['pièce', 'pièces'], bunch: ['botte', 'bottes'], pack: ['lot', 'lots'],
  bottle: ['bouteille', 'bouteilles'], jar: ['bocal', 'bocaux'], box: ['boîte', 'boîtes'], bag: ['sac', 'sacs'] };
function qty(milli, unit) {
  const m = Number(milli);
  let s = String(Math.floor(m / 1000));
  if (m % 1000) s += `,${String(m % 1000).padStart(3, '0').replace(/0+$/, '')}`;
  const u = UNITS[unit] || [unit, unit];
  return `${s} ${m > 1000 ? u[1] : u[0]}`;
}
// pdftotext output with no-break spaces as spaces and runs of blanks as one
const flat = (s) => s.replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ');
const pagesOf = (text) => text.split('\f').filter((p) => p.trim()).map(flat);

function pdfText(file) {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: TIMEOUT.cmd });
}
function assertValid(kind, file) {
  const r = spawnSync('xmllint', ['--noout', '--schema', path.join(ROOT, 'reports/xsd', `${kind}.xsd`), file],
    { encoding: 'utf8', timeout: TIMEOUT.cmd });
  assert.equal(r.status, 0, `${kind} XML does not follow its XSD:\n${r.stderr.slice(0, 2000)}`);
}
function assertSelfContainedHtml(html) {
  assert.match(html, /^<!DOCTYPE html/i);
  assert.match(html, /<style>[^]*@page \{ size: A4/);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|\ssrc=|url\(/i);
}

// ---- what the database says ---------------------------------------------------------
function bagsSql(cycle) {
  return `SELECT os.order_id, row_number() OVER (ORDER BY r.seq, s.seq, c.name COLLATE "fr-x-icu", o.id) AS bag
            FROM order_stops os JOIN rounds r ON r.id = os.round_id JOIN round_stops s ON s.id = os.stop_id
            JOIN orders o ON o.id = os.order_id JOIN customers c ON c.id = o.customer_id
           WHERE os.cycle_id = ${cycle}`;
}
/** Every order: bag, customer, pickup point, items and amount due computed per seller and rate. */
function expectedOrders(db, cycle) {
  return db.sql(`WITH b AS (${bagsSql(cycle)}),
      g AS (SELECT l.order_id, f.producer_id, l.vat_rate_bp AS rate, sum(l.line_excl_vat_cents) AS base, count(*) AS n
              FROM order_lines l JOIN offers f ON f.id = l.offer_id JOIN orders o ON o.id = l.order_id
             WHERE o.cycle_id = ${cycle} GROUP BY 1, 2, 3)
    SELECT o.id, b.bag, c.name, c.kind, c.phone, pp.slug, pp.name, sum(g.n),
           sum(g.base + round(g.base * g.rate / 10000.0))::bigint
      FROM orders o JOIN b ON b.order_id = o.id JOIN customers c ON c.id = o.customer_id
      JOIN pickup_points pp ON pp.id = o.pickup_point_id JOIN g ON g.order_id = o.id
     WHERE o.cycle_id = ${cycle}
     GROUP BY o.id, b.bag, c.name, c.kind, c.phone, pp.slug, pp.name ORDER BY b.bag`)
    .map(([order, bag, name, kind, phone, slug, point, items, due]) =>
      ({ order, bag, name, kind, phone, slug, point, items: Number(items), due: Number(due) }));
}

describe('documents of a generated week', () => {
  let db, week, dir, srv, coord, producer;
  before(async () => {
    db = freshDb('reports');
    week = generateWeek(db, { orders: 240, pickupPoints: 8, seed: 7 });
    dir = tmpDir('reports');
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    addUser(db, { email: 'ftc@example.org', role: 'producer', producer: 'ferme-trois-chenes' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', PASSWORD);
    producer = srv.client();
    await producer.login('ftc@example.org', PASSWORD);
  });
  after(async () => {
    await srv?.stop();
    db?.drop();
  });

  const cli = (kind, format, extra = []) => {
    const out = path.join(dir, `${kind}${extra.join('').replace(/[^a-z0-9]/gi, '')}.${format}`);
    const r = km0(['report', kind, '--cycle', String(week.cycle), '--format', format, '-o', out, ...extra], { db });
    assert.equal(r.status, 0, `km0 report ${kind} --format ${format}: ${r.stderr}`);
    assert.ok(!existsSync(`${out}.tmp`));
    return out;
  };

  it('generates a consistent batched week', () => {
    assert.equal(week.orders, 240);
    assert.equal(week.rounds, 2);
    assert.ok(week.splitPoint, 'one pickup point is split across the two rounds');
    // every order in exactly one stop, and the stops' counts and loads agree with it
    assert.equal(db.one(`SELECT count(*) FROM order_stops WHERE cycle_id = ${week.cycle}`), '240');
    assert.equal(db.one(`SELECT count(DISTINCT order_id) FROM order_stops WHERE cycle_id = ${week.cycle}`), '240');
    assert.deepEqual(db.sql(`SELECT s.id FROM round_stops s WHERE s.cycle_id = ${week.cycle}
      AND s.orders_count <> (SELECT count(*) FROM order_stops os WHERE os.stop_id = s.id)`), []);
    assert.ok(Number(db.one(`SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.cycle_id = ${week.cycle} AND l.quantity_milli % 1000 <> 0`)) > 0, 'some decimal quantities');
    assert.ok(Number(db.one(`SELECT count(*) FROM customers WHERE kind = 'business'`)) > 0);
    // the same parameters give the same rows
    const again = freshDb('reports_again');
    try {
      const w2 = generateWeek(again, { orders: 240, pickupPoints: 8, seed: 7 });
      const q = (d, c) => d.sql(`SELECT c.name, l.quantity_milli, f.sku FROM order_lines l JOIN offers f ON f.id = l.offer_id
        JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id WHERE o.cycle_id = ${c} ORDER BY 1, 3, 2`);
      assert.deepEqual(q(again, w2.cycle), q(db, week.cycle));
    } finally {
      again.drop();
    }
  });

  it('writes every kind as XML valid against its XSD, from the CLI and over HTTP', async () => {
    for (const kind of KINDS) {
      const file = cli(kind, 'xml', ['--validate']);
      assertValid(kind, file);
      const xml = readFileSync(file, 'utf8');
      assert.match(xml, new RegExp(`<${kind} xmlns="urn:km0:report:1" version="1">`));
      assert.match(xml, /<generated-at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d<\/generated-at>/);
      assert.match(xml, new RegExp(`<cycle id="${week.cycle}" state="batched">`));
      assert.match(xml, /<hub slug="drome-paysanne">/);
      const r = await coord.get(`/api/v1/cycles/${week.cycle}/reports/${kind}?format=xml`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type'), /^application\/xml/);
      const http = path.join(dir, `http-${kind}.xml`);
      writeFileSync(http, r.text);
      assertValid(kind, http);
      const strip = (s) => s.replace(/<generated-at>[^<]*</, '<');
      assert.equal(strip(r.text), strip(xml), 'CLI and HTTP give the same document');
    }
  });

  it('numbers bags the same way on picking, delivery and route, as documented', () => {
    const expected = new Map(expectedOrders(db, week.cycle).map((o) => [o.order, o.bag]));
    const picking = readFileSync(path.join(dir, 'pickingvalidate.xml'), 'utf8');
    const delivery = readFileSync(path.join(dir, 'deliveryvalidate.xml'), 'utf8');
    const fromPicking = new Map([...picking.matchAll(/<bag number="(\d+)" order="(\d+)"/g)].map((m) => [m[2], m[1]]));
    const fromDelivery = new Map([...delivery.matchAll(/<customer order="(\d+)" bag="(\d+)"/g)].map((m) => [m[1], m[2]]));
    assert.equal(fromPicking.size, 240);
    assert.deepEqual(fromPicking, expected);
    assert.deepEqual(fromDelivery, expected);
    // route: a stop's bags are a contiguous range, in driving order
    const route = readFileSync(path.join(dir, 'routevalidate.xml'), 'utf8');
    const ranges = [...route.matchAll(/bags="(\d+)" first-bag="(\d+)" last-bag="(\d+)"/g)].map((m) => m.slice(1).map(Number));
    assert.equal(ranges.reduce((s, [n]) => s + n, 0), 240);
    for (const [n, first, last] of ranges) assert.equal(last - first + 1, n);
  });

  it('renders FO and printable, self-contained HTML for every kind', async () => {
    for (const kind of KINDS) {
      const fo = readFileSync(cli(kind, 'fo'), 'utf8');
      assert.match(fo, /^<\?xml[^>]*>\s*<fo:root /);
      assert.match(fo, /page-height="297mm"/);
      assert.match(fo, /<fo:page-number-citation ref-id="end-/);
      assert.match(fo, /<fo:table-header>/);
      assert.match(fo, /keep-together.within-page="always"/);
      const html = readFileSync(cli(kind, 'html'), 'utf8');
      assertSelfContainedHtml(html);
      assert.match(html, /<html lang="fr">/);
      const r = await coord.get(`/api/v1/cycles/${week.cycle}/reports/${kind}?format=html`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type'), /^text\/html/);
      assertSelfContainedHtml(r.text);
      const f = await coord.get(`/api/v1/cycles/${week.cycle}/reports/${kind}?format=fo`);
      assert.equal(f.status, 200);
      assert.match(f.text, /<fo:root /);
    }
    const en = readFileSync(cli('delivery', 'html', ['--lang', 'en']), 'utf8');
    assert.match(en, /<html lang="en">/);
    assert.match(en, /Delivery sheet/);
    assert.match(en, /Amount due/);
    assert.match(en, /€\d+\.\d\d/);
    const r = await coord.get(`/api/v1/cycles/${week.cycle}/reports/route?format=html&lang=en`);
    assert.match(r.text, /Loading order/);
  });

  it('prints the delivery sheet PDF with every customer, bag and amount due', () => {
    const orders = expectedOrders(db, week.cycle);
    const pages = pagesOf(pdfText(cli('delivery', 'pdf')));
    for (const o of orders) {
      const page = pages.find((p) => p.includes(o.name) && new RegExp(`(^|\\n) ?${o.bag} `).test(p));
      assert.ok(page, `customer ${o.name} (bag ${o.bag}) is on the sheet`);
      const row = `${o.bag} ${o.name} ${o.phone} ${o.items} ${money(o.due)}`;
      if (o.kind === 'person') assert.ok(page.includes(row), `row "${row}" printed whole`);
      else for (const part of [o.phone, money(o.due)]) assert.ok(page.includes(part), `${o.name}: ${part}`);
    }
    // totals per pickup point
    const points = new Map();
    for (const o of orders) {
      const t = points.get(o.point) || { n: 0, items: 0, due: 0 };
      points.set(o.point, { n: t.n + 1, items: t.items + o.items, due: t.due + o.due });
    }
    const all = pages.join('\n');
    for (const [point, t] of points) {
      assert.ok(all.includes(`Total : ${t.n} sacs · ${t.items} articles · ${money(t.due)} TTC`), `totals of ${point}`);
    }
  });

  it('prints the picking list PDF with every item of every bag', () => {
    const lines = db.sql(`WITH b AS (${bagsSql(week.cycle)})
      SELECT b.bag, f.name, pr.name, l.quantity_milli, f.unit
        FROM b JOIN order_lines l ON l.order_id = b.order_id JOIN offers f ON f.id = l.offer_id
        JOIN producers pr ON pr.id = f.producer_id`);
    const text = pagesOf(pdfText(cli('picking', 'pdf'))).join('\n');
    for (const [bag, product, producerName, milli, unit] of lines) {
      const row = `${bag} ${product} ${producerName} ${qty(milli, unit)}`;
      assert.ok(text.includes(row), `item row "${row}"`);
    }
  });

  it('prints the collection list PDF with each producer’s totals per product', () => {
    const totals = db.sql(`SELECT f.name, sum(l.quantity_milli), f.unit, pr.name
      FROM order_lines l JOIN offers f ON f.id = l.offer_id JOIN orders o ON o.id = l.order_id
      JOIN producers pr ON pr.id = f.producer_id WHERE o.cycle_id = ${week.cycle} GROUP BY f.id, pr.name`);
    const pages = pagesOf(pdfText(cli('collection', 'pdf')));
    for (const [product, milli, unit, producerName] of totals) {
      const page = pages.find((p) => p.includes(producerName) && p.includes(product));
      assert.ok(page, `${product} on ${producerName}'s sheet`);
      assert.match(page, new RegExp(`${product.replace(/[()×]/g, '.')} .*${qty(milli, unit)} `), `${product}: ${qty(milli, unit)}`);
    }
  });

  it('prints the route sheet PDF with every stop, its bags and kilograms, and the loading order', () => {
    const stops = db.sql(`WITH b AS (${bagsSql(week.cycle)})
      SELECT r.seq, s.seq, to_char(s.eta, 'HH24:MI'), pp.name, count(b.bag), min(b.bag), max(b.bag), s.load_g
        FROM round_stops s JOIN rounds r ON r.id = s.round_id JOIN pickup_points pp ON pp.id = s.pickup_point_id
        JOIN order_stops os ON os.stop_id = s.id JOIN b ON b.order_id = os.order_id
       WHERE s.cycle_id = ${week.cycle} GROUP BY r.seq, s.id, pp.name ORDER BY 1, 2`);
    const pages = pagesOf(pdfText(cli('route', 'pdf')));
    for (const [round, seq, eta, name, n, first, last, load] of stops) {
      const page = pages.find((p) => p.includes(`Tournée ${round} ·`));
      assert.ok(page.includes(`${seq} ${eta} ${name}`), `round ${round} stop ${seq} ${name} at ${eta}`);
      assert.ok(page.includes(`${n} (${first}–${last}) ${kg(load)}`), `stop ${name}: ${n} bags, ${kg(load)}`);
      assert.ok(page.includes(`Arrêt ${seq} : ${name}`), 'in the loading order');
    }
  });

  it('serves the PDF of every kind over HTTP, and a producer its own collection list only', async () => {
    for (const kind of KINDS) {
      const r = await fetch(`${srv.base}/api/v1/cycles/${week.cycle}/reports/${kind}`, {
        headers: { cookie: coord.cookieHeader() } });
      assert.equal(r.status, 200, kind);
      assert.equal(r.headers.get('content-type'), 'application/pdf');
      assert.match(r.headers.get('content-disposition'), new RegExp(`km0-${kind}-c${week.cycle}\\.pdf`));
      const bytes = Buffer.from(await r.arrayBuffer());
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      const file = path.join(dir, `http-${kind}.pdf`);
      writeFileSync(file, bytes);
      assert.match(flat(pdfText(file)), kind === 'collection' ? /Bon d’apport/ : /page 1 \/ \d+/);
    }
    let r = await producer.get(`/api/v1/cycles/${week.cycle}/reports/collection?format=xml`);
    assert.equal(r.status, 200);
    assert.deepEqual([...r.text.matchAll(/<producer id="\d+" slug="([^"]+)"/g)].map((m) => m[1]), ['ferme-trois-chenes']);
    r = await producer.get(`/api/v1/cycles/${week.cycle}/reports/collection?format=xml&producer=vergers-grane`);
    assert.equal(r.status, 403);
    r = await producer.get(`/api/v1/cycles/${week.cycle}/reports/picking?format=xml`);
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'forbidden');
  });

  it('filters by producer, pickup point and round, keeping the numbers of the full sheet', async () => {
    const split = week.splitPoint;
    const file = cli('delivery', 'xml', ['--pickup', split]);
    assertValid('delivery', file);
    const xml = readFileSync(file, 'utf8');
    assert.match(xml, new RegExp(`<filter pickup="${split}"/>`));
    assert.equal([...xml.matchAll(/<pickup-point /g)].length, 1);
    assert.equal([...xml.matchAll(/<visit /g)].length, 2, 'a split point is served by two stops');
    const expected = expectedOrders(db, week.cycle).filter((o) => o.slug === split);
    assert.deepEqual([...xml.matchAll(/<customer order="(\d+)" bag="(\d+)"/g)].map((m) => [m[1], m[2]]).sort(),
      expected.map((o) => [o.order, o.bag]).sort());
    const round = db.one(`SELECT id FROM rounds WHERE cycle_id = ${week.cycle} AND seq = 2`);
    const route = await coord.get(`/api/v1/cycles/${week.cycle}/reports/route?format=xml&round=${round}`);
    assert.equal([...route.text.matchAll(/<round id="(\d+)"/g)].map((m) => m[1]).join(), round);
    const picking = readFileSync(cli('picking', 'xml', ['--round', round, '--pickup', split]), 'utf8');
    assert.equal([...picking.matchAll(/<stop /g)].length, 1);
    const coll = readFileSync(cli('collection', 'xml', ['--producer', 'oeufs-puy']), 'utf8');
    assert.deepEqual([...coll.matchAll(/<producer id="\d+" slug="([^"]+)"/g)].map((m) => m[1]), ['oeufs-puy']);
  });

  it('makes a PDF/A-3b carrying its XML document', () => {
    const file = cli('route', 'pdf', ['--pdfa']);
    const meta = execFileSync('pdfinfo', ['-meta', file], { encoding: 'utf8', timeout: TIMEOUT.cmd });
    assert.match(meta, /<pdfaid:part>3<\/pdfaid:part>/);
    assert.match(meta, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    assert.match(execFileSync('pdfdetach', ['-list', file], { encoding: 'utf8', timeout: TIMEOUT.cmd }), /km0-route\.xml/);
    const out = path.join(dir, 'embedded.xml');
    execFileSync('pdfdetach', ['-save', '1', '-o', out, file], { timeout: TIMEOUT.cmd });
    assertValid('route', out);
    assert.match(readFileSync(out, 'utf8'), /<route xmlns="urn:km0:report:1"/);
  });

  it('lists the documents and the filter values of a cycle for the coordinator desk', async () => {
    const r = await coord.get(`/api/v1/cycles/${week.cycle}/reports`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.cycle.ready, true);
    assert.deepEqual(r.json.documents.map((d) => d.kind), [...KINDS, 'invoices', 'receipts', 'orderform']); // invoices: invoices.test.mjs; receipts, orderform: paper.test.mjs
    assert.deepEqual(r.json.documents.find((d) => d.kind === 'route').filters, ['round']);
    assert.equal(r.json.producers.length, 12);
    assert.equal(r.json.pickup_points.length, 8);
    assert.deepEqual(r.json.rounds.map((x) => x.id),
      db.sql(`SELECT id FROM rounds WHERE cycle_id = ${week.cycle} ORDER BY seq`).map((x) => Number(x[0])));
    assert.equal((await producer.get(`/api/v1/cycles/${week.cycle}/reports`)).status, 403);
  });

  describe('refusals', () => {
    let open;
    before(() => {
      const hub = db.one('SELECT id FROM hubs');
      open = db.one(`INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date, state)
        VALUES (${hub}, 'Ouvert', now(), now() + interval '2 days', current_date + 3, 'open') RETURNING id`);
    });

    const refusedCli = (args, pattern) => {
      const out = path.join(dir, 'refused.pdf');
      const r = km0(['report', ...args, '-o', out], { db });
      assert.equal(r.status, 1, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(out) && !existsSync(`${out}.tmp`), 'no file, not even a partial one');
    };

    it('refuses bad requests on the command line with exit 1 and no file', () => {
      const c = String(week.cycle);
      refusedCli(['invoicez', '--cycle', c], /Document inconnu « invoicez »/);
      refusedCli(['route', '--cycle', String(open)], /« open ».*km0 batch/);
      refusedCli(['route', '--cycle', '999999'], /Aucun cycle 999999/);
      refusedCli(['collection', '--cycle', c, '--producer', 'nobody'], /Aucun producteur « nobody »/);
      refusedCli(['delivery', '--cycle', c, '--pickup', 'nowhere'], /Aucun point de retrait « nowhere »/);
      refusedCli(['route', '--cycle', c, '--round', '999999'], /n’a pas de tournée 999999/);
      refusedCli(['route', '--cycle', c, '--producer', 'oeufs-puy'], /ne se filtre pas par producer/);
      refusedCli(['route', '--cycle', c, '--format', 'docx'], /unknown format "docx"/);
      const r = km0(['report', 'route'], { db });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /usage: km0 report KIND --cycle ID/);
    });

    it('fails cleanly when FOP fails: exit 1, the reason, no file, no temporary files left', () => {
      const conf = path.join(dir, 'badfop.conf');
      const tmp = path.join(dir, 'tmp');
      mkdirSync(tmp, { recursive: true });
      for (const [fop, pattern] of [['/bin/false', /FOP failed \(exit status 1\)/],
        ['/nonexistent/fop', /FOP cannot be started/]]) {
        writeFileSync(conf, `fop = ${fop}\n`);
        const out = path.join(dir, 'nofop.pdf');
        const r = km0(['--config', conf, 'report', 'route', '--cycle', String(week.cycle), '-o', out],
          { db, env: { TMPDIR: tmp } });
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, pattern);
        assert.ok(!existsSync(out) && !existsSync(`${out}.tmp`));
        assert.deepEqual(readdirSync(tmp), []);
      }
    });

    it('answers bad HTTP requests with a 4xx JSON error', async () => {
      const base = `/api/v1/cycles/${week.cycle}/reports`;
      const cases = [
        [`${base}/invoicez`, 404, 'unknown_report', 'kind'],
        [`/api/v1/cycles/${open}/reports/route`, 409, 'cycle_not_batched', 'cycle'],
        ['/api/v1/cycles/999999/reports/route', 404, 'cycle_not_found', 'cycle'],
        [`${base}/collection?producer=nobody`, 400, 'unknown_producer', 'producer'],
        [`${base}/delivery?pickup=nowhere`, 400, 'unknown_pickup', 'pickup'],
        [`${base}/route?round=999999`, 400, 'unknown_round', 'round'],
        [`${base}/route?round=abc`, 400, 'unknown_round', 'round'],
        [`${base}/route?pickup=crest-halle`, 400, 'filter_not_accepted', 'pickup'],
        [`${base}/route?format=docx`, 400, 'bad_format', 'format'],
      ];
      for (const [url, status, code, field] of cases) {
        const r = await coord.get(url);
        assert.equal(r.status, status, `${url}: ${r.text}`);
        assert.equal(r.json.error.code, code, url);
        assert.equal(r.json.error.field, field, url);
        assert.ok(r.json.error.message.length > 10);
      }
      const anon = await srv.client().get(`${base}/route?format=xml`);
      assert.equal(anon.status, 401);
    });

    it('does not show the cycle of another hub', async () => {
      const other = db.one(`WITH h AS (INSERT INTO hubs (slug, name, siret, depot_lat, depot_lon)
          VALUES ('autre-pole', 'Autre pôle', '12345678901234', 45, 5) RETURNING id)
        INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date, state)
        SELECT id, 'Ailleurs', now() - interval '5 days', now() - interval '2 days', current_date, 'batched' FROM h
        RETURNING id`);
      const r = await coord.get(`/api/v1/cycles/${other}/reports/route?format=xml`);
      assert.equal(r.status, 404);
      assert.equal(r.json.error.code, 'cycle_not_found');
      const conf = path.join(dir, 'hub.conf');
      writeFileSync(conf, 'hub = drome-paysanne\n');
      const out = path.join(dir, 'other.xml');
      const c = km0(['--config', conf, 'report', 'route', '--cycle', other, '--format', 'xml', '-o', out], { db });
      assert.equal(c.status, 1);
      assert.match(c.stderr, /Aucun cycle/);
      assert.ok(!existsSync(out));
    });
  });
});

describe('a 50-pickup-point week', () => {
  let db, week, dir;
  before(() => {
    db = freshDb('reports50');
    week = generateWeek(db, { orders: 1500, pickupPoints: 50, seed: 3 });
    dir = tmpDir('reports50');
  });
  after(() => db?.drop());

  // pages of the PDF grouped into sheets by their heading; each checks "page n / N"
  function sheets(pages, headingOf) {
    const out = [];
    for (const p of pages) {
      const heading = headingOf(p);
      assert.ok(heading, `a page without a known heading:\n${p.slice(0, 500)}`);
      const m = p.match(/page (\d+) \/ (\d+)/);
      assert.ok(m, 'every page has "page n / N"');
      if (!out.length || out[out.length - 1].heading !== heading) out.push({ heading, pages: [] });
      out[out.length - 1].pages.push({ text: p, n: Number(m[1]), of: Number(m[2]) });
    }
    for (const s of out) {
      s.pages.forEach((p, i) => {
        assert.equal(p.n, i + 1, `${s.heading}: page numbers run 1..N`);
        assert.equal(p.of, s.pages.length, `${s.heading}: N is the sheet's page count`);
      });
    }
    return out;
  }

  it('paginates the delivery sheets without splitting a row, headers repeated, page n / N right', () => {
    const out = path.join(dir, 'delivery.pdf');
    const r = km0(['report', 'delivery', '--cycle', String(week.cycle), '-o', out], { db });
    assert.equal(r.status, 0, r.stderr);
    const orders = expectedOrders(db, week.cycle);
    const names = [...new Set(orders.map((o) => o.point))];
    assert.equal(names.length, 50);
    const pages = pagesOf(pdfText(out));
    const byHeading = sheets(pages, (p) => names.find((n) => p.split('\n').some((l) => l.trim() === n)));
    assert.equal(byHeading.length, 50, 'one sheet per pickup point');
    assert.ok(byHeading.some((s) => s.pages.length > 1), 'some sheets run over several pages');
    for (const s of byHeading)
      for (const p of s.pages) assert.match(p.text, /Sac Client Téléphone Articles Montant dû À payer Encaissé Signature/);
    for (const o of orders) {
      const sheet = byHeading.find((s) => s.heading === o.point);
      const row = `${o.bag} ${o.name} ${o.phone} ${o.items} ${money(o.due)}`;
      const where = sheet.pages.filter((p) => (o.kind === 'person' ? p.text.includes(row)
        : p.text.includes(o.name) && p.text.includes(o.phone) && p.text.includes(money(o.due))));
      assert.equal(where.length, 1, `${o.name} (bag ${o.bag}) whole on one page of ${o.point}`);
    }
  });

  it('paginates the route sheets of 25 stops each', () => {
    const out = path.join(dir, 'route.pdf');
    const r = km0(['report', 'route', '--cycle', String(week.cycle), '-o', out], { db });
    assert.equal(r.status, 0, r.stderr);
    const pages = pagesOf(pdfText(out));
    const rounds = sheets(pages, (p) => (p.match(/\n ?(Tournée \d+ · [^\n]+)\n/) || [])[1]?.trim());
    assert.equal(rounds.length, 2);
    const stops = db.sql(`SELECT r.seq, s.seq, to_char(s.eta, 'HH24:MI'), pp.name FROM round_stops s
      JOIN rounds r ON r.id = s.round_id JOIN pickup_points pp ON pp.id = s.pickup_point_id
      WHERE s.cycle_id = ${week.cycle}`);
    for (const [round, seq, eta, name] of stops) {
      const sheet = rounds.find((s) => s.heading.startsWith(`Tournée ${round} ·`));
      assert.equal(sheet.pages.filter((p) => p.text.includes(`${seq} ${eta} ${name}`)).length, 1,
        `round ${round} stop ${seq} ${name}`);
    }
  });
});
