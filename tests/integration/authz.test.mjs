// Access control: every route of server/routes.c × every role, from a table
// (tests/lib/route_matrix.mjs) that must name every route; a cell that is refused
// changes nothing. Then personal data: each role sees only what its work needs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { routeTable, routeKey, snapshot, send, sessionClient } from '../lib/security.mjs';
import { ROUTES, ROLES, HAS_HUB2, LOGIN, X, buildWorld, urlOf } from '../lib/route_matrix.mjs';

describe('authorization matrix: every route × every role', () => {
  let w;
  const routes = routeTable();
  before(async () => {
    w = await buildWorld('authz');
    if (routes.some((r) => r.pattern.includes('{number}'))) await w.issueInvoice();
  });
  after(async () => { await w.srv.stop(); w.db.drop(); });

  it('has an expectation for every route, and no expectation without a route', () => {
    const keys = routes.map(routeKey);
    assert.deepEqual(keys.filter((k) => !ROUTES[k]), [], 'routes of server/routes.c without a row in route_matrix.mjs');
    assert.deepEqual(Object.keys(ROUTES).filter((k) => !keys.includes(k)), [], 'rows for routes that no longer exist');
    for (const k of keys) {
      for (const role of ROLES) assert.ok(ROUTES[k].expect[role], `${k}: no status for ${role}`);
    }
  });

  it('gives each role exactly its status, and a refused request changes nothing', async () => {
    const wrong = [];
    let known = null; // the last snapshot taken, while nothing is known to have changed
    for (const route of routes) {
      const row = ROUTES[routeKey(route)];
      if (!row) continue;
      const html = route.flags.includes('ROUTE_HTML');
      for (const role of ROLES) {
        const client = await w.client(role, { fresh: (row.fresh || []).includes(role) });
        const spec = { method: route.method, url: urlOf(route, w), ...(row.req ? row.req(role, w) : {}) };
        const mutating = route.method !== 'GET';
        const before = mutating ? (known ?? snapshot(w.db)) : null;
        const r = await send(client, spec);
        const want = row.expect[role];
        const cell = `${routeKey(route)} as ${role}`;
        if (r.status !== want) wrong.push(`${cell}: ${r.status}, expected ${want} — ${r.text.slice(0, 160).replace(/\s+/g, ' ')}`);
        if (r.status >= 500) wrong.push(`${cell}: server error`);
        if (role === 'anon' && html && want === LOGIN && !route.roles.includes('ROLE_ANON') &&
            !(r.headers.get('location') || '').startsWith('/login?next=')) {
          wrong.push(`${cell}: not sent to the login page (${r.headers.get('location')})`);
        }
        if (mutating) {
          const after = snapshot(w.db);
          known = after;
          const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
          const allowed = (row.changes || []).includes(role);
          if (changed.length && !allowed) wrong.push(`${cell}: changed ${changed.join(', ')}`);
          // and the snapshot does see a change where one is made (it is not blind)
          if (!changed.length && allowed) wrong.push(`${cell}: expected a change, saw none`);
          if (allowed && row.restore) { await row.restore(w); known = null; }
        }
      }
    }
    assert.deepEqual(wrong, [], `\n${wrong.join('\n')}`);
  });

  it('answers a refused role with a JSON error on the API and an HTML page on the site', async () => {
    let r = await (await w.client('cA')).get(`/desk/cycles/${w.cycle}`);
    assert.equal(r.status, 403);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(r.text, /role="alert"/);
    r = await (await w.client('cA')).patch(`/api/v1/cycles/${w.cycle}`, { state: 'closed' });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'forbidden');
    assert.ok(r.json.error.message);
  });
});

