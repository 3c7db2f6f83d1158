// Cross-site request forgery: every state-changing HTML form of server/routes.c,
// posted by a role allowed to use it, is refused (403, nothing changed) without
// the CSRF token, with another session's token, twice the token, or from another
// site per the browser's Fetch Metadata; and accepted with its own token. The JSON
// API takes no body a cross-site form can send.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { routeTable, routeKey, snapshot, send, newSession, sessionClient, visitor } from '../lib/security.mjs';
import { ROUTES, ROLES, LOGIN, buildWorld, urlOf } from '../lib/route_matrix.mjs';
import { readFileSync, readdirSync } from 'node:fs';
import { ROOT } from '../lib/harness.mjs';

/** Who to post a form as: the first logged-in role the matrix lets through, and a
 *  visitor too when visitors may post it (their token is the double-submit cookie's). */
function postingRoles(key) {
  const expect = ROUTES[key].expect;
  const allowed = (role) => expect[role] !== 403 && expect[role] !== 404 && !(role === 'anon' && expect[role] === LOGIN);
  const user = ROLES.find((role) => role !== 'anon' && allowed(role));
  return [user, ...(allowed('anon') ? ['anon'] : [])].filter(Boolean);
}

describe('CSRF on every HTML form', () => {
  let w;
  // (a route without its row in route_matrix.mjs fails authz.test.mjs)
  // ROUTE_NO_CSRF: the one-click unsubscribe (RFC 8058), posted by mail clients with
  // neither session nor token; its link's signature is the authorisation (checked in
  // messages.test.mjs, and below: only that route may be so)
  const forms = routeTable().filter((r) => r.method === 'POST' && r.flags.includes('ROUTE_HTML') && !r.flags.includes('ROUTE_NO_CSRF') && ROUTES[routeKey(r)]);
  before(async () => { w = await buildWorld('csrf'); });
  after(async () => { await w.srv.stop(); w.db.drop(); });

  it('covers every form of the route table', () => {
    assert.ok(forms.length >= 10, `${forms.length} forms`);
    assert.deepEqual(routeTable().filter((r) => r.flags.includes('ROUTE_NO_CSRF')).map(routeKey), ['POST /unsubscribe']);
    for (const r of forms) assert.ok(postingRoles(routeKey(r)).length, `${routeKey(r)}: no role may post it`);
  });

  it('refuses a form without its token, with another session’s, twice, or from another site', async () => {
    const wrong = [];
    for (const route of forms) {
      const key = routeKey(route);
      const row = ROUTES[key];
      for (const role of postingRoles(key)) {
        const spec = { method: route.method, url: urlOf(route, w), ...(row.req ? row.req(role, w) : {}) };
        // another session of another person (for a visitor: another visitor's cookie token)
        const stranger = role === 'anon' ? await visitor(w.srv) : sessionClient(w.srv, newSession(w.db, w.acc[role === 'cB' ? 'cA' : 'cB'].userId));
        const attempts = {
          'no token': { csrf: null },
          'another session’s token': { csrf: stranger.csrf },
          'an empty token': { csrf: '' },
          'the token twice': { csrf: null, dup: true },
          'from another site': { headers: { 'sec-fetch-site': 'cross-site' } },
          'from a sibling sub-domain': { headers: { 'sec-fetch-site': 'same-site' } },
        };
        const before = snapshot(w.db); // every attempt must leave it so
        const client = await w.client(role, { fresh: true }); // refused attempts leave the session be
        for (const [what, a] of Object.entries(attempts)) {
          let s = { ...spec, headers: { ...(spec.headers || {}), ...(a.headers || {}) } };
          if (a.csrf !== undefined) s.csrf = a.csrf;
          if (a.dup) {
            const twice = [['csrf', client.csrf], ['csrf', client.csrf]];
            if (s.form) s.form = [...twice, ...Object.entries(s.form)];
            else s.multipart = [...twice, ...Object.entries(s.multipart)];
          }
          const r = await send(client, s);
          if (r.status !== 403) wrong.push(`${key} as ${role}, ${what}: ${r.status}`);
          const after = snapshot(w.db);
          const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
          if (changed.length) wrong.push(`${key} as ${role}, ${what}: changed ${changed.join(', ')}`);
        }
        // and the right token goes through to the handler (the status of the matrix)
        const ok = await send(await w.client(role, { fresh: true }), spec);
        if (ok.status !== row.expect[role]) wrong.push(`${key} as ${role} with its token: ${ok.status}, expected ${row.expect[role]}`);
        if ((row.changes || []).includes(role) && row.restore) await row.restore(w);
      }
    }
    assert.deepEqual(wrong, [], `\n${wrong.join('\n')}`);
  });

  it('ties the token to the session: a token of a session that ended is refused', async () => {
    const s = newSession(w.db, w.acc.coord.userId);
    const c = sessionClient(w.srv, s);
    const before = snapshot(w.db);
    assert.equal((await send(c, { method: 'POST', url: '/logout', form: {} })).status, 303);
    // the same person logs in again: a new session, a new token; the old one is dead
    const again = sessionClient(w.srv, newSession(w.db, w.acc.coord.userId));
    const r = await send(again, { method: 'POST', url: `/desk/producers/ferme-trois-chenes/active`, form: { active: '0' }, csrf: s.csrf });
    assert.equal(r.status, 403);
    assert.deepEqual(snapshot(w.db), before);
  });

  it('checks a visitor’s token against the cookie it came with (double submit)', async () => {
    const v = await visitor(w.srv);
    const form = { email: 'nobody@example.org', password: 'not the password' };
    // the field without the cookie
    const bare = w.srv.client();
    assert.equal((await send(bare, { method: 'POST', url: '/login', form, csrf: v.csrf })).status, 403);
    // the cookie with another visitor's field
    const other = await visitor(w.srv);
    assert.equal((await send(v, { method: 'POST', url: '/login', form, csrf: other.csrf })).status, 403);
    // its own cookie and field go through to the login itself (wrong password: 401)
    assert.equal((await send(v, { method: 'POST', url: '/login', form })).status, 401);
  });
});

