// tests/lib/route_matrix.mjs — one world with every role, and how to call every route
// of server/routes.c as each role, with the status each role must get.
//
// Roles: anon (a visitor), cA and cB (two consumers of the hub; cA has an order in
// the open cycle, cB none), pX and pY (two producers), coord (the hub's coordinator)
// and coordB (the coordinator of another hub, tests/data/hub2, when it exists).
//
// A row of ROUTES is keyed "METHOD /pattern" exactly as in server/routes.c, and
// says, per role, the status expected and the request to send. Requests of roles
// that may not act carry a real attack (close the cycle, rename the producer...);
// the allowed role sends a harmless variant, so that every cell but those listed in
// `changes` leaves the database as it was. tests/integration/authz.test.mjs fails
// on a route without a row, so a new route cannot ship without its access rules.

import { existsSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { freshDb, startServer, km0, insertProducts, openCycle, fixture, tmpDir } from './harness.mjs';
import { writeConf } from './scale.mjs';
import { account, newSession, sessionClient, visitor } from './security.mjs';

export const HUB_A = 'drome-paysanne';
export const HUB_B = 'tarn-fermier';
export const X = 'ferme-trois-chenes';
export const Y = 'volailles-plein-champ';
export const PICKUP = 'crest-halle';
export const HAS_HUB2 = existsSync(fixture('hub2/hub.csv'));
export const ROLES = ['anon', 'cA', 'cB', 'pX', 'pY', 'coord', ...(HAS_HUB2 ? ['coordB'] : [])];

/** Build the world: a database, two hubs, every role logged in, an open cycle with
 *  cA's order, and a server whose anonymous visitors see hub A. */
export async function buildWorld(tag, { serverConf = '' } = {}) {
  const db = freshDb(tag);
  insertProducts(db, X, [{ sku: 'CAR', name: 'Carottes', price: '2.37', stock: '100', step: '0.5' }]);
  insertProducts(db, Y, [{ sku: 'POU', name: 'Poulet', unit: 'piece', price: '12', stock: '10', step: '1' }]);
  // the cycle and the first account (km0 user add) before hub B exists: the CLI
  // takes the only hub of the database
  const cycle = openCycle(db);
  const invoiceCycle = openCycle(db); // issued by issueInvoice(), for the invoice routes
  const acc = {
    cA: account(db, { email: `alice-${process.pid}@example.org`, role: 'consumer', name: 'Alice Secret', phone: '06 11 22 33 44' }),
    cB: account(db, { email: `bob-${process.pid}@example.org`, role: 'consumer', name: 'Bob Other', phone: '06 55 66 77 88' }),
    pX: account(db, { email: `x-${process.pid}@example.org`, role: 'producer', producer: X }),
    pY: account(db, { email: `y-${process.pid}@example.org`, role: 'producer', producer: Y }),
    coord: account(db, { email: `coord-${process.pid}@example.org`, role: 'coordinator' }),
  };
  if (HAS_HUB2) assert.equal(km0(['seed', fixture('hub2')], { db }).status, 0);
  if (HAS_HUB2) acc.coordB = account(db, { email: `coordb-${process.pid}@example.org`, role: 'coordinator', hub: HUB_B });
  const dir = tmpDir('km0-sec');
  const conf = writeConf(dir, 'serve.conf', `hub = ${HUB_A}\n${serverConf}`);
  const srv = await startServer(db, { config: conf });
  const offer = Number(db.one(`SELECT id FROM offers WHERE cycle_id = ${cycle} AND sku = 'CAR'`));
  const world = {
    db, srv, cycle, offer, acc, dir,
    // {number}: an invoice number that does not exist, until issueInvoice()
    // {sid}: a substitution that does not exist (none is proposed in an open cycle)
    // {message}: a message of hub A that the relay refused (no relay here: it stays)
    params: {
      cycle, id: cycle, kind: 'collection', number: '2099-999999', file: 'km0.css', sid: 999999,
      customer: acc.cA.customerId,
      message: Number(db.one(`INSERT INTO outbox (hub_id, kind, to_address, lang, subject, body_text, body_html, state, last_error)
        SELECT id, 'notice', 'someone@example.org', 'fr', 'x', 'x', '', 'failed', 'smtp 550' FROM hubs WHERE slug = '${HUB_A}' RETURNING id`)),
    },
    orderA: { pickup_point: PICKUP, lines: [{ producer: X, sku: 'CAR', quantity: '1' }] },
    /** A client acting as role; fresh: a session of its own, thrown away after. */
    async client(role, { fresh = false } = {}) {
      if (role === 'anon') return visitor(srv);
      return sessionClient(srv, fresh ? newSession(db, acc[role].userId) : acc[role]);
    },
    /** cA buys from X in a second cycle, which is closed, batched and invoiced: the
     *  invoice X issues to cA becomes {number}. */
    async issueInvoice() {
      const coord = sessionClient(srv, acc.coord);
      const steps = [
        () => sessionClient(srv, acc.cA).put(`/api/v1/cycles/${invoiceCycle}/order`, world.orderA),
        () => coord.patch(`/api/v1/cycles/${invoiceCycle}`, { state: 'closed' }),
        () => coord.post(`/api/v1/cycles/${invoiceCycle}/batch`),
        () => coord.post(`/api/v1/cycles/${invoiceCycle}/invoices`),
      ];
      for (const step of steps) {
        const r = await step();
        assert.ok(r.status === 200 || r.status === 201, r.text);
      }
      const list = await coord.get(`/api/v1/cycles/${invoiceCycle}/invoices`);
      assert.equal(list.status, 200, list.text);
      const mine = list.json.invoices.find((i) => i.seller_key !== 'hub' && /Ferme/i.test(i.seller)) || list.json.invoices[0];
      assert.ok(mine, 'an invoice was issued');
      world.params.number = mine.number;
      return mine.number;
    },
    async placeOrderA() {
      const r = await sessionClient(srv, acc.cA).put(`/api/v1/cycles/${cycle}/order`, world.orderA);
      assert.equal(r.status, 200, r.text);
    },
  };
  await world.placeOrderA();
  // cA's standing order (issue 21): the {id} of the /subscriptions routes
  world.subA = Number(db.one(`INSERT INTO subscriptions (hub_id, customer_id, pickup_point_id, every_weeks, starts_on)
    SELECT c.hub_id, c.id, pp.id, 1, current_date FROM customers c
      JOIN pickup_points pp ON pp.hub_id = c.hub_id AND pp.slug = '${PICKUP}'
     WHERE c.id = ${acc.cA.customerId} RETURNING id`));
  // an AMAP contract of X in hub A, its window open: the {id} of the /contracts routes
  world.contractX = Number(db.one(`WITH k AS (INSERT INTO contracts (hub_id, producer_id, name, window_opens, window_closes)
      SELECT p.hub_id, p.id, 'AMAP', current_date - 1, current_date + 30 FROM producers p
        JOIN hubs h ON h.id = p.hub_id AND h.slug = '${HUB_A}' WHERE p.slug = '${X}' RETURNING id, hub_id, producer_id),
    d AS (INSERT INTO contract_deliveries (hub_id, contract_id, delivery_date) SELECT hub_id, id, current_date + 40 FROM k),
    b AS (INSERT INTO contract_baskets (hub_id, contract_id, producer_id, sku, label, price_excl_vat_e4)
      SELECT hub_id, id, producer_id, 'CAR', 'Panier', 50000 FROM k)
    SELECT id FROM k`));
  return world;
}

// Status shorthands: LOGIN = an HTML page's anonymous visitor is sent to /login.
export const LOGIN = 303;
const html = (allowed, others) => ({ anon: LOGIN, ...fill(others), ...allowed });
const api = (allowed, others) => ({ anon: 401, ...fill(others), ...allowed });
function fill(status) { return Object.fromEntries(ROLES.filter((r) => r !== 'anon').map((r) => [r, status])); }
const all = (status) => Object.fromEntries(ROLES.map((r) => [r, status]));

const csv = () => readFileSync(fixture('catalogs/ferme-trois-chenes.csv'));
const CLOSE = { state: 'closed' };
const PRODUCER_ATTACK = { name: 'Pwned <b>', email: 'pwned@example.org', address: 'x', town: 'x' };
const PICKUP_ATTACK = { name: 'Pwned', address: 'x', opening: 'jeudi 17:00-19:00', capacity: '1' };
const orderOfA = (w) => w.db.one(`SELECT id FROM orders WHERE cycle_id = ${w.cycle} AND customer_id = ${w.acc.cA.customerId}`);
export const VAN = 'master'; // hub B has a kangoo of its own
const slugFor = (pattern) => (/^\/(desk|api\/v1)\/pickup-points/.test(pattern) ? PICKUP
  : /^\/(desk|api\/v1)\/vehicles/.test(pattern) ? VAN : X);
// {id} is the cycle, except for people: cA's customer, or cA's account (a consumer, so
// removing a coordinator role from it changes nothing)
const idFor = (pattern, w) => (/^\/(desk\/people|api\/v1\/customers)/.test(pattern) ? w.acc.cA.customerId
  : /^\/(desk|api\/v1)\/coordinators/.test(pattern) ? w.acc.cA.userId : w.params.id);
const NEW_PRODUCER = { slug: 'evil-farm', name: 'Evil', siret: '71106658903512', vat_regime: 'franchise' };

/** Per route: expect (role → status), req(role, world) → send() spec fields, and
 *  optionally changes (roles whose cell may change the database), fresh (roles that
 *  act on a throw-away session: logout) and restore(world) after a change. */
export const ROUTES = {
  'GET /': { expect: all(200) },
  'POST /order': {
    expect: html({ cA: 303, cB: 422 }, 403),
    req: (role, w) => ({ form: role === 'cB' ? { cycle: w.cycle, pickup: PICKUP }
      : { cycle: w.cycle, pickup: PICKUP, [`q${w.offer}`]: '1' } }),
  },
  'GET /orders': { expect: html({ cA: 200, cB: 200 }, 403) },
  'GET /orders/{cycle}': { expect: html({ cA: 200, cB: 404 }, 403) },
  // the confirmation page before cancelling: it changes nothing
  'GET /orders/{cycle}/cancel': { expect: html({ cA: 200, cB: 404 }, 403) },
  'POST /orders/{cycle}/cancel': {
    expect: html({ cA: 303, cB: 404 }, 403), req: () => ({ form: {} }),
    changes: ['cA'], restore: (w) => w.placeOrderA(),
  },
  'GET /subscriptions': { expect: html({ cA: 200, cB: 200 }, 403) },
  'GET /contracts': { expect: html({ cA: 200, cB: 200 }, 403) },
  // the consumers ask for an instalment plan the contract does not offer
  'POST /contracts/{id}': {
    expect: html({ cA: 422, cB: 422 }, 403), params: (w) => ({ id: w.contractX }),
    req: (role, w) => ({ form: { basket: w.db.one(`SELECT id FROM contract_baskets WHERE contract_id = ${w.contractX}`),
      pickup_point: PICKUP, instalments: role === 'cA' || role === 'cB' ? '7' : '1', payment_method: 'cheque' } }),
  },
  // cA asks for a frequency that does not exist; cB has no order to repeat
  'POST /subscriptions': {
    expect: html({ cA: 422, cB: 422 }, 403),
    req: (role, w) => ({ form: { cycle: w.cycle, every_weeks: role === 'cA' ? '3' : '1' } }),
  },
  'POST /subscriptions/{id}/pause': {
    expect: html({ cA: 422, cB: 404 }, 403), params: (w) => ({ id: w.subA }),
    req: (role) => ({ form: { from: '2030-01-10', until: role === 'cA' ? '2030-01-01' : '2030-01-20' } }),
  },
  'GET /subscriptions/{id}/cancel': { expect: html({ cA: 200, cB: 404 }, 403), params: (w) => ({ id: w.subA }) },
  'POST /subscriptions/{id}/cancel': {
    expect: html({ cA: 303, cB: 404 }, 403), params: (w) => ({ id: w.subA }), req: () => ({ form: {} }),
    changes: ['cA'], restore: (w) => w.db.sql(`UPDATE subscriptions SET cancelled_at = NULL WHERE id = ${w.subA}`),
  },
  // a customer answers a substitute proposed to them (none was here: the customers'
  // answer is not one, 422; delivered.test.mjs answers real ones)
  'POST /orders/{cycle}/substitutions/{sid}': {
    expect: html({ cA: 422, cB: 422 }, 403),
    req: (role) => ({ form: { answer: role.startsWith('c') && role.length === 2 ? 'maybe' : 'accept' } }),
  },
  'GET /login': { expect: { ...fill(303), anon: 200 } },
  // a different unknown email per role: the same one would be throttled (429) after ten
  'POST /login': { expect: all(401), req: (role) => ({ form: { email: `nobody-${role}@example.org`, password: 'not the password' } }) },
  'POST /logout': { expect: all(303), req: () => ({ form: {} }), fresh: ROLES },
  'GET /signup': { expect: all(200) },
  'POST /signup': { expect: all(422), req: () => ({ form: { email: 'not an email', password: 'short', name: '' } }) },
  'GET /static/{file}': { expect: all(200) },
  'GET /favicon.ico': { expect: all(200) },
  'GET /contact': { expect: all(200) },
  'GET /producer': { expect: html({ pX: 200, pY: 200, coord: 200, coordB: 200 }, 403) },
  // a producer's own public page: the producers alone; they send a website that is none
  'GET /producer/profile': { expect: html({ pX: 200, pY: 200 }, 403) },
  'GET /producer/settlements': { expect: html({ pX: 200, pY: 200 }, 403) },
  'POST /producer/profile': {
    expect: html({ pX: 422, pY: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('p') ? { website: 'not a website' } : { description: 'Pwned <b>' } }),
  },
  'GET /producers/{slug}': { expect: { ...all(200), coordB: 404 } },
  // the first run is over (the world has hubs: 410, gone), and no invitation has this token
  'GET /setup': { expect: all(410) },
  'POST /setup': {
    expect: all(410),
    req: () => ({ form: { slug: 'evil', name: 'Evil', siret: '52601815500014', coordinator_email: 'evil@example.org', password: 'correct horse battery' } }),
  },
  'GET /invitation': { expect: all(410) },
  'POST /invitation': { expect: all(410), req: () => ({ form: { t: 'not-a-token', password: 'correct horse battery' } }) },
  'POST /api/v1/invitations': { expect: all(410), req: () => ({ json: { token: 'not-a-token', password: 'correct horse battery' } }) },
  'GET /producer/catalog': { expect: html({ pX: 200, pY: 200, coord: 200, coordB: 200 }, 403) },
  'POST /producer/catalog': {
    expect: html({ pX: 200, pY: 403, coord: 200, coordB: 404 }, 403),
    req: () => ({ multipart: { producer: X, action: 'check', file: { filename: 'x.csv', data: csv() } } }),
  },
  // the packing table: the cycle is open, so the page says weighing waits for the close,
  // and every change is refused with 409 (another hub's cycle: 404); the others try to
  // record absurd weights and shortages
  'GET /weigh/{cycle}': { expect: html({ pX: 200, pY: 200, coord: 200, coordB: 404 }, 403) },
  'POST /weigh/{cycle}/line': {
    expect: html({ pX: 409, pY: 409, coord: 409, coordB: 404 }, 403),
    req: () => ({ form: { line: '1', weight: '999' } }),
  },
  'POST /weigh/{cycle}/file': {
    expect: html({ pX: 409, pY: 409, coord: 409, coordB: 404 }, 403),
    req: () => ({ multipart: { file: { filename: 'scale.csv', data: Buffer.from('bag,sku,weight\n1,CAR,999\n') } } }),
  },
  'POST /weigh/{cycle}/shortage': {
    expect: html({ pX: 409, pY: 409, coord: 409, coordB: 404 }, 403),
    req: () => ({ form: { product: `${X}/CAR`, missing: '100', reason: 'x' } }),
  },
  // a product's page, a producer's page, the legal pages, photos: anyone, of this hub
  'GET /offers/{id}': { expect: { ...all(200), coordB: 404 }, params: (w) => ({ id: w.offer }) },
  'GET /legal/{kind}': { expect: all(200), params: () => ({ kind: 'privacy' }) },
  'GET /photos/{digest}/{file}': { expect: all(404), params: () => ({ digest: '0'.repeat(64), file: 'thumb.webp' }) },
  'GET /producer/product': { expect: html({ pX: 200, pY: 403, coord: 200, coordB: 404 }, 403), query: `?sku=CAR&p=${X}` },
  'POST /producer/product': {
    expect: html({ pX: 422, pY: 403, coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: { producer: X, sku: 'CAR', name: 'Pwned', unit: 'kg', vat_rate: '5.5',
      price_excl_vat: String(role) === 'pX' || String(role) === 'coord' ? 'not a price' : '0.01' } }),
  },
  'POST /producer/product/photo': {
    expect: html({ pX: 415, pY: 403, coord: 415, coordB: 404 }, 403),
    req: () => ({ multipart: { producer: X, sku: 'CAR', photo: { filename: 'x.svg', type: 'image/svg+xml', data: Buffer.from('<svg/>') } } }),
  },
  'GET /desk': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/cycles': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: () => ({ form: { name: 'x', opens: 'soon', closes: 'later', delivery: 'one day' } }),
  },
  'POST /desk/cycles/generate': { expect: html({ coord: 422, coordB: 422 }, 403), req: () => ({ form: { weeks: '0' } }) },
  'GET /desk/cycles/{id}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/cycles/{id}/state': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: role === 'coord' ? { state: 'bogus' } : CLOSE }),
  },
  'POST /desk/cycles/{id}/batch': { expect: html({ coord: 409, coordB: 404 }, 403), req: () => ({ form: {} }) },
  'POST /desk/cycles/{id}/invoices': { expect: html({ coord: 409, coordB: 404 }, 403), req: () => ({ form: {} }) },
  // confirmation pages and lists: they change nothing (the cycle is open, not invoiced)
  'GET /desk/cycles/{id}/close': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'GET /desk/cycles/{id}/invoices': { expect: html({ coord: 404, coordB: 404 }, 403) },
  'GET /desk/cycles/{id}/invoices/issue': { expect: html({ coord: 409, coordB: 404 }, 403) },
  'GET /desk/cycles/{id}/subscriptions': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'GET /desk/contracts': { expect: html({ coord: 200, coordB: 200 }, 403) },
  // a contract with no delivery: refused for the coordinators, forbidden for the rest
  'POST /desk/contracts': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: () => ({ form: { producer: X, name: 'Evil', window_opens: '2030-01-01', window_closes: '2030-01-02',
      deliveries: '', 'baskets[0].sku': 'CAR', 'baskets[0].label': 'P', 'baskets[0].price': '5',
      min_deliveries: '1', missed_rule: 'hub', instalment_plans: '1', 'payment_methods.cheque': '1' } }),
  },
  'GET /producer/contracts': { expect: html({ pX: 200, pY: 200 }, 403) },
  'GET /desk/producers': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'GET /desk/producers/new': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/producers': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { slug: 'Not A Slug', name: '' } : NEW_PRODUCER }),
  },
  'POST /desk/producers/{slug}/invitations': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: { invite_email: role === 'coord' ? 'not an email' : 'evil@example.org' } }),
  },
  'GET /desk/producers/{slug}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/producers/{slug}': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: role === 'coord' ? { name: '', email: '', address: '', town: '' } : PRODUCER_ATTACK }),
  },
  'POST /desk/producers/{slug}/active': {
    expect: html({ coord: 303, coordB: 404 }, 403),
    req: (role) => ({ form: { active: role === 'coord' ? '1' : '0' } }),
  },
  'GET /desk/pickup-points': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'GET /desk/pickup-points/new': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/pickup-points': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { slug: '', name: '' } : { slug: 'evil', name: 'Evil', lat: '45', lon: '5', slot_day_1: '4', slot_from_1: '17:00', slot_to_1: '19:00' } }),
  },
  'GET /desk/pickup-points/{slug}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/pickup-points/{slug}': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: role === 'coord' ? { name: '', address: '', opening: '', capacity: '' } : PICKUP_ATTACK }),
  },
  'POST /desk/pickup-points/{slug}/active': {
    expect: html({ coord: 303, coordB: 404 }, 403),
    req: (role) => ({ form: { active: role === 'coord' ? '1' : '0' } }),
  },
  'GET /desk/vehicles': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'GET /desk/vehicles/new': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/vehicles': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { slug: 'van-x', name: 'Van', capacity_kg: '0' } : { slug: 'evil', name: 'Evil', capacity_kg: '1', speed_kmh: '50', stop_minutes: '1', departs: '07:00' } }),
  },
  'GET /desk/vehicles/{slug}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/vehicles/{slug}': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: role === 'coord' ? { name: '', capacity_kg: '' } : { name: 'Pwned', capacity_kg: '1' } }),
  },
  'POST /desk/vehicles/{slug}/active': {
    expect: html({ coord: 303, coordB: 404 }, 403),
    req: (role) => ({ form: { active: role === 'coord' ? '1' : '0' } }),
  },
  // people: cA is a person (nothing to verify) and a consumer (no coordinator role to remove)
  'GET /desk/people': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'GET /desk/people/{id}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/people/{id}/verified': { expect: html({ coord: 422, coordB: 404 }, 403), req: () => ({ form: { verified: '1' } }) },
  'POST /desk/coordinators': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role, w) => ({ form: { email: role === 'coord' ? 'not an email' : role === 'coordB' ? 'nobody@example.org' : w.acc.cB.email } }),
  },
  'POST /desk/coordinators/{id}/remove': { expect: html({ coord: 303, coordB: 404 }, 403), req: () => ({ form: {} }) },
  'GET /desk/hub': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/hub/identity': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { siret: '123' } : { name: 'Pwned' } }),
  },
  'POST /desk/hub/week': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: { template_opens_day: String(role).startsWith('coord') ? '9' : '1' } }),
  },
  'POST /desk/hub/hosts': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: { hosts: String(role).startsWith('coord') ? 'not a host!' : 'evil.example.org' } }),
  },
  // a coordinator's own cell sends a value out of range (nothing saved); the others
  // try to turn the hub into the seller and cap every order at one cent
  'GET /desk/settings': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/settings': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { payment_days: '99' } : { seller_mode: 'hub', max_order: '0.01' } }),
  },
  // customers without internet (issue 25): a coordinator's own cell is refused on a
  // field (nothing written); the others try to register someone, or to change cA's
  // order; hub B's coordinator does not find hub A's customer
  'GET /desk/customers': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/customers': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { name: 'X', phone: 'not a phone' } : { name: 'Intrus', phone: '06 00 00 00 01' } }),
  },
  'GET /desk/cycles/{id}/orders/{customer}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/cycles/{id}/orders/{customer}': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role, w) => ({ form: { pickup: PICKUP, [`o${w.offer}`]: role === 'coord' ? 'beaucoup' : '7' } }),
  },
  // messages: a coordinator's own cells are refused by the core (no target, no such
  // message, not a cycle); the others try to write to every customer
  'GET /desk/messages': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/messages': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role, w) => ({ form: role.startsWith('coord') ? { subject: 'x', text: 'y' } : { cycle: w.cycle, subject: 'Spam', text: 'Spam' } }),
  },
  'POST /desk/messages/reminders': { expect: html({ coord: 422, coordB: 422 }, 403), req: () => ({ form: { cycle: 'x' } }) },
  'POST /desk/messages/{message}/retry': { expect: html({ coord: 303, coordB: 404 }, 403), req: () => ({ form: {} }) },
  // the account's links and pages: a bad token changes nothing, for anyone
  'GET /verify': { expect: all(200) },
  'POST /verify': { expect: all(422), req: () => ({ form: { t: 'A'.repeat(43) } }) },
  'GET /password/forgot': { expect: all(200) },
  'POST /password/forgot': { expect: all(422), req: () => ({ form: { email: 'not an email' } }) },
  'GET /password/reset': { expect: all(422), query: `?t=${'A'.repeat(43)}` },
  'POST /password/reset': { expect: all(422), req: () => ({ form: { t: 'A'.repeat(43), password: 'a long enough password' } }) },
  'GET /account': { expect: html({}, 200) },
  'POST /account/preferences': { expect: html({}, 422), req: () => ({ form: { lang: 'xx', shop_open: '1' } }) },
  'POST /account/password': { expect: html({}, 401), req: () => ({ form: { current_password: 'not the password', password: 'pwned pwned pwned' } }) },
  'GET /account/export': { expect: html({}, 200) },
  'GET /account/close': { expect: html({}, 200) },
  'POST /account/close': { expect: html({}, 422), req: () => ({ form: {} }) },
  'GET /privacy': { expect: all(200) },
  'GET /unsubscribe': { expect: all(422), query: '?u=1&k=shop_open&t=x' },
  'POST /unsubscribe': { expect: all(422), query: `?u=1&k=shop_open&t=${'A'.repeat(43)}`, req: () => ({ form: { 'List-Unsubscribe': 'One-Click' } }) },
  'GET /desk/legal': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'GET /desk/legal/{kind}': { expect: html({ coord: 200, coordB: 200 }, 403), params: () => ({ kind: 'privacy' }) },
  'POST /desk/legal/{kind}': {
    expect: html({ coord: 422, coordB: 422 }, 403), params: () => ({ kind: 'privacy' }),
    req: (role) => ({ form: { 'body-fr': String(role).startsWith('coord') ? 'x'.repeat(20001) : 'Pwned', 'body-en': '' } }),
  },
  // payments: a coordinator's own cell sends something refused (nothing written); the
  // others pay, top up, refund, match, take a mandate, set the hub's IBAN to theirs
  'GET /desk/settings/payments': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/settings/payments': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { methods: 'onsite', default_method: 'onsite', bank_iban: 'FR00 1234' }
      : { methods: 'transfer', default_method: 'transfer', bank_iban: 'FR7630006000011234567890189' } }),
  },
  'GET /desk/cycles/{id}/cashup': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/cycles/{id}/cashup': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role, w) => ({ form: { order: orderOfA(w), method: 'cash', amount: role === 'coord' ? 'lots' : '1000' } }),
  },
  'GET /desk/payments': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'GET /desk/payments/customers/{customer}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/payments/customers/{customer}/topup': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: { method: 'cash', amount: role === 'coord' ? 'lots' : '1000' } }),
  },
  'POST /desk/payments/customers/{customer}/refund': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: { to: role === 'coord' ? 'bogus' : 'cash', amount: '10' } }),
  },
  'GET /desk/payments/bank': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/payments/bank': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: () => ({ multipart: { statement: { filename: 'x.csv', data: Buffer.from('not a statement\n') } } }),
  },
  'POST /desk/payments/bank/{id}': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: role === 'coord' ? {} : { fee: '1' } }),
  },
  'GET /desk/payments/mandates': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/payments/mandates': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role, w) => ({ form: { customer: w.acc.cA.email, reference: 'ATTACK-1', signed_on: '2024-01-02',
      iban: role === 'coord' ? 'FR00 1234' : 'FR7630006000011234567890189' } }),
  },
  // a reference that cannot be one (a mandate's is 1 to 35 SEPA characters): refused, nothing changed
  'POST /desk/payments/mandates/revoke': { expect: html({ coord: 422, coordB: 422 }, 403), req: () => ({ form: { reference: '<none>' } }) },
  'POST /desk/payments/sepa': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: { collect: String(role).startsWith('coord') ? 'not a date' : '2099-01-02', version: '02' } }),
  },
  'GET /desk/payments/sepa/{id}': { expect: html({ coord: 404, coordB: 404 }, 403) },
  // producers paid back, on the desk: the coordinator sends a harmless bad value (422)
  'GET /desk/fees': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/fees': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: { fee_percent: String(role).startsWith('coord') ? '100.5' : '90', order_fee: '50' } }),
  },
  'POST /desk/fees/producers/{slug}': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { fee_percent: '-1' } : { fee_percent: '0', iban: '' } }),
  },
  'GET /desk/settlements': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/settlements': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role, w) => ({ form: String(role).startsWith('coord') ? { month: '2026-13' } : { cycle: String(w.cycle) } }),
  },
  'POST /desk/transfers': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { version: '07' } : {} }),
  },
  'GET /desk/transfers/{id}': { expect: html({ coord: 404, coordB: 404 }, 403) },
  'GET /desk/fec': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/fec': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: String(role).startsWith('coord') ? { from: '2026-02-30', to: '2026-03-01' }
      : { from: '2000-01-01', to: '2099-12-31', close: '1' } }),
  },
  'GET /api/v1/payments/outstanding': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/payments': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role, w) => ({ json: { order: orderOfA(w), method: 'cash', amount_cents: role === 'coord' ? 0 : 100000 } }),
  },
  'POST /api/v1/payments/statements': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: () => ({ body: 'not a statement\n', headers: { 'content-type': 'text/csv' } }),
  },
  'GET /api/v1/payments/unmatched': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'GET /api/v1/balance': { expect: api({ cA: 200, cB: 200 }, 403) },
  // producers paid back (issue 22): a producer reads its own settlements; the rest is the
  // coordinator's, who sends a harmless bad value (422) where others attack
  'GET /api/v1/settlements': { expect: api({ pX: 200, pY: 200, coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/settlements': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role, w) => ({ json: String(role).startsWith('coord') ? { month: '2026-13' } : { cycle: w.cycle } }),
  },
  'GET /api/v1/settlements/{id}/statement': { expect: api({ pX: 404, pY: 404, coord: 404, coordB: 404 }, 403) },
  'POST /api/v1/payments/transfers': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { version: '07' } : {} }),
  },
  'GET /api/v1/payments/transfers/{id}': { expect: api({ coord: 404, coordB: 404 }, 403) },
  'GET /api/v1/hub/fees': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'PATCH /api/v1/hub/fees': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: { fee_percent: String(role).startsWith('coord') ? '100.5' : '90' } }),
  },
  'PATCH /api/v1/producers/{slug}/fees': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { fee_percent: '-1' } : { fee_percent: '0', iban: '' } }),
  },
  'POST /api/v1/producers/{slug}/billing-mandates': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: { signed_on: String(role).startsWith('coord') ? '2026-02-30' : '2026-01-01', scope: 'all', accepted_by: 'me' } }),
  },
  'GET /api/v1/accounting/accounts': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'PUT /api/v1/accounting/accounts/{account}': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    params: () => ({ account: '706' }),
    req: (role) => ({ json: { number: String(role).startsWith('coord') ? '7' : '706999', label: 'Pwned' } }),
  },
  'POST /api/v1/accounting/fec': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { from: '2026-02-30', to: '2026-03-01' }
      : { from: '2000-01-01', to: '2099-12-31', close: true } }),
  },
  'GET /healthz': { expect: all(200) },
  // metrics_access = coordinator, the default: a coordinator's session (of any hub)
  'GET /metrics': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/session': { expect: all(401), req: (role) => ({ json: { email: `api-${role}@example.org`, password: 'not the password' } }) },
  'GET /api/v1/session': { expect: api({}, 200) },
  'DELETE /api/v1/session': { expect: all(204), fresh: ROLES },
  'POST /api/v1/accounts': { expect: all(422), req: () => ({ json: { email: 'not an email', password: 'short', name: 'n' } }) },
  'POST /api/v1/password/forgot': { expect: all(422), req: () => ({ json: { email: 'not an email' } }) },
  'POST /api/v1/password/reset': { expect: all(422), req: () => ({ json: { token: 'A'.repeat(43), password: 'a long enough password' } }) },
  'POST /api/v1/account/verify': { expect: all(422), req: () => ({ json: { token: 'A'.repeat(43) } }) },
  'GET /api/v1/account': { expect: api({}, 200) },
  'PATCH /api/v1/account': { expect: api({}, 422), req: () => ({ json: { lang: 'xx', messages: { shop_open: true } } }) },
  // without ?confirm=yes nothing is closed
  'DELETE /api/v1/account': { expect: api({}, 422) },
  'PUT /api/v1/account/password': { expect: api({}, 401), req: () => ({ json: { current_password: 'not the password', password: 'pwned pwned pwned' } }) },
  'GET /api/v1/account/export': { expect: api({}, 200) },
  'GET /api/v1/outbox': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/outbox/{message}/retry': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'POST /api/v1/messages': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role, w) => ({ json: role.startsWith('coord') ? { subject: 'x', text: 'y' } : { cycle: w.cycle, subject: 'Spam', text: 'Spam' } }),
  },
  'POST /api/v1/cycles/{id}/payment-reminders': { expect: api({ coord: 409, coordB: 404 }, 403) },
  'GET /api/v1/cycles': { expect: all(200) },
  'POST /api/v1/cycles': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: () => ({ json: { opens: 'soon', closes: 'later', delivery: 'one day' } }),
  },
  'GET /api/v1/cycles/{id}': { expect: { ...all(200), coordB: 404 } },
  'PATCH /api/v1/cycles/{id}': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ json: role === 'coord' ? { state: 'bogus' } : CLOSE }),
  },
  'PUT /api/v1/cycles/{id}/order': {
    expect: api({ cA: 200, cB: 422 }, 403),
    req: (role, w) => ({ json: role === 'cB' ? { pickup_point: PICKUP, lines: [] } : w.orderA }),
  },
  'GET /api/v1/cycles/{id}/order': { expect: api({ cA: 200, cB: 404 }, 403) },
  'DELETE /api/v1/cycles/{id}/order': {
    expect: api({ cA: 204, cB: 404 }, 403), changes: ['cA'], restore: (w) => w.placeOrderA(),
  },
  'POST /api/v1/cycles/{id}/order/substitutions/{sid}': {
    expect: api({ cA: 422, cB: 422 }, 403),
    req: (role) => ({ json: { accept: role === 'cA' || role === 'cB' ? 'yes' : true } }),
  },
  'GET /api/v1/cycles/{id}/deliveries': { expect: api({ pX: 200, pY: 200, coord: 200, coordB: 404 }, 403) },
  'POST /api/v1/cycles/{id}/weights': {
    expect: api({ pX: 409, pY: 409, coord: 409, coordB: 404 }, 403),
    req: () => ({ json: { weights: [{ line: 1, weight: '999' }] } }),
  },
  'POST /api/v1/cycles/{id}/shortages': {
    expect: api({ pX: 409, pY: 409, coord: 409, coordB: 404 }, 403),
    req: () => ({ json: { producer: X, sku: 'CAR', missing: '100' } }),
  },
  'POST /api/v1/cycles/{id}/substitutions': {
    expect: api({ pX: 409, pY: 409, coord: 409, coordB: 404 }, 403),
    req: () => ({ json: { line: 1, producer: X, sku: 'CAR', quantity: '1' } }),
  },
  'POST /api/v1/cycles/{id}/batch': { expect: api({ coord: 409, coordB: 404 }, 403) },
  'GET /api/v1/cycles/{id}/rounds': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'GET /api/v1/cycles/{id}/reports': { expect: api({ coord: 200, coordB: 404 }, 403) },
  // the cycle is open: documents wait for the rounds (409) — once access is granted
  'GET /api/v1/cycles/{id}/reports/{kind}': {
    expect: api({ coord: 409, coordB: 404, pX: 409, pY: 403 }, 403),
    query: `?format=xml&producer=${X}`,
  },
  'POST /api/v1/cycles/{id}/invoices': { expect: api({ coord: 409, coordB: 404 }, 403) },
  'GET /api/v1/cycles/{id}/invoices': { expect: api({ coord: 200, coordB: 404 }, 403) },
  // the buyer, the seller and the coordinator read an invoice; anyone else is told it
  // does not exist (numbers are guessable)
  'GET /api/v1/invoices/{number}': { expect: { anon: 401, cA: 200, cB: 404, pX: 200, pY: 404, coord: 200, coordB: 404 } },
  'POST /api/v1/invoices/{number}/credit-note': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ json: { reason: role === 'coord' ? 42 : 'refund me' } }),
  },
  'GET /api/v1/hub/settings': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'PATCH /api/v1/hub/settings': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { payment_days: 99 } : { seller_mode: 'hub', max_order_cents: 1 } }),
  },
  'GET /api/v1/orders': { expect: api({ cA: 200, cB: 200 }, 403) },
  'GET /api/v1/subscriptions': { expect: api({ cA: 200, cB: 200 }, 403) },
  'POST /api/v1/subscriptions': {
    expect: api({ cA: 422, cB: 422 }, 403),
    req: (role, w) => ({ json: { every_weeks: role === 'cA' ? 3 : 1, from_cycle: w.cycle } }),
  },
  'POST /api/v1/subscriptions/{id}/pauses': {
    expect: api({ cA: 422, cB: 404 }, 403), params: (w) => ({ id: w.subA }),
    req: (role) => ({ json: { from: '2030-01-10', until: role === 'cA' ? '2030-01-01' : '2030-01-20' } }),
  },
  'DELETE /api/v1/subscriptions/{id}': {
    expect: api({ cA: 204, cB: 404 }, 403), params: (w) => ({ id: w.subA }),
    changes: ['cA'], restore: (w) => w.db.sql(`UPDATE subscriptions SET cancelled_at = NULL WHERE id = ${w.subA}`),
  },
  'GET /api/v1/cycles/{id}/subscriptions': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'GET /api/v1/contracts': { expect: api({}, 200) },
  'POST /api/v1/contracts': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: { producer: X, name: 'Evil', window_opens: '2030-01-01', window_closes: '2030-01-02',
      deliveries: String(role).startsWith('coord') ? [] : ['2030-02-01'], baskets: [{ sku: 'CAR', label: 'P', price: '5' }] } }),
  },
  'GET /api/v1/contracts/{id}/members': { expect: api({ coord: 200, coordB: 404 }, 403), params: (w) => ({ id: w.contractX }) },
  'GET /api/v1/contracts/{id}/deliveries': {
    expect: api({ coord: 200, coordB: 404, pX: 200, pY: 404 }, 403), params: (w) => ({ id: w.contractX }),
  },
  // the consumers ask for an instalment plan the contract does not offer
  'POST /api/v1/contracts/{id}/subscriptions': {
    expect: api({ cA: 422, cB: 422 }, 403), params: (w) => ({ id: w.contractX }),
    req: (role, w) => ({ json: { basket: Number(w.db.one(`SELECT id FROM contract_baskets WHERE contract_id = ${w.contractX}`)),
      pickup_point: PICKUP, instalments: role === 'cA' || role === 'cB' ? 7 : 1, payment_method: 'cheque' } }),
  },
  // the hub's coordinator names an instalment no plan has (422: the CSRF test needs a
  // role that reaches the handler); the other hub's names a valid one, not theirs (404)
  'POST /api/v1/contracts/{id}/instalments': {
    expect: api({ coord: 422, coordB: 404 }, 403), params: (w) => ({ id: w.contractX }),
    req: (role) => ({ json: { subscription: 999999, number: role === 'coord' ? 99 : 1 } }),
  },
  'GET /api/v1/producers': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/producers': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { slug: 'Not A Slug' } : NEW_PRODUCER }),
  },
  'GET /api/v1/producers/{slug}': { expect: api({ pX: 200, pY: 403, coord: 200, coordB: 404 }, 403) },
  'PATCH /api/v1/producers/{slug}': {
    expect: api({ pX: 422, pY: 403, coord: 422, coordB: 404 }, 403),
    req: (role) => ({ json: role === 'pX' ? { website: 'nope' } : role === 'coord' ? { siret: '1' } : { name: 'Pwned', active: false } }),
  },
  'POST /api/v1/producers/{slug}/invitations': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ json: { email: role === 'coord' ? 'not an email' : 'evil@example.org' } }),
  },
  'GET /api/v1/pickup-points': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/pickup-points': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { slug: 'x', name: 'X', lat: '45', lon: '5', slots: [] } : { slug: 'evil', name: 'Evil', lat: '45', lon: '5', slots: [{ day: 4, from: '17:00', to: '19:00' }] } }),
  },
  'GET /api/v1/pickup-points/{slug}': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'PATCH /api/v1/pickup-points/{slug}': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ json: role === 'coord' ? { capacity: 'many' } : { active: false } }),
  },
  'GET /api/v1/vehicles': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/vehicles': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { slug: 'van-x', name: 'Van', capacity_kg: '0', speed_kmh: 50, stop_minutes: 5, departs: '07:00' } : { slug: 'evil', name: 'Evil', capacity_kg: '1', speed_kmh: 50, stop_minutes: 5, departs: '07:00' } }),
  },
  'GET /api/v1/vehicles/{slug}': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'PATCH /api/v1/vehicles/{slug}': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ json: role === 'coord' ? { speed_kmh: 0 } : { active: false } }),
  },
  'GET /api/v1/customers': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'GET /api/v1/customers/{id}': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'PATCH /api/v1/customers/{id}': { expect: api({ coord: 422, coordB: 404 }, 403), req: () => ({ json: { verified: true } }) },
  'GET /api/v1/coordinators': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/coordinators': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role, w) => ({ json: { email: role === 'coord' ? 'not an email' : role === 'coordB' ? 'nobody@example.org' : w.acc.cB.email } }),
  },
  'DELETE /api/v1/coordinators/{id}': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'POST /api/v1/customers': {
    expect: api({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ json: String(role).startsWith('coord') ? { name: 'X', phone: '12' } : { name: 'Intrus', phone: '06 00 00 00 01' } }),
  },
  'PUT /api/v1/cycles/{id}/orders/{customer}': {
    expect: api({ coord: 422, coordB: 404 }, 403),
    req: (role, w) => ({ json: role === 'coord' ? { pickup_point: PICKUP, lines: [] }
      : { pickup_point: PICKUP, lines: [{ producer: X, sku: 'CAR', quantity: '7' }] } }),
  },
  'GET /api/v1/cycles/{id}/orders/{customer}': { expect: api({ coord: 200, coordB: 404 }, 403) },
  'PUT /api/v1/producers/{slug}/catalog': {
    expect: api({ pX: 200, pY: 403, coord: 200, coordB: 404 }, 403),
    query: '?dry_run=1',
    req: () => ({ body: csv(), headers: { 'content-type': 'text/csv' } }),
  },
  'GET /api/v1/producers/{slug}/catalog': { expect: api({ pX: 200, pY: 403, coord: 200, coordB: 404 }, 403) },
};

/** The URL a row calls (placeholders filled for this world). */
export function urlOf(route, w) {
  const row = ROUTES[`${route.method} ${route.pattern}`];
  const params = { ...w.params, slug: slugFor(route.pattern), id: idFor(route.pattern, w), ...(row?.params ? row.params(w) : {}) };
  const path = route.pattern.replace(/\{(\w+)\}/g, (_, k) => {
    assert.ok(params[k] !== undefined, `no value for {${k}} in ${route.pattern}`);
    return encodeURIComponent(String(params[k]));
  });
  return path + (ROUTES[`${route.method} ${route.pattern}`]?.query || '');
}