describe('personal data: only where a role needs it', () => {
  let w, alice;
  before(async () => {
    w = await buildWorld('privacy');
    alice = { email: w.acc.cA.email, name: 'Alice Secret', phone: '06 11 22 33 44' };
  });
  after(async () => { await w.srv.stop(); w.db.drop(); });

  const leaks = (text) => [alice.email, alice.name, alice.phone].filter((s) => text.includes(s));

  it('never shows a consumer another consumer’s order, name, email or phone', async () => {
    const bob = await w.client('cB');
    for (const url of ['/', '/orders', `/orders/${w.cycle}`, '/api/v1/orders', '/api/v1/cycles',
      `/api/v1/cycles/${w.cycle}`, `/api/v1/cycles/${w.cycle}/order`, '/api/v1/session']) {
      const r = await bob.get(url);
      assert.ok(r.status < 500, `${url}: ${r.status}`);
      assert.deepEqual(leaks(r.text), [], `${url} shows Alice's data to Bob`);
    }
    const mine = await bob.get('/api/v1/orders');
    assert.deepEqual(mine.json.orders, []);
    // Alice sees her own order, Bob's session never reaches it
    const a = await (await w.client('cA')).get(`/api/v1/cycles/${w.cycle}/order`);
    assert.equal(a.status, 200);
    assert.equal((await bob.get(`/api/v1/cycles/${w.cycle}/order`)).status, 404);
  });

  it('keeps the coordinator’s counts out of what consumers and visitors read', async () => {
    for (const role of ['anon', 'cB', 'pX']) {
      const r = await (await w.client(role)).get(`/api/v1/cycles/${w.cycle}`);
      assert.equal(r.status, 200);
      for (const p of r.json.cycle.pickup_points) {
        assert.equal(p.orders, undefined, `${role} sees orders per pickup point`);
        assert.equal(p.capacity_orders, undefined, `${role} sees capacities`);
      }
    }
    const c = await (await w.client('coord')).get(`/api/v1/cycles/${w.cycle}`);
    assert.ok(c.json.cycle.pickup_points.some((p) => p.orders === 1));
  });

  it('gives a producer its collection list without any customer, and the coordinator the phones', async () => {
    const closed = await (await w.client('coord')).patch(`/api/v1/cycles/${w.cycle}`, { state: 'closed' });
    assert.equal(closed.status, 200, closed.text);
    const batch = await (await w.client('coord')).post(`/api/v1/cycles/${w.cycle}/batch`);
    assert.equal(batch.status, 200, batch.text);
    const own = await (await w.client('pX')).get(`/api/v1/cycles/${w.cycle}/reports/collection?format=xml`);
    assert.equal(own.status, 200, own.text);
    assert.match(own.text, /Carottes/);
    assert.deepEqual(leaks(own.text), [], 'the collection list names a customer');
    for (const kind of ['picking', 'delivery', 'route']) {
      const r = await (await w.client('pX')).get(`/api/v1/cycles/${w.cycle}/reports/${kind}?format=xml`);
      assert.equal(r.status, 403, `a producer reads the ${kind} document`);
    }
    const other = await (await w.client('pY')).get(`/api/v1/cycles/${w.cycle}/reports/collection?format=xml&producer=${X}`);
    assert.equal(other.status, 403);
    const sheet = await (await w.client('coord')).get(`/api/v1/cycles/${w.cycle}/reports/delivery?format=xml`);
    assert.equal(sheet.status, 200, sheet.text);
    assert.ok(sheet.text.includes(alice.phone), 'the delivery sheet has the phone the coordinator needs');
    assert.ok(!sheet.text.includes(alice.email), 'but no email');
    if (HAS_HUB2) {
      const b = await (await w.client('coordB')).get(`/api/v1/cycles/${w.cycle}/reports/delivery?format=xml`);
      assert.equal(b.status, 404);
      assert.deepEqual(leaks(b.text), []);
    }
  });

  it('returns only the caller’s own profile from the session API', async () => {
    const r = await sessionClient(w.srv, w.acc.cB).get('/api/v1/session');
    assert.equal(r.json.user.email, w.acc.cB.email);
    assert.deepEqual(leaks(r.text), []);
  });
});
