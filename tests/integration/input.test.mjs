// What people type, read the same way at every door (issue 14, items 3, 10 and 14):
//
// - lengths count characters, as the schema's length() and the messages do: a
//   cycle name of 60 "é" (120 bytes) is within its 100 characters, a 40-"É" SKU
//   imports and is ordered through the API;
// - characters XML 1.0 cannot carry (U+FFFE, U+FFFF, C0 controls) are refused at
//   every entry point with a 422 naming the field, and what the database held
//   before that rule (put there with psql) never breaks a document: every report,
//   the buyer's invoice and its CII render and validate;
// - dates, times and numbers go through one strict parser per kind: "infinity",
//   year 294276, BC dates, a capacity of "5.0" get a 422 naming the field (the
//   CLI exits 1 naming it), never a 5xx, and nothing is written.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDb, startServer, km0, addUser, tmpDir, fixture, ROOT } from '../lib/harness.mjs';
import { CII_XSD } from '../lib/invoicing.mjs';

const PASSWORD = 'correct horse battery';
const FTC = 'ferme-trois-chenes';
const PICKUP = 'crest-halle';
const FFFE = '\uFFFE';
const FFFF = '\uFFFF';
const CSV_HEAD = 'sku,name,category,unit,price_excl_vat,vat_rate,description\n';
const csvCell = (s) => `"${s.replace(/"/g, '""')}"`;

let work;
before(() => { work = tmpDir('km0-input'); });
after(() => rmSync(work, { recursive: true, force: true }));

/** A JSON 422 naming field (and code, when given). */
function refused(r, field, code) {
  assert.equal(r.status, 422, `${field}: ${r.status} ${r.text.slice(0, 500)}`);
  assert.equal(r.json?.error?.field, field, r.text.slice(0, 500));
  if (code) assert.equal(r.json.error.code, code, r.text.slice(0, 500));
}

/** An HTML 422 page that names the field (the form is shown again, the field marked). */
function formRefused(r, field) {
  assert.equal(r.status, 422, `${field}: ${r.status} ${r.text.slice(0, 500)}`);
  assert.match(r.text, new RegExp(`href="#${field}"|id="${field}-error"|"field":"${field}"`), `${field} not named`);
}

