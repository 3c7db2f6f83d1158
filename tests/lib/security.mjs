// tests/lib/security.mjs — what the security and reliability tests add to harness.mjs:
// the route table as server/routes.c declares it, accounts and sessions of every role
// made in SQL (no slow password hash per account), a snapshot of everything a request
// could change, and raw HTTP over a socket for requests fetch() will not send.

import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { ROOT, addUser } from './harness.mjs';

export const PASSWORD = 'correct horse battery';

// server/http.h's unions of roles
const ROLE_SETS = {
  ROLE_USER: ['ROLE_CONSUMER', 'ROLE_PRODUCER', 'ROLE_COORDINATOR'],
  ROLE_ANY: ['ROLE_ANON', 'ROLE_CONSUMER', 'ROLE_PRODUCER', 'ROLE_COORDINATOR'],
};

/** server/routes.c's table: [{method, pattern, handler, roles: ['ROLE_…'], flags: ['ROUTE_…']}]. */
export function routeTable() {
  const src = readFileSync(path.join(ROOT, 'server/routes.c'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '');
  const body = src.slice(src.indexOf('http_routes[] = {'), src.lastIndexOf('};'));
  const re = /\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*([^,}]+?)\s*,\s*([^}]*?)\s*\}/g;
  const routes = [];
  for (const m of body.matchAll(re)) {
    const words = (s) => s.split('|').map((x) => x.trim()).filter((x) => x && x !== '0');
    const roles = words(m[4]).flatMap((r) => ROLE_SETS[r] || [r]);
    routes.push({ method: m[1], pattern: m[2], handler: m[3], roles, flags: words(m[5]) });
  }
  assert.ok(routes.length > 20, `read ${routes.length} routes from server/routes.c`);
  return routes;
}

/** "METHOD /pattern", the key of every per-route table of the tests. */
export const routeKey = (r) => `${r.method} ${r.pattern}`;

const hashCache = new Map();
/** A real yescrypt hash of PASSWORD, made once per database through the CLI. */
function knownHash(db) {
  if (!hashCache.has(db.name)) {
    addUser(db, { email: `hash-seed-${process.pid}@example.org`, role: 'coordinator', password: PASSWORD });
    hashCache.set(db.name, db.one(`SELECT password_hash FROM users WHERE email = 'hash-seed-${process.pid}@example.org'`));
  }
  return hashCache.get(db.name);
}

/** A session for user id, made in SQL as km0 makes them: returns {token, csrf}. */
export function newSession(db, userId) {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  db.sql(`INSERT INTO sessions (hub_id, user_id, token_sha256, csrf_token, expires_at)
    SELECT hub_id, id, sha256(convert_to('${token}', 'UTF8')), '${csrf}', now() + interval '1 day'
      FROM users WHERE id = ${userId}`);
  return { token, csrf };
}

/** An account of any role (password PASSWORD) with a live session.
 *  {email, role: consumer|producer|coordinator, producer: slug, hub: slug, name, phone}
 *  → {userId, customerId, email, token, csrf, role}. */
export function account(db, { email, role, producer, hub, name = email.split('@')[0], phone = '' }) {
  const hash = knownHash(db);
  const hubId = hub ? db.one(`SELECT id FROM hubs WHERE slug = '${hub}'`) : db.one('SELECT min(id) FROM hubs');
  assert.ok(hubId, `hub ${hub}`);
  let customerId = 'NULL', producerId = 'NULL';
  if (role === 'consumer') {
    customerId = db.one(`INSERT INTO customers (hub_id, kind, name, email, phone)
      VALUES (${hubId}, 'person', '${name}', '${email}', '${phone}') RETURNING id`);
  }
  if (role === 'producer') producerId = db.one(`SELECT id FROM producers WHERE hub_id = ${hubId} AND slug = '${producer}'`);
  const userId = Number(db.one(`INSERT INTO users (hub_id, email, password_hash, role, name, producer_id, customer_id)
    VALUES (${hubId}, '${email}', '${hash}', '${role}', '${name}', ${producerId}, ${customerId}) RETURNING id`));
  return { userId, customerId: Number(customerId) || 0, email, role, ...newSession(db, userId) };
}

/** Everything a request could change, as one comparable object of fingerprints (one
 *  psql call). No bookkeeping timestamps, sessions or login failures: those change by
 *  design on a login or a logout. */
