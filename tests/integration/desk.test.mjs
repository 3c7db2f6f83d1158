// The coordinator desk over HTTP: forms with CSRF, cycles, producers, pickup points.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, startServer, addUser, makeConsumers, clientFor, insertProducts } from '../lib/harness.mjs';

describe('coordinator desk', () => {
  let db, srv, coord;
  before(async () => {
    db = freshDb('desk');
    insertProducts(db, 'ferme-trois-chenes', [{ sku: 'A', name: 'Carottes', price: '2.37', stock: '10', step: '0.5' }]);
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: 'coordinator pass' });
    srv = await startServer(db);
    coord = srv.client();
    // log in through the form, as a person would
    let r = await coord.get('/login');
    assert.equal(r.status, 200);
    r = await coord.form('/login', { email: 'coord@example.org', password: 'coordinator pass' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/desk');
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('keeps others out: anonymous visitors go to the login page, consumers get 403', async () => {
    let r = await srv.client().get('/desk');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/login?next=%2Fdesk');
    const [c] = makeConsumers(db, 1);
    r = await clientFor(srv, c).get('/desk');
    assert.equal(r.status, 403);
    assert.match(r.headers.get('content-type'), /text\/html/);
  });

  it('refuses a form without the right CSRF token, changing nothing', async () => {
    await coord.get('/desk');
    const before = db.one('SELECT count(*) FROM cycles');
    let r = await coord.form('/desk/cycles/generate', { weeks: '2' }, { csrf: null });
    assert.equal(r.status, 403);
    r = await coord.form('/desk/cycles/generate', { weeks: '2' }, { csrf: 'x'.repeat(32) });
    assert.equal(r.status, 403);
    assert.equal(db.one('SELECT count(*) FROM cycles'), before);
  });

  it('prepares weeks from the template, creates, opens and closes cycles', async () => {
    await coord.get('/desk');
    let r = await coord.form('/desk/cycles/generate', { weeks: '2' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/desk?done=generated');
    r = await coord.get('/desk?done=generated');
    assert.match(r.text, /Les prochaines semaines sont prêtes/);
    assert.equal((r.text.match(/en préparation/g) || []).length, 2);
    assert.doesNotMatch(r.text, /livrent le même jour/); // two weeks, two delivery days
    // a cycle by hand, with Paris local times as a datetime-local input sends them
    const opens = db.one(`SELECT to_char(now() + interval '1 day', 'YYYY-MM-DD"T"HH24:MI')`);
    const closes = db.one(`SELECT to_char(now() + interval '3 days', 'YYYY-MM-DD"T"HH24:MI')`);
    const delivery = db.one(`SELECT to_char(current_date + 5, 'YYYY-MM-DD')`);
    r = await coord.form('/desk/cycles', { name: 'À la main', opens, closes, delivery });
    assert.equal(r.status, 303, r.text);
    const loc = r.headers.get('location');
    const id = /\/desk\/cycles\/(\d+)/.exec(loc)[1];
    r = await coord.get(loc);
    assert.match(r.text, /Cycle créé/);
    assert.match(r.text, /À la main/);
    r = await coord.form(`/desk/cycles/${id}/state`, { state: 'open' });
    assert.equal(r.status, 303);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${id}`), 'open');
    assert.equal(db.one(`SELECT count(*) FROM offers WHERE cycle_id = ${id}`), '1');
    // the live view shows demand as orders arrive
    const [c] = makeConsumers(db, 1, 'live');
    await clientFor(srv, c).put(`/api/v1/cycles/${id}/order`, { pickup_point: 'die-mjc', lines: [{ producer: 'ferme-trois-chenes', sku: 'A', quantity: '2.5' }] });
    const [c2] = makeConsumers(db, 1, 'live2');
    await clientFor(srv, c2).put(`/api/v1/cycles/${id}/order`, { pickup_point: 'die-mjc', lines: [{ producer: 'ferme-trois-chenes', sku: 'A', quantity: '1' }] });
    r = await coord.get(`/desk/cycles/${id}`);
    assert.match(r.text, /Carottes[\s\S]*?3,5 kg[\s\S]*?6,5 kg/);
    assert.match(r.text, /MJC de Die<\/td><td class="num"[^>]*>2 \/ 60/);
    // "per producer" sums the orders' lines (it showed 0,00 € whatever was ordered)
    const perProducer = /<caption>Par producteur<\/caption>([\s\S]*?)<\/table>/.exec(r.text)[1];
    const sum = db.one(`SELECT sum(l.line_excl_vat_cents) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.cycle_id = ${id}`);
    assert.equal(sum, '830'); // 2.5 × 2.37 = 5.93, 1 × 2.37 = 2.37
    assert.match(perProducer, /Ferme des Trois Chênes<\/td><td class="num"[^>]*>2<\/td><td class="num"[^>]*>8,30\s€/);
    assert.match(perProducer, /Total[\s\S]*8,30\s€/);
    // closing is confirmed on a page that says what it freezes; the page changes nothing
    assert.match(r.text, new RegExp(`href="/desk/cycles/${id}/close"`));
    assert.doesNotMatch(r.text, /name="state" value="closed"/);
    r = await coord.get(`/desk/cycles/${id}/close`);
    assert.equal(r.status, 200);
    assert.match(r.text, /Clore ce cycle maintenant/);
    assert.match(r.text, /2 commandes \(8,30\s€ HT\) deviennent définitives/);
    assert.match(r.text, /name="state" value="closed"/);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${id}`), 'open');
    r = await coord.form(`/desk/cycles/${id}/state`, { state: 'closed' });
    assert.equal(r.status, 303);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${id}`), 'closed');
    // a refused transition is explained, not silently redirected
    r = await coord.form(`/desk/cycles/${id}/state`, { state: 'open' });
    assert.equal(r.status, 409);
    assert.match(r.text, /Seul un cycle en préparation peut ouvrir/);
    // plan the rounds from the desk, then the page shows them and offers the documents
    r = await coord.get(`/desk/cycles/${id}`);
    assert.match(r.text, /Calculer les tournées/);
    r = await coord.form(`/desk/cycles/${id}/batch`);
    assert.equal(r.status, 303, r.text);
    assert.equal(db.one(`SELECT state FROM cycles WHERE id = ${id}`), 'batched');
    r = await coord.get(r.headers.get('location'));
    assert.match(r.text, /Tournées calculées/);
    assert.match(r.text, /class="km0-round"/);
    assert.match(r.text, /<svg[^>]*class="km0-rounds-svg"/);
    assert.match(r.text, /MJC de Die/);
    for (const kind of ['collection', 'picking', 'delivery', 'route']) {
      assert.match(r.text, new RegExp(`action="/api/v1/cycles/${id}/reports/${kind}"`));
    }
    const doc = await coord.get(`/api/v1/cycles/${id}/reports/delivery?format=html&pickup=die-mjc`);
    assert.equal(doc.status, 200);
    assert.match(doc.headers.get('content-security-policy'), /style-src 'unsafe-inline'/);
    assert.doesNotMatch(doc.headers.get('content-security-policy'), /script-src/);
    // a bad date comes back with the reason next to its field, on the desk page (with its
    // navigation), and what was typed is still there
    r = await coord.form('/desk/cycles', { name: 'Semaine à refaire', opens: 'demain', closes, delivery });
    assert.equal(r.status, 422);
    assert.match(r.text, /<nav aria-label="Navigation principale">/);
    assert.match(r.text, /<p class="field-error" id="opens-error">L’ouverture n’est pas une date et heure valide, de 2000 à 2100[^<]*<\/p><input type="datetime-local" id="opens" name="opens" required aria-invalid="true" aria-describedby="opens-error" value="demain">/);
    assert.match(r.text, /id="name" name="name" maxlength="100" value="Semaine à refaire"/);
    assert.match(r.text, new RegExp(`id="closes" name="closes" required value="${closes}"`));
    assert.match(r.text, /<a href="#opens">L’ouverture n’est pas une date/);
    // every missing date at once
    r = await coord.form('/desk/cycles', { name: 'Sans dates', opens: '', closes: '', delivery });
    assert.equal(r.status, 422);
    assert.match(r.text, /id="opens-error"/);
    assert.match(r.text, /id="closes-error"/);
    assert.doesNotMatch(r.text, /id="delivery-error"/);
  });

  it('warns when two weeks deliver on the same day', async () => {
    const count = db.one("SELECT count(*) FROM cycles WHERE state IN ('draft', 'open')");
    // a generated week and a cycle by hand on the same delivery day
    const gen = db.sql("SELECT id, to_char(delivery_date, 'YYYY-MM-DD') FROM cycles WHERE state = 'draft' ORDER BY delivery_date LIMIT 1")[0];
    assert.ok(gen, `a draft week exists (${count} live)`);
    const opens = db.one(`SELECT to_char(now() + interval '1 day', 'YYYY-MM-DD"T"HH24:MI')`);
    const closes = db.one(`SELECT to_char(now() + interval '2 days', 'YYYY-MM-DD"T"HH24:MI')`);
    let r = await coord.form('/desk/cycles', { name: 'Le double', opens, closes, delivery: gen[1] });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    r = await coord.get('/desk');
    assert.match(r.text, /<div class="warn" role="status"><p><b>Deux cycles livrent le même jour<\/b>/);
    assert.match(r.text, new RegExp(`href="/desk/cycles/${gen[0]}"`));
    assert.match(r.text, /Le double<\/a> \(en préparation\) livrent tous deux le/);
    r = await coord.get('/desk?lang=en');
    assert.match(r.text, /Two cycles deliver on the same day/);
    coord.cookies.delete('km0_lang');
  });

  it('edits and deactivates producers and pickup points', async () => {
    let r = await coord.get('/desk/producers');
    assert.match(r.text, /Ferme des Trois Chênes/);
    r = await coord.get('/desk/producers/oeufs-puy');
    assert.match(r.text, /id="siret" name="siret"[^>]*value="25709012686108"/);
    r = await coord.form('/desk/producers/oeufs-puy', { name: 'Les Œufs de Puy <bio>', email: 'oeufs@example.org', address: '73 Route de Manas', town: 'Puy-Saint-Martin' });
    assert.equal(r.status, 303);
    r = await coord.get('/desk/producers');
    assert.match(r.text, /Les Œufs de Puy &lt;bio&gt;/); // stored verbatim, shown escaped
    assert.equal(db.one("SELECT name FROM producers WHERE slug = 'oeufs-puy'"), 'Les Œufs de Puy <bio>');
    r = await coord.form('/desk/producers/oeufs-puy', { name: '', email: 'pas une adresse', address: '', town: '' });
    assert.equal(r.status, 422);
    // every problem at once, each next to its field
    assert.match(r.text, /<a href="#name">Le nom compte de 1 à 200 caractères\.<\/a>/);
    assert.match(r.text, /<a href="#email">Cette adresse e-mail n’est pas valide\.<\/a>/);
    assert.equal((r.text.match(/aria-invalid="true"/g) || []).length, 2);
    r = await coord.form('/desk/producers/oeufs-puy/active', { active: '0' });
    assert.equal(r.status, 303);
    assert.equal(db.one("SELECT active FROM producers WHERE slug = 'oeufs-puy'"), 'f');
    // a new cycle no longer includes it
    r = await coord.post('/api/v1/cycles', { opens: db.one(`SELECT to_char(now() + interval '1 day', 'YYYY-MM-DD"T"HH24:MI')`),
      closes: db.one(`SELECT to_char(now() + interval '2 days', 'YYYY-MM-DD"T"HH24:MI')`), delivery: db.one('SELECT current_date + 4') });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.cycle.producers_count, 11);
    r = await coord.form('/desk/pickup-points/die-mjc', { name: 'MJC de Die', address: 'Rue Colonel Driant, 26150 Die', opening: 'jeudi 18h', capacity: 'soixante' });
    assert.equal(r.status, 422);
    assert.match(r.text, /jeudi 17:00-19:00/);
    assert.match(r.text, /id="capacity-error"/);
    assert.match(r.text, /id="opening-error"/);
    r = await coord.form('/desk/pickup-points/die-mjc', { name: 'MJC de Die', address: 'Rue Colonel Driant, 26150 Die', opening: 'mercredi 17:30-19:00', capacity: '' });
    assert.equal(r.status, 303);
    assert.deepEqual(db.sql("SELECT opening_dow, opening_start, capacity_orders FROM pickup_points WHERE slug = 'die-mjc'"), [['3', '17:30:00', '']]);
    // a form without slot rows nor opening (a script's) keeps the slots
    r = await coord.form('/desk/pickup-points/die-mjc', { name: 'MJC de Die', address: 'Rue Colonel Driant, 26150 Die', capacity: '40' });
    assert.equal(r.status, 303);
    assert.deepEqual(db.sql("SELECT opening, opening_dow, opening_start, capacity_orders FROM pickup_points WHERE slug = 'die-mjc'"),
      [['mercredi 17:30-19:00', '3', '17:30:00', '40']]);
    r = await coord.get('/desk/producers/nobody');
    assert.equal(r.status, 404);
  });
});