function xmllint(args, xml, what) {
  const file = path.join(work, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', ...args, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${what}:\n${r.stderr.slice(0, 2000)}`);
}

const ts = (db, i) => db.one(`SELECT to_char(now() + interval '${i}', 'YYYY-MM-DD"T"HH24:MI:SSOF')`);
const day = (db, n) => db.one(`SELECT to_char(current_date + ${n}, 'YYYY-MM-DD')`);

describe('input: characters, lengths and values', () => {
  let db, srv, coord, producer, consumer;
  before(async () => {
    db = freshDb('input');
    addUser(db, { email: 'coord@example.org', role: 'coordinator' });
    addUser(db, { email: 'ftc@example.org', role: 'producer', producer: FTC });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', PASSWORD);
    producer = srv.client();
    await producer.login('ftc@example.org', PASSWORD);
    consumer = srv.client();
    const r = await consumer.post('/api/v1/accounts', { email: 'buyer@example.org', password: PASSWORD, name: 'Zoé Acheteuse' });
    assert.equal(r.status, 201, r.text);
    // the address confirmed, as its link would (messages.test.mjs follows the link)
    db.sql(`UPDATE users SET email_verified_at = now() WHERE email = 'buyer@example.org'`);
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  const cycles = () => db.one('SELECT count(*) FROM cycles');
  const window = () => ({ opens: ts(db, '1 hour'), closes: ts(db, '3 days'), delivery: day(db, 5) });

  describe('lengths count characters (item 3)', () => {
    it('a cycle name of 60 "é" is accepted by the API, the desk form and the command line; 101 are refused as more than 100 characters', async () => {
      const name = 'é'.repeat(60);
      let r = await coord.post('/api/v1/cycles', { ...window(), name });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.cycle.name, name);
      await coord.get('/desk');
      r = await coord.form('/desk/cycles', { name, opens: ts(db, '2 hours').slice(0, 16), closes: ts(db, '3 days').slice(0, 16), delivery: day(db, 5) });
      assert.equal(r.status, 303, r.text.slice(0, 500));
      const w = window();
      const c = km0(['cycle', 'create', '--opens', w.opens, '--closes', w.closes, '--delivery', w.delivery, '--name', name], { db });
      assert.equal(c.status, 0, c.stderr);
      assert.equal(db.one(`SELECT count(*) FROM cycles WHERE name = '${name}'`), '3');

      const before = cycles();
      r = await coord.post('/api/v1/cycles', { ...window(), name: 'é'.repeat(101) });
      refused(r, 'name', 'too_long');
      assert.match(r.json.error.message, /100 (characters|caractères)/);
      assert.doesNotMatch(r.json.error.message, /bytes|octets/);
      await coord.get('/desk');
      r = await coord.form('/desk/cycles', { name: 'é'.repeat(101), opens: ts(db, '2 hours').slice(0, 16), closes: ts(db, '3 days').slice(0, 16), delivery: day(db, 5) });
      assert.equal(r.status, 422, r.text.slice(0, 300));
      assert.match(r.text, /100 caractères/);
      const c2 = km0(['cycle', 'create', '--opens', w.opens, '--closes', w.closes, '--delivery', w.delivery, '--name', 'é'.repeat(101)], { db });
      assert.equal(c2.status, 1, c2.stderr);
      assert.match(c2.stderr, /name: .*100 characters/);
      assert.equal(cycles(), before, 'nothing written');
    });

    it('a 40-"É" SKU imports, and orders through the API', async () => {
      const sku = 'É'.repeat(40); // 80 bytes, 40 characters (the schema allows 64)
      const csv = `${CSV_HEAD}${csvCell(sku)},Épinards,Légumes,kg,4.00,5.5,\n`;
      let r = await producer.put(`/api/v1/producers/${FTC}/catalog`, undefined, { body: csv, headers: { 'content-type': 'text/csv' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(db.one(`SELECT length(sku) FROM products WHERE sku = '${sku}'`), '40');
      r = await coord.post('/api/v1/cycles', { ...window(), name: 'Semaine des épinards', producers: [FTC] });
      assert.equal(r.status, 201, r.text);
      const id = r.json.cycle.id;
      r = await coord.patch(`/api/v1/cycles/${id}`, { state: 'open' });
      assert.equal(r.status, 200, r.text);
      r = await consumer.put(`/api/v1/cycles/${id}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku, quantity: '2' }] });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.order.lines[0].sku, sku);
      // 65 characters are refused, naming the line
      r = await consumer.put(`/api/v1/cycles/${id}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'É'.repeat(65), quantity: '1' }] });
      refused(r, 'lines[0].sku', 'too_long');
    });

    it('sign-up, the desk\'s producer and pickup-point forms and catalog descriptions count characters too', async () => {
      // 150 "é" are 300 bytes: over the old byte limits of 200, within 200 characters
      const name = 'é'.repeat(150);
      let r = await srv.client().post('/api/v1/accounts', { email: 'long-name@example.org', password: PASSWORD, name,
        legal_name: name, siret: '73282932000074', address: 'é'.repeat(290) });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(db.sql("SELECT length(name), length(legal_name), length(address) FROM customers WHERE email = 'long-name@example.org'"), [['150', '150', '290']]);
      const anon = srv.client();
      await anon.get('/signup');
      r = await anon.form('/signup', { email: 'long-form@example.org', password: PASSWORD, name });
      assert.equal(r.status, 303, r.text.slice(0, 500));
      r = await srv.client().post('/api/v1/accounts', { email: 'too-long@example.org', password: PASSWORD, name: 'é'.repeat(201) });
      refused(r, 'name', 'too_long');

      await coord.get(`/desk/producers/${FTC}`);
      r = await coord.form(`/desk/producers/${FTC}`, { name, email: 'ftc@example.org', address: 'é'.repeat(300), town: 'é'.repeat(100) });
      assert.equal(r.status, 303, r.text.slice(0, 500));
      assert.deepEqual(db.sql(`SELECT length(name), length(address), length(town) FROM producers WHERE slug = '${FTC}'`), [['150', '300', '100']]);
      await coord.get(`/desk/producers/${FTC}`);
      r = await coord.form(`/desk/producers/${FTC}`, { name: 'é'.repeat(201), email: 'ftc@example.org', address: '', town: '' });
      formRefused(r, 'name');
      await coord.get(`/desk/pickup-points/${PICKUP}`);
      r = await coord.form(`/desk/pickup-points/${PICKUP}`, { name, address: 'é'.repeat(300), opening: 'jeudi 17:00-19:00', capacity: '120' });
      assert.equal(r.status, 303, r.text.slice(0, 500));
      assert.deepEqual(db.sql(`SELECT length(name), length(address) FROM pickup_points WHERE slug = '${PICKUP}'`), [['150', '300']]);

      // a description of 4 000 "é" is 8 000 bytes: within the 4 000 characters kept
      const desc = 'é'.repeat(4000);
      r = await producer.put(`/api/v1/producers/${FTC}/catalog?dry_run=1`, undefined,
        { body: `${CSV_HEAD}LONG-DESC,Poireaux,Légumes,kg,3.00,5.5,${csvCell(desc)}\n`, headers: { 'content-type': 'text/csv' } });
      assert.equal(r.status, 200, r.text.slice(0, 500));
      r = await producer.put(`/api/v1/producers/${FTC}/catalog?dry_run=1`, undefined,
        { body: `${CSV_HEAD}LONG-DESC,Poireaux,Légumes,kg,3.00,5.5,${csvCell(desc + 'é')}\n`, headers: { 'content-type': 'text/csv' } });
      assert.equal(r.status, 422, r.text.slice(0, 500));
      assert.equal(r.json.error.details[0].code, 'field_too_long');
      assert.match(r.json.error.details[0].message, /4001 (characters|caractères)/);
    });

    it('the seed files count characters', () => {
      const dir = path.join(work, 'seed-long');
      cpSync(fixture('hub'), dir, { recursive: true });
      const hub = readFileSync(path.join(dir, 'hub.csv'), 'utf8').split('\n');
      const cols = hub[1].split(',');
      cols[1] = 'é'.repeat(150); // the hub's name: 300 bytes, 150 characters
      hub[1] = cols.join(',');
      writeFileSync(path.join(dir, 'hub.csv'), hub.join('\n'));
      const r = km0(['seed', dir], { db });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(db.one("SELECT length(name) FROM hubs WHERE slug = 'drome-paysanne'"), '150');
    });
  });

  describe('characters no document can carry (item 10)', () => {
    const counts = () => db.sql(`SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM users),
      (SELECT count(*) FROM cycles), (SELECT count(*) FROM products),
      (SELECT md5(string_agg(name || address || town, '' ORDER BY id)) FROM producers),
      (SELECT md5(string_agg(name || address, '' ORDER BY id)) FROM pickup_points)`);

    it('are refused at every entry point with a 422 naming the field, and nothing is written', async () => {
      const before = counts();
      for (const bad of [FFFE, FFFF, '\u0001']) {
        const account = { email: 'bad-chars@example.org', password: PASSWORD, name: 'Ana', siret: '73282932000074', legal_name: 'Ana SARL', address: '1 rue de la Gare' };
        for (const field of ['name', 'legal_name', 'address']) {
          const r = await srv.client().post('/api/v1/accounts', { ...account, [field]: `x${bad}y` });
          refused(r, field, 'invalid_text');
        }
        const anon = srv.client();
        await anon.get('/signup');
        formRefused(await anon.form('/signup', { email: 'bad-form@example.org', password: PASSWORD, name: `Ana${bad}` }), 'name');

        refused(await coord.post('/api/v1/cycles', { ...window(), name: `Semaine${bad}` }), 'name', 'invalid_text');
        await coord.get('/desk');
        const f = await coord.form('/desk/cycles', { name: `Semaine${bad}`, opens: ts(db, '2 hours').slice(0, 16), closes: ts(db, '3 days').slice(0, 16), delivery: day(db, 5) });
        assert.equal(f.status, 422, f.text.slice(0, 300));

        for (const field of ['name', 'address', 'town']) {
          await coord.get(`/desk/producers/${FTC}`);
          const fields = { name: 'Ferme', email: 'ftc@example.org', address: 'Chemin', town: 'Crest', [field]: `x${bad}` };
          formRefused(await coord.form(`/desk/producers/${FTC}`, fields), field);
        }
        for (const field of ['name', 'address']) {
          await coord.get(`/desk/pickup-points/${PICKUP}`);
          const fields = { name: 'Halle', address: 'Place', opening: 'jeudi 17:00-19:00', capacity: '', [field]: `x${bad}` };
          formRefused(await coord.form(`/desk/pickup-points/${PICKUP}`, fields), field);
        }
      }
      // a draft's name changed through PATCH
      const draft = (await coord.post('/api/v1/cycles', { ...window(), name: 'Brouillon' })).json.cycle.id;
      refused(await coord.patch(`/api/v1/cycles/${draft}`, { name: `Brouillon${FFFF}` }), 'name', 'invalid_text');
      assert.equal(db.one(`SELECT name FROM cycles WHERE id = ${draft}`), 'Brouillon');
      db.sql(`DELETE FROM cycle_producers WHERE cycle_id = ${draft}; DELETE FROM cycle_pickup_points WHERE cycle_id = ${draft}; DELETE FROM cycles WHERE id = ${draft}`);
      assert.deepEqual(counts(), before, 'nothing written');
    });

    it('catalog files name the line and the column, by the API and the command line', async () => {
      const csv = `${CSV_HEAD}OK-1,Carottes,Légumes,kg,2.00,5.5,\nBAD-1,Navets${FFFE},Légumes,kg,2.00,5.5,\nBAD-2,Radis,Légumes${FFFF},kg,2.00,5.5,Bottes\n`;
      const before = db.one('SELECT count(*) FROM products');
      const r = await producer.put(`/api/v1/producers/${FTC}/catalog`, undefined, { body: csv, headers: { 'content-type': 'text/csv' } });
      assert.equal(r.status, 422, r.text);
      const d = r.json.error.details.map((x) => [x.line, x.column, x.code]);
      assert.deepEqual(d, [[3, 'name', 'forbidden_character'], [4, 'category', 'forbidden_character']]);
      const file = path.join(work, 'bad.csv');
      writeFileSync(file, csv);
      const c = km0(['import', 'catalog', '--producer', FTC, file], { db });
      assert.equal(c.status, 1);
      assert.match(c.stderr, /bad\.csv:3:.*U\+FFFE/);
      assert.match(c.stderr, /bad\.csv:4:.*U\+FFFF/);
      assert.equal(db.one('SELECT count(*) FROM products'), before, 'nothing written');
    });

    it('the command line refuses them: user names, cycle names, seed files', () => {
      let r = km0(['user', 'add', '--email', 'bad-cli@example.org', '--role', 'coordinator', '--name', `Ana${FFFF}`], { db, input: `${PASSWORD}\n` });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /name/);
      const w = window();
      r = km0(['cycle', 'create', '--opens', w.opens, '--closes', w.closes, '--delivery', w.delivery, '--name', `S${FFFE}`], { db });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /name: /);
      const dir = path.join(work, 'seed-bad');
      cpSync(fixture('hub'), dir, { recursive: true });
      const pp = readFileSync(path.join(dir, 'pickup_points.csv'), 'utf8').replace('Halle de Crest', `Halle${FFFF}`);
      writeFileSync(path.join(dir, 'pickup_points.csv'), pp);
      r = km0(['seed', dir], { db });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /pickup_points\.csv:2:name: /);
      assert.equal(db.one("SELECT count(*) FROM users WHERE email = 'bad-cli@example.org'"), '0');
    });

    it('stored before the rule (put there with psql), they never break a document: reports, the buyer\'s invoice and its CII render and validate; a credit note\'s reason refuses them', async () => {
      const sku = 'XML-POIS';
      let r = await producer.put(`/api/v1/producers/${FTC}/catalog`, undefined,
        { body: `${CSV_HEAD}${sku},Petits pois,Légumes,kg,5.00,5.5,\n`, headers: { 'content-type': 'text/csv' } });
      assert.equal(r.status, 200, r.text);
      r = await coord.post('/api/v1/cycles', { ...window(), name: 'Semaine XML', producers: [FTC], pickup_points: [PICKUP] });
      const id = r.json.cycle.id;
      assert.equal((await coord.patch(`/api/v1/cycles/${id}`, { state: 'open' })).status, 200);
      r = await consumer.put(`/api/v1/cycles/${id}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku, quantity: '2' }] });
      assert.equal(r.status, 200, r.text);
      // what an older km0 let in, written straight into existing rows
      const bad = `U&'\\FFFE' || U&'\\FFFF' || chr(1) || chr(31)`;
      db.sql(`UPDATE cycles SET name = 'Semaine ' || ${bad} || ' XML' WHERE id = ${id};
        UPDATE offers SET name = 'Petits ' || ${bad} || ' pois' WHERE cycle_id = ${id};
        UPDATE producers SET name = 'Ferme ' || ${bad}, address = 'Chemin ' || ${bad} || ', 26400 Crest' WHERE slug = '${FTC}';
        UPDATE pickup_points SET name = 'Halle ' || ${bad}, address = 'Place ' || ${bad}, opening = 'jeudi 17:00-19:00' WHERE slug = '${PICKUP}';
        UPDATE customers SET name = 'Zoé ' || ${bad}, address = 'Rue ' || ${bad} || ', 26400 Crest' WHERE email = 'buyer@example.org';
        UPDATE hubs SET name = 'Drôme ' || ${bad} || ' Paysanne'`);
      assert.equal(db.one(`SELECT position(U&'\\FFFF' IN name) > 0 FROM cycles WHERE id = ${id}`), 't');
      for (const args of [['cycle', 'close', String(id)], ['batch', '--cycle', String(id)]]) {
        const c = km0(args, { db });
        assert.equal(c.status, 0, `${args.join(' ')}: ${c.stderr}`);
      }
      for (const kind of ['collection', 'picking', 'delivery', 'route']) {
        r = await coord.get(`/api/v1/cycles/${id}/reports/${kind}?format=xml`);
        assert.equal(r.status, 200, `${kind}: ${r.text.slice(0, 300)}`);
        assert.doesNotMatch(r.text, /[\uFFFE\uFFFF\u0001\u001f]/u, `${kind} XML carries a forbidden character`);
        xmllint(['--schema', path.join(ROOT, 'reports/xsd', `${kind}.xsd`)], r.text, `${kind} XML`);
        r = await coord.get(`/api/v1/cycles/${id}/reports/${kind}?format=html`);
        assert.equal(r.status, 200, `${kind} HTML: ${r.text.slice(0, 300)}`);
      }
      r = await coord.get(`/api/v1/cycles/${id}/reports/picking?format=pdf`);
      assert.equal(r.status, 200, `picking PDF: ${r.text.slice(0, 300)}`);
      assert.ok(r.text.startsWith('%PDF'), 'a PDF');

      r = await coord.post(`/api/v1/cycles/${id}/invoices`, {});
      assert.equal(r.status, 201, r.text.slice(0, 500));
      // the buyer's one order, one producer: one invoice
      const number = db.one(`SELECT number FROM invoices WHERE cycle_id = ${id} AND type_code = 380`);
      assert.ok(number, 'the buyer has an invoice');
      // the invoice's file is made by the archive just after issuing: until it is
      // there, the download says 503 busy with Retry-After, as a client is told to wait
      for (const end = Date.now() + 180000; ;) {
        r = await consumer.get(`/api/v1/invoices/${number}?format=pdf`);
        if (r.status !== 503 || Date.now() > end) break;
        assert.equal(r.json?.error?.code, 'busy', r.text.slice(0, 300));
        assert.ok(Number(r.headers.get('retry-after')) > 0, 'a 503 says when to come back');
        await new Promise((ok) => setTimeout(ok, 1000));
      }
      assert.equal(r.status, 200, `invoice PDF: ${r.text.slice(0, 300)}`);
      r = await consumer.get(`/api/v1/invoices/${number}?format=xml`);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      xmllint([], r.text, 'invoice XML');
      r = await consumer.get(`/api/v1/invoices/${number}?format=cii`);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      assert.doesNotMatch(r.text, /[\uFFFE\uFFFF\u0001\u001f]/u, 'CII carries a forbidden character');
      assert.match(r.text, /Zoé/);
      xmllint(existsSync(CII_XSD) ? ['--schema', CII_XSD] : [], r.text, 'CII');
      r = await coord.get(`/api/v1/cycles/${id}/reports/invoices?format=xml`);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      xmllint(['--schema', path.join(ROOT, 'reports/xsd/invoices.xsd')], r.text, 'invoices XML');

      // a credit note's reason is printed and carried by its CII: refused, then one that fits
      const notes = () => db.one('SELECT count(*) FROM invoices WHERE type_code = 381');
      const n0 = notes();
      for (const reason of [`Erreur${FFFE}`, `Erreur${FFFF}`, 'Erreur\u0007']) {
        refused(await coord.post(`/api/v1/invoices/${number}/credit-note`, { reason }), 'reason', 'invalid_text');
      }
      assert.equal(notes(), n0, 'nothing written');
      // 300 "é" are 600 bytes: over the old limit of 500 bytes, within 500 characters
      r = await coord.post(`/api/v1/invoices/${number}/credit-note`, { reason: 'é'.repeat(300) });
      assert.equal(r.status, 201, r.text.slice(0, 500));
    });
  });

  describe('dates, times and numbers: one strict parser each (item 14)', () => {
    const BAD_TIMES = ['infinity', '-infinity', 'epoch', 'now', '294276-01-01T00:00:00+00', '2026-06-01T10:00 BC',
      '2026-06-01 BC', '1999-12-31T10:00', '2101-01-01T10:00', '2026-02-30T10:00', '2026-06-01T25:00'];
    const BAD_DATES = ['infinity', 'today', '294276-01-01', '2026-06-01 BC', '2101-01-01', '2026-02-30'];

    it('the API answers 422 naming the field for every such time or date, and writes nothing', async () => {
      const before = cycles();
      for (const field of ['opens', 'closes']) {
        for (const v of BAD_TIMES) {
          const r = await coord.post('/api/v1/cycles', { ...window(), [field]: v });
          refused(r, field);
        }
      }
      for (const v of BAD_DATES) refused(await coord.post('/api/v1/cycles', { ...window(), delivery: v }), 'delivery');
      const draft = (await coord.post('/api/v1/cycles', { ...window(), name: 'Brouillon des dates' })).json.cycle.id;
      const was = db.sql(`SELECT opens_at, closes_at, delivery_date FROM cycles WHERE id = ${draft}`);
      for (const v of ['infinity', '294276-01-01T00:00', '2026-06-01 BC']) {
        refused(await coord.patch(`/api/v1/cycles/${draft}`, { closes: v }), 'closes');
      }
      refused(await coord.patch(`/api/v1/cycles/${draft}`, { delivery: 'infinity' }), 'delivery');
      assert.deepEqual(db.sql(`SELECT opens_at, closes_at, delivery_date FROM cycles WHERE id = ${draft}`), was);
      db.sql(`DELETE FROM cycle_producers WHERE cycle_id = ${draft}; DELETE FROM cycle_pickup_points WHERE cycle_id = ${draft}; DELETE FROM cycles WHERE id = ${draft}`);
      assert.equal(cycles(), before, 'nothing written');
    });

    it('the desk form and the command line refuse them the same way', async () => {
      const before = cycles();
      for (const v of ['infinity', '294276-01-01T00:00', '2026-06-01T10:00 BC']) {
        await coord.get('/desk');
        const r = await coord.form('/desk/cycles', { name: '', opens: ts(db, '2 hours').slice(0, 16), closes: v, delivery: day(db, 5) });
        assert.equal(r.status, 422, r.text.slice(0, 300));
        assert.match(r.text, /La clôture n’est pas une date et heure valide, de 2000 à 2100/);
        const w = window();
        const c = km0(['cycle', 'create', '--opens', w.opens, '--closes', v, '--delivery', w.delivery], { db });
        assert.equal(c.status, 1, c.stderr);
        assert.match(c.stderr, /^km0 cycle: closes: /m);
      }
      const w = window();
      const c = km0(['cycle', 'create', '--opens', w.opens, '--closes', w.closes, '--delivery', '294276-01-01'], { db });
      assert.equal(c.status, 1, c.stderr);
      assert.match(c.stderr, /delivery: /);
      assert.equal(cycles(), before, 'nothing written');
    });

    it('a pickup capacity of "5.0" is a 422 naming the capacity, not a 500; and so are other numbers and slots', async () => {
      const row = () => db.sql(`SELECT name, capacity_orders, opening FROM pickup_points WHERE slug = '${PICKUP}'`);
      const was = row();
      for (const capacity of ['5.0', '5,0', '+5', ' 5', '1e2', '0', '100001', '99999999999999999999']) {
        await coord.get(`/desk/pickup-points/${PICKUP}`);
        const r = await coord.form(`/desk/pickup-points/${PICKUP}`, { name: 'Halle de Crest', address: 'Place du Marché', opening: 'jeudi 17:00-19:00', capacity });
        formRefused(r, 'capacity');
      }
      for (const opening of ['jeudi 17:00-19:00 et samedi', 'jeudi +17:00-19:00', 'jeudi 17:00-24:00', 'jeudi 19:00-17:00']) {
        await coord.get(`/desk/pickup-points/${PICKUP}`);
        const r = await coord.form(`/desk/pickup-points/${PICKUP}`, { name: 'Halle de Crest', address: 'Place du Marché', opening, capacity: '' });
        formRefused(r, 'opening');
      }
      assert.deepEqual(row(), was, 'nothing written');
      await coord.get(`/desk/pickup-points/${PICKUP}`);
      const r = await coord.form(`/desk/pickup-points/${PICKUP}`, { name: 'Halle de Crest', address: 'Place du Marché', opening: 'jeudi 7:30-9:00', capacity: '5' });
      assert.equal(r.status, 303, r.text.slice(0, 300));
      assert.deepEqual(db.sql(`SELECT capacity_orders, opening_start, opening_end FROM pickup_points WHERE slug = '${PICKUP}'`), [['5', '07:30:00', '09:00:00']]);
    });

    it('seed files name the file, line and column of a number or time that is not one', () => {
      const cases = [
        ['pickup_points.csv', (t) => t.replace(',jeudi 17:00-19:00,120', ',jeudi 17:00-19:00,5.0'), /pickup_points\.csv:2:capacity_orders: "5\.0" is not a whole number/],
        ['vehicles.csv', (t) => t.replace(',50,12,13:30', ',50,12,+13:30'), /vehicles\.csv:2:departs: /],
        ['vehicles.csv', (t) => t.replace(',50,12,13:30', ',50.0,12,13:30'), /vehicles\.csv:2:speed_kmh: /],
        ['vehicles.csv', (t) => t.replace(',50,12,13:30', ',500,12,13:30'), /vehicles\.csv:2:speed_kmh: /],
        ['pickup_points.csv', (t) => t.replace('44.729,5.0215', '0x1p5,5.0215'), /pickup_points\.csv:2:lat: /],
        ['pickup_points.csv', (t) => t.replace('44.729,5.0215', '44.729,inf'), /pickup_points\.csv:2:lon: /],
      ];
      const was = db.sql('SELECT slug, capacity_orders, lat FROM pickup_points UNION ALL SELECT slug, speed_kmh, 0 FROM vehicles ORDER BY 1');
      for (const [file, change, expect] of cases) {
        const dir = path.join(work, `seed-${Math.random().toString(36).slice(2)}`);
        cpSync(fixture('hub'), dir, { recursive: true });
        writeFileSync(path.join(dir, file), change(readFileSync(path.join(dir, file), 'utf8')));
        const r = km0(['seed', dir], { db });
        assert.equal(r.status, 1, `${file}: ${r.stderr}`);
        assert.match(r.stderr, expect);
      }
      assert.deepEqual(db.sql('SELECT slug, capacity_orders, lat FROM pickup_points UNION ALL SELECT slug, speed_kmh, 0 FROM vehicles ORDER BY 1'), was);
    });

    it('the command line reads ids and week counts strictly', () => {
      for (const args of [['cycle', 'open', '+1'], ['cycle', 'open', '01'], ['batch', '--cycle', ' 1'], ['batch', '--cycle', '1.0']]) {
        const r = km0(args, { db });
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /is not a cycle id/);
      }
      const r = km0(['cycle', 'generate', '--weeks', '2.5'], { db });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /--weeks/);
    });
  });
});
