// tests/lib/logscan.mjs — after a test run, read every `km0 serve` log it wrote
// (var/test-logs, kept by harness.mjs) and fail on a secret or a piece of personal
// data: an email address, a password the tests use, a session or CSRF token, or a
// field named after one. km0 logs ids, never these (docs/SECURITY.md, V7). And fail
// on any line that is not one structured event (ts=… level=… event=… key=value…):
// libmicrohttpd's and libpq's messages included, which km0 routes through its log.
//
//   node tests/lib/logscan.mjs MARKER   scan the logs written since MARKER was touched

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const LOGS = path.join(ROOT, 'var/test-logs');

/** Every password the tests type: password fields in test sources, the demo logins. */
function knownPasswords() {
  const found = new Set(['correct horse battery']);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.name.endsWith('.mjs')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/password[A-Z_]*\s*[:=]\s*'([^'\n]{10,})'/g)) found.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, 'tests'));
  const demo = path.join(ROOT, 'tests/data/demo-users.txt');
  if (existsSync(demo)) {
    for (const line of readFileSync(demo, 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 3) found.add(f[2]);
    }
  }
  return [...found];
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
// km0's tokens: 32 (CSRF) or 43 (session) base64url characters; random ones mix cases and digits
const TOKEN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?:[A-Za-z0-9_-]{11})?(?![A-Za-z0-9_-])/g;
const looksRandom = (t) => /[A-Z]/.test(t) && /[a-z]/.test(t) && /[0-9]/.test(t);
const FIELD = /\b(password|passwd|csrf|csrf_token|token|km0_session|cookie)=/i;

export function scan(files) {
  const passwords = knownPasswords();
  const problems = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const where = `${path.relative(ROOT, file)}:${i + 1}`;
      // req= carries a proxy's request id, chosen by the proxy: not a secret
      const text = line.replace(/\breq=\S+/g, 'req=-');
      if (EMAIL.test(text)) problems.push(`${where}: an email address`);
      for (const p of passwords) if (text.includes(p)) problems.push(`${where}: a test password`);
      for (const m of text.matchAll(TOKEN)) if (looksRandom(m[0])) problems.push(`${where}: a token-like value ${m[0].slice(0, 6)}…`);
      if (FIELD.test(text)) problems.push(`${where}: a field named like a secret`);
    });
  }
  return problems;
}

// one event: ts, level, event, then key=value pairs (a value quoted when it has spaces)
const STRUCTURED = /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(debug|info|warn|error) event=[a-z0-9_.]+( [a-z0-9_]+=("([^"\\]|\\.)*"|[^\s"]*))*$/;

/** Lines of the logs that are not one structured event. */
export function unstructured(files) {
  const problems = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    lines.forEach((line, i) => {
      if (!STRUCTURED.test(line)) problems.push(`${path.relative(ROOT, file)}:${i + 1}: not structured: ${line.slice(0, 160)}`);
    });
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const marker = process.argv[2];
  const since = marker && existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const files = existsSync(LOGS) ? readdirSync(LOGS).filter((f) => f.endsWith('.log')).map((f) => path.join(LOGS, f))
    .filter((f) => statSync(f).mtimeMs >= since) : [];
  const problems = scan(files);
  if (problems.length) {
    console.log(`secrets or personal data in ${files.length} server logs:`);
    for (const p of problems.slice(0, 50)) console.log(`  ${p}`);
  }
  const loose = unstructured(files);
  if (loose.length) {
    console.log(`${loose.length} lines of ${files.length} server logs are not structured:`);
    for (const p of loose.slice(0, 50)) console.log(`  ${p}`);
  }
  if (problems.length || loose.length) process.exit(1);
  console.log(`  ${files.length} server logs: every line structured; no email, password, token or secret field`);
}
