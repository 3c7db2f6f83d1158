// Invoices: issuing a batched cycle (all or none), numbering per seller and year without
// gap (also under two servers issuing at once), totals equal to what each buyer was
// shown, immutability, credit notes, every export format, and the official EN 16931
// validation of every CII document the tests produce — in both seller modes.
//
// Real issuance only: a generated week (tests/lib/weekgen.mjs) and a small cycle made
// by km0 itself (opened under the mode's config, ordered through the API, closed and
// batched). FOP is a JVM: the file keeps its PDF runs to five.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, clientFor, tmpDir, ROOT, TIMEOUT } from '../lib/harness.mjs';
import { generateWeek } from '../lib/weekgen.mjs';
import {
  writeConfig, cli, openCycleWith, closeAndBatch, realCatalog, placeRealOrders, sessionsForCycle,
  pdfText, validateCii, validatorsMissing, have,
} from '../lib/invoicing.mjs';

const PASSWORD = 'correct horse battery';
const FTC = 'ferme-trois-chenes';
const NUMBER = /^([A-Z]+\d+-)?\d{4}-\d{6}$/;

let work, ciiDir;
let ciiCount = 0;
before(() => {
  work = tmpDir('km0-invoices');
  ciiDir = path.join(work, 'cii');
  mkdirSync(ciiDir);
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Every seller's numbers for a year are 1..N, once each; the sequence row says N. */
function checkNumbering(db) {
  const rows = db.sql(`SELECT i.seller_key, i.year, count(*), min(i.seq), max(i.seq), count(DISTINCT i.seq),
      count(DISTINCT i.number), s.last_number
    FROM invoices i JOIN invoice_sequences s USING (hub_id, seller_key, year) GROUP BY 1, 2, s.last_number`);
  assert.ok(rows.length > 0);
  for (const [key, year, n, min, max, distinct, numbers, last] of rows) {
    assert.deepEqual([min, max, distinct, numbers, last], ['1', n, n, n, n], `${key} ${year}: numbers not 1..${n}`);
  }
  for (const [n] of db.sql('SELECT number FROM invoices')) assert.match(n, NUMBER);
  // chronological: a seller's later number never carries an earlier date
  assert.deepEqual(db.sql(`SELECT a.number FROM invoices a JOIN invoices b USING (hub_id, seller_key, year)
    WHERE a.seq < b.seq AND (a.issue_date > b.issue_date OR a.issued_at > b.issued_at)`), []);
}

async function listInvoices(client, cycle) {
  const r = await client.get(`/api/v1/cycles/${cycle}/invoices`);
  assert.equal(r.status, 200, r.text);
  return r.json.invoices;
}

/** Every order's invoices add up, to the cent, to what GET /cycles/{id}/order shows its buyer. */
async function checkOrderTotals(db, srv, cycle, invoices) {
  const sums = new Map();
  for (const i of invoices.filter((x) => x.type_code === 380)) {
    const s = sums.get(i.order) || { excl: 0, vat: 0, incl: 0 };
    s.excl += i.total_excl_vat_cents;
    s.vat += i.total_vat_cents;
    s.incl += i.total_incl_vat_cents;
    sums.set(i.order, s);
  }
  const sessions = sessionsForCycle(db, cycle);
  const orders = db.sql(`SELECT id, customer_id FROM orders o WHERE cycle_id = ${cycle}
    AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id) ORDER BY id`);
  assert.equal(sums.size, orders.length, 'one or more invoices for every order with lines');
  for (let k = 0; k < orders.length; k += 16) {
    await Promise.all(orders.slice(k, k + 16).map(async ([id, customer]) => {
      const r = await clientFor(srv, sessions.get(Number(customer))).get(`/api/v1/cycles/${cycle}/order`);
      assert.equal(r.status, 200, r.text);
      const o = r.json.order;
      assert.equal(o.id, Number(id));
      assert.deepEqual(sums.get(o.id), { excl: o.total_excl_vat_cents, vat: o.total_vat_cents, incl: o.total_incl_vat_cents },
        `order ${id}: invoices and order totals differ`);
    }));
  }
  return orders.length;
}

/** Save the CII of each number (as the coordinator gets it) for the final validation. */
async function saveCii(client, numbers, tag) {
  const out = new Map();
  for (let k = 0; k < numbers.length; k += 16) {
    await Promise.all(numbers.slice(k, k + 16).map(async (n) => {
      const r = await client.get(`/api/v1/invoices/${n}?format=cii`);
      assert.equal(r.status, 200, `${n}: ${r.text}`);
      assert.match(r.headers.get('content-type'), /^application\/xml/);
      writeFileSync(path.join(ciiDir, `${tag}-${n}.xml`), r.text);
      out.set(n, r.text);
    }));
  }
  ciiCount += numbers.length;
  return out;
}

async function getBytes(client, url) {
  const h = { cookie: client.cookieHeader() };
  const r = await fetch(client.base + url, { headers: h });
  return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
}

const today = (db, fmt) => db.one(`SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, '${fmt}')`);
const fopSkip = () => (['fop', 'pdftotext', 'qpdf', 'pdfinfo'].find((c) => !have(c)) || null);

describe('invoices, seller mode "producers": one invoice per producer per order', () => {
  let db, conf, srv, coord, week, real, placed, invoices, realInvoices;
  before(async () => {
    db = freshDb('inv_prod');
    conf = writeConfig(work, 'producers', { seller_mode: 'producers' });
    week = generateWeek(db, { orders: 120, pickupPoints: 6, seed: 5 });
    realCatalog(db);
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    addUser(db, { email: 'ftc@example.org', role: 'producer', producer: FTC });
    addUser(db, { email: 'vg@example.org', role: 'producer', producer: 'vergers-grane' });
    srv = await startServer(db, { config: conf });
    coord = srv.client();
    await coord.login('coord@example.org', PASSWORD);
    real = openCycleWith(db, conf);
    placed = await placeRealOrders(db, srv, real, 'ip');
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('refuses a cycle that is not batched, an unknown cycle, and the wrong role', async () => {
    let r = await coord.post(`/api/v1/cycles/${real}/invoices`, {});
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'cycle_not_batched');
    const c = cli(conf, ['invoice', 'issue', '--cycle', String(real)], db);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /batched|tournées/);
    r = await coord.post('/api/v1/cycles/999999/invoices', {});
    assert.equal(r.status, 404);
    r = await clientFor(srv, placed[0].consumer).post(`/api/v1/cycles/${week.cycle}/invoices`, {});
    assert.equal(r.status, 403);
    r = await srv.client().post(`/api/v1/cycles/${week.cycle}/invoices`, {});
    assert.equal(r.status, 401);
    assert.equal(db.one('SELECT count(*) FROM invoices'), '0');
    assert.equal(db.one('SELECT count(*) FROM invoice_sequences'), '0');
  });

  it('issues a batched cycle at once, numbering each seller from 1 without gap; twice is refused', async () => {
    closeAndBatch(db, conf, real);
    let r = await coord.post(`/api/v1/cycles/${real}/invoices`, {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.state, 'invoiced');
    assert.equal(r.json.orders, 3);
    assert.equal(r.json.invoices, 6); // the farm and the orchard for each of the three orders
    const c = cli(conf, ['invoice', 'issue', '--cycle', String(week.cycle)], db);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /invoices for 120 orders/);
    r = await coord.post(`/api/v1/cycles/${week.cycle}/invoices`, {});
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'already_invoiced');
    assert.equal(cli(conf, ['invoice', 'issue', '--cycle', String(real)], db).status, 1);
    assert.equal(db.one(`SELECT string_agg(DISTINCT state, ',') FROM cycles WHERE id IN (${real}, ${week.cycle})`), 'invoiced');
    checkNumbering(db);
    // one invoice per (order, producer), the producer as seller, the hub as intermediary
    assert.equal(db.one(`SELECT count(*) FROM invoices WHERE cycle_id = ${week.cycle}`),
      db.one(`SELECT count(DISTINCT (l.order_id, f.producer_id)) FROM order_lines l JOIN offers f ON f.id = l.offer_id
              WHERE f.cycle_id = ${week.cycle}`));
    assert.equal(db.one("SELECT count(*) FROM invoices WHERE seller_key NOT LIKE 'producer:%' OR intermediary IS NULL"), '0');
    invoices = await listInvoices(coord, week.cycle);
    realInvoices = await listInvoices(coord, real);
  });

  it('adds up each order’s invoices to what its buyer was shown, for every order', async () => {
    assert.equal(await checkOrderTotals(db, srv, week.cycle, invoices), 120);
    const sums = new Map();
    for (const i of realInvoices) sums.set(i.order, (sums.get(i.order) || 0) + i.total_incl_vat_cents);
    for (const p of placed) assert.equal(sums.get(p.order.id), p.order.total_incl_vat_cents);
  });

  it('keeps the franchise producer’s invoice exempt and a farm’s three rates in one invoice', async () => {
    const biz = placed.find((p) => p.kind === 'business').order.id;
    const farm = realInvoices.find((i) => i.order === biz && i.seller_key.startsWith('producer:') && i.seller === 'Ferme des Trois Chênes');
    let r = await coord.get(`/api/v1/invoices/${farm.number}`);
    assert.equal(r.status, 200, r.text);
    const inv = r.json.invoice;
    assert.deepEqual(inv.vat.map((v) => `${v.category} ${v.rate}`), ['S 5.5', 'S 10', 'S 20']);
    assert.equal(inv.buyer.kind, 'business');
    assert.equal(inv.buyer.siret, '73282932000074');
    assert.equal(inv.intermediary.name, 'Drôme Paysanne (SCIC)');
    assert.equal(inv.lines.find((l) => l.sku === 'INV-CAR').quantity, '12.25');
    assert.ok(inv.notes.some((n) => /40\s€/.test(n)), 'business buyers owe the 40 € indemnity');
    const orchard = realInvoices.find((i) => i.seller === 'Vergers de Grane' && i.order === placed[0].order.id);
    r = await coord.get(`/api/v1/invoices/${orchard.number}`);
    const o = r.json.invoice;
    assert.equal(o.seller.vat_franchise, true);
    assert.deepEqual(o.vat.map((v) => [v.category, v.rate, v.amount_cents]), [['E', '0', 0]]);
    assert.ok(o.notes.includes('TVA non applicable, art. 293 B du CGI'));
    assert.ok(!o.notes.some((n) => /40\s€/.test(n)), 'a person owes no recovery indemnity');
    assert.equal(o.buyer.address, '', 'a person without an address is invoiced with the country only');
  });

  it('lets the seller and the buyer get their invoice, and nobody else', async () => {
    const ftc = srv.client();
    await ftc.login('ftc@example.org', PASSWORD);
    const mine = realInvoices.find((i) => i.seller === 'Ferme des Trois Chênes');
    const other = realInvoices.find((i) => i.seller === 'Vergers de Grane');
    assert.equal((await ftc.get(`/api/v1/invoices/${mine.number}?format=cii`)).status, 200);
    assert.equal((await ftc.get(`/api/v1/invoices/${other.number}`)).status, 404);
    const buyer = placed.find((p) => p.order.id === mine.order).consumer;
    const stranger = placed.find((p) => p.order.id !== mine.order).consumer;
    assert.equal((await clientFor(srv, buyer).get(`/api/v1/invoices/${mine.number}`)).status, 200);
    assert.equal((await clientFor(srv, stranger).get(`/api/v1/invoices/${mine.number}`)).status, 404);
    assert.equal((await srv.client().get(`/api/v1/invoices/${mine.number}`)).status, 401);
    assert.equal((await clientFor(srv, buyer).get(`/api/v1/cycles/${real}/invoices`)).status, 403);
    let r = await coord.get(`/api/v1/invoices/${mine.number}?format=docx`);
    assert.equal(r.status, 400);
    r = await coord.get('/api/v1/invoices/FTC1-1999-000001?format=cii');
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, 'invoice_not_found');
    const out = path.join(work, 'none.xml');
    const c = cli(conf, ['invoice', 'export', 'FTC1-1999-000001', '--format', 'cii', '-o', out], db);
    assert.equal(c.status, 1);
    assert.ok(!existsSync(out) && !existsSync(`${out}.tmp`), 'no partial output file');
    assert.equal(cli(conf, ['invoice', 'export', mine.number, '--format', 'docx'], db).status, 1);
  });

  it('exports every invoice as CII, the same bytes from the CLI and the API', async () => {
    const all = [...realInvoices, ...invoices].map((i) => i.number);
    const cii = await saveCii(coord, all, 'producers');
    const n = realInvoices[0].number;
    const out = path.join(work, 'cli-cii.xml');
    assert.equal(cli(conf, ['invoice', 'export', n, '--format', 'cii', '-o', out], db).status, 0);
    assert.equal(readFileSync(out, 'utf8'), cii.get(n));
    assert.match(cii.get(n), /<ram:ID>urn:cen\.eu:en16931:2017<\/ram:ID>/);
    const orchard = realInvoices.find((i) => i.seller === 'Vergers de Grane').number;
    assert.match(cii.get(orchard), /<ram:ExemptionReasonCode>VATEX-FR-FRANCHISE<\/ram:ExemptionReasonCode>/);
  });

  it('makes a Factur-X invoice: PDF/A-3b carrying the CII byte for byte, with every mention', async (t) => {
    const missing = fopSkip();
    if (missing) return t.skip(`${missing} is not installed`);
    const biz = placed.find((p) => p.kind === 'business').order.id;
    const farm = realInvoices.find((i) => i.order === biz && i.seller === 'Ferme des Trois Chênes');
    const fx = await getBytes(coord, `/api/v1/invoices/${farm.number}?format=facturx`);
    assert.equal(fx.status, 200, fx.body.toString());
    assert.equal(fx.type, 'application/pdf');
    const file = path.join(work, 'facturx.pdf');
    writeFileSync(file, fx.body);
    const cii = readFileSync(path.join(ciiDir, `producers-${farm.number}.xml`));
    const shown = spawnSync('qpdf', ['--show-attachment=factur-x.xml', file], { timeout: TIMEOUT.cmd });
    assert.equal(shown.status, 0, String(shown.stderr));
    assert.ok(shown.stdout.equals(cii), 'the embedded factur-x.xml differs from the CII export');
    const meta = spawnSync('pdfinfo', ['-meta', file], { encoding: 'utf8', timeout: TIMEOUT.cmd }).stdout;
    assert.match(meta, /<pdfaid:part>3<\/pdfaid:part>/);
    assert.match(meta, /<fx:DocumentType>INVOICE<\/fx:DocumentType>/);
    assert.match(meta, /<fx:DocumentFileName>factur-x\.xml<\/fx:DocumentFileName>/);
    assert.match(meta, /<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
    assert.match(meta, /<pdfaSchema:prefix>fx<\/pdfaSchema:prefix>/);
    const dump = spawnSync('qpdf', ['--qdf', '--object-streams=disable', file, '-'], { encoding: 'latin1', maxBuffer: 1 << 28, timeout: TIMEOUT.cmd }).stdout;
    assert.match(dump, /\/AFRelationship \/Alternative/);
    const text = pdfText(file);
    for (const s of ['Ferme des Trois Chênes', 'SIRET 71106658903512', 'FR29711066589', farm.number,
      `Date d’émission : ${today(db, 'DD/MM/YYYY')}`, 'Date de livraison', 'L\'Étape & Fils SARL',
      'SIRET 73282932000074', '5,5 %', '10 %', '20 %', 'Total HT', 'Total TTC', 'Pénalités de retard',
      '40 €', 'Vendu par l’intermédiaire de Drôme Paysanne']) {
      assert.ok(text.includes(s), `Factur-X PDF: "${s}" missing`);
    }
  });

  it('prints the cycle’s invoices in one document, and as valid XML', async (t) => {
    const xml = path.join(work, 'invoices.xml');
    let c = cli(conf, ['report', 'invoices', '--cycle', String(real), '--format', 'xml', '--validate', '-o', xml], db);
    assert.equal(c.status, 0, c.stderr);
    const x = spawnSync('xmllint', ['--noout', '--schema', path.join(ROOT, 'reports/xsd/invoices.xsd'), xml], { encoding: 'utf8', timeout: TIMEOUT.cmd });
    assert.equal(x.status, 0, x.stderr);
    const html = await coord.get(`/api/v1/cycles/${real}/reports/invoices?format=html&lang=en`);
    assert.equal(html.status, 200);
    assert.match(html.text, /Credit note|Invoice/);
    const missing = fopSkip();
    if (missing) return t.skip(`${missing} is not installed`);
    const pdf = path.join(work, 'invoices.pdf');
    c = cli(conf, ['report', 'invoices', '--cycle', String(real), '--format', 'pdf', '-o', pdf], db);
    assert.equal(c.status, 0, c.stderr);
    const text = pdfText(pdf);
    for (const i of realInvoices) assert.ok(text.includes(i.number), `${i.number} missing from the cycle's PDF`);
    assert.ok(text.includes('TVA non applicable, art. 293 B du CGI'));
    assert.ok(text.includes('Paiement à réception de la facture.'));
  });

  it('corrects an invoice by a credit note with the seller’s next number, once', async () => {
    const biz = placed.find((p) => p.kind === 'business').order.id;
    const farm = realInvoices.find((i) => i.order === biz && i.seller === 'Ferme des Trois Chênes');
    const key = farm.seller_key;
    const last = Number(db.one(`SELECT max(seq) FROM invoices WHERE seller_key = '${key}'`));
    let c = cli(conf, ['invoice', 'credit', farm.number, '--reason', 'Soupe renversée à la livraison'], db);
    assert.equal(c.status, 0, c.stderr);
    const credit = c.stdout.trim();
    assert.equal(credit, farm.number.replace(/\d{6}$/, String(last + 1).padStart(6, '0')));
    c = cli(conf, ['invoice', 'credit', farm.number], db);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /already been credited|a déjà son avoir/);
    let r = await coord.get(`/api/v1/invoices/${credit}`);
    assert.equal(r.json.invoice.type_code, 381);
    assert.equal(r.json.invoice.corrects, farm.number);
    assert.equal(r.json.invoice.total_incl_vat_cents, farm.total_incl_vat_cents);
    assert.ok(r.json.invoice.notes.includes('Motif : Soupe renversée à la livraison'));
    const orchard = realInvoices.find((i) => i.seller === 'Vergers de Grane');
    r = await coord.post(`/api/v1/invoices/${orchard.number}/credit-note`, { reason: 'Erreur de pesée' });
    assert.equal(r.status, 201, r.text);
    const credit2 = r.json.credit_note.number;
    r = await coord.post(`/api/v1/invoices/${credit2}/credit-note`, {});
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'not_an_invoice');
    r = await coord.post('/api/v1/invoices/NOPE-2026-000001/credit-note', {});
    assert.equal(r.status, 404);
    r = await clientFor(srv, placed[0].consumer).post(`/api/v1/invoices/${orchard.number}/credit-note`, {});
    assert.equal(r.status, 403);
    await saveCii(coord, [credit, credit2], 'producers');
    assert.match(readFileSync(path.join(ciiDir, `producers-${credit}.xml`), 'utf8'), /<ram:TypeCode>381<\/ram:TypeCode>/);
    checkNumbering(db);
  });

  it('never changes an issued invoice: the trigger refuses, the exports stay byte for byte', async (t) => {
    const biz = placed.find((p) => p.kind === 'business');
    const picks = realInvoices.filter((i) => i.order === biz.order.id).map((i) => i.number);
    const formats = ['cii', 'xml', 'html', 'json'];
    const snap = async () => {
      const out = [];
      for (const n of picks) {
        for (const f of formats) {
          const r = await getBytes(coord, `/api/v1/invoices/${n}?format=${f}`);
          assert.equal(r.status, 200, `${n} ${f}: ${r.body}`);
          out.push(r.body);
        }
      }
      return out;
    };
    const missing = fopSkip();
    const pdfOf = async (name) => {
      const file = path.join(work, name);
      writeFileSync(file, (await getBytes(coord, `/api/v1/invoices/${picks[0]}?format=pdf`)).body);
      return pdfText(file);
    };
    const before = await snap();
    const pdfBefore = missing ? null : await pdfOf('before.pdf');
    for (const sql of ['UPDATE invoices SET total_incl_vat_cents = 1', 'DELETE FROM invoices',
      'UPDATE invoice_lines SET quantity_milli = 1', 'DELETE FROM invoice_vat', 'TRUNCATE invoices CASCADE']) {
      // TRUNCATE … CASCADE locks every table it reaches, the archive's files too; the
      // archive worker reading them at that moment makes PostgreSQL break a deadlock
      // (nothing written either way): try again, and the trigger's refusal must come
      for (let tries = 0; ; tries++) {
        let err;
        try { db.sql(sql); } catch (e) { err = e; }
        assert.ok(err, `${sql} was not refused`);
        if (/deadlock detected/.test(err.message) && tries < 10) continue;
        assert.match(err.message, /issued invoice cannot be changed/, sql);
        break;
      }
    }
    db.sql(`UPDATE products SET price_excl_vat_e4 = price_excl_vat_e4 * 2, name = name || ' (nouveau)'`);
    db.sql(`UPDATE offers SET price_excl_vat_e4 = price_excl_vat_e4 * 2, name = name || ' (nouveau)'`);
    db.sql(`UPDATE producers SET name = name || ' SA', address = '1 rue Neuve, 26000 Valence'`);
    db.sql(`UPDATE customers SET name = 'Autre nom', legal_name = CASE WHEN kind = 'business' THEN 'Autre SARL' ELSE '' END,
      address = '9 avenue Ailleurs, 26000 Valence'`);
    db.sql(`UPDATE hubs SET name = 'Autre pôle', address = '2 place Neuve, 26000 Valence'`);
    const after = await snap();
    for (let i = 0; i < before.length; i++) {
      assert.ok(before[i].equals(after[i]), `${picks[Math.floor(i / formats.length)]} ${formats[i % formats.length]} changed`);
    }
    if (missing) return t.skip(`${missing} is not installed: the PDF was not compared`);
    assert.equal(await pdfOf('after.pdf'), pdfBefore);
  });
});

