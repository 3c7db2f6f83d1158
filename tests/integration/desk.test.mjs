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
    r = await coord.get(`/desk/cycles/${id}`);
    assert.match(r.text, /Carottes[\s\S]*?2,5 kg[\s\S]*?7,5 kg/);
    assert.match(r.text, /MJC de Die<\/td><td class="num">1 \/ 60/);
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
    // a bad date comes back with the reason
    r = await coord.form('/desk/cycles', { opens: 'demain', closes, delivery });
    assert.equal(r.status, 422);
    assert.match(r.text, /ouverture n’est pas une date/i);
  });

  it('edits and deactivates producers and pickup points', async () => {
    let r = await coord.get('/desk/producers');
    assert.match(r.text, /Ferme des Trois Chênes/);
    r = await coord.get('/desk/producers/oeufs-puy');
    assert.match(r.text, /SIRET 25709012686108/);
    r = await coord.form('/desk/producers/oeufs-puy', { name: 'Les Œufs de Puy <bio>', email: 'oeufs@example.org', address: '73 Route de Manas', town: 'Puy-Saint-Martin' });
    assert.equal(r.status, 303);
    r = await coord.get('/desk/producers');
    assert.match(r.text, /Les Œufs de Puy &lt;bio&gt;/); // stored verbatim, shown escaped
    assert.equal(db.one("SELECT name FROM producers WHERE slug = 'oeufs-puy'"), 'Les Œufs de Puy <bio>');
    r = await coord.form('/desk/producers/oeufs-puy', { name: '', email: '', address: '', town: '' });
    assert.equal(r.status, 422);
    assert.match(r.text, /aria-invalid="true"/);
    r = await coord.form('/desk/producers/oeufs-puy/active', { active: '0' });
    assert.equal(r.status, 303);
    assert.equal(db.one("SELECT active FROM producers WHERE slug = 'oeufs-puy'"), 'f');
    // a new cycle no longer includes it
    r = await coord.post('/api/v1/cycles', { opens: db.one(`SELECT to_char(now() + interval '1 day', 'YYYY-MM-DD"T"HH24:MI')`),
      closes: db.one(`SELECT to_char(now() + interval '2 days', 'YYYY-MM-DD"T"HH24:MI')`), delivery: db.one('SELECT current_date + 4') });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.cycle.producers_count, 11);
    r = await coord.form('/desk/pickup-points/die-mjc', { name: 'MJC de Die', address: 'Rue Colonel Driant, 26150 Die', opening: 'jeudi 18h', capacity: '60' });
    assert.equal(r.status, 422);
    assert.match(r.text, /jeudi 17:00-19:00/);
    r = await coord.form('/desk/pickup-points/die-mjc', { name: 'MJC de Die', address: 'Rue Colonel Driant, 26150 Die', opening: 'mercredi 17:30-19:00', capacity: '' });
    assert.equal(r.status, 303);
    assert.deepEqual(db.sql("SELECT opening_dow, opening_start, capacity_orders FROM pickup_points WHERE slug = 'die-mjc'"), [['3', '17:30:00', '']]);
    r = await coord.get('/desk/producers/nobody');
    assert.equal(r.status, 404);
  });
});