const SNAPSHOT_PARTS = {
  cycles: 'SELECT id, hub_id, name, state, opens_at, closes_at, delivery_date FROM cycles',
  orders: `SELECT o.id, o.customer_id, o.cycle_id, o.pickup_point_id,
      (SELECT string_agg(l.offer_id || ':' || l.quantity_milli || ':' || l.line_excl_vat_cents, ',' ORDER BY l.offer_id)
         FROM order_lines l WHERE l.order_id = o.id) FROM orders o`,
  offers: 'SELECT id, sold_milli, stock_milli FROM offers',
  products: 'SELECT id, sku, name, price_excl_vat_e4, stock_milli, active FROM products',
  producers: 'SELECT id, name, email, address, active FROM producers',
  pickups: 'SELECT id, name, address, opening_dow, opening_start, capacity_orders, active FROM pickup_points',
  people: `SELECT u.id, u.email, u.role, c.name, c.phone, u.password_hash, u.lang, u.msg_shop_open,
      u.msg_shop_closing, u.closed_at, u.email_verified_at FROM users u LEFT JOIN customers c ON c.id = u.customer_id`,
  events: 'SELECT kind, payload FROM mail_events',
  rounds: 'SELECT id, cycle_id FROM rounds',
  settings: `SELECT s.*, (SELECT count(*) FROM hub_settings_changes c WHERE c.hub_id = s.hub_id)
      FROM hub_settings s`,
  money: `SELECT (SELECT count(*) FROM ledger_lines), (SELECT count(*) FROM bank_entries),
      (SELECT count(*) FROM sepa_mandates WHERE revoked_at IS NULL), (SELECT count(*) FROM sepa_batches),
      (SELECT string_agg(id || ':' || payment_method, ',' ORDER BY id) FROM orders)`,
  subscriptions: `SELECT s.id, s.customer_id, s.pickup_point_id, s.every_weeks, s.starts_on, s.cancelled_at IS NULL,
      (SELECT count(*) FROM subscription_lines l WHERE l.subscription_id = s.id),
      (SELECT count(*) FROM subscription_pauses p WHERE p.subscription_id = s.id) FROM subscriptions s`,
  contracts: `SELECT k.id, k.name, (SELECT count(*) FROM contract_deliveries d WHERE d.contract_id = k.id),
      (SELECT count(*) FROM contract_instalments i WHERE i.ledger_entry_id IS NOT NULL) FROM contracts k`,
};
export function snapshot(db) {
  const names = Object.keys(SNAPSHOT_PARTS);
  const cols = names.map((n) => `(SELECT md5(coalesce(string_agg(t::text, ';' ORDER BY t::text), '')) FROM (${SNAPSHOT_PARTS[n]}) t)`);
  const row = db.sql(`SELECT ${cols.join(', ')}`)[0];
  return Object.fromEntries(names.map((n, i) => [n, row[i]]));
}

/** Send bytes as they are on a fresh connection; resolves with the first response
 *  ({status, head, body}) or {status: 0, closed: true} if the server closed first. */
export function rawRequest(port, bytes, { waitMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = data.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: m ? Number(m[1]) : 0,
        closed,
        head: split >= 0 ? text.slice(0, split) : text,
        body: split >= 0 ? data.subarray(split + 4).toString('utf8') : '',
      });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    sock.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const text = data.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return;
      const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
      if (len && data.length - (split + 4) >= Number(len[1])) finish(false);
    });
    sock.on('error', () => finish(true));
    sock.on('close', () => finish(true));
    sock.write(bytes);
  });
}

/** A multipart/form-data body from an object or [name, value] pairs (a name may
 *  repeat); values are strings, or {filename, data, type} for files. */
export function multipart(fields) {
  const boundary = `----km0sec${randomBytes(8).toString('hex')}`;
  const parts = [];
  for (const [name, value] of Array.isArray(fields) ? fields : Object.entries(fields)) {
    if (value && typeof value === 'object') {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\n` +
        `Content-Type: ${value.type || 'text/csv'}\r\n\r\n`), Buffer.from(value.data), Buffer.from('\r\n'));
    } else {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A harness Client carrying a session made by account()/newSession(). */
export function sessionClient(srv, session) {
  const c = srv.client();
  if (session) {
    c.cookies.set('km0_session', session.token);
    c.csrf = session.csrf;
  }
  return c;
}

/** The token a page's masked csrf field carries (server/csrf_mask.h: "x", the pad in
 *  hex, then pad XOR token in hex); a value of another shape is returned as it is. */
export function unmaskCsrf(v) {
  if (!/^x([0-9a-f]{4})+$/.test(v || '')) return v;
  const n = (v.length - 1) / 4;
  const pad = Buffer.from(v.slice(1, 1 + 2 * n), 'hex'), mix = Buffer.from(v.slice(1 + 2 * n), 'hex');
  return Buffer.from(pad.map((b, i) => b ^ mix[i])).toString('latin1');
}

/** An anonymous visitor's client holding its double-submit CSRF cookie (from /login). */
export async function visitor(srv) {
  const c = srv.client();
  const r = await c.get('/login');
  assert.equal(r.status, 200);
  c.csrf = c.pageCsrf;
  assert.ok(c.csrf && c.cookies.get('km0_csrf') === unmaskCsrf(c.csrf), 'visitor CSRF cookie and field');
  return c;
}

/** Send one request of a table row: spec {method, url, form, json, multipart, body, headers}.
 *  Forms carry csrf (the caller's own token unless spec.csrf says otherwise). */
export function send(client, { method, url, form, json, multipart: mp, body, headers = {}, csrf }) {
  const token = csrf === undefined ? client.csrf : csrf;
  if (form) {
    const pairs = Array.isArray(form) ? form : Object.entries(form); // a name may repeat
    const fields = token === null ? pairs : [['csrf', token], ...pairs];
    return client.req(method, url, { body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }
  if (mp) {
    const pairs = Array.isArray(mp) ? mp : Object.entries(mp);
    const m = multipart(token === null ? pairs : [['csrf', token], ...pairs]);
    return client.req(method, url, { body: m.body, headers: { ...m.headers, ...headers } });
  }
  if (json !== undefined) return client.req(method, url, { json, headers });
  return client.req(method, url, { body, headers });
}
