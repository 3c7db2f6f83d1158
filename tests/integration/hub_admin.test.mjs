// Running a hub from the desk, through the API and the command line: what is refused
// (a duplicate slug, a SIRET or IBAN with a wrong checksum, a pickup point without a
// slot, a van with no capacity, removing the last coordinator, suspending a producer
// with lines in an open cycle without confirming) names its field and writes nothing;
// host names take effect without a restart; the first run is only for this machine or
// a token's holder; an invitation serves once; changes are recorded.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freshDb, emptyDb, startServer, km0, addUser, insertProducts, openCycle, fixture } from '../lib/harness.mjs';

const PW = 'correct horse battery';
// the problems an HTML page names, for an assertion's message
const problems = (r) => (/<div class="error-summary"[\s\S]*?<\/div>/.exec(r.text) || [r.text.slice(0, 300)])[0];

describe('a hub run through the API', () => {
  let db, srv, coord;
  before(async () => {
    db = freshDb('hub_admin');
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: PW });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', PW);
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('refuses a producer with a wrong SIRET and IBAN, naming both, and a duplicate slug', { timeout: 60000 }, async () => {
    const before = db.one('SELECT count(*) FROM producers');
    let r = await coord.post('/api/v1/producers', { slug: 'new-farm', name: 'New Farm', siret: '71106658903513',
      vat_regime: 'franchise', iban: 'FR76 3000 6000 0112 3456 7890 188' });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.json.error.details.map((d) => d.field).sort(), ['iban', 'siret']);
    r = await coord.post('/api/v1/producers', { slug: 'new-farm', name: 'New Farm', siret: '71106658903512', vat_regime: 'standard' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'vat_number');
    assert.equal(db.one('SELECT count(*) FROM producers'), before);
    r = await coord.post('/api/v1/producers', { slug: 'ferme-trois-chenes', name: 'Dup', siret: '71106658903512', vat_regime: 'franchise' });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'slug_taken');
    r = await coord.post('/api/v1/producers', { slug: 'new-farm', name: 'New Farm', siret: '711 066 589 03512', vat_regime: 'franchise',
      iban: 'fr76 3000 6000 0112 3456 7890 189', address: '2 rue Haute, 26400 Crest' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.producer.iban, 'FR7630006000011234567890189');
    assert.equal(r.json.producer.siret, '71106658903512');
    assert.match(r.json.producer.lat, /^44\.72/); // Crest, from the gazetteer
  });

  it('refuses a pickup point without a slot and a van without a capacity, and saves good ones', { timeout: 60000 }, async () => {
    let r = await coord.post('/api/v1/pickup-points', { slug: 'new-point', name: 'New point', address: 'Place, 26400 Crest', slots: [] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'slots');
    r = await coord.post('/api/v1/pickup-points', { slug: 'new-point', name: 'New point', address: 'Place, 99999 Nulle-Part',
      slots: [{ day: 4, from: '17:00', to: '19:00' }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'lat'); // a commune the gazetteer does not know: type the position
    r = await coord.post('/api/v1/pickup-points', { slug: 'new-point', name: 'New point', lat: '44.7', lon: '5.1',
      slots: [{ day: 'samedi', from: '10:00', to: '12:00' }, { day: 4, from: '17:00', to: '19:00' }] });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.pickup_point.slots, [{ day: 4, from: '17:00', to: '19:00' }, { day: 6, from: '10:00', to: '12:00' }]);
    assert.equal(db.one("SELECT opening_dow FROM pickup_points WHERE slug = 'new-point'"), '4');
    r = await coord.post('/api/v1/vehicles', { slug: 'van-2', name: 'Van', capacity_kg: '0', speed_kmh: 50, stop_minutes: 5, departs: '07:00' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'capacity_kg');
    assert.equal(db.one("SELECT count(*) FROM vehicles WHERE slug = 'van-2'"), '0');
    r = await coord.patch('/api/v1/vehicles/kangoo', { active: false });
    assert.equal(r.status, 200);
    assert.equal(r.json.vehicle.active, false);
  });

  it('asks to confirm before suspending a producer with lines in an open cycle, and keeps the lines', { timeout: 120000 }, async () => {
    insertProducts(db, 'ferme-trois-chenes', [{ sku: 'CAR', name: 'Carottes', price: '2', stock: '100', step: '1' }]);
    const cycle = openCycle(db);
    addUser(db, { email: 'alice@example.org', role: 'consumer', password: PW });
    const alice = srv.client();
    await alice.login('alice@example.org', PW);
    let r = await alice.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: 'ferme-trois-chenes', sku: 'CAR', quantity: '3' }] });
    assert.equal(r.status, 200, r.text);
    r = await coord.patch('/api/v1/producers/ferme-trois-chenes', { active: false });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'confirmation_needed');
    assert.deepEqual([r.json.impact.lines, r.json.impact.orders], [1, 1]);
    assert.equal(db.one("SELECT active FROM producers WHERE slug = 'ferme-trois-chenes'"), 't');
    r = await coord.patch('/api/v1/producers/ferme-trois-chenes', { active: false, confirm: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.producer.active, false);
    // the line stays; nothing more can be ordered
    assert.equal(db.one(`SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.cycle_id = ${cycle}`), '1');
    assert.equal(db.one(`SELECT stock_milli = sold_milli FROM offers WHERE cycle_id = ${cycle} AND sku = 'CAR'`), 't');
    r = await alice.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: 'ferme-trois-chenes', sku: 'CAR', quantity: '4' }] });
    assert.equal(r.status, 409);
    r = await coord.patch('/api/v1/producers/ferme-trois-chenes', { active: true });
    assert.equal(r.status, 200);
  });

  it('gives the coordinator role, records it, and never removes the last coordinator', { timeout: 60000 }, async () => {
    addUser(db, { email: 'bob@example.org', role: 'consumer', password: PW });
    let r = await coord.post('/api/v1/coordinators', { email: 'Bob@Example.org' });
    assert.equal(r.status, 200, r.text);
    const bob = r.json.coordinators.find((c) => c.email === 'bob@example.org');
    assert.ok(bob);
    assert.equal(r.json.role_changes[0].new, 'coordinator');
    assert.equal(r.json.role_changes[0].by, 'coord@example.org');
    // bob keeps his customer: removing the role gives it back
    r = await coord.del(`/api/v1/coordinators/${bob.id}`);
    assert.equal(r.status, 200);
    assert.equal(db.one("SELECT role FROM users WHERE email = 'bob@example.org'"), 'consumer');
    // the hub's coordinators but one are removed; the last one cannot be
    const others = r.json.coordinators.filter((c) => c.email !== 'coord@example.org');
    for (const c of others) assert.equal((await coord.del(`/api/v1/coordinators/${c.id}`)).status, 200);
    const me = db.one("SELECT id FROM users WHERE email = 'coord@example.org'");
    r = await coord.del(`/api/v1/coordinators/${me}`);
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'last_coordinator');
    assert.equal(db.one("SELECT role FROM users WHERE email = 'coord@example.org'"), 'coordinator');
    assert.throws(() => db.sql('DELETE FROM user_role_changes'), /audit record/);
  });

  it('changes the identity with a record, refusing a company without its RCS city', { timeout: 60000 }, async () => {
    let r = await coord.patch('/api/v1/hub/settings', { legal_form: 'SARL', rcs_city: '', share_capital: '' });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json.error.details.map((d) => d.field).sort(), ['rcs_city', 'share_capital']);
    r = await coord.patch('/api/v1/hub/settings', { legal_form: 'Association', name: 'Drôme Paysanne', template_opens_day: 4, payment_days: 10 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.identity.legal_form, 'Association');
    assert.equal(r.json.template.template_opens_day, 4);
    assert.equal(r.json.settings.payment_days, 10);
    const changed = r.json.changes.map((c) => c.setting);
    for (const s of ['legal_form', 'name', 'template_opens', 'payment_days']) assert.ok(changed.includes(s), s);
    const lf = r.json.changes.find((c) => c.setting === 'legal_form');
    assert.deepEqual([lf.old, lf.new, lf.by, lf.via], ['SCIC SAS', 'Association', 'coord@example.org', 'api']);
  });
});

