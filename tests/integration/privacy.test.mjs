// GDPR (issue 18): a user downloads everything km0 holds about them and closes their
// account — personal data erased or pseudonymised, issued invoices unchanged as the
// law requires; consumer accounts idle for three years are closed the same way by
// km0 accounts purge (and the server's timer); the hub's privacy notice says what is
// kept, why and how long; the preferences page; the hub may let unconfirmed accounts
// order.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  freshDb, startServer, km0, addUser, insertProducts, openCycle,
} from '../lib/harness.mjs';

const PASSWORD = 'correct horse battery';
const FTC = 'ferme-trois-chenes';
const PICKUP = 'crest-halle';

describe('a user’s data: export, closing, the idle purge', () => {
  let db, srv, coord, cycle;
  before(async () => {
    db = freshDb('privacy');
    insertProducts(db, FTC, [{ sku: 'CAR', name: 'Carottes', price: '2.37', stock: '100', step: '0.5' }]);
    addUser(db, { email: 'coord@example.org', role: 'coordinator', name: 'Coordinatrice' });
    srv = await startServer(db);
    coord = srv.client();
    await coord.login('coord@example.org', PASSWORD);
    cycle = openCycle(db);
  });
  after(async () => { await srv.stop(); db.drop(); });

  it('exports everything held about the caller, and nothing about anyone else', async () => {
    addUser(db, { email: 'julie@example.org', role: 'consumer', name: 'Julie Export' });
    addUser(db, { email: 'other@example.org', role: 'consumer', name: 'Someone Else' });
    const c = srv.client();
    await c.login('julie@example.org', PASSWORD);
    let r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'CAR', quantity: '2' }] });
    assert.equal(r.status, 200, r.text);
    r = await c.get('/api/v1/account/export');
    assert.equal(r.status, 200, r.text);
    const doc = r.json;
    assert.equal(doc.account.email, 'julie@example.org');
    assert.equal(doc.customer.name, 'Julie Export');
    assert.equal(doc.orders.length, 1);
    assert.equal(doc.orders[0].lines[0].sku, 'CAR');
    assert.equal(doc.orders[0].lines[0].quantity_milli, 2000);
    assert.ok(doc.sessions.length >= 1);
    assert.ok(!JSON.stringify(doc).includes('Someone Else'));
    assert.ok(!/password_hash|token/.test(JSON.stringify(doc)), 'no secret in the export');
    const page = await c.get('/account/export');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-disposition'), /km0-my-data\.json/);
    assert.equal(JSON.parse(page.text).account.email, 'julie@example.org');
  });

  it('closes an account: personal data erased, sessions ended, issued invoices unchanged', async () => {
    addUser(db, { email: 'karim@example.org', role: 'consumer', name: 'Karim Closing' });
    db.sql(`UPDATE customers SET phone = '06 12 34 56 78' WHERE email = 'karim@example.org'`);
    const c = srv.client(), other = srv.client();
    await c.login('karim@example.org', PASSWORD);
    await other.login('karim@example.org', PASSWORD);
    const week = openCycle(db);
    let r = await c.put(`/api/v1/cycles/${week}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'CAR', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    for (const step of [() => coord.patch(`/api/v1/cycles/${week}`, { state: 'closed' }),
      () => coord.post(`/api/v1/cycles/${week}/batch`), () => coord.post(`/api/v1/cycles/${week}/invoices`)]) {
      r = await step();
      assert.ok([200, 201].includes(r.status), r.text);
    }
    const invoicesBefore = db.sql(`SELECT number, buyer::text, total_incl_vat_cents FROM invoices WHERE cycle_id = ${week} ORDER BY number`);
    assert.ok(invoicesBefore.length >= 1);
    assert.ok(invoicesBefore.every(([, buyer]) => buyer.includes('Karim Closing')));
    r = await c.del('/api/v1/account');
    assert.equal(r.status, 422, 'closing asks for confirmation');
    r = await c.del('/api/v1/account?confirm=yes');
    assert.equal(r.status, 204, r.text);
    assert.equal((await other.get('/api/v1/session')).status, 401, 'every session ended');
    assert.equal((await srv.client().post('/api/v1/session', { email: 'karim@example.org', password: PASSWORD })).status, 401);
    const [user] = db.sql(`SELECT u.email, u.name, u.active, u.closed_at IS NOT NULL, c.name, c.email, c.phone
      FROM users u JOIN customers c ON c.id = u.customer_id WHERE u.id = (SELECT max(id) FROM users WHERE email LIKE 'closed-%')`);
    assert.match(user[0], /^closed-\d+@closed\.invalid$/);
    assert.deepEqual(user.slice(1), ['', 'f', 't', 'Compte fermé / closed account', user[5], '']);
    assert.doesNotMatch(user[5], /karim/);
    assert.equal(db.one(`SELECT count(*) FROM outbox WHERE to_address = 'karim@example.org'`), '0', 'its messages went too');
    const nowhere = db.one(`SELECT count(*) FROM users WHERE email = 'karim@example.org' OR name LIKE '%Karim%'`);
    assert.equal(nowhere, '0');
    // the invoices as issued: the law keeps them ten years
    assert.deepEqual(db.sql(`SELECT number, buyer::text, total_incl_vat_cents FROM invoices WHERE cycle_id = ${week} ORDER BY number`), invoicesBefore);
    // the orders stay for the hub's accounts, without a name
    assert.equal(db.one(`SELECT count(*) FROM orders WHERE cycle_id = ${week}`), '1');
  });

  it('closes from the page after a confirmation, and keeps the last coordinator', async () => {
    addUser(db, { email: 'lea@example.org', role: 'consumer', name: 'Léa' });
    const c = srv.client();
    await c.login('lea@example.org', PASSWORD);
    const page = await c.get('/account/close');
    assert.equal(page.status, 200);
    let r = await c.form('/account/close', {}, { csrf: c.pageCsrf });
    assert.equal(r.status, 422, 'without the confirmation of that page');
    await c.get('/account/close');
    r = await c.form('/account/close', { confirm: '1' });
    assert.equal(r.status, 200, r.text);
    assert.equal(db.one(`SELECT count(*) FROM users WHERE email = 'lea@example.org'`), '0');
    r = await coord.del('/api/v1/account?confirm=yes');
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'last_coordinator');
  });

  it('closes consumer accounts idle three years, and only those', async () => {
    addUser(db, { email: 'old@example.org', role: 'consumer', name: 'Old Timer' });
    addUser(db, { email: 'recent@example.org', role: 'consumer', name: 'Recent' });
    addUser(db, { email: 'oldfarm@example.org', role: 'producer', producer: FTC, name: 'Old Farm' });
    db.sql(`UPDATE users SET last_active_at = now() - interval '3 years 1 day' WHERE email IN ('old@example.org', 'oldfarm@example.org')`);
    db.sql(`UPDATE users SET last_active_at = now() - interval '2 years' WHERE email = 'recent@example.org'`);
    const r = km0(['accounts', 'purge'], { db });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1 account closed$/m);
    assert.deepEqual(db.sql(`SELECT email FROM users WHERE email IN ('old@example.org', 'recent@example.org', 'oldfarm@example.org') ORDER BY email`),
      [['oldfarm@example.org'], ['recent@example.org']]);
    assert.equal(db.one(`SELECT count(*) FROM customers WHERE name = 'Old Timer'`), '0');
    // a login keeps an account alive
    const c = srv.client();
    await c.login('recent@example.org', PASSWORD);
    assert.equal(db.one(`SELECT last_active_at > now() - interval '1 minute' FROM users WHERE email = 'recent@example.org'`), 't');
    assert.equal(km0(['accounts', 'purge', '--years', 'zero'], { db }).status, 2);
  });

  it('shows the preferences page and the hub’s privacy notice, in both languages', async () => {
    addUser(db, { email: 'mona@example.org', role: 'consumer', name: 'Mona' });
    const c = srv.client();
    await c.login('mona@example.org', PASSWORD);
    let r = await c.get('/account');
    assert.equal(r.status, 200);
    assert.match(r.text, /name="shop_open"/);
    r = await c.form('/account/preferences', { lang: 'en', shop_open: '1' });
    assert.equal(r.status, 303);
    assert.deepEqual(db.sql(`SELECT lang, msg_shop_open, msg_shop_closing FROM users WHERE email = 'mona@example.org'`), [['en', 't', 'f']]);
    r = await srv.client().get('/privacy');
    assert.equal(r.status, 200);
    assert.match(r.text, /dix ans/);
    assert.match(r.text, /3 ans sans connexion/);
    assert.match(r.text, /Drôme Paysanne|drome|<h1>/i);
    r = await srv.client().get('/privacy?lang=en');
    assert.match(r.text, /ten years/);
  });

  it('lets a hub that does not ask for a confirmed address take a first order from a new account', async () => {
    let r = await coord.patch('/api/v1/hub/settings', { require_verified_email: false });
    assert.equal(r.status, 200, r.text);
    const c = srv.client();
    r = await c.post('/api/v1/accounts', { email: 'nina@example.org', password: PASSWORD, name: 'Nina' });
    assert.equal(r.status, 201, r.text);
    c.csrf = r.json.user.csrf_token;
    r = await c.put(`/api/v1/cycles/${cycle}/order`, { pickup_point: PICKUP, lines: [{ producer: FTC, sku: 'CAR', quantity: '1' }] });
    assert.equal(r.status, 200, r.text);
    r = await coord.patch('/api/v1/hub/settings', { require_verified_email: true });
    assert.equal(r.status, 200, r.text);
    assert.ok(db.sql(`SELECT setting FROM hub_settings_changes`).some(([s]) => s === 'require_verified_email'));
  });
});