describe('invoices, seller mode "hub": one invoice per order, the hub as seller', () => {
  let db, conf, srv, coord, week, real, placed, invoices, realInvoices;
  before(async () => {
    db = freshDb('inv_hub');
    // the seller mode is the hub's setting, set by its coordinator, not the server's
    // configuration: these servers and commands run without one
    conf = null;
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', PASSWORD);
    const set = await coord.patch('/api/v1/hub/settings', { seller_mode: 'hub', payment_days: 30, resale_vat_rate: '5.5' });
    assert.equal(set.status, 200, set.text);
    // the generated week's cycle takes the hub's settings as it is made; the generator
    // freezes offers as in "producers" mode, where opening under "hub" would have frozen
    // the franchise producers' goods at the resale rate, lines included
    week = generateWeek(db, { orders: 80, pickupPoints: 5, seed: 6 });
    assert.deepEqual(db.sql(`SELECT seller_mode, payment_days FROM cycles WHERE id = ${week.cycle}`), [['hub', '30']]);
    db.sql(`UPDATE offers f SET vat_rate_bp = 550 FROM producers p WHERE p.id = f.producer_id
      AND p.vat_regime = 'franchise' AND f.cycle_id = ${week.cycle}`);
    db.sql(`UPDATE order_lines l SET vat_rate_bp = f.vat_rate_bp FROM offers f WHERE f.id = l.offer_id AND f.cycle_id = ${week.cycle}`);
    realCatalog(db);
    real = openCycleWith(db, conf);
    placed = await placeRealOrders(db, srv, real, 'ih');
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('froze the franchise producer’s goods at the resale rate when the cycle opened', () => {
    assert.equal(db.one(`SELECT vat_rate_bp FROM offers WHERE cycle_id = ${real} AND sku = 'INV-POM'`), '550');
  });

  it('issues from the desk’s button, and the week through the API', async () => {
    closeAndBatch(db, conf, real);
    const page = await coord.get('/desk');
    assert.equal(page.status, 200);
    const r = await coord.form(`/desk/cycles/${real}/invoices`);
    assert.equal(r.status, 303, r.text);
    assert.equal(r.headers.get('location'), `/desk/cycles/${real}?done=invoiced`);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${real}`), 'invoiced');
    const w = await coord.post(`/api/v1/cycles/${week.cycle}/invoices`, {});
    assert.equal(w.status, 201, w.text);
    assert.deepEqual(w.json.sellers.map((s) => s.seller_key), ['hub']);
    checkNumbering(db);
    assert.match(w.json.sellers[0].first, new RegExp(`^${today(db, 'YYYY')}-\\d{6}$`));
    assert.equal(db.one("SELECT count(*) FROM invoices WHERE seller_key <> 'hub' OR intermediary IS NOT NULL"), '0');
    invoices = await listInvoices(coord, week.cycle);
    realInvoices = await listInvoices(coord, real);
    assert.equal(invoices.length, 80);
    assert.equal(realInvoices.length, 3);
  });

  it('adds up each order’s invoice to what its buyer was shown, for every order', async () => {
    assert.equal(await checkOrderTotals(db, srv, week.cycle, invoices), 80);
    for (const p of placed) {
      assert.equal(realInvoices.find((i) => i.order === p.order.id).total_incl_vat_cents, p.order.total_incl_vat_cents);
    }
  });

  it('charges the resale rate on franchise goods, names each line’s producer, gives 30 days', async () => {
    const biz = placed.find((p) => p.kind === 'business').order.id;
    const r = await coord.get(`/api/v1/invoices/${realInvoices.find((i) => i.order === biz).number}`);
    const inv = r.json.invoice;
    assert.equal(inv.seller.name, 'Drôme Paysanne (SCIC)');
    assert.equal(inv.seller.vat_number, 'FR83526018155');
    assert.equal(inv.intermediary, null);
    assert.deepEqual(inv.vat.map((v) => `${v.category} ${v.rate}`), ['S 5.5', 'S 10', 'S 20']);
    const apples = inv.lines.find((l) => l.sku === 'INV-POM');
    assert.deepEqual([apples.vat_category, apples.vat_rate, apples.producer], ['S', '5.5', 'Vergers de Grane']);
    assert.equal(inv.due_date, db.one(`SELECT to_char(date '${inv.issue_date}' + 30, 'YYYY-MM-DD')`));
    assert.match(inv.payment_terms, /30 jours/);
  });

  it('exports every invoice as CII, and credits one', async () => {
    await saveCii(coord, [...realInvoices, ...invoices].map((i) => i.number), 'hub');
    const r = await coord.post(`/api/v1/invoices/${invoices[0].number}/credit-note`, { reason: 'Commande annulée' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.credit_note.number, `${today(db, 'YYYY')}-${String(84).padStart(6, '0')}`);
    await saveCii(coord, [r.json.credit_note.number], 'hub');
    checkNumbering(db);
  });

  it('prints a hub invoice as PDF with every mandatory mention', async (t) => {
    const missing = fopSkip();
    if (missing) return t.skip(`${missing} is not installed`);
    const biz = placed.find((p) => p.kind === 'business').order.id;
    const n = realInvoices.find((i) => i.order === biz).number;
    const file = path.join(work, 'hub.pdf');
    const c = cli(conf, ['invoice', 'export', n, '--format', 'pdf', '-o', file], db);
    assert.equal(c.status, 0, c.stderr);
    const text = pdfText(file);
    for (const s of ['Facture', n, 'Drôme Paysanne (SCIC)', 'SIRET 52601815500014', 'FR83526018155',
      'SIRET 73282932000074', 'Producteur : Vergers de Grane', '5,5 %', '10 %', '20 %', 'Détail de la TVA',
      'Paiement à 30 jours', 'Date d’échéance', 'Pénalités de retard', '40 €', 'Net à payer']) {
      assert.ok(text.includes(s), `hub invoice PDF: "${s}" missing`);
    }
  });
});

describe('numbering while two servers issue two cycles at once', () => {
  let db, a, b, w1, w2;
  before(async () => {
    db = freshDb('inv_race');
    w1 = generateWeek(db, { orders: 150, pickupPoints: 6, seed: 21 });
    w2 = generateWeek(db, { orders: 150, pickupPoints: 6, seed: 22 });
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    a = await startServer(db);
    b = await startServer(db);
  });
  after(async () => { await a?.stop(); await b?.stop(); db?.drop(); });

  it('gives every producer 1..N across both cycles, without gap or duplicate', async () => {
    const ca = a.client();
    const cb = b.client();
    await ca.login('coord@example.org', PASSWORD);
    await cb.login('coord@example.org', PASSWORD);
    const [r1, r2] = await Promise.all([ca.post(`/api/v1/cycles/${w1.cycle}/invoices`, {}),
      cb.post(`/api/v1/cycles/${w2.cycle}/invoices`, {})]);
    assert.equal(r1.status, 201, r1.text);
    assert.equal(r2.status, 201, r2.text);
    checkNumbering(db);
    assert.equal(Number(db.one('SELECT count(*) FROM invoices')), r1.json.invoices + r2.json.invoices);
    // both cycles really shared sellers: the test raced on the same sequence rows
    assert.ok(Number(db.one(`SELECT count(*) FROM (SELECT seller_key FROM invoices GROUP BY 1
      HAVING count(DISTINCT cycle_id) = 2) x`)) >= 10);
    // and the same cycle twice at once: one issues, the other is told it is done
    const w3 = generateWeek(db, { orders: 40, pickupPoints: 4, seed: 23 });
    const both = await Promise.all([ca.post(`/api/v1/cycles/${w3.cycle}/invoices`, {}),
      cb.post(`/api/v1/cycles/${w3.cycle}/invoices`, {})]);
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
    checkNumbering(db);
  });
});

describe('EN 16931: every CII document produced above', () => {
  it('is valid against the CII D16B schema and passes the Schematron with no failed assert', (t) => {
    const why = validatorsMissing();
    if (why) return t.skip(why);
    assert.ok(ciiCount > 300, `only ${ciiCount} CII documents were produced`);
    const { files, failed } = validateCii(ciiDir, work);
    assert.equal(files, ciiCount);
    assert.deepEqual(failed, [], 'EN 16931 rules broken');
    t.diagnostic(`${files} CII invoices and credit notes validated (XSD and Schematron), 0 failed asserts`);
  });
});
