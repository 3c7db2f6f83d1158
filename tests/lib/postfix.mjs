// tests/lib/postfix.mjs — a private Postfix for the tests: its own configuration
// directory, queue and Maildir under a temporary directory, listening on a loopback
// port, delivering every address @example.org (and @example.com) to one Maildir that
// the tests read. Addresses starting with "reject-" are refused at RCPT with a 550
// (User unknown), which is how a test makes a permanent failure.
//
// Postfix must be started by root (its master drops to the postfix user and checks
// that its queue belongs to root): as root (CI) an instance starts; otherwise
// startPostfix() returns {skip: reason} and the test file skips itself — which fails
// the run when CI is set (scripts/test.sh). No system-wide Postfix is used or
// touched: `postfix -c DIR` with a main.cf written here, and every instance is
// stopped (postfix abort) when the test process exits, whatever the way.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync, chmodSync, chownSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, onExit, TIMEOUT } from './harness.mjs';

const POSTFIX = '/usr/sbin/postfix';

function uidOf(name) {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}
function gidOf(name) {
  const r = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** Why Postfix cannot run here, or null when it can. */
export function postfixUnavailable() {
  if (!existsSync(POSTFIX)) return 'Postfix is not installed (scripts/deps.sh installs it)';
  if (process.getuid && process.getuid() !== 0) return 'Postfix starts only as root (its queue must belong to root)';
  if (uidOf('postfix') === null) return 'no postfix user (the Debian package makes it)';
  return null;
}

function postfixCmd(dir, verb) {
  // postfix logs to stderr only on a terminal: its messages are in the maillog
  return spawnSync(POSTFIX, ['-c', dir, verb], { encoding: 'utf8', timeout: TIMEOUT.stop });
}

async function listening(port, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Start a private Postfix; returns the instance, or {skip: reason}. smtpdExtra is
 *  appended to main.cf; etcFiles ({"sasl/smtpd.conf": text}) are written into its
 *  configuration directory before it starts (Debian's Postfix reads the Cyrus SASL
 *  configuration from $config_directory/sasl/smtpd.conf). */
export async function startPostfix({ smtpdExtra = '', etcFiles = {} } = {}) {
  const why = postfixUnavailable();
  if (why) return { skip: why };
  const root = mkdtempSync(path.join(tmpdir(), 'km0-postfix-'));
  chmodSync(root, 0o755);
  const etc = path.join(root, 'etc'), queue = path.join(root, 'queue'), data = path.join(root, 'data'), mail = path.join(root, 'mail');
  for (const d of [etc, queue, data, mail]) mkdirSync(d, { recursive: true });
  const nobody = uidOf('nobody'), nogroup = gidOf('nobody');
  chownSync(data, uidOf('postfix'), gidOf('postfix'));
  chownSync(mail, nobody, nogroup);
  const port = await freePort();
  writeFileSync(path.join(etc, 'vmailbox'), 'if !/^reject-/\n/@example\\.(org|com)$/ inbox/\nendif\n');
  writeFileSync(path.join(etc, 'main.cf'), `compatibility_level = 3.6
queue_directory = ${queue}
data_directory = ${data}
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.km0.test
mydomain = km0.test
myorigin = km0.test
mydestination =
relayhost =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.org example.com
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = regexp:${etc}/vmailbox
virtual_uid_maps = static:${nobody}
virtual_gid_maps = static:${nogroup}
virtual_minimum_uid = 100
maillog_file = ${root}/maillog
maillog_file_prefixes = ${root}
alias_maps =
alias_database =
smtputf8_enable = no
biff = no
message_size_limit = 52428800
virtual_mailbox_limit = 0
${smtpdExtra}
`);
  for (const [name, text] of Object.entries(etcFiles)) {
    mkdirSync(path.dirname(path.join(etc, name)), { recursive: true });
    writeFileSync(path.join(etc, name), text);
  }
  writeFileSync(path.join(etc, 'master.cf'), `127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`);
  let running = false;
  const stopNow = () => { if (running) { postfixCmd(etc, 'abort'); running = false; } };
  onExit(stopNow);
  const inbox = path.join(mail, 'inbox');
  const mta = {
    port, root, url: `smtp://127.0.0.1:${port}`,
    maillog: () => (existsSync(path.join(root, 'maillog')) ? readFileSync(path.join(root, 'maillog'), 'utf8') : ''),
    async start() {
      const r = postfixCmd(etc, 'start');
      if (r.status !== 0) throw new Error(`postfix start: ${r.stderr}${mta.maillog().slice(-2000)}`);
      running = true;
      if (!(await listening(port, TIMEOUT.start))) throw new Error(`postfix is not listening on ${port}:\n${mta.maillog().slice(-2000)}`);
    },
    /** Stop it (postfix stop: the sessions in progress end), as an MTA going away. */
    stop() {
      if (!running) return;
      const r = postfixCmd(etc, 'stop');
      running = false;
      if (r.status !== 0) postfixCmd(etc, 'abort');
    },
    /** Stop it for good and remove its files. */
    destroy() { stopNow(); rmSync(root, { recursive: true, force: true }); },
    /** Every message delivered so far, parsed (see parseMessage). */
    messages() {
      const out = [];
      for (const sub of ['new', 'cur']) {
        const d = path.join(inbox, sub);
        if (!existsSync(d)) continue;
        for (const f of readdirSync(d).sort()) out.push(parseMessage(readFileSync(path.join(d, f))));
      }
      return out;
    },
    /** Wait until pred(messages) holds (or throw after ms). */
    async waitFor(pred, ms = 60000, what = 'messages') {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = mta.messages();
        if (pred(m)) return m;
        if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}; have ${m.length}:\n${m.map((x) => `${x.to} ${x.subject}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  await mta.start();
  return mta;
}

// ---- reading a message ----------------------------------------------------------

function decodeWords(v) {
  // white space between two encoded words is not text (RFC 2047, 6.2)
  return v.replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'))
    .replace(/\s+$/, '');
}

function splitHeaders(raw) {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n') >= 0 ? text.indexOf('\r\n\r\n') : text.indexOf('\n\n');
  const sep = text.indexOf('\r\n\r\n') >= 0 ? 4 : 2;
  const head = text.slice(0, end).replace(/\r?\n[ \t]/g, ' ');
  const headers = {};
  const rawHeaders = [];
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).toLowerCase();
    const value = line.slice(i + 1).trim();
    rawHeaders.push([name, value]);
    if (!(name in headers)) headers[name] = value;
  }
  return { headers, rawHeaders, body: raw.subarray(Buffer.byteLength(text.slice(0, end), 'latin1') + sep) };
}

function parsePart(raw, acc) {
  const { headers, body } = splitHeaders(raw);
  const ct = headers['content-type'] || 'text/plain';
  const boundary = /boundary="([^"]+)"/.exec(ct);
  if (/^multipart\//i.test(ct) && boundary) {
    const b = boundary[1];
    const parts = body.toString('latin1').split(`--${b}`);
    for (const p of parts.slice(1)) {
      if (p.startsWith('--')) break;
      parsePart(Buffer.from(p.replace(/^\r?\n/, ''), 'latin1'), acc);
    }
    return;
  }
  let data = body;
  if (/base64/i.test(headers['content-transfer-encoding'] || '')) data = Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64');
  const name = /filename="([^"]+)"/.exec(headers['content-disposition'] || '');
  if (name) acc.attachments.push({ name: name[1], type: ct.split(';')[0], data });
  else if (/^text\/plain/i.test(ct)) acc.text = data.toString('utf8');
  else if (/^text\/html/i.test(ct)) acc.html = data.toString('utf8');
}

/** A message as tests read it: headers (lower-case names, first value), the decoded
 *  subject, to, the Message-ID, the text and HTML parts, the attachments. */
export function parseMessage(raw) {
  const { headers, rawHeaders } = splitHeaders(raw);
  const acc = { text: '', html: '', attachments: [] };
  parsePart(raw, acc);
  const to = /<([^>]+)>/.exec(headers.to || '');
  return {
    raw, headers, rawHeaders,
    subject: decodeWords(headers.subject || ''),
    to: to ? to[1] : (headers.to || ''),
    toHeader: decodeWords(headers.to || ''),
    messageId: headers['message-id'] || '',
    lang: headers['content-language'] || '',
    ...acc,
  };
}
