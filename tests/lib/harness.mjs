// tests/lib/harness.mjs — what every integration test needs: a fresh database cloned
// from the migrated+seeded template, the real km0 binary serving it over HTTP, the
// CLI, psql, and an HTTP client with a cookie jar.
//
// Environment (set by scripts/test.sh): KM0_TEST_BIN, KM0_PG_DIR, KM0_HOME.
//
// Nothing here can hang a run: every command has a timeout, every HTTP request a
// deadline, a server that will not stop is killed, and the processes a test file
// started die with it when node's --test-timeout ends the file (SIGTERM).

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const ROOT = process.env.KM0_HOME || path.resolve(new URL('../..', import.meta.url).pathname);
export const BIN = path.resolve(ROOT, process.env.KM0_TEST_BIN || 'build-asan/km0');
export const PG_DIR = process.env.KM0_PG_DIR || path.join(ROOT, 'var/test-pg');

/** Bounds, in ms: a command (CLI, psql), an HTTP request, a server's start and stop. */
export const TIMEOUT = { cmd: 300000, http: 120000, start: 30000, stop: 60000 };

// Long-lived children (servers, proxies, held connections): killed if the file is
// ended by a signal or exits with them still running.
const children = new Map(); // ChildProcess → signal that ends it
/** Register a child process to be killed (with signal) if this test process ends first. */
export function track(proc, signal = 'SIGKILL') {
  children.set(proc, signal);
  proc.on('exit', () => children.delete(proc));
  return proc;
}
// Things to undo that are not children of this process (a Postfix instance, whose
// master daemonizes): run once when the test process ends, whatever the way.
const exitHooks = [];
/** Run fn when this test process ends (normally, by a signal, or its file's timeout). */
export function onExit(fn) { exitHooks.push(fn); }
function killChildren() {
  for (const [proc, signal] of children) { try { proc.kill(signal); } catch { /* gone */ } }
  while (exitHooks.length) { try { exitHooks.pop()(); } catch { /* best effort */ } }
}
process.on('exit', killChildren);
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => { killChildren(); process.exit(128 + (sig === 'SIGTERM' ? 15 : 2)); });
}

function pgUrl(db) {
  return execFileSync(path.join(ROOT, 'scripts/pg.sh'), ['url', PG_DIR, db], { timeout: TIMEOUT.cmd }).toString().trim();
}

/** Run SQL and return rows as arrays of strings (psql unaligned, tab-separated). */
export function psql(db, sql) {
  const out = execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', pgUrl(db), '-c', sql], {
    encoding: 'utf8', timeout: TIMEOUT.cmd, maxBuffer: 1 << 28,
  });
  return out.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
}

