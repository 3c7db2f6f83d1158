// tests/lib/scale.mjs — what the scale-out tests add to harness.mjs: config files,
// the CLI under a config, an HTTP client that sends a Host header of its choosing,
// and nginx as a round-robin reverse proxy in front of several `km0 serve`.

import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync, mkdirSync, chmodSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import assert from 'node:assert/strict';
import { Client, ROOT, TIMEOUT, km0, freePort, tmpDir, track } from './harness.mjs';

/** Write a km0 config file into dir; returns its path. */
export function writeConf(dir, name, text) {
  const p = path.join(dir, name);
  writeFileSync(p, text.replace(/^\s+/gm, '') + '\n');
  return p;
}

/** The km0 CLI with --config conf. */
export const cli = (conf, args, o) => km0(['--config', conf, ...args], o);

/** Create an account through the CLI under a config; returns its id. */
export function addUserIn(db, conf, { email, role, password = 'correct horse battery', producer }) {
  const args = ['user', 'add', '--email', email, '--role', role];
  if (producer) args.push('--producer', producer);
  const r = cli(conf, args, { db, input: password + '\n' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

/** A cycle open now in the hub of conf (created, then opened, through the CLI). */
export function openCycleIn(db, conf, { name } = {}) {
  const ts = (i) => db.one(`SELECT to_char(now() + interval '${i}', 'YYYY-MM-DD"T"HH24:MI:SSOF')`);
  const args = ['cycle', 'create', '--opens', ts('1 hour'), '--closes', ts('3 days'),
    '--delivery', db.one("SELECT to_char(current_date + 5, 'YYYY-MM-DD')")];
  if (name) args.push('--name', name);
  const r = cli(conf, args, { db });
  assert.equal(r.status, 0, r.stderr);
  const id = Number(r.stdout.trim());
  const o = cli(conf, ['cycle', 'open', String(id)], { db });
  assert.equal(o.status, 0, o.stderr);
  return id;
}

/** Client whose requests carry Host: host (fetch cannot set it; node:http can). */
export class HostClient extends Client {
  constructor(base, host) { super(base); this.host = host; }

  async req(method, url, { json, body, headers = {} } = {}) {
    const h = { ...headers, host: this.host };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    // as Client: a script's state-changing request carries its CSRF token (server/csrf.c)
    if (this.csrf && !['GET', 'HEAD'].includes(method) && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    if (h['x-csrf-token'] === null) delete h['x-csrf-token'];
    let payload = body;
    if (json !== undefined) { payload = JSON.stringify(json); h['content-type'] ??= 'application/json'; }
    if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
    const u = new URL(this.base + url);
    const res = await new Promise((resolve, reject) => {
      const rq = http.request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search,
        method, headers: h, agent: false, signal: AbortSignal.timeout(TIMEOUT.http) }, resolve);
      rq.on('error', reject);
      rq.end(payload);
    });
    const chunks = [];
    for await (const c of res) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    const headersOut = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      for (const one of Array.isArray(v) ? v : [v]) headersOut.append(k, one);
    }
    this.keepCookies({ headers: headersOut });
    let data;
    if ((res.headers['content-type'] || '').includes('json') && text) data = JSON.parse(text);
    return { status: res.statusCode, headers: headersOut, text, json: data };
  }

  /** An HTML form post with the session's CSRF token. */
  form(url, fields = {}) {
    const body = new URLSearchParams({ csrf: this.csrf || '', ...fields }).toString();
    return this.req('POST', url, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}

/** The nginx binary, or null when it is not installed (scripts/deps.sh installs it). */
export function nginxBinary() {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  try { return execFileSync('sh', ['-c', 'command -v nginx'], { timeout: TIMEOUT.cmd }).toString().trim() || null; } catch { return null; }
}

/** GET over HTTPS without checking the certificate (the tests' own, self-signed). */
export function httpsGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const rq = https.get(url, { rejectUnauthorized: false, headers, agent: false, signal: AbortSignal.timeout(TIMEOUT.http) }, async (res) => {
      const chunks = [];
      for await (const c of res) chunks.push(c);
      resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
    });
    rq.on('error', reject);
  });
}

