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
    params: { cycle, id: cycle, kind: 'collection', number: '2099-999999', file: 'km0.css', sid: 999999 },
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
const slugFor = (pattern) => (pattern.startsWith('/desk/pickup-points') ? PICKUP : X);

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
  'GET /desk/producers': { expect: html({ coord: 200, coordB: 200 }, 403) },
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
  'GET /desk/pickup-points/{slug}': { expect: html({ coord: 200, coordB: 404 }, 403) },
  'POST /desk/pickup-points/{slug}': {
    expect: html({ coord: 422, coordB: 404 }, 403),
    req: (role) => ({ form: role === 'coord' ? { name: '', address: '', opening: '', capacity: '' } : PICKUP_ATTACK }),
  },
  'POST /desk/pickup-points/{slug}/active': {
    expect: html({ coord: 303, coordB: 404 }, 403),
    req: (role) => ({ form: { active: role === 'coord' ? '1' : '0' } }),
  },
  // a coordinator's own cell sends a value out of range (nothing saved); the others
  // try to turn the hub into the seller and cap every order at one cent
  'GET /desk/settings': { expect: html({ coord: 200, coordB: 200 }, 403) },
  'POST /desk/settings': {
    expect: html({ coord: 422, coordB: 422 }, 403),
    req: (role) => ({ form: role.startsWith('coord') ? { payment_days: '99' } : { seller_mode: 'hub', max_order: '0.01' } }),
  },
  'GET /healthz': { expect: all(200) },
  // metrics_access = coordinator, the default: a coordinator's session (of any hub)
  'GET /metrics': { expect: api({ coord: 200, coordB: 200 }, 403) },
  'POST /api/v1/session': { expect: all(401), req: (role) => ({ json: { email: `api-${role}@example.org`, password: 'not the password' } }) },
  'GET /api/v1/session': { expect: api({}, 200) },
  'DELETE /api/v1/session': { expect: all(204), fresh: ROLES },
  'POST /api/v1/accounts': { expect: all(422), req: () => ({ json: { email: 'not an email', password: 'short', name: 'n' } }) },
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
    req: (role) => ({ json: role.startsWith('coord') ? { payment_days: 99 } : { seller_mode: 'hub', max_order_cents: 1 } }),
  },
  'GET /api/v1/orders': { expect: api({ cA: 200, cB: 200 }, 403) },
  'PUT /api/v1/producers/{slug}/catalog': {
    expect: api({ pX: 200, pY: 403, coord: 200, coordB: 404 }, 403),
    query: '?dry_run=1',
    req: () => ({ body: csv(), headers: { 'content-type': 'text/csv' } }),
  },
  'GET /api/v1/producers/{slug}/catalog': { expect: api({ pX: 200, pY: 403, coord: 200, coordB: 404 }, 403) },
};

/** The URL a row calls (placeholders filled for this world). */
export function urlOf(route, w) {
  const params = { ...w.params, slug: slugFor(route.pattern) };
  const path = route.pattern.replace(/\{(\w+)\}/g, (_, k) => {
    assert.ok(params[k] !== undefined, `no value for {${k}} in ${route.pattern}`);
    return encodeURIComponent(String(params[k]));
  });
  return path + (ROUTES[`${route.method} ${route.pattern}`]?.query || '');
}