describe('host names from the desk, without a restart', () => {
  let db, srv;
  before(async () => {
    db = freshDb('hub_hosts');
    addUser(db, { email: 'a@example.org', role: 'coordinator', password: PW }); // while hub A is the only one
    assert.equal(km0(['seed', fixture('hub2')], { db }).status, 0);
    srv = await startServer(db);
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  // fetch() sends its own Host: node:http sends the one asked for
  const hostReq = (host, method, path, { json, cookie, csrf } = {}) => new Promise((resolve, reject) => {
    const body = json ? JSON.stringify(json) : undefined;
    const headers = { host, ...(body ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) };
    const rq = http.request({ host: '127.0.0.1', port: srv.port, method, path, headers, timeout: 30000 }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text, json: text.startsWith('{') ? JSON.parse(text) : undefined }));
    });
    rq.on('error', reject);
    rq.end(body);
  });
  const asHost = (host) => hostReq(host, 'GET', '/api/v1/cycles');
  /** A session opened through a host name: {cookie, csrf}. */
  async function loginAt(host, email) {
    const r = await hostReq(host, 'POST', '/api/v1/session', { json: { email, password: PW } });
    if (r.status !== 200) return { status: r.status };
    return { status: 200, cookie: r.headers['set-cookie'][0].split(';')[0], csrf: r.json.user.csrf_token };
  }

  it('serves a hub at a name as soon as its coordinator adds it, and not after it is removed', { timeout: 60000 }, async () => {
    // two hubs, no "hub" key: an unknown name serves none
    assert.equal((await asHost('paniers.example.org')).status, 404);
    db.sql("INSERT INTO hub_hosts (host, hub_id) SELECT 'a.example.org', id FROM hubs WHERE slug = 'drome-paysanne'");
    const a = await loginAt('a.example.org', 'a@example.org');
    assert.equal(a.status, 200);
    const patchA = (json) => hostReq('a.example.org', 'PATCH', '/api/v1/hub/settings', { json, ...a });
    let r = await patchA({ hosts: ['a.example.org', 'HTTPS://Paniers.Example.org/'] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.hosts, ['a.example.org', 'paniers.example.org']);
    // the same server, no restart: the name leads to hub A now
    assert.equal((await asHost('paniers.example.org')).status, 200);
    assert.ok(r.json.changes.some((c) => c.setting === 'hosts' && c.new === 'a.example.org paniers.example.org'));
    // hub B's coordinator, whose account is not found through hub A's name, cannot take it
    db.sql(`INSERT INTO users (hub_id, email, password_hash, role) SELECT h.id, 'b@example.org', u.password_hash, 'coordinator'
      FROM hubs h, users u WHERE h.slug = 'tarn-fermier' AND u.email = 'a@example.org'`);
    assert.equal((await loginAt('paniers.example.org', 'b@example.org')).status, 401);
    db.sql("INSERT INTO hub_hosts (host, hub_id) SELECT 'b.example.org', id FROM hubs WHERE slug = 'tarn-fermier'");
    const b = await loginAt('b.example.org', 'b@example.org');
    assert.equal(b.status, 200);
    r = await hostReq('b.example.org', 'PATCH', '/api/v1/hub/settings', { json: { hosts: ['b.example.org', 'paniers.example.org'] }, ...b });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'host_taken');
    r = await hostReq('b.example.org', 'PATCH', '/api/v1/hub/settings', { json: { hosts: ['not a host'] }, ...b });
    assert.equal(r.status, 422);
    assert.deepEqual(db.sql("SELECT host FROM hub_hosts WHERE hub_id = (SELECT id FROM hubs WHERE slug = 'tarn-fermier')"), [['b.example.org']]);
    // removed: no longer served
    r = await patchA({ hosts: ['a.example.org'] });
    assert.equal(r.status, 200);
    assert.equal((await asHost('paniers.example.org')).status, 404);
  });
});