/**
 * Run nginx in the foreground with `http` as its http {} block, as the current user,
 * with everything (config, pid, logs, temp files) in dir. As root the workers drop
 * to nobody, so dir is made traversable for them. Resolves once ready() is true.
 */
async function launchNginx(dir, http, { workers, ready }) {
  const root = process.getuid() === 0;
  if (root) chmodSync(dir, 0o755);
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, t));
  writeFileSync(path.join(dir, 'nginx.conf'), `
${root ? 'user nobody nogroup;' : '# not root: the workers run as the current user'}
worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  log_format km0_test '$request_id $status $upstream_addr $request_method $uri';
  access_log ${dir}/access.log km0_test;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${http}
}
`);
  // SIGTERM is nginx's fast shutdown: the master takes its workers with it
  const proc = track(spawn(nginxBinary(), ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
    { stdio: ['ignore', 'ignore', 'pipe'] }), 'SIGTERM');
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const errorLog = () => (existsSync(path.join(dir, 'error.log')) ? readFileSync(path.join(dir, 'error.log'), 'utf8') : '');
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited:\n${stderr}\n${errorLog()}`);
    try {
      if (await ready()) break;
    } catch { /* not listening yet */ }
    if (i > 600) { proc.kill('SIGTERM'); throw new Error(`nginx did not start:\n${stderr}\n${errorLog()}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir,
    accessLog: () => readFileSync(path.join(dir, 'access.log'), 'utf8'),
    errorLog,
    /** Graceful stop (SIGQUIT), made fast (SIGTERM) if it takes longer than TIMEOUT.stop. */
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill('SIGQUIT');
      const late = setTimeout(() => proc.kill('SIGTERM'), TIMEOUT.stop);
      const res = await exited;
      clearTimeout(late);
      return res;
    },
  };
}

/**
 * nginx on a loopback port, round robin over the given km0 servers. Each reply
 * says which server answered (X-Upstream). One worker by default, so that round
 * robin is strict: n x servers requests in a row reach every server n times.
 */
export async function startNginx(servers, { workers = 1 } = {}) {
  const dir = tmpDir('km0-nginx');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const nginx = await launchNginx(dir, `
  upstream km0 {
${servers.map((s) => `    server 127.0.0.1:${s.port} max_fails=0;`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 10m;
    location / {
      proxy_pass http://km0;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Request-Id $request_id;
      proxy_read_timeout 120s;
      add_header X-Upstream $upstream_addr always;
    }
  }`, { workers, ready: async () => (await fetch(`${base}/healthz`)).status === 200 });
  return { ...nginx, base, port, client: () => new Client(base) };
}

/**
 * The example site config/nginx-km0.conf as shipped, on loopback ports, in front of
 * the given servers, with a self-signed certificate. Returns {https, http, stop}.
 */
export async function startExampleSite(servers) {
  const dir = tmpDir('km0-site');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=paniers.example.org',
    '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem')], { stdio: 'ignore', timeout: TIMEOUT.cmd });
  const [plain, tls] = [await freePort(), await freePort()];
  let site = readFileSync(path.join(ROOT, 'config/nginx-km0.conf'), 'utf8');
  const upstreams = servers.map((s) => `    server 127.0.0.1:${s.port};`).join('\n');
  site = site.replace(/^ {4}server 127\.0\.0\.1:808\d .*\n/gm, '')
    .replace('upstream km0 {\n', `upstream km0 {\n${upstreams}\n`)
    .replace(/^ {4}listen \[::\].*\n/gm, '') // the machine may have no IPv6
    .replace('listen 80;', `listen 127.0.0.1:${plain};`)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${tls} ssl http2;`)
    .replaceAll('/etc/letsencrypt/live/paniers.example.org', dir)
    .replace('/var/cache/nginx/km0', path.join(dir, 'cache'))
    .replace('/var/log/nginx/km0.access.log', path.join(dir, 'site-access.log'));
  assert.ok(site.includes(`server 127.0.0.1:${servers[0].port};`) && site.includes(dir), 'the example site changed shape');
  const tlsBase = `https://127.0.0.1:${tls}`;
  const nginx = await launchNginx(dir, site, { workers: 1, ready: async () => (await httpsGet(`${tlsBase}/healthz`)).status === 200 });
  return { ...nginx, https: tlsBase, http: `http://127.0.0.1:${plain}` };
}
