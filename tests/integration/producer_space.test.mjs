// The producer's space and the desk's invoices over HTTP: what was ordered from a producer
// per cycle (live while open), their collection list and invoices; a checked catalog
// imported without a second upload, kept for its producer and user only; files read on
// a guess or looking like another producer's held for a confirmation; an invoiced
// cycle's page summed up and its invoices paged; the invoices document before issuing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freshDb, startServer, addUser, insertProducts, openCycle, makeConsumers, clientFor, km0, fixture } from '../lib/harness.mjs';
import { multipart } from '../lib/security.mjs';

const FTC = 'ferme-trois-chenes';
const upload = (client, fields) => {
  const m = multipart({ csrf: client.csrf, ...fields });
  return client.req('POST', '/producer/catalog', { body: m.body, headers: m.headers });
};
const csvFile = (name, text) => ({ filename: name, data: Buffer.isBuffer(text) ? text : Buffer.from(text) });
const count = (db, slug) => db.one(`SELECT count(*) FROM products WHERE producer_id = (SELECT id FROM producers WHERE slug = '${slug}')`);

describe('the producer space', () => {
  let db, srv, farmer, other, coord, open, done;
  before(async () => {
    db = freshDb('producer_space');
    insertProducts(db, FTC, [{ sku: 'CAR', name: 'Carottes', price: '2.37', vat: '5.5', stock: '100', step: '0.5' },
      { sku: 'POI', name: 'Poireaux', price: '2.84', vat: '5.5', stock: '100', step: '0.5' }]);
    insertProducts(db, 'brasserie-crest', [{ sku: 'BLONDE-33', name: 'Blonde', unit: 'bottle', price: '2.6667', vat: '20', stock: null, step: '1' },
      { sku: 'AMBREE-33', name: 'Ambrée', unit: 'bottle', price: '2.6667', vat: '20', stock: null, step: '1' },
      { sku: 'IPA-75', name: 'IPA', unit: 'bottle', price: '5', vat: '20', stock: null, step: '1' }]);
    addUser(db, { email: 'ferme@example.org', role: 'producer', producer: FTC, password: 'producer pass 1' });
    addUser(db, { email: 'ferme2@example.org', role: 'producer', producer: FTC, password: 'producer pass 2' });
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    // a past week, invoiced with more than a page of invoices; this week, open
    done = openCycle(db, { closesIn: '1 day' });
    srv = await startServer(db);
    const buyers = makeConsumers(db, 55, 'ps');
    for (const b of buyers) {
      const r = await clientFor(srv, b).put(`/api/v1/cycles/${done}/order`, { pickup_point: 'crest-halle', lines: [{ producer: FTC, sku: 'CAR', quantity: '1.5' }] });
      assert.equal(r.status, 200, r.text);
    }
    for (const args of [['cycle', 'close', String(done)], ['batch', '--cycle', String(done)]]) assert.equal(km0(args, { db }).status, 0);
    open = openCycle(db, { closesIn: '3 days' });
    const [b] = makeConsumers(db, 1, 'ps-open');
    const r = await clientFor(srv, b).put(`/api/v1/cycles/${open}/order`, { pickup_point: 'die-mjc', lines: [{ producer: FTC, sku: 'POI', quantity: '2.5' }, { producer: FTC, sku: 'CAR', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    farmer = srv.client();
    await farmer.login('ferme@example.org', 'producer pass 1');
    other = srv.client();
    await other.login('ferme2@example.org', 'producer pass 2');
    coord = srv.client();
    await coord.login('coord@example.org', 'coordinator pass');
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('says how the invoices document comes to be before they are issued, then sums the invoiced cycle up and pages its invoices', async () => {
    let r = await coord.get(`/api/v1/cycles/${done}/reports/invoices?format=html`);
    assert.equal(r.status, 200);
    assert.match(r.text, /Les factures de ce cycle ne sont pas encore émises[^<]*« Émettre les factures »/);
    assert.doesNotMatch(r.text, /Rien à imprimer/);
    r = await coord.get(`/desk/cycles/${done}`);
    assert.match(r.text, new RegExp(`href="/desk/cycles/${done}/invoices/issue">Émettre les factures…`));
    assert.equal(km0(['invoice', 'issue', '--cycle', String(done)], { db }).status, 0);
    const n = Number(db.one(`SELECT count(*) FROM invoices WHERE cycle_id = ${done}`));
    assert.equal(n, 55);
    const total = db.one(`SELECT sum(total_incl_vat_cents) FROM invoices WHERE cycle_id = ${done}`);
    r = await coord.get(`/desk/cycles/${done}`);
    assert.match(r.text, /55 factures et 0 avoir émis, pour un total de ([\d,]+)\s€ TTC/);
    assert.equal(/pour un total de ([\d,]+)\u00a0€/.exec(r.text)[1].replace(',', ''), total);
    assert.match(r.text, /Ferme des Trois Chênes<\/td><td class="num" data-l="Factures">55<\/td>/);
    assert.doesNotMatch(r.text, /\/api\/v1\/invoices\/FTC/, 'no invoice one by one on the cycle page');
    // the list, 50 a page, every invoice once
    const numbers = new Set();
    for (const p of [1, 2]) {
      r = await coord.get(`/desk/cycles/${done}/invoices?page=${p}`);
      assert.equal(r.status, 200);
      const rows = [...r.text.matchAll(/<tr><td>Facture ([^<]+)<\/td>/g)].map((m) => m[1]);
      assert.equal(rows.length, p === 1 ? 50 : 5);
      rows.forEach((x) => numbers.add(x));
    }
    assert.equal(numbers.size, 55);
    assert.match(r.text, /Page 2 \/ 2/);
    assert.equal((await coord.get(`/desk/cycles/${open}/invoices`)).status, 404);
  });

  it('shows the producer their week: orders per cycle, live while open, the collection list, their invoices', async () => {
    let r = await farmer.get('/producer');
    assert.equal(r.status, 200);
    const week = /<section aria-labelledby="week-title">([\s\S]*?)<\/section>/.exec(r.text)[1];
    // this week, open: 1 kg of carrots and 2.5 kg of leeks so far
    const thisWeek = week.split('<h3>')[1];
    assert.match(thisWeek, /commandes ouvertes/);
    assert.match(thisWeek, /<b>Carottes<\/b><span class="amt">1 kg<\/span><small>1 commande · 2,37\u00a0€ HT/);
    assert.match(thisWeek, /<b>Poireaux<\/b><span class="amt">2,5 kg<\/span>/);
    assert.match(thisWeek, /Le bon d’apport sera prêt/);
    // it is live: another order shows at once
    const [b] = makeConsumers(db, 1, 'ps-live');
    await clientFor(srv, b).put(`/api/v1/cycles/${open}/order`, { pickup_point: 'die-mjc', lines: [{ producer: FTC, sku: 'CAR', quantity: '2' }] });
    r = await farmer.get('/producer');
    assert.match(r.text, /<b>Carottes<\/b><span class="amt">3 kg<\/span><small>2 commandes/);
    // last week: 55 × 1.5 kg, the collection list, the invoices
    const lastWeek = r.text.split('<h3>')[2];
    assert.match(lastWeek, /<b>Carottes<\/b><span class="amt">82,5 kg<\/span><small>55 commandes/);
    assert.match(lastWeek, new RegExp(`href="/api/v1/cycles/${done}/reports/collection\\?format=pdf&amp;producer=${FTC}&amp;lang=fr">PDF`));
    const doc = await farmer.get(`/api/v1/cycles/${done}/reports/collection?format=html&producer=${FTC}`);
    assert.equal(doc.status, 200);
    assert.match(r.text, /<h2>Mes factures<\/h2>/);
    assert.equal((r.text.match(/<b>Facture FTC\d+-\d{4}-\d{6}<\/b>/g) || []).length, 20);
    assert.match(r.text, /Les 20 dernières sur 55/);
  });

  it('imports a checked file without choosing it again, for its producer and user only', async () => {
    const csv = 'sku,name,unit,price,vat\nCAR,Carottes nouvelles,kg,2.40,5.5\nNAV,Navets,kg,1.90,5.5\n';
    let r = await upload(farmer, { file: csvFile('semaine.csv', csv), action: 'check' });
    assert.equal(r.status, 200, r.text.slice(0, 400));
    assert.match(r.text, /importez ce fichier avec le bouton ci-dessous/);
    const token = /name="draft" value="([A-Za-z0-9_-]{32})"/.exec(r.text)[1];
    assert.match(r.text, /id="draft-import">Importer ce fichier \(semaine\.csv\)/);
    assert.equal(count(db, FTC), '2');
    // another producer account of the same farm, or the coordinator, cannot use the token
    r = await other.form('/producer/catalog', { draft: token, action: 'import' }, { csrf: other.csrf });
    assert.equal(r.status, 422);
    assert.match(r.text, /plus disponible/);
    assert.equal(count(db, FTC), '2');
    // the producer can: no file in the request
    r = await farmer.form('/producer/catalog', { draft: token, action: 'import' }, { csrf: farmer.csrf });
    assert.equal(r.status, 200, r.text.slice(0, 400));
    assert.match(r.text, /Catalogue importé/);
    assert.equal(count(db, FTC), '3');
    assert.equal(db.one(`SELECT name FROM products WHERE sku = 'CAR' AND producer_id = (SELECT id FROM producers WHERE slug = '${FTC}')`), 'Carottes nouvelles');
    // used once: gone
    assert.equal(db.one("SELECT count(*) FROM catalog_drafts"), '0');
    r = await farmer.form('/producer/catalog', { draft: token, action: 'import' }, { csrf: farmer.csrf });
    assert.equal(r.status, 422);
    // an hour later, a draft is no longer there
    r = await upload(farmer, { file: csvFile('semaine.csv', csv), action: 'check' });
    const old = /name="draft" value="([^"]+)"/.exec(r.text)[1];
    db.sql("UPDATE catalog_drafts SET created_at = now() - interval '61 minutes'");
    r = await farmer.form('/producer/catalog', { draft: old, action: 'import' }, { csrf: farmer.csrf });
    assert.equal(r.status, 422);
    assert.match(r.text, /gardé une heure/);
  });

  it('holds a file read on a guess, or like another producer\'s, until it is confirmed', async () => {
    // a garbled file: Latin-1 bytes, and two that mean nothing in UTF-8 ("ÿþ")
    const garbled = Buffer.concat([Buffer.from('sku,name,unit,price,vat\nCAF,Caf\xe9 \xff\xfe invalide,piece,4.00,5.5\n', 'latin1')]);
    let r = await upload(farmer, { file: csvFile('cafe.csv', garbled), action: 'import' });
    assert.equal(r.status, 422);
    assert.match(r.text, /Import en attente/);
    assert.match(r.text, /lu comme du Windows-1252/);
    assert.match(r.text, /Café ÿþ invalide/); // shown as read, for the producer to see
    assert.equal(db.one("SELECT count(*) FROM products WHERE sku = 'CAF'"), '0');
    const token = /name="draft" value="([^"]+)"/.exec(r.text)[1];
    // the same held file, confirmed
    r = await farmer.form('/producer/catalog', { draft: token, action: 'import', confirm: '1' }, { csrf: farmer.csrf });
    assert.equal(r.status, 200, r.text.slice(0, 400));
    assert.equal(db.one("SELECT name FROM products WHERE sku = 'CAF'"), 'Café ÿþ invalide');
    // another producer's catalog: the brewery's SKUs
    const beers = 'sku,name,unit,price,vat\nBLONDE-33,Blonde,bottle,2.67,20\nAMBREE-33,Ambrée,bottle,2.67,20\nIPA-75,IPA,bottle,5,20\n';
    r = await upload(farmer, { file: csvFile('bieres.csv', beers), action: 'check' });
    assert.equal(r.status, 200);
    assert.match(r.text, /3 des 3 références de ce fichier sont celles du catalogue de « Brasserie de la Tour de Crest »/);
    assert.match(r.text, /id="catalog-confirm"/);
    r = await upload(farmer, { file: csvFile('bieres.csv', beers), action: 'import' });
    assert.equal(r.status, 422);
    assert.equal(db.one(`SELECT count(*) FROM products WHERE sku = 'IPA-75' AND producer_id = (SELECT id FROM producers WHERE slug = '${FTC}')`), '0');
    // an Open Food Network file naming another producer
    const ofn = readFileSync(fixture('catalogs/jardins-chabeuil.ofn.csv'), 'utf8');
    r = await upload(farmer, { file: csvFile('ofn.csv', ofn), action: 'check' });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.match(r.text, /Ce fichier est au nom de « [^»]+ », pas de « Ferme des Trois Chênes »/);
    // a plain UTF-8 file of their own: no warning, imported at once
    r = await upload(farmer, { file: csvFile('ok.csv', 'sku,name,unit,price,vat\nCAR,Carottes,kg,2.40,5.5\n'), action: 'import' });
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /id="warnings"/);
  });
});