describe('the first run and invitations', () => {
  let db, srv;
  before(async () => {
    db = emptyDb('first_run');
    srv = await startServer(db);
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('answers the first-run page only here or with a one-time token', { timeout: 60000 }, async () => {
    const remote = { 'x-forwarded-for': '203.0.113.9' };
    assert.equal((await fetch(`${srv.base}/setup`)).status, 200);
    assert.equal((await fetch(`${srv.base}/setup`, { headers: remote })).status, 403);
    assert.equal((await fetch(`${srv.base}/setup?token=${'a'.repeat(43)}`, { headers: remote })).status, 403);
    const t = km0(['hub', 'create', '--first-run-token'], { db });
    assert.equal(t.status, 0, t.stderr);
    const token = t.stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(db.one(`SELECT count(*) FROM first_run_tokens WHERE token_sha256 = sha256(convert_to('${token}', 'UTF8'))`), '1');
    assert.equal((await fetch(`${srv.base}/setup?token=${token}`, { headers: remote })).status, 200);
    assert.ok(!srv.logs().includes(token), 'the token is not logged');
  });

  it('creates a hub from the command line, refusing a duplicate slug', { timeout: 60000 }, async () => {
    const args = ['hub', 'create', '--slug', 'vercors', '--name', 'Vercors', '--siret', '52601815500014',
      '--address', 'ZA des Gaulois, 26400 Crest', '--coordinator-email', 'c@example.org'];
    let r = km0([...args.slice(0, 6), '--siret', '52601815500015', ...args.slice(8)], { db, input: `${PW}\n` });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--siret: The SIRET/);
    r = km0(args, { db, input: `${PW}\n` });
    assert.equal(r.status, 0, r.stderr);
    r = km0(args, { db, input: `${PW}\n` });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--slug: A hub already has this short name/);
    assert.equal(db.one('SELECT count(*) FROM hubs'), '1');
    assert.equal((await fetch(`${srv.base}/setup`)).status, 410);
  });

  it('lets an invitation serve once', { timeout: 60000 }, async () => {
    const coord = srv.client();
    await coord.login('c@example.org', PW);
    let r = await coord.post('/api/v1/producers', { slug: 'farm', name: 'Farm', siret: '71106658903512', vat_regime: 'franchise', email: 'farm@example.org' });
    assert.equal(r.status, 201, r.text);
    r = await coord.post('/api/v1/producers/farm/invitations', {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.invitation.email, 'farm@example.org');
    assert.equal(r.json.invitation.mailed, false, 'no relay configured: the coordinator passes the link on');
    const token = new URL(r.json.invitation.link).searchParams.get('t');
    const visitor = srv.client();
    r = await visitor.post('/api/v1/invitations', { token, password: 'short' });
    assert.equal(r.status, 422);
    r = await visitor.post('/api/v1/invitations', { token, password: PW, name: 'Farmer' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.producer, 'farm');
    r = await srv.client().post('/api/v1/invitations', { token, password: PW });
    assert.equal(r.status, 410);
    assert.equal(r.json.error.code, 'invitation_used');
    r = await coord.post('/api/v1/producers/farm/invitations', {});
    assert.equal(r.status, 409, 'the account exists now');
  });
});

describe('the desk’s own pages: suspending, people, coordinators, the hub', () => {
  let db, srv, coord;
  before(async () => {
    db = freshDb('hub_admin_desk');
    addUser(db, { email: 'coord@example.org', role: 'coordinator', password: PW });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', PW);
  });
  after(async () => { await srv?.stop(); db?.drop(); });

  it('shows what becomes of a producer’s lines and asks before suspending it', { timeout: 120000 }, async () => {
    insertProducts(db, 'ferme-trois-chenes', [{ sku: 'POM', name: 'Pommes', price: '3', stock: '50', step: '1' }]);
    const cycle = openCycle(db);
    addUser(db, { email: 'jeanne@example.org', role: 'consumer', password: PW, name: 'Jeanne Roux' });
    const jeanne = srv.client();
    await jeanne.login('jeanne@example.org', PW);
    let r = await jeanne.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: 'crest-halle', lines: [{ producer: 'ferme-trois-chenes', sku: 'POM', quantity: '2' }] });
    assert.equal(r.status, 200, r.text);
    await coord.get('/desk/producers/ferme-trois-chenes');
    r = await coord.form('/desk/producers/ferme-trois-chenes/active', { active: '0' });
    // a page that says what happens, with a button to confirm: nothing changed yet
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.match(r.text, /a 1 ligne dans 1 commande d’un cycle ouvert/);
    assert.match(r.text, /Ces lignes restent : elles seront livrées et facturées comme prévu\./);
    assert.match(r.text, /name="confirm" value="1"/);
    assert.equal(db.one("SELECT active FROM producers WHERE slug = 'ferme-trois-chenes'"), 't');
    r = await coord.form('/desk/producers/ferme-trois-chenes/active', { active: '0', confirm: '1' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/desk/producers?done=suspended');
    assert.equal(db.one("SELECT active FROM producers WHERE slug = 'ferme-trois-chenes'"), 'f');
    assert.equal(db.one(`SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.cycle_id = ${cycle}`), '1');
    r = await coord.form('/desk/producers/ferme-trois-chenes/active', { active: '1' });
    assert.equal(r.status, 303);
    assert.equal(db.one("SELECT active FROM producers WHERE slug = 'ferme-trois-chenes'"), 't');
  });

  it('finds customers by name or e-mail, shows their orders, marks a business buyer verified', { timeout: 60000 }, async () => {
    addUser(db, { email: 'Cantine@Example.org', role: 'consumer', password: PW, name: 'Cantine du Lycée' });
    const id = db.one("SELECT customer_id FROM users WHERE email = 'cantine@example.org'");
    // a customer stored with capitals in its address is found by it in lower case
    db.sql(`UPDATE customers SET kind = 'business', email = 'Cantine@Example.org', legal_name = 'Lycée du Diois',
      siret = '52601815500014', address = '1 rue du Lycée, 26150 Die' WHERE id = ${id}`);
    let r = await coord.get('/desk/people?q=cantine%40example');
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`href="/desk/people/${id}">Cantine du Lycée</a>`));
    assert.doesNotMatch(r.text, /Jeanne Roux/);
    r = await coord.get('/desk/people?q=ROUX');
    assert.match(r.text, /Jeanne Roux/);
    assert.doesNotMatch(r.text, /Cantine du Lycée/);
    r = await coord.get('/api/v1/customers?q=lyc%C3%A9e%20du%20diois');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.customers.map((c) => Number(c.id)), [Number(id)]);
    // Jeanne's page lists her order of the open cycle
    const jid = db.one("SELECT customer_id FROM users WHERE email = 'jeanne@example.org'");
    r = await coord.get(`/desk/people/${jid}`);
    assert.equal(r.status, 200);
    assert.match(r.text, /<h2>Commandes<\/h2><table>/);
    assert.match(r.text, /Halle de Crest|crest/i);
    // a person has nothing to verify; a business buyer is verified by whom, when
    r = await coord.form(`/desk/people/${jid}/verified`, { verified: '1' });
    assert.equal(r.status, 422);
    r = await coord.get(`/desk/people/${id}`);
    assert.match(r.text, /Marquer comme vérifié/);
    r = await coord.form(`/desk/people/${id}/verified`, { verified: '1' });
    assert.equal(r.status, 303);
    assert.deepEqual(db.sql(`SELECT verified_at IS NOT NULL, u.email FROM customers c JOIN users u ON u.id = c.verified_by WHERE c.id = ${id}`),
      [['t', 'coord@example.org']]);
    r = await coord.get('/desk/people?q=cantine');
    assert.match(r.text, /professionnel \(vérifié\)/);
  });

  it('gives and removes the coordinator role on the desk, each change recorded, never the last one', { timeout: 60000 }, async () => {
    // an account made by the command line has its role recorded too
    assert.deepEqual(db.sql("SELECT ch.old_role IS NULL, ch.new_role, ch.via, ch.changed_by IS NULL FROM user_role_changes ch JOIN users u ON u.id = ch.user_id WHERE u.email = 'coord@example.org'"),
      [['t', 'coordinator', 'cli', 't']]);
    await coord.get('/desk/people');
    let r = await coord.form('/desk/coordinators', { email: 'personne@example.org' });
    assert.equal(r.status, 404, r.text.slice(0, 300));
    r = await coord.form('/desk/coordinators', { email: 'Jeanne@example.org' });
    assert.equal(r.status, 303);
    assert.equal(db.one("SELECT role FROM users WHERE email = 'jeanne@example.org'"), 'coordinator');
    r = await coord.get('/desk/people');
    assert.match(r.text, /jeanne@example\.org/);
    const jeanne = db.one("SELECT id FROM users WHERE email = 'jeanne@example.org'");
    const me = db.one("SELECT id FROM users WHERE email = 'coord@example.org'");
    // the other coordinators of the seeded hub go; the last one stays
    for (const [u] of db.sql(`SELECT id FROM users WHERE role = 'coordinator' AND id NOT IN (${me}) AND hub_id = (SELECT hub_id FROM users WHERE id = ${me})`)) {
      r = await coord.form(`/desk/coordinators/${u}/remove`, {});
      assert.equal(r.status, 303, r.text.slice(0, 300));
    }
    assert.equal(db.one("SELECT role FROM users WHERE email = 'jeanne@example.org'"), 'consumer');
    r = await coord.form(`/desk/coordinators/${me}/remove`, {});
    assert.equal(r.status, 409);
    assert.match(r.text, /<html/);
    assert.equal(db.one(`SELECT role FROM users WHERE id = ${me}`), 'coordinator');
    assert.deepEqual(db.sql(`SELECT old_role, new_role, via, changed_by FROM user_role_changes WHERE user_id = ${jeanne} ORDER BY id`),
      [['', 'consumer', 'cli', ''], ['consumer', 'coordinator', 'desk', String(me)], ['coordinator', 'consumer', 'desk', String(me)]]);
    r = await coord.get('/desk/people');
    assert.match(r.text, /jeanne@example\.org/); // in the list of recent changes
  });

  it('lets a producer edit its own description and contact, and nothing the hub keeps', { timeout: 60000 }, async () => {
    addUser(db, { email: 'chenes@example.org', role: 'producer', producer: 'ferme-trois-chenes', password: PW });
    const farmer = srv.client();
    await farmer.login('chenes@example.org', PW);
    let r = await farmer.patch('/api/v1/producers/ferme-trois-chenes', { description: 'Des pommes <du Diois>.', phone: '06 12 34 56 78', website: 'https://chenes.example' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.producer.phone, '06 12 34 56 78');
    for (const [k, v] of [['siret', '71106658903512'], ['iban', 'FR7630006000011234567890189'], ['name', 'Autre']]) {
      r = await farmer.patch('/api/v1/producers/ferme-trois-chenes', { [k]: v });
      assert.equal(r.status, 403, k);
      assert.equal(r.json.error.field, k);
    }
    r = await farmer.patch('/api/v1/producers/ferme-trois-chenes', { active: false });
    assert.equal(r.status, 403);
    r = await farmer.patch('/api/v1/producers/oeufs-puy', { phone: '06 00 00 00 00' });
    assert.equal(r.status, 403);
    assert.deepEqual(db.sql("SELECT description, phone, active FROM producers WHERE slug IN ('ferme-trois-chenes', 'oeufs-puy') ORDER BY slug"),
      [['Des pommes <du Diois>.', '06 12 34 56 78', 't'], ['', '', 't']]);
    // shown escaped on its public page
    r = await srv.client().get('/producers/ferme-trois-chenes');
    assert.equal(r.status, 200);
    assert.match(r.text, /Des pommes &lt;du Diois&gt;\./);
  });

  it('records the identity’s changes made on the desk; a new weekly rhythm shapes the weeks generated afterwards', { timeout: 60000 }, async () => {
    await coord.get('/desk/hub');
    let r = await coord.form('/desk/hub/identity', { siret: '52601815500015' });
    assert.equal(r.status, 422);
    assert.match(r.text, /id="siret-error"/);
    // the seeded hub, a SCIC SAS, carries its RCS city and capital (hub.csv): a change
    // of the phone alone asks for nothing more...
    assert.deepEqual(db.sql("SELECT rcs_city, share_capital_cents FROM hubs WHERE slug = 'drome-paysanne'"), [['Romans-sur-Isère', '2000000']]);
    r = await coord.form('/desk/hub/identity', { phone: '04 75 00 00 01' });
    assert.equal(r.status, 303, problems(r));
    assert.equal(db.one("SELECT phone FROM hubs WHERE slug = 'drome-paysanne'"), '04 75 00 00 01');
    // ...and a company cannot drop them
    await coord.get('/desk/hub');
    r = await coord.form('/desk/hub/identity', { phone: '04 75 21 21 21', rcs_city: '', share_capital: '' });
    assert.equal(r.status, 422);
    assert.match(problems(r), /href="#rcs_city"[\s\S]*href="#share_capital"/);
    assert.equal(db.one("SELECT phone FROM hubs WHERE slug = 'drome-paysanne'"), '04 75 00 00 01');
    r = await coord.form('/desk/hub/identity', { phone: '04 75 21 21 21', address: 'Place du Marché, 26150 Die', depot_lat: '', depot_lon: '',
      rcs_city: 'Romans', share_capital: '15000' });
    assert.equal(r.status, 303, problems(r));
    // the depot follows the address, through the gazetteer
    assert.deepEqual(db.sql("SELECT phone, round(depot_lat::numeric, 2) FROM hubs WHERE slug = 'drome-paysanne'"), [['04 75 21 21 21', '44.75']]);
    const rows = db.sql("SELECT setting, u.email, via, new_value FROM hub_settings_changes ch JOIN users u ON u.id = ch.user_id WHERE via = 'desk' ORDER BY ch.id");
    for (const s of ['phone', 'address', 'rcs_city', 'share_capital', 'depot_lat']) assert.ok(rows.some((x) => x[0] === s && x[1] === 'coord@example.org'), `${s}: ${JSON.stringify(rows)}`);
    await coord.get('/desk/hub');
    r = await coord.form('/desk/hub/week', { template_opens_day: '3', template_opens_time: '08:00', template_closes_day: '5',
      template_closes_time: '20:00', template_delivery_day: '6' });
    assert.equal(r.status, 303, problems(r));
    await coord.get('/desk');
    r = await coord.form('/desk/cycles/generate', { weeks: '2' });
    assert.equal(r.status, 303, r.text.slice(0, 500));
    const weeks = db.sql(`SELECT DISTINCT extract(isodow FROM opens_at AT TIME ZONE 'Europe/Paris'), to_char(opens_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'),
      extract(isodow FROM closes_at AT TIME ZONE 'Europe/Paris'), extract(isodow FROM delivery_date) FROM cycles WHERE template_week IS NOT NULL`);
    assert.deepEqual(weeks, [['3', '08:00', '5', '6']]);
  });
});
