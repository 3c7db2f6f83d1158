// Authentication and sessions: a new session id at every login (no fixation), logout
// and expiry end the session on the server, login throttling for the API and the
// form, the password policy, cookie flags; security headers on every response of
// the route table; and no secret of this file's requests in the server's log.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { writeConf } from '../lib/scale.mjs';
import { PASSWORD, routeTable, routeKey, send, newSession, sessionClient, visitor, rawRequest } from '../lib/security.mjs';
import { ROUTES, ROLES, buildWorld, urlOf } from '../lib/route_matrix.mjs';

const MAX_FAILURES = 3;
const secrets = new Set([PASSWORD]); // everything that must never reach the log
const keep = (c) => { for (const k of ['km0_session', 'km0_csrf']) if (c.cookies.get(k)) secrets.add(c.cookies.get(k)); if (c.csrf) secrets.add(c.csrf); return c; };
const live = (db, token) => db.one(`SELECT count(*) FROM sessions WHERE token_sha256 = sha256(convert_to('${token}', 'UTF8'))`);

describe('authentication and sessions', () => {
  let w;
  before(async () => {
    w = await buildWorld('auth', { serverConf: `login_max_failures = ${MAX_FAILURES}\nlogin_window_minutes = 15` });
    for (const a of Object.values(w.acc)) { secrets.add(a.token); secrets.add(a.csrf); secrets.add(a.email); }
  });
  after(async () => { await w.srv.stop(); w.db.drop(); });

  it('issues a new session id at login, whatever session cookie came with it (API)', async () => {
    const planted = 'A'.repeat(43); // an attacker's chosen id, of the shape km0 issues
    const c = w.srv.client();
    c.cookies.set('km0_session', planted);
    const user = await c.login(w.acc.cA.email, PASSWORD);
    keep(c);
    const token = c.cookies.get('km0_session');
    assert.notEqual(token, planted);
    assert.equal(live(w.db, planted), '0', 'the planted id names no session');
    const attacker = w.srv.client();
    attacker.cookies.set('km0_session', planted);
    assert.equal((await attacker.get('/api/v1/session')).status, 401);
    // logging in again over a live session replaces it: the old id is dead
    const again = w.srv.client();
    again.cookies.set('km0_session', token);
    const second = await again.login(w.acc.cA.email, PASSWORD);
    keep(again);
    assert.notEqual(again.cookies.get('km0_session'), token);
    assert.notEqual(second.csrf_token, user.csrf_token, 'a new CSRF token with the new session');
    assert.equal(live(w.db, token), '0');
  });

  it('issues a new session id and CSRF token at a form login', async () => {
    const v = keep(await visitor(w.srv));
    const planted = 'B'.repeat(43);
    v.cookies.set('km0_session', planted);
    const r = await send(v, { method: 'POST', url: '/login', form: { email: w.acc.cB.email, password: PASSWORD } });
    assert.equal(r.status, 303, r.text);
    keep(v);
    assert.notEqual(v.cookies.get('km0_session'), planted);
    assert.equal(live(w.db, v.cookies.get('km0_session')), '1');
    const me = await v.get('/api/v1/session');
    assert.equal(me.json.user.email, w.acc.cB.email);
    assert.notEqual(me.json.user.csrf_token, v.csrf, 'the visitor token does not carry over');
  });

  it('sends a login on to a page of km0 only (no open redirect)', async () => {
    const cases = [['/orders', '/orders'], ['//evil.example/x', '/'], ['/\\evil.example', '/'],
      ['https://evil.example', '/'], ['/\t/evil.example', '/'], ['javascript:alert(1)', '/']];
    for (const [next, to] of cases) {
      const v = keep(await visitor(w.srv));
      const r = await send(v, { method: 'POST', url: '/login', form: { email: w.acc.cB.email, password: PASSWORD, next } });
      assert.equal(r.status, 303, next);
      assert.equal(r.headers.get('location'), to, next);
      keep(v);
    }
    // the login page does not carry a foreign next into its form either
    const page = await w.srv.client().get('/login?next=%2F%2Fevil.example');
    assert.doesNotMatch(page.text, /evil\.example/);
  });

  it('ends the session on the server at logout (API and form) and at expiry', async () => {
    // API
    const s1 = newSession(w.db, w.acc.pX.userId);
    const c1 = sessionClient(w.srv, s1);
    assert.equal((await c1.del('/api/v1/session')).status, 204);
    assert.equal(live(w.db, s1.token), '0');
    assert.equal((await sessionClient(w.srv, s1).get('/api/v1/session')).status, 401, 'the old cookie replayed');
    // form
    const s2 = newSession(w.db, w.acc.pX.userId);
    const c2 = sessionClient(w.srv, s2);
    const r = await send(c2, { method: 'POST', url: '/logout', form: {} });
    assert.equal(r.status, 303);
    assert.match(r.headers.get('set-cookie'), /km0_session=; .*Max-Age=0/);
    assert.equal(live(w.db, s2.token), '0');
    assert.equal((await sessionClient(w.srv, s2).get('/producer')).status, 303, 'back to the login page');
    // other sessions of the same person stay (another device)
    assert.equal((await sessionClient(w.srv, w.acc.pX).get('/api/v1/session')).status, 200);
    // an expired session opens nothing, whatever the cookie says
    const s3 = newSession(w.db, w.acc.pX.userId);
    w.db.sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_sha256 = sha256(convert_to('${s3.token}', 'UTF8'))`);
    assert.equal((await sessionClient(w.srv, s3).get('/api/v1/session')).status, 401);
    // and a deactivated account's sessions die with it
    const s4 = newSession(w.db, w.acc.pY.userId);
    w.db.sql(`UPDATE users SET active = false WHERE id = ${w.acc.pY.userId}`);
    assert.equal((await sessionClient(w.srv, s4).get('/api/v1/session')).status, 401);
    w.db.sql(`UPDATE users SET active = true WHERE id = ${w.acc.pY.userId}`);
  });

  it(`throttles logins: 429 after ${MAX_FAILURES} failures, even with the right password (API)`, async () => {
    const c = w.srv.client();
    const email = w.acc.coord.email;
    for (let i = 0; i < MAX_FAILURES; i++) {
      const r = await c.post('/api/v1/session', { email, password: `wrong guess ${i}` });
      assert.equal(r.status, 401);
      assert.equal(r.json.error.code, 'bad_credentials');
    }
    const r = await c.post('/api/v1/session', { email, password: PASSWORD });
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'too_many_attempts');
    assert.equal(r.headers.get('set-cookie'), null, 'no session while throttled');
    // the same answer for an unknown email (no account enumeration by the counter)
    for (let i = 0; i <= MAX_FAILURES; i++) {
      const u = await c.post('/api/v1/session', { email: 'nobody-throttle@example.org', password: 'wrong' });
      assert.equal(u.status, i < MAX_FAILURES ? 401 : 429);
    }
    // others are not locked out
    assert.equal((await w.srv.client().post('/api/v1/session', { email: w.acc.pX.email, password: PASSWORD })).status, 200);
    // the window passes: the login works again
    w.db.sql(`UPDATE login_attempts SET window_start = window_start - interval '16 minutes'`);
    assert.equal((await w.srv.client().post('/api/v1/session', { email, password: PASSWORD })).status, 200);
  });

  it(`throttles logins through the form the same way, with a page that says so`, async () => {
    const v = keep(await visitor(w.srv));
    const email = w.acc.cA.email;
    for (let i = 0; i < MAX_FAILURES; i++) {
      const r = await send(v, { method: 'POST', url: '/login', form: { email, password: `wrong guess ${i}` } });
      assert.equal(r.status, 401);
      assert.match(r.text, /Adresse e-mail ou mot de passe incorrect/);
      assert.doesNotMatch(r.text, /wrong guess/, 'the password is not echoed back');
    }
    const r = await send(v, { method: 'POST', url: '/login', form: { email, password: PASSWORD } });
    assert.equal(r.status, 429);
    assert.match(r.text, /Trop d’essais infructueux/);
    assert.equal(v.cookies.get('km0_session'), undefined);
    // API and form count together: the API is throttled too for this email
    assert.equal((await w.srv.client().post('/api/v1/session', { email, password: PASSWORD })).status, 429);
    w.db.sql(`DELETE FROM login_attempts`);
  });

  it('enforces the password policy at sign-up (API and form), and stores only a yescrypt hash', async () => {
    const base = { name: 'Nouvelle Cliente' };
    const weak = [
      ['short', 'court9car0x'],
      ['the email', 'policy@example.org'],
      ['too common', 'motdepasse'],
      ['too long (257 bytes)', 'x'.repeat(257)],
    ];
    for (const [what, password] of weak) {
      const r = await w.srv.client().post('/api/v1/accounts', { ...base, email: 'policy@example.org', password });
      assert.equal(r.status, 422, what);
      assert.equal(r.json.error.field, 'password', what);
      const v = await visitor(w.srv);
      const f = await send(v, { method: 'POST', url: '/signup', form: { ...base, email: 'policy@example.org', password } });
      assert.equal(f.status, 422, `form: ${what}`);
      assert.doesNotMatch(f.text, /<input[^>]*name="password"[^>]*value=/, 'the password is not put back in the form');
    }
    assert.equal(w.db.one("SELECT count(*) FROM users WHERE email = 'policy@example.org'"), '0');
    // twelve characters, counted as characters, not bytes
    const signed = w.srv.client();
    const ok = await signed.post('/api/v1/accounts', { ...base, email: 'policy@example.org', password: 'éàèùçôîâêëïü' });
    assert.equal(ok.status, 201, ok.text);
    keep(signed);
    secrets.add(ok.json.user.csrf_token);
    const hash = w.db.one("SELECT password_hash FROM users WHERE email = 'policy@example.org'");
    assert.match(hash, /^\$y\$/);
    assert.ok(!hash.includes('éàèùçôîâêëïü'));
    // long passwords count whole: nothing is cut off past 72 bytes (bcrypt's limit) or anywhere
    const long = 'a long pass phrase 🥕 '.repeat(6) + 'END';
    secrets.add(long);
    const made = w.srv.client();
    assert.equal((await made.post('/api/v1/accounts', { ...base, email: 'long@example.org', password: long })).status, 201);
    keep(made);
    const wrongTail = long.slice(0, -3) + 'XYZ';
    assert.equal((await w.srv.client().post('/api/v1/session', { email: 'long@example.org', password: wrongTail })).status, 401);
    const good = w.srv.client();
    assert.equal((await good.post('/api/v1/session', { email: 'long@example.org', password: long })).status, 200);
    keep(good);
  });

  it('counts a burst of logins sent at once: no more passwords checked than login_max_failures', async () => {
    const email = w.acc.cB.email;
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      w.srv.client().post('/api/v1/session', { email, password: `burst guess ${i}` })));
    const checked = burst.filter((r) => r.status === 401).length; // a password was compared
    assert.equal(checked + burst.filter((r) => r.status === 429).length, 20, burst.map((r) => r.status).join(' '));
    assert.equal(checked, MAX_FAILURES, `${checked} passwords checked in one burst`);
    assert.equal(w.db.one(`SELECT attempts FROM login_attempts WHERE email = '${email}'`), '20');
    w.db.sql('DELETE FROM login_attempts');
  });

  it('keeps at most sessions_per_user sessions of one account: a new login ends the oldest', async () => {
    const conf = writeConf(w.dir, 'sessions.conf', 'hub = drome-paysanne\nsessions_per_user = 3');
    const srv = await startServer(w.db, { config: conf });
    try {
      const user = w.acc.pY.userId;
      w.db.sql(`DELETE FROM sessions WHERE user_id = ${user}`);
      const clients = [];
      for (let i = 0; i < 5; i++) {
        const c = keep(srv.client());
        await c.login(w.acc.pY.email, PASSWORD);
        clients.push(keep(c));
      }
      assert.equal(w.db.one(`SELECT count(*) FROM sessions WHERE user_id = ${user}`), '3');
      const open = [];
      for (const c of clients) open.push((await c.get('/api/v1/session')).status);
      assert.deepEqual(open, [401, 401, 200, 200, 200], 'the two oldest sessions ended');
    } finally {
      await srv.stop();
      w.acc.pY = { ...w.acc.pY, ...newSession(w.db, w.acc.pY.userId) };
    }
  });

  it('serves /metrics as metrics_access says: coordinators (default), anyone, or nobody', async () => {
    assert.equal((await w.srv.client().get('/metrics')).status, 401);
    assert.equal((await sessionClient(w.srv, w.acc.cA).get('/metrics')).status, 403);
    assert.equal((await sessionClient(w.srv, w.acc.coord).get('/metrics')).status, 200);
    for (const [access, anon, coord] of [['anonymous', 200, 200], ['off', 404, 404]]) {
      const srv = await startServer(w.db, { config: writeConf(w.dir, `metrics-${access}.conf`, `hub = drome-paysanne\nmetrics_access = ${access}`) });
      try {
        assert.equal((await srv.client().get('/metrics')).status, anon, `${access}: visitor`);
        assert.equal((await sessionClient(srv, w.acc.coord).get('/metrics')).status, coord, `${access}: coordinator`);
      } finally { await srv.stop(); }
    }
  });

  it('marks cookies Secure when served over HTTPS (secure_cookies = true), the session cookie __Host-', async () => {
    const conf = writeConf(w.dir, 'secure.conf', 'hub = drome-paysanne\nsecure_cookies = true');
    const srv = await startServer(w.db, { config: conf });
    try {
      const r = await srv.client().post('/api/v1/session', { email: w.acc.pX.email, password: PASSWORD });
      assert.equal(r.status, 200);
      const cookie = r.headers.get('set-cookie');
      assert.match(cookie, /; HttpOnly; Secure/);
      // __Host-: a browser takes it only with Secure, Path=/ and no Domain, so no
      // sibling sub-domain and no plain-HTTP page can set or replace it
      assert.match(cookie, /^__Host-km0_session=[A-Za-z0-9_-]{43};/);
      assert.match(cookie, /; Path=\/;/);
      assert.doesNotMatch(cookie, /Domain=/i);
      const token = /km0_session=([^;]+)/.exec(cookie)[1];
      secrets.add(token);
      const c = srv.client();
      c.cookies.set('__Host-km0_session', token);
      assert.equal((await c.get('/api/v1/session')).status, 200);
      const plain = srv.client(); // the old name opens nothing there
      plain.cookies.set('km0_session', token);
      assert.equal((await plain.get('/api/v1/session')).status, 401);
      assert.doesNotMatch(srv.logs(), new RegExp([...secrets].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')));
    } finally { await srv.stop(); }
  });

  it('puts its security headers on every response of every route, errors included', async () => {
    const wrong = [];
    const check = (what, r) => {
      const h = (n) => r.headers.get(n) || '';
      const csp = h('content-security-policy');
      if (h('x-content-type-options') !== 'nosniff') wrong.push(`${what}: X-Content-Type-Options`);
      if (h('x-frame-options') !== 'DENY') wrong.push(`${what}: X-Frame-Options`);
      if (h('referrer-policy') !== 'same-origin') wrong.push(`${what}: Referrer-Policy`);
      if (!/frame-ancestors 'none'/.test(csp)) wrong.push(`${what}: CSP frame-ancestors (${csp})`);
      if (!/default-src 'none'/.test(csp)) wrong.push(`${what}: CSP default-src`);
      const script = /script-src ([^;]*)/.exec(csp);
      if (script && /unsafe|data:|\*/.test(script[1])) wrong.push(`${what}: CSP lets inline scripts run (${csp})`);
      if (/text\/html/.test(h('content-type'))) {
        if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(r.text)) wrong.push(`${what}: inline <script>`);
        if (/<[^>]+\son[a-z]+\s*=/i.test(r.text)) wrong.push(`${what}: inline event handler`);
        if (/javascript:/i.test(r.text)) wrong.push(`${what}: javascript: URL`);
        if (!/charset=utf-8/i.test(h('content-type'))) wrong.push(`${what}: no charset`);
      }
    };
    for (const route of routeTable()) {
      const row = ROUTES[routeKey(route)];
      if (!row) continue; // authz.test.mjs fails on a route without its row
      for (const role of ['anon', ROLES.find((x) => x !== 'anon' && ![401, 403].includes(row.expect[x]))].filter(Boolean)) {
        const client = keep(await w.client(role, { fresh: (row.fresh || []).includes(role) }));
        const r = await send(client, { method: route.method, url: urlOf(route, w), ...(row.req ? row.req(role, w) : {}) });
        check(`${routeKey(route)} as ${role} (${r.status})`, r);
        if ((row.changes || []).includes(role) && row.restore) await row.restore(w);
      }
    }
    const c = w.srv.client();
    check('404', await c.get('/nothing/here'));
    check('405', await c.req('PATCH', '/healthz'));
    // 413 is answered from Content-Length alone, then the connection closes: the head
    // only, or the client may see its write fail before it reads the answer
    const big = await rawRequest(w.srv.port, Buffer.from('POST /api/v1/session HTTP/1.1\r\nHost: km0.test\r\n' +
      'Content-Type: application/json\r\nContent-Length: 2097152\r\nConnection: close\r\n\r\n'));
    assert.equal(big.status, 413);
    check('413', { headers: new Headers(big.head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])), text: big.body });
    check('400', await c.req('POST', '/api/v1/session', { body: '{', headers: { 'content-type': 'application/json' } }));
    check('415', await c.req('POST', '/api/v1/session', { body: 'a=b', headers: { 'content-type': 'text/plain' } }));
    check('404 page', await c.get('/desk/producers/nobody?lang=en'));
    const doc = await (await w.client('coord')).get(`/api/v1/cycles/${w.cycle}/reports/collection?format=html`);
    check('document', doc);
    assert.deepEqual(wrong, [], `\n${wrong.join('\n')}`);
  });

  it('wrote no password, session token, CSRF token or email of this file to its log', async () => {
    await new Promise((res) => setTimeout(res, 200)); // the last access-log lines
    const log = w.srv.logs();
    assert.ok(log.includes('event=http.request'), 'the log is there');
    const found = [...secrets].filter((s) => s && s.length >= 8 && log.includes(s));
    assert.deepEqual(found.map((s) => s.slice(0, 6) + '…'), []);
    assert.doesNotMatch(log, /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/, 'an email in the log');
  });
});
