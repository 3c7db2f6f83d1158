// E-mail that never gets lost (issue 18): a thousand messages go through a real
// Postfix while
//  - the MTA is stopped for a while in the middle, the sender running: messages wait,
//    then all arrive, none twice;
//  - the sender (km0 mail run, two workers) is killed with SIGKILL ten times (fifty
//    with KM0_SOAK=1): every message arrives, checked by Message-ID in the Maildir.
// Exactly once is impossible over SMTP (RFC 1047): a sender killed after the final
// "." of a message and before its "sent" reached PostgreSQL cannot know whether the
// relay took it, and sends it again. That window is the relay's own time to queue the
// message plus a few microseconds of ours; the test allows at most one extra copy per
// worker killed (each kill ends two workers), and counts them
// (docs/operations.md, "Messages").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, ROOT, freshDb, track, tmpDir, km0 } from '../lib/harness.mjs';
import { startPostfix, postfixUnavailable } from '../lib/postfix.mjs';
import { writeConf } from '../lib/scale.mjs';

const MESSAGES = 1000;
const KILLS = process.env.KM0_SOAK ? 50 : 10;
const THREADS = 2; // workers in each km0 mail run: a kill ends both
const unavailable = postfixUnavailable();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const insert = (db, from, to) => db.sql(`INSERT INTO outbox (hub_id, kind, to_address, lang, subject, body_text, body_html)
  SELECT h.id, 'notice', 'r' || g || '@example.org', 'fr', 'Message ' || g,
         'Bonjour,' || chr(10) || chr(10) || 'message ' || g || ' ' || repeat('x', 500),
         '<p>message ' || g || '</p>'
    FROM hubs h, generate_series(${from}, ${to}) g`);

describe('messages through a stopped MTA and kill -9 of the sender', { skip: unavailable || false }, () => {
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
  });
  after(() => { mta?.destroy(); db?.drop(); });

  function startSender() {
    const p = track(spawn(BIN, ['--config', conf, 'mail', 'run', '--threads', String(THREADS)], {
      cwd: ROOT, env: { ...process.env, KM0_DATABASE_URL: db.url }, stdio: ['ignore', 'ignore', 'pipe'],
    }));
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.logs = () => err;
    return p;
  }
  const exited = (p) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.on('exit', r)));
  const count = (state) => Number(db.one(`SELECT count(*) FROM outbox WHERE state = '${state}'`));
  async function allSent(n, sender) {
    const deadline = Date.now() + 240000;
    while (count('sent') < n && Date.now() < deadline) await sleep(200);
    assert.equal(count('sent'), n, `all sent:\n${sender.logs().slice(-3000)}`);
  }
  /** Message-ID → copies in the Maildir, once the n expected are in. */
  async function copies(n) {
    await mta.waitFor((ms) => new Set(ms.map((m) => m.messageId)).size >= n, 120000, `${n} messages in the Maildir`);
    await sleep(2000); // anything late would be in by now
    const seen = new Map();
    for (const m of mta.messages()) seen.set(m.messageId, (seen.get(m.messageId) || 0) + 1);
    return seen;
  }
  const expectedIds = () => db.sql(`SELECT '<km0.' || h.slug || '.' || o.id || '.' ||
      floor(extract(epoch FROM o.created_at) * 1000)::bigint || '@km0.test>'
      FROM outbox o JOIN hubs h ON h.id = o.hub_id`).map(([id]) => id);

  it('makes messages wait while the MTA is down, then delivers each once', async () => {
    insert(db, 1, 500);
    const sender = startSender();
    await mta.waitFor((ms) => ms.length >= 50, 60000, 'the first messages');
    mta.stop();
    await sleep(3000);
    const during = count('sent');
    assert.ok(during < 500, 'messages were waiting while the MTA was down');
    await mta.start();
    await allSent(500, sender);
    sender.kill('SIGTERM');
    await exited(sender);
    const seen = await copies(500);
    // every message arrives; a copy twice only when the MTA went away between taking a
    // message (the final ".") and km0 reading its 250: the SMTP window of RFC 1047, at
    // most one message per worker that was sending at that moment
    for (const id of expectedIds()) assert.ok(seen.get(id) >= 1, `${id} arrived`);
    assert.equal(seen.size, 500);
    const twice = [...seen.values()].reduce((n, c) => n + c - 1, 0);
    assert.ok(twice <= THREADS, `${twice} sent twice through one stop of the MTA (${THREADS} workers)`);
    assert.ok(/event=mail.deferred/.test(sender.logs()), 'the sender saw the MTA go away');
  });

  it(`loses nothing when the sender is killed ${KILLS} times, over ${MESSAGES} messages`, async () => {
    insert(db, 501, 500 + MESSAGES);
    let sender = startSender();
    // each kill comes once the new sender has sent a few more (a random share of an
    // even split), so that on a fast machine too every kill falls while messages remain
    const step = Math.floor(MESSAGES / (KILLS * 2));
    for (let k = 0; k < KILLS; k++) {
      const from = count('sent');
      const want = from + 1 + Math.floor(Math.random() * step);
      for (const end = Date.now() + 60000; count('sent') < want && Date.now() < end;) await sleep(5);
      sender.kill('SIGKILL');
      await exited(sender);
      sender = startSender();
    }
    assert.ok(count('sent') < 500 + MESSAGES, 'the kills happened while messages were still to send');
    await allSent(500 + MESSAGES, sender);
    sender.kill('SIGTERM');
    await exited(sender);
    assert.equal(db.one(`SELECT count(*) FROM outbox WHERE state <> 'sent'`), '0');

    const seen = await copies(500 + MESSAGES);
    for (const id of expectedIds()) assert.ok(seen.get(id) >= 1, `${id} arrived`);
    assert.equal(seen.size, 500 + MESSAGES, 'nothing else arrived');
    const extra = [...seen.values()].reduce((s, n) => s + n - 1, 0);
    assert.ok(extra <= KILLS * THREADS, `at most one extra copy per worker killed (${extra} for ${KILLS} kills of ${THREADS} workers)`);
    console.log(`# kill -9 x${KILLS} (${THREADS} workers each) over ${MESSAGES} messages: ${extra} sent twice (killed between the final "." and the "sent")`);
    const m = mta.messages().find((x) => x.subject === 'Message 507');
    assert.equal(m.to, 'r507@example.org');
    assert.match(m.text, /message 507 x/);
    const q = km0(['--config', conf, 'mail', 'queue'], { db });
    assert.equal(q.status, 0, q.stderr);
    assert.match(q.stdout, new RegExp(`waiting 0\\nsending 0\\nsent ${500 + MESSAGES}\\nfailed 0`));
  });
});