let dbCounter = 0;
/** A database of its own for one test file, cloned from km0_template. */
export function freshDb(tag = 'db') {
  const name = `t_${tag.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${++dbCounter}`;
  psql('postgres', `CREATE DATABASE ${name} TEMPLATE km0_template`);
  return {
    name,
    url: pgUrl(name),
    sql: (q) => psql(name, q),
    one: (q) => { const r = psql(name, q); return r.length ? r[0][0] : undefined; },
    drop: () => psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A database with km0's schema and nothing in it (no hub): a first run's. */
export function emptyDb(tag = 'empty') {
  const name = `t_${tag.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${++dbCounter}`;
  psql('postgres', `CREATE DATABASE ${name} TEMPLATE template0`);
  const db = {
    name,
    url: pgUrl(name),
    sql: (q) => psql(name, q),
    one: (q) => { const r = psql(name, q); return r.length ? r[0][0] : undefined; },
    drop: () => psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
  const r = km0(['migrate'], { db });
  assert.equal(r.status, 0, r.stderr);
  return db;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Run the km0 CLI; returns {status, stdout, stderr}. */
export function km0(args, { db, input, env = {} } = {}) {
  const r = spawnSync(BIN, args, {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...(db ? { KM0_DATABASE_URL: db.url } : {}), ...env },
    timeout: TIMEOUT.cmd,
    maxBuffer: 1 << 28,
  });
  assert.ok(!r.error, `km0 ${args.join(' ')}: ${r.error}`); // the timeout, among others
  assertNoSanitizerReport(r.stderr, `km0 ${args.join(' ')}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function assertNoSanitizerReport(stderr, what) {
  const bad = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined)/;
  assert.ok(!bad.test(stderr || ''), `${what}: sanitizer report:\n${stderr}`);
}

/** Start `km0 serve` (bin: another build than the ASan one) on a free port against db;
 *  resolves once /healthz answers. */
export async function startServer(db, { env = {}, config, bin = BIN } = {}) {
  const port = await freePort();
  const args = ['serve', '--listen', `127.0.0.1:${port}`];
  if (config) args.unshift('--config', config);
  const proc = track(spawn(bin, args, {
    cwd: ROOT,
    env: { ...process.env, KM0_DATABASE_URL: db.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  let stderr = '';
  // every server's log is kept in var/test-logs for post-mortems
  const logDir = path.join(ROOT, 'var/test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `serve-${port}.log`);
  proc.stderr.on('data', (d) => { stderr += d; appendFileSync(logFile, d); });
  proc.stdout.on('data', () => {});
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TIMEOUT.start;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`km0 serve exited early:\n${stderr}`);
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (r.status === 200 || r.status === 503) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`km0 serve did not start:\n${stderr}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const server = {
    base, port, proc,
    logs: () => stderr,
    /** SIGTERM, wait (killed after TIMEOUT.stop), and check a clean exit with no sanitizer report. */
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill('SIGTERM');
      const late = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT.stop);
      const res = await exited;
      clearTimeout(late);
      assertNoSanitizerReport(stderr, 'km0 serve');
      assert.equal(res.code, 0, `km0 serve exit status ${res.code} (${res.signal}):\n${stderr.slice(-3000)}`);
      return res;
    },
    async kill9() { proc.kill('SIGKILL'); return exited; },
    client: () => new Client(base),
  };
  return server;
}

/** HTTP client with a cookie jar; JSON in, JSON (or text) out. */
export class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); this.csrf = null; }

  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  keepCookies(res) {
    for (const c of res.headers.getSetCookie?.() || []) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const maxAge = attrs.find((a) => /max-age=/i.test(a));
      if (value === '' || (maxAge && /max-age=0\b/i.test(maxAge))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async req(method, url, { json, body, headers = {}, redirect = 'manual' } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    // a script's state-changing request carries its session's CSRF token in a header
    // (server/csrf.c); headers: {'x-csrf-token': null} sends none
    if (this.csrf && !['GET', 'HEAD'].includes(method) && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    if (h['x-csrf-token'] === null) delete h['x-csrf-token'];
    let payload = body;
    if (json !== undefined) { payload = JSON.stringify(json); h['content-type'] ??= 'application/json'; }
    const res = await fetch(this.base + url, { method, headers: h, body: payload, redirect, signal: AbortSignal.timeout(TIMEOUT.http) });
    this.keepCookies(res);
    const text = await res.text();
    // remember the CSRF token of the last HTML page, as a browser's form would carry it
    const tok = /name="csrf" value="([^"]+)"/.exec(text);
    if (tok) this.pageCsrf = tok[1];
    let data;
    if ((res.headers.get('content-type') || '').includes('json') && text) {
      data = JSON.parse(text);
    }
    return { status: res.status, headers: res.headers, text, json: data };
  }

  get(url, o) { return this.req('GET', url, o); }
  /** POST an HTML form (urlencoded) with the CSRF token of the last page fetched. */
  form(url, fields = {}, { csrf = this.pageCsrf } = {}) {
    const body = new URLSearchParams({ ...(csrf !== null ? { csrf } : {}), ...fields }).toString();
    return this.req('POST', url, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  post(url, json, o = {}) { return this.req('POST', url, { json, ...o }); }
  put(url, json, o = {}) { return this.req('PUT', url, { json, ...o }); }
  patch(url, json, o = {}) { return this.req('PATCH', url, { json, ...o }); }
  del(url, o) { return this.req('DELETE', url, o); }

  async login(email, password) {
    const r = await this.post('/api/v1/session', { email, password });
    assert.equal(r.status, 200, `login ${email}: ${r.text}`);
    this.csrf = r.json.user.csrf_token;
    return r.json.user;
  }
}

/** Create an account with the CLI; returns its id. */
export function addUser(db, { email, role, password = 'correct horse battery', producer, name }) {
  const args = ['user', 'add', '--email', email, '--role', role];
  if (producer) args.push('--producer', producer);
  if (name) args.push('--name', name);
  const r = km0(args, { db, input: password + '\n' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

export function tmpDir(tag = 'km0') { return mkdtempSync(path.join(tmpdir(), `${tag}-`)); }
export function fixture(rel) { return path.join(ROOT, 'tests/data', rel); }
export function readFixture(rel) { return readFileSync(fixture(rel)); }
// Third-party artefacts (validators, schemas, interop payloads), never committed:
// ../shared beside the checkout, or KM0_SHARED (scripts/test.sh sets it).
export const SHARED = path.resolve(ROOT, process.env.KM0_SHARED || '../shared');
export function sharedFile(rel) {
  const p = path.join(SHARED, rel);
  return existsSync(p) ? p : null;
}

// ---- domain fixtures (fast paths for tests that are not about accounts) ----

import { randomBytes } from 'node:crypto';

/** n consumers with live sessions, created in SQL (no slow KDF per account).
 *  Returns [{userId, customerId, email, token, csrf}]; use clientFor(srv, c). */
export function makeConsumers(db, n, prefix = 'c') {
  const hash = db.one("SELECT password_hash FROM users LIMIT 1") ||
    (addUser(db, { email: `${prefix}-seed@example.org`, role: 'consumer' }), db.one('SELECT password_hash FROM users LIMIT 1'));
  const out = [];
  const hub = db.one('SELECT id FROM hubs ORDER BY id LIMIT 1');
  const values = [];
  for (let i = 0; i < n; i++) {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const email = `${prefix}${i}-${process.pid}@example.org`;
    out.push({ email, token, csrf });
    values.push(`('${email}', 'Client ${i}', '${token}', '${csrf}')`);
  }
  const rows = db.sql(`WITH v(email, name, token, csrf) AS (VALUES ${values.join(',')}),
    c AS (INSERT INTO customers (hub_id, kind, name, email) SELECT ${hub}, 'person', name, email FROM v RETURNING id, email),
    u AS (INSERT INTO users (hub_id, email, password_hash, role, name, customer_id)
          SELECT ${hub}, c.email, '${hash}', 'consumer', v.name, c.id FROM c JOIN v USING (email) RETURNING id, email, customer_id),
    s AS (INSERT INTO sessions (hub_id, user_id, token_sha256, csrf_token, expires_at)
          SELECT ${hub}, u.id, sha256(convert_to(v.token, 'UTF8')), v.csrf, now() + interval '1 day' FROM u JOIN v USING (email) RETURNING user_id)
    SELECT u.email, u.id, u.customer_id FROM u ORDER BY u.id`);
  const byEmail = new Map(rows.map(([email, id, cid]) => [email, { userId: Number(id), customerId: Number(cid) }]));
  return out.map((c) => ({ ...c, ...byEmail.get(c.email) }));
}

export function clientFor(srv, consumer) {
  const cl = srv.client();
  cl.cookies.set('km0_session', consumer.token);
  cl.csrf = consumer.csrf;
  return cl;
}

/** Products for a producer, straight into the catalog table.
 *  items: [{sku, name, unit='kg', price: '2.37' (excl. VAT), vat: '5.5', stock: '10' | null, step: '1', weight: '1', category}] */
export function insertProducts(db, producer, items) {
  const toE4 = (p) => Math.round(Number(p) * 10000);
  const milli = (q) => (q === null || q === undefined ? 'NULL' : Math.round(Number(q) * 1000));
  const rows = items.map((it) => `((SELECT id FROM producers WHERE slug = '${producer}'), '${it.sku}', '${it.name.replace(/'/g, "''")}', '${it.category || ''}',
    '${it.unit || 'kg'}', ${toE4(it.price)}, ${Math.round(Number(it.vat ?? '5.5') * 100)}, ${milli(it.weight ?? '1')},
    ${milli(it.stock)}::bigint, ${milli(it.step ?? '1')})`);
  db.sql(`INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, stock_milli, step_milli)
    SELECT p.hub_id, v.producer_id, v.sku, v.name, v.category, v.unit, v.price, v.vat, v.weight, v.stock, v.step
      FROM (VALUES ${rows.join(',')}) AS v(producer_id, sku, name, category, unit, price, vat, weight, stock, step)
      JOIN producers p ON p.id = v.producer_id`);
}

/** A cycle open right now (created and opened through the CLI, as a coordinator would). */
export function openCycle(db, { closesIn = '3 days', producers, pickups } = {}) {
  const closes = db.one(`SELECT to_char(now() + interval '${closesIn}', 'YYYY-MM-DD"T"HH24:MI:SSOF')`);
  const delivery = db.one(`SELECT to_char((now() + interval '${closesIn}' + interval '2 days')::date, 'YYYY-MM-DD')`);
  // opens later, then opened by hand (the timer cannot race the open)
  const args = ['cycle', 'create', '--opens', db.one(`SELECT to_char(now() + interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SSOF')`),
    '--closes', closes, '--delivery', delivery];
  if (producers) args.push('--producers', producers.join(','));
  if (pickups) args.push('--pickup-points', pickups.join(','));
  const r = km0(args, { db });
  assert.equal(r.status, 0, r.stderr);
  const id = Number(r.stdout.trim());
  const o = km0(['cycle', 'open', String(id)], { db });
  assert.equal(o.status, 0, o.stderr);
  return id;
}
