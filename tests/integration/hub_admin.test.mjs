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
    assert.equal(r.json.invitation.mailed, false);
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