describe('CSRF on the JSON API', () => {
  let w;
  before(async () => { w = await buildWorld('csrf_api'); });
  after(async () => { await w.srv.stop(); w.db.drop(); });

  it('refuses the bodies a cross-site form can send (415) on every API route that reads one', async () => {
    const c = await w.client('coord');
    const before = snapshot(w.db);
    const bodies = [
      ['application/x-www-form-urlencoded', 'state=closed'],
      ['text/plain', '{"state": "closed"}'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="state"\r\n\r\nclosed\r\n--x--\r\n'],
    ];
    for (const [type, body] of bodies) {
      for (const [method, url] of [['PATCH', `/api/v1/cycles/${w.cycle}`], ['POST', '/api/v1/cycles'],
        ['POST', '/api/v1/session'], ['POST', '/api/v1/accounts']]) {
        const r = await c.req(method, url, { body, headers: { 'content-type': type } });
        assert.equal(r.status, 415, `${method} ${url} with ${type}: ${r.status}`);
      }
      const order = await (await w.client('cA')).req('PUT', `/api/v1/cycles/${w.cycle}/order`, { body, headers: { 'content-type': type } });
      assert.equal(order.status, 415);
    }
    assert.deepEqual(snapshot(w.db), before);
  });

  it('refuses a cross-site request that needs no body (batch) by its Fetch Metadata', async () => {
    const c = await w.client('coord');
    const patch = await c.patch(`/api/v1/cycles/${w.cycle}`, { state: 'closed' });
    assert.equal(patch.status, 200, patch.text);
    const before = snapshot(w.db);
    for (const site of ['cross-site', 'same-site']) {
      const r = await c.req('POST', `/api/v1/cycles/${w.cycle}/batch`, { headers: { 'sec-fetch-site': site } });
      assert.equal(r.status, 403, site);
      assert.equal(r.json.error.code, 'cross_origin');
    }
    assert.deepEqual(snapshot(w.db), before);
    // the same request from km0's own pages, or from a script (no header), goes through
    const r = await c.req('POST', `/api/v1/cycles/${w.cycle}/batch`, { headers: { 'sec-fetch-site': 'same-origin' } });
    assert.equal(r.status, 200, r.text);
    // reading stays possible from anywhere a browser allows it
    assert.equal((await c.get(`/api/v1/cycles/${w.cycle}/rounds`, { headers: { 'sec-fetch-site': 'cross-site' } })).status, 200);
  });

  it('sets its cookies HttpOnly and SameSite, the language cookie excepted', async () => {
    const r = await w.srv.client().post('/api/v1/session', { email: w.acc.cA.email, password: 'correct horse battery' });
    assert.equal(r.status, 200, r.text);
    const v = await w.srv.client().get('/login');
    for (const c of [...r.headers.getSetCookie(), ...v.headers.getSetCookie()]) {
      assert.match(c, /; HttpOnly/, c);
      assert.match(c, /; SameSite=Lax/, c);
      assert.match(c, /; Path=\//, c);
    }
  });
});

describe('CSRF checked once, for every state-changing route', () => {
  let w;
  before(async () => { w = await buildWorld('csrf_all'); });
  after(async () => { await w.srv.stop(); w.db.drop(); });
  const unsafe = () => routeTable().filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && ROUTES[routeKey(r)]);

  /** The first role the matrix lets through (a visitor's when only visitors may). */
  function actor(key) {
    const expect = ROUTES[key].expect;
    const ok = (role) => ![403, 404].includes(expect[role]) && !(role === 'anon' && [401, LOGIN].includes(expect[role]));
    return ROLES.find((role) => role !== 'anon' && ok(role)) || (ok('anon') ? 'anon' : null);
  }

  it('refuses a foreign Origin (403) on every route that changes state, and writes nothing', async () => {
    const wrong = [];
    const routes = unsafe();
    assert.ok(routes.length >= 25, `${routes.length} state-changing routes`);
    for (const route of routes) {
      const key = routeKey(route);
      const role = actor(key);
      if (!role) { wrong.push(`${key}: no role may use it`); continue; }
      const row = ROUTES[key];
      const spec = { method: route.method, url: urlOf(route, w), ...(row.req ? row.req(role, w) : {}) };
      const before = snapshot(w.db);
      const client = await w.client(role, { fresh: true });
      for (const origin of ['https://evil.example', 'null', `http://km0.test:${w.srv.port}`]) {
        const r = await send(client, { ...spec, headers: { ...(spec.headers || {}), origin } });
        if (r.status !== 403 || (r.json?.error?.code !== 'cross_origin' && !/autre site/.test(r.text))) wrong.push(`${key} as ${role}, Origin ${origin}: ${r.status}`);
      }
      const after = snapshot(w.db);
      const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
      if (changed.length) wrong.push(`${key} as ${role}, a foreign Origin: changed ${changed.join(', ')}`);
      // km0's own origin goes through to the handler (the matrix's status)
      const own = await send(await w.client(role, { fresh: true }), { ...spec, headers: { ...(spec.headers || {}), origin: w.srv.base } });
      if (own.status !== row.expect[role]) wrong.push(`${key} as ${role}, its own Origin: ${own.status}, expected ${row.expect[role]}`);
      if ((row.changes || []).includes(role) && row.restore) await row.restore(w);
    }
    assert.deepEqual(wrong, [], `\n${wrong.join('\n')}`);
  });

  it('refuses an API request that is neither JSON nor carries the X-CSRF-Token header, bodiless POSTs included', async () => {
    const wrong = [];
    const api = unsafe().filter((r) => !r.flags.includes('ROUTE_HTML'));
    assert.ok(api.length >= 11, `${api.length} API routes`);
    for (const route of api) {
      const key = routeKey(route);
      const role = actor(key);
      const row = ROUTES[key];
      const spec = { method: route.method, url: urlOf(route, w), ...(row.req ? row.req(role, w) : {}) };
      const text = spec.json !== undefined ? JSON.stringify(spec.json) : spec.body;
      const attempts = {
        'no content type, no token': { body: text, headers: { 'x-csrf-token': null } },
        'text/plain, no token': { body: text ?? '', headers: { 'content-type': 'text/plain', 'x-csrf-token': null } },
        'a form, no token': { body: 'state=closed', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': null } },
        'another session’s token': { body: text, headers: { 'x-csrf-token': 'A'.repeat(32) } },
      };
      const before = snapshot(w.db);
      const client = await w.client(role, { fresh: true });
      for (const [what, a] of Object.entries(attempts)) {
        const r = await client.req(spec.method, spec.url, { body: a.body, headers: a.headers });
        if (![403, 415].includes(r.status)) wrong.push(`${key} as ${role}, ${what}: ${r.status}`);
      }
      const after = snapshot(w.db);
      const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
      if (changed.length) wrong.push(`${key} as ${role}: changed ${changed.join(', ')}`);
      // the token alone (a bodiless POST from a script) goes through to the handler
      if (spec.json === undefined && spec.body === undefined) {
        const r = await (await w.client(role, { fresh: true })).req(spec.method, spec.url, {});
        if (r.status !== row.expect[role]) wrong.push(`${key} as ${role} with its token: ${r.status}, expected ${row.expect[role]}`);
        if ((row.changes || []).includes(role) && row.restore) await row.restore(w);
      }
    }
    assert.deepEqual(wrong, [], `\n${wrong.join('\n')}`);
  });

  it('checks CSRF in one place: no handler checks it itself', () => {
    // server/csrf.c, called from the admission path of server/http.c, is the only caller
    const callers = readdirSync(`${ROOT}/server`).filter((f) => f.endsWith('.c') && f !== 'csrf.c')
      .filter((f) => /http_csrf_ok|Sec-Fetch-Site|"Origin"/.test(readFileSync(`${ROOT}/server/${f}`, 'utf8')));
    assert.deepEqual(callers, []);
  });
});
