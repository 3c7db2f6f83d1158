// EcoIndex of km0's pages, measured in chromium from the real DOM, the requests and the
// bytes on the wire (tests/lib/ecoindex.mjs): grade A for the 100-product shop, for a
// visitor and for a logged-in consumer; B at least for every other main page and for the
// HTML form of every printable document.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, insertProducts, openCycle, km0, makeConsumers, clientFor } from '../lib/harness.mjs';
import { launch } from '../lib/browser.mjs';
import { ecoindex, measure } from '../lib/ecoindex.mjs';
import { multipart } from '../lib/security.mjs';
import { png } from '../lib/images.mjs';

const PRODUCERS = ['ferme-trois-chenes', 'fournil-saillans', 'chevrerie-gervanne'];

describe('EcoIndex', () => {
  let db, srv, browser, shopCycle, docCycle, invoice;
  const scores = [];
  before(async () => {
    db = freshDb('ecoindex');
    // 100 products over 3 producers and 7 categories, as a hub's week looks
    for (let p = 0; p < PRODUCERS.length; p++) {
      const items = [];
      for (let i = p; i < 100; i += PRODUCERS.length) {
        items.push({ sku: `E${i}`, name: `Produit de saison numéro ${i}`, price: (2 + (i % 9) * 0.37).toFixed(2),
          vat: i % 5 ? '5.5' : '20', stock: '80', step: i % 3 ? '1' : '0.5', category: `Rayon ${i % 7}` });
      }
      insertProducts(db, PRODUCERS[p], items);
    }
    // photos on (issue 19): a dozen different photos uploaded by a producer, as km0
    // re-encodes them, shared by the 100 products (a first view loads the visible ones)
    addUser(db, { email: 'photos@example.org', role: 'producer', producer: PRODUCERS[0], password: 'ecoindex photos' });
    {
      const s = await startServer(db);
      const c = s.client();
      await c.login('photos@example.org', 'ecoindex photos');
      for (let k = 0; k < 12; k++) {
        const m = multipart({ csrf: c.csrf, sku: `E${k * 3}`, photo: { filename: `p${k}.png`, type: 'image/png', data: png(640, 480, { seed: k + 1 }) } });
        const r = await c.req('POST', '/producer/product/photo', { body: m.body, headers: m.headers });
        assert.equal(r.status, 303, r.text);
      }
      await s.stop();
      db.sql(`UPDATE products p SET photo = x.digest FROM (SELECT digest, row_number() OVER (ORDER BY digest) - 1 AS k FROM photos) x
        WHERE x.k = (substr(p.sku, 2)::int % 12)`);
    }
    // the week of the documents: ordered, closed, batched and invoiced
    docCycle = openCycle(db, { closesIn: '2 days' });
    const offers = db.sql(`SELECT p.slug, o.sku FROM offers o JOIN producers p ON p.id = o.producer_id WHERE o.cycle_id = ${docCycle} ORDER BY o.id`);
    srv = await startServer(db);
    const consumers = makeConsumers(db, 12, 'eco');
    const pickups = ['crest-halle', 'die-mjc', 'livron-gare'];
    for (let i = 0; i < consumers.length; i++) {
      const lines = [0, 1, 2].map((k) => offers[(i * 7 + k * 31) % offers.length]).map(([producer, sku]) => ({ producer, sku, quantity: '1' }));
      const r = await clientFor(srv, consumers[i]).put(`/api/v1/cycles/${docCycle}/order`, { pickup_point: pickups[i % 3], lines });
      assert.equal(r.status, 200, r.text);
    }
    for (const args of [['cycle', 'close', String(docCycle)], ['batch', '--cycle', String(docCycle)], ['invoice', 'issue', '--cycle', String(docCycle)]]) {
      const r = km0(args, { db });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    invoice = db.one(`SELECT number FROM invoices WHERE cycle_id = ${docCycle} ORDER BY id LIMIT 1`);
    // this week's shop, where a consumer has an order
    shopCycle = openCycle(db, { closesIn: '4 days' });
    addUser(db, { email: 'eco@example.org', role: 'consumer', password: 'ecoindex consumer' });
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'ecoindex coordinator' });
    addUser(db, { email: 'prod@example.org', role: 'producer', producer: PRODUCERS[0], password: 'ecoindex producer' });
    browser = await launch();
  });
  after(async () => {
    if (scores.length) console.log(scores.map((s) => `  ${s.grade} ${String(s.score).padStart(3)}  dom ${s.dom}, ${s.requests} req, ${s.kb.toFixed(1)} KB  ${s.what}`).join('\n'));
    await browser?.close(); await srv?.stop(); db?.drop();
  });

  async function loggedIn(email, password) {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/login`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForLoadState();
    await page.close();
    return ctx;
  }

  async function expectGrade(ctx, what, path, best) {
    const m = await measure(ctx, srv.base + path);
    scores.push({ ...m, what });
    const worst = best === 'A' ? 80 : 70;
    assert.ok(m.score > worst, `${what} (${path}): EcoIndex ${m.score} (${m.grade}), dom ${m.dom}, ${m.requests} requests, ${m.kb.toFixed(1)} KB — ${best} needs more than ${worst}`);
    return m;
  }

  it('uses the published formula: its bounds and a known position', () => {
    assert.deepEqual(ecoindex({ dom: 0, requests: 0, kb: 0 }), { score: 100, exact: 100, grade: 'A' });
    assert.equal(ecoindex({ dom: 594601, requests: 3920, kb: 223212.26 }).score, 0);
    // dom 298, 42 requests, 631.97 KB sit on the 5th bound of each: 100 - 5 × 5 = 75
    assert.equal(ecoindex({ dom: 298, requests: 42, kb: 631.97 }).score, 75);
    assert.equal(ecoindex({ dom: 298, requests: 42, kb: 631.97 }).grade, 'B');
  });

  it('grades the 100-product shop A, for a visitor and for a consumer with an order', async () => {
    const anon = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
    const first = await expectGrade(anon, 'shop, visitor', '/', 'A');
    // the first view's budget, photos on: at most 60 KB of HTML and CSS, 150 KB in all,
    // nothing from another site
    assert.equal(Number(db.one(`SELECT count(*) FROM offers WHERE cycle_id = ${shopCycle} AND photo IS NOT NULL`)), 100);
    const htmlCss = (first.byType.Document || 0) + (first.byType.Stylesheet || 0);
    assert.ok(htmlCss <= 60 * 1024, `HTML and CSS: ${htmlCss} bytes`);
    assert.ok(first.bytes <= 150 * 1024, `in all: ${first.bytes} bytes`);
    assert.ok((first.byType.Image || 0) > 0, 'thumbnails were loaded');
    assert.deepEqual(first.external, []);
    scores.push({ ...first, what: `  (HTML+CSS ${(htmlCss / 1024).toFixed(1)} KB, images ${((first.byType.Image || 0) / 1024).toFixed(1)} KB)` });
    await expectGrade(anon, 'shop, visitor, page 2', '/?page=2', 'A');
    await anon.close();
    const ctx = await loggedIn('eco@example.org', 'ecoindex consumer');
    const c = srv.client();
    await c.login('eco@example.org', 'ecoindex consumer');
    const offer = db.sql(`SELECT p.slug, o.sku FROM offers o JOIN producers p ON p.id = o.producer_id WHERE o.cycle_id = ${shopCycle} ORDER BY o.id LIMIT 3`);
    const r = await c.put(`/api/v1/cycles/${shopCycle}/order`, { pickup_point: 'crest-halle', lines: offer.map(([producer, sku]) => ({ producer, sku, quantity: '1' })) });
    assert.equal(r.status, 200, r.text);
    await expectGrade(ctx, 'shop, consumer', '/', 'A');
    await expectGrade(ctx, 'order page', `/orders/${shopCycle}`, 'B');
    await expectGrade(ctx, 'my orders', '/orders', 'B');
    await expectGrade(ctx, 'cancel confirmation', `/orders/${shopCycle}/cancel`, 'B');
    await expectGrade(ctx, 'contact', '/contact', 'B');
    await expectGrade(ctx, 'page not found', '/nowhere', 'B');
    await ctx.close();
  });

  it('grades the desk and the producer space B at least', async () => {
    const coord = await loggedIn('coord@example.org', 'ecoindex coordinator');
    await expectGrade(coord, 'desk', '/desk', 'B');
    await expectGrade(coord, 'desk, invoiced cycle', `/desk/cycles/${docCycle}`, 'B');
    await expectGrade(coord, 'desk, invoices list', `/desk/cycles/${docCycle}/invoices`, 'B');
    await expectGrade(coord, 'desk, open cycle', `/desk/cycles/${shopCycle}`, 'B');
    await coord.close();
    const prod = await loggedIn('prod@example.org', 'ecoindex producer');
    await expectGrade(prod, 'producer space', '/producer', 'B');
    await prod.close();
  });

  it('grades the HTML form of every printable document B at least, as each is printed', async () => {
    const coord = await loggedIn('coord@example.org', 'ecoindex coordinator');
    // what a person prints: each producer's collection list, each pickup point's picking
    // list, delivery sheet and invoices, the rounds' route sheet, one invoice
    const scopes = [
      ['collection', `&producer=${PRODUCERS[0]}`], ['collection', ''],
      ['picking', '&pickup=crest-halle'], ['picking', ''],
      ['delivery', '&pickup=crest-halle'], ['delivery', ''],
      ['route', ''],
      ['invoices', '&pickup=crest-halle'], ['invoices', `&producer=${PRODUCERS[1]}`],
    ];
    for (const [kind, filter] of scopes) {
      await expectGrade(coord, `document: ${kind}${filter || ' (whole cycle)'}`, `/api/v1/cycles/${docCycle}/reports/${kind}?format=html${filter}`, 'B');
    }
    await expectGrade(coord, 'document: one invoice', `/api/v1/invoices/${encodeURIComponent(invoice)}?format=html`, 'B');
    // the whole cycle's invoices in one document grows with them (one sheet each, like
    // its PDF): measured and shown, its weight per invoice bounded
    const all = await measure(coord, `${srv.base}/api/v1/cycles/${docCycle}/reports/invoices?format=html`);
    const n = Number(db.one(`SELECT count(*) FROM invoices WHERE cycle_id = ${docCycle}`));
    scores.push({ ...all, what: `document: invoices (whole cycle, ${n} invoices, not graded)` });
    assert.ok(all.dom / n < 50, `${(all.dom / n).toFixed(1)} elements per invoice sheet`);
    await coord.close();
  });
});
