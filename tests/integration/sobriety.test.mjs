// Sobriety over HTTP: text replies compressed when the client accepts it (brotli, gzip),
// caching by kind of page (personal no-store, the visitor's shop revalidated with an
// ETag, versioned assets kept a year), and no dead end: errors are HTML pages for
// browsers and JSON for scripts, with a favicon and a contact page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { freshDb, startServer, addUser, insertProducts, openCycle, makeConsumers, clientFor } from '../lib/harness.mjs';
import { unmaskCsrf } from '../lib/security.mjs';

/** GET with node:http, which (unlike fetch) leaves the body as it came on the wire. */
function raw(base, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('sobriety: compression, caching, no dead ends', () => {
  let db, srv, cycle, consumer;
  before(async () => {
    db = freshDb('sobriety');
    insertProducts(db, 'ferme-trois-chenes', Array.from({ length: 30 }, (_, i) => (
      { sku: `S${i}`, name: `Légume de saison ${i}`, price: '2.10', vat: '5.5', stock: '100', step: '1', category: `Rayon ${i % 4}` })));
    cycle = openCycle(db);
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    [consumer] = makeConsumers(db, 1, 'sob');
    srv = await startServer(db);
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('compresses text replies in the coding the client prefers, and says it varies', async () => {
    const plain = await raw(srv.base, '/');
    assert.equal(plain.headers['content-encoding'], undefined);
    const html = plain.body.toString();
    assert.match(html, /Légume de saison/);
    const br = await raw(srv.base, '/', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), html);
    assert.ok(br.body.length < html.length / 3, `${br.body.length} of ${html.length} bytes`);
    const gz = await raw(srv.base, '/', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), html);
    assert.match(gz.headers.vary, /Accept-Encoding/);
    const none = await raw(srv.base, '/', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    assert.equal(none.headers['content-encoding'], undefined);
    // the API too (JSON), and the stylesheet
    const api = await raw(srv.base, `/api/v1/cycles/${cycle}`, { 'accept-encoding': 'br' });
    assert.equal(api.headers['content-encoding'], 'br');
    assert.equal(JSON.parse(brotliDecompressSync(api.body)).cycle.id, cycle);
    const css = await raw(srv.base, '/static/km0.css', { 'accept-encoding': 'gzip' });
    assert.equal(css.headers['content-encoding'], 'gzip');
    // small replies go as they are
    const health = await raw(srv.base, '/healthz', { 'accept-encoding': 'br' });
    assert.equal(health.headers['content-encoding'], undefined);
  });

  it('never writes the CSRF token twice the same in compressed pages (BREACH), and takes it back masked', async () => {
    const c = clientFor(srv, consumer);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const r = await c.get('/orders');
      seen.push(/name="csrf" value="([^"]+)"/.exec(r.text)[1]);
    }
    assert.equal(new Set(seen).size, 3, 'a fresh mask on every page');
    for (const v of seen) {
      assert.match(v, /^x[0-9a-f]+$/);
      assert.equal(unmaskCsrf(v), consumer.csrf);
      assert.ok(!v.includes(consumer.csrf));
    }
    // a masked token from a page, and the token as it is (scripts), are both accepted
    for (const token of [seen[0], consumer.csrf]) {
      const r = await c.req('POST', '/order', { body: new URLSearchParams({ csrf: token, cycle: String(cycle), go: 'stay' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.status, 303, r.text.slice(0, 200));
    }
    // a mask of another token is refused
    const forged = `x${'00'.repeat(consumer.csrf.length)}${Buffer.from('y'.repeat(consumer.csrf.length)).toString('hex')}`;
    const r = await c.req('POST', '/order', { body: new URLSearchParams({ csrf: forged, cycle: String(cycle), go: 'stay' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 403);
  });

  it('lets the visitor\'s shop be revalidated (ETag, 304) and never stores a personal page', async () => {
    const first = await raw(srv.base, '/', { 'accept-encoding': 'br' });
    assert.equal(first.headers['cache-control'], 'no-cache');
    const etag = first.headers.etag;
    assert.match(etag, /^W\/"[0-9a-f]{16}"$/);
    assert.match(first.headers.vary, /Cookie/);
    assert.match(first.headers.vary, /Accept-Language/);
    const again = await raw(srv.base, '/', { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, etag);
    // the same tag whatever the coding: it names the page, not its bytes on the wire
    assert.equal((await raw(srv.base, '/', { 'if-none-match': etag })).status, 304);
    // the page changes (stock left), the tag with it; the per-second cache may lag a second
    const r = await clientFor(srv, consumer).put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: 'ferme-trois-chenes', sku: 'S0', quantity: '3' }] });
    assert.equal(r.status, 200, r.text);
    await new Promise((done) => setTimeout(done, 1100));
    const changed = await raw(srv.base, '/', { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
    // a consumer's own shop, and the order: no-store, no tag
    const mine = await clientFor(srv, consumer).get('/');
    assert.equal(mine.headers.get('cache-control'), 'no-store');
    assert.equal(mine.headers.get('etag'), null);
    const order = await clientFor(srv, consumer).get(`/orders/${cycle}`);
    assert.equal(order.headers.get('cache-control'), 'no-store');
  });

  it('serves the stylesheet and the icon at versioned addresses kept a year', async () => {
    const page = (await raw(srv.base, '/')).body.toString();
    const css = /<link rel="stylesheet" href="(\/static\/km0\.[0-9a-f]{10}\.css)">/.exec(page)[1];
    const icon = /<link rel="icon" href="(\/static\/favicon\.[0-9a-f]{10}\.svg)" type="image\/svg\+xml">/.exec(page)[1];
    for (const url of [css, icon]) {
      const r = await raw(srv.base, url);
      assert.equal(r.status, 200, url);
      assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', url);
    }
    const plain = await raw(srv.base, '/static/km0.css');
    assert.equal(plain.headers['cache-control'], 'public, max-age=3600');
    assert.equal(plain.body.toString(), (await raw(srv.base, css)).body.toString());
    const fav = await raw(srv.base, '/favicon.ico');
    assert.equal(fav.status, 200);
    assert.equal(fav.headers['content-type'], 'image/svg+xml');
    assert.match(fav.body.toString(), /^<svg /);
    // another digest (an older release's page) is not an immutable copy of this one
    assert.equal((await raw(srv.base, '/static/km0.0000000000.css')).status, 404);
  });

  it('answers an unknown address with a page in the visitor\'s language, and scripts with JSON', async () => {
    let r = await raw(srv.base, '/panier', { accept: BROWSER });
    assert.equal(r.status, 404);
    assert.match(r.headers['content-type'], /text\/html/);
    let text = r.body.toString();
    assert.match(text, /<h1>Page introuvable<\/h1><p role="alert" data-code="not_found">Il n’y a rien à cette adresse/);
    assert.match(text, /<nav aria-label="Navigation principale">/);
    assert.match(text, /<a href="\/contact">Contacter le groupement<\/a>/);
    r = await raw(srv.base, '/panier', { accept: BROWSER, 'accept-language': 'en-GB,en;q=0.9' });
    assert.match(r.body.toString(), /<html lang="en">[\s\S]*<h1>Page not found<\/h1>/);
    // a script at a page address gets the page too, unless it asks for JSON
    r = await raw(srv.base, '/panier');
    assert.match(r.headers['content-type'], /text\/html/);
    r = await raw(srv.base, '/panier', { accept: 'application/json' });
    assert.equal(JSON.parse(r.body).error.code, 'not_found');
    // the API keeps JSON, except for a browser navigating there
    r = await raw(srv.base, '/api/v1/nothing');
    assert.equal(JSON.parse(r.body).error.code, 'not_found');
    r = await raw(srv.base, '/api/v1/nothing', { accept: BROWSER });
    assert.match(r.headers['content-type'], /text\/html/);
    // an API error a browser meets (a document that cannot be made yet) is a page
    r = await raw(srv.base, `/api/v1/cycles/${cycle}/reports/picking?format=html`, { accept: BROWSER, cookie: `km0_session=${consumer.token}` });
    assert.equal(r.status, 403);
    assert.match(r.body.toString(), /<h1>Accès refusé<\/h1>/);
    // a wrong method on a page: a page; on the API: JSON
    r = await raw(srv.base, '/order', { accept: BROWSER });
    assert.equal(r.status, 405);
    assert.match(r.body.toString(), /<h1>Adresse mal utilisée<\/h1>/);
    // a logged-in person's error page has their own navigation
    r = await raw(srv.base, '/panier', { accept: BROWSER, cookie: `km0_session=${consumer.token}` });
    text = r.body.toString();
    assert.match(text, /href="\/orders">Mes commandes/);
  });

  it('keeps the shop page small however large the catalog (5 000 products, 150 categories)', async () => {
    const big = freshDb('sobriety_big');
    try {
      big.sql(`INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, step_milli)
        SELECT p.hub_id, p.id, 'B' || i, 'Produit ' || i, 'Rayon ' || (i % 150), 'kg', 20000 + i, 550, 1000
          FROM generate_series(1, 5000) i JOIN producers p ON p.slug = 'ferme-trois-chenes'`);
      const c = openCycle(big);
      assert.equal(big.one(`SELECT count(*) FROM offers WHERE cycle_id = ${c}`), '5000');
      const s = await startServer(big);
      try {
        for (const path of ['/', '/?page=63', '/?page=125']) {
          const r = await raw(s.base, path);
          assert.equal(r.status, 200);
          const text = r.body.toString();
          assert.ok((text.match(/<li>Produit \d+ /g) || []).length <= 40, `${path}: at most a page of products`);
          assert.ok((text.match(/<a href="\/\?page=\d+#c\d+">/g) || []).length <= 60, `${path}: at most 60 category links`);
          assert.ok(r.body.length < 20 * 1024, `${path}: ${r.body.length} bytes`);
        }
        assert.match((await raw(s.base, '/?page=125')).body.toString(), /Page 125 \/ 125/);
      } finally {
        await s.stop();
      }
    } finally {
      big.drop();
    }
  });

  it('gives the hub\'s contact on a page of its own', async () => {
    const r = await raw(srv.base, '/contact');
    assert.equal(r.status, 200);
    const text = r.body.toString();
    const hub = db.sql('SELECT name, email, siret FROM hubs ORDER BY id LIMIT 1')[0];
    assert.ok(text.includes(hub[0].replace(/'/g, '&#39;')), 'the hub\'s name');
    if (hub[1]) assert.ok(text.includes(`href="mailto:${hub[1]}"`), 'its email');
    assert.ok(text.includes(hub[2]), 'its SIRET');
  });
});
