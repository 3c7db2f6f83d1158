// E-mail that never gets lost and is not sent twice (issue 18): a thousand messages
// go through a real Postfix while the sender (km0 mail run, two workers) is killed
// with SIGKILL ten times (fifty with KM0_SOAK=1) and the MTA is stopped for a while in
// the middle. Every message must arrive exactly once, checked by Message-ID in the
// Maildir. (A duplicate is possible only if a kill lands between the relay's 250 and
// the moment the "sent" reaches PostgreSQL, a few microseconds per message:
// docs/operations.md, "Messages".)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, ROOT, freshDb, track, tmpDir, km0 } from '../lib/harness.mjs';
import { startPostfix, postfixUnavailable } from '../lib/postfix.mjs';
import { writeConf } from '../lib/scale.mjs';

const MESSAGES = 1000;
const KILLS = process.env.KM0_SOAK ? 50 : 10;
const unavailable = postfixUnavailable();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('a thousand messages through kill -9 and a stopped MTA', { skip: unavailable || false }, () => {
  let db, mta, conf;
  before(async () => {
    mta = await startPostfix();
    db = freshDb('mailcrash');
    conf = writeConf(tmpDir('km0-mailcrash'), 'mail.conf', `
      smtp_url = ${mta.url}
      smtp_tls = none
      mail_from = hub@km0.test
      mail_batch = 16
      mail_retry_base_s = 1
      mail_retry_max_s = 2`);
    // the outbox as any event would fill it: one message per recipient
    db.sql(`INSERT INTO outbox (hub_id, kind, to_address, lang, subject, body_text, body_html)
      SELECT h.id, 'notice', 'r' || g || '@example.org', 'fr', 'Message ' || g,
             'Bonjour,' || chr(10) || chr(10) || 'message ' || g || ' ' || repeat('x', 500),
             '<p>message ' || g || '</p>'
        FROM hubs h, generate_series(1, ${MESSAGES}) g`);
  });
  after(() => { mta?.destroy(); db?.drop(); });

  function startSender() {
    const p = track(spawn(BIN, ['--config', conf, 'mail', 'run', '--threads', '2'], {
      cwd: ROOT, env: { ...process.env, KM0_DATABASE_URL: db.url }, stdio: ['ignore', 'ignore', 'pipe'],
    }));
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.logs = () => err;
    return p;
  }
  const sentCount = () => Number(db.one(`SELECT count(*) FROM outbox WHERE state = 'sent'`));

  it('delivers every message exactly once', async () => {
    let sender = startSender();
    let stopped = false;
    for (let k = 0; k < KILLS; k++) {
      await sleep(150 + Math.floor(Math.random() * 350));
      if (k === Math.floor(KILLS / 2)) { mta.stop(); stopped = true; }
      if (stopped && k === Math.floor(KILLS / 2) + 2) { await mta.start(); stopped = false; }
      sender.kill('SIGKILL');
      await new Promise((r) => (sender.exitCode !== null || sender.signalCode !== null ? r() : sender.on('exit', r)));
      sender = startSender();
    }
    if (stopped) await mta.start();
    assert.ok(sentCount() < MESSAGES, 'the kills happened while messages were still to send');
    // the last sender finishes the work
    const deadline = Date.now() + 240000;
    while (sentCount() < MESSAGES && Date.now() < deadline) await sleep(200);
    sender.kill('SIGTERM');
    await new Promise((r) => (sender.exitCode !== null ? r() : sender.on('exit', r)));
    assert.equal(sentCount(), MESSAGES, `all sent:\n${sender.logs().slice(-3000)}`);
    assert.equal(db.one(`SELECT count(*) FROM outbox WHERE state <> 'sent'`), '0');

    const expected = new Set(db.sql(`SELECT 'km0.' || h.slug || '.' || o.id || '.' ||
        floor(extract(epoch FROM o.created_at) * 1000)::bigint || '@km0.test'
        FROM outbox o JOIN hubs h ON h.id = o.hub_id`).map(([id]) => `<${id}>`));
    const got = await mta.waitFor((ms) => ms.length >= MESSAGES, 120000, `${MESSAGES} messages in the Maildir`);
    await sleep(2000); // anything late (a duplicate) would be in by now
    const all = mta.messages();
    const ids = all.map((m) => m.messageId);
    const seen = new Map();
    for (const id of ids) seen.set(id, (seen.get(id) || 0) + 1);
    const dups = [...seen].filter(([, n]) => n > 1);
    assert.deepEqual(dups, [], 'no message twice');
    assert.equal(all.length, MESSAGES, `exactly ${MESSAGES} (had ${got.length})`);
    for (const id of expected) assert.ok(seen.has(id), `${id} arrived`);
    // each arrived to its own recipient with its own words
    const m = all.find((x) => x.subject === 'Message 7');
    assert.equal(m.to, 'r7@example.org');
    assert.match(m.text, /message 7 x/);

    const q = km0(['--config', conf, 'mail', 'queue'], { db });
    assert.equal(q.status, 0, q.stderr);
    assert.match(q.stdout, new RegExp(`waiting 0\\nsending 0\\nsent ${MESSAGES}\\nfailed 0`));
  });
});
